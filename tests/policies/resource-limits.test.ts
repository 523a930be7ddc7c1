import { T, at, dockerStack, find, k8sStack } from "./fixtures";
import { configWith, expectNoViolation, expectViolation, runPolicy } from "./expect";

const POLICY = "resource-limits";

describe(POLICY, () => {
    it("accepts requests and limits on every container", async () => {
        expectNoViolation(await runPolicy(POLICY, "production", k8sStack("production")));
        expectNoViolation(await runPolicy(POLICY, "review", dockerStack("review")));
    });

    for (const [kind, res] of [["requests", "cpu"], ["requests", "memory"], ["limits", "cpu"], ["limits", "memory"]]) {
        it(`rejects a container without resources.${kind}.${res}`, async () => {
            const rs = k8sStack("production");
            const worker = find(rs, T.deployment, "production-worker");
            delete at(worker.props, "spec", "template", "spec", "containers", 0, "resources", kind)[res];
            expectViolation(await runPolicy(POLICY, "production", rs), POLICY, worker, `container "worker" has no resources.${kind}.${res}`, "resources.requests {cpu, memory}");
        });
    }

    it("rejects an init container without resources, in a Job", async () => {
        const rs = k8sStack("staging");
        const job = find(rs, T.job, "staging-db-access");
        at(job.props, "spec", "template", "spec").initContainers = [{ name: "wait-db", image: "postgres:16.4-bookworm" }];
        expectViolation(await runPolicy(POLICY, "staging", rs), POLICY, job, "init container \"wait-db\" has no resources.requests.cpu, resources.requests.memory, resources.limits.memory, resources.limits.cpu");
    });

    it("can relax the CPU limit by config", async () => {
        const rs = k8sStack("production");
        delete at(find(rs, T.deployment, "production-worker").props, "spec", "template", "spec", "containers", 0, "resources", "limits").cpu;
        expectNoViolation(await runPolicy(POLICY, "production", rs, { config: configWith("production", POLICY, { requireCpuLimit: false }) }));
    });

    it("rejects a Docker container without a memory limit", async () => {
        const rs = dockerStack("review");
        const c = find(rs, T.container, "pr-1-api");
        delete c.props.memory;
        expectViolation(await runPolicy(POLICY, "review", rs), POLICY, c, "has no memory (MB) limit");
    });

    it("rejects a Docker container without a CPU limit, and accepts cpuQuota instead of cpus", async () => {
        const rs = dockerStack("review");
        const c = find(rs, T.container, "pr-1-worker");
        delete c.props.cpus;
        expectViolation(await runPolicy(POLICY, "review", rs), POLICY, c, "has no cpus limit");
        c.props.cpuQuota = 50000;
        expectNoViolation(await runPolicy(POLICY, "review", rs));
    });
});
