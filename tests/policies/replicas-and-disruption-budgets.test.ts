import * as assert from "assert";
import { T, UNKNOWN, at, find, k8sStack } from "./fixtures";
import { expectNoViolation, expectViolation, runPolicy } from "./expect";
import { describeReported, previewSkipsOf, violationsOf } from "./harness";

const POLICY = "replicas-and-disruption-budgets";

describe(POLICY, () => {
    it("accepts two replicas (or an autoscaler minimum of two) and a budget per Deployment", async () => {
        expectNoViolation(await runPolicy(POLICY, "production", k8sStack("production")));
    });

    it("rejects a single replica in production", async () => {
        const rs = k8sStack("production");
        const worker = find(rs, T.deployment, "production-worker");
        at(worker.props, "spec").replicas = 1;
        expectViolation(await runPolicy(POLICY, "production", rs), POLICY, worker, "runs 1 replica (spec.replicas)", "at least 2");
    });

    it("counts a missing replicas field as one", async () => {
        const rs = k8sStack("production");
        const web = find(rs, T.deployment, "production-web");
        delete at(web.props, "spec").replicas;
        expectViolation(await runPolicy(POLICY, "production", rs), POLICY, web, "spec.replicas not set");
    });

    it("uses the autoscaler's minReplicas when one targets the Deployment", async () => {
        const rs = k8sStack("production");
        at(find(rs, T.hpa, "production-api").props, "spec").minReplicas = 1;
        expectViolation(await runPolicy(POLICY, "production", rs), POLICY, find(rs, T.deployment, "production-api"), "minReplicas of kubernetes:autoscaling/v2:HorizontalPodAutoscaler \"production-api\"", "the autoscaler's minReplicas");
    });

    it("rejects a Deployment without a PodDisruptionBudget", async () => {
        const rs = k8sStack("production").filter((r) => !(r.type === T.pdb && r.name === "production-worker"));
        expectViolation(await runPolicy(POLICY, "production", rs), POLICY, find(rs, T.deployment, "production-worker"), "no PodDisruptionBudget selecting its pods");
    });

    it("rejects a budget that blocks every drain", async () => {
        const rs = k8sStack("production");
        const pdb = find(rs, T.pdb, "production-web");
        at(pdb.props, "spec").minAvailable = 2;
        expectViolation(await runPolicy(POLICY, "production", rs), POLICY, pdb, "allows no voluntary disruption", "node drains hang");
    });

    it("leaves the singleton scheduler alone", async () => {
        const rs = k8sStack("production");
        assert.strictEqual(at(find(rs, T.deployment, "production-scheduler").props, "spec").replicas, 1);
        expectNoViolation(await runPolicy(POLICY, "production", rs));
    });

    it("is advisory in staging and off in review", async () => {
        const rs = k8sStack("staging");
        at(find(rs, T.deployment, "staging-worker").props, "spec").replicas = 1;
        const staging = violationsOf(await runPolicy(POLICY, "staging", rs));
        assert.ok(staging.length > 0 && staging.every((v) => v.enforcementLevel === "advisory"));
        assert.strictEqual((await runPolicy(POLICY, "review", rs)).length, 0);
    });
});

describe(`${POLICY} during preview`, () => {
    it("does not count a single replica against a Deployment an autoscaler with an unknown target may scale", async () => {
        const rs = k8sStack("production");
        at(find(rs, T.deployment, "production-api").props, "spec").replicas = 1;
        at(find(rs, T.hpa, "production-api").props, "spec", "scaleTargetRef").name = UNKNOWN;
        const reported = await runPolicy(POLICY, "production", rs);
        assert.strictEqual(violationsOf(reported).length, 0, describeReported(reported));
        assert.strictEqual(previewSkipsOf(reported).length, 1);
    });
});
