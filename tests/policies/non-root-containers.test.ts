import * as assert from "assert";
import { isRootUser } from "../../policies/rules/non-root-containers";
import { T, at, dockerStack, find, k8sStack } from "./fixtures";
import { expectNoViolation, expectViolation, runPolicy } from "./expect";

const POLICY = "non-root-containers";
const container = (rs: ReturnType<typeof k8sStack>, name: string) => at(find(rs, T.deployment, name).props, "spec", "template", "spec", "containers", 0);

describe(POLICY, () => {
    it("accepts non-root containers without privilege escalation", async () => {
        expectNoViolation(await runPolicy(POLICY, "production", k8sStack("production")));
        expectNoViolation(await runPolicy(POLICY, "review", dockerStack("review")));
    });

    it("rejects runAsUser 0 in the container, even with runAsNonRoot on the pod", async () => {
        const rs = k8sStack("production");
        container(rs, "production-api").securityContext.runAsUser = 0;
        expectViolation(await runPolicy(POLICY, "production", rs), POLICY, find(rs, T.deployment, "production-api"), "container \"api\" runs as uid 0 (root)", "non-zero uid");
    });

    it("rejects a pod that may run as root (no runAsNonRoot, no runAsUser)", async () => {
        const rs = k8sStack("production");
        const web = find(rs, T.deployment, "production-web");
        delete at(web.props, "spec", "template", "spec").securityContext;
        delete container(rs, "production-web").securityContext.runAsNonRoot;
        expectViolation(await runPolicy(POLICY, "production", rs), POLICY, web, "may run as root", "runAsNonRoot: true");
    });

    it("accepts runAsUser > 0 without runAsNonRoot", async () => {
        const rs = k8sStack("production");
        const web = find(rs, T.deployment, "production-web");
        at(web.props, "spec", "template", "spec").securityContext = { runAsUser: 101 };
        delete container(rs, "production-web").securityContext.runAsNonRoot;
        expectNoViolation(await runPolicy(POLICY, "production", rs));
    });

    it("rejects privilege escalation left at its default", async () => {
        const rs = k8sStack("staging");
        delete container(rs, "staging-worker").securityContext.allowPrivilegeEscalation;
        expectViolation(await runPolicy(POLICY, "staging", rs), POLICY, find(rs, T.deployment, "staging-worker"), "allowPrivilegeEscalation: false");
    });

    it("rejects a privileged container and kept capabilities, in an init container", async () => {
        const rs = k8sStack("production");
        const api = find(rs, T.deployment, "production-api");
        at(api.props, "spec", "template", "spec").initContainers = [{
            name: "sysctl", image: "busybox:1.36",
            securityContext: { privileged: true, allowPrivilegeEscalation: false, capabilities: { add: ["NET_ADMIN"] } },
        }];
        expectViolation(await runPolicy(POLICY, "production", rs), POLICY, api, "init container \"sysctl\" runs privileged, does not drop all capabilities", "capabilities.drop: [\"ALL\"]");
    });

    it("rejects a Docker container without a user, or running as root", async () => {
        const rs = dockerStack("review");
        const api = find(rs, T.container, "pr-1-api");
        delete api.props.user;
        expectViolation(await runPolicy(POLICY, "review", rs), POLICY, api, "sets no user");
        api.props.user = "0:0";
        expectViolation(await runPolicy(POLICY, "review", rs), POLICY, api, "runs as user \"0:0\", which is root");
    });

    it("rejects a privileged Docker container and one keeping default capabilities", async () => {
        const rs = dockerStack("local");
        const db = find(rs, T.container, "local-db");
        db.props.privileged = true;
        delete db.props.capabilities;
        const reported = await runPolicy(POLICY, "local", rs);
        expectViolation(reported, POLICY, db, "runs privileged");
        expectViolation(reported, POLICY, db, "capabilities.drops does not contain ALL");
    });

    it("knows which Docker users are root", () => {
        for (const u of ["", "root", "0", "0:0", "root:root"]) {
            assert.ok(isRootUser(u), u);
        }
        for (const u of ["10001", "10001:10001", "postgres", "999:999"]) {
            assert.ok(!isRootUser(u), u);
        }
    });
});
