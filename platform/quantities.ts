/** Kubernetes quantities converted for Docker, which takes MiB and CPU counts. */
export function memoryMb(quantity: string): number {
    const m = /^([0-9.]+)(Ki|Mi|Gi|M|G)?$/.exec(quantity);
    if (!m) {
        throw new Error(`"${quantity}" is not a memory quantity`);
    }
    const n = Number(m[1]);
    const factor: Record<string, number> = { Ki: 1 / 1024, Mi: 1, Gi: 1024, M: 1e6 / 1048576, G: 1e9 / 1048576 };
    return Math.max(6, Math.ceil(n * (m[2] ? factor[m[2]] : 1 / 1048576)));
}

/** CPU count as the Docker provider reads it back ("1.0", "0.5"), so a second up finds no change. */
export function cpus(quantity: string): string {
    const n = quantity.endsWith("m") ? Number(quantity.slice(0, -1)) / 1000 : Number(quantity);
    return Number.isInteger(n) ? n.toFixed(1) : String(n);
}
