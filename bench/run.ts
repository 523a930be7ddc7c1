/**
 * `npm run bench`: how the program's cost grows, measured as ratios within
 * one run. Not part of the test suite. See bench/README.md.
 *
 *   npm run bench                       full run (~12 min here), writes bench/report.{md,json}
 *   npm run bench -- --quick            < 2 min, writes bench/report.quick.{md,json}
 *   npm run bench -- --only program,policy,engine
 *   npm run bench -- --runs 7           runs per figure (the largest sizes keep fewer)
 *   npm run bench -- --out /tmp/r       writes /tmp/r.md and /tmp/r.json
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { benchProgram } from "./program";
import { benchPolicies } from "./policy";
import { benchEngine } from "./engine";
import { Report, markdown, summaryTable } from "./render";
import { fmtMs, fmtPer, fmtRatio, log, machine, round } from "./lib";

const SECTIONS = ["program", "policy", "engine"] as const;
type Section = (typeof SECTIONS)[number];

interface Args {
    quick: boolean;
    only: Section[];
    runs?: number;
    out?: string;
}

function parseArgs(argv: string[]): Args {
    const a: Args = { quick: false, only: [...SECTIONS] };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const value = () => {
            const v = argv[++i];
            if (v === undefined) {
                throw new Error(`${arg} needs a value`);
            }
            return v;
        };
        if (arg === "--quick") {
            a.quick = true;
        } else if (arg === "--only") {
            const list = value().split(",").map((s) => s.trim());
            const bad = list.filter((s) => !(SECTIONS as readonly string[]).includes(s));
            if (bad.length > 0) {
                throw new Error(`--only takes ${SECTIONS.join(", ")} (got ${bad.join(", ")})`);
            }
            a.only = list as Section[];
        } else if (arg === "--runs") {
            a.runs = Number(value());
            if (!Number.isInteger(a.runs) || a.runs < 1) {
                throw new Error("--runs takes a positive integer");
            }
        } else if (arg === "--out") {
            a.out = value();
        } else if (arg === "--help" || arg === "-h") {
            process.stdout.write(fs.readFileSync(__filename, "utf8").split("*/")[0].replace(/^\/\*\*\n/, "").replace(/^ \* ?/gm, ""));
            process.exit(0);
        } else {
            throw new Error(`unknown argument ${arg} (see bench/README.md)`);
        }
    }
    return a;
}

function biggestCost(r: Report): string[] {
    const out: string[] = [];
    const prog = r.program;
    const pol = r.policy;
    if (prog) {
        const docker = prog.growth.find((g) => g.platform === "docker") ?? prog.growth[0];
        const largest = prog.rows.filter((x) => x.platform === docker.platform).sort((a, b) => b.resources - a.resources)[0];
        let line = `The biggest cost is evaluating the program: ${fmtPer(docker.marginalMsPerResource)} per added resource under mocks (${docker.platform}; ${fmtMs(largest.ms.median)} for ${largest.services} services, ${largest.resources.toLocaleString("en-US")} resources)`;
        if (pol) {
            const pack = pol.cells.filter((c) => c.kind === "pack").sort((a, b) => b.size - a.size)[0];
            line += `, against ${fmtPer(pack.perResourceMs)} per resource for the whole policy pack at ${pack.size.toLocaleString("en-US")} resources (${round(docker.marginalMsPerResource / pack.perResourceMs, 0)}× less)`;
        }
        out.push(`${line}.`);
        const st = prog.stackTraces;
        if (st) {
            const none = st.rows[1];
            const plain = st.rows[2];
            const saved = Math.round((1 - none.ratio) * 100);
            out.push(`Under mocks, ${saved >= 50 ? "most" : `about ${saved}%`} of that is stack-trace capture: with \`Error.stackTraceLimit = 0\` the same run takes ${fmtRatio(none.ratio)} of the default time (${saved}% saved), and with plain V8 stack formatting (no source maps) ${fmtRatio(plain.ratio)}. ` +
                "@pulumi/pulumi takes `new Error().stack` for every output-property promise of every resource (runtime/debuggable.js, via transferProperties) and once per resource for its source position (resource.js), and source-map-support (installed by ts-node here, and by @pulumi/pulumi/cmd/run under the real engine) maps every frame of every one of those traces through the source maps.");
            out.push("What could cut it: lower `Error.stackTraceLimit` while the program registers resources (e.g. set it to 0 in index.ts before building the Environment and restore it after; the cost is losing source positions in engine diagnostics, which the program's own errors do not need), or have the SDK capture stacks lazily (upstream change). Precompiling to JavaScript alone does not avoid it: the real language host registers source-map-support for JavaScript programs as well.");
        }
        const nonLinear = prog.growth.filter((g) => !g.verdict.startsWith("linear"));
        out.push(nonLinear.length === 0
            ? `Growth is linear on both platforms (per-resource cost at the largest size ${prog.growth.map((g) => `${g.platform} ${fmtRatio(g.perResourceRatio)}`).join(", ")} of that at 10 services; a fixed ${prog.growth.map((g) => `${fmtMs(g.fixedMs)} (${g.platform})`).join(" / ")} per run: re-loading the program's modules through ts-node, the mock set-up and runProgram's settle wait).`
            : `Growth is not linear on ${nonLinear.map((g) => `${g.platform} (${g.verdict})`).join(", ")}.`);
    }
    if (pol) {
        const largest = Math.max(...pol.sizes);
        const pack = pol.cells.find((c) => c.kind === "pack" && c.size === largest)!;
        const top = pol.slowest.map((name) => {
            const c = pol.cells.find((x) => x.policy === name && x.size === largest)!;
            return `${name} ${fmtMs(c.ms.median)} (${Math.round((c.ms.median / pack.ms.median) * 100)}% of the pack)`;
        });
        const stackPolicies = pol.growth.filter((g) => g.kind === "stack");
        const flagged = pol.growth.filter((g) => g.kind !== "floor" && g.kind !== "pack" && g.recheck);
        const recheckNote = flagged.length === 0 ? "" : ` Judged non-linear in the interleaved pass and re-measured alone: ${flagged.map((g) => `${g.policy} (${g.verdict})`).join("; ")}.`;
        out.push(`Policies: the pack is ${pol.growth.find((g) => g.kind === "pack")!.verdict} (${fmtRatio(pol.growth.find((g) => g.kind === "pack")!.ratioLargeToMid)} per-resource cost for 10× the resources); slowest at ${largest.toLocaleString("en-US")} resources: ${top.join(", ")}. Stack policies: ${stackPolicies.map((g) => `${g.policy} ${fmtRatio(g.ratioLargeToMid)} (${g.verdict})`).join(", ")}${stackPolicies.some((g) => /quadratic/.test(g.verdict)) ? "" : "; none is quadratic"}.${recheckNote}`);
    }
    const rows = r.engine?.rows ?? [];
    const floor = rows.find((x) => x.id === "engine-floor" && x.status === "ran");
    const polRow = rows.find((x) => x.id === "policy-overhead" && x.status === "ran");
    const comps = rows.find((x) => x.id === "engine-components" && x.status === "ran");
    if (floor) {
        let line = `Real engine: an empty preview costs ${fmtMs(floor.series[0].ms.median)} (the floor of every pulumi command here)`;
        const typeCheck = floor.ratios.find((x) => x.label === "type-check ms")?.value;
        if (typeCheck !== undefined) {
            line += `, of which ${fmtMs(typeCheck)} is ts-node type-checking the program (PULUMI_NODEJS_TRANSPILE_ONLY=true: ${fmtRatio(floor.ratios[0].value)})`;
        }
        if (polRow) {
            const extra = polRow.ratios.find((x) => x.label === "pack start-up ms, shipped")!.value;
            const extraJs = polRow.ratios.find((x) => x.label === "pack start-up ms, precompiled")!.value;
            line += `; the policy pack adds ${fmtMs(extra)} to every preview (${fmtRatio(polRow.ratios[0].value)}), a fixed cost that dwarfs its per-resource cost for any realistic stack, because @pulumi/pulumi/cmd/run-policy-pack type-checks a TypeScript pack each time; precompiled to JavaScript it adds ${fmtMs(extraJs)} (${fmtRatio(polRow.ratios[1].value)})`;
        }
        if (comps) {
            const per = comps.ratios.find((x) => x.label === "ms per component")!.value;
            const per0 = comps.ratios.find((x) => x.label === "ms per component, no stack capture")!.value;
            line += `; each registered resource costs the engine and SDK about ${fmtPer(per)} even without a provider (${fmtPer(per0)} with Error.stackTraceLimit = 0: bare components have no output properties, so little stack is captured for them; whether the mocks' stack-trace saving carries over to custom resources under the real engine needs the provider plugins to measure)`;
        }
        out.push(`${line}.`);
    }
    return out;
}

async function main(): Promise<void> {
    const args = parseArgs(process.argv.slice(2));
    const started = Date.now();
    const m = machine();
    const q = args.quick;
    const runs = args.runs ?? (q ? 2 : 5);
    const report: Report = {
        generatedAt: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
        mode: q ? "quick" : "full",
        command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`,
        durationSeconds: 0,
        machine: m,
        skipped: [],
        biggestCost: [],
    };
    log(`${report.mode} run on ${m.nproc} CPUs, Node ${m.node}, load ${m.loadAverageStart.join(" ")}`);

    if (args.only.includes("program")) {
        report.program = await benchProgram({
            sizes: q ? [1, 10, 50] : [1, 10, 50, 200],
            platforms: ["docker", "kubernetes"],
            runs,
            runsBySize: q ? { 50: 1 } : { 200: Math.min(runs, 3) },
            stackTraceSize: q ? 10 : 50,
            stackTraceRuns: q ? 1 : runs,
        });
    }
    if (args.only.includes("policy")) {
        report.policy = await benchPolicies({ copies: q ? [1, 10, 30] : [1, 10, 100], runs, runsBySize: {} });
    }
    if (args.only.includes("engine")) {
        report.engine = await benchEngine({ runs: args.runs ?? (q ? 1 : 5), upRuns: q ? 1 : 3, reviewRuns: q ? 1 : 2, components: q ? 50 : 200 });
        m.pulumiCli = report.engine.cli;
        m.languageHost = report.engine.languageHost;
        for (const row of report.engine.rows.filter((x) => x.status !== "ran")) {
            report.skipped.push({ figure: `3. ${row.title}`, reason: `${row.status === "failed" ? "FAILED: " : ""}${row.reason ?? ""}` });
        }
    }
    for (const s of SECTIONS.filter((x) => !args.only.includes(x))) {
        report.skipped.push({ figure: `section ${s}`, reason: "not selected (--only)" });
    }
    const docker = spawnSync("docker", ["version", "--format", "{{.Server.Version}}"], { encoding: "utf8" });
    if (docker.status === 0) {
        m.docker = docker.stdout.trim();
    }
    m.loadAverageEnd = os.loadavg().map((x) => round(x, 2));
    report.biggestCost = biggestCost(report);
    report.durationSeconds = Math.round((Date.now() - started) / 1000);

    const base = args.out ? path.resolve(args.out) : path.join(__dirname, q ? "report.quick" : "report");
    fs.writeFileSync(`${base}.json`, JSON.stringify(report, null, 2) + "\n");
    fs.writeFileSync(`${base}.md`, markdown(report));
    console.log("");
    console.log(summaryTable(report));
    console.log("");
    for (const l of report.biggestCost) {
        console.log(`- ${l}`);
    }
    for (const s of report.skipped) {
        console.log(`SKIPPED ${s.figure}: ${s.reason.split("\n")[0]}`);
    }
    console.log(`\nbench took ${(report.durationSeconds / 60).toFixed(1)} min; wrote ${path.relative(process.cwd(), base)}.md and .json`);
}

main().catch((e) => {
    console.error(e instanceof Error ? e.stack ?? e.message : e);
    process.exit(1);
});
