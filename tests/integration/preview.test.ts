/**
 * Real previews: every shipped stack through the real engine with the real
 * policy pack and the stack's environment policy config. Kubernetes stacks
 * preview against no cluster (the provider plans plain resources without one),
 * so this checks the program, the config schema and the policies, not the API
 * server's admission.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { Engine, ROOT, offlineKubeconfig, requireEngine, policyConfig, tail } from "./engine";

const STACKS: { file: string; stack: string; environment: string }[] = [
    { file: "Pulumi.local.yaml", stack: "it-prev-local", environment: "local" },
    { file: "Pulumi.staging.yaml", stack: "it-prev-staging", environment: "staging" },
    { file: "Pulumi.production.yaml", stack: "it-prev-production", environment: "production" },
    { file: "stacks/review.yaml", stack: "it-prev-pr-42", environment: "review" },
];

describe("real previews of every shipped stack with the policy pack", function () {
    this.timeout(20 * 60_000);
    let engine: Engine;
    const kubeconfig = offlineKubeconfig();

    before(function () {
        requireEngine(this, { plugins: ["random", "docker", "kubernetes"], docker: true });
        engine = new Engine();
    });
    after(() => engine?.dispose());

    for (const s of STACKS) {
        it(`previews ${s.file} as ${s.environment} with zero mandatory violations`, async () => {
            const started = Date.now();
            await engine.initStack(s.stack, fs.readFileSync(path.join(ROOT, s.file), "utf8"));
            try {
                const r = await engine.run(["preview", "--stack", s.stack, "--policy-pack", path.join(ROOT, "policies"), "--policy-pack-config", policyConfig(s.environment), "--diff"], { env: { KUBECONFIG: kubeconfig } });
                const output = r.stdout + r.stderr;
                expect(r.code, `preview failed:\n${tail(output, 80)}`).to.equal(0);
                expect(output).to.not.match(/mandatory/i);
                expect(output).to.match(/webstack:index:Environment/);
                console.log(`      ${s.stack}: ${((Date.now() - started) / 1000).toFixed(1)}s`);
            } finally {
                await engine.removeStack(s.stack);
            }
        });
    }
});
