/**
 * Every component alone under mocks, on Docker (local settings) and on
 * Kubernetes (staging settings): what it registers with the happy-path
 * arguments, and for each invalid argument the error it throws (naming the
 * argument) with nothing registered by the component before it threw.
 */
import * as util from "util";
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import {
    ApiService, ApiServiceArgs, Worker, WorkerArgs, ManagedDb, ManagedDbArgs, Cache, CacheArgs, StaticSite, StaticSiteArgs,
    Credential, CredentialArgs, DbConnection, CacheConnection,
    validateApiServiceArgs, validateWorkerArgs, validateDbArgs, validateCacheArgs, validateStaticSiteArgs,
} from "../../components";
import { DockerPlatform, KubernetesPlatform, Platform } from "../../platform";
import { Settings, ServiceSettings } from "../../config";
import { startMocks, settingsOf, Harness, MockSession, Registration } from "../support/mocks";
import { isSecretValue, valueOf } from "../support/program";
import { T, dockerEnv, dockerLabels, k8sEnv, mainContainer, podLabels, looksGenerated, sensitiveElementsAreSecret, sensitiveValuesAreSecret } from "../support/inspect";

const LOCAL = (): Settings => settingsOf("Pulumi.local.yaml", "local");
const STAGING = (): Settings => settingsOf("Pulumi.staging.yaml", "staging");

function service(settings: Settings, name: string): ServiceSettings {
    const s = settings.services.find((x) => x.name === name);
    if (!s) {
        throw new Error(`no service ${name}`);
    }
    return s;
}

const dbConn = (client: string): DbConnection => ({
    url: pulumi.secret(pulumi.output(`postgresql://${client}_b:current-pw@db:5432/app`)),
    urlPrevious: pulumi.secret(pulumi.output(`postgresql://${client}_a:previous-pw@db:5432/app`)),
    generation: 11,
});
const cacheConn = (client: string): CacheConnection => ({
    url: pulumi.secret(pulumi.output(`redis://${client}:current-pw@cache:6379/0`)),
    urlPrevious: pulumi.secret(pulumi.output(`redis://${client}:previous-pw@cache:6379/0`)),
    generation: 11,
});

interface Built<C> {
    session: MockSession;
    platform: Platform;
    component: C;
    /** Registration of the component itself. */
    self: Registration;
    /** Everything registered under the component. */
    children: Registration[];
    child(type: string, name: string): Registration;
}

function platformFor(settings: Settings, parent: pulumi.Resource): Platform {
    return settings.target === "docker"
        ? new DockerPlatform(settings, { edgeImage: settings.docker.edgeImage }, parent)
        : new KubernetesPlatform(settings, parent);
}

/** Builds one component under fresh mocks and collects what it registered. */
async function build<C extends pulumi.ComponentResource>(settings: Settings, type: string, make: (platform: Platform, parent: Harness) => C): Promise<Built<C>> {
    const session = await startMocks(settings.stack);
    const harness = new Harness();
    const platform = platformFor(settings, harness);
    const component = make(platform, harness);
    await session.settle();
    const selves = session.ofType(type);
    expect(selves, `${type} registrations`).to.have.length(1);
    const self = selves[0];
    const children = session.descendantsOf(self.urn);
    return {
        session, platform, component, self, children,
        child(t: string, name: string): Registration {
            const found = children.filter((r) => r.type === t && r.name === name);
            expect(found, `${t} ${name} under ${type} (have ${children.map((r) => `${r.type} ${r.name}`).join(", ")})`).to.have.length(1);
            return found[0];
        },
    };
}

/**
 * Builds a component that must refuse its arguments: the error is an
 * InputPropertyError for `path`, and the component registered nothing (no
 * child, and no resource beyond the harness, the platform's own objects and
 * the component's own registration).
 */
async function expectRefused(settings: Settings, type: string, path: string, make: (platform: Platform, parent: Harness) => unknown): Promise<pulumi.InputPropertyError> {
    const session = await startMocks(settings.stack);
    const harness = new Harness();
    const platform = platformFor(settings, harness);
    await session.settle();
    const before = session.resources.map((r) => r.urn);
    let thrown: unknown;
    try {
        make(platform, harness);
    } catch (e) {
        thrown = e;
    }
    await session.settle();
    expect(thrown, "expected the constructor to throw").to.be.instanceOf(Error);
    expect(pulumi.InputPropertyError.isInstance(thrown), `InputPropertyError, got ${util.inspect(thrown)}`).to.equal(true);
    const err = thrown as pulumi.InputPropertyError;
    expect(err.propertyPath).to.equal(path);
    expect(err.reason).to.be.a("string").and.have.length.greaterThan(5);
    // What the Pulumi CLI prints for it (util.inspect) names the argument.
    expect(util.inspect(err)).to.include(path);
    const added = session.resources.filter((r) => !before.includes(r.urn));
    expect(added.filter((r) => r.type !== type).map((r) => `${r.type} ${r.name}`), "registered after the component started").to.deep.equal([]);
    for (const self of added) {
        expect(session.descendantsOf(self.urn).map((r) => r.name), "children of the refused component").to.deep.equal([]);
    }
    expect(session.resources.filter((r) => r.parentType === type).map((r) => r.name)).to.deep.equal([]);
    return err;
}

function passwordsOf(b: Built<unknown & pulumi.ComponentResource>): Registration[] {
    return b.children.filter((r) => r.type === T.password);
}

function credentialNames(b: Built<unknown & pulumi.ComponentResource>): string[] {
    return [...new Set(passwordsOf(b).map((r) => r.props.keepers["webstack.dev/credential"] as string))].sort();
}

describe("components", () => {
    describe("Credential", () => {
        it("registers two RandomPasswords (slots a and b) with the rotation keepers", async () => {
            const settings = LOCAL();
            const b = await build(settings, T.credential, (_p, parent) => new Credential("api-db", { service: "api", purpose: "db", settings }, { parent }));
            expect(b.children.map((r) => `${r.type} ${r.name}`).sort()).to.deep.equal([`${T.password} api-db-a`, `${T.password} api-db-b`]);
            for (const r of b.children) {
                const slot = r.name.slice(-1);
                const state = slot === settings.rotation.current.slot ? settings.rotation.current : settings.rotation.previous;
                expect(r.props).to.deep.include({ length: 32, special: false });
                expect(r.props.keepers).to.deep.equal({
                    "webstack.dev/credential": "api-db",
                    "webstack.dev/service": "api",
                    "webstack.dev/environment": "local",
                    "webstack.dev/stack": "local",
                    "webstack.dev/slot": slot,
                    "webstack.dev/generation": String(state.generation),
                    "webstack.dev/rotation-period-days": "30",
                    "webstack.dev/issued-at": state.issuedAt,
                });
            }
        });

        it("exposes the current and previous values as secrets, and kids by generation", async () => {
            const settings = LOCAL();
            const b = await build(settings, T.credential, (_p, parent) => new Credential("api-jwt", { service: "api", purpose: "jwt", settings, length: 64 }, { parent }));
            const c = b.component;
            expect(await pulumi.isSecret(c.current)).to.equal(true);
            expect(await pulumi.isSecret(c.previous)).to.equal(true);
            expect(await valueOf(c.current)).to.match(new RegExp(`^mock-api-jwt-${settings.rotation.current.slot}-`));
            expect(await valueOf(c.previous)).to.match(new RegExp(`^mock-api-jwt-${settings.rotation.previous.slot}-`));
            expect((await valueOf(c.current)).length).to.equal(64);
            expect(c.credentialName).to.equal("api-jwt");
            expect(c.currentSlot).to.deep.equal(settings.rotation.current);
            expect(c.previousSlot).to.deep.equal(settings.rotation.previous);
            expect(c.kid(c.currentSlot)).to.equal(`api-jwt-g${settings.rotation.generation}`);
            expect(c.kid(c.previousSlot)).to.equal(`api-jwt-g${settings.rotation.generation - 1}`);
            for (const r of passwordsOf(b)) {
                expect(r.props.length).to.equal(64);
            }
        });

        for (const bad of ["Api", "", "1api", "api_db", "api db"]) {
            it(`refuses service ${JSON.stringify(bad)}`, async () => {
                const settings = LOCAL();
                await expectRefused(settings, T.credential, "service", (_p, parent) => new Credential("x", { service: bad, purpose: "db", settings }, { parent }));
            });
        }

        for (const length of [8, 15, 257, 20.5]) {
            it(`refuses length ${length}`, async () => {
                const settings = LOCAL();
                const err = await expectRefused(settings, T.credential, "length", (_p, parent) => new Credential("x", { service: "api", purpose: "db", settings, length } as CredentialArgs, { parent }));
                expect(err.reason).to.include(String(length));
            });
        }
    });

    describe("ApiService", () => {
        const args = (settings: Settings, platform: Platform, over: Partial<ApiServiceArgs> = {}): ApiServiceArgs => ({
            platform, settings, service: service(settings, "api"),
            db: dbConn("api"), migrationDb: dbConn("api_migrate"), cache: cacheConn("api"),
            dbReady: pulumi.output("db-ready"), cacheReady: pulumi.output("cache-ready"),
            ...over,
        });

        describe("on Docker", () => {
            let b: Built<ApiService>;
            before(async () => {
                const settings = LOCAL();
                b = await build(settings, T.apiService, (platform, parent) => new ApiService("api", args(settings, platform), { parent }));
            });

            it("registers the jwt credential, the image, the migration container and the api container", () => {
                expect(b.self.parentType).to.equal("test:index:Harness");
                expect(b.children.map((r) => `${r.type} ${r.name}`).sort()).to.deep.equal([
                    `${T.container} local-api`, `${T.container} local-api-migrate`, `${T.remoteImage} local-image-webstack-app-dev`,
                    `${T.credential} api-jwt`, `${T.password} api-jwt-a`, `${T.password} api-jwt-b`,
                ].sort());
                expect(credentialNames(b)).to.deep.equal(["api-jwt"]);
            });

            it("makes the api container depend on the migration container", () => {
                const migrate = b.child(T.container, "local-api-migrate");
                const api = b.child(T.container, "local-api");
                expect(api.dependencies).to.include(migrate.urn);
                expect(b.component.migration).to.not.equal(undefined);
            });

            it("waits for db and cache access and the migration before serving", () => {
                const env = dockerEnv(b.child(T.container, "local-api"));
                expect(env.API__STARTUP_GATE).to.equal("db-ready,cache-ready,webstack/app:dev-g11");
                expect(dockerEnv(b.child(T.container, "local-api-migrate")).MIGRATE__STARTUP_GATE).to.equal("db-ready,cache-ready");
            });

            it("delivers connections and JWT keys as secret env, with the contract's names", () => {
                const api = b.child(T.container, "local-api");
                expect(isSecretValue(api.inputs.envs)).to.equal(true);
                const env = dockerEnv(api);
                expect(env.API__DATABASE_URL).to.equal("postgresql://api_b:current-pw@db:5432/app");
                expect(env.API__DATABASE_URL_PREVIOUS).to.equal("postgresql://api_a:previous-pw@db:5432/app");
                expect(env.API__REDIS_URL).to.equal("redis://api:current-pw@cache:6379/0");
                expect(env.API__JWT_SIGNING_KID).to.equal("api-jwt-g11");
                expect(JSON.parse(env.API__JWT_VERIFY_KEYS)).to.have.all.keys("api-jwt-g11", "api-jwt-g10");
                expect(env.API__BASE_URL).to.equal("http://localhost:8000");
                expect(env.API__CORS_ORIGINS).to.equal("http://localhost:8080");
                const migrate = dockerEnv(b.child(T.container, "local-api-migrate"));
                expect(Object.keys(migrate).sort()).to.deep.equal(["APP_VERSION", "BUILD_DATE", "GIT_SHA", "MIGRATE__DATABASE_URL", "MIGRATE__STARTUP_GATE"]);
                expect(migrate.MIGRATE__DATABASE_URL).to.equal("postgresql://api_migrate_b:current-pw@db:5432/app");
            });

            it("probes and labels the container, and exposes it through the edge only", async () => {
                const api = b.child(T.container, "local-api");
                expect(api.props.healthcheck.tests).to.deep.equal(["CMD", "node", "dist/healthcheck.js", "http://127.0.0.1:8000/ready"]);
                expect(api.props.ports ?? []).to.deep.equal([]);
                expect(dockerLabels(api)).to.deep.include({ "app.kubernetes.io/component": "api", "webstack.dev/db-client": "true", "webstack.dev/cache-client": "true" });
                expect(await valueOf(b.component.url)).to.equal("http://localhost:8000");
                expect(b.component.internalUrl).to.equal("http://api:8000");
            });
        });

        describe("on Kubernetes", () => {
            let b: Built<ApiService>;
            before(async () => {
                const settings = STAGING();
                b = await build(settings, T.apiService, (platform, parent) => new ApiService("api", args(settings, platform), { parent }));
            });

            it("registers Deployment, Service, Ingress, NetworkPolicy, PDB, Secrets, the migration Job and the jwt credential", () => {
                expect(b.children.map((r) => `${r.type} ${r.name}`).sort()).to.deep.equal([
                    `${T.deployment} staging-api`, `${T.service} staging-api`, `${T.ingress} staging-api`, `${T.networkPolicy} staging-api-ingress`,
                    `${T.pdb} staging-api`, `${T.secret} staging-api`, `${T.secret} staging-api-migrate`, `${T.job} staging-api-migrate`,
                    `${T.credential} api-jwt`, `${T.password} api-jwt-a`, `${T.password} api-jwt-b`,
                ].sort());
            });

            it("makes the Deployment depend on the migration Job", () => {
                const job = b.child(T.job, "staging-api-migrate");
                const deployment = b.child(T.deployment, "staging-api");
                expect(deployment.dependencies).to.include(job.urn);
                expect(b.session.resources.indexOf(deployment)).to.be.greaterThan(b.session.resources.indexOf(job));
                // The migration's revision carries a fingerprint of its credential after "+".
                expect(k8sEnv(mainContainer(deployment)).API__STARTUP_GATE).to.match(/^db-ready,cache-ready,ghcr\.io\/webstack\/app:3f9c2d1a7b4e-g11\+[0-9a-f]{16}$/);
            });

            it("probes /health and /ready and serves TLS on api.<domain>", async () => {
                const c = mainContainer(b.child(T.deployment, "staging-api"));
                expect(c.livenessProbe.httpGet).to.deep.equal({ path: "/health", port: 8000 });
                expect(c.readinessProbe.httpGet).to.deep.equal({ path: "/ready", port: 8000 });
                const ing = b.child(T.ingress, "staging-api");
                expect(ing.props.spec.tls).to.deep.equal([{ hosts: ["api.staging.webstack.example.com"], secretName: "api-tls" }]);
                expect(ing.props.metadata.annotations["cert-manager.io/cluster-issuer"]).to.equal("letsencrypt-staging");
                expect(await valueOf(b.component.url)).to.equal("https://api.staging.webstack.example.com");
            });

            it("keeps credentials in a secret Secret and refers to them from env", () => {
                const secret = b.child(T.secret, "staging-api");
                expect(sensitiveValuesAreSecret(secret.inputs.stringData, () => true)).to.equal(true);
                expect(Object.keys(secret.props.stringData).sort()).to.deep.equal([
                    "API__DATABASE_URL", "API__DATABASE_URL_PREVIOUS", "API__JWT_SIGNING_KEY", "API__JWT_VERIFY_KEYS", "API__REDIS_URL", "API__REDIS_URL_PREVIOUS",
                ]);
                const env = k8sEnv(mainContainer(b.child(T.deployment, "staging-api")));
                expect(env.API__DATABASE_URL).to.equal("secret:staging-api-0000000/API__DATABASE_URL");
                expect(Object.values(env).some(looksGenerated)).to.equal(false);
            });
        });

        it("runs an internal service privately: no Ingress, no jwt, a namespace-only NetworkPolicy", async () => {
            const settings = STAGING();
            const search: ServiceSettings = { ...service(settings, "api"), name: "search", kind: "internal", port: 9200, public: false, jwt: false, migrateCommand: undefined, uses: [], healthPath: undefined, readyPath: undefined };
            const b = await build(settings, T.apiService, (platform, parent) => new ApiService("search", { platform, settings, service: search }, { parent }));
            expect(b.children.map((r) => r.type)).to.not.include(T.ingress);
            expect(b.children.map((r) => r.type)).to.not.include(T.job);
            expect(b.children.map((r) => r.type)).to.not.include(T.credential);
            const policy = b.child(T.networkPolicy, "staging-search-ingress");
            expect(policy.props.spec.ingress[0].from).to.deep.equal([{ podSelector: {} }]);
            const c = mainContainer(b.child(T.deployment, "staging-search"));
            expect(c.livenessProbe.tcpSocket).to.deep.equal({ port: 9200 });
            expect(await valueOf(b.component.url)).to.equal("http://search:9200");
        });

        describe("refuses", () => {
            const cases: [string, string, (s: Settings) => Partial<ApiServiceArgs>][] = [
                ["service.kind", "a worker service", (s) => ({ service: service(s, "worker") })],
                ["service.port", "port 0", (s) => ({ service: { ...service(s, "api"), port: 0 } })],
                ["service.port", "port 65536", (s) => ({ service: { ...service(s, "api"), port: 65536 } })],
                ["service.port", "port 80.5", (s) => ({ service: { ...service(s, "api"), port: 80.5 } })],
                ["db", "no db connection for a db user", () => ({ db: undefined })],
                ["cache", "no cache connection for a cache user", () => ({ cache: undefined })],
                ["migrationDb", "no migration connection for a migrating service", () => ({ migrationDb: undefined })],
            ];
            for (const [path, label, over] of cases) {
                for (const [platformLabel, settingsFn] of [["Docker", LOCAL], ["Kubernetes", STAGING]] as [string, () => Settings][]) {
                    it(`${path}: ${label} on ${platformLabel}`, async () => {
                        const settings = settingsFn();
                        await expectRefused(settings, T.apiService, path, (platform, parent) => new ApiService("api", args(settings, platform, over(settings)), { parent }));
                    });
                }
            }

            it("service.hostPort for a public service on Docker without one", async () => {
                const settings = LOCAL();
                await expectRefused(settings, T.apiService, "service.hostPort", (platform, parent) =>
                    new ApiService("api", args(settings, platform, { service: { ...service(settings, "api"), hostPort: undefined } }), { parent }));
            });

            it("(accepts) a public service without hostPort on Kubernetes", async () => {
                const settings = STAGING();
                const b = await build(settings, T.apiService, (platform, parent) => new ApiService("api", args(settings, platform, { service: { ...service(settings, "api"), hostPort: undefined } }), { parent }));
                expect(b.children.length).to.be.greaterThan(5);
            });
        });
    });

    describe("Worker", () => {
        const args = (settings: Settings, platform: Platform, name: string, over: Partial<WorkerArgs> = {}): WorkerArgs => ({
            platform, settings, service: service(settings, name), db: dbConn(name), cache: cacheConn(name),
            dbReady: pulumi.output("db-ready"), cacheReady: pulumi.output("cache-ready"), ...over,
        });

        it("runs a worker container on Docker after the migration, with its health check and secret env", async () => {
            const settings = LOCAL();
            let migration: random.RandomPassword | undefined;
            const b = await build(settings, T.worker, (platform, parent) => {
                migration = new random.RandomPassword("migration-stand-in", { length: 16 }, { parent });
                return new Worker("worker", args(settings, platform, "worker", { migrated: migration }), { parent });
            });
            expect(b.children.map((r) => `${r.type} ${r.name}`).sort()).to.deep.equal([`${T.container} local-worker`, `${T.remoteImage} local-image-webstack-app-dev`]);
            const c = b.child(T.container, "local-worker");
            const migrationUrn = b.session.get(T.password, "migration-stand-in").urn;
            expect(c.dependencies).to.include(migrationUrn);
            expect(c.props.command).to.deep.equal(["node", "dist/worker.js"]);
            expect(c.props.healthcheck.tests).to.deep.equal(["CMD", "node", "dist/healthcheck.js", "http://127.0.0.1:8081/health"]);
            expect(c.props.ports ?? []).to.deep.equal([]);
            expect((c.props.networksAdvanced as { name: string }[]).map((n) => n.name)).to.deep.equal(["local-private-0000000"]);
            expect(sensitiveElementsAreSecret(c.inputs.envs, (e) => e.includes("current-pw") || e.includes("previous-pw"))).to.equal(true);
            const env = dockerEnv(c);
            expect(env.WORKER__DATABASE_URL).to.equal("postgresql://worker_b:current-pw@db:5432/app");
            expect(env.WORKER__STARTUP_GATE).to.equal("db-ready,cache-ready");
            expect(b.component.mode).to.equal("worker");
        });

        it("runs the scheduler as one replica with its interval, on Kubernetes, with no Service or Ingress", async () => {
            const settings = STAGING();
            const b = await build(settings, T.worker, (platform, parent) => new Worker("scheduler", args(settings, platform, "scheduler"), { parent }));
            expect(b.children.map((r) => `${r.type} ${r.name}`).sort()).to.deep.equal([`${T.deployment} staging-scheduler`, `${T.secret} staging-scheduler`]);
            const d = b.child(T.deployment, "staging-scheduler");
            expect(d.props.spec.replicas).to.equal(1);
            const c = mainContainer(d);
            expect(c.command).to.deep.equal(["node", "dist/worker.js", "--scheduler"]);
            expect(c.ports).to.equal(undefined);
            expect(c.livenessProbe.httpGet).to.deep.equal({ path: "/health", port: 8081 });
            expect(k8sEnv(c).SCHEDULER__SCHEDULE_SECONDS).to.equal("60");
            expect(podLabels(d)).to.deep.include({ "webstack.dev/db-client": "true", "webstack.dev/cache-client": "true", "app.kubernetes.io/component": "scheduler" });
            expect(b.component.mode).to.equal("scheduler");
        });

        it("generates, rotates and delivers extra secrets as <PREFIX>__NAME", async () => {
            const settings = STAGING();
            const worker = { ...service(settings, "worker"), generatedSecrets: ["WEBHOOK_SECRET"] };
            const b = await build(settings, T.worker, (platform, parent) => new Worker("worker", args(settings, platform, "worker", { service: worker }), { parent }));
            expect(credentialNames(b)).to.deep.equal(["worker-webhook-secret"]);
            const secret = b.child(T.secret, "staging-worker");
            expect(secret.props.stringData.WORKER__WEBHOOK_SECRET).to.match(new RegExp(`^mock-worker-webhook-secret-${settings.rotation.current.slot}-`));
            expect(secret.props.stringData.WORKER__WEBHOOK_SECRET_PREVIOUS).to.match(new RegExp(`^mock-worker-webhook-secret-${settings.rotation.previous.slot}-`));
            const d = b.child(T.deployment, "staging-worker");
            expect(d.props.spec.template.metadata.annotations["webstack.dev/revision"]).to.match(/^db11-cache11-webhook_secret11\+[0-9a-f]{16}$/);
            expect(b.child(T.pdb, "staging-worker").props.spec.minAvailable).to.equal(1);
        });

        describe("refuses", () => {
            const cases: [string, string, (s: Settings) => Partial<WorkerArgs>][] = [
                ["service.kind", "an api service", (s) => ({ service: service(s, "api") })],
                ["service.replicas", "a scheduler with 2 replicas", (s) => ({ service: { ...service(s, "scheduler"), replicas: 2 } })],
                ["service.replicas", "a scheduler with 0 replicas", (s) => ({ service: { ...service(s, "scheduler"), replicas: 0 } })],
                ["service.autoscale", "an autoscaling scheduler", (s) => ({ service: { ...service(s, "scheduler"), autoscale: { min: 1, max: 3, cpuPercent: 70 } } })],
                ["db", "no db connection", () => ({ db: undefined })],
                ["cache", "no cache connection", () => ({ cache: undefined })],
            ];
            for (const [path, label, over] of cases) {
                for (const [platformLabel, settingsFn] of [["Docker", LOCAL], ["Kubernetes", STAGING]] as [string, () => Settings][]) {
                    it(`${path}: ${label} on ${platformLabel}`, async () => {
                        const settings = settingsFn();
                        await expectRefused(settings, T.worker, path, (platform, parent) => new Worker("scheduler", args(settings, platform, "scheduler", over(settings)), { parent }));
                    });
                }
            }
        });
    });

    describe("ManagedDb", () => {
        const clients = ["api", "worker", "api-migrate"];
        const args = (settings: Settings, platform: Platform, over: Partial<ManagedDbArgs> = {}): ManagedDbArgs => ({ platform, settings, clients, migrator: "api-migrate", ...over });

        it("runs PostgreSQL as a private container on Docker, with one credential per client and the access job", async () => {
            const settings = LOCAL();
            const b = await build(settings, T.managedDb, (platform, parent) => new ManagedDb("db", args(settings, platform), { parent }));
            expect(credentialNames(b)).to.deep.equal(["api-db", "api-migrate-db", "db-admin", "worker-db"]);
            const db = b.child(T.container, "local-db");
            expect(db.props.ports ?? []).to.deep.equal([]);
            expect((db.props.networksAdvanced as { name: string }[]).map((n) => n.name)).to.deep.equal(["local-private-0000000"]);
            expect(db.props.user).to.equal("postgres");
            expect(db.props.healthcheck.tests).to.deep.equal(["CMD", "pg_isready", "-U", "postgres", "-d", "app"]);
            expect(dockerLabels(db)["app.kubernetes.io/component"]).to.equal("database");
            expect(db.dependencies).to.include(b.child(T.volume, "local-db-data").urn);
            const access = b.child(T.container, "local-db-access");
            expect(access.dependencies).to.include(db.urn);
            expect(isSecretValue(access.inputs.envs)).to.equal(true);
            const env = dockerEnv(access);
            for (const c of ["API", "WORKER", "API_MIGRATE"]) {
                expect(env[`PW_${c}_A`]).to.match(/^mock-db-/);
                expect(env[`PW_${c}_B`]).to.match(/^mock-db-/);
            }
            expect(access.props.command[2]).to.include("GRANT CREATE ON SCHEMA public TO api_migrate;");
            expect(b.children.filter((r) => r.name.includes("backup"))).to.deep.equal([]);
        });

        it("hands each client its own secret connection and refuses undeclared clients", async () => {
            const settings = LOCAL();
            const b = await build(settings, T.managedDb, (platform, parent) => new ManagedDb("db", args(settings, platform), { parent }));
            const api = b.component.connectionFor("api");
            expect(await pulumi.isSecret(api.url)).to.equal(true);
            expect(await pulumi.isSecret(api.urlPrevious)).to.equal(true);
            expect(await valueOf(api.url)).to.match(/^postgresql:\/\/api_b:mock-db-api-b-x*@db:5432\/app$/);
            expect(await valueOf(api.urlPrevious)).to.match(/^postgresql:\/\/api_a:mock-db-api-a-x*@db:5432\/app$/);
            expect(api.generation).to.equal(11);
            expect(await valueOf(b.component.accessApplied)).to.equal("g11-api,worker,api-migrate");
            let err: unknown;
            try {
                b.component.connectionFor("scheduler");
            } catch (e) {
                err = e;
            }
            expect(pulumi.ResourceError.isInstance(err)).to.equal(true);
            expect((err as Error).message).to.include("\"scheduler\" is not a declared database client");
        });

        it("runs a StatefulSet behind a headless Service on Kubernetes, admits only db clients and backs up", async () => {
            const settings = STAGING();
            const b = await build(settings, T.managedDb, (platform, parent) => new ManagedDb("db", args(settings, platform), { parent }));
            expect(b.children.filter((r) => r.type.startsWith("kubernetes:")).map((r) => `${r.type} ${r.name}`).sort()).to.deep.equal([
                `${T.statefulSet} staging-db`, `${T.service} staging-db`, `${T.networkPolicy} staging-db-clients`, `${T.secret} staging-db`,
                `${T.secret} staging-db-access`, `${T.job} staging-db-access`, `${T.secret} staging-db-backup`, `${T.pvc} staging-db-backup`, `${T.cronJob} staging-db-backup`,
            ].sort());
            expect(credentialNames(b)).to.deep.equal(["api-db", "api-migrate-db", "db-admin", "db-backup-db", "worker-db"]);
            expect(b.child(T.service, "staging-db").props.spec.clusterIP).to.equal("None");
            const policy = b.child(T.networkPolicy, "staging-db-clients");
            expect(policy.props.spec.ingress[0].from).to.deep.equal([{ podSelector: { matchLabels: { "webstack.dev/db-client": "true" } } }]);
            const sts = b.child(T.statefulSet, "staging-db");
            expect(mainContainer(sts).livenessProbe.exec.command).to.deep.equal(["pg_isready", "-U", "postgres", "-d", "app"]);
            expect(sts.props.spec.template.spec.securityContext).to.deep.include({ runAsUser: 999, fsGroup: 999, runAsNonRoot: true });
            expect(b.child(T.job, "staging-db-access").dependencies).to.include(sts.urn);
            const cron = b.child(T.cronJob, "staging-db-backup");
            expect(cron.props.spec.schedule).to.equal("30 3 * * *");
            expect(cron.dependencies).to.include(b.child(T.job, "staging-db-access").urn);
        });

        it("manages roles on an external instance without running a server or an admin credential", async () => {
            const settings: Settings = { ...STAGING(), db: { ...STAGING().db, mode: "external", adminUrl: "postgresql://admin:adm1n@pg.example.com:5432/app" } };
            const b = await build(settings, T.managedDb, (platform, parent) => new ManagedDb("db", args(settings, platform), { parent }));
            const types = b.children.map((r) => r.type);
            expect(types).to.not.include(T.statefulSet);
            expect(types).to.not.include(T.service);
            // Its own backups still run, against the managed instance, as the read-only role.
            expect(mainContainer(b.child(T.cronJob, "staging-db-backup")).env.find((e: { name: string }) => e.name === "PGHOST").value).to.equal("pg.example.com");
            expect(credentialNames(b)).to.deep.equal(["api-db", "api-migrate-db", "db-backup-db", "worker-db"]);
            const secret = b.child(T.secret, "staging-db-access");
            expect(sensitiveValuesAreSecret(secret.inputs.stringData, () => true)).to.equal(true);
            expect(secret.props.stringData.ADMIN_URL).to.equal("postgresql://admin:adm1n@pg.example.com:5432/app");
            expect(k8sEnv(mainContainer(b.child(T.job, "staging-db-access"))).DB_HOST).to.equal("external");
            expect(await valueOf(b.component.connectionFor("api").url)).to.match(/^postgresql:\/\/api_b:mock-db-api-b-x*@pg\.example\.com:5432\/app$/);
        });

        describe("refuses", () => {
            it("clients listing a client twice", async () => {
                const settings = LOCAL();
                await expectRefused(settings, T.managedDb, "clients", (platform, parent) => new ManagedDb("db", args(settings, platform, { clients: ["api", "api", "api-migrate"] }), { parent }));
            });
            it("a migrator that is not a client", async () => {
                const settings = STAGING();
                await expectRefused(settings, T.managedDb, "migrator", (platform, parent) => new ManagedDb("db", args(settings, platform, { migrator: "admin-migrate" }), { parent }));
            });
            it("settings.db.image :latest in staging", async () => {
                const settings: Settings = { ...STAGING(), db: { ...STAGING().db, image: "postgres:latest" } };
                const err = await expectRefused(settings, T.managedDb, "settings.db.image", (platform, parent) => new ManagedDb("db", args(settings, platform), { parent }));
                expect(err.reason).to.include("not pinned");
            });
            it("settings.db.image empty on Docker", async () => {
                const settings: Settings = { ...LOCAL(), db: { ...LOCAL().db, image: "" } };
                await expectRefused(settings, T.managedDb, "settings.db.image", (platform, parent) => new ManagedDb("db", args(settings, platform), { parent }));
            });
        });
    });

    describe("Cache", () => {
        const args = (settings: Settings, platform: Platform, over: Partial<CacheArgs> = {}): CacheArgs => ({ platform, settings, clients: ["api", "worker"], ...over });

        it("runs Redis privately on Docker with an ACL user per client", async () => {
            const settings = LOCAL();
            const b = await build(settings, T.cache, (platform, parent) => new Cache("cache", args(settings, platform), { parent }));
            expect(credentialNames(b)).to.deep.equal(["api-cache", "cache-admin", "worker-cache"]);
            const server = b.child(T.container, "local-cache");
            expect(server.props.ports ?? []).to.deep.equal([]);
            expect((server.props.networksAdvanced as { name: string }[]).map((n) => n.name)).to.deep.equal(["local-private-0000000"]);
            expect(server.props.user).to.equal("redis");
            expect(server.props.command[2]).to.include("user default off");
            expect(server.props.command[2]).to.include("--appendonly no");
            expect(server.props.healthcheck.tests[0]).to.equal("CMD-SHELL");
            expect(isSecretValue(server.inputs.envs)).to.equal(true);
            const access = b.child(T.container, "local-cache-access");
            expect(access.dependencies).to.include(server.urn);
            const script = access.props.command[2] as string;
            expect(script).to.include("'api' \"$PW_API_CURRENT\" \"$PW_API_PREVIOUS\"");
            expect(script).to.include("'worker' \"$PW_WORKER_CURRENT\" \"$PW_WORKER_PREVIOUS\"");
            expect(script).to.include("-@admin -@dangerous");
            const conn = b.component.connectionFor("worker");
            expect(await pulumi.isSecret(conn.url)).to.equal(true);
            expect(await valueOf(conn.url)).to.match(/^redis:\/\/worker:mock-cache-worker-b-x*@cache:6379\/0$/);
            expect(await valueOf(conn.urlPrevious)).to.match(/^redis:\/\/worker:mock-cache-worker-a-x*@cache:6379\/0$/);
            expect(await valueOf(b.component.accessApplied)).to.equal("g11-api,worker");
        });

        it("runs a StatefulSet on Kubernetes that only cache clients reach, with persistence when configured", async () => {
            const settings: Settings = { ...STAGING(), cache: { ...STAGING().cache, persistence: true, maxMemoryMb: 256 } };
            const b = await build(settings, T.cache, (platform, parent) => new Cache("cache", args(settings, platform), { parent }));
            expect(b.children.filter((r) => r.type.startsWith("kubernetes:")).map((r) => `${r.type} ${r.name}`).sort()).to.deep.equal([
                `${T.statefulSet} staging-cache`, `${T.service} staging-cache`, `${T.networkPolicy} staging-cache-clients`,
                `${T.secret} staging-cache`, `${T.secret} staging-cache-access`, `${T.job} staging-cache-access`,
            ].sort());
            const sts = b.child(T.statefulSet, "staging-cache");
            const c = mainContainer(sts);
            expect(c.command[2]).to.include("--appendonly yes");
            expect(c.command[2]).to.include("--maxmemory 256mb");
            expect(c.resources.limits.memory).to.equal("384Mi");
            expect(c.livenessProbe.tcpSocket).to.deep.equal({ port: 6379 });
            expect(b.child(T.service, "staging-cache").props.spec.clusterIP).to.equal("None");
            expect(b.child(T.networkPolicy, "staging-cache-clients").props.spec.ingress[0].from).to.deep.equal([{ podSelector: { matchLabels: { "webstack.dev/cache-client": "true" } } }]);
        });

        it("refuses a connection for an undeclared client", async () => {
            const settings = LOCAL();
            const b = await build(settings, T.cache, (platform, parent) => new Cache("cache", args(settings, platform), { parent }));
            let err: unknown;
            try {
                b.component.connectionFor("scheduler");
            } catch (e) {
                err = e;
            }
            expect(pulumi.ResourceError.isInstance(err)).to.equal(true);
            expect((err as Error).message).to.include("\"scheduler\" is not a declared cache client");
        });

        describe("refuses", () => {
            it("clients listing a client twice", async () => {
                const settings = LOCAL();
                await expectRefused(settings, T.cache, "clients", (platform, parent) => new Cache("cache", args(settings, platform, { clients: ["api", "worker", "api"] }), { parent }));
            });
            it("settings.cache.image without a tag in staging", async () => {
                const settings: Settings = { ...STAGING(), cache: { ...STAGING().cache, image: "redis" } };
                await expectRefused(settings, T.cache, "settings.cache.image", (platform, parent) => new Cache("cache", args(settings, platform), { parent }));
            });
            it("settings.cache.maxMemoryMb below 16", async () => {
                const settings: Settings = { ...LOCAL(), cache: { ...LOCAL().cache, maxMemoryMb: 8 } };
                await expectRefused(settings, T.cache, "settings.cache.maxMemoryMb", (platform, parent) => new Cache("cache", args(settings, platform), { parent }));
            });
        });
    });

    describe("StaticSite", () => {
        const args = (settings: Settings, platform: Platform): StaticSiteArgs => ({ platform, settings, apiBaseUrl: pulumi.output("https://api.example.test") });

        it("serves the site on Docker with the public api URL and the version stamp, no secrets", async () => {
            const settings = LOCAL();
            const b = await build(settings, T.staticSite, (platform, parent) => new StaticSite("web", args(settings, platform), { parent }));
            expect(b.children.map((r) => `${r.type} ${r.name}`).sort()).to.deep.equal([`${T.container} local-web`, `${T.remoteImage} local-image-webstack-web-dev`]);
            const c = b.child(T.container, "local-web");
            expect(isSecretValue(c.inputs.envs)).to.equal(false);
            expect(dockerEnv(c)).to.deep.equal({ GIT_SHA: "0000000", BUILD_DATE: "2026-01-01T00:00:00Z", APP_VERSION: "0.0.0-dev", WEB__PUBLIC_API_BASE_URL: "https://api.example.test", WEB__ENV: "local" });
            expect(c.props.user).to.equal("10001");
            expect(c.props.healthcheck.tests).to.deep.equal(settings.web.healthcheck);
            expect(c.props.healthcheck.tests).to.deep.equal(["CMD", "sh", "/usr/local/bin/webstack-web-healthcheck.sh"]);
            expect(await valueOf(b.component.url)).to.equal("http://localhost:8080");
        });

        it("serves the site on Kubernetes behind a TLS Ingress on the domain, with a PDB for two replicas", async () => {
            const settings = STAGING();
            const b = await build(settings, T.staticSite, (platform, parent) => new StaticSite("web", args(settings, platform), { parent }));
            expect(b.children.map((r) => `${r.type} ${r.name}`).sort()).to.deep.equal([
                `${T.deployment} staging-web`, `${T.service} staging-web`, `${T.ingress} staging-web`, `${T.networkPolicy} staging-web-ingress`, `${T.pdb} staging-web`,
            ].sort());
            const d = b.child(T.deployment, "staging-web");
            expect(d.props.spec.replicas).to.equal(2);
            const c = mainContainer(d);
            expect(c.readinessProbe.httpGet).to.deep.equal({ path: "/config.json", port: 8080 });
            expect(c.volumeMounts.map((m: { mountPath: string }) => m.mountPath)).to.deep.equal(["/tmp", "/var/cache/nginx", "/var/run"]);
            expect(b.child(T.ingress, "staging-web").props.spec.rules[0].host).to.equal("staging.webstack.example.com");
            expect(await valueOf(b.component.url)).to.equal("https://staging.webstack.example.com");
        });

        describe("refuses", () => {
            it("settings.web.image :latest in staging", async () => {
                const settings: Settings = { ...STAGING(), web: { ...STAGING().web, image: "ghcr.io/webstack/web:latest" } };
                await expectRefused(settings, T.staticSite, "settings.web.image", (platform, parent) => new StaticSite("web", args(settings, platform), { parent }));
            });
            for (const replicas of [0, -1, 1.5]) {
                it(`settings.web.replicas = ${replicas}`, async () => {
                    const settings: Settings = { ...LOCAL(), web: { ...LOCAL().web, replicas } };
                    await expectRefused(settings, T.staticSite, "settings.web.replicas", (platform, parent) => new StaticSite("web", args(settings, platform), { parent }));
                });
            }
        });
    });
});

describe("validate* functions", () => {
    const docker = { target: "docker" } as unknown as Platform;
    const k8s = { target: "kubernetes" } as unknown as Platform;

    function pathOf(fn: () => void): string | undefined {
        try {
            fn();
            return undefined;
        } catch (e) {
            expect(pulumi.InputPropertyError.isInstance(e), util.inspect(e)).to.equal(true);
            return (e as pulumi.InputPropertyError).propertyPath;
        }
    }

    it("validateApiServiceArgs", () => {
        const s = LOCAL();
        const api = service(s, "api");
        const ok: ApiServiceArgs = { platform: docker, settings: s, service: api, db: dbConn("api"), cache: cacheConn("api"), migrationDb: dbConn("m") };
        expect(pathOf(() => validateApiServiceArgs(ok))).to.equal(undefined);
        expect(pathOf(() => validateApiServiceArgs({ ...ok, service: service(s, "scheduler") }))).to.equal("service.kind");
        expect(pathOf(() => validateApiServiceArgs({ ...ok, service: { ...api, port: -1 } }))).to.equal("service.port");
        expect(pathOf(() => validateApiServiceArgs({ ...ok, db: undefined }))).to.equal("db");
        expect(pathOf(() => validateApiServiceArgs({ ...ok, cache: undefined }))).to.equal("cache");
        expect(pathOf(() => validateApiServiceArgs({ ...ok, migrationDb: undefined }))).to.equal("migrationDb");
        expect(pathOf(() => validateApiServiceArgs({ ...ok, service: { ...api, hostPort: undefined } }))).to.equal("service.hostPort");
        expect(pathOf(() => validateApiServiceArgs({ ...ok, platform: k8s, service: { ...api, hostPort: undefined } }))).to.equal(undefined);
        expect(pathOf(() => validateApiServiceArgs({ ...ok, service: { ...api, uses: [], migrateCommand: undefined }, db: undefined, cache: undefined, migrationDb: undefined }))).to.equal(undefined);
    });

    it("validateWorkerArgs", () => {
        const s = LOCAL();
        const scheduler = service(s, "scheduler");
        const ok: WorkerArgs = { platform: docker, settings: s, service: scheduler, db: dbConn("scheduler"), cache: cacheConn("scheduler") };
        expect(pathOf(() => validateWorkerArgs(ok))).to.equal(undefined);
        expect(pathOf(() => validateWorkerArgs({ ...ok, service: service(s, "api") }))).to.equal("service.kind");
        expect(pathOf(() => validateWorkerArgs({ ...ok, service: { ...scheduler, replicas: 3 } }))).to.equal("service.replicas");
        expect(pathOf(() => validateWorkerArgs({ ...ok, service: { ...scheduler, autoscale: { min: 1, max: 2, cpuPercent: 50 } } }))).to.equal("service.autoscale");
        expect(pathOf(() => validateWorkerArgs({ ...ok, db: undefined }))).to.equal("db");
        expect(pathOf(() => validateWorkerArgs({ ...ok, cache: undefined }))).to.equal("cache");
        expect(pathOf(() => validateWorkerArgs({ ...ok, service: { ...service(s, "worker"), replicas: 5 }, db: dbConn("w"), cache: cacheConn("w") }))).to.equal(undefined);
    });

    it("validateDbArgs", () => {
        const s = STAGING();
        expect(pathOf(() => validateDbArgs({ settings: s, clients: ["api", "api-migrate"], migrator: "api-migrate" }))).to.equal(undefined);
        expect(pathOf(() => validateDbArgs({ settings: s, clients: ["api"] }))).to.equal(undefined);
        expect(pathOf(() => validateDbArgs({ settings: s, clients: ["api", "api"] }))).to.equal("clients");
        expect(pathOf(() => validateDbArgs({ settings: s, clients: ["api"], migrator: "worker" }))).to.equal("migrator");
        expect(pathOf(() => validateDbArgs({ settings: { ...s, db: { ...s.db, image: "postgres" } }, clients: ["api"] }))).to.equal("settings.db.image");
        expect(pathOf(() => validateDbArgs({ settings: { ...LOCAL(), db: { ...LOCAL().db, image: "postgres" } }, clients: ["api"] }))).to.equal(undefined);
    });

    it("validateCacheArgs", () => {
        const s = STAGING();
        expect(pathOf(() => validateCacheArgs({ settings: s, clients: ["api", "worker"] }))).to.equal(undefined);
        expect(pathOf(() => validateCacheArgs({ settings: s, clients: ["worker", "worker"] }))).to.equal("clients");
        expect(pathOf(() => validateCacheArgs({ settings: { ...s, cache: { ...s.cache, image: "redis:latest" } }, clients: ["api"] }))).to.equal("settings.cache.image");
        expect(pathOf(() => validateCacheArgs({ settings: { ...s, cache: { ...s.cache, maxMemoryMb: 15 } }, clients: ["api"] }))).to.equal("settings.cache.maxMemoryMb");
        expect(pathOf(() => validateCacheArgs({ settings: { ...s, cache: { ...s.cache, maxMemoryMb: 16 } }, clients: ["api"] }))).to.equal(undefined);
    });

    it("validateStaticSiteArgs", () => {
        const s = STAGING();
        const ok: StaticSiteArgs = { platform: k8s, settings: s, apiBaseUrl: "https://api.example.test" };
        expect(pathOf(() => validateStaticSiteArgs(ok))).to.equal(undefined);
        expect(pathOf(() => validateStaticSiteArgs({ ...ok, settings: { ...s, web: { ...s.web, image: "ghcr.io/webstack/web" } } }))).to.equal("settings.web.image");
        expect(pathOf(() => validateStaticSiteArgs({ ...ok, settings: { ...s, web: { ...s.web, replicas: 0 } } }))).to.equal("settings.web.replicas");
    });

    it("are pure: the same arguments give the same answer and nothing is modified", () => {
        const s = STAGING();
        const copy = JSON.parse(JSON.stringify(s));
        for (let i = 0; i < 2; i++) {
            expect(pathOf(() => validateCacheArgs({ settings: s, clients: ["a", "a"] }))).to.equal("clients");
        }
        expect(JSON.parse(JSON.stringify(s))).to.deep.equal(copy);
    });
});
