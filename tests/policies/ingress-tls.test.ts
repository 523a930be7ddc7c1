import * as assert from "assert";
import { tlsCovers } from "../../policies/rules/ingress-tls";
import { T, at, find, k8sStack } from "./fixtures";
import { configWith, expectNoViolation, expectViolation, runPolicy } from "./expect";

const POLICY = "ingress-tls";

describe(POLICY, () => {
    it("accepts Ingresses whose hosts are all covered by spec.tls", async () => {
        expectNoViolation(await runPolicy(POLICY, "production", k8sStack("production")));
    });

    it("rejects an Ingress without TLS", async () => {
        const rs = k8sStack("production");
        const ing = find(rs, T.ingress, "production-web");
        delete at(ing.props, "spec").tls;
        expectViolation(await runPolicy(POLICY, "production", rs), POLICY, ing, "without TLS (no spec.tls)", "cert-manager");
    });

    it("rejects a host not listed in spec.tls", async () => {
        const rs = k8sStack("staging");
        const ing = find(rs, T.ingress, "staging-api");
        at(ing.props, "spec", "rules").push({ host: "admin.example.com", http: { paths: [] } });
        expectViolation(await runPolicy(POLICY, "staging", rs), POLICY, ing, "serves host \"admin.example.com\" without TLS", "spec.tls[].hosts");
    });

    it("accepts a wildcard certificate one level deep", async () => {
        const rs = k8sStack("production");
        const ing = find(rs, T.ingress, "production-api");
        at(ing.props, "spec").tls = [{ hosts: ["*.example.com"], secretName: "wildcard" }];
        expectNoViolation(await runPolicy(POLICY, "production", rs));
        assert.ok(tlsCovers("*.example.com", "api.example.com"));
        assert.ok(!tlsCovers("*.example.com", "a.b.example.com"));
        assert.ok(!tlsCovers("*.example.com", "example.com"));
    });

    it("rejects a rule without a host", async () => {
        const rs = k8sStack("production");
        const ing = find(rs, T.ingress, "production-web");
        delete at(ing.props, "spec", "rules", 0).host;
        expectViolation(await runPolicy(POLICY, "production", rs), POLICY, ing, "a rule without a host");
    });

    it("skips Ingress classes configured as internal", async () => {
        const rs = k8sStack("production");
        delete at(find(rs, T.ingress, "production-web").props, "spec").tls;
        at(find(rs, T.ingress, "production-web").props, "spec").ingressClassName = "internal-nginx";
        expectNoViolation(await runPolicy(POLICY, "production", rs, { config: configWith("production", POLICY, { internalIngressClasses: ["internal-nginx"] }) }));
    });
});
