import { fingerprint } from "../../../policies/policies";
import { T, at, dockerStack, find, isoDaysAgo, k8sStack, valuesFor } from "../fixtures";
import { BadStack, broken } from "./types";

const keepers = (r: { props: Record<string, unknown> }) => r.props.keepers as Record<string, string>;

export const credentialBadStacks: BadStack[] = [
    broken({ name: "shared-password-api-worker", why: "the worker connects with the api's database password", environment: "review", stack: "pr-1", from: dockerStack("review"), expectedPolicy: "no-shared-credentials", expectedMessage: "carries credential \"api-db\" issued to service \"api\"" }, (rs) => {
        const worker = find(rs, T.container, "pr-1-worker");
        worker.props.envs = (worker.props.envs as string[]).map((e) => e.startsWith("WORKER__DATABASE_URL=")
            ? `WORKER__DATABASE_URL=postgres://worker:${valuesFor("pr-1", "api-db").current}@db:5432/app` : e);
    }),
    broken({ name: "staging-credential-in-production", why: "production's api-db credential was issued for staging (keepers say so)", environment: "production", stack: "production", from: k8sStack("production"), expectedPolicy: "no-shared-credentials", expectedMessage: "issued for environment \"staging\"" }, (rs) => {
        for (const slot of ["a", "b"]) {
            const k = keepers(find(rs, T.randomPassword, `production-api-db-${slot}`));
            k["webstack.dev/environment"] = "staging";
            k["webstack.dev/stack"] = "staging";
        }
    }),
    broken({
        name: "staging-value-pasted-into-production",
        why: "production's api Secret carries staging's database password, known by its fingerprint",
        environment: "production", stack: "production", from: k8sStack("production"), expectedPolicy: "no-shared-credentials", expectedMessage: "fingerprint belongs to another environment",
        configOverrides: { "no-shared-credentials": { foreignFingerprints: [fingerprint(valuesFor("staging", "api-db").current)] } },
    }, (rs) => {
        at(find(rs, T.secret, "production-api").props, "stringData").API__DATABASE_URL = `postgres://api:${valuesFor("staging", "api-db").current}@db:5432/app`;
    }),
    broken({ name: "secret-read-by-two-services", why: "the worker reads the api's Secret", environment: "production", stack: "production", from: k8sStack("production"), expectedPolicy: "no-shared-credentials" }, (rs) => {
        at(find(rs, T.deployment, "production-worker").props, "spec", "template", "spec", "containers", 0).envFrom = [{ secretRef: { name: "api-credentials" } }];
    }),
    broken({ name: "plaintext-credential-in-pod-spec", why: "a token sits as a plain env value in the api Deployment", environment: "staging", stack: "staging", from: k8sStack("staging"), expectedPolicy: "no-shared-credentials" }, (rs) => {
        at(find(rs, T.deployment, "staging-api").props, "spec", "template", "spec", "containers", 0, "env").push({ name: "API__GITHUB_TOKEN", value: "ghp_0123456789abcdefghij" });
    }),
    broken({ name: "literal-docker-password", why: "the database container gets POSTGRES_PASSWORD=postgres", environment: "review", stack: "pr-1", from: dockerStack("review"), expectedPolicy: "no-shared-credentials", expectedMessage: "literal credential" }, (rs) => {
        const db = find(rs, T.container, "pr-1-db");
        db.props.envs = (db.props.envs as string[]).map((e) => e.startsWith("POSTGRES_PASSWORD=") ? "POSTGRES_PASSWORD=postgres" : e);
    }),
    broken({ name: "secret-without-rotation-keepers", why: "a RandomPassword carries only owner keepers", environment: "production", stack: "production", from: k8sStack("production"), expectedPolicy: "rotating-secrets" }, (rs) => {
        const k = keepers(find(rs, T.randomPassword, "production-worker-cache-a"));
        for (const key of ["webstack.dev/rotation-period-days", "webstack.dev/issued-at", "webstack.dev/generation", "webstack.dev/slot"]) {
            delete k[key];
        }
    }),
    broken({ name: "stale-credential", why: "the current api-db value was issued 120 days ago", environment: "staging", stack: "staging", from: k8sStack("staging"), expectedPolicy: "rotating-secrets" }, (rs) => {
        keepers(find(rs, T.randomPassword, "staging-api-db-b"))["webstack.dev/issued-at"] = isoDaysAgo(120);
    }),
    broken({ name: "no-rotation-window", why: "the db-admin credential has only one slot", environment: "review", stack: "pr-1", from: dockerStack("review"), expectedPolicy: "rotating-secrets" }, (rs) => {
        rs.splice(rs.indexOf(find(rs, T.randomPassword, "pr-1-db-admin-a")), 1);
    }),
];
