import * as assert from "assert";
import { fingerprint } from "../../policies/policies";
import { checkNoSharedCredentials } from "../../policies/rules/no-shared-credentials";
import { plainProps } from "../../policies/lib/unknown";
import { T, at, dockerStack, find, k8sStack, valuesFor } from "./fixtures";
import { configWith, expectNoViolation, expectViolation, runPolicy } from "./expect";
import { describeReported, previewSkipsOf, urnFor, violationsOf } from "./harness";

const POLICY = "no-shared-credentials";
const prod = () => k8sStack("production");
const review = () => dockerStack("review");

function keepers(r: { props: Record<string, unknown> }): Record<string, string> {
    return r.props.keepers as Record<string, string>;
}

describe(POLICY, () => {
    it("accepts one credential per service in both platforms", async () => {
        expectNoViolation(await runPolicy(POLICY, "production", prod()));
        expectNoViolation(await runPolicy(POLICY, "staging", k8sStack("staging")));
        expectNoViolation(await runPolicy(POLICY, "review", review()));
        expectNoViolation(await runPolicy(POLICY, "local", dockerStack("local")));
    });

    describe("owner keepers", () => {
        for (const keeper of ["webstack.dev/service", "webstack.dev/environment", "webstack.dev/stack", "webstack.dev/credential"]) {
            it(`rejects a RandomPassword without ${keeper}`, async () => {
                const rs = review();
                const rp = find(rs, T.randomPassword, "pr-1-api-db-b");
                delete keepers(rp)[keeper];
                expectViolation(await runPolicy(POLICY, "review", rs), POLICY, rp, `has no keeper ${keeper}`, "Credential component");
            });
        }

        it("rejects a credential issued for staging used in production", async () => {
            const rs = prod();
            const rp = find(rs, T.randomPassword, "production-api-db-a");
            keepers(rp)["webstack.dev/environment"] = "staging";
            expectViolation(await runPolicy(POLICY, "production", rs), POLICY, rp, "issued for environment \"staging\"", "deployed in environment \"production\"", "issue a new credential for \"production\"");
        });

        it("rejects a credential issued for another stack", async () => {
            const rs = review();
            const rp = find(rs, T.randomPassword, "pr-1-worker-cache-b");
            keepers(rp)["webstack.dev/stack"] = "pr-2";
            expectViolation(await runPolicy(POLICY, "review", rs), POLICY, rp, "issued for stack \"pr-2\"", "belongs to stack \"pr-1\"");
        });

        it("rejects one credential name issued to two services", async () => {
            const rs = prod();
            for (const slot of ["a", "b"]) {
                keepers(find(rs, T.randomPassword, `production-worker-db-${slot}`))["webstack.dev/credential"] = "api-db";
            }
            const reported = await runPolicy(POLICY, "production", rs);
            expectViolation(reported, POLICY, find(rs, T.randomPassword, "production-api-db-a"), "credential \"api-db\" is issued to several services", "\"api\"", "\"worker\"");
        });

        it("requires the environment in the policy config", async () => {
            const reported = await runPolicy(POLICY, "production", prod(), { config: configWith("production", POLICY, { environment: "" }) });
            const stackLevel = violationsOf(reported).filter((v) => v.message.startsWith("stack: "));
            assert.strictEqual(stackLevel.length, 1, describeReported(reported));
            assert.match(stackLevel[0].message, /names no environment.*Fix: .*policies\/config\/<environment>\.json/);
        });
    });

    describe("sharing between services", () => {
        it("rejects the api's database password given to the worker (Docker)", async () => {
            const rs = review();
            const worker = find(rs, T.container, "pr-1-worker");
            const apiDb = valuesFor("pr-1", "api-db").current;
            (worker.props.envs as string[])[1] = `WORKER__DATABASE_URL=postgres://worker:${apiDb}@db:5432/app`;
            expectViolation(await runPolicy(POLICY, "review", rs), POLICY, worker, "env WORKER__DATABASE_URL of service \"worker\" carries credential \"api-db\" issued to service \"api\"", "one Credential per service");
        });

        it("rejects the same literal password in two services and flags both as literals (Docker)", async () => {
            const rs = review();
            const api = find(rs, T.container, "pr-1-api");
            const worker = find(rs, T.container, "pr-1-worker");
            (api.props.envs as string[]).push("API__SMTP_PASSWORD=correct-horse-battery");
            (worker.props.envs as string[]).push("WORKER__SMTP_PASSWORD=correct-horse-battery");
            const reported = await runPolicy(POLICY, "review", rs);
            expectViolation(reported, POLICY, api, "env API__SMTP_PASSWORD", "also used by service \"worker\"");
            expectViolation(reported, POLICY, worker, "env WORKER__SMTP_PASSWORD", "also used by service \"api\"");
            expectViolation(reported, POLICY, api, "env API__SMTP_PASSWORD holds a literal credential");
        });

        it("rejects a Secret read by pods of two services (Kubernetes)", async () => {
            const rs = prod();
            const worker = find(rs, T.deployment, "production-worker");
            at(worker.props, "spec", "template", "spec", "containers", 0).envFrom = [{ secretRef: { name: "api-credentials" } }];
            expectViolation(await runPolicy(POLICY, "production", rs), POLICY, find(rs, T.secret, "production-api"), "read by pods of several services", "service \"api\"", "service \"worker\"");
        });

        it("rejects a Secret mounted as a volume by another service", async () => {
            const rs = prod();
            const worker = find(rs, T.deployment, "production-worker");
            at(worker.props, "spec", "template", "spec", "volumes").push({ name: "creds", secret: { secretName: "api-credentials" } });
            expectViolation(await runPolicy(POLICY, "production", rs), POLICY, find(rs, T.secret, "production-api"), "read by pods of several services");
        });

        it("rejects a service reading another service's Secret", async () => {
            const rs = prod();
            const worker = find(rs, T.deployment, "production-worker");
            for (const e of at(worker.props, "spec", "template", "spec", "containers", 0, "env")) {
                if (e.valueFrom) {
                    e.valueFrom.secretKeyRef.name = "api-credentials";
                }
            }
            const api = find(rs, T.deployment, "production-api");
            const apiEnv = at(api.props, "spec", "template", "spec", "containers", 0);
            apiEnv.env = apiEnv.env.filter((e: { valueFrom?: unknown }) => e.valueFrom === undefined);
            expectViolation(await runPolicy(POLICY, "production", rs), POLICY, find(rs, T.secret, "production-api"), "labelled webstack.dev/service=\"api\" but read by pods of service \"worker\"");
        });

        it("rejects the same password in the Secrets of two services (Kubernetes)", async () => {
            const rs = prod();
            const workerSecret = find(rs, T.secret, "production-worker");
            at(workerSecret.props, "stringData").WORKER__DATABASE_URL = `postgres://worker:${valuesFor("production", "api-db").current}@db:5432/app`;
            expectViolation(await runPolicy(POLICY, "production", rs), POLICY, workerSecret, "key WORKER__DATABASE_URL", "credential \"api-db\" issued to service \"api\"");
        });

        it("lets the database, cache and access job hold the credentials they verify", async () => {
            // The happy stacks give db-access (component access) the api and worker passwords.
            expectNoViolation(await runPolicy(POLICY, "production", prod()));
            const rs = review();
            const access = find(rs, T.container, "pr-1-db-access");
            assert.ok((access.props.envs as string[]).some((e) => e.includes(valuesFor("pr-1", "api-db").current)));
            expectNoViolation(await runPolicy(POLICY, "review", rs));
        });

        it("counts a backup job as a user: it needs its own credential", async () => {
            const rs = review();
            const backup = JSON.parse(JSON.stringify(find(rs, T.container, "pr-1-db-access")));
            backup.name = "pr-1-db-backup";
            backup.props.labels = backup.props.labels.map((l: { label: string; value: string }) =>
                l.label === "app.kubernetes.io/component" ? { ...l, value: "backup" } : l.label === "app.kubernetes.io/name" ? { ...l, value: "db-backup" } : l);
            backup.props.envs = [`PGPASSWORD=${valuesFor("pr-1", "db-admin").current}`];
            rs.push(backup);
            expectViolation(await runPolicy(POLICY, "review", rs), POLICY, backup, "credential \"db-admin\" issued to service \"db\"");
        });
    });

    describe("literal credentials", () => {
        it("rejects a credential as a plain env value in a pod spec", async () => {
            const rs = prod();
            const api = find(rs, T.deployment, "production-api");
            at(api.props, "spec", "template", "spec", "containers", 0, "env").push({ name: "API__STRIPE_API_KEY", value: "sk_live_abcdef0123456789" });
            expectViolation(await runPolicy(POLICY, "production", rs), POLICY, api, "env API__STRIPE_API_KEY of container \"api\" holds a credential as a plain value", "valueFrom.secretKeyRef");
        });

        it("rejects a DATABASE_URL with an inline password in a pod spec, but not one without", async () => {
            const rs = prod();
            const worker = find(rs, T.deployment, "production-worker");
            const env = at(worker.props, "spec", "template", "spec", "containers", 0, "env");
            env.push({ name: "WORKER__REPORTING_DATABASE_URL", value: "postgres://reporting@db:5432/app" });
            expectNoViolation(await runPolicy(POLICY, "production", rs));
            env.push({ name: "WORKER__ARCHIVE_DATABASE_URL", value: "postgres://archive:letmein99@db:5432/app" });
            expectViolation(await runPolicy(POLICY, "production", rs), POLICY, worker, "WORKER__ARCHIVE_DATABASE_URL");
        });

        it("rejects a literal password in a Docker env that no credential generated", async () => {
            const rs = review();
            const db = find(rs, T.container, "pr-1-db");
            db.props.envs = ["POSTGRES_PASSWORD=postgres"];
            expectViolation(await runPolicy(POLICY, "review", rs), POLICY, db, "env POSTGRES_PASSWORD holds a literal credential", "Credential");
        });

        it("does not treat names that only mention a secret as credentials", async () => {
            const rs = review();
            (find(rs, T.container, "pr-1-api").props.envs as string[]).push("API__JWT_SIGNING_KID=api-jwt-g5", "API__PASSWORD_FILE=/run/secrets/pw", "API__TOKEN_TTL=3600");
            expectNoViolation(await runPolicy(POLICY, "review", rs));
        });
    });

    describe("cross-environment fingerprints", () => {
        it("rejects a generated value whose fingerprint belongs to another environment", async () => {
            const rs = prod();
            const value = valuesFor("production", "api-db").current;
            const config = configWith("production", POLICY, { foreignFingerprints: [fingerprint(value)] });
            const reported = await runPolicy(POLICY, "production", rs, { config });
            expectViolation(reported, POLICY, find(rs, T.randomPassword, "production-api-db-b"), "fingerprint of a credential that belongs to another environment");
            expectViolation(reported, POLICY, find(rs, T.secret, "production-api"), "key API__DATABASE_URL carries a credential whose fingerprint belongs to another environment");
        });

        it("rejects a staging value pasted into production (Docker env, upper-case fingerprint)", async () => {
            const rs = dockerStack("review");
            const staging = valuesFor("staging", "api-cache").current;
            const api = find(rs, T.container, "pr-1-api");
            (api.props.envs as string[]).push(`API__PARTNER_TOKEN=${staging}`);
            const config = configWith("review", POLICY, { foreignFingerprints: [fingerprint(staging).toUpperCase()] });
            expectViolation(await runPolicy(POLICY, "review", rs, { config }), POLICY, api, "env API__PARTNER_TOKEN carries a credential whose fingerprint belongs to another environment");
        });

        it("fingerprint is the SHA-256 hex of the UTF-8 value", () => {
            assert.strictEqual(fingerprint("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        });
    });

    it("exposes a pure check over plain resources", () => {
        const rs = review();
        keepers(find(rs, T.randomPassword, "pr-1-api-db-a"))["webstack.dev/environment"] = "production";
        const plain = rs.map((r) => ({ ...r, urn: urnFor("pr-1", r.type, r.name), props: plainProps(r.props) }));
        const findings = checkNoSharedCredentials(plain, { environment: "review" });
        assert.strictEqual(findings.length, 1);
        assert.match(findings[0].message, /RandomPassword "pr-1-api-db-a": was issued for environment "production"/);
    });
});

describe("fingerprints tool", () => {
    it("fingerprints every RandomPassword result of a stack export, secret or plain, without printing values", async () => {
        const { fingerprintsOfExport } = await import("../../policies/tools/fingerprints");
        const exported = {
            deployment: {
                resources: [
                    { type: "random:index/randomPassword:RandomPassword", outputs: { result: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", plaintext: "\"abc\"" } } },
                    { type: "random:index/randomPassword:RandomPassword", outputs: { result: "def" } },
                    { type: "random:index/randomPassword:RandomPassword", outputs: { result: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:xyz" } } },
                    { type: "kubernetes:core/v1:Secret", outputs: { stringData: { a: "abc" } } },
                ],
            },
        };
        assert.deepStrictEqual(fingerprintsOfExport(exported), [fingerprint("abc"), fingerprint("def")].sort());
        assert.deepStrictEqual(fingerprintsOfExport({}), []);
    });
});

describe(`${POLICY} with inputs-only resources`, () => {
    it("does not call a Docker env value a literal when RandomPassword results are absent, nor pass it", async () => {
        const rs = review();
        for (const rp of rs.filter((r) => r.type === T.randomPassword)) {
            delete rp.props.result;
        }
        const reported = await runPolicy(POLICY, "review", rs);
        assert.strictEqual(violationsOf(reported).length, 0, describeReported(reported));
        assert.match(previewSkipsOf(reported)[0]?.message ?? "", /string value at \.result can't be known during preview/, describeReported(reported));
    });
});
