/**
 * Shared helpers of the bench: timing, statistics, garbage collection between
 * samples, interleaving, and a description of the machine.
 */
import { spawnSync } from "child_process";
import * as os from "os";
import * as v8 from "v8";
import * as vm from "vm";

export interface Stats {
    runs: number;
    median: number;
    min: number;
    max: number;
    samples: number[];
}

export function stats(samples: number[]): Stats {
    const s = [...samples].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    const median = s.length === 0 ? NaN : s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
    return { runs: s.length, median, min: s[0] ?? NaN, max: s[s.length - 1] ?? NaN, samples: samples.map((x) => round(x, 3)) };
}

export function round(x: number, digits = 2): number {
    const f = 10 ** digits;
    return Math.round(x * f) / f;
}

/** Milliseconds since `start` (a process.hrtime.bigint()). */
export function msSince(start: bigint): number {
    return Number(process.hrtime.bigint() - start) / 1e6;
}

export async function timeMs<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
    const start = process.hrtime.bigint();
    const value = await fn();
    return { ms: msSince(start), value };
}

let gcFn: (() => void) | undefined;
/** A full garbage collection, so one sample's garbage is not collected during the next. */
export function collectGarbage(): void {
    if (!gcFn) {
        v8.setFlagsFromString("--expose-gc");
        gcFn = vm.runInNewContext("gc") as () => void;
    }
    gcFn();
}

/** Rotates a list by `k`, so no variant always runs first within a round. */
export function rotate<T>(list: T[], k: number): T[] {
    const n = list.length;
    if (n === 0) {
        return list;
    }
    const s = ((k % n) + n) % n;
    return [...list.slice(s), ...list.slice(0, s)];
}

export function log(msg: string): void {
    process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

export interface Machine {
    nproc: number;
    cpuModel: string;
    memoryGb: number;
    node: string;
    platform: string;
    loadAverageStart: number[];
    loadAverageEnd?: number[];
    pulumiCli?: string;
    languageHost?: string;
    docker?: string;
}

export function machine(): Machine {
    const nproc = spawnSync("nproc", { encoding: "utf8" });
    return {
        nproc: nproc.status === 0 ? Number(nproc.stdout.trim()) : os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? "unknown",
        memoryGb: round(os.totalmem() / 2 ** 30, 1),
        node: process.version,
        platform: `${os.type()} ${os.release()} ${os.arch()}`,
        loadAverageStart: os.loadavg().map((x) => round(x, 2)),
    };
}

export function fmtMs(ms: number): string {
    if (!Number.isFinite(ms)) {
        return "–";
    }
    if (ms >= 10_000) {
        return `${(ms / 1000).toFixed(1)} s`;
    }
    if (ms >= 1000) {
        return `${(ms / 1000).toFixed(2)} s`;
    }
    if (ms >= 10) {
        return `${ms.toFixed(0)} ms`;
    }
    return `${ms.toFixed(2)} ms`;
}

/** Per-resource cost: microseconds below 1 ms. */
export function fmtPer(ms: number): string {
    if (!Number.isFinite(ms)) {
        return "–";
    }
    return ms >= 1 ? `${ms.toFixed(2)} ms` : `${(ms * 1000).toFixed(1)} µs`;
}

export function fmtRatio(r: number): string {
    return Number.isFinite(r) ? `${r.toFixed(2)}×` : "–";
}

/** Least-squares line y = a + b x. */
export function linearFit(points: { x: number; y: number }[]): { intercept: number; slope: number; r2: number } {
    const n = points.length;
    const mx = points.reduce((s, p) => s + p.x, 0) / n;
    const my = points.reduce((s, p) => s + p.y, 0) / n;
    const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
    const sxy = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
    const slope = sxx === 0 ? NaN : sxy / sxx;
    const intercept = my - slope * mx;
    const ssTot = points.reduce((s, p) => s + (p.y - my) ** 2, 0);
    const ssRes = points.reduce((s, p) => s + (p.y - (intercept + slope * p.x)) ** 2, 0);
    return { intercept, slope, r2: ssTot === 0 ? 1 : 1 - ssRes / ssTot };
}
