/**
 * config/settings.ts: loadSettings is pure (raw strings in, typed Settings or
 * one ConfigError listing every problem out), and the program registers
 * nothing when the configuration is invalid.
 */
import { expect } from "chai";
import { loadSettings, ConfigError, Problem, RawConfig, criticalKeys, schema, ConfigKeyName } from "../../config";
import { runProgram, stackConfig } from "../support/program";
import { rawConfigOf, TEST_NOW, monitorUrns, settle } from "../support/mocks";

const local = (): RawConfig => rawConfigOf("Pulumi.local.yaml");
const staging = (): RawConfig => rawConfigOf("Pulumi.staging.yaml");
const production = (): RawConfig => rawConfigOf("Pulumi.production.yaml");

/**
 * Keys the engine would hold encrypted in these tests: dbAdminUrl, as if set
 * with `pulumi config set --secret` (the plain-text case is tested explicitly).
 */
const SECRET_KEYS = ["dbAdminUrl"];

/** The problems loadSettings reports for `raw` ([] when it loads). */
function problemsOf(raw: RawConfig, stack = "test", now: Date = TEST_NOW, secretKeys: string[] = SECRET_KEYS): Problem[] {
    try {
        loadSettings(raw, stack, now, "webstack", secretKeys);
        return [];
    } catch (e) {
        expect(e).to.be.instanceOf(ConfigError);
        return (e as ConfigError).problems;
    }
}

function errorOf(raw: RawConfig, stack = "test"): ConfigError {
    try {
        loadSettings(raw, stack, TEST_NOW, "webstack", SECRET_KEYS);
    } catch (e) {
        expect(e).to.be.instanceOf(ConfigError);
        return e as ConfigError;
    }
    throw new Error("expected a ConfigError");
}

/** Asserts exactly one problem for `key` whose message matches, and returns it. */
function expectProblem(raw: RawConfig, key: string, message: RegExp): Problem {
    const problems = problemsOf(raw);
    const forKey = problems.filter((p) => p.key === key);
    expect(forKey.map((p) => p.message), `problems for ${key} in ${JSON.stringify(problems)}`).to.satisfy((ms: string[]) => ms.some((m) => message.test(m)));
    const p = forKey.find((x) => message.test(x.message))!;
    expect(p.fix, "every problem says how to fix it").to.be.a("string").and.have.length.greaterThan(3);
    return p;
}

function expectNoProblem(raw: RawConfig, key?: string): void {
    const problems = problemsOf(raw);
    expect(key ? problems.filter((p) => p.key === key || p.key.startsWith(`${key}.`)) : problems).to.deep.equal([]);
}

function services(raw: RawConfig): Record<string, Record<string, unknown>> {
    return JSON.parse(raw.services!);
}

function withServices(raw: RawConfig, edit: (s: Record<string, Record<string, unknown>>) => void): RawConfig {
    const s = services(raw);
    edit(s);
    return { ...raw, services: JSON.stringify(s) };
}

describe("loadSettings", () => {
    describe("is pure", () => {
        it("loads every shipped stack without problems", () => {
            for (const [file, stack] of [["Pulumi.local.yaml", "local"], ["Pulumi.staging.yaml", "staging"], ["Pulumi.production.yaml", "production"], ["stacks/review.yaml", "pr-42"]]) {
                expect(problemsOf(rawConfigOf(file), stack), file).to.deep.equal([]);
            }
        });

        it("returns the same Settings for the same inputs and does not read WEBSTACK_CLOCK", () => {
            const before = process.env.WEBSTACK_CLOCK;
            try {
                process.env.WEBSTACK_CLOCK = "2030-01-01T00:00:00Z";
                const a = loadSettings(local(), "local", TEST_NOW);
                process.env.WEBSTACK_CLOCK = "2026-02-01T00:00:00Z";
                const b = loadSettings(local(), "local", TEST_NOW);
                expect(a).to.deep.equal(b);
                expect(a.rotation.generation).to.equal(11);
            } finally {
                if (before === undefined) {
                    delete process.env.WEBSTACK_CLOCK;
                } else {
                    process.env.WEBSTACK_CLOCK = before;
                }
            }
        });

        it("does not modify the raw object it is given", () => {
            const raw = local();
            const copy = JSON.parse(JSON.stringify(raw));
            loadSettings(raw, "local", TEST_NOW);
            expect(raw).to.deep.equal(copy);
        });

        it("parses strings into typed values and resolves defaults once", () => {
            const s = loadSettings(production(), "production", TEST_NOW);
            expect(s.project).to.equal("webstack");
            expect(s.stack).to.equal("production");
            expect(s.kubernetes).to.deep.equal({ profile: "aws", ingressClass: "", storageClass: "", tlsIssuer: "letsencrypt-prod", namespace: "webstack-production" });
            expect(s.db.image).to.match(/^postgres:16\.4-bookworm@sha256:[0-9a-f]{64}$/);
            expect(s.db).to.deep.equal({ mode: "statefulset", image: s.db.image, name: "app", storageGi: 50, backupSchedule: "15 2 * * *", backupRetentionDays: 14, adminUrl: "" });
            expect(s.cache.image).to.match(/^redis:7\.4\.1-bookworm@sha256:[0-9a-f]{64}$/);
            expect(s.cache).to.deep.equal({ image: s.cache.image, persistence: false, maxMemoryMb: 512 });
            expect(s.web.image).to.match(/^ghcr\.io\/webstack\/web@sha256:[0-9a-f]{64}$/);
            expect(s.web).to.deep.equal({ image: s.web.image, replicas: 2, hostPort: 8080, healthcheck: ["CMD", "sh", "/usr/local/bin/webstack-web-healthcheck.sh"] });
            expect(s.corsOrigins).to.deep.equal(["https://webstack.example.com"]);
            expect(s.rotation.periodDays).to.equal(30);
            const api = s.services.find((x) => x.name === "api")!;
            expect(api).to.deep.include({ kind: "api", port: 8000, replicas: 3, public: true, jwt: true, healthPath: "/health", readyPath: "/ready", runAsUser: 10001 });
            expect(api.autoscale).to.deep.equal({ min: 3, max: 10, cpuPercent: 70 });
            expect(api.command).to.deep.equal(["node", "dist/api.js"]);
            expect(api.migrateCommand).to.deep.equal(["node", "dist/migrate.js"]);
            expect(api.resources).to.deep.equal({ cpu: "250m", memory: "256Mi", cpuLimit: "1", memoryLimit: "512Mi" });
            const scheduler = s.services.find((x) => x.name === "scheduler")!;
            expect(scheduler).to.deep.include({ kind: "scheduler", port: 8081, replicas: 1, public: false, jwt: false, scheduleSeconds: 60 });
            expect(scheduler.command).to.deep.equal(["node", "dist/worker.js", "--scheduler"]);
            expect(scheduler.migrateCommand).to.equal(undefined);
        });

        it("names the namespace after project and stack", () => {
            expect(loadSettings(staging(), "pr-9", TEST_NOW).kubernetes.namespace).to.equal("webstack-pr-9");
            expect(loadSettings(staging(), "pr-9", TEST_NOW, "other").kubernetes.namespace).to.equal("other-pr-9");
        });
    });

    describe("critical keys", () => {
        it("are exactly the schema keys without a default", () => {
            const noDefault = (Object.keys(schema) as ConfigKeyName[]).filter((k) => !("default" in schema[k]));
            expect([...criticalKeys].sort()).to.deep.equal(noDefault.sort());
            expect([...criticalKeys].sort()).to.deep.equal([
                "appVersion", "buildDate", "cacheImage", "corsOrigins", "dbMode", "domain", "environment", "gitSha",
                "jwtAudience", "jwtIssuer", "rotationPeriodDays", "services", "target", "webImage",
            ]);
        });

        for (const key of criticalKeys) {
            it(`a missing ${key} is a problem naming ${key}`, () => {
                const raw = { ...local() };
                delete raw[key];
                const p = expectProblem(raw, key, /is required and has no default/);
                expect(p.fix).to.include(`pulumi config set ${key}`);
                expect(errorOf(raw).message).to.include(`webstack:${key} is required and has no default`);
            });

            it(`an empty ${key} counts as missing`, () => {
                expectProblem({ ...staging(), [key]: "" }, key, /is required and has no default/);
            });
        }

        it("reports every critical key when the config is empty", () => {
            const keys = problemsOf({}).filter((p) => /is required and has no default/.test(p.message)).map((p) => p.key);
            expect(keys.sort()).to.deep.equal([...criticalKeys].sort());
        });
    });

    describe("malformed values", () => {
        const enums: [ConfigKeyName, string, RegExp][] = [
            ["environment", "prod", /must be one of local, review, staging, production \(got "prod"\)/],
            ["target", "ecs", /must be one of docker, kubernetes/],
            ["cloudProfile", "ibm", /must be one of generic, aws, gcp, azure/],
            ["logLevel", "verbose", /must be one of debug, info, warn, error/],
            ["dbMode", "rds", /must be one of container, statefulset, external/],
        ];
        for (const [key, value, message] of enums) {
            it(`refuses ${key}=${value} (not in the enum)`, () => {
                expectProblem({ ...local(), [key]: value }, key, message);
            });
        }

        for (const [key, value] of [["rotationPeriodDays", "thirty"], ["rotationPeriodDays", "1.5"], ["dbStorageGi", "10Gi"], ["cacheMaxMemoryMb", "lots"], ["webHostPort", "80.0"]] as [ConfigKeyName, string][]) {
            it(`refuses ${key}=${value} (not an integer)`, () => {
                expectProblem({ ...local(), [key]: value }, key, /must be an integer/);
            });
        }

        it("refuses a non-boolean cachePersistence", () => {
            expectProblem({ ...local(), cachePersistence: "yes" }, "cachePersistence", /must be true or false/);
        });

        it("refuses a rotation period outside 1..365 days", () => {
            expectProblem({ ...local(), rotationPeriodDays: "0" }, "rotationPeriodDays", /must be from 1 to 365 days \(got 0\)/);
            expectProblem({ ...local(), rotationPeriodDays: "400" }, "rotationPeriodDays", /must be from 1 to 365 days/);
        });

        for (const sha of ["XYZ1234", "abc12", "ABCDEF1", "3f9c2d1a7b4e ", "g3f9c2d1"]) {
            it(`refuses gitSha ${JSON.stringify(sha)}`, () => {
                expectProblem({ ...local(), gitSha: sha }, "gitSha", /is not a commit SHA/);
            });
        }

        it("accepts short and full commit SHAs", () => {
            expectNoProblem({ ...local(), gitSha: "3f9c2d1" }, "gitSha");
            expectNoProblem({ ...local(), gitSha: "3f9c2d1a7b4e3f9c2d1a7b4e3f9c2d1a7b4e3f9c" }, "gitSha");
        });

        it("refuses a buildDate that is not a date", () => {
            expectProblem({ ...local(), buildDate: "yesterday" }, "buildDate", /"yesterday" is not an ISO 8601 date/);
        });

        it("refuses a malformed or future rotationAnchor", () => {
            expectProblem({ ...local(), rotationAnchor: "05/01/2026" }, "rotationAnchor", /is not a date/);
            expectProblem({ ...local(), rotationAnchor: "2026-13-45" }, "rotationAnchor", /is not a date/);
            expectProblem({ ...local(), rotationAnchor: "2027-01-01" }, "rotationAnchor", /is in the future/);
        });

        for (const domain of ["Example.com", "exa mple.com", "-bad.example.com", "example.com.", "https://example.com", "a..b"]) {
            it(`refuses domain ${JSON.stringify(domain)}`, () => {
                expectProblem({ ...staging(), domain }, "domain", /is not a DNS name/);
            });
        }

        it("accepts localhost and dotted lower-case names", () => {
            expectNoProblem({ ...local(), domain: "localhost" }, "domain");
            expectNoProblem({ ...staging(), domain: "pr-42.preview.example.com" }, "domain");
        });

        it("refuses structured keys that are not the right structure", () => {
            expectProblem({ ...local(), corsOrigins: "http://localhost:8080" }, "corsOrigins", /is not valid structured config/);
            expectProblem({ ...local(), corsOrigins: "[1, 2]" }, "corsOrigins", /must be a list of strings/);
            expectProblem({ ...local(), services: "[\"api\"]" }, "services", /must be a map/);
            expectProblem({ ...local(), services: "{}" }, "services", /at least one service/);
        });

        it("refuses a cors origin with a path", () => {
            expectProblem({ ...local(), corsOrigins: JSON.stringify(["http://localhost:8080/app"]) }, "corsOrigins", /is not an origin/);
        });

        it("refuses a backup schedule that is not a 5-field cron", () => {
            expectProblem({ ...staging(), dbBackupSchedule: "daily" }, "dbBackupSchedule", /is not a 5-field cron schedule/);
            expectProblem({ ...staging(), dbBackupSchedule: "0 0 * * * *" }, "dbBackupSchedule", /5-field/);
        });
    });

    describe("images", () => {
        it("production refuses every image without a digest, tagged or not, and says how to get one", () => {
            const message = /has no digest; production runs only images pinned by digest \(@sha256:\)/;
            const fixes: string[] = [];
            fixes.push(expectProblem({ ...production(), webImage: "ghcr.io/webstack/web:3f9c2d1a7b4e" }, "webImage", message).fix);
            fixes.push(expectProblem({ ...production(), cacheImage: "redis:7.4.1-bookworm" }, "cacheImage", message).fix);
            fixes.push(expectProblem({ ...production(), dbImage: "postgres:latest" }, "dbImage", message).fix);
            fixes.push(expectProblem(withServices(production(), (s) => { s.worker.image = "ghcr.io/webstack/app:1.0.0"; }), "services.worker.image", message).fix);
            fixes.push(expectProblem(withServices(production(), (s) => { s.api.image = "ghcr.io/webstack/app"; }), "services.api.image", message).fix);
            for (const fix of fixes) {
                expect(fix).to.contain("promote-production").and.to.contain("@sha256:<64 hex>");
            }
            expectNoProblem({ ...production(), webImage: `ghcr.io/webstack/web:1.0.0@sha256:${"b".repeat(64)}` }, "webImage");
        });

        it("staging accepts a version tag without a digest", () => {
            expectNoProblem({ ...staging(), webImage: "ghcr.io/webstack/web:3f9c2d1a7b4e" }, "webImage");
        });

        for (const [env, raw] of [["staging", staging]] as [string, () => RawConfig][]) {
            it(`refuses :latest in ${env} (top-level images and service images)`, () => {
                const message = new RegExp(`"[^"]+:latest" is not pinned \\(:latest\\); ${env} deploys only immutable images`);
                expectProblem({ ...raw(), webImage: "ghcr.io/webstack/web:latest" }, "webImage", message);
                expectProblem({ ...raw(), cacheImage: "redis:latest" }, "cacheImage", message);
                expectProblem({ ...raw(), dbImage: "postgres:latest" }, "dbImage", message);
                expectProblem(withServices(raw(), (s) => { s.worker.image = "ghcr.io/webstack/app:latest"; }), "services.worker.image", message);
            });

            it(`refuses an image without a tag in ${env}, even behind a registry port`, () => {
                const message = /is not pinned \(no tag\)/;
                expectProblem(withServices(raw(), (s) => { s.api.image = "ghcr.io/webstack/app"; }), "services.api.image", message);
                expectProblem({ ...raw(), webImage: "registry.example.com:5000/web" }, "webImage", message);
            });

            it(`accepts a well-formed digest in ${env} and refuses a malformed one`, () => {
                expectProblem({ ...production(), webImage: "ghcr.io/webstack/web@sha256:abc" }, "webImage", /has a malformed digest/);
                expectNoProblem({ ...raw(), webImage: `ghcr.io/webstack/web@sha256:${"a".repeat(64)}` }, "webImage");
                expectProblem({ ...raw(), webImage: "ghcr.io/webstack/web@sha256:abc" }, "webImage", /has a malformed digest/);
            });
        }

        it("allows :latest and untagged images in local and review stacks", () => {
            expectNoProblem({ ...local(), webImage: "webstack/web:latest", cacheImage: "redis" }, "webImage");
            expectNoProblem({ ...rawConfigOf("stacks/review.yaml"), webImage: "webstack/web" });
        });

        it("refuses images with whitespace and missing service images", () => {
            expectProblem({ ...local(), webImage: "webstack/web :dev" }, "webImage", /contains whitespace/);
            expectProblem(withServices(local(), (s) => { delete s.api.image; }), "services.api.image", /is required/);
        });

        it("checks the edge image on Docker only", () => {
            expectProblem({ ...local(), environment: "staging", corsOrigins: "[\"https://a.example.com\"]", logLevel: "info", edgeImage: "nginx" }, "edgeImage", /no tag/);
            expectNoProblem({ ...staging(), edgeImage: "nginx" }, "edgeImage");
        });
    });

    describe("production rules", () => {
        it("refuses CORS \"*\" in production but not in local", () => {
            expectProblem({ ...production(), corsOrigins: "[\"*\"]" }, "corsOrigins", /allows every origin \("\*"\) in production/);
            expectNoProblem({ ...local(), corsOrigins: "[\"*\"]" }, "corsOrigins");
        });

        it("refuses plain http origins in staging and production", () => {
            expectProblem({ ...production(), corsOrigins: "[\"http://webstack.example.com\"]" }, "corsOrigins", /is plain http in production/);
            expectProblem({ ...staging(), corsOrigins: "[\"http://staging.example.com\"]" }, "corsOrigins", /is plain http in staging/);
        });

        it("refuses debug logs in production but not in local", () => {
            expectProblem({ ...production(), logLevel: "debug" }, "logLevel", /is debug in production/);
            expectNoProblem({ ...local(), logLevel: "debug" }, "logLevel");
        });

        it("refuses a public service with one replica in production", () => {
            const raw = withServices(production(), (s) => { s.api.replicas = 1; delete s.api.autoscale; });
            expectProblem(raw, "services.api.replicas", /is 1; production needs at least 2 replicas of a public service/);
        });

        it("accepts one configured replica when the autoscaler keeps at least two", () => {
            expectNoProblem(withServices(production(), (s) => { s.api.replicas = 1; s.api.autoscale = { min: 2, max: 4 }; }), "services.api");
        });

        it("refuses a public service whose autoscaler may go down to one replica in production", () => {
            // The Deployment and the HPA both use autoscale.min, so replicas: 3 does not help.
            const raw = withServices(production(), (s) => { s.api.replicas = 3; s.api.autoscale = { min: 1, max: 6 }; });
            expectProblem(raw, "services.api.autoscale.min", /production needs at least 2 replicas/);
        });

        it("refuses a single replica of the static site in production (it is public too)", () => {
            const raw = { ...production() };
            delete raw.webReplicas;
            expectProblem(raw, "webReplicas", /at least 2/);
        });

        it("lets non-public services and other environments run one replica", () => {
            expectNoProblem(withServices(production(), (s) => { s.worker.replicas = 1; }), "services.worker");
            expectNoProblem(withServices(staging(), (s) => { s.api.replicas = 1; }), "services.api");
        });

        it("requires backups in production, with an external database too", () => {
            const raw = { ...production() };
            delete raw.dbBackupSchedule;
            expectProblem(raw, "dbBackupSchedule", /is empty in production/);
            expectProblem({ ...raw, dbMode: "external", dbAdminUrl: "postgresql://admin:pw@db.example.com:5432/app" }, "dbBackupSchedule", /is empty in production/);
        });

        it("requires a TLS issuer for staging and production on Kubernetes", () => {
            const raw = { ...staging() };
            delete raw.tlsIssuer;
            expectProblem(raw, "tlsIssuer", /is empty; staging serves public traffic over TLS only/);
            expectNoProblem({ ...rawConfigOf("stacks/review.yaml") }, "tlsIssuer");
        });
    });

    describe("database mode", () => {
        it("refuses external mode without dbAdminUrl", () => {
            expectProblem({ ...staging(), dbMode: "external" }, "dbAdminUrl", /external mode needs the managed instance's admin URL/);
        });

        it("refuses an admin URL without credentials", () => {
            expectProblem({ ...staging(), dbMode: "external", dbAdminUrl: "postgresql://db.example.com:5432/app" }, "dbAdminUrl", /external mode needs/);
        });

        it("refuses an admin URL stored in plain text (not set with --secret)", () => {
            const raw = { ...staging(), dbMode: "external", dbAdminUrl: "postgresql://admin:s3cret@db.example.com:5432/app" };
            const problems = problemsOf(raw, "staging", TEST_NOW, []);
            expect(problems.map((p) => p.key)).to.deep.equal(["dbAdminUrl"]);
            expect(problems[0].message).to.match(/plain text/);
            expect(problems[0].fix).to.include("--secret");
            expect(problemsOf(raw, "staging", TEST_NOW, ["dbAdminUrl"])).to.deep.equal([]);
        });

        it("accepts external mode with an admin URL", () => {
            expectNoProblem({ ...staging(), dbMode: "external", dbAdminUrl: "postgresql://admin:s3cret@db.example.com:5432/app" });
        });

        it("refuses statefulset on docker and container on kubernetes", () => {
            expectProblem({ ...local(), dbMode: "statefulset" }, "dbMode", /statefulset mode needs Kubernetes, but target is docker/);
            expectProblem({ ...staging(), dbMode: "container" }, "dbMode", /container mode runs PostgreSQL as a Docker container, but target is kubernetes/);
        });
    });

    describe("services", () => {
        for (const name of ["DB_PASSWORD", "STRIPE_SECRET", "GITHUB_TOKEN", "SIGNING_KEY", "DATABASE_URL", "REDIS_URL", "PRIVATE_PEM", "PARTNER_API_KEY"]) {
            it(`refuses the secret-looking env name ${name}`, () => {
                const raw = withServices(local(), (s) => { s.api.env = { [name]: "x" }; });
                expectProblem(raw, `services.api.env.${name}`, /looks like a credential/);
            });
        }

        it("accepts plain env names and refuses lower-case ones", () => {
            expectNoProblem(withServices(local(), (s) => { s.api.env = { FEATURE_X: "on", PAGE_SIZE: 50 }; }), "services.api");
            expectProblem(withServices(local(), (s) => { s.api.env = { feature: "on" }; }), "services.api.env.feature", /is not an upper-case environment variable name/);
        });

        it("refuses unknown configuration keys", () => {
            expectProblem({ ...local(), apiReplicas: "2" } as RawConfig, "apiReplicas", /is not a known configuration key/);
        });

        it("refuses unknown service fields", () => {
            const raw = withServices(local(), (s) => { s.api.replica = 2; s.worker.image_tag = "x"; });
            expectProblem(raw, "services.api.replica", /is not a known service setting/);
            expectProblem(raw, "services.worker.image_tag", /is not a known service setting/);
        });

        it("refuses two services that run migrations", () => {
            const raw = withServices(local(), (s) => { s.admin = { kind: "api", image: "webstack/app:dev", port: 8001, hostPort: 8001, uses: ["db"] }; });
            expectProblem(raw, "services", /more than one service runs migrations \(api, admin\)/);
            expectNoProblem(withServices(local(), (s) => { s.admin = { kind: "api", image: "webstack/app:dev", port: 8001, hostPort: 8001, uses: ["db"], migrate: false }; }), "services");
        });

        it("refuses a scheduler with two replicas", () => {
            expectProblem(withServices(local(), (s) => { s.scheduler.replicas = 2; }), "services.scheduler.replicas", /a scheduler must run exactly one replica/);
        });

        it("refuses service names that are not DNS labels and unknown kinds", () => {
            expectProblem(withServices(local(), (s) => { s.Search_Engine = { kind: "internal", image: "x:1", port: 9200 }; }), "services.Search_Engine", /is not a DNS label/);
            expectProblem(withServices(local(), (s) => { s.api.kind = "web"; }), "services.api.kind", /must be one of api, internal, worker, scheduler/);
        });

        it("refuses service names the platform's own workloads already use (db, cache, web, <migrator>-migrate)", () => {
            // db/cache/web: same Kubernetes Service name and pod selector as the built-in workload.
            // api-migrate: the database would get the client "api-migrate" twice (ManagedDb throws halfway through registration).
            const refused: string[] = [];
            for (const reserved of ["db", "cache", "web", "api-migrate"]) {
                const raw = withServices(staging(), (s) => { s[reserved] = { kind: "internal", image: "ghcr.io/webstack/x:1.0.0", port: 9000, uses: ["db"] }; });
                if (problemsOf(raw).some((p) => p.key === `services.${reserved}`)) {
                    refused.push(reserved);
                }
            }
            expect(refused).to.deep.equal(["db", "cache", "web", "api-migrate"]);
        });

        it("refuses an internal service without a port, a public worker and bad dependencies", () => {
            expectProblem(withServices(local(), (s) => { s.search = { kind: "internal", image: "x:1" }; }), "services.search.port", /needs the port it listens on/);
            expectProblem(withServices(local(), (s) => { s.worker.public = true; }), "services.worker.public", /a worker has no HTTP service to expose/);
            expectProblem(withServices(local(), (s) => { s.worker.uses = ["db", "queue"]; }), "services.worker.uses", /unknown dependency "queue"/);
            expectProblem(withServices(local(), (s) => { s.worker.uses = "db"; }), "services.worker.uses", /must be a list of strings/);
        });

        it("refuses migrations without the database", () => {
            expectProblem(withServices(local(), (s) => { s.api.uses = ["cache"]; s.api.migrate = true; }), "services.api.migrate", /migrations need the database/);
        });

        it("refuses bad ports, replicas, quantities and autoscale bounds", () => {
            expectProblem(withServices(local(), (s) => { s.api.port = 70000; }), "services.api.port", /must be an integer from 1 to 65535/);
            expectProblem(withServices(local(), (s) => { s.worker.replicas = 1.5; }), "services.worker.replicas", /must be an integer from 0 to 100/);
            expectProblem(withServices(local(), (s) => { s.api.resources = { cpu: "lots" }; }), "services.api.resources.cpu", /is not a Kubernetes quantity/);
            expectProblem(withServices(local(), (s) => { s.api.autoscale = { min: 3, max: 2 }; }), "services.api.autoscale", /max \(2\) is below min \(3\)/);
            expectProblem(withServices(local(), (s) => { s.api.autoscale = { min: 3 }; }), "services.api.autoscale.max", /is required/);
            expectProblem(withServices(local(), (s) => { s.api.healthPath = "health"; }), "services.api.healthPath", /must be a path starting with \//);
        });

        it("refuses two services on the same hostPort", () => {
            const raw = withServices(local(), (s) => { s.admin = { kind: "api", image: "webstack/app:dev", port: 8001, hostPort: 8000, migrate: false }; });
            expectProblem(raw, "services", /two services publish the same hostPort/);
        });
    });

    describe("one error lists every problem", () => {
        it("reports six independent problems in one ConfigError, each with its key and fix", () => {
            const raw: RawConfig = {
                ...withServices(production(), (s) => { s.worker.image = "ghcr.io/webstack/app:latest"; }),
                logLevel: "debug",
                corsOrigins: "[\"*\"]",
                gitSha: "not-a-sha",
                webImage: "ghcr.io/webstack/web:latest",
                dbBackupSchedule: "",
            };
            const err = errorOf(raw, "production");
            const keys = err.problems.map((p) => p.key).sort();
            expect(keys).to.deep.equal(["corsOrigins", "dbBackupSchedule", "gitSha", "logLevel", "services.worker.image", "webImage"]);
            expect(err.name).to.equal("ConfigError");
            expect(err.stack).to.be.a("string");
            expect(err.message.split("\n")[0]).to.equal("Stack \"production\" has 6 configuration problems:");
            const lines = err.message.split("\n").slice(1);
            expect(lines).to.have.length(6);
            for (const p of err.problems) {
                expect(lines.some((l) => l.startsWith(`  - webstack:${p.key} ${p.message}. Fix: ${p.fix}.`)), p.key).to.equal(true);
            }
        });

        it("says \"1 configuration problem\" for exactly one", () => {
            const err = errorOf({ ...local(), logLevel: "loud" }, "local");
            expect(err.problems).to.have.length(1);
            expect(err.message.split("\n")[0]).to.equal("Stack \"local\" has 1 configuration problem:");
        });

        it("collects missing keys, malformed values and service problems together", () => {
            const raw = withServices({ ...local(), target: "", gitSha: "XYZ", extra: "1" } as RawConfig, (s) => { s.scheduler.replicas = 3; s.api.env = { DB_PASSWORD: "x" }; });
            const keys = problemsOf(raw).map((p) => p.key).sort();
            expect(keys).to.deep.equal(["extra", "gitSha", "services.api.env.DB_PASSWORD", "services.scheduler.replicas", "target"]);
        });
    });
});

describe("the program with an invalid configuration", () => {
    async function rejection(config: Record<string, string>, stack: string): Promise<any> {
        try {
            await runProgram(config, { stack });
        } catch (e) {
            return e;
        }
        throw new Error("expected the program to fail");
    }

    it("registers resources when the configuration is valid (control for the checks below)", async () => {
        const run = await runProgram(stackConfig("Pulumi.local.yaml"), { stack: "local" });
        await settle(() => monitorUrns().length);
        expect(run.resources.length).to.be.greaterThan(10);
        // The monitor also saw the one read: the StackReference to the stack itself (rotation state).
        const reads = monitorUrns().filter((u) => u.includes("::pulumi:pulumi:StackReference::"));
        expect(reads).to.have.length(1);
        expect(monitorUrns().length).to.equal(run.resources.length + reads.length);
    });

    it("rejects with a ConfigError before registering any resource", async () => {
        const config = { ...stackConfig("Pulumi.local.yaml"), "webstack:logLevel": "loud", "webstack:gitSha": "nope" };
        const err = await rejection(config, "local");
        await settle(() => monitorUrns().length);
        expect(err.name).to.equal("ConfigError");
        expect(err.problems.map((p: Problem) => p.key).sort()).to.deep.equal(["gitSha", "logLevel"]);
        expect(monitorUrns()).to.deep.equal([]);
    });

    it("registers nothing when only a late, cross-key rule fails (production replicas)", async () => {
        const base = stackConfig("Pulumi.production.yaml");
        const svc = JSON.parse(base["webstack:services"]);
        svc.api.replicas = 1;
        delete svc.api.autoscale;
        const err = await rejection({ ...base, "webstack:services": JSON.stringify(svc) }, "production");
        await settle(() => monitorUrns().length);
        expect(err.name).to.equal("ConfigError");
        expect(err.problems.map((p: Problem) => p.key)).to.deep.equal(["services.api.replicas"]);
        expect(monitorUrns()).to.deep.equal([]);
    });

    it("registers nothing when a critical key is missing", async () => {
        const config = { ...stackConfig("Pulumi.staging.yaml") };
        delete config["webstack:webImage"];
        const err = await rejection(config, "staging");
        await settle(() => monitorUrns().length);
        expect(err.problems.map((p: Problem) => p.key)).to.include("webImage");
        expect(monitorUrns()).to.deep.equal([]);
    });

    it("registers nothing for a service named <migrator>-migrate (it must be a ConfigError, not a failure halfway)", async () => {
        const base = stackConfig("Pulumi.local.yaml");
        const svc = JSON.parse(base["webstack:services"]);
        svc["api-migrate"] = { kind: "worker", image: "webstack/app:dev", uses: ["db"] };
        const err = await rejection({ ...base, "webstack:services": JSON.stringify(svc) }, "local");
        await settle(() => monitorUrns().length);
        expect(monitorUrns(), `rejected with ${err?.name}: ${err?.message}`).to.deep.equal([]);
        expect(err.name).to.equal("ConfigError");
    });

    it("fails on a WEBSTACK_CLOCK that is not a date, before registering anything", async () => {
        let err: any;
        try {
            await runProgram(stackConfig("Pulumi.local.yaml"), { stack: "local", clock: "next tuesday" });
        } catch (e) {
            err = e;
        }
        await settle(() => monitorUrns().length);
        expect(String(err?.message)).to.include("WEBSTACK_CLOCK=\"next tuesday\" is not a date");
        expect(monitorUrns()).to.deep.equal([]);
    });
});
