/**
 * The policy tests' corpus of broken stacks, through the real engine: each is
 * registered by a replay program and previewed with the real policy pack and
 * its environment's policy config, and must be rejected by the expected
 * policy, as the harness says. Needs the provider plugins (the engine asks the
 * providers to check every resource).
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { Engine, ROOT, policyConfig, requireEngine } from "./engine";
import { badStacks } from "../policies/bad-stacks";

const FIXTURE = path.join(__dirname, "fixtures", "resource-replay");

describe("bad stacks through the real engine and policy pack", function () {
    this.timeout(30 * 60_000);
    let engine: Engine;

    before(function () {
        requireEngine(this, { plugins: ["random", "docker", "kubernetes"] });
        engine = new Engine();
    });
    after(() => engine?.dispose());

    for (const bad of badStacks) {
        it(`${bad.name} is rejected by ${bad.expectedPolicy}`, async () => {
            const resources = path.join(engine.backendDir, `${bad.name}.json`);
            fs.writeFileSync(resources, JSON.stringify(bad.resources.map((r) => ({ type: r.type, name: r.name, props: r.props }))));
            let config = policyConfig(bad.environment);
            if (bad.configOverrides) {
                const merged = JSON.parse(fs.readFileSync(config, "utf8"));
                for (const [policy, settings] of Object.entries(bad.configOverrides)) {
                    merged[policy] = { ...(merged[policy] ?? {}), ...settings };
                }
                config = path.join(engine.backendDir, `${bad.name}.policy.json`);
                fs.writeFileSync(config, JSON.stringify(merged));
            }
            fs.writeFileSync(path.join(FIXTURE, `Pulumi.${bad.stack}.yaml`), "config: {}\n");
            try {
                await engine.run(["stack", "init", bad.stack, "--secrets-provider", "passphrase"], { cwd: FIXTURE });
                const r = await engine.run(["preview", "--stack", bad.stack, "--policy-pack", path.join(ROOT, "policies"), "--policy-pack-config", config], { cwd: FIXTURE, env: { REPLAY_RESOURCES: resources } });
                const output = r.stdout + r.stderr;
                expect(r.code, output).to.not.equal(0);
                expect(output).to.contain(bad.expectedPolicy);
                if (bad.expectedMessage) {
                    expect(output).to.contain(bad.expectedMessage);
                }
            } finally {
                await engine.run(["stack", "rm", bad.stack, "--yes", "--force"], { cwd: FIXTURE });
                fs.rmSync(path.join(FIXTURE, `Pulumi.${bad.stack}.yaml`), { force: true });
            }
        });
    }
});
