/**
 * 2. Policy evaluation: the pack's policies run by tests/policies/harness.ts
 *    (runPack, production policy config) over ~100, ~1,000 and ~10,000
 *    resources. The base set is what the program registers under mocks for
 *    Pulumi.production.yaml with 5 generated services (97 resources); bigger
 *    sets are renamed copies of it, each copy a separate environment
 *    instance: its own resource names and URNs, namespace, `<stack>-` object
 *    names, credential names (keeper webstack.dev/credential) and generated
 *    credential values, so the copies neither collide nor share credentials
 *    (the pack reports nothing on any size; checked on every run).
 *
 *    Per round, every (size, policy) cell runs once, in a rotated order.
 *    Two floors measure the harness itself: a resource policy and a stack
 *    policy that do nothing (the engine-like copy of each resource's props,
 *    wrapped in @pulumi/policy's unknown-checking proxy, is in every figure).
 */
import { runProgram, Recorded } from "../tests/support/program";
import { FixtureResource, runPack, violationsOf } from "../tests/policies/harness";
import { allPolicies } from "../policies/policies";
import type { Policies } from "../policies/lib/policy";
import { topology } from "./topology";
import { Stats, collectGarbage, log, msSince, rotate, stats } from "./lib";

export interface PolicyCell {
    policy: string;
    kind: "resource" | "stack" | "pack" | "floor";
    size: number;
    ms: Stats;
    perResourceMs: number;
}

export interface PolicyGrowth {
    policy: string;
    kind: PolicyCell["kind"];
    /** per-resource cost at the largest size / at the middle size (10× fewer resources) */
    ratioLargeToMid: number;
    /** per-resource cost at the largest size / at the smallest */
    ratioLargeToSmall: number;
    verdict: string;
    /** A policy first judged non-linear is measured again on its own, the two largest sizes alternating. */
    recheck?: { runs: number; midMs: Stats; largeMs: Stats; ratioLargeToMid: number; verdict: string };
}

export interface PolicyResult {
    baseServices: number;
    baseResources: number;
    sizes: number[];
    copies: number[];
    runs: Record<number, number>;
    cells: PolicyCell[];
    growth: PolicyGrowth[];
    slowest: string[];
    /** Violations the whole pack reported per size (expected 0). */
    violations: Record<number, number>;
    linearFactor: number;
}

export interface PolicyOptions {
    copies: number[];
    runs: number;
    runsBySize: Record<number, number>;
    /** @default 2 */
    linearFactor?: number;
}

const BASE_SERVICES = 5;
const STACK = "production";
const LINEAR_FACTOR_DEFAULT = 2;
/** Below this the growth of a policy is not judged: timer and GC noise. */
const NEGLIGIBLE_MS = 25;

const FLOORS: Policies = [
    { name: "floor: no-op resource policy (all types)", description: "harness floor", enforcementLevel: "advisory", validateResource: () => undefined },
    { name: "floor: no-op stack policy", description: "harness floor", enforcementLevel: "advisory", validateStack: () => undefined },
];

/** Renamed copies of `base`; copy 0 is `base` itself. */
export function replicate(base: Recorded[], copies: number, stack: string, namespace: string): FixtureResource[] {
    const out: FixtureResource[] = base.map((r) => ({ type: r.type, name: r.name, urn: r.urn, props: r.props }));
    const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    // The namespace, "<stack>-" object-name prefixes and mock credential values (mock-<name>-xxxx).
    const pattern = new RegExp(`${escape(namespace)}|${escape(stack)}-|mock-[a-z0-9-]*?x+(?![a-z0-9-])`, "g");
    for (let k = 1; k < copies; k++) {
        const tag = `r${k}`;
        const fix = (s: string) => s.replace(pattern, (m) => {
            if (m === namespace) {
                return `${namespace}-${tag}`;
            }
            if (m === `${stack}-`) {
                return `${stack}-${tag}-`;
            }
            // Same length for a credential value: overwrite its padding.
            return m.length - tag.length > 12 ? m.slice(0, m.length - tag.length) + tag : m + tag;
        });
        const walk = (v: unknown, key?: string): unknown => {
            if (typeof v === "string") {
                return key === "webstack.dev/credential" ? `${v}-${tag}` : fix(v);
            }
            if (Array.isArray(v)) {
                return v.map((x) => walk(x));
            }
            if (v && typeof v === "object") {
                return Object.fromEntries(Object.entries(v).map(([a, b]) => [a, walk(b, a)]));
            }
            return v;
        };
        for (const r of base) {
            const name = `${r.name}-${tag}`;
            out.push({ type: r.type, name, urn: `${r.urn.slice(0, r.urn.lastIndexOf("::") + 2)}${name}`, props: walk(r.props) as Record<string, unknown> });
        }
    }
    return out;
}

function kindOf(p: Policies[number]): PolicyCell["kind"] {
    return typeof (p as { validateStack?: unknown }).validateStack === "function" ? "stack" : "resource";
}

export async function benchPolicies(o: PolicyOptions): Promise<PolicyResult> {
    const LINEAR_FACTOR = o.linearFactor ?? LINEAR_FACTOR_DEFAULT;
    const run = await runProgram(topology(BASE_SERVICES, "kubernetes", "Pulumi.production.yaml"), { stack: STACK });
    const namespace = String(run.outputs.namespace);
    const sets = new Map<number, FixtureResource[]>();
    for (const c of o.copies) {
        sets.set(c, replicate(run.resources, c, STACK, namespace));
    }
    const sizes = o.copies.map((c) => sets.get(c)!.length);
    log(`policy sets: ${sizes.join(", ")} resources (${run.resources.length} per copy)`);

    type Cell = { policy: string; kind: PolicyCell["kind"]; policies?: Policies; only?: string[] };
    const cells: Cell[] = [
        { policy: "whole pack", kind: "pack" },
        ...allPolicies.map((p) => ({ policy: p.name, kind: kindOf(p), only: [p.name] })),
        ...FLOORS.map((p) => ({ policy: p.name, kind: "floor" as const, policies: [p] })),
    ];
    const ms = new Map<string, number[]>();
    const violations: Record<number, number> = {};
    const runsOf = (c: number) => o.runsBySize[c] ?? o.runs;
    const maxRuns = Math.max(...o.copies.map(runsOf));
    // Warm-up: one pass of the whole pack over the smallest set.
    await runPack(sets.get(o.copies[0])!, { environment: "production", stack: STACK });
    for (let round = 0; round < maxRuns; round++) {
        const todo = o.copies.filter((c) => round < runsOf(c)).flatMap((c) => cells.map((cell) => ({ c, cell })));
        for (const { c, cell } of rotate(todo, round * 7)) {
            const resources = sets.get(c)!;
            collectGarbage();
            const start = process.hrtime.bigint();
            const reported = await runPack(resources, { environment: "production", stack: STACK, only: cell.only, policies: cell.policies });
            const t = msSince(start);
            if (cell.kind === "pack") {
                violations[resources.length] = violationsOf(reported).length;
            }
            const k = `${cell.policy}@${c}`;
            ms.set(k, [...(ms.get(k) ?? []), t]);
        }
        log(`policies: round ${round + 1}/${maxRuns} done`);
    }
    const out: PolicyCell[] = [];
    for (const cell of cells) {
        for (const c of o.copies) {
            const st = stats(ms.get(`${cell.policy}@${c}`)!);
            const size = sets.get(c)!.length;
            out.push({ policy: cell.policy, kind: cell.kind, size, ms: st, perResourceMs: st.median / size });
        }
    }
    const growth: PolicyGrowth[] = cells.map((cell) => {
        const row = out.filter((x) => x.policy === cell.policy).sort((a, b) => a.size - b.size);
        const small = row[0];
        const large = row[row.length - 1];
        const mid = row.length >= 3 ? row[row.length - 2] : small;
        const ratioLargeToMid = large.perResourceMs / mid.perResourceMs;
        const ratioLargeToSmall = large.perResourceMs / small.perResourceMs;
        const verdict = large.ms.median < NEGLIGIBLE_MS
            ? `negligible (< ${NEGLIGIBLE_MS} ms at ${large.size.toLocaleString("en-US")})`
            : ratioLargeToMid <= LINEAR_FACTOR ? "linear" : ratioLargeToMid >= 5 ? "quadratic-like" : "superlinear";
        return { policy: cell.policy, kind: cell.kind, ratioLargeToMid, ratioLargeToSmall, verdict } as PolicyGrowth;
    });
    // Small absolute times on shared cores are noisy: re-measure a policy judged non-linear
    // on its own, alternating the two largest sizes, before calling it so.
    if (o.copies.length >= 2) {
        const [midCopies, largeCopies] = o.copies.slice(-2);
        for (const g of growth.filter((x) => x.verdict === "superlinear" || x.verdict === "quadratic-like")) {
            const cell = cells.find((c) => c.policy === g.policy)!;
            const t = { mid: [] as number[], large: [] as number[] };
            const runs = Math.max(5, o.runs);
            for (let i = 0; i < runs; i++) {
                for (const which of rotate(["mid", "large"] as const, i)) {
                    collectGarbage();
                    const start = process.hrtime.bigint();
                    await runPack(sets.get(which === "mid" ? midCopies : largeCopies)!, { environment: "production", stack: STACK, only: cell.only, policies: cell.policies });
                    t[which].push(msSince(start));
                }
            }
            const midMs = stats(t.mid);
            const largeMs = stats(t.large);
            const midSize = sets.get(midCopies)!.length;
            const largeSize = sets.get(largeCopies)!.length;
            const ratio = (largeMs.median / largeSize) / (midMs.median / midSize);
            const verdict = ratio <= LINEAR_FACTOR ? "linear" : ratio >= 5 ? "quadratic-like" : "superlinear";
            g.recheck = { runs, midMs, largeMs, ratioLargeToMid: ratio, verdict };
            log(`policies: recheck of ${g.policy}: ${g.verdict} ${g.ratioLargeToMid.toFixed(2)}× in the interleaved pass, ${verdict} ${ratio.toFixed(2)}× alone`);
            g.verdict = verdict === "linear"
                ? `linear on recheck (${ratio.toFixed(2)}× alone; ${g.ratioLargeToMid.toFixed(2)}× in the interleaved pass was noise)`
                : `${verdict} (confirmed alone: ${ratio.toFixed(2)}×)`;
        }
    }
    const largest = Math.max(...sizes);
    const slowest = out.filter((x) => x.size === largest && (x.kind === "resource" || x.kind === "stack"))
        .sort((a, b) => b.ms.median - a.ms.median).slice(0, 3).map((x) => x.policy);
    return {
        baseServices: BASE_SERVICES, baseResources: run.resources.length, sizes, copies: o.copies,
        runs: Object.fromEntries(o.copies.map((c) => [sets.get(c)!.length, runsOf(c)])),
        cells: out, growth, slowest, violations, linearFactor: LINEAR_FACTOR,
    };
}
