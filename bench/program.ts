/**
 * 1. Program evaluation under mocks: index.ts run by tests/support/program.ts
 *    (runProgram) for generated topologies, per platform, interleaved:
 *    every round runs every (size, platform) once, in a rotated order.
 *
 * 1b. What stack-trace capture costs: the same run with Error.stackTraceLimit
 *    = 0, and with source-map translation of stack traces switched off,
 *    interleaved with the default.
 */
import { runProgram } from "../tests/support/program";
import { BASES, Platform, topology } from "./topology";
import { Stats, collectGarbage, linearFit, log, msSince, rotate, round, stats } from "./lib";

export interface ProgramRow {
    platform: Platform;
    services: number;
    resources: number;
    /** Custom resources (the rest are components). */
    customResources: number;
    ms: Stats;
    /** median ms / resources */
    perResourceMs: number;
}

export interface ProgramGrowth {
    platform: Platform;
    /** Sizes the ratio compares (200 and 10, or the largest run and 10). */
    from: number;
    to: number;
    /** per-resource cost at `to` / at `from` */
    perResourceRatio: number;
    /** marginal ms per resource between the two largest sizes / between the two smallest sizes >= 10 */
    marginalRatio: number;
    /** least-squares fit of median ms over resources */
    fixedMs: number;
    marginalMsPerResource: number;
    r2: number;
    verdict: string;
}

export interface StackTraceRow {
    variant: string;
    ms: Stats;
    perResourceMs: number;
    /** median / default median */
    ratio: number;
}

export interface ProgramResult {
    rows: ProgramRow[];
    growth: ProgramGrowth[];
    /** The factor within which per-resource costs count as "linear". */
    linearFactor: number;
    stackTraces?: { platform: Platform; services: number; resources: number; rows: StackTraceRow[] };
    runsBySize: Record<number, number>;
}

export interface ProgramOptions {
    sizes: number[];
    platforms: Platform[];
    runs: number;
    /** Fewer runs for the largest sizes. */
    runsBySize: Record<number, number>;
    stackTraceSize: number;
    stackTraceRuns: number;
}

const LINEAR_FACTOR = 1.5;

const CUSTOM = (type: string) => !type.startsWith("webstack:");

async function once(n: number, platform: Platform): Promise<{ ms: number; resources: number; custom: number }> {
    collectGarbage();
    const config = topology(n, platform);
    const start = process.hrtime.bigint();
    const r = await runProgram(config, { stack: BASES[platform].stack });
    const ms = msSince(start);
    return { ms, resources: r.resources.length, custom: r.resources.filter((x) => CUSTOM(x.type)).length };
}

export async function benchProgram(o: ProgramOptions): Promise<ProgramResult> {
    // Warm up: load the SDKs and let the JIT see the program once per platform.
    for (const p of o.platforms) {
        await once(1, p);
    }
    const samples = new Map<string, { ms: number[]; resources: number; custom: number }>();
    const key = (n: number, p: Platform) => `${p}:${n}`;
    const maxRuns = Math.max(o.runs, ...Object.values(o.runsBySize));
    for (let round_ = 0; round_ < maxRuns; round_++) {
        const cells = o.sizes.flatMap((n) => o.platforms.map((p) => ({ n, p })))
            .filter(({ n }) => round_ < (o.runsBySize[n] ?? o.runs));
        for (const { n, p } of rotate(cells, round_)) {
            const r = await once(n, p);
            const s = samples.get(key(n, p)) ?? { ms: [], resources: r.resources, custom: r.custom };
            if (s.resources !== r.resources) {
                throw new Error(`${p} with ${n} services registered ${r.resources} resources, before ${s.resources}: the program is not deterministic`);
            }
            s.ms.push(r.ms);
            samples.set(key(n, p), s);
            log(`program ${p} ${n} services: ${r.resources} resources in ${r.ms.toFixed(0)} ms (round ${round_ + 1})`);
        }
    }
    const rows: ProgramRow[] = [];
    for (const p of o.platforms) {
        for (const n of o.sizes) {
            const s = samples.get(key(n, p))!;
            const st = stats(s.ms);
            rows.push({ platform: p, services: n, resources: s.resources, customResources: s.custom, ms: st, perResourceMs: st.median / s.resources });
        }
    }
    const growth = o.platforms.map((p) => growthOf(rows.filter((r) => r.platform === p), p));

    let stackTraces: ProgramResult["stackTraces"];
    if (o.stackTraceRuns > 0) {
        stackTraces = await benchStackTraces(o.platforms[0], o.stackTraceSize, o.stackTraceRuns);
    }
    return { rows, growth, linearFactor: LINEAR_FACTOR, stackTraces, runsBySize: Object.fromEntries(o.sizes.map((n) => [n, o.runsBySize[n] ?? o.runs])) };
}

function growthOf(rows: ProgramRow[], platform: Platform): ProgramGrowth {
    const sorted = [...rows].sort((a, b) => a.resources - b.resources);
    const from = sorted.find((r) => r.services === 10) ?? sorted[0];
    const to = sorted[sorted.length - 1];
    const perResourceRatio = to.perResourceMs / from.perResourceMs;
    const big = sorted.filter((r) => r.services >= 10);
    const marginal = (a: ProgramRow, b: ProgramRow) => (b.ms.median - a.ms.median) / (b.resources - a.resources);
    const marginalRatio = big.length >= 3 ? marginal(big[big.length - 2], big[big.length - 1]) / marginal(big[0], big[1]) : NaN;
    const fit = linearFit(sorted.map((r) => ({ x: r.resources, y: r.ms.median })));
    const linear = perResourceRatio <= LINEAR_FACTOR && (Number.isNaN(marginalRatio) || marginalRatio <= LINEAR_FACTOR);
    const verdict = linear
        ? `linear: per-resource cost at ${to.services} services is ${round(perResourceRatio, 2)}× that at ${from.services}` +
          (Number.isNaN(marginalRatio) ? "" : `, marginal cost ratio ${round(marginalRatio, 2)}×`) + ` (both within ${LINEAR_FACTOR}×)`
        : `superlinear: per-resource cost ratio ${round(perResourceRatio, 2)}×, marginal cost ratio ${round(marginalRatio, 2)}× (limit ${LINEAR_FACTOR}×)`;
    return {
        platform, from: from.services, to: to.services, perResourceRatio, marginalRatio,
        fixedMs: fit.intercept, marginalMsPerResource: fit.slope, r2: fit.r2, verdict,
    };
}

/** Default vs Error.stackTraceLimit = 0 vs no source-map translation, interleaved. */
async function benchStackTraces(platform: Platform, n: number, runs: number): Promise<NonNullable<ProgramResult["stackTraces"]>> {
    const defaultLimit = Error.stackTraceLimit;
    const sourceMapped = Error.prepareStackTrace;
    const variants: { name: string; set: () => void }[] = [
        { name: `default (Error.stackTraceLimit = ${defaultLimit}, stack traces source-mapped by source-map-support)`, set: () => undefined },
        { name: "Error.stackTraceLimit = 0 (no stack captured)", set: () => { Error.stackTraceLimit = 0; } },
        { name: "no source-map translation (Error.prepareStackTrace unset, as plain JS without source-map-support)", set: () => { (Error as { prepareStackTrace?: unknown }).prepareStackTrace = undefined; } },
    ];
    const ms = new Map<string, number[]>(variants.map((v) => [v.name, []]));
    let resources = 0;
    for (let i = 0; i < runs; i++) {
        for (const v of rotate(variants, i)) {
            v.set();
            try {
                const r = await once(n, platform);
                resources = r.resources;
                ms.get(v.name)!.push(r.ms);
                log(`stack traces, ${v.name.split(" (")[0]}: ${r.ms.toFixed(0)} ms`);
            } finally {
                Error.stackTraceLimit = defaultLimit;
                Error.prepareStackTrace = sourceMapped;
            }
        }
    }
    const base = stats(ms.get(variants[0].name)!).median;
    return {
        platform, services: n, resources,
        rows: variants.map((v) => {
            const st = stats(ms.get(v.name)!);
            return { variant: v.name, ms: st, perResourceMs: st.median / resources, ratio: st.median / base };
        }),
    };
}
