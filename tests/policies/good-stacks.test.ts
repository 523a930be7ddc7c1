import * as assert from "assert";
import { goodStacks } from "./good-stacks";
import { describeReported, loadPolicyConfig, runPack } from "./harness";

const CORE = ["no-public-database", "no-shared-credentials", "rotating-secrets"];

describe("legitimate stacks corpus", () => {
    it("has at least 20 unique cases on both platforms", () => {
        assert.strictEqual(new Set(goodStacks.map((g) => g.name)).size, goodStacks.length);
        assert.ok(goodStacks.length >= 20, String(goodStacks.length));
        assert.ok(goodStacks.some((g) => g.resources.some((r) => r.type.startsWith("docker:"))));
        assert.ok(goodStacks.some((g) => g.resources.some((r) => r.type.startsWith("kubernetes:"))));
    });

    for (const good of goodStacks) {
        it(`${good.name}: accepted by the core policies, each reaching a verdict (${good.why})`, async () => {
            const config = loadPolicyConfig(good.environment);
            for (const [policy, settings] of Object.entries(good.configOverrides ?? {})) {
                const own = config[policy];
                config[policy] = { ...(typeof own === "object" ? own : {}), ...settings };
            }
            const reported = await runPack(good.resources, { environment: good.environment, stack: good.stack, config, only: CORE });
            assert.strictEqual(reported.length, 0, describeReported(reported));
        });
    }
});
