/**
 * Turns the measurements into bench/report.json and bench/report.md (and the
 * summary table printed at the end of a run). Not named report.ts: beside
 * report.json, `./report` would resolve to the JSON file.
 */
import { Machine, fmtMs, fmtPer, fmtRatio, round } from "./lib";
import type { ProgramResult } from "./program";
import type { PolicyResult } from "./policy";
import type { EngineRow } from "./engine";

export interface Report {
    generatedAt: string;
    mode: "full" | "quick";
    command: string;
    durationSeconds: number;
    machine: Machine;
    program?: ProgramResult;
    policy?: PolicyResult;
    engine?: { rows: EngineRow[]; cli?: string; languageHost?: string };
    skipped: { figure: string; reason: string }[];
    biggestCost: string[];
}

const n = (x: number) => x.toLocaleString("en-US");
const range = (min: number, max: number) => `${fmtMs(min)} – ${fmtMs(max)}`;

/** The main table: one line per figure. */
export function summaryTable(r: Report): string {
    const head = "| # | figure | runs | median | min – max | per resource | ratio / verdict |\n|---|---|---|---|---|---|---|";
    const lines: string[] = [];
    if (r.program) {
        for (const row of r.program.rows) {
            lines.push(`| 1 | program under mocks, ${row.platform}, ${row.services} service${row.services > 1 ? "s" : ""} (${n(row.resources)} resources) | ${row.ms.runs} | ${fmtMs(row.ms.median)} | ${range(row.ms.min, row.ms.max)} | ${fmtPer(row.perResourceMs)} | |`);
        }
        for (const g of r.program.growth) {
            lines.push(`| 1 | growth, ${g.platform}: per-resource cost at ${g.to} / at ${g.from} services | | | | | **${fmtRatio(g.perResourceRatio)}**; marginal ${fmtRatio(g.marginalRatio)}; ${g.verdict.split(":")[0]} (limit ${r.program.linearFactor}×) |`);
            lines.push(`| 1 | fit, ${g.platform}: time = fixed + marginal × resources | | ${fmtMs(g.fixedMs)} fixed | | ${fmtPer(g.marginalMsPerResource)} marginal | r² ${g.r2.toFixed(3)} |`);
        }
        const st = r.program.stackTraces;
        if (st) {
            for (const row of st.rows) {
                lines.push(`| 1b | ${st.platform}, ${st.services} services (${n(st.resources)} resources): ${row.variant} | ${row.ms.runs} | ${fmtMs(row.ms.median)} | ${range(row.ms.min, row.ms.max)} | ${fmtPer(row.perResourceMs)} | ${fmtRatio(row.ratio)} of default |`);
            }
        }
    }
    if (r.policy) {
        const p = r.policy;
        for (const c of p.cells.filter((x) => x.kind === "pack")) {
            lines.push(`| 2 | whole policy pack (production config), ${n(c.size)} resources | ${c.ms.runs} | ${fmtMs(c.ms.median)} | ${range(c.ms.min, c.ms.max)} | ${fmtPer(c.perResourceMs)} | ${p.violations[c.size] ?? "?"} violations |`);
        }
        const pack = p.growth.find((g) => g.kind === "pack")!;
        lines.push(`| 2 | growth, whole pack: per-resource cost at ${n(p.sizes[p.sizes.length - 1])} / at ${n(p.sizes[p.sizes.length - 2] ?? p.sizes[0])} resources | | | | | **${fmtRatio(pack.ratioLargeToMid)}** (${pack.verdict}, limit ${p.linearFactor}×); vs ${n(p.sizes[0])}: ${fmtRatio(pack.ratioLargeToSmall)} |`);
        const largest = Math.max(...p.sizes);
        for (const name of p.slowest) {
            const c = p.cells.find((x) => x.policy === name && x.size === largest)!;
            const g = p.growth.find((x) => x.policy === name)!;
            lines.push(`| 2 | slowest: ${name} (${c.kind} policy), ${n(largest)} resources | ${c.ms.runs} | ${fmtMs(c.ms.median)} | ${range(c.ms.min, c.ms.max)} | ${fmtPer(c.perResourceMs)} | growth ${fmtRatio(g.ratioLargeToMid)} (${g.verdict}) |`);
        }
        const nonLinear = p.growth.filter((g) => /^(superlinear|quadratic)/.test(g.verdict) && g.kind !== "floor");
        const rechecked = p.growth.filter((g) => g.recheck && g.recheck.verdict === "linear");
        lines.push(`| 2 | policies growing faster than linear (per-resource cost ×${p.linearFactor}+ for 10× resources) | | | | | ${nonLinear.length === 0 ? "none" : nonLinear.map((g) => `${g.policy} ${fmtRatio(g.recheck?.ratioLargeToMid ?? g.ratioLargeToMid)}`).join(", ")}` +
            `${rechecked.length > 0 ? ` (rechecked alone and linear: ${rechecked.map((g) => `${g.policy} ${fmtRatio(g.recheck!.ratioLargeToMid)}, first pass ${fmtRatio(g.ratioLargeToMid)}`).join("; ")})` : ""} |`);
    }
    if (r.engine) {
        for (const row of r.engine.rows) {
            if (row.status !== "ran") {
                lines.push(`| 3 | ${row.title} | | | | | **${row.status.toUpperCase()}**: ${row.reason?.split("\n")[0]} |`);
                continue;
            }
            row.series.forEach((s, i) => {
                const ratio = i === row.series.length - 1 ? row.ratios.map((x) => x.label.includes("ms") ? `${x.label}: ${x.value.toFixed(2)}` : `${x.label}: **${fmtRatio(x.value)}**`).join("; ") : "";
                lines.push(`| 3 | ${row.title}: ${s.label} | ${s.ms.runs} | ${fmtMs(s.ms.median)} | ${range(s.ms.min, s.ms.max)} | | ${ratio} |`);
            });
        }
    }
    return `${head}\n${lines.join("\n")}`;
}

function policyTable(p: PolicyResult): string {
    const sizes = p.sizes;
    const head = `| policy | kind | ${sizes.map((s) => `${n(s)} resources: median (per resource)`).join(" | ")} | per-resource ${n(sizes[sizes.length - 1])} / ${n(sizes[sizes.length - 2] ?? sizes[0])} | verdict |\n|---|---|${sizes.map(() => "---").join("|")}|---|---|`;
    const names = [...new Set(p.cells.map((c) => c.policy))];
    const largest = Math.max(...sizes);
    names.sort((a, b) => {
        const ca = p.cells.find((c) => c.policy === a && c.size === largest)!;
        const cb = p.cells.find((c) => c.policy === b && c.size === largest)!;
        const rank = (k: string) => (k === "pack" ? 0 : k === "floor" ? 2 : 1);
        return rank(ca.kind) - rank(cb.kind) || cb.ms.median - ca.ms.median;
    });
    const rows = names.map((name) => {
        const cells = sizes.map((s) => p.cells.find((c) => c.policy === name && c.size === s)!);
        const g = p.growth.find((x) => x.policy === name)!;
        return `| ${name} | ${cells[0].kind} | ${cells.map((c) => `${fmtMs(c.ms.median)} (${fmtPer(c.perResourceMs)})`).join(" | ")} | ${fmtRatio(g.ratioLargeToMid)} | ${g.verdict} |`;
    });
    return `${head}\n${rows.join("\n")}`;
}

export function markdown(r: Report): string {
    const m = r.machine;
    const out: string[] = [];
    out.push("# Benchmark report", "");
    out.push(`Generated ${r.generatedAt} by \`${r.command}\` (${r.mode} mode) in ${(r.durationSeconds / 60).toFixed(1)} min. How to reproduce and what each figure means: [README.md](README.md).`, "");
    out.push(`Machine: ${m.nproc} CPUs (nproc; ${m.cpuModel}), ${m.memoryGb} GB, Node ${m.node}, ${m.platform}; load average ${m.loadAverageStart.join(" / ")} at start, ${(m.loadAverageEnd ?? []).join(" / ")} at the end (the cores are shared with other work, so every figure is a median of interleaved runs and the comparisons are ratios within this run).` +
        (m.pulumiCli ? ` Pulumi CLI ${m.pulumiCli}, language host ${m.languageHost ?? "?"}.` : "") + (m.docker ? ` Docker ${m.docker}.` : ""), "");
    out.push("## Summary", "", summaryTable(r), "");
    out.push("## Biggest cost and what could cut it", "", ...r.biggestCost.map((l) => `- ${l}`), "");
    if (r.program) {
        const p = r.program;
        out.push("## 1. Program evaluation under mocks", "");
        out.push(`index.ts run by \`runProgram\` (tests/support/program.ts) with generated topologies (bench/topology.ts): docker on Pulumi.local.yaml, kubernetes on Pulumi.staging.yaml. Each cell is the median of ${Object.entries(p.runsBySize).map(([s, k]) => `${k} runs at ${s}`).join(", ")}, all sizes and platforms interleaved in every round, a full garbage collection before each run. Time includes re-loading the program's modules (ts-node) and runProgram's settle wait (5 × 10 ms), which is why a fit is given: its intercept is the fixed cost, its slope the marginal cost per resource.`, "");
        out.push("| platform | services | resources (custom) | median | min – max | per resource |", "|---|---|---|---|---|---|");
        for (const row of p.rows) {
            out.push(`| ${row.platform} | ${row.services} | ${n(row.resources)} (${n(row.customResources)}) | ${fmtMs(row.ms.median)} | ${range(row.ms.min, row.ms.max)} | ${fmtPer(row.perResourceMs)} |`);
        }
        out.push("");
        for (const g of p.growth) {
            out.push(`- ${g.platform}: ${g.verdict}. Fit: ${fmtMs(g.fixedMs)} fixed + ${fmtPer(g.marginalMsPerResource)} per resource (r² ${g.r2.toFixed(3)}).`);
        }
        out.push("", `"Linear" means: the per-resource cost at the largest size is at most ${p.linearFactor}× that at 10 services, and so is the marginal cost (ms per added resource) between the two largest sizes compared with that between the two smallest sizes of at least 10 services.`, "");
        if (p.stackTraces) {
            const st = p.stackTraces;
            out.push(`### 1b. Stack-trace capture`, "", `The same run (${st.platform}, ${st.services} services, ${st.resources} resources), three variants interleaved:`, "");
            out.push("| variant | runs | median | min – max | per resource | vs default |", "|---|---|---|---|---|---|");
            for (const row of st.rows) {
                out.push(`| ${row.variant} | ${row.ms.runs} | ${fmtMs(row.ms.median)} | ${range(row.ms.min, row.ms.max)} | ${fmtPer(row.perResourceMs)} | ${fmtRatio(row.ratio)} |`);
            }
            out.push("");
        }
    }
    if (r.policy) {
        const p = r.policy;
        out.push("## 2. Policy evaluation", "");
        out.push(`The pack's policies (policies/policies.ts) run by \`runPack\` (tests/policies/harness.ts) with policies/config/production.json. Base: what the program registers under mocks for Pulumi.production.yaml with ${p.baseServices} generated services (${p.baseResources} resources); ${p.copies.join(", ")} renamed copies give ${p.sizes.map(n).join(", ")} resources (each copy its own names, URNs, namespace, object names, credential names and values, so nothing collides: the whole pack reports ${Object.values(p.violations).join(", ")} violations). Runs per size: ${Object.entries(p.runs).map(([s, k]) => `${k} at ${n(Number(s))}`).join(", ")}; every (size, policy) cell interleaved in each round. The floors are policies that do nothing: what the harness itself costs (a JSON copy of each resource's props wrapped in @pulumi/policy's unknown-checking proxy, as the engine deserializes each request).`, "");
        out.push(policyTable(p), "");
        out.push(`Verdict: "linear" if the per-resource cost at the largest size is within ${p.linearFactor}× of that at 10× fewer resources; "quadratic-like" from 5× (a quadratic policy would show about 10×); not judged when the policy takes under 25 ms at the largest size. A policy judged non-linear in the interleaved pass is measured again on its own (the two largest sizes alternating, at least 5 runs each) and the verdict says what that recheck found. Slowest at ${n(Math.max(...p.sizes))} resources: ${p.slowest.join(", ")}.`, "");
    }
    if (r.engine) {
        out.push("## 3. Real engine", "");
        for (const row of r.engine.rows) {
            out.push(`### ${row.title}`, "", `Measures: ${row.measures}.`, "");
            if (row.status !== "ran") {
                out.push(`**${row.status.toUpperCase()}**: ${row.reason}`, "");
                continue;
            }
            out.push("| series | runs | median | min – max |", "|---|---|---|---|");
            for (const s of row.series) {
                out.push(`| ${s.label} | ${s.ms.runs} | ${fmtMs(s.ms.median)} | ${range(s.ms.min, s.ms.max)} |`);
            }
            out.push("");
            for (const x of row.ratios) {
                out.push(`- ${x.label}: ${x.label.includes("ms") ? round(x.value, 2) : fmtRatio(x.value)}`);
            }
            for (const note of row.notes) {
                out.push(`- note: ${note}`);
            }
            out.push("");
        }
    }
    if (r.skipped.length > 0) {
        out.push("## Skipped", "", ...r.skipped.map((s) => `- ${s.figure}: ${s.reason}`), "");
    }
    return out.join("\n");
}
