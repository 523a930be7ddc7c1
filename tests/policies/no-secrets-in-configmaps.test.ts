import { T, UNKNOWN, at, find, k8sStack } from "./fixtures";
import { expectNoViolation, expectViolation, runPolicy } from "./expect";

const POLICY = "no-secrets-in-configmaps";

describe(POLICY, () => {
    it("accepts settings without credentials (a key id is not a key)", async () => {
        expectNoViolation(await runPolicy(POLICY, "production", k8sStack("production")));
    });

    it("rejects a password in a ConfigMap", async () => {
        const rs = k8sStack("production");
        const cm = find(rs, T.configMap, "production-api-settings");
        at(cm.props, "data").API__SMTP_PASSWORD = "hunter22";
        expectViolation(await runPolicy(POLICY, "production", rs), POLICY, cm, "key API__SMTP_PASSWORD holds a credential", "valueFrom.secretKeyRef");
    });

    it("rejects a credential-named key even when its value is unknown during preview", async () => {
        const rs = k8sStack("staging");
        const cm = find(rs, T.configMap, "staging-api-settings");
        at(cm.props, "data").API__JWT_SIGNING_KEY = UNKNOWN;
        expectViolation(await runPolicy(POLICY, "staging", rs), POLICY, cm, "key API__JWT_SIGNING_KEY holds a credential");
    });

    it("rejects a URL with an embedded password under any key", async () => {
        const rs = k8sStack("production");
        const cm = find(rs, T.configMap, "production-api-settings");
        at(cm.props, "data").API__ANALYTICS = "https://reporter:s3cret@analytics.example.com/ingest";
        expectViolation(await runPolicy(POLICY, "production", rs), POLICY, cm, "key API__ANALYTICS is a URL with an embedded password");
    });

    it("rejects a private key", async () => {
        const rs = k8sStack("production");
        const cm = find(rs, T.configMap, "production-api-settings");
        at(cm.props, "data")["tls.key"] = "-----BEGIN RSA PRIVATE KEY-----\nMIIE...\n-----END RSA PRIVATE KEY-----";
        expectViolation(await runPolicy(POLICY, "production", rs), POLICY, cm, "key tls.key holds a private key");
    });
});
