import { T, at, dockerStack, find, k8sStack } from "./fixtures";
import { expectNoViolation, expectViolation, runPolicy } from "./expect";

const POLICY = "required-labels";

describe(POLICY, () => {
    it("accepts the standard labels on both platforms", async () => {
        expectNoViolation(await runPolicy(POLICY, "production", k8sStack("production")));
        expectNoViolation(await runPolicy(POLICY, "review", dockerStack("review")));
    });

    it("rejects a StatefulSet without the component label", async () => {
        const rs = k8sStack("production");
        const db = find(rs, T.statefulSet, "production-db");
        delete at(db.props, "metadata", "labels")["app.kubernetes.io/component"];
        expectViolation(await runPolicy(POLICY, "production", rs), POLICY, db, "has no app.kubernetes.io/component label", "metadata.labels");
    });

    it("rejects a pod template without the component label", async () => {
        const rs = k8sStack("production");
        const db = find(rs, T.statefulSet, "production-db");
        delete at(db.props, "spec", "template", "metadata", "labels")["app.kubernetes.io/component"];
        expectViolation(await runPolicy(POLICY, "production", rs), POLICY, db, "its pod template has no app.kubernetes.io/component label");
    });

    it("rejects an object labelled for another environment", async () => {
        const rs = k8sStack("production");
        const svc = find(rs, T.service, "production-api");
        at(svc.props, "metadata", "labels")["webstack.dev/environment"] = "staging";
        expectViolation(await runPolicy(POLICY, "production", rs), POLICY, svc, "labelled webstack.dev/environment=\"staging\"", "deployed in environment \"production\"");
    });

    it("rejects a Docker container and network without labels", async () => {
        const rs = dockerStack("review");
        const c = find(rs, T.container, "pr-1-cache");
        c.props.labels = [];
        const net = find(rs, T.network, "pr-1-private");
        net.props.labels = (net.props.labels as { label: string }[]).filter((l) => l.label !== "app.kubernetes.io/part-of");
        const reported = await runPolicy(POLICY, "review", rs);
        expectViolation(reported, POLICY, c, "has no app.kubernetes.io/name, app.kubernetes.io/instance, app.kubernetes.io/component", "set labels");
        expectViolation(reported, POLICY, net, "has no app.kubernetes.io/part-of label");
    });

    it("rejects a foreign part-of", async () => {
        const rs = dockerStack("local");
        const v = find(rs, T.volume, "local-db-data");
        v.props.labels = (v.props.labels as { label: string; value: string }[]).map((l) => l.label === "app.kubernetes.io/part-of" ? { ...l, value: "other" } : l);
        expectViolation(await runPolicy(POLICY, "local", rs), POLICY, v, "app.kubernetes.io/part-of=\"other\"");
    });
});
