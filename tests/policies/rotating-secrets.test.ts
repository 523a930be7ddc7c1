import * as assert from "assert";
import { checkRotatingSecrets } from "../../policies/rules/rotating-secrets";
import { plainProps } from "../../policies/lib/unknown";
import { T, dockerStack, find, isoDaysAgo, k8sStack } from "./fixtures";
import { configWith, expectNoViolation, expectViolation, runPolicy } from "./expect";
import { FixtureResource, urnFor } from "./harness";

const POLICY = "rotating-secrets";
const prod = () => k8sStack("production");
const review = () => dockerStack("review");

function keepers(r: FixtureResource): Record<string, string> {
    return r.props.keepers as Record<string, string>;
}

describe(POLICY, () => {
    it("accepts two slots with consecutive generations inside the rotation window", async () => {
        expectNoViolation(await runPolicy(POLICY, "production", prod()));
        expectNoViolation(await runPolicy(POLICY, "review", review()));
    });

    for (const keeper of ["webstack.dev/rotation-period-days", "webstack.dev/issued-at", "webstack.dev/generation", "webstack.dev/slot"]) {
        it(`rejects a secret without the rotation keeper ${keeper}`, async () => {
            const rs = prod();
            const rp = find(rs, T.randomPassword, "production-api-db-b");
            delete keepers(rp)[keeper];
            expectViolation(await runPolicy(POLICY, "production", rs), POLICY, rp, `has no rotation keeper ${keeper}`, "never rotated", "Credential component");
        });
    }

    it("rejects a secret with no keepers at all (Docker stack)", async () => {
        const rs = review();
        const rp = find(rs, T.randomPassword, "pr-1-worker-cache-a");
        delete rp.props.keepers;
        const reported = await runPolicy(POLICY, "review", rs);
        expectViolation(reported, POLICY, rp, "has no rotation keeper webstack.dev/rotation-period-days, webstack.dev/issued-at, webstack.dev/generation, webstack.dev/slot");
        expectViolation(reported, POLICY, rp, "has no keeper webstack.dev/credential", "cannot be paired");
    });

    it("rejects a rotation period longer than the environment allows", async () => {
        const rs = prod();
        const rp = find(rs, T.randomPassword, "production-worker-db-a");
        keepers(rp)["webstack.dev/rotation-period-days"] = "90";
        expectViolation(await runPolicy(POLICY, "production", rs), POLICY, rp, "rotates every 90 days", "30 days allowed in production", "at most 30 days");
    });

    it("takes the limit from the environment's config (local allows 90 days)", async () => {
        const rs = dockerStack("local");
        keepers(find(rs, T.randomPassword, "local-worker-db-a"))["webstack.dev/rotation-period-days"] = "60";
        expectNoViolation(await runPolicy(POLICY, "local", rs));
    });

    it("rejects a non-numeric period", async () => {
        const rs = prod();
        const rp = find(rs, T.randomPassword, "production-worker-db-a");
        keepers(rp)["webstack.dev/rotation-period-days"] = "monthly";
        expectViolation(await runPolicy(POLICY, "production", rs), POLICY, rp, "\"monthly\", not a whole number of days");
    });

    it("rejects a stale current value", async () => {
        const rs = prod();
        const rp = find(rs, T.randomPassword, "production-api-db-b");
        keepers(rp)["webstack.dev/issued-at"] = isoDaysAgo(45);
        expectViolation(await runPolicy(POLICY, "production", rs), POLICY, rp, "current value was issued 45 days ago", "rotation is overdue", "pulumi up");
    });

    it("lets the previous value live one more period, but not longer", async () => {
        const rs = prod();
        const rp = find(rs, T.randomPassword, "production-api-db-a");
        const current = find(rs, T.randomPassword, "production-api-db-b");
        keepers(rp)["webstack.dev/issued-at"] = isoDaysAgo(59);
        expectNoViolation(await runPolicy(POLICY, "production", rs));
        keepers(rp)["webstack.dev/issued-at"] = isoDaysAgo(75);
        // Its successor is older than one period: the previous value outlived its window.
        keepers(current)["webstack.dev/issued-at"] = isoDaysAgo(31);
        expectViolation(await runPolicy(POLICY, "production", rs), POLICY, rp, "previous value was issued 75 days ago", "older than the 60 days allowed");
    });

    it("accepts an overdue previous value while its successor is in its first period (catching up after missed periods)", async () => {
        const rs = prod();
        const previous = find(rs, T.randomPassword, "production-api-db-a");
        const current = find(rs, T.randomPassword, "production-api-db-b");
        // Three periods were missed: this up issued the new current value today and keeps the one in use as previous.
        keepers(previous)["webstack.dev/issued-at"] = isoDaysAgo(100);
        keepers(current)["webstack.dev/issued-at"] = isoDaysAgo(0);
        expectNoViolation(await runPolicy(POLICY, "production", rs));
        // Not when the current value is itself from an earlier period.
        keepers(current)["webstack.dev/issued-at"] = isoDaysAgo(31);
        expectViolation(await runPolicy(POLICY, "production", rs), POLICY, previous, "previous value was issued 100 days ago");
    });

    it("honours maxAgeDays from config", async () => {
        const rs = prod();
        const config = configWith("production", POLICY, { maxAgeDays: 7 });
        expectViolation(await runPolicy(POLICY, "production", rs, { config }), POLICY, find(rs, T.randomPassword, "production-api-db-b"), "issued 10 days ago", "7 days allowed");
    });

    it("rejects a credential with only one slot (no rotation window)", async () => {
        const rs = prod().filter((r) => r.name !== "production-api-cache-a");
        expectViolation(await runPolicy(POLICY, "production", rs), POLICY, find(rs, T.randomPassword, "production-api-cache-b"), "credential \"api-cache\" has no slot \"a\"", "no rotation window");
    });

    it("rejects two resources in the same slot", async () => {
        const rs = prod();
        const rp = find(rs, T.randomPassword, "production-api-cache-a");
        keepers(rp)["webstack.dev/slot"] = "b";
        keepers(rp)["webstack.dev/generation"] = "5";
        expectViolation(await runPolicy(POLICY, "production", rs), POLICY, rp, "has 2 resources in slot \"b\"");
    });

    it("rejects slots whose generations are not consecutive", async () => {
        const rs = prod();
        const rp = find(rs, T.randomPassword, "production-api-db-a");
        keepers(rp)["webstack.dev/generation"] = "2";
        expectViolation(await runPolicy(POLICY, "production", rs), POLICY, rp, "generations 2 and 5", "consecutive");
    });

    it("rejects a generation in the wrong slot", async () => {
        const rs = review();
        const rp = find(rs, T.randomPassword, "pr-1-api-db-b");
        keepers(rp)["webstack.dev/generation"] = "6";
        keepers(find(rs, T.randomPassword, "pr-1-api-db-a"))["webstack.dev/generation"] = "5";
        expectViolation(await runPolicy(POLICY, "review", rs), POLICY, rp, "holds generation 6 in slot \"b\"", "slot \"a\"");
    });

    it("rejects a slot other than a or b", async () => {
        const rs = review();
        const rp = find(rs, T.randomPassword, "pr-1-api-db-b");
        keepers(rp)["webstack.dev/slot"] = "c";
        expectViolation(await runPolicy(POLICY, "review", rs), POLICY, rp, "keeper webstack.dev/slot is \"c\"");
    });

    it("rejects an issued-at that is not a date, or in the future", async () => {
        const rs = review();
        const a = find(rs, T.randomPassword, "pr-1-api-db-a");
        const b = find(rs, T.randomPassword, "pr-1-api-db-b");
        keepers(a)["webstack.dev/issued-at"] = "last tuesday";
        keepers(b)["webstack.dev/issued-at"] = isoDaysAgo(-10);
        const reported = await runPolicy(POLICY, "review", rs);
        expectViolation(reported, POLICY, a, "\"last tuesday\", not an ISO date");
        expectViolation(reported, POLICY, b, "in the future");
    });

    it("exposes a pure check with an injected clock", () => {
        const rs = review().map((r) => ({ ...r, urn: urnFor("pr-1", r.type, r.name), props: plainProps(r.props) }));
        const now = new Date();
        assert.deepStrictEqual(checkRotatingSecrets(rs, { maxAgeDays: 30 }, { now }), []);
        const later = new Date(now.getTime() + 40 * 86_400_000);
        const findings = checkRotatingSecrets(rs, { maxAgeDays: 30 }, { now: later });
        // Every current slot (5 credentials) is 50 days old; every previous slot is 80 > 60 days old.
        assert.strictEqual(findings.length, 10);
        assert.ok(findings.every((f) => f.kind === "violation" && /rotation is overdue/.test(f.message)));
    });
});
