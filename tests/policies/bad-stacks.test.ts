import * as assert from "assert";
import { badStacks } from "./bad-stacks";
import { describeReported, loadPolicyConfig, runPack, violationsOf, PolicyConfigFile } from "./harness";

function configOf(stack: (typeof badStacks)[number]): PolicyConfigFile {
    const config = loadPolicyConfig(stack.environment);
    for (const [policy, settings] of Object.entries(stack.configOverrides ?? {})) {
        const own = config[policy];
        config[policy] = { ...(typeof own === "object" ? own : {}), ...settings };
    }
    return config;
}

describe("bad stacks corpus", () => {
    it("has unique names and covers every core policy", () => {
        const names = badStacks.map((b) => b.name);
        assert.strictEqual(new Set(names).size, names.length);
        for (const policy of ["no-public-database", "no-shared-credentials", "rotating-secrets"]) {
            assert.ok(badStacks.filter((b) => b.expectedPolicy === policy).length >= 3, policy);
        }
        const core = badStacks.filter((b) => ["no-public-database", "no-shared-credentials", "rotating-secrets"].includes(b.expectedPolicy));
        assert.ok(core.length >= 60, `at least 60 cases of the core policies (have ${core.length})`);
        for (const platform of ["docker:", "kubernetes:"]) {
            assert.ok(core.filter((b) => b.resources.some((r) => r.type.startsWith(platform) && r.type !== "docker:index/remoteImage:RemoteImage")).length >= 15, `${platform} cases`);
        }
    });

    for (const bad of badStacks) {
        it(`${bad.name}: rejected by ${bad.expectedPolicy} (${bad.why})`, async () => {
            const reported = await runPack(bad.resources, { environment: bad.environment, stack: bad.stack, config: configOf(bad) });
            const hits = violationsOf(reported, bad.expectedPolicy).filter((h) => bad.expectedMessage === undefined || h.message.includes(bad.expectedMessage));
            assert.ok(hits.length > 0, `expected ${bad.expectedPolicy} to reject ${bad.name}${bad.expectedMessage ? ` with "${bad.expectedMessage}"` : ""}; got:\n${describeReported(reported)}`);
            const level = bad.environment === "local" ? "advisory" : "mandatory";
            assert.ok(hits.some((h) => h.enforcementLevel === level), `expected a ${level} violation:\n${describeReported(hits)}`);
            for (const h of hits) {
                assert.match(h.message, /^(stack|[a-z0-9-]+:[A-Za-z0-9./-]+:[A-Za-z0-9]+ "[^"]+"): .+ Fix: \S/, h.message);
            }
        });
    }
});
