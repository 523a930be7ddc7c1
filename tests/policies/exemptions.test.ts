import * as assert from "assert";
import { applyExemptions } from "../../policies/lib/exemptions";
import { Findings } from "../../policies/lib/findings";
import { T, at, dockerStack, find, k8sStack } from "./fixtures";
import { configWith, expectNoViolation, expectViolation, runPolicy } from "./expect";
import { describeReported, urnFor, violationsOf } from "./harness";

function latestApi() {
    const rs = k8sStack("production");
    at(find(rs, T.deployment, "production-api").props, "spec", "template", "spec", "containers", 0).image = "ghcr.io/acme/webstack-app:latest";
    return rs;
}

describe("exemptions", () => {
    it("drops a resource policy's finding for a resource named in an exemption with a reason", async () => {
        const config = configWith("production", "pinned-images", {
            exemptions: [{ resource: "production-api", reason: "vendor image republished under :latest only; digest pinned by the registry mirror" }],
        });
        expectNoViolation(await runPolicy("pinned-images", "production", latestApi(), { config }));
    });

    it("matches URN globs in stack policies", async () => {
        const rs = dockerStack("review");
        find(rs, T.container, "pr-1-db").props.ports = [{ internal: 5432, external: 5432, ip: "127.0.0.1" }];
        const config = configWith("review", "no-public-database", {
            exemptions: [{ resource: "urn:pulumi:pr-*::webstack::docker:index/container:Container::*-db", reason: "review stacks run on a single-user CI host" }],
        });
        expectNoViolation(await runPolicy("no-public-database", "review", rs, { config }));
    });

    it("does not apply an exemption without a reason, and reports it", async () => {
        const rs = latestApi();
        const config = configWith("production", "pinned-images", { exemptions: [{ resource: "production-api" }] });
        const reported = await runPolicy("pinned-images", "production", rs, { config });
        const api = find(rs, T.deployment, "production-api");
        expectViolation(reported, "pinned-images", api, "the exemption for \"production-api\" in the \"pinned-images\" policy config has no reason, so it is not applied", "non-empty \"reason\"");
        expectViolation(reported, "pinned-images", api, "ghcr.io/acme/webstack-app:latest\" without a digest");
    });

    it("treats a blank reason as no reason", async () => {
        const config = configWith("production", "pinned-images", { exemptions: [{ resource: "production-api", reason: "   " }] });
        const reported = await runPolicy("pinned-images", "production", latestApi(), { config });
        assert.strictEqual(violationsOf(reported).length, 2, describeReported(reported));
    });

    it("reports a stack policy's exemption without a resource or reason even when it matches nothing", async () => {
        const config = configWith("production", "rotating-secrets", { exemptions: [{ reason: "forgot the resource" }, { resource: "nothing-*" }] });
        const reported = violationsOf(await runPolicy("rotating-secrets", "production", k8sStack("production"), { config }));
        assert.strictEqual(reported.length, 2, describeReported(reported));
        assert.ok(reported.every((r) => r.message.startsWith("stack: ") && r.message.includes("Fix: ")));
        assert.match(reported[0].message, /has no "resource" pattern/);
        assert.match(reported[1].message, /exemption for "nothing-\*" .* has no reason/);
    });

    it("is a pure function over findings", () => {
        const f = new Findings();
        const ref = { type: T.service, name: "db", urn: urnFor("production", T.service, "db") };
        f.violation(ref, "is public", "make it private");
        assert.strictEqual(applyExemptions("p", f.list, [{ resource: "d?", reason: "r" }], { mode: "resource", resources: [ref] }).length, 0);
        assert.strictEqual(applyExemptions("p", f.list, [{ resource: "api", reason: "r" }], { mode: "resource", resources: [ref] }).length, 1);
        assert.strictEqual(applyExemptions("p", f.list, undefined, { mode: "resource", resources: [ref] }).length, 1);
    });
});
