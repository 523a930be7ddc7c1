/**
 * Real previews: every shipped stack and example topology through the real
 * engine with the real policy pack and the policy config of the stack's
 * environment. Kubernetes stacks preview against the local cluster
 * (scripts/cluster.sh), so the API server checks what the provider plans;
 * Docker stacks need the docker plugin, which cannot be built here, and say so.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { Engine, ROOT, requireEngine, policyConfig, tail } from "./engine";
import { localCluster } from "./kube";

interface PreviewCase {
    file: string;
    stack: string;
    /** Secret config a user sets with `pulumi config set --secret` (never in the file). */
    secrets?: Record<string, string>;
}

const KUBERNETES: PreviewCase[] = [
    { file: "Pulumi.staging.yaml", stack: "it-prev-staging" },
    { file: "Pulumi.production.yaml", stack: "it-prev-production" },
    { file: "stacks/review-kubernetes.yaml", stack: "pr-43" },
    { file: "examples/topologies/cpa-platform.yaml", stack: "it-prev-cpa-platform" },
    { file: "examples/topologies/parish-office.yaml", stack: "it-prev-parish-office" },
    { file: "examples/topologies/external-db.yaml", stack: "it-prev-external-db", secrets: { dbAdminUrl: "postgresql://admin:Adm1nPreview@db.example.internal:5432/app" } },
];

const DOCKER: PreviewCase[] = [
    { file: "Pulumi.local.yaml", stack: "it-prev-local" },
    { file: "stacks/review.yaml", stack: "pr-42" },
];

function environmentOf(file: string): string {
    return (yaml.load(fs.readFileSync(path.join(ROOT, file), "utf8")) as { config: Record<string, string> }).config["webstack:environment"];
}

async function previewWithPack(engine: Engine, c: PreviewCase, env: NodeJS.ProcessEnv): Promise<void> {
    const started = Date.now();
    const environment = environmentOf(c.file);
    await engine.initStack(c.stack, fs.readFileSync(path.join(ROOT, c.file), "utf8"));
    try {
        for (const [key, value] of Object.entries(c.secrets ?? {})) {
            await engine.ok(["config", "set", "--secret", "--stack", c.stack, `webstack:${key}`, value]);
        }
        const r = await engine.run(["preview", "--stack", c.stack, "--policy-pack", path.join(ROOT, "policies"), "--policy-pack-config", policyConfig(environment), "--diff"], { env });
        const output = r.stdout + r.stderr;
        expect(r.code, `preview failed:\n${tail(output, 80)}`).to.equal(0);
        expect(output).to.not.match(/mandatory/i);
        expect(output).to.match(/webstack:index:Environment/);
        for (const value of Object.values(c.secrets ?? {})) {
            expect(output.includes(value), "a secret config value in the preview's output").to.equal(false);
        }
        console.log(`      ${c.stack} (${environment}): ${((Date.now() - started) / 1000).toFixed(1)}s`);
    } finally {
        await engine.removeStack(c.stack);
    }
}

describe("real previews of the Kubernetes stacks against the local cluster, with the policy pack", function () {
    this.timeout(30 * 60_000);
    let engine: Engine;
    let env: NodeJS.ProcessEnv;

    before(function () {
        requireEngine(this, { plugins: ["random", "kubernetes"] });
        env = { KUBECONFIG: localCluster().kubeconfig };
        engine = new Engine();
    });
    after(() => engine?.dispose());

    for (const c of KUBERNETES) {
        it(`previews ${c.file} with zero mandatory violations`, () => previewWithPack(engine, c, env));
    }
});

describe("real previews of the Docker stacks with the policy pack", function () {
    this.timeout(20 * 60_000);
    let engine: Engine;

    before(function () {
        requireEngine(this, { plugins: ["random", "docker"], docker: true });
        engine = new Engine();
    });
    after(() => engine?.dispose());

    for (const c of DOCKER) {
        it(`previews ${c.file} with zero mandatory violations`, () => previewWithPack(engine, c, {}));
    }
});
