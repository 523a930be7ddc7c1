/**
 * The pack as the Pulumi CLI runs it: policies/index.ts started as a process
 * that serves the analyzer gRPC protocol, configured with a policy config
 * file, then asked to analyze resources and stacks, unknowns included.
 * Exercises @pulumi/policy's own server (type filtering, config, the unknown
 * proxy and its "can't run during preview" advisory) around our policies.
 */
import * as assert from "assert";
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import { T, UNKNOWN, at, dockerStack, find, k8sStack } from "./fixtures";
import { FixtureResource, loadPolicyConfig, urnFor } from "./harness";

const POLICIES = path.resolve(__dirname, "../../policies");
const fromPack = (m: string) => require(path.join(POLICIES, "node_modules", m));
const grpc = fromPack("@grpc/grpc-js");
const pb = fromPack("@pulumi/pulumi/proto/analyzer_pb.js");
const services = fromPack("@pulumi/pulumi/proto/analyzer_grpc_pb.js");
const { Struct } = fromPack("google-protobuf/google/protobuf/struct_pb.js");

interface Diagnostic {
    policy: string;
    level: number;
    message: string;
    urn: string;
}

const LEVEL: Record<string, number> = { advisory: 0, mandatory: 1, disabled: 2, remediate: 3 };

function call<Req>(client: Record<string, unknown>, method: string, req: Req): Promise<any> {
    return new Promise((resolve, reject) => {
        (client[method] as (r: Req, cb: (e: Error | null, res: unknown) => void) => void).call(client, req, (e, res) => (e ? reject(e) : resolve(res)));
    });
}

function diagnostics(res: any): Diagnostic[] {
    return res.getDiagnosticsList().map((d: any) => ({ policy: d.getPolicyname(), level: d.getEnforcementlevel(), message: d.getMessage(), urn: d.getUrn() }));
}

function resourceMessage<M>(Ctor: new () => M, r: FixtureResource, stack: string): M {
    const m: any = new Ctor();
    m.setType(r.type);
    m.setName(r.name);
    m.setUrn(urnFor(stack, r.type, r.name));
    m.setProperties(Struct.fromJavaScript(JSON.parse(JSON.stringify(r.props))));
    m.setOptions(new pb.AnalyzerResourceOptions());
    return m as M;
}

describe("policy pack served over the analyzer protocol", function () {
    this.timeout(120_000);
    let child: ChildProcess | undefined;
    let client: any;

    before(async () => {
        const tsNode = require.resolve("ts-node/register/transpile-only");
        child = spawn(process.execPath, ["-r", tsNode, "index.ts"], { cwd: POLICIES, stdio: ["ignore", "pipe", "pipe"] });
        let stderr = "";
        child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
        const port = await new Promise<string>((resolve, reject) => {
            let out = "";
            child!.stdout?.on("data", (d: Buffer) => {
                out += d.toString();
                const m = /^(\d+)\s*$/m.exec(out);
                if (m) {
                    resolve(m[1]);
                }
            });
            child!.on("exit", (code) => reject(new Error(`policy pack exited with ${code}: ${stderr}`)));
        });
        client = new services.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    });

    after(() => {
        client?.close();
        child?.kill();
    });

    async function configure(environment: "production" | "review"): Promise<void> {
        const req = new pb.ConfigureAnalyzerRequest();
        const map = req.getPolicyconfigMap();
        for (const [name, entry] of Object.entries(loadPolicyConfig(environment))) {
            const { enforcementLevel, ...settings } = typeof entry === "string" ? { enforcementLevel: entry } : entry;
            const pc = new pb.PolicyConfig();
            pc.setEnforcementlevel(LEVEL[enforcementLevel ?? "advisory"]);
            pc.setProperties(Struct.fromJavaScript(settings));
            map.set(name, pc);
        }
        await call(client, "configure", req);
    }

    it("describes the pack and every policy", async () => {
        const info = await call(client, "getAnalyzerInfo", new (fromPack("google-protobuf/google/protobuf/empty_pb.js").Empty)());
        assert.strictEqual(info.getName(), "webstack");
        const names = info.getPoliciesList().map((p: any) => p.getName());
        assert.ok(names.includes("no-public-database") && names.includes("no-shared-credentials") && names.includes("rotating-secrets"), names.join(","));
    });

    it("rejects a :latest image as mandatory in production, and skips an unknown one as advisory", async () => {
        await configure("production");
        const rs = k8sStack("production");
        const api = find(rs, T.deployment, "production-api");
        at(api.props, "spec", "template", "spec", "containers", 0).image = "ghcr.io/acme/webstack-app:latest";
        const latest = diagnostics(await call(client, "analyze", resourceMessage(pb.AnalyzeRequest, api, "production")));
        const pinned = latest.filter((d) => d.policy === "pinned-images");
        assert.strictEqual(pinned.length, 1, JSON.stringify(latest, null, 1));
        assert.strictEqual(pinned[0].level, LEVEL.mandatory);
        assert.match(pinned[0].message, /kubernetes:apps\/v1:Deployment "production-api": container "api" uses image "ghcr.io\/acme\/webstack-app:latest"/);

        at(api.props, "spec", "template", "spec", "containers", 0).image = UNKNOWN;
        const unknown = diagnostics(await call(client, "analyze", resourceMessage(pb.AnalyzeRequest, api, "production"))).filter((d) => d.policy === "pinned-images");
        assert.strictEqual(unknown.length, 1);
        assert.strictEqual(unknown[0].level, LEVEL.advisory);
        assert.match(unknown[0].message, /can't run policy 'pinned-images' .* during preview: string value at \.spec\.template\.spec\.containers\.0\.image can't be known during preview/);
    });

    it("rejects a public database in a stack analysis, naming the resource by URN", async () => {
        await configure("production");
        const rs = k8sStack("production");
        at(find(rs, T.service, "production-db").props, "spec").type = "LoadBalancer";
        const req = new pb.AnalyzeStackRequest();
        req.setResourcesList(rs.map((r) => resourceMessage(pb.AnalyzerResource, r, "production")));
        const ds = diagnostics(await call(client, "analyzeStack", req));
        assert.deepStrictEqual(ds.map((d) => d.policy), ["no-public-database"], JSON.stringify(ds, null, 1));
        assert.strictEqual(ds[0].level, LEVEL.mandatory);
        assert.strictEqual(ds[0].urn, urnFor("production", T.service, "production-db"));
    });

    it("reports unknown credentials of a first preview as advisory, not as a pass", async () => {
        await configure("review");
        const rs = dockerStack("review");
        for (const rp of rs.filter((r) => r.type === T.randomPassword)) {
            rp.props.result = UNKNOWN;
        }
        const api = find(rs, T.container, "pr-1-api");
        api.props.envs = (api.props.envs as string[]).map((e) => (e.includes("_URL") ? UNKNOWN : e));
        const worker = find(rs, T.container, "pr-1-worker");
        worker.props.envs = (worker.props.envs as string[]).map((e) => (e.includes("_URL") ? UNKNOWN : e));
        for (const name of ["pr-1-db", "pr-1-db-access"]) {
            const c = find(rs, T.container, name);
            c.props.envs = (c.props.envs as string[]).map((e) => (e.includes("PASSWORD") ? UNKNOWN : e));
        }
        const req = new pb.AnalyzeStackRequest();
        req.setResourcesList(rs.map((r) => resourceMessage(pb.AnalyzerResource, r, "pr-1")));
        const ds = diagnostics(await call(client, "analyzeStack", req));
        assert.strictEqual(ds.length, 1, JSON.stringify(ds, null, 1));
        assert.strictEqual(ds[0].policy, "no-shared-credentials");
        assert.strictEqual(ds[0].level, LEVEL.advisory);
        assert.match(ds[0].message, /during preview: string value at \.envs\.\d+ can't be known during preview/);
    });
});
