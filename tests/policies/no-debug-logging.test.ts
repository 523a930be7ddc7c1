import * as assert from "assert";
import { T, at, dockerStack, find, k8sStack } from "./fixtures";
import { expectNoViolation, expectViolation, runPolicy } from "./expect";
import { violationsOf } from "./harness";

const POLICY = "no-debug-logging";

describe(POLICY, () => {
    it("accepts info and warn", async () => {
        expectNoViolation(await runPolicy(POLICY, "production", k8sStack("production")));
    });

    it("rejects debug in a Deployment in production", async () => {
        const rs = k8sStack("production");
        const worker = find(rs, T.deployment, "production-worker");
        at(worker.props, "spec", "template", "spec", "containers", 0, "env").find((e: { name: string }) => e.name === "WORKER__LOG_LEVEL").value = "DEBUG";
        expectViolation(await runPolicy(POLICY, "production", rs), POLICY, worker, "env WORKER__LOG_LEVEL of container \"worker\" is \"DEBUG\"", "\"info\"");
    });

    it("rejects trace in a CronJob, a ConfigMap and a Docker container", async () => {
        const rs = k8sStack("production");
        const cron = find(rs, T.cronJob, "production-cleanup");
        at(cron.props, "spec", "jobTemplate", "spec", "template", "spec", "containers", 0, "env")[0].value = "trace";
        const cm = find(rs, T.configMap, "production-api-settings");
        at(cm.props, "data").API__LOG_LEVEL = "debug";
        const reported = await runPolicy(POLICY, "production", rs);
        expectViolation(reported, POLICY, cron, "CLEANUP__LOG_LEVEL");
        expectViolation(reported, POLICY, cm, "key API__LOG_LEVEL is \"debug\"");
        const docker = dockerStack("review", "production");
        const api = find(docker, T.container, "production-api");
        api.props.envs = (api.props.envs as string[]).map((e) => e.startsWith("API__LOG_LEVEL=") ? "API__LOG_LEVEL=debug" : e);
        expectViolation(await runPolicy(POLICY, "production", docker), POLICY, api, "env API__LOG_LEVEL is \"debug\"");
    });

    it("is advisory in staging and off in review and local", async () => {
        const rs = dockerStack("review", "staging");
        const api = find(rs, T.container, "staging-api");
        api.props.envs = (api.props.envs as string[]).map((e) => e.startsWith("API__LOG_LEVEL=") ? "API__LOG_LEVEL=debug" : e);
        const staging = violationsOf(await runPolicy(POLICY, "staging", rs));
        assert.ok(staging.length === 1 && staging[0].enforcementLevel === "advisory");
        assert.strictEqual((await runPolicy(POLICY, "review", rs)).length, 0);
        assert.strictEqual((await runPolicy(POLICY, "local", rs)).length, 0);
    });
});
