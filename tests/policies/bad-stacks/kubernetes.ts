import { T, at, find, k8sStack } from "../fixtures";
import { BadStack, broken } from "./types";

const production = () => k8sStack("production");
const staging = () => k8sStack("staging");

export const kubernetesBadStacks: BadStack[] = [
    broken({ name: "public-db-loadbalancer", why: "the database Service has type LoadBalancer", environment: "production", stack: "production", from: production(), expectedPolicy: "no-public-database" }, (rs) => {
        at(find(rs, T.service, "production-db").props, "spec").type = "LoadBalancer";
    }),
    broken({ name: "ingress-to-database", why: "an Ingress path routes to the database Service", environment: "staging", stack: "staging", from: staging(), expectedPolicy: "no-public-database" }, (rs) => {
        at(find(rs, T.ingress, "staging-api").props, "spec", "rules", 0, "http", "paths").push({ path: "/db", pathType: "Prefix", backend: { service: { name: "db", port: { number: 5432 } } } });
    }),
    broken({ name: "db-without-network-policy", why: "no NetworkPolicy isolates the database pods", environment: "production", stack: "production", from: production(), expectedPolicy: "no-public-database" }, (rs) => {
        rs.splice(rs.indexOf(find(rs, T.networkPolicy, "production-db-clients")), 1);
        rs.splice(rs.indexOf(find(rs, T.networkPolicy, "production-default-deny")), 1);
    }),
    broken({ name: "network-policy-allow-all", why: "the database NetworkPolicy has an ingress rule without from", environment: "production", stack: "production", from: production(), expectedPolicy: "no-public-database" }, (rs) => {
        at(find(rs, T.networkPolicy, "production-db-clients").props, "spec").ingress = [{}];
    }),
    broken({ name: "latest-image-in-production", why: "the api runs ghcr.io/acme/webstack-app:latest", environment: "production", stack: "production", from: production(), expectedPolicy: "pinned-images" }, (rs) => {
        at(find(rs, T.deployment, "production-api").props, "spec", "template", "spec", "containers", 0).image = "ghcr.io/acme/webstack-app:latest";
    }),
    broken({ name: "ingress-without-tls", why: "the web Ingress has no spec.tls", environment: "production", stack: "production", from: production(), expectedPolicy: "ingress-tls" }, (rs) => {
        delete at(find(rs, T.ingress, "production-web").props, "spec").tls;
    }),
    broken({ name: "missing-probes", why: "the worker has neither liveness nor readiness probe", environment: "staging", stack: "staging", from: staging(), expectedPolicy: "health-probes" }, (rs) => {
        const c = at(find(rs, T.deployment, "staging-worker").props, "spec", "template", "spec", "containers", 0);
        delete c.livenessProbe;
        delete c.readinessProbe;
    }),
    broken({ name: "missing-resource-limits", why: "the web container has no resources", environment: "production", stack: "production", from: production(), expectedPolicy: "resource-limits" }, (rs) => {
        delete at(find(rs, T.deployment, "production-web").props, "spec", "template", "spec", "containers", 0).resources;
    }),
    broken({ name: "root-pod", why: "the api pod runs as uid 0 with privilege escalation allowed", environment: "production", stack: "production", from: production(), expectedPolicy: "non-root-containers" }, (rs) => {
        const spec = at(find(rs, T.deployment, "production-api").props, "spec", "template", "spec");
        spec.securityContext = { runAsUser: 0 };
        spec.containers[0].securityContext = {};
    }),
    broken({ name: "single-replica-in-production", why: "the worker runs one replica without a PodDisruptionBudget", environment: "production", stack: "production", from: production(), expectedPolicy: "replicas-and-disruption-budgets" }, (rs) => {
        at(find(rs, T.deployment, "production-worker").props, "spec").replicas = 1;
        rs.splice(rs.indexOf(find(rs, T.pdb, "production-worker")), 1);
    }),
    broken({ name: "cors-wildcard-in-production", why: "API__CORS_ORIGINS is \"*\"", environment: "production", stack: "production", from: production(), expectedPolicy: "cors-allowlist" }, (rs) => {
        at(find(rs, T.deployment, "production-api").props, "spec", "template", "spec", "containers", 0, "env").find((e: { name: string }) => e.name === "API__CORS_ORIGINS").value = "*";
    }),
    broken({ name: "debug-log-in-production", why: "API__LOG_LEVEL is debug", environment: "production", stack: "production", from: production(), expectedPolicy: "no-debug-logging" }, (rs) => {
        at(find(rs, T.deployment, "production-api").props, "spec", "template", "spec", "containers", 0, "env").find((e: { name: string }) => e.name === "API__LOG_LEVEL").value = "debug";
    }),
    broken({ name: "secret-in-configmap", why: "the api ConfigMap holds the database URL with its password", environment: "production", stack: "production", from: production(), expectedPolicy: "no-secrets-in-configmaps" }, (rs) => {
        at(find(rs, T.configMap, "production-api-settings").props, "data").API__DATABASE_URL = "postgres://api:Sup3rS3cret@db:5432/app";
    }),
    broken({ name: "unlabelled-database", why: "the database StatefulSet carries no component label", environment: "staging", stack: "staging", from: staging(), expectedPolicy: "required-labels" }, (rs) => {
        const db = find(rs, T.statefulSet, "staging-db");
        delete at(db.props, "metadata", "labels")["app.kubernetes.io/component"];
        delete at(db.props, "spec", "template", "metadata", "labels")["app.kubernetes.io/component"];
    }),
];
