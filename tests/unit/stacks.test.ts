/**
 * Every shipped stack, run through the real program under mocks: topology,
 * exposure, probes, resources, security context, labels, parents, secrets,
 * availability, TLS, backups, rotation keepers, env contract, migration order,
 * isolation between stacks, and stack outputs. Expectations are derived from
 * the stack's own configuration.
 */
import * as fs from "fs";
import * as path from "path";
import { expect } from "chai";
import { RunResult, Recorded, ROOT } from "../support/program";
import { rawConfigOf, TEST_NOW, cachedRun } from "../support/mocks";
import {
    T, COMPONENT_TYPES, dockerLabels, dockerEnv, sensitiveElementsAreSecret, sensitiveValuesAreSecret,
    looksGenerated, podSpec, podLabels, mainContainer, k8sEnv, contractKeepers, contractLabels,
} from "../support/inspect";
import { Settings, ServiceSettings, envPrefix, loadSettings } from "../../config";
import { resolveProfile } from "../../platform";

interface StackCase { file: string; stack: string; overrides?: Record<string, string> }

/** An admin URL for the external-db example, whose real one is a secret set outside the file. */
const EXTERNAL_ADMIN_URL = "postgresql://admin:Adm1nPassw0rd@db.example.internal:5432/app";

const STACKS: StackCase[] = [
    { file: "Pulumi.local.yaml", stack: "local" },
    { file: "Pulumi.staging.yaml", stack: "staging" },
    { file: "Pulumi.production.yaml", stack: "production" },
    { file: "stacks/review.yaml", stack: "pr-42" },
    { file: "stacks/review-kubernetes.yaml", stack: "pr-43" },
    // The example topologies run through the same checks, with expectations from their config.
    ...fs.readdirSync(path.join(ROOT, "examples", "topologies")).filter((f) => f.endsWith(".yaml")).sort().map((f) => ({
        file: `examples/topologies/${f}`,
        stack: f.replace(/\.yaml$/, ""),
        overrides: f === "external-db.yaml" ? { dbAdminUrl: EXTERNAL_ADMIN_URL } : undefined,
    })),
];

const VERSION_KEYS = ["GIT_SHA", "BUILD_DATE", "APP_VERSION"];
const STANDARD_LABELS = [
    "app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/component", "app.kubernetes.io/part-of",
    "app.kubernetes.io/managed-by", "app.kubernetes.io/version", "webstack.dev/environment",
];
const KEEPERS = [
    "webstack.dev/credential", "webstack.dev/service", "webstack.dev/environment", "webstack.dev/stack",
    "webstack.dev/slot", "webstack.dev/generation", "webstack.dev/rotation-period-days", "webstack.dev/issued-at",
];

function ofType(run: RunResult, type: string): Recorded[] {
    return run.resources.filter((r) => r.type === type);
}

function one(run: RunResult, type: string, name: string): Recorded {
    const found = run.resources.filter((r) => r.type === type && r.name === name);
    expect(found, `${type} ${name} (have ${ofType(run, type).map((r) => r.name).join(", ")})`).to.have.length(1);
    return found[0];
}

function indexOf(run: RunResult, r: Recorded): number {
    return run.resources.indexOf(r);
}

function countBy(values: string[]): Record<string, number> {
    const out: Record<string, number> = {};
    for (const v of values) {
        out[v] = (out[v] ?? 0) + 1;
    }
    return out;
}

/** Credentials the configuration implies, as `<service>-<purpose>` names. */
function expectedCredentials(s: Settings): string[] {
    const names: string[] = [];
    const dbClients = s.services.filter((x) => x.uses.includes("db")).map((x) => x.name);
    const migrator = s.services.find((x) => x.migrateCommand);
    if (dbClients.length > 0) {
        names.push(...dbClients.map((c) => `${c}-db`));
        if (migrator) {
            names.push(`${migrator.name}-migrate-db`);
        }
        if (s.db.mode !== "external") {
            names.push("db-admin");
        }
        if (s.db.backupSchedule) {
            // Backups sign in with their own (read-only) role, never as the admin.
            names.push("db-backup-db");
        }
    }
    const cacheClients = s.services.filter((x) => x.uses.includes("cache")).map((x) => x.name);
    if (cacheClients.length > 0) {
        names.push(...cacheClients.map((c) => `${c}-cache`), "cache-admin");
    }
    for (const svc of s.services) {
        if (svc.jwt && (svc.kind === "api" || svc.kind === "internal")) {
            names.push(`${svc.name}-jwt`);
        }
        names.push(...svc.generatedSecrets.map((g) => `${svc.name}-${g.toLowerCase().replace(/_/g, "-")}`));
    }
    return names.sort();
}

function expectedServiceEnv(svc: ServiceSettings): string[] {
    const p = envPrefix(svc.name);
    const keys = [...VERSION_KEYS, `${p}__ENV`, `${p}__LOG_LEVEL`, `${p}__QUEUE`, `${p}__STARTUP_GATE`];
    if (svc.port) {
        keys.push(`${p}__PORT`);
    }
    if (svc.uses.includes("db")) {
        keys.push(`${p}__DATABASE_URL`, `${p}__DATABASE_URL_PREVIOUS`);
    }
    if (svc.uses.includes("cache")) {
        keys.push(`${p}__REDIS_URL`, `${p}__REDIS_URL_PREVIOUS`);
    }
    if (svc.kind === "api") {
        keys.push(`${p}__CORS_ORIGINS`, `${p}__BASE_URL`);
    }
    if (svc.jwt && (svc.kind === "api" || svc.kind === "internal")) {
        keys.push(`${p}__JWT_ISSUER`, `${p}__JWT_AUDIENCE`, `${p}__JWT_SIGNING_KID`, `${p}__JWT_SIGNING_KEY`, `${p}__JWT_VERIFY_KEYS`);
    }
    if (svc.kind === "scheduler") {
        keys.push(`${p}__SCHEDULE_SECONDS`);
    }
    return keys;
}

describe("contracts.md tables the stack tests rely on", () => {
    it("lists exactly the eight rotation keepers", () => {
        expect(contractKeepers()).to.deep.equal(KEEPERS);
    });
    it("lists the standard labels", () => {
        expect(contractLabels()).to.deep.equal(STANDARD_LABELS);
    });
});

for (const { file, stack, overrides } of STACKS) {
    describe(`stack ${stack} (${file})`, () => {
        let run: RunResult;
        let s: Settings;
        try {
            // Override keys (the external example's admin URL) are set with --secret in real life.
            s = loadSettings(rawConfigOf(file, overrides ?? {}), stack, TEST_NOW, "webstack", Object.keys(overrides ?? {}));
        } catch (e) {
            it("loads its configuration", () => {
                throw e;
            });
            return;
        }
        before(async () => {
            run = await cachedRun(file, { stack, overrides: Object.fromEntries(Object.entries(overrides ?? {}).map(([k, v]) => [`webstack:${k}`, v])) });
        });

        describe("components and parents", () => {
            it("has one Environment named after the stack, at the root", () => {
                const envs = ofType(run, T.environment);
                expect(envs.map((e) => e.name)).to.deep.equal([stack]);
                expect(envs[0].parentType).to.equal(undefined);
            });

            it("has one ApiService per api/internal service, one Worker per worker/scheduler, one db, one cache, one static site", () => {
                const served = s.services.filter((x) => x.kind === "api" || x.kind === "internal").map((x) => x.name).sort();
                const background = s.services.filter((x) => x.kind === "worker" || x.kind === "scheduler").map((x) => x.name).sort();
                expect(ofType(run, T.apiService).map((r) => r.name).sort()).to.deep.equal(served);
                expect(ofType(run, T.worker).map((r) => r.name).sort()).to.deep.equal(background);
                expect(ofType(run, T.managedDb).map((r) => r.name)).to.deep.equal(s.services.some((x) => x.uses.includes("db")) ? ["db"] : []);
                expect(ofType(run, T.cache).map((r) => r.name)).to.deep.equal(s.services.some((x) => x.uses.includes("cache")) ? ["cache"] : []);
                expect(ofType(run, T.staticSite).map((r) => r.name)).to.deep.equal(["web"]);
            });

            it("parents every top-level component to the Environment and every Credential to a component", () => {
                for (const r of run.resources.filter((x) => COMPONENT_TYPES.includes(x.type) && x.type !== T.environment)) {
                    if (r.type === T.credential) {
                        expect([T.managedDb, T.cache, T.apiService, T.worker], `${r.name}`).to.include(r.parentType);
                    } else {
                        expect(r.parentType, `${r.type} ${r.name}`).to.equal(T.environment);
                    }
                }
            });

            it("parents every custom resource to a webstack:index:* component", () => {
                const custom = run.resources.filter((r) => !r.type.startsWith("webstack:index:"));
                expect(custom.length).to.be.greaterThan(10);
                for (const r of custom) {
                    expect(r.parentType, `${r.type} ${r.name}`).to.be.a("string");
                    expect(COMPONENT_TYPES, `${r.type} ${r.name} under ${r.parentType}`).to.include(r.parentType);
                }
            });
        });

        describe("credentials", () => {
            it("has exactly the credentials the services imply, each with slots a and b", () => {
                const creds = ofType(run, T.password).map((r) => r.props.keepers["webstack.dev/credential"] as string);
                const counts = countBy(creds);
                expect(Object.keys(counts).sort()).to.deep.equal(expectedCredentials(s));
                for (const [name, n] of Object.entries(counts)) {
                    expect(n, name).to.equal(2);
                }
                expect(ofType(run, T.credential)).to.have.length(expectedCredentials(s).length);
                for (const name of Object.keys(counts)) {
                    const slots = ofType(run, T.password).filter((r) => r.props.keepers["webstack.dev/credential"] === name).map((r) => r.props.keepers["webstack.dev/slot"]).sort();
                    expect(slots, name).to.deep.equal(["a", "b"]);
                }
            });

            it("never issues two passwords for the same credential and slot", () => {
                const keys = ofType(run, T.password).map((r) => `${r.props.keepers["webstack.dev/credential"]}/${r.props.keepers["webstack.dev/slot"]}`);
                expect(new Set(keys).size).to.equal(keys.length);
            });

            it("puts every rotation keeper on every RandomPassword, with this stack's values", () => {
                const passwords = ofType(run, T.password);
                expect(passwords.length).to.be.greaterThan(0);
                const { current, previous, periodDays } = s.rotation;
                for (const r of passwords) {
                    const k = r.props.keepers as Record<string, string>;
                    expect(Object.keys(k).sort(), r.name).to.include.members(contractKeepers());
                    for (const v of Object.values(k)) {
                        expect(v, r.name).to.be.a("string").and.not.equal("");
                    }
                    expect(k["webstack.dev/environment"]).to.equal(s.environment);
                    expect(k["webstack.dev/stack"]).to.equal(stack);
                    expect(k["webstack.dev/rotation-period-days"]).to.equal(String(periodDays));
                    expect(r.name.endsWith(`-${k["webstack.dev/slot"]}`), r.name).to.equal(true);
                    const state = k["webstack.dev/slot"] === current.slot ? current : previous;
                    expect(k["webstack.dev/generation"], r.name).to.equal(String(state.generation));
                    expect(k["webstack.dev/issued-at"], r.name).to.equal(state.issuedAt);
                    expect(k["webstack.dev/credential"].startsWith(`${k["webstack.dev/service"]}-`), r.name).to.equal(true);
                    expect(r.props.special).to.equal(false);
                    expect(r.props.length).to.be.at.least(32);
                }
            });

            it("holds the current generation in one slot and the previous in the other", () => {
                expect(s.rotation.current.generation - s.rotation.previous.generation).to.equal(1);
                expect(s.rotation.current.slot).to.not.equal(s.rotation.previous.slot);
            });
        });

        describe("outputs", () => {
            it("exports the web and api URLs, environment and target", () => {
                const o = run.outputs;
                expect(o.environment).to.equal(s.environment);
                expect(o.target).to.equal(s.target);
                const api = s.services.find((x) => x.kind === "api" && x.public)!;
                if (s.target === "kubernetes") {
                    expect(o.webUrl).to.equal(`https://${s.domain}`);
                    expect(o.apiUrl).to.equal(`https://api.${s.domain}`);
                    expect(o.namespace).to.equal(`webstack-${stack}`);
                } else {
                    expect(o.webUrl).to.equal(`http://localhost:${s.web.hostPort}`);
                    expect(o.apiUrl).to.equal(`http://localhost:${api.hostPort}`);
                    expect(o.namespace).to.equal(undefined);
                }
                expect((o.serviceUrls as Record<string, string>).api).to.equal(o.apiUrl);
                expect(o.version).to.deep.equal(s.version);
                expect((o.rotation as { generation: number }).generation).to.equal(s.rotation.generation);
            });

            it("exports no generated password", () => {
                const text = JSON.stringify(run.outputs);
                expect(text).to.not.include("mock-");
                expect(text).to.not.match(/postgres(ql)?:\/\/[^@\s"]+:[^@\s"]+@/);
                expect(text).to.not.include("Adm1nPassw0rd");
            });
        });

        if (s.target === "docker") {
            dockerChecks();
        } else {
            kubernetesChecks();
        }

        function dockerChecks(): void {
            const containers = () => ofType(run, T.container);
            const container = (name: string) => one(run, T.container, `${stack}-${name}`);
            const longRunning = () => containers().filter((c) => c.props.restart === "unless-stopped");

            describe("docker topology", () => {
                it("runs on Docker", () => {
                    expect(s.target).to.equal("docker");
                    expect(run.resources.some((r) => r.type.startsWith("kubernetes:"))).to.equal(false);
                });

                it("has one container per service plus db, cache, web, edge, the access jobs and the migration", () => {
                    const expected = [
                        ...s.services.map((x) => x.name), "db", "cache", "web", "edge", "db-access", "cache-access",
                        ...s.services.filter((x) => x.migrateCommand).map((x) => `${x.name}-migrate`),
                        ...(s.db.backupSchedule ? ["db-backup"] : []),
                    ].map((n) => `${stack}-${n}`).sort();
                    expect(containers().map((c) => c.name).sort()).to.deep.equal(expected);
                });

                it("has a private internal network and an edge network, and data volumes for db and cache", () => {
                    const nets = ofType(run, T.network);
                    expect(nets.map((n) => n.name).sort()).to.deep.equal([`${stack}-edge`, `${stack}-private`]);
                    expect(one(run, T.network, `${stack}-private`).props.internal).to.equal(true);
                    expect(one(run, T.network, `${stack}-edge`).props.internal).to.not.equal(true);
                    expect(ofType(run, T.volume).map((v) => v.name).sort()).to.deep.equal([`${stack}-cache-data`, `${stack}-db-data`]);
                });

                it("pulls each distinct image once and keeps it locally", () => {
                    const images = new Set([...s.services.map((x) => x.image), s.db.image, s.cache.image, s.web.image, s.docker.edgeImage]);
                    const pulled = ofType(run, T.remoteImage);
                    expect(pulled.map((i) => i.props.name).sort()).to.deep.equal([...images].sort());
                    for (const i of pulled) {
                        expect(i.props.keepLocally, i.name).to.equal(true);
                    }
                });

                it("has no backup container (no dbBackupSchedule)", () => {
                    expect(s.db.backupSchedule).to.equal("");
                    expect(containers().filter((c) => c.name.includes("backup"))).to.deep.equal([]);
                });
            });

            describe("docker exposure", () => {
                const privateNetName = () => `${stack}-private`;
                for (const name of ["db", "cache"]) {
                    it(`${name} publishes no port and sits only on the internal network`, () => {
                        const c = container(name);
                        expect(c.props.ports ?? []).to.deep.equal([]);
                        const nets = c.props.networksAdvanced as { name: string; aliases?: string[] }[];
                        expect(nets).to.have.length(1);
                        expect(nets[0].name.startsWith(`${privateNetName()}-`), nets[0].name).to.equal(true);
                        expect(nets[0].aliases).to.deep.equal([name]);
                    });
                }

                it("publishes ports only on the edge proxy, only on loopback, one per public service and the site", () => {
                    const withPorts = containers().filter((c) => (c.props.ports ?? []).length > 0);
                    expect(withPorts.map((c) => c.name)).to.deep.equal([`${stack}-edge`]);
                    const ports = withPorts[0].props.ports as { internal: number; external: number; ip: string }[];
                    const expected = [...s.services.filter((x) => x.public).map((x) => x.hostPort!), s.web.hostPort].sort();
                    expect(ports.map((p) => p.external).sort()).to.deep.equal(expected);
                    for (const p of ports) {
                        expect(p.ip).to.equal("127.0.0.1");
                    }
                    const edgeNets = (withPorts[0].props.networksAdvanced as { name: string }[]).map((n) => n.name);
                    expect(edgeNets.every((n) => n.startsWith(`${stack}-edge-`)), edgeNets.join()).to.equal(true);
                });

                it("puts only public workloads on the edge network", () => {
                    const onEdge = containers().filter((c) => (c.props.networksAdvanced as { name: string }[]).some((n) => n.name.startsWith(`${stack}-edge-`)));
                    const expected = [...s.services.filter((x) => x.public).map((x) => x.name), "web", "edge"].map((n) => `${stack}-${n}`).sort();
                    expect(onEdge.map((c) => c.name).sort()).to.deep.equal(expected);
                });
            });

            describe("docker health, security and labels", () => {
                it("gives every long-running container a healthcheck test", () => {
                    const lr = longRunning();
                    expect(lr.length).to.equal(s.services.length + 4);
                    for (const c of lr) {
                        const tests = c.props.healthcheck?.tests as string[] | undefined;
                        expect(tests, c.name).to.be.an("array");
                        expect(tests![0], c.name).to.be.oneOf(["CMD", "CMD-SHELL"]);
                        expect(tests!.length, c.name).to.be.greaterThan(1);
                    }
                });

                it("checks the api's readiness path and the worker's health path", () => {
                    for (const svc of s.services) {
                        const tests = container(svc.name).props.healthcheck.tests as string[];
                        const path = svc.kind === "api" ? "/ready" : "/health";
                        expect(tests.join(" "), svc.name).to.include(`http://127.0.0.1:${svc.port}${path}`);
                    }
                });

                it("waits for the healthcheck of db and cache, so dependents start against healthy servers", () => {
                    for (const name of ["db", "cache"]) {
                        expect(container(name).props.wait, name).to.equal(true);
                    }
                });

                it("runs every container as a non-root user without capabilities or privilege escalation", () => {
                    for (const c of containers()) {
                        expect(c.props.user, c.name).to.be.a("string").and.not.oneOf(["", "root", "0", "0:0"]);
                        expect(c.props.capabilities?.drops, c.name).to.include("ALL");
                        expect(c.props.capabilities?.adds ?? [], c.name).to.deep.equal([]);
                        expect(c.props.securityOpts, c.name).to.include("no-new-privileges:true");
                        expect(c.props.privileged ?? false, c.name).to.equal(false);
                        expect(c.props.memory, c.name).to.be.a("number").and.greaterThan(0);
                        expect(Number(c.props.cpus), c.name).to.be.greaterThan(0);
                    }
                });

                it("labels every container, network and volume with the standard labels and the environment", () => {
                    const labelled = [...containers(), ...ofType(run, T.network), ...ofType(run, T.volume)];
                    for (const r of labelled) {
                        const l = dockerLabels(r);
                        expect(Object.keys(l), r.name).to.include.members(STANDARD_LABELS);
                        expect(l["webstack.dev/environment"], r.name).to.equal(s.environment);
                        expect(l["app.kubernetes.io/part-of"], r.name).to.equal("webstack");
                        expect(l["app.kubernetes.io/managed-by"], r.name).to.equal("pulumi");
                        expect(l["app.kubernetes.io/version"], r.name).to.equal(s.version.appVersion);
                        expect(l["app.kubernetes.io/instance"], r.name).to.equal(`${stack}-${l["app.kubernetes.io/name"]}`);
                    }
                    expect(dockerLabels(container("db"))["app.kubernetes.io/component"]).to.equal("database");
                    expect(dockerLabels(container("cache"))["app.kubernetes.io/component"]).to.equal("cache");
                    expect(dockerLabels(container("api-migrate"))["app.kubernetes.io/component"]).to.equal("migration");
                });

                it("labels db and cache clients", () => {
                    for (const svc of s.services) {
                        const l = dockerLabels(container(svc.name));
                        expect(l["webstack.dev/db-client"], svc.name).to.equal(svc.uses.includes("db") ? "true" : undefined);
                        expect(l["webstack.dev/cache-client"], svc.name).to.equal(svc.uses.includes("cache") ? "true" : undefined);
                    }
                    expect(dockerLabels(container("web"))["webstack.dev/db-client"]).to.equal(undefined);
                });
            });

            describe("docker secrets and env", () => {
                it("sends every env entry that holds a credential as a secret", () => {
                    const holders = containers().filter((c) => Object.values(dockerEnv(c)).some(looksGenerated)).map((c) => c.name).sort();
                    const expected = [
                        ...s.services.filter((x) => x.uses.length > 0 || x.jwt).map((x) => x.name), "db", "cache", "db-access", "cache-access",
                        ...s.services.filter((x) => x.migrateCommand).map((x) => `${x.name}-migrate`),
                    ].map((n) => `${stack}-${n}`).sort();
                    expect(holders).to.deep.equal(expected);
                    for (const c of containers()) {
                        expect(sensitiveElementsAreSecret(c.inputs.envs, looksGenerated), `${c.name} envs`).to.equal(true);
                    }
                });

                it("gives the static site and the edge no credential", () => {
                    for (const name of ["web", "edge"]) {
                        expect(Object.values(dockerEnv(container(name))).some(looksGenerated), name).to.equal(false);
                    }
                });

                it("stamps GIT_SHA, BUILD_DATE and APP_VERSION on api, worker, scheduler and web", () => {
                    for (const name of [...s.services.map((x) => x.name), "web"]) {
                        const env = dockerEnv(container(name));
                        expect(env.GIT_SHA, name).to.equal(s.version.gitSha);
                        expect(env.BUILD_DATE, name).to.equal(s.version.buildDate);
                        expect(env.APP_VERSION, name).to.equal(s.version.appVersion);
                    }
                });

                it("names every service variable <PREFIX>__KEY and delivers the contract's keys", () => {
                    for (const svc of s.services) {
                        const env = dockerEnv(container(svc.name));
                        const p = envPrefix(svc.name);
                        for (const k of Object.keys(env)) {
                            expect(VERSION_KEYS.includes(k) || k.startsWith(`${p}__`), `${svc.name}: ${k}`).to.equal(true);
                        }
                        expect(Object.keys(env), svc.name).to.include.members(expectedServiceEnv(svc));
                        expect(env[`${p}__ENV`]).to.equal(s.environment);
                        expect(env[`${p}__LOG_LEVEL`]).to.equal(s.logLevel);
                    }
                    const web = dockerEnv(container("web"));
                    expect(Object.keys(web).sort()).to.deep.equal([...VERSION_KEYS, "WEB__ENV", "WEB__PUBLIC_API_BASE_URL"].sort());
                    expect(web.WEB__PUBLIC_API_BASE_URL).to.equal(run.outputs.apiUrl);
                });

                it("connects each service with its own role and ACL user (current and previous)", () => {
                    const { current, previous } = s.rotation;
                    for (const svc of s.services) {
                        const env = dockerEnv(container(svc.name));
                        const p = envPrefix(svc.name);
                        const role = svc.name.replace(/-/g, "_");
                        expect(env[`${p}__DATABASE_URL`]).to.match(new RegExp(`^postgresql://${role}_${current.slot}:mock-db-${svc.name}-${current.slot}-x*@db:5432/${s.db.name}$`));
                        expect(env[`${p}__DATABASE_URL_PREVIOUS`]).to.match(new RegExp(`^postgresql://${role}_${previous.slot}:mock-db-${svc.name}-${previous.slot}-x*@db:5432/${s.db.name}$`));
                        expect(env[`${p}__REDIS_URL`]).to.match(new RegExp(`^redis://${svc.name}:mock-cache-${svc.name}-${current.slot}-x*@cache:6379/0$`));
                        expect(env[`${p}__REDIS_URL_PREVIOUS`]).to.match(new RegExp(`^redis://${svc.name}:mock-cache-${svc.name}-${previous.slot}-x*@cache:6379/0$`));
                    }
                });
            });

            describe("docker migration order", () => {
                it("runs the migration as a one-shot container before the api", () => {
                    const migrate = container("api-migrate");
                    expect(migrate.props.restart).to.equal("no");
                    expect(migrate.props.command).to.deep.equal(["node", "dist/migrate.js"]);
                    const api = container("api");
                    expect(indexOf(run, migrate)).to.be.lessThan(indexOf(run, api));
                    const env = dockerEnv(migrate);
                    expect(env.MIGRATE__DATABASE_URL).to.match(/^postgresql:\/\/api_migrate_[ab]:/);
                });

                it("gates the api on the migration revision (image and credential generation)", () => {
                    const api = s.services.find((x) => x.kind === "api")!;
                    const gate = dockerEnv(container("api")).API__STARTUP_GATE;
                    expect(gate.split(",")).to.include(`${api.image}-g${s.rotation.generation}`);
                });

                it("starts workers only after the migration", () => {
                    const migrate = indexOf(run, container("api-migrate"));
                    for (const svc of s.services.filter((x) => x.kind === "worker" || x.kind === "scheduler")) {
                        expect(indexOf(run, container(svc.name)), svc.name).to.be.greaterThan(migrate);
                    }
                });
            });

            describe("docker names", () => {
                it("prefixes every Docker resource name with the stack", () => {
                    const dockerResources = run.resources.filter((r) => r.type.startsWith("docker:"));
                    expect(dockerResources.length).to.be.greaterThan(10);
                    for (const r of dockerResources) {
                        expect(r.name.startsWith(`${stack}-`), r.name).to.equal(true);
                    }
                });

                it("sets no fixed container, network or volume name that another stack could also use", () => {
                    for (const r of [...containers(), ...ofType(run, T.network), ...ofType(run, T.volume)]) {
                        const fixed = r.props.name as string | undefined;
                        if (fixed !== undefined) {
                            expect(fixed.includes(stack), `${r.name}: ${fixed}`).to.equal(true);
                        }
                    }
                });
            });
        }

        function kubernetesChecks(): void {
            const ns = `webstack-${stack}`;
            const k8sObjects = () => run.resources.filter((r) => r.type.startsWith("kubernetes:"));
            const workloads = () => run.resources.filter((r) => [T.deployment, T.statefulSet, T.job, T.cronJob].includes(r.type as never));
            const deployment = (name: string) => one(run, T.deployment, `${stack}-${name}`);
            const longRunningExpected = () => [...s.services.map((x) => x.name), "web"];
            const usesDb = s.services.some((x) => x.uses.includes("db"));
            const hasDbServer = usesDb && s.db.mode !== "external";
            const hasCache = s.services.some((x) => x.uses.includes("cache"));
            const privateServers = [...(hasDbServer ? ["db"] : []), ...(hasCache ? ["cache"] : [])];
            const migrating = s.services.filter((x) => x.migrateCommand);
            const hasBackup = usesDb && s.db.backupSchedule !== "";
            const publicHost = (svc: ServiceSettings) => svc.name === "api" ? `api.${s.domain}` : `${svc.name}.${s.domain}`;
            const secretKeysOf = (svc: ServiceSettings): string[] => {
                const p = envPrefix(svc.name);
                const keys: string[] = [];
                if (svc.uses.includes("db")) {
                    keys.push(`${p}__DATABASE_URL`, `${p}__DATABASE_URL_PREVIOUS`);
                }
                if (svc.uses.includes("cache")) {
                    keys.push(`${p}__REDIS_URL`, `${p}__REDIS_URL_PREVIOUS`);
                }
                if (svc.jwt && (svc.kind === "api" || svc.kind === "internal")) {
                    keys.push(`${p}__JWT_SIGNING_KEY`, `${p}__JWT_VERIFY_KEYS`);
                }
                for (const g of svc.generatedSecrets) {
                    keys.push(`${p}__${g}`, `${p}__${g}_PREVIOUS`);
                }
                return keys.sort();
            };

            describe("kubernetes topology", () => {
                it("runs on Kubernetes in namespace webstack-<stack>", () => {
                    expect(s.target).to.equal("kubernetes");
                    expect(run.resources.some((r) => r.type.startsWith("docker:"))).to.equal(false);
                    const namespaces = ofType(run, T.namespace);
                    expect(namespaces).to.have.length(1);
                    expect(namespaces[0].props.metadata.name).to.equal(ns);
                    expect(namespaces[0].props.metadata.labels["pod-security.kubernetes.io/enforce"]).to.equal("restricted");
                    for (const r of k8sObjects().filter((x) => x.type !== T.namespace)) {
                        expect(r.props.metadata?.namespace, `${r.type} ${r.name}`).to.equal(ns);
                    }
                });

                it("has one Deployment per service and the site, and a StatefulSet per private server", () => {
                    expect(ofType(run, T.deployment).map((r) => r.name).sort()).to.deep.equal(longRunningExpected().map((n) => `${stack}-${n}`).sort());
                    expect(ofType(run, T.statefulSet).map((r) => r.name).sort()).to.deep.equal(privateServers.map((n) => `${stack}-${n}`).sort());
                    if (hasDbServer) {
                        const claim = one(run, T.statefulSet, `${stack}-db`).props.spec.volumeClaimTemplates[0].spec;
                        expect(claim.resources.requests.storage).to.equal(`${s.db.storageGi}Gi`);
                        expect(claim.storageClassName).to.equal(resolveProfile(s.kubernetes.profile, s.kubernetes).storageClass);
                    }
                });

                it("replicates each Deployment as configured (autoscale.min when autoscaling)", () => {
                    for (const svc of s.services) {
                        expect(deployment(svc.name).props.spec.replicas, svc.name).to.equal(svc.autoscale?.min ?? svc.replicas);
                    }
                    expect(deployment("web").props.spec.replicas).to.equal(s.web.replicas);
                    for (const scheduler of s.services.filter((x) => x.kind === "scheduler")) {
                        expect(deployment(scheduler.name).props.spec.replicas).to.equal(1);
                    }
                });

                it("rolls Deployments surge-first (no outage during a rollout)", () => {
                    for (const d of ofType(run, T.deployment)) {
                        expect(d.props.spec.strategy, d.name).to.deep.equal({ type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
                    }
                });

                it("has an access job per private dependency and a migration job per migrating service", () => {
                    const expected = [...(usesDb ? ["db-access"] : []), ...(hasCache ? ["cache-access"] : []), ...migrating.map((x) => `${x.name}-migrate`)].map((n) => `${stack}-${n}`).sort();
                    expect(ofType(run, T.job).map((r) => r.name).sort()).to.deep.equal(expected);
                });

                it("has a ClusterIP Service per served workload and nothing exposed as NodePort or LoadBalancer", () => {
                    const served = [...s.services.filter((x) => x.kind === "api" || x.kind === "internal").map((x) => x.name), "web", ...privateServers];
                    const services = ofType(run, T.service);
                    expect(services.map((r) => r.props.metadata.name).sort()).to.deep.equal(served.sort());
                    for (const svc of services) {
                        expect(svc.props.spec.type, svc.name).to.equal("ClusterIP");
                        expect(svc.props.spec.externalIPs ?? [], svc.name).to.deep.equal([]);
                    }
                });
            });

            describe("kubernetes exposure", () => {
                for (const name of ["db", "cache"]) {
                    const exists = () => privateServers.includes(name);

                    it(`${name}: only a headless ClusterIP Service, when it runs in the cluster`, () => {
                        const services = ofType(run, T.service).filter((x) => x.props.metadata.name === name);
                        expect(services).to.have.length(exists() ? 1 : 0);
                        for (const svc of services) {
                            expect(svc.props.spec.type).to.equal("ClusterIP");
                            expect(svc.props.spec.clusterIP).to.equal("None");
                        }
                    });

                    it(`no Ingress routes to ${name}`, () => {
                        for (const ing of ofType(run, T.ingress)) {
                            for (const rule of ing.props.spec.rules) {
                                for (const p of rule.http.paths) {
                                    expect(p.backend.service.name, ing.name).to.not.equal(name);
                                }
                            }
                            expect(ing.props.spec.defaultBackend, ing.name).to.equal(undefined);
                        }
                    });

                    it(`a NetworkPolicy admits only ${name}-client pods to ${name}`, function () {
                        if (!exists()) {
                            expect(ofType(run, T.statefulSet).filter((x) => x.name === `${stack}-${name}`)).to.deep.equal([]);
                            return;
                        }
                        const label = name === "db" ? "webstack.dev/db-client" : "webstack.dev/cache-client";
                        const server = one(run, T.statefulSet, `${stack}-${name}`);
                        const selector = server.props.spec.selector.matchLabels;
                        const policies = ofType(run, T.networkPolicy).filter((p) => {
                            const match = p.props.spec.podSelector?.matchLabels ?? {};
                            return Object.keys(match).length > 0 && Object.entries(match).every(([k, v]) => podLabels(server)[k] === v);
                        });
                        expect(policies, `policies selecting ${name}`).to.have.length(1);
                        const spec = policies[0].props.spec;
                        expect(spec.podSelector.matchLabels).to.deep.equal(selector);
                        expect(spec.policyTypes).to.deep.equal(["Ingress"]);
                        expect(spec.ingress).to.have.length(1);
                        expect(spec.ingress[0].from).to.deep.equal([{ podSelector: { matchLabels: { [label]: "true" } } }]);
                        expect(spec.ingress[0].ports).to.deep.equal([{ protocol: "TCP", port: name === "db" ? 5432 : 6379 }]);
                    });

                    it(`only declared ${name} clients carry the ${name}-client label`, () => {
                        const label = name === "db" ? "webstack.dev/db-client" : "webstack.dev/cache-client";
                        const carriers = workloads().filter((w) => podLabels(w)[label] === "true").map((w) => w.name).sort();
                        const dep = name as "db" | "cache";
                        const users = s.services.filter((x) => x.uses.includes(dep)).map((x) => x.name);
                        const expected = users.length === 0 ? [] : [
                            ...users, `${name}-access`,
                            ...(dep === "db" ? migrating.map((x) => `${x.name}-migrate`) : []),
                            ...(dep === "db" && hasBackup ? ["db-backup"] : []),
                        ];
                        expect(carriers).to.deep.equal(expected.map((n) => `${stack}-${n}`).sort());
                    });
                }

                it("denies all ingress by default", () => {
                    const deny = ofType(run, T.networkPolicy).filter((p) => Object.keys(p.props.spec.podSelector?.matchLabels ?? {}).length === 0);
                    expect(deny).to.have.length(1);
                    expect(deny[0].props.spec.podSelector).to.deep.equal({});
                    expect(deny[0].props.spec.policyTypes).to.deep.equal(["Ingress"]);
                    expect(deny[0].props.spec.ingress ?? []).to.deep.equal([]);
                });

                it("opens private HTTP services to this namespace only and public ones to the ingress controller", () => {
                    for (const svc of s.services.filter((x) => x.kind === "api" || x.kind === "internal")) {
                        const policy = one(run, T.networkPolicy, `${stack}-${svc.name}-ingress`);
                        expect(policy.props.spec.ingress[0].from, svc.name).to.deep.equal(svc.public ? [{ namespaceSelector: {} }] : [{ podSelector: {} }]);
                        expect(policy.props.spec.ingress[0].ports, svc.name).to.deep.equal([{ protocol: "TCP", port: svc.port }]);
                    }
                });

                it("has one Ingress per public service and the site, with TLS covering every host and the configured issuer", () => {
                    const ingresses = ofType(run, T.ingress);
                    const expectedHosts = [...s.services.filter((x) => x.public).map(publicHost), s.domain].sort();
                    const hosts = ingresses.flatMap((i) => i.props.spec.rules.map((r: { host: string }) => r.host)).sort();
                    expect(hosts).to.deep.equal(expectedHosts);
                    expect(s.kubernetes.tlsIssuer).to.not.equal("");
                    const profile = resolveProfile(s.kubernetes.profile, s.kubernetes);
                    for (const ing of ingresses) {
                        const tlsHosts: string[] = (ing.props.spec.tls ?? []).flatMap((t: { hosts: string[] }) => t.hosts);
                        expect(tlsHosts.length, ing.name).to.be.greaterThan(0);
                        for (const rule of ing.props.spec.rules) {
                            expect(rule.host, ing.name).to.be.a("string");
                            expect(tlsHosts, ing.name).to.include(rule.host);
                        }
                        for (const t of ing.props.spec.tls) {
                            expect(t.secretName, ing.name).to.be.a("string").and.not.equal("");
                        }
                        expect(ing.props.metadata.annotations["cert-manager.io/cluster-issuer"], ing.name).to.equal(s.kubernetes.tlsIssuer);
                        expect(ing.props.spec.ingressClassName, ing.name).to.equal(profile.ingressClass);
                        expect(ing.props.metadata.annotations, ing.name).to.deep.include(profile.ingressAnnotations);
                    }
                });
            });

            describe("kubernetes probes, resources and security", () => {
                it("probes the api's liveness on its health path and readiness on its ready path", () => {
                    const apis = s.services.filter((x) => x.kind === "api");
                    expect(apis.length).to.be.greaterThan(0);
                    for (const svc of apis) {
                        const c = mainContainer(deployment(svc.name));
                        expect(c.livenessProbe.httpGet).to.deep.equal({ path: svc.healthPath, port: svc.port });
                        expect(c.readinessProbe.httpGet).to.deep.equal({ path: svc.readyPath, port: svc.port });
                        expect(c.ports).to.deep.equal([{ name: "main", containerPort: svc.port }]);
                    }
                    const shipped = s.services.find((x) => x.name === "api" && !file.startsWith("examples/"));
                    if (shipped) {
                        expect([shipped.healthPath, shipped.readyPath]).to.deep.equal(["/health", "/ready"]);
                    }
                });

                it("probes worker and scheduler health over HTTP", () => {
                    for (const svc of s.services.filter((x) => x.kind === "worker" || x.kind === "scheduler")) {
                        const c = mainContainer(deployment(svc.name));
                        expect(c.livenessProbe.httpGet, svc.name).to.deep.equal({ path: "/health", port: svc.port });
                        expect(c.readinessProbe.httpGet, svc.name).to.deep.equal({ path: "/health", port: svc.port });
                    }
                });

                it("gives every long-running container a liveness and a readiness probe", () => {
                    for (const w of [...ofType(run, T.deployment), ...ofType(run, T.statefulSet)]) {
                        const c = mainContainer(w);
                        expect(c.livenessProbe, w.name).to.be.an("object");
                        expect(c.readinessProbe, w.name).to.be.an("object");
                    }
                });

                it("sets requests and limits for cpu and memory on every container", () => {
                    expect(workloads().length).to.be.greaterThan(3);
                    for (const w of workloads()) {
                        for (const c of podSpec(w).containers) {
                            for (const kind of ["requests", "limits"]) {
                                expect(c.resources?.[kind]?.cpu, `${w.name} ${kind}.cpu`).to.be.a("string").and.not.equal("");
                                expect(c.resources?.[kind]?.memory, `${w.name} ${kind}.memory`).to.be.a("string").and.not.equal("");
                            }
                        }
                    }
                    for (const svc of s.services) {
                        const c = mainContainer(deployment(svc.name));
                        expect(c.resources).to.deep.equal({
                            requests: { cpu: svc.resources.cpu, memory: svc.resources.memory },
                            limits: { cpu: svc.resources.cpuLimit, memory: svc.resources.memoryLimit },
                        });
                    }
                });

                it("runs every pod non-root with no privilege escalation and all capabilities dropped", () => {
                    for (const w of workloads()) {
                        const pod = podSpec(w);
                        expect(pod.securityContext.runAsNonRoot, w.name).to.equal(true);
                        expect(pod.securityContext.runAsUser, w.name).to.be.a("number").and.greaterThan(0);
                        expect(pod.securityContext.seccompProfile, w.name).to.deep.equal({ type: "RuntimeDefault" });
                        expect(pod.automountServiceAccountToken, w.name).to.equal(false);
                        expect(pod.hostNetwork ?? false, w.name).to.equal(false);
                        for (const c of pod.containers) {
                            const sc = c.securityContext;
                            expect(sc.allowPrivilegeEscalation, w.name).to.equal(false);
                            expect(sc.privileged, w.name).to.equal(false);
                            expect(sc.runAsNonRoot, w.name).to.equal(true);
                            expect(sc.readOnlyRootFilesystem, w.name).to.equal(true);
                            expect(sc.capabilities.drop, w.name).to.include("ALL");
                            expect(sc.capabilities.add ?? [], w.name).to.deep.equal([]);
                        }
                    }
                });
            });

            describe("kubernetes labels", () => {
                it("labels every object with the standard labels and the environment", () => {
                    for (const r of k8sObjects()) {
                        const l = r.props.metadata?.labels ?? {};
                        expect(Object.keys(l), `${r.type} ${r.name}`).to.include.members(STANDARD_LABELS);
                        expect(l["webstack.dev/environment"], r.name).to.equal(s.environment);
                        expect(l["app.kubernetes.io/part-of"], r.name).to.equal("webstack");
                        expect(l["app.kubernetes.io/managed-by"], r.name).to.equal("pulumi");
                        expect(l["app.kubernetes.io/version"], r.name).to.equal(s.version.appVersion);
                        expect(l["app.kubernetes.io/instance"], r.name).to.equal(`${stack}-${l["app.kubernetes.io/name"]}`);
                    }
                });

                it("labels every pod template the same way, so pods carry them too", () => {
                    for (const w of workloads()) {
                        const l = podLabels(w);
                        expect(Object.keys(l), w.name).to.include.members(STANDARD_LABELS);
                        expect(l["webstack.dev/environment"], w.name).to.equal(s.environment);
                    }
                });

                it("uses the contract's component names", () => {
                    const component = (r: Recorded) => r.props.metadata.labels["app.kubernetes.io/component"];
                    if (hasDbServer) {
                        expect(component(one(run, T.statefulSet, `${stack}-db`))).to.equal("database");
                    }
                    if (hasCache) {
                        expect(component(one(run, T.statefulSet, `${stack}-cache`))).to.equal("cache");
                    }
                    for (const svc of migrating) {
                        expect(component(one(run, T.job, `${stack}-${svc.name}-migrate`))).to.equal("migration");
                    }
                    for (const svc of s.services) {
                        expect(component(deployment(svc.name))).to.equal(svc.kind);
                    }
                    expect(component(deployment("web"))).to.equal("web");
                });
            });

            describe("kubernetes secrets and env", () => {
                it("stores every credential in a Secret whose stringData is secret", () => {
                    const secrets = ofType(run, T.secret);
                    expect(secrets.length).to.be.greaterThan(0);
                    for (const sec of secrets) {
                        expect(sec.props.type, sec.name).to.equal("Opaque");
                        expect(sensitiveValuesAreSecret(sec.inputs.stringData, () => true), `${sec.name} stringData`).to.equal(true);
                        expect(sec.inputs.data, sec.name).to.equal(undefined);
                        expect(sec.props.metadata.labels["webstack.dev/service"], sec.name).to.equal(sec.name.slice(stack.length + 1));
                    }
                });

                it("never puts a credential in a plain env value, and every secretKeyRef points at an existing key", () => {
                    const secretsByName = new Map(ofType(run, T.secret).map((sec) => [`${sec.name}-0000000`, sec]));
                    for (const w of workloads()) {
                        for (const c of podSpec(w).containers) {
                            for (const e of c.env ?? []) {
                                if (e.valueFrom?.secretKeyRef) {
                                    const ref = e.valueFrom.secretKeyRef;
                                    const sec = secretsByName.get(ref.name);
                                    expect(sec, `${w.name} ${e.name} -> ${ref.name}`).to.not.equal(undefined);
                                    expect(Object.keys(sec!.props.stringData), `${w.name} ${e.name}`).to.include(ref.key);
                                } else {
                                    expect(looksGenerated(String(e.value)), `${w.name} ${e.name}`).to.equal(false);
                                    expect(String(e.value), `${w.name} ${e.name}`).to.not.include("Adm1nPassw0rd");
                                    expect(e.name, w.name).to.not.match(/PASSWORD|_KEY$|DATABASE_URL|REDIS_URL|ADMIN_URL/);
                                }
                            }
                        }
                    }
                });

                it("delivers every service credential from the service's own Secret", () => {
                    for (const svc of s.services) {
                        const env = k8sEnv(mainContainer(deployment(svc.name)));
                        const keys = secretKeysOf(svc);
                        const fromSecret = Object.entries(env).filter(([, v]) => v.startsWith("secret:")).map(([k]) => k).sort();
                        expect(fromSecret, svc.name).to.deep.equal(keys);
                        for (const k of keys) {
                            expect(env[k], `${svc.name} ${k}`).to.equal(`secret:${stack}-${svc.name}-0000000/${k}`);
                        }
                        const secrets = ofType(run, T.secret).filter((x) => x.name === `${stack}-${svc.name}`);
                        expect(secrets.map((x) => Object.keys(x.props.stringData).sort()), svc.name).to.deep.equal(keys.length > 0 ? [keys] : []);
                    }
                });

                it("connects each service with its own role and ACL user", () => {
                    const { current, previous } = s.rotation;
                    const dbHost = s.db.mode === "external" ? /@([^/]+)\//.exec(s.db.adminUrl)![1] : "db:5432";
                    for (const svc of s.services) {
                        const sec = ofType(run, T.secret).find((x) => x.name === `${stack}-${svc.name}`);
                        const data = (sec?.props.stringData ?? {}) as Record<string, string>;
                        const p = envPrefix(svc.name);
                        const role = svc.name.replace(/-/g, "_");
                        if (svc.uses.includes("db")) {
                            expect(data[`${p}__DATABASE_URL`]).to.match(new RegExp(`^postgresql://${role}_${current.slot}:mock-db-${svc.name}-${current.slot}-x*@${dbHost}/${s.db.name}$`));
                            expect(data[`${p}__DATABASE_URL_PREVIOUS`]).to.match(new RegExp(`^postgresql://${role}_${previous.slot}:mock-db-${svc.name}-${previous.slot}-x*@${dbHost}/${s.db.name}$`));
                        }
                        if (svc.uses.includes("cache")) {
                            expect(data[`${p}__REDIS_URL`]).to.match(new RegExp(`^redis://${svc.name}:mock-cache-${svc.name}-${current.slot}-x*@cache:6379/0$`));
                        }
                    }
                });

                it("stamps GIT_SHA, BUILD_DATE and APP_VERSION on every service and the site", () => {
                    for (const name of longRunningExpected()) {
                        const env = k8sEnv(mainContainer(deployment(name)));
                        expect(env.GIT_SHA, name).to.equal(s.version.gitSha);
                        expect(env.BUILD_DATE, name).to.equal(s.version.buildDate);
                        expect(env.APP_VERSION, name).to.equal(s.version.appVersion);
                    }
                });

                it("names every service variable <PREFIX>__KEY and delivers the contract's keys", () => {
                    for (const svc of s.services) {
                        const env = k8sEnv(mainContainer(deployment(svc.name)));
                        const p = envPrefix(svc.name);
                        for (const k of Object.keys(env)) {
                            expect(VERSION_KEYS.includes(k) || k.startsWith(`${p}__`), `${svc.name}: ${k}`).to.equal(true);
                        }
                        expect(Object.keys(env), svc.name).to.include.members(expectedServiceEnv(svc));
                        expect(env[`${p}__ENV`]).to.equal(s.environment);
                        expect(env[`${p}__LOG_LEVEL`]).to.equal(s.logLevel);
                    }
                    const web = k8sEnv(mainContainer(deployment("web")));
                    expect(Object.keys(web).sort()).to.deep.equal([...VERSION_KEYS, "WEB__ENV", "WEB__PUBLIC_API_BASE_URL"].sort());
                    expect(web.WEB__PUBLIC_API_BASE_URL).to.equal(`https://api.${s.domain}`);
                });

                it("rolls pods when a credential generation changes (revision annotation)", () => {
                    const g = s.rotation.generation;
                    for (const svc of s.services) {
                        const parts = [
                            ...(svc.uses.includes("db") ? [`db${g}`] : []),
                            ...(svc.uses.includes("cache") ? [`cache${g}`] : []),
                            ...(svc.jwt && (svc.kind === "api" || svc.kind === "internal") ? [`jwt${g}`] : []),
                            ...svc.generatedSecrets.map((x) => `${x.toLowerCase()}${g}`),
                        ];
                        // The generations, then a fingerprint of the credential values (a forced rotation rolls pods too).
                        const annotation: string = deployment(svc.name).props.spec.template.metadata.annotations["webstack.dev/revision"];
                        if (parts.length === 0) {
                            expect(annotation, `${svc.name} holds no credential`).to.equal("");
                            continue;
                        }
                        const [generations, fingerprint] = annotation.split("+");
                        expect(generations, svc.name).to.equal(parts.join("-"));
                        expect(fingerprint, `${svc.name} fingerprint`).to.match(/^[0-9a-f]{16}$/);
                    }
                });
            });

            describe("kubernetes migration order", () => {
                it("registers each migrating service's Deployment, and every worker, after its migration Job", () => {
                    expect(migrating.length).to.be.greaterThan(0);
                    for (const svc of migrating) {
                        const job = one(run, T.job, `${stack}-${svc.name}-migrate`);
                        expect(mainContainer(job).command).to.deep.equal(svc.migrateCommand);
                        expect(podSpec(job).restartPolicy).to.equal("Never");
                        expect(indexOf(run, deployment(svc.name))).to.be.greaterThan(indexOf(run, job));
                        for (const w of s.services.filter((x) => x.kind === "worker" || x.kind === "scheduler")) {
                            expect(indexOf(run, deployment(w.name)), w.name).to.be.greaterThan(indexOf(run, job));
                        }
                    }
                });

                it("gates the migrating service on the migration revision", () => {
                    for (const svc of migrating) {
                        const env = k8sEnv(mainContainer(deployment(svc.name)));
                        const revision = `${svc.image}-g${s.rotation.generation}`;
                        const job = one(run, T.job, `${stack}-${svc.name}-migrate`);
                        const jobRevision: string = job.props.spec.template.metadata.annotations["webstack.dev/revision"];
                        expect(jobRevision.split("+")[0]).to.equal(revision);
                        expect(env[`${envPrefix(svc.name)}__STARTUP_GATE`].split(",")).to.include(jobRevision);
                    }
                });
            });

            describe("kubernetes availability and backups", () => {
                it("has a PodDisruptionBudget for every Deployment that runs two or more replicas", () => {
                    const pdbs = ofType(run, T.pdb);
                    const multi = ofType(run, T.deployment).filter((x) => x.props.spec.replicas >= 2);
                    expect(pdbs).to.have.length(multi.length);
                    for (const d of multi) {
                        const match = pdbs.filter((p) => JSON.stringify(p.props.spec.selector.matchLabels) === JSON.stringify(d.props.spec.selector.matchLabels));
                        expect(match, d.name).to.have.length(1);
                        expect(match[0].props.spec.minAvailable, d.name).to.equal(1);
                    }
                });

                it("autoscales exactly the services that configure autoscale, with an HPA on CPU", () => {
                    const scaled = s.services.filter((x) => x.autoscale);
                    const hpas = ofType(run, T.hpa);
                    expect(hpas.map((h) => h.name).sort()).to.deep.equal(scaled.map((x) => `${stack}-${x.name}`).sort());
                    for (const svc of scaled) {
                        const spec = one(run, T.hpa, `${stack}-${svc.name}`).props.spec;
                        expect(spec.scaleTargetRef).to.deep.equal({ apiVersion: "apps/v1", kind: "Deployment", name: `${stack}-${svc.name}-0000000` });
                        expect(spec.minReplicas).to.equal(svc.autoscale!.min);
                        expect(spec.maxReplicas).to.equal(svc.autoscale!.max);
                        expect(spec.metrics[0].resource.target.averageUtilization).to.equal(svc.autoscale!.cpuPercent);
                    }
                });

                if (hasBackup) {
                    it("backs the database up on the configured schedule", () => {
                        const crons = ofType(run, T.cronJob);
                        expect(crons.map((c) => c.name)).to.deep.equal([`${stack}-db-backup`]);
                        const cron = crons[0];
                        expect(cron.props.spec.schedule).to.equal(s.db.backupSchedule);
                        expect(cron.props.spec.concurrencyPolicy).to.equal("Forbid");
                        expect(mainContainer(cron).command.join(" ")).to.include("pg_dump");
                        expect(mainContainer(cron).command.join(" ")).to.include(`-mtime +${s.db.backupRetentionDays}`);
                        // Backups sign in with their own credential's current slot, not as the admin.
                        const env = k8sEnv(mainContainer(cron));
                        expect(env.PGUSER).to.equal(`db_backup_${s.rotation.current.slot}`);
                        expect(env.PGPASSWORD).to.equal(`secret:${stack}-db-backup-0000000/PGPASSWORD`);
                        expect(one(run, T.secret, `${stack}-db-backup`).props.stringData.PGPASSWORD).to.match(new RegExp(`^mock-db-db-backup-${s.rotation.current.slot}-`));
                        const claim = one(run, T.pvc, `${stack}-db-backup`);
                        expect(podSpec(cron).volumes.some((v: any) => v.persistentVolumeClaim?.claimName === `${claim.name}-0000000`)).to.equal(true);
                    });
                } else {
                    it("has no backup CronJob (no schedule)", () => {
                        expect(ofType(run, T.cronJob)).to.deep.equal([]);
                    });
                }

                if (s.environment === "production") {
                    it("runs at least two replicas of every public Deployment, each with a PodDisruptionBudget", () => {
                        const publicNames = [...s.services.filter((x) => x.public).map((x) => x.name), "web"];
                        expect(publicNames.length).to.be.greaterThan(1);
                        for (const name of publicNames) {
                            const d = deployment(name);
                            expect(d.props.spec.replicas, name).to.be.at.least(2);
                            const pdb = one(run, T.pdb, `${stack}-${name}`);
                            expect(pdb.props.spec.selector.matchLabels).to.deep.equal(d.props.spec.selector.matchLabels);
                        }
                        for (const hpa of ofType(run, T.hpa)) {
                            expect(hpa.props.spec.minReplicas, hpa.name).to.be.at.least(2);
                        }
                    });
                }

                if (stack === "production") {
                    it("autoscales the production api", () => {
                        expect(ofType(run, T.hpa).map((h) => h.name)).to.deep.equal(["production-api"]);
                    });
                }
            });

            if (s.db.mode === "external") {
                describe("external database", () => {
                    it("runs no database server and keeps the admin URL in the access job's Secret only", () => {
                        expect(ofType(run, T.statefulSet).map((x) => x.name)).to.not.include(`${stack}-db`);
                        expect(ofType(run, T.credential).map((x) => x.name)).to.not.include("db-admin");
                        const secret = one(run, T.secret, `${stack}-db-access`);
                        expect(secret.props.stringData.ADMIN_URL).to.equal(s.db.adminUrl);
                        expect(sensitiveValuesAreSecret(secret.inputs.stringData, () => true)).to.equal(true);
                        const holders = ofType(run, T.secret).filter((x) => JSON.stringify(x.props.stringData).includes("Adm1nPassw0rd"));
                        expect(holders.map((x) => x.name)).to.deep.equal([`${stack}-db-access`]);
                    });
                });
            }
        }
    });
}

describe("a Docker stack with database backups", () => {
    let run: RunResult;
    before(async () => {
        run = await cachedRun("Pulumi.local.yaml", { stack: "local", overrides: { "webstack:dbBackupSchedule": "15 2 * * *", "webstack:dbBackupRetentionDays": 5 } });
    });
    const backup = () => one(run, T.container, "local-db-backup");

    it("runs the backup loop privately with its own volume, as a db client, after the access job", () => {
        const c = backup();
        expect(c.props.ports ?? []).to.deep.equal([]);
        expect((c.props.networksAdvanced as { name: string }[]).map((n) => n.name)).to.deep.equal(["local-private-0000000"]);
        expect(c.props.volumes).to.deep.equal([{ containerPath: "/backups", volumeName: "local-db-backup-data-0000000" }]);
        expect(c.props.command[2]).to.include("pg_dump").and.include("-mtime +5");
        expect(dockerLabels(c)["webstack.dev/db-client"]).to.equal("true");
        expect(sensitiveElementsAreSecret(c.inputs.envs, looksGenerated)).to.equal(true);
        // Its own credential (current slot), never the admin's.
        const slot = loadSettings(rawConfigOf("Pulumi.local.yaml"), "local", TEST_NOW).rotation.current.slot;
        expect(dockerEnv(c).PGPASSWORD).to.match(new RegExp(`^mock-db-db-backup-${slot}-`));
        expect(dockerEnv(c).PGUSER).to.equal(`db_backup_${slot}`);
        expect(indexOf(run, c)).to.be.greaterThan(indexOf(run, one(run, T.container, "local-db-access")));
    });

    it("gives the long-running backup container a healthcheck like every other", () => {
        const c = backup();
        expect(c.props.restart).to.equal("unless-stopped");
        expect(c.props.healthcheck?.tests, "healthcheck.tests of local-db-backup").to.be.an("array").with.length.greaterThan(1);
    });
});

describe("two stacks never collide", () => {
    let local: RunResult;
    let review: RunResult;
    let review2: RunResult;
    let staging: RunResult;
    let stagingAsPr: RunResult;
    before(async () => {
        local = await cachedRun("Pulumi.local.yaml", { stack: "local" });
        review = await cachedRun("stacks/review.yaml", { stack: "pr-42" });
        review2 = await cachedRun("stacks/review.yaml", { stack: "pr-43" });
        staging = await cachedRun("Pulumi.staging.yaml", { stack: "staging" });
        stagingAsPr = await cachedRun("Pulumi.staging.yaml", { stack: "pr-7" });
    });

    const dockerNames = (r: RunResult) => r.resources.filter((x) => x.type.startsWith("docker:") && x.type !== T.remoteImage).map((x) => x.name);

    it("gives two Docker stacks disjoint resource names that contain the stack", () => {
        for (const [r, stack] of [[local, "local"], [review, "pr-42"], [review2, "pr-43"]] as [RunResult, string][]) {
            for (const n of dockerNames(r)) {
                expect(n.includes(stack), n).to.equal(true);
            }
        }
        const a = new Set(dockerNames(local));
        const b = new Set(dockerNames(review));
        const c = new Set(dockerNames(review2));
        expect([...a].filter((n) => b.has(n) || c.has(n))).to.deep.equal([]);
        expect([...b].filter((n) => c.has(n))).to.deep.equal([]);
    });

    it("publishes the local and review stacks on different loopback ports", () => {
        const ports = (r: RunResult) => r.resources.filter((x) => x.type === T.container).flatMap((x) => (x.props.ports ?? []).map((p: { external: number }) => p.external));
        const a = ports(local);
        const b = ports(review);
        expect(a.length).to.be.greaterThan(0);
        expect(a.filter((p) => b.includes(p))).to.deep.equal([]);
    });

    it("keeps credentials of two stacks apart (stack keeper)", () => {
        const stacks = (r: RunResult) => new Set(r.resources.filter((x) => x.type === T.password).map((x) => x.props.keepers["webstack.dev/stack"]));
        expect([...stacks(local)]).to.deep.equal(["local"]);
        expect([...stacks(review)]).to.deep.equal(["pr-42"]);
    });

    it("puts each Kubernetes stack in its own namespace, even from the same stack file", () => {
        const namespaces = (r: RunResult) => new Set(r.resources.filter((x) => x.type.startsWith("kubernetes:")).map((x) => x.type === T.namespace ? x.props.metadata.name : x.props.metadata.namespace));
        expect([...namespaces(staging)]).to.deep.equal(["webstack-staging"]);
        expect([...namespaces(stagingAsPr)]).to.deep.equal(["webstack-pr-7"]);
        expect(stagingAsPr.outputs.namespace).to.equal("webstack-pr-7");
        const names = (r: RunResult) => new Set(r.resources.filter((x) => x.type.startsWith("kubernetes:")).map((x) => x.name));
        expect([...names(staging)].filter((n) => names(stagingAsPr).has(n))).to.deep.equal([]);
    });

    it("never gives two objects of one kind the same name in a namespace", () => {
        for (const r of [staging, stagingAsPr]) {
            const fixed = r.resources.filter((x) => x.type.startsWith("kubernetes:") && x.props.metadata?.name !== undefined && x.type !== T.namespace)
                .map((x) => `${x.type}/${x.props.metadata.namespace}/${x.props.metadata.name}`);
            expect(new Set(fixed).size).to.equal(fixed.length);
        }
    });

    it("never marks a stack's own credentials with another stack's name", () => {
        for (const x of review2.resources.filter((r) => r.type === T.password)) {
            expect(x.props.keepers["webstack.dev/stack"]).to.equal("pr-43");
        }
    });
});
