/**
 * 3. The real engine (Pulumi CLI on a throwaway file backend, driven by
 *    tests/integration/engine.ts). Each row states what it needs; a row whose
 *    needs are missing is skipped with the reason, printed and reported.
 *
 *    Temporary projects live in a temp directory (node_modules linked from
 *    the repository); the real program runs from a temp project whose
 *    Pulumi.yaml is the repository's with `main:` pointing at a link to the
 *    repository, so no stack file is ever written into the repository.
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import { Engine, ROOT, cliUnavailable, dockerUnavailable, missingPlugins, offlineKubeconfig, policyConfig, tail } from "../tests/integration/engine";
import { runProgram, toEngineConfig } from "../tests/support/program";
import { Stats, log, msSince, rotate, stats } from "./lib";
import { flatResources, linkNodeModules, writeFlatProject } from "./flat";
import { dockerScript } from "./dockerrun";
import { readStackFile } from "./topology";

export interface Series {
    label: string;
    ms: Stats;
}

export interface EngineRow {
    id: string;
    title: string;
    /** What the figure measures, in one sentence. */
    measures: string;
    status: "ran" | "skipped" | "failed";
    reason?: string;
    series: Series[];
    ratios: { label: string; value: number }[];
    notes: string[];
}

export interface EngineOptions {
    runs: number;
    upRuns: number;
    reviewRuns: number;
    components: number;
}

const COMPONENTS_PROGRAM = `import * as pulumi from "@pulumi/pulumi";
// Registers bench:count component resources and nothing else: no provider plugin is needed.
const config = new pulumi.Config("bench");
const count = config.requireNumber("count");
const limit = config.getNumber("stackTraceLimit");
if (limit !== undefined) {
    Error.stackTraceLimit = limit;
}
for (let i = 0; i < count; i++) {
    new pulumi.ComponentResource("bench:index:Marker", \`marker-\${i}\`, {});
}
export const registered = count;
`;

function project(dir: string, name: string, program: string): string {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${name}\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n`);
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name, private: true, main: "index.ts" }, null, 2));
    fs.writeFileSync(path.join(dir, "index.ts"), program);
    linkNodeModules(dir);
    return dir;
}

/** A project that runs the repository's program: its Pulumi.yaml plus `main:` through a link to the repository. */
function webstackProject(dir: string): string {
    fs.mkdirSync(dir, { recursive: true });
    const link = path.join(dir, "program");
    if (!fs.existsSync(link)) {
        fs.symlinkSync(ROOT, link, "dir");
    }
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `${fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8").trimEnd()}\nmain: program/\n`);
    return dir;
}

/** Creates a stack in `cwd` and sets its config (stack-file shape), keeping the salt `stack init` wrote. */
async function initStack(engine: Engine, cwd: string, stack: string, config: Record<string, unknown>): Promise<void> {
    await engine.ok(["stack", "init", stack, "--secrets-provider", "passphrase", "--no-select"], { cwd });
    const file = path.join(cwd, `Pulumi.${stack}.yaml`);
    const doc = ((fs.existsSync(file) ? yaml.load(fs.readFileSync(file, "utf8")) : undefined) ?? {}) as Record<string, unknown>;
    fs.writeFileSync(file, yaml.dump({ ...doc, config }));
}

/** Runs the series interleaved (rotated each round) and returns each one's milliseconds. */
async function interleave(runs: number, series: { label: string; run: () => Promise<number> }[]): Promise<Map<string, number[]>> {
    const out = new Map<string, number[]>(series.map((s) => [s.label, []]));
    for (let i = 0; i < runs; i++) {
        for (const s of rotate(series, i)) {
            const ms = await s.run();
            out.get(s.label)!.push(ms);
            log(`engine ${s.label}: ${(ms / 1000).toFixed(2)} s (round ${i + 1}/${runs})`);
        }
    }
    return out;
}

async function timed(engine: Engine, args: string[], cwd: string, env?: NodeJS.ProcessEnv): Promise<number> {
    const start = process.hrtime.bigint();
    const r = await engine.run(args, { cwd, env, timeoutSeconds: 1800 });
    const ms = msSince(start);
    if (r.code !== 0) {
        throw new Error(`pulumi ${args.join(" ")} (in ${cwd}) exited ${r.code}:\n${tail(r.stdout + r.stderr, 40)}`);
    }
    return ms;
}

function skipped(id: string, title: string, measures: string, reason: string): EngineRow {
    console.log(`SKIPPED ${title}: ${reason}`);
    return { id, title, measures, status: "skipped", reason, series: [], ratios: [], notes: [] };
}

function failed(row: Omit<EngineRow, "status" | "reason" | "series" | "ratios" | "notes">, e: unknown): EngineRow {
    const reason = e instanceof Error ? e.message : String(e);
    console.log(`FAILED ${row.title}: ${reason}`);
    return { ...row, status: "failed", reason, series: [], ratios: [], notes: [] };
}

function need(plugins: string[], missing: string[]): string | undefined {
    const lacking = plugins.filter((p) => missing.some((m) => m.startsWith(`${p} `) || m === p));
    return lacking.length > 0
        ? `provider plugin${lacking.length > 1 ? "s" : ""} ${missing.filter((m) => lacking.some((p) => m.startsWith(p))).join(", ")} missing (they cannot be built on this machine: docs/toolchain.md, "What does not work here")`
        : undefined;
}

export async function benchEngine(o: EngineOptions): Promise<{ rows: EngineRow[]; cli?: string; languageHost?: string }> {
    const rows: EngineRow[] = [];
    const ROWS = {
        floor: { id: "engine-floor", title: "Empty program preview (engine floor)", measures: "wall time of `pulumi preview` of a TypeScript program that registers nothing but its stack: CLI start, language host, ts-node (type-checking by default), SDK load, one empty plan; once more with PULUMI_NODEJS_TRANSPILE_ONLY=true" },
        components: { id: "engine-components", title: `Preview of ${o.components} bare components vs empty program`, measures: `what the engine and SDK cost per registered resource without any provider: (t(${o.components} components) − t(empty)) / ${o.components}; once more with Error.stackTraceLimit = 0 set by the program` },
        policy: { id: "policy-overhead", title: "Policy pack overhead on the policy-host fixture", measures: "`pulumi preview` of tests/integration/fixtures/policy-host (one component, no provider resources) with `--policy-pack policies --policy-pack-config policies/config/production.json` vs without, and with the same pack precompiled to JavaScript: the fixed cost of starting, compiling and configuring the pack on every preview, not its per-resource cost (section 2 has that)" },
        component: { id: "component-overhead", title: "Production preview: program with components vs flat program", measures: "`pulumi preview` of Pulumi.production.yaml (offline kubeconfig) vs a generated program registering the same custom resources with literal inputs and no components (bench/flat.ts); the real program once more with PULUMI_NODEJS_TRANSPILE_ONLY=true" },
        up: { id: "local-up", title: "Local stack `up` to all-healthy vs plain `docker run` script", measures: "`pulumi up --yes --skip-preview` of the local stack until every container is healthy (jobs exited 0) vs a generated bash script (bench/dockerrun.ts) that creates the same networks, volumes and containers, then the same wait" },
        review: { id: "review-stack", title: "Review stack up and destroy", measures: "`npm run review -- up --pr N` and `npm run review -- destroy --pr N` on a temporary backend" },
    };

    const cli = cliUnavailable();
    if (cli) {
        for (const r of Object.values(ROWS)) {
            rows.push(skipped(r.id, r.title, r.measures, cli.split("\n")[0]));
        }
        return { rows };
    }
    const missing = missingPlugins();
    const dockerWhy = dockerUnavailable();
    const engine = new Engine("bench-passphrase");
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "webstack-bench-"));
    const version = await engine.run(["version"]);
    const check = spawnSync("bash", [path.join(ROOT, "scripts", "toolchain.sh"), "--check"], { encoding: "utf8" });
    const languageHost = /^ok\s+(pulumi-language-nodejs.*)$/m.exec(check.stdout)?.[1]?.trim();
    try {
        // Floor, bare components and the policy pack: need only the CLI and the language host.
        try {
            const empty = project(path.join(tmp, "empty"), "bench-empty", "export const registered = 0;\n");
            const comps = project(path.join(tmp, "components"), "bench-components", COMPONENTS_PROGRAM);
            const host = path.join(tmp, "policy-host");
            fs.mkdirSync(host);
            for (const f of ["Pulumi.yaml", "index.ts", "package.json"]) {
                fs.copyFileSync(path.join(ROOT, "tests/integration/fixtures/policy-host", f), path.join(host, f));
            }
            linkNodeModules(host);
            await initStack(engine, empty, "bench", {});
            await initStack(engine, comps, "bench", { "bench:count": o.components });
            await initStack(engine, comps, "bench-nostack", { "bench:count": o.components, "bench:stackTraceLimit": 0 });
            await initStack(engine, host, "bench", {});
            const config = ["--policy-pack-config", policyConfig("production")];
            const tsPack = ["--policy-pack", path.join(ROOT, "policies"), ...config];
            const jsPackDir = compilePack(path.join(tmp, "policies-js"));
            const jsPack = ["--policy-pack", jsPackDir, ...config];
            const transpileOnly = { PULUMI_NODEJS_TRANSPILE_ONLY: "true" };
            const L = {
                empty: "empty program",
                emptyTranspile: "empty program, PULUMI_NODEJS_TRANSPILE_ONLY=true",
                comps: `${o.components} components`,
                compsNoStack: `${o.components} components, Error.stackTraceLimit = 0`,
                noPack: "policy-host, no pack",
                tsPack: "policy-host, pack as shipped (TypeScript)",
                jsPack: "policy-host, same pack precompiled to JavaScript",
            };
            const ms = await interleave(o.runs, [
                { label: L.empty, run: () => timed(engine, ["preview", "--stack", "bench"], empty) },
                { label: L.emptyTranspile, run: () => timed(engine, ["preview", "--stack", "bench"], empty, transpileOnly) },
                { label: L.comps, run: () => timed(engine, ["preview", "--stack", "bench"], comps) },
                { label: L.compsNoStack, run: () => timed(engine, ["preview", "--stack", "bench-nostack"], comps) },
                { label: L.noPack, run: () => timed(engine, ["preview", "--stack", "bench"], host) },
                { label: L.tsPack, run: () => timed(engine, ["preview", "--stack", "bench", ...tsPack], host) },
                { label: L.jsPack, run: () => timed(engine, ["preview", "--stack", "bench", ...jsPack], host) },
            ]);
            const s = (label: string) => stats(ms.get(label)!);
            const e = s(L.empty);
            const et = s(L.emptyTranspile);
            const c = s(L.comps);
            const c0 = s(L.compsNoStack);
            const n = s(L.noPack);
            const w = s(L.tsPack);
            const j = s(L.jsPack);
            rows.push({
                ...ROWS.floor, status: "ran",
                series: [{ label: `${L.empty} (type-checked by ts-node, the default)`, ms: e }, { label: L.emptyTranspile, ms: et }],
                ratios: [{ label: "transpile-only / default", value: et.median / e.median }, { label: "type-check ms", value: e.median - et.median }],
                notes: ["@pulumi/pulumi/cmd/run type-checks a TypeScript program with ts-node unless PULUMI_NODEJS_TRANSPILE_ONLY=true or tsconfig's noCheck is set"],
            });
            rows.push({
                ...ROWS.components, status: "ran",
                series: [{ label: L.comps, ms: c }, { label: L.compsNoStack, ms: c0 }],
                ratios: [
                    { label: `${o.components} components / empty program`, value: c.median / e.median },
                    { label: "ms per component", value: (c.median - e.median) / o.components },
                    { label: "ms per component, no stack capture", value: (c0.median - e.median) / o.components },
                ],
                notes: ["a bare component has no output properties, so the SDK captures about one stack per component (its source position) rather than one per output property as for a custom resource: this row cannot show whether the mocks' stack-trace saving (1b) carries over to custom resources under the real engine"],
            });
            rows.push({
                ...ROWS.policy, status: "ran",
                series: [{ label: "without pack", ms: n }, { label: "with the pack as shipped (TypeScript, production config)", ms: w }, { label: "with the pack precompiled to JavaScript (same config)", ms: j }],
                ratios: [
                    { label: "shipped pack / no pack", value: w.median / n.median },
                    { label: "precompiled pack / no pack", value: j.median / n.median },
                    { label: "pack start-up ms, shipped", value: w.median - n.median },
                    { label: "pack start-up ms, precompiled", value: j.median - n.median },
                ],
                notes: ["@pulumi/pulumi/cmd/run-policy-pack always registers ts-node with typeCheck: true, so a TypeScript pack is type-checked on every preview and up; the precompiled copy is `tsc -p policies --noCheck` output in a temp dir"],
            });
        } catch (e) {
            rows.push(failed(ROWS.floor, e), failed(ROWS.components, e), failed(ROWS.policy, e));
        }

        // Component overhead: production is Kubernetes; its credentials come from random.
        const compWhy = need(["kubernetes", "random"], missing);
        if (compWhy) {
            rows.push(skipped(ROWS.component.id, ROWS.component.title, ROWS.component.measures, compWhy));
        } else {
            try {
                rows.push({ ...ROWS.component, ...(await componentOverhead(engine, tmp, o.runs)) });
            } catch (e) {
                rows.push(failed(ROWS.component, e));
            }
        }

        const upWhy = need(["docker", "random"], missing) ?? dockerWhy;
        if (upWhy) {
            rows.push(skipped(ROWS.up.id, ROWS.up.title, ROWS.up.measures, upWhy));
        } else {
            try {
                rows.push({ ...ROWS.up, ...(await localUp(engine, tmp, o.upRuns)) });
            } catch (e) {
                rows.push(failed(ROWS.up, e));
            }
        }

        const reviewScript = path.join(ROOT, "scripts", "review.ts");
        const reviewScriptPresent = fs.existsSync(reviewScript) && /"review"/.test(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
        const reviewWhy = !reviewScriptPresent ? "scripts/review.ts or the npm script `review` is absent" : need(["docker", "random"], missing) ?? dockerWhy;
        if (reviewWhy) {
            rows.push(skipped(ROWS.review.id, ROWS.review.title, ROWS.review.measures, reviewWhy));
        } else {
            try {
                rows.push({ ...ROWS.review, ...(await reviewStack(engine, o.reviewRuns)) });
            } catch (e) {
                rows.push(failed(ROWS.review, e));
            }
        }
    } finally {
        engine.dispose();
        fs.rmSync(tmp, { recursive: true, force: true });
    }
    return { rows, cli: version.stdout.trim(), languageHost };
}

/** The policy pack compiled to JavaScript (no type-check) in `dir`, runnable with --policy-pack. */
function compilePack(dir: string): string {
    const tsc = path.join(ROOT, "node_modules", ".bin", "tsc");
    const r = spawnSync(tsc, ["-p", path.join(ROOT, "policies"), "--noEmit", "false", "--noCheck", "--outDir", dir], { encoding: "utf8" });
    if (r.status !== 0) {
        throw new Error(`compiling the policy pack failed:\n${tail(r.stdout + r.stderr, 20)}`);
    }
    for (const f of ["PulumiPolicy.yaml", "package.json"]) {
        fs.copyFileSync(path.join(ROOT, "policies", f), path.join(dir, f));
    }
    fs.symlinkSync(path.join(ROOT, "policies", "node_modules"), path.join(dir, "node_modules"), "dir");
    return dir;
}


type Measured = Pick<EngineRow, "status" | "series" | "ratios" | "notes">;

async function componentOverhead(engine: Engine, tmp: string, runs: number): Promise<Measured> {
    const config = readStackFile("Pulumi.production.yaml");
    const recorded = await runProgram(toEngineConfig(config), { stack: "bench-prod" });
    const flat = flatResources(recorded.resources);
    const prog = webstackProject(path.join(tmp, "webstack"));
    const flatDir = path.join(tmp, "flat");
    writeFlatProject(flatDir, "webstack-flat", flat);
    await initStack(engine, prog, "bench-prod", config);
    // Provider settings of the stack (any non-webstack key) apply to the flat program too.
    await initStack(engine, flatDir, "bench-prod", Object.fromEntries(Object.entries(config).filter(([k]) => !k.startsWith("webstack:"))));
    const env = { KUBECONFIG: offlineKubeconfig() };
    const ms = await interleave(runs, [
        { label: "webstack program (components)", run: () => timed(engine, ["preview", "--stack", "bench-prod"], prog, env) },
        { label: "flat program", run: () => timed(engine, ["preview", "--stack", "bench-prod"], flatDir, env) },
        { label: "webstack program, transpile-only", run: () => timed(engine, ["preview", "--stack", "bench-prod"], prog, { ...env, PULUMI_NODEJS_TRANSPILE_ONLY: "true" }) },
    ]);
    const a = stats(ms.get("webstack program (components)")!);
    const b = stats(ms.get("flat program")!);
    const t = stats(ms.get("webstack program, transpile-only")!);
    return {
        status: "ran",
        series: [
            { label: `webstack program: ${recorded.resources.length} resources`, ms: a },
            { label: `flat program: ${flat.length} custom resources`, ms: b },
            { label: "webstack program, PULUMI_NODEJS_TRANSPILE_ONLY=true", ms: t },
        ],
        ratios: [{ label: "components / flat", value: a.median / b.median }, { label: "transpile-only / default", value: t.median / a.median }],
        notes: ["the flat program's inputs are the literal values of a mocked run, so it also skips the waiting on outputs (generated passwords) the real program does"],
    };
}

interface ContainerState { name: string; ok: boolean; state: string }

function containerStates(prefix: string): ContainerState[] {
    const ps = spawnSync("docker", ["ps", "-a", "--filter", `name=^/${prefix}`, "--format", "{{.Names}}"], { encoding: "utf8" });
    const names = ps.stdout.split("\n").filter(Boolean);
    if (names.length === 0) {
        return [];
    }
    const inspect = spawnSync("docker", ["inspect", ...names], { encoding: "utf8" });
    const info = JSON.parse(inspect.stdout || "[]") as { Name: string; State: { Status: string; ExitCode: number; Health?: { Status: string } }; HostConfig: { RestartPolicy: { Name: string } } }[];
    return info.map((c) => {
        const running = c.State.Status === "running" && (!c.State.Health || c.State.Health.Status === "healthy");
        const jobDone = c.State.Status === "exited" && c.State.ExitCode === 0 && ["no", ""].includes(c.HostConfig.RestartPolicy.Name);
        return { name: c.Name.replace(/^\//, ""), ok: running || jobDone, state: c.State.Health?.Status ?? c.State.Status };
    });
}

/** Waits until every container whose name starts with `prefix` is healthy (or a job that exited 0). */
export async function allHealthy(prefix: string, expected: number, timeoutMs = 600_000): Promise<void> {
    const start = Date.now();
    for (;;) {
        const states = containerStates(prefix);
        if (states.length >= expected && states.every((s) => s.ok)) {
            return;
        }
        if (Date.now() - start > timeoutMs) {
            throw new Error(`containers ${prefix}* not healthy after ${timeoutMs / 1000}s: ${states.map((s) => `${s.name}=${s.state}`).join(", ")}`);
        }
        await new Promise((r) => setTimeout(r, 250));
    }
}

function sh(command: string, args: string[], env?: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
    return new Promise((resolve, reject) => {
        const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env } });
        let output = "";
        child.stdout.on("data", (d) => (output += d));
        child.stderr.on("data", (d) => (output += d));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code: code ?? -1, output }));
    });
}

/** The images `npm run local:up` would use (scripts/images.sh), applied to the local stack's config. */
async function localConfig(hostPortBase: number): Promise<Record<string, unknown>> {
    const sha = spawnSync("git", ["rev-parse", "--short=12", "HEAD"], { cwd: ROOT, encoding: "utf8" }).stdout.trim() || "0000000";
    const built = await sh("bash", [path.join(ROOT, "scripts", "images.sh"), "--tag", sha]);
    if (built.code !== 0) {
        throw new Error(`scripts/images.sh failed:\n${tail(built.output, 30)}`);
    }
    const img: Record<string, string> = {};
    for (const l of built.output.split("\n")) {
        const m = /^image (\w+)=(\S+)$/.exec(l);
        if (m) {
            img[m[1]] = m[2];
        }
    }
    const config = readStackFile("Pulumi.local.yaml");
    const services = JSON.parse(JSON.stringify(config["webstack:services"])) as Record<string, Record<string, unknown>>;
    let port = hostPortBase;
    for (const s of Object.values(services)) {
        s.image = img.app ?? s.image;
        if (s.hostPort !== undefined) {
            s.hostPort = port++;
        }
    }
    return {
        ...config,
        "webstack:gitSha": sha,
        "webstack:dbImage": img.postgres ?? config["webstack:dbImage"],
        "webstack:cacheImage": img.redis ?? config["webstack:cacheImage"],
        "webstack:edgeImage": img.edge ?? config["webstack:edgeImage"],
        "webstack:webImage": img.web ?? config["webstack:webImage"],
        "webstack:webHostPort": hostPortBase + 80,
        "webstack:services": services,
    };
}

async function localUp(engine: Engine, tmp: string, runs: number): Promise<Measured> {
    const upStack = "bench-up";
    const runStack = "bench-run";
    const upConfig = await localConfig(18000);
    const runConfig = await localConfig(28000);
    const prog = webstackProject(path.join(tmp, "webstack-local"));
    await initStack(engine, prog, upStack, upConfig);
    const recorded = await runProgram(toEngineConfig(runConfig), { stack: runStack });
    const script = dockerScript(recorded.resources, path.join(tmp, "docker-run"));
    const expected = script.containers.length;
    const notes = script.untranslated.length > 0 ? [`container inputs the script does not translate: ${script.untranslated.join(", ")}`] : [];
    const ms = await interleave(runs, [
        {
            label: "pulumi up",
            run: async () => {
                const start = process.hrtime.bigint();
                try {
                    await timed(engine, ["up", "--yes", "--skip-preview", "--stack", upStack], prog);
                    await allHealthy(`${upStack}-`, expected);
                    return msSince(start);
                } finally {
                    await engine.run(["destroy", "--yes", "--skip-preview", "--stack", upStack], { cwd: prog });
                }
            },
        },
        {
            label: "docker run script",
            run: async () => {
                const start = process.hrtime.bigint();
                try {
                    const r = await sh("bash", [script.script]);
                    if (r.code !== 0) {
                        throw new Error(`docker run script failed:\n${tail(r.output, 30)}`);
                    }
                    await allHealthy(`${runStack}-`, expected);
                    return msSince(start);
                } finally {
                    await sh("bash", [script.cleanup]);
                }
            },
        },
    ]);
    const a = stats(ms.get("pulumi up")!);
    const b = stats(ms.get("docker run script")!);
    return {
        status: "ran",
        series: [{ label: `pulumi up (${expected} containers)`, ms: a }, { label: "docker run script", ms: b }],
        ratios: [{ label: "pulumi up / docker run", value: a.median / b.median }],
        notes: ["without the policy pack (npm run local:up adds it: see the policy overhead row)", ...notes],
    };
}

async function reviewStack(engine: Engine, runs: number): Promise<Measured> {
    const pr = String(9000 + (process.pid % 900));
    const env = { PULUMI_BACKEND_URL: `file://${engine.backendDir}`, PULUMI_CONFIG_PASSPHRASE: engine.passphrase };
    const up: number[] = [];
    const down: number[] = [];
    for (let i = 0; i < runs; i++) {
        let start = process.hrtime.bigint();
        const u = await sh("npm", ["run", "--silent", "review", "--", "up", "--pr", pr], env);
        const upMs = msSince(start);
        start = process.hrtime.bigint();
        const d = await sh("npm", ["run", "--silent", "review", "--", "destroy", "--pr", pr], env);
        const downMs = msSince(start);
        if (u.code !== 0) {
            throw new Error(`npm run review -- up --pr ${pr} exited ${u.code}:\n${tail(u.output, 30)}`);
        }
        if (d.code !== 0) {
            throw new Error(`npm run review -- destroy --pr ${pr} exited ${d.code}:\n${tail(d.output, 30)}`);
        }
        up.push(upMs);
        down.push(downMs);
        log(`review pr-${pr}: up ${(upMs / 1000).toFixed(1)} s, destroy ${(downMs / 1000).toFixed(1)} s`);
    }
    return {
        status: "ran",
        series: [{ label: `up --pr ${pr}`, ms: stats(up) }, { label: `destroy --pr ${pr}`, ms: stats(down) }],
        ratios: [],
        notes: ["up and destroy alternate, so each up starts from nothing"],
    };
}
