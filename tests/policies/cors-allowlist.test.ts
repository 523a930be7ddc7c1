import * as assert from "assert";
import { T, at, dockerStack, find, k8sStack } from "./fixtures";
import { configWith, expectNoViolation, expectViolation, runPolicy } from "./expect";
import { violationsOf } from "./harness";

const POLICY = "cors-allowlist";
const apiEnv = (rs: ReturnType<typeof k8sStack>) => at(find(rs, T.deployment, "production-api").props, "spec", "template", "spec", "containers", 0, "env") as { name: string; value?: string }[];

describe(POLICY, () => {
    it("accepts an explicit allowlist", async () => {
        expectNoViolation(await runPolicy(POLICY, "production", k8sStack("production")));
    });

    it("rejects \"*\" in a Deployment's env in production", async () => {
        const rs = k8sStack("production");
        apiEnv(rs).find((e) => e.name === "API__CORS_ORIGINS")!.value = "*";
        expectViolation(await runPolicy(POLICY, "production", rs), POLICY, find(rs, T.deployment, "production-api"), "env API__CORS_ORIGINS of container \"api\" allows the origin \"*\"", "exact origins");
    });

    it("rejects \"*\" among other origins and the \"null\" origin", async () => {
        const rs = k8sStack("production");
        apiEnv(rs).find((e) => e.name === "API__CORS_ORIGINS")!.value = "https://app.example.com, *, null";
        expectViolation(await runPolicy(POLICY, "production", rs), POLICY, find(rs, T.deployment, "production-api"), "\"*\", \"null\"");
    });

    it("rejects \"*\" in a ConfigMap and in a Docker env", async () => {
        const rs = k8sStack("production");
        const cm = find(rs, T.configMap, "production-api-settings");
        at(cm.props, "data").API__CORS_ORIGINS = "*";
        expectViolation(await runPolicy(POLICY, "production", rs), POLICY, cm, "key API__CORS_ORIGINS");
        const docker = dockerStack("review", "production");
        const api = find(docker, T.container, "production-api");
        api.props.envs = (api.props.envs as string[]).map((e) => e.startsWith("API__CORS_ORIGINS=") ? "API__CORS_ORIGINS=*" : e);
        expectViolation(await runPolicy(POLICY, "production", docker), POLICY, api, "env API__CORS_ORIGINS allows the origin \"*\"");
    });

    it("rejects subdomain wildcards unless allowed", async () => {
        const rs = k8sStack("production");
        apiEnv(rs).find((e) => e.name === "API__CORS_ORIGINS")!.value = "https://*.example.com";
        expectViolation(await runPolicy(POLICY, "production", rs), POLICY, find(rs, T.deployment, "production-api"), "https://*.example.com");
        expectNoViolation(await runPolicy(POLICY, "production", rs, { config: configWith("production", POLICY, { allowSubdomainWildcards: true }) }));
    });

    it("is advisory in staging and off locally", async () => {
        const rs = k8sStack("staging");
        at(find(rs, T.deployment, "staging-api").props, "spec", "template", "spec", "containers", 0, "env").find((e: { name: string }) => e.name === "API__CORS_ORIGINS").value = "*";
        const staging = violationsOf(await runPolicy(POLICY, "staging", rs));
        assert.ok(staging.length === 1 && staging[0].enforcementLevel === "advisory");
        assert.strictEqual((await runPolicy(POLICY, "local", rs)).length, 0);
    });
});
