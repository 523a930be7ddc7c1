import * as assert from "assert";
import { checkHealthProbes } from "../../policies/rules/health-probes";
import { T, at, dockerStack, find, k8sStack } from "./fixtures";
import { expectNoViolation, expectViolation, runPolicy } from "./expect";

const POLICY = "health-probes";

describe(POLICY, () => {
    it("accepts probes on long-running workloads and healthchecks on Docker containers", async () => {
        expectNoViolation(await runPolicy(POLICY, "production", k8sStack("production")));
        expectNoViolation(await runPolicy(POLICY, "review", dockerStack("review")));
    });

    for (const probe of ["livenessProbe", "readinessProbe"]) {
        it(`rejects a Deployment container without ${probe}`, async () => {
            const rs = k8sStack("production");
            const api = find(rs, T.deployment, "production-api");
            delete at(api.props, "spec", "template", "spec", "containers", 0)[probe];
            expectViolation(await runPolicy(POLICY, "production", rs), POLICY, api, `container "api" has no ${probe}`, "/health", "/ready");
        });
    }

    it("rejects a StatefulSet without probes", async () => {
        const rs = k8sStack("staging");
        const db = find(rs, T.statefulSet, "staging-db");
        const c = at(db.props, "spec", "template", "spec", "containers", 0);
        delete c.livenessProbe;
        delete c.readinessProbe;
        expectViolation(await runPolicy(POLICY, "staging", rs), POLICY, db, "has no livenessProbe and readinessProbe");
    });

    it("does not require probes on Jobs and CronJobs", async () => {
        const rs = k8sStack("production");
        assert.strictEqual(at(find(rs, T.job, "production-db-access").props, "spec", "template", "spec", "containers", 0).livenessProbe, undefined);
        expectNoViolation(await runPolicy(POLICY, "production", rs));
    });

    it("rejects a Docker container without a healthcheck", async () => {
        const rs = dockerStack("review");
        const worker = find(rs, T.container, "pr-1-worker");
        delete worker.props.healthcheck;
        expectViolation(await runPolicy(POLICY, "review", rs), POLICY, worker, "has no healthcheck", "healthcheck.tests");
    });

    it("rejects a Docker healthcheck disabled with NONE", async () => {
        const rs = dockerStack("local");
        const cache = find(rs, T.container, "local-cache");
        cache.props.healthcheck = { tests: ["NONE"] };
        expectViolation(await runPolicy(POLICY, "local", rs), POLICY, cache, "has no healthcheck");
    });

    it("skips one-shot Docker containers (restart no, or a migration)", async () => {
        const rs = dockerStack("review");
        const worker = find(rs, T.container, "pr-1-worker");
        delete worker.props.healthcheck;
        worker.props.labels = (worker.props.labels as { label: string; value: string }[]).map((l) => l.label === "app.kubernetes.io/component" ? { ...l, value: "migration" } : l);
        expectNoViolation(await runPolicy(POLICY, "review", rs));
        const f = checkHealthProbes({ type: T.container, name: "once", urn: "urn:pulumi:s::p::t::once", props: { restart: "no" } }, {});
        assert.deepStrictEqual(f, []);
    });
});
