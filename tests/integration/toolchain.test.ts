/**
 * What scripts/toolchain.sh builds, checked with the real CLI:
 *  - the random plugin bridged from the upstream Terraform provider
 *    (toolchain/random-bridge) serves a schema that matches the
 *    @pulumi/random SDK in package-lock.json: every resource's token,
 *    property names, types, required fields and secret outputs; and it
 *    creates, replaces on a keeper change, refreshes and destroys;
 *  - webstack's Node.js language host (toolchain/language-host) runs a
 *    program with config and secret config, reports failing programs with
 *    the engine's exit codes, and runs a policy pack with the stack's config;
 *    its Go unit tests pass.
 * Suites skip, saying why, only when the part they need cannot be built here.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Engine, ROOT, cliUnavailable, missingPlugins, tail } from "./engine";

const RANDOM_SDK = path.join(ROOT, "node_modules", "@pulumi", "random");

// ---- the SDK side: tokens, properties and types from the .d.ts/.js files ----

/** Splits a class or interface body into member declarations at depth-0 semicolons. */
function members(body: string): string[] {
    const out: string[] = [];
    let depth = 0;
    let cur = "";
    for (const ch of body) {
        if ("<{([".includes(ch)) depth++;
        if (">})]".includes(ch)) depth--;
        if (ch === ";" && depth === 0) {
            out.push(cur.trim());
            cur = "";
        } else {
            cur += ch;
        }
    }
    return out.filter((m) => m.length > 0);
}

/** The text between the braces that follow `header` (balanced). */
function block(text: string, header: RegExp): string | undefined {
    const m = header.exec(text);
    if (!m) return undefined;
    let i = m.index + m[0].length;
    let depth = 1;
    const start = i;
    for (; i < text.length && depth > 0; i++) {
        if (text[i] === "{") depth++;
        if (text[i] === "}") depth--;
    }
    return text.slice(start, i - 1);
}

/** A TypeScript property type in the SDK, normalized to compare with the schema. */
export function tsType(t: string): { type: string; optional: boolean } {
    let s = t.replace(/\s+/g, "");
    let prev;
    do {
        prev = s;
        s = s.replace(/pulumi\.(Input|Output)<([^<>]*)>/g, "$2");
    } while (s !== prev);
    const optional = /\|undefined$/.test(s);
    s = s.replace(/\|undefined$/, "");
    const norm = (x: string): string => {
        const map = /^\{\[key:string\]:(.*);\}$/.exec(x);
        if (map) return `map<${norm(map[1])}>`;
        if (x.endsWith("[]")) return `array<${norm(x.slice(0, -2))}>`;
        return x;
    };
    return { type: norm(s), optional };
}

interface Shape {
    token: string;
    outputs: Record<string, string>;
    requiredOutputs: string[];
    inputs: Record<string, string>;
    requiredInputs: string[];
    state: string[];
    secretOutputs: string[];
}

function stripComments(s: string): string {
    return s.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
}

/** Every resource class of the SDK, by class name. */
export function sdkResources(dir: string): Record<string, Shape> {
    const out: Record<string, Shape> = {};
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith(".d.ts"))) {
        const dts = stripComments(fs.readFileSync(path.join(dir, f), "utf8"));
        const cls = /export declare class (\w+) extends pulumi\.CustomResource \{/.exec(dts);
        if (!cls || f === "provider.d.ts") continue;
        const name = cls[1];
        const js = fs.readFileSync(path.join(dir, f.replace(/\.d\.ts$/, ".js")), "utf8");
        const token = /__pulumiType = '([^']+)'/.exec(js)?.[1] ?? "";
        const secrets = /additionalSecretOutputs: \[([^\]]*)\]/.exec(js)?.[1] ?? "";
        const shape: Shape = {
            token, outputs: {}, requiredOutputs: [], inputs: {}, requiredInputs: [], state: [],
            secretOutputs: [...secrets.matchAll(/"(\w+)"/g)].map((m) => m[1]).sort(),
        };
        for (const m of members(block(dts, new RegExp(`export declare class ${name} extends pulumi\\.CustomResource \\{`))!)) {
            const p = /^readonly (\w+): ([\s\S]+)$/.exec(m);
            if (!p) continue;
            const t = tsType(p[2]);
            shape.outputs[p[1]] = t.type;
            if (!t.optional) shape.requiredOutputs.push(p[1]);
        }
        for (const m of members(block(dts, new RegExp(`export interface ${name}Args \\{`)) ?? "")) {
            const p = /^(\w+)(\??): ([\s\S]+)$/.exec(m);
            if (!p) continue;
            shape.inputs[p[1]] = tsType(p[3]).type;
            if (p[2] !== "?") shape.requiredInputs.push(p[1]);
        }
        for (const m of members(block(dts, new RegExp(`export interface ${name}State \\{`)) ?? "")) {
            const p = /^(\w+)\??: /.exec(m);
            if (p) shape.state.push(p[1]);
        }
        shape.requiredOutputs.sort();
        shape.requiredInputs.sort();
        shape.state.sort();
        out[name] = shape;
    }
    return out;
}

// ---- the schema side ----

interface SchemaProp { type?: string; $ref?: string; items?: SchemaProp; additionalProperties?: SchemaProp; secret?: boolean }
interface SchemaResource {
    properties?: Record<string, SchemaProp>;
    required?: string[];
    inputProperties?: Record<string, SchemaProp>;
    requiredInputs?: string[];
    stateInputs?: { properties?: Record<string, SchemaProp> };
}

export function schemaType(p: SchemaProp): string {
    if (p.$ref) return `ref:${p.$ref}`;
    switch (p.type) {
        case "integer":
        case "number":
            return "number";
        case "array":
            return `array<${schemaType(p.items ?? {})}>`;
        case "object":
            return `map<${schemaType(p.additionalProperties ?? { type: "string" })}>`;
        default:
            return String(p.type);
    }
}

export function schemaShape(token: string, r: SchemaResource): Shape {
    const types = (props: Record<string, SchemaProp> = {}) =>
        Object.fromEntries(Object.entries(props).map(([k, v]) => [k, schemaType(v)]));
    return {
        token,
        outputs: types(r.properties),
        requiredOutputs: [...(r.required ?? [])].sort(),
        inputs: types(r.inputProperties),
        requiredInputs: [...(r.requiredInputs ?? [])].sort(),
        state: Object.keys(r.stateInputs?.properties ?? {}).sort(),
        secretOutputs: Object.entries(r.properties ?? {}).filter(([, v]) => v.secret).map(([k]) => k).sort(),
    };
}

function className(token: string): string {
    return token.split(":").pop()!;
}

// ---- helpers for engine-driven tests ----

/** A throwaway Node.js project using the repo's node_modules, in a temp dir. */
function project(name: string, program: string, extra: Record<string, string> = {}): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `webstack-${name}-`));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${name}\nruntime:\n  name: nodejs\n  options:\n    typescript: false\n`);
    fs.writeFileSync(path.join(dir, "index.js"), program);
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name, main: "index.js" }));
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
    for (const [f, text] of Object.entries(extra)) fs.writeFileSync(path.join(dir, f), text);
    return dir;
}

function policyPack(body: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "webstack-pack-"));
    fs.writeFileSync(path.join(dir, "PulumiPolicy.yaml"), "runtime:\n  name: nodejs\n  options:\n    typescript: false\ndescription: toolchain test pack\n");
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "toolchain-test-pack", version: "0.0.1", main: "index.js" }));
    fs.writeFileSync(path.join(dir, "index.js"), body);
    fs.symlinkSync(path.join(ROOT, "policies", "node_modules"), path.join(dir, "node_modules"));
    return dir;
}

function toolchainCheck(): string {
    const r = spawnSync("bash", [path.join(ROOT, "scripts", "toolchain.sh"), "--check"], { encoding: "utf8" });
    return r.stdout + r.stderr;
}

describe("the bridged random plugin matches the @pulumi/random SDK", function () {
    this.timeout(10 * 60_000);
    let engine: Engine;
    let schema: { name: string; resources: Record<string, SchemaResource> };
    const sdk = sdkResources(RANDOM_SDK);
    const sdkVersion = JSON.parse(fs.readFileSync(path.join(RANDOM_SDK, "package.json"), "utf8")).version as string;

    before(async function () {
        const why = cliUnavailable();
        if (why) throw new Error(`integration prerequisites missing: ${why}`);
        const missing = missingPlugins().filter((p) => p.startsWith("random "));
        if (missing.length > 0) {
            console.log(`      SKIPPED: the random plugin could not be built here (${missing.join(", ")}):\n${toolchainCheck()}`);
            this.skip();
        }
        engine = new Engine();
        // The installed plugin the engine picks for the SDK's version (build
        // metadata such as +bridged is ignored in that match).
        const plugins = JSON.parse((await engine.ok(["plugin", "ls", "--json"], { cwd: os.tmpdir() })).stdout) as { name: string; kind: string; version: string }[];
        const installed = plugins.find((p) => p.kind === "resource" && p.name === "random" && p.version.split("+")[0] === sdkVersion);
        expect(installed, `no random plugin at ${sdkVersion} in ${JSON.stringify(plugins)}`).to.not.equal(undefined);
        const home = process.env.PULUMI_HOME ?? path.join(os.homedir(), ".pulumi");
        const binary = path.join(home, "plugins", `resource-random-v${installed!.version}`, "pulumi-resource-random");
        const r = await engine.ok(["package", "get-schema", binary], { cwd: os.tmpdir(), timeoutSeconds: 120 });
        schema = JSON.parse(r.stdout);
    });
    after(() => engine?.dispose());

    it("reads at least the SDK's nine resources from its .d.ts files", () => {
        // Guards the parser: an empty or partial reading would make the comparison vacuous.
        expect(Object.keys(sdk).length).to.be.at.least(9);
        expect(sdk.RandomPassword.secretOutputs).to.deep.equal(["bcryptHash", "result"]);
        expect(sdk.RandomPassword.requiredInputs).to.deep.equal(["length"]);
        expect(sdk.RandomPassword.inputs.keepers).to.equal("map<string>");
        expect(sdk.RandomShuffle.inputs.inputs).to.equal("array<string>");
    });

    it("has the package name random and exactly the SDK's resource tokens", () => {
        expect(schema.name).to.equal("random");
        const tokens = Object.keys(schema.resources).sort();
        expect(tokens).to.deep.equal(Object.values(sdk).map((s) => s.token).sort());
    });

    for (const name of Object.keys(sdk).sort()) {
        it(`${name}: same property names, types, required fields and secret outputs`, () => {
            const want = sdk[name];
            const r = schema.resources[want.token];
            expect(r, `schema lacks ${want.token}`).to.not.equal(undefined);
            const got = schemaShape(want.token, r);
            expect(className(got.token)).to.equal(name);
            expect(got.outputs, "outputs").to.deep.equal(want.outputs);
            expect(got.requiredOutputs, "required outputs").to.deep.equal(want.requiredOutputs);
            expect(got.inputs, "inputs").to.deep.equal(want.inputs);
            expect(got.requiredInputs, "required inputs").to.deep.equal(want.requiredInputs);
            expect(got.state, "state inputs").to.deep.equal(want.state);
            expect(got.secretOutputs, "secret outputs").to.deep.equal(want.secretOutputs);
        });
    }
});

describe("the bridged random plugin on the real engine", function () {
    this.timeout(15 * 60_000);
    let engine: Engine;
    let dir: string;
    const stack = "it-random";

    before(async function () {
        const why = cliUnavailable();
        if (why) throw new Error(`integration prerequisites missing: ${why}`);
        const missing = missingPlugins().filter((p) => p.startsWith("random "));
        if (missing.length > 0) {
            console.log(`      SKIPPED: the random plugin could not be built here (${missing.join(", ")})`);
            this.skip();
        }
        engine = new Engine();
        dir = project("toolchain-random", `
const pulumi = require("@pulumi/pulumi");
const random = require("@pulumi/random");
const cfg = new pulumi.Config();
const pw = new random.RandomPassword("pw", { length: 24, special: false, keepers: { generation: cfg.require("generation") } });
exports.password = pw.result;
exports.pwId = pw.id;
`);
        await engine.ok(["stack", "init", stack, "--secrets-provider", "passphrase"], { cwd: dir });
    });
    after(async () => {
        if (engine && dir) {
            await engine.run(["destroy", "--yes", "--stack", stack], { cwd: dir });
            engine.dispose();
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    async function outputs(): Promise<{ password: string; pwId: string }> {
        const r = await engine.ok(["stack", "output", "--json", "--show-secrets", "--stack", stack], { cwd: dir });
        return JSON.parse(r.stdout);
    }

    it("creates, replaces on a keeper change, refreshes without changes and destroys", async () => {
        await engine.ok(["config", "set", "generation", "1", "--stack", stack], { cwd: dir });
        await engine.ok(["up", "--yes", "--skip-preview", "--stack", stack], { cwd: dir });
        const first = await outputs();
        expect(first.password).to.match(/^[A-Za-z0-9]{24}$/);
        const hidden = await engine.ok(["stack", "output", "password", "--stack", stack], { cwd: dir });
        expect(hidden.stdout).to.not.contain(first.password);

        // Same keepers: no change.
        const same = await engine.ok(["up", "--yes", "--skip-preview", "--stack", stack], { cwd: dir });
        expect((await outputs()).password).to.equal(first.password);
        expect(same.stdout).to.not.match(/replaced/);

        await engine.ok(["config", "set", "generation", "2", "--stack", stack], { cwd: dir });
        const up = await engine.ok(["up", "--yes", "--skip-preview", "--stack", stack], { cwd: dir });
        expect(up.stdout).to.match(/1 replaced/);
        const second = await outputs();
        expect(second.password).to.match(/^[A-Za-z0-9]{24}$/);
        expect(second.password).to.not.equal(first.password);

        const refresh = await engine.ok(["refresh", "--yes", "--skip-preview", "--stack", stack], { cwd: dir });
        expect(refresh.stdout).to.not.match(/~ *\d+ updated|updated/);
        expect((await outputs()).password).to.equal(second.password);

        const destroy = await engine.ok(["destroy", "--yes", "--skip-preview", "--stack", stack], { cwd: dir });
        expect(destroy.stdout).to.match(/2 deleted/);
    });
});

describe("webstack's Node.js language host (toolchain/language-host)", function () {
    this.timeout(10 * 60_000);
    let engine: Engine;
    const dirs: string[] = [];

    before(() => {
        const why = cliUnavailable();
        if (why) throw new Error(`integration prerequisites missing: ${why}`);
        engine = new Engine();
    });
    after(() => {
        engine?.dispose();
        for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    });

    async function newStack(program: string, stack: string): Promise<string> {
        const dir = project("toolchain-langhost", program);
        dirs.push(dir);
        await engine.ok(["stack", "init", stack, "--secrets-provider", "passphrase"], { cwd: dir });
        return dir;
    }

    it("runs a program with its config, and marks secret config keys as secret", async () => {
        const dir = await newStack(`
const pulumi = require("@pulumi/pulumi");
const { isConfigSecret } = require("@pulumi/pulumi/runtime/config");
const cfg = new pulumi.Config();
exports.plain = cfg.require("plain");
exports.count = cfg.requireNumber("count");
exports.token = cfg.requireSecret("token");
exports.plainIsSecret = isConfigSecret("toolchain-langhost:plain");
exports.tokenIsSecret = isConfigSecret("toolchain-langhost:token");
exports.stack = pulumi.getStack();
`, "cfg");
        await engine.ok(["config", "set", "plain", "hello", "--stack", "cfg"], { cwd: dir });
        await engine.ok(["config", "set", "count", "3", "--stack", "cfg"], { cwd: dir });
        await engine.ok(["config", "set", "--secret", "token", "s3cr3t-value", "--stack", "cfg"], { cwd: dir });
        await engine.ok(["up", "--yes", "--skip-preview", "--stack", "cfg"], { cwd: dir });
        const shown = JSON.parse((await engine.ok(["stack", "output", "--json", "--show-secrets", "--stack", "cfg"], { cwd: dir })).stdout);
        expect(shown).to.deep.equal({
            plain: "hello", count: 3, token: "s3cr3t-value", plainIsSecret: false, tokenIsSecret: true, stack: "cfg",
        });
        const hidden = JSON.parse((await engine.ok(["stack", "output", "--json", "--stack", "cfg"], { cwd: dir })).stdout);
        expect(hidden.token).to.equal("[secret]");
    });

    it("reports a program's exception once and fails the update", async () => {
        const dir = await newStack(`throw new Error("deliberate failure 4711");\n`, "throws");
        const r = await engine.run(["up", "--yes", "--skip-preview", "--stack", "throws"], { cwd: dir });
        expect(r.code, tail(r.stdout + r.stderr)).to.not.equal(0);
        expect(r.stdout + r.stderr).to.contain("deliberate failure 4711");
        // The runtime already reported it (exit 32): no second, generic error.
        expect(r.stdout + r.stderr).to.not.contain("non-zero exit code");
    });

    it("passes a program's own exit code on", async () => {
        const dir = await newStack(`process.exit(7);\n`, "exits");
        const r = await engine.run(["preview", "--stack", "exits"], { cwd: dir });
        expect(r.code).to.not.equal(0);
        expect(r.stdout + r.stderr).to.contain("non-zero exit code: 7");
    });

    it("runs a policy pack with the stack's config: passes, then fails a mandatory policy", async () => {
        const pack = policyPack(`
const { PolicyPack } = require("@pulumi/policy");
const pulumi = require("@pulumi/pulumi");
new PolicyPack("toolchain-test-pack", {
    policies: [{
        name: "config-reaches-the-pack",
        description: "Fails when the stack's config says forbid=yes.",
        enforcementLevel: "mandatory",
        validateStack: (args, reportViolation) => {
            const forbid = new pulumi.Config("toolchain-langhost").get("forbid");
            if (forbid === "yes") reportViolation("forbidden by stack config (forbid=yes)");
        },
    }],
});
`);
        dirs.push(pack);
        const dir = await newStack(`exports.ok = true;\n`, "policy");
        await engine.ok(["config", "set", "forbid", "no", "--stack", "policy"], { cwd: dir });
        const pass = await engine.run(["preview", "--stack", "policy", "--policy-pack", pack], { cwd: dir });
        expect(pass.code, tail(pass.stdout + pass.stderr)).to.equal(0);
        expect(pass.stdout + pass.stderr).to.contain("toolchain-test-pack");

        await engine.ok(["config", "set", "forbid", "yes", "--stack", "policy"], { cwd: dir });
        const fail = await engine.run(["preview", "--stack", "policy", "--policy-pack", pack], { cwd: dir });
        expect(fail.code).to.not.equal(0);
        expect(fail.stdout + fail.stderr).to.contain("forbidden by stack config (forbid=yes)");
        expect(fail.stdout + fail.stderr).to.contain("config-reaches-the-pack");
    });

    it("passes its Go unit tests (go test in toolchain/language-host)", function () {
        const go = spawnSync("bash", ["-c", "command -v go || ls /usr/local/go/bin/go"], { encoding: "utf8" });
        if (go.status !== 0) {
            console.log("      SKIPPED: no Go toolchain here, so the language host cannot be built either");
            this.skip();
        }
        const r = spawnSync(go.stdout.trim().split("\n")[0], ["test", "-count=1", "./..."], {
            cwd: path.join(ROOT, "toolchain", "language-host"),
            encoding: "utf8",
            env: { ...process.env, GOFLAGS: "-mod=mod -buildvcs=false", GOWORK: "off", GONOSUMDB: "github.com/pulumi/*,github.com/terraform-providers/*" },
            timeout: 8 * 60_000,
        });
        expect(r.status, r.stdout + r.stderr).to.equal(0);
        expect(r.stdout).to.match(/^ok\s/m);
    });
});
