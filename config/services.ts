/**
 * The `services` config key: which workloads exist and how they run. Parsed
 * into ServiceSettings with every default resolved once, here.
 */
import { EnvironmentName } from "./schema";
import { Problem } from "./problems";

export const SERVICE_KINDS = ["api", "internal", "worker", "scheduler"] as const;
export type ServiceKind = (typeof SERVICE_KINDS)[number];
export type Dependency = "db" | "cache";

export interface Resources {
    /** @default "100m" */
    cpu: string;
    /** @default "128Mi" */
    memory: string;
    /** @default "500m" */
    cpuLimit: string;
    /** @default "256Mi" */
    memoryLimit: string;
}

export interface Autoscale {
    min: number;
    max: number;
    /** Target average CPU utilisation. @default 70 */
    cpuPercent: number;
}

export interface ServiceSettings {
    name: string;
    kind: ServiceKind;
    image: string;
    /** Container command; undefined keeps the image's entrypoint. */
    command?: string[];
    /** Port the process listens on (api and internal: served; worker, scheduler: health only). */
    port: number;
    replicas: number;
    autoscale?: Autoscale;
    uses: Dependency[];
    /** Reachable from outside the platform (Ingress with TLS / loopback port on Docker). */
    public: boolean;
    /** Docker only: loopback port to publish a public service on. */
    hostPort?: number;
    env: Record<string, string>;
    resources: Resources;
    /** Command of the migration job run before this service serves a new version. */
    migrateCommand?: string[];
    /** Receives a JWT signing key (current and previous, with kid). */
    jwt: boolean;
    /** Extra generated credentials delivered as <PREFIX>__<NAME>. */
    generatedSecrets: string[];
    /**
     * Externally issued secrets (payment keys, SMTP passwords, DSNs) delivered
     * as <PREFIX>__<NAME>, secret only; values come from `pulumi config set --secret`.
     */
    secrets: ExternalSecret[];
    /** HTTP liveness path, or undefined for a TCP check. */
    healthPath?: string;
    /** HTTP readiness path, or undefined for a TCP check. */
    readyPath?: string;
    /** Docker HEALTHCHECK test, e.g. ["CMD", "node", "dist/healthcheck.js", "http://127.0.0.1:8000/ready"]. */
    healthcheck?: string[];
    /** Scheduler interval in seconds. */
    scheduleSeconds?: number;
    /** UID the container runs as. @default 10001 */
    runAsUser: number;
}

/** One entry of a service's `secrets`: NAME: {config: <key>, issued: YYYY-MM-DD}. */
export interface ExternalSecret {
    /** Variable name without the service prefix: STRIPE_KEY -> API__STRIPE_KEY. */
    name: string;
    /** Stack config key (without the project prefix) holding the value, set with --secret. */
    config: string;
    /** The date the issuer issued this value; rotating-secrets measures its age from it. */
    issued: string;
    /** The value, filled in by loadSettings from the stack's config. */
    value: string;
}

const DEFAULT_COMMANDS: Record<ServiceKind, string[] | undefined> = {
    api: ["node", "dist/api.js"],
    internal: undefined,
    worker: ["node", "dist/worker.js"],
    scheduler: ["node", "dist/worker.js", "--scheduler"],
};

/** Names of the platform's own workloads, which a service must not take. */
const RESERVED = ["db", "cache", "web", "edge", "private", "namespace", "default-deny"];
const SECRET_LOOKING = /(PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE|API_KEY|_KEY$|DATABASE_URL|REDIS_URL)/i;
const NAME = /^[a-z][a-z0-9-]{0,30}$/;
const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|Mi|Gi|Ki|M|G)?$/;

/** Environment-variable prefix for a service: api -> API, search-engine -> SEARCH_ENGINE. */
export function envPrefix(service: string): string {
    return service.toUpperCase().replace(/-/g, "_");
}

type Raw = Record<string, unknown>;

function isObject(v: unknown): v is Raw {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Parses and validates `services`; appends every problem found to `problems`. */
export function parseServices(raw: unknown, env: EnvironmentName, problems: Problem[]): ServiceSettings[] {
    const key = "services";
    if (!isObject(raw) || Object.keys(raw).length === 0) {
        problems.push({ key, message: "must be a map of service name to settings with at least one service", fix: "add e.g. services: {api: {kind: api, image: registry/app:1.0.0}}" });
        return [];
    }
    const result: ServiceSettings[] = [];
    for (const [name, value] of Object.entries(raw)) {
        const at = `${key}.${name}`;
        if (RESERVED.includes(name) || /-(migrate|access|backup)$/.test(name)) {
            problems.push({ key: at, message: `"${name}" is reserved for the platform's own workloads`, fix: `choose another name; ${RESERVED.join(", ")} and names ending in -migrate, -access or -backup are taken` });
        }
        if (!NAME.test(name)) {
            problems.push({ key: at, message: `service name "${name}" is not a DNS label`, fix: "use lower-case letters, digits and '-', starting with a letter, at most 31 characters" });
        }
        if (!isObject(value)) {
            problems.push({ key: at, message: "must be an object", fix: "give at least kind and image" });
            continue;
        }
        const parsed = parseService(name, value, env, at, problems);
        if (parsed) {
            result.push(parsed);
        }
    }
    const migrating = result.filter((s) => s.migrateCommand);
    if (migrating.length > 1) {
        problems.push({ key, message: `more than one service runs migrations (${migrating.map((s) => s.name).join(", ")})`, fix: "set migrate: false on all but one service" });
    }
    const hostPorts = result.filter((s) => s.hostPort !== undefined).map((s) => s.hostPort);
    if (new Set(hostPorts).size !== hostPorts.length) {
        problems.push({ key, message: "two services publish the same hostPort", fix: "give each public service its own hostPort" });
    }
    return result;
}

function parseService(name: string, raw: Raw, env: EnvironmentName, at: string, problems: Problem[]): ServiceSettings | undefined {
    const known = new Set(["kind", "image", "command", "port", "replicas", "autoscale", "uses", "public", "hostPort", "env", "resources", "migrate", "migrateCommand", "jwt", "generatedSecrets", "healthPath", "readyPath", "healthcheck", "scheduleSeconds", "runAsUser", "secrets"]);
    for (const k of Object.keys(raw)) {
        if (!known.has(k)) {
            problems.push({ key: `${at}.${k}`, message: "is not a known service setting", fix: `remove it or use one of: ${[...known].join(", ")}` });
        }
    }
    const kind = raw.kind as ServiceKind;
    if (!SERVICE_KINDS.includes(kind)) {
        problems.push({ key: `${at}.kind`, message: `must be one of ${SERVICE_KINDS.join(", ")} (got ${JSON.stringify(raw.kind)})`, fix: "set kind: api for a public HTTP service, internal for a private one, worker or scheduler" });
        return undefined;
    }
    const image = typeof raw.image === "string" ? raw.image : "";
    problems.push(...imageProblems(`${at}.image`, image, env));

    const served = kind === "api" || kind === "internal";
    const port = int(raw.port, served ? (kind === "api" ? 8000 : undefined) : 8081, `${at}.port`, problems, 1, 65535);
    const replicas = int(raw.replicas, 1, `${at}.replicas`, problems, 0, 100) ?? 1;
    if (kind === "scheduler" && replicas !== 1) {
        problems.push({ key: `${at}.replicas`, message: "a scheduler must run exactly one replica, or jobs are enqueued twice", fix: "set replicas: 1" });
    }
    const uses = stringList(raw.uses, `${at}.uses`, problems) ?? [];
    for (const u of uses) {
        if (u !== "db" && u !== "cache") {
            problems.push({ key: `${at}.uses`, message: `unknown dependency "${u}"`, fix: "use db and/or cache" });
        }
    }
    const envVars = parseEnv(raw.env, `${at}.env`, problems);
    const isPublic = bool(raw.public, kind === "api", `${at}.public`, problems);
    const datastore = datastoreOfImage(image);
    if (datastore && isPublic) {
        problems.push({
            key: `${at}.public`,
            message: `runs ${datastore} (image "${image}") and is public; a database or cache is never reachable from outside`,
            fix: `remove this service and use the platform's own ${/Redis|Memcached|Valkey|KeyDB|Dragonfly/.test(datastore) ? "cache (uses: [cache])" : "database (uses: [db]; dbMode: external for a managed instance)"}, which is private and gives each client its own credential; or set public: false and reach it with kubectl port-forward / docker exec`,
        });
    }
    if (isPublic && !served) {
        problems.push({ key: `${at}.public`, message: `a ${kind} has no HTTP service to expose`, fix: "remove public: true" });
    }
    const migrate = bool(raw.migrate, kind === "api" && uses.includes("db"), `${at}.migrate`, problems);
    const migrateCommand = migrate ? stringList(raw.migrateCommand, `${at}.migrateCommand`, problems) ?? ["node", "dist/migrate.js"] : undefined;
    if (migrate && !uses.includes("db")) {
        problems.push({ key: `${at}.migrate`, message: "migrations need the database", fix: "add db to uses or set migrate: false" });
    }
    const command = stringList(raw.command, `${at}.command`, problems) ?? DEFAULT_COMMANDS[kind];
    const http = kind !== "internal";
    const healthPath = optString(raw.healthPath, `${at}.healthPath`, problems) ?? (http ? "/health" : undefined);
    const readyPath = optString(raw.readyPath, `${at}.readyPath`, problems) ?? (kind === "api" ? "/ready" : healthPath);
    const defaultHealthcheck = port !== undefined && readyPath ? ["CMD", "node", "dist/healthcheck.js", `http://127.0.0.1:${port}${readyPath}`] : undefined;
    const autoscale = parseAutoscale(raw.autoscale, `${at}.autoscale`, replicas, problems);
    const scheduleSeconds = kind === "scheduler" ? int(raw.scheduleSeconds, 60, `${at}.scheduleSeconds`, problems, 1, 86400) : undefined;
    if (port === undefined && served) {
        problems.push({ key: `${at}.port`, message: `an ${kind} service needs the port it listens on`, fix: "set port: <number>" });
    }
    return {
        name,
        kind,
        image,
        command,
        port: port ?? 0,
        replicas,
        autoscale,
        uses: uses.filter((u): u is Dependency => u === "db" || u === "cache"),
        public: isPublic,
        hostPort: int(raw.hostPort, undefined, `${at}.hostPort`, problems, 1, 65535),
        env: envVars,
        resources: parseResources(raw.resources, `${at}.resources`, problems),
        migrateCommand,
        jwt: bool(raw.jwt, kind === "api", `${at}.jwt`, problems),
        generatedSecrets: (stringList(raw.generatedSecrets, `${at}.generatedSecrets`, problems) ?? []).map((s) => s.toUpperCase()),
        healthPath,
        readyPath,
        healthcheck: stringList(raw.healthcheck, `${at}.healthcheck`, problems) ?? defaultHealthcheck,
        scheduleSeconds,
        runAsUser: int(raw.runAsUser, 10001, `${at}.runAsUser`, problems, 1, 2147483647) ?? 10001,
        secrets: parseExternalSecrets(raw.secrets, `${at}.secrets`, problems),
    };
}

const CONFIG_KEY = /^[a-z][A-Za-z0-9]{0,62}$/;

function parseExternalSecrets(raw: unknown, key: string, problems: Problem[]): ExternalSecret[] {
    if (raw === undefined) {
        return [];
    }
    const example = "secrets: {STRIPE_KEY: {config: stripeKey, issued: 2026-11-01}}";
    if (!isObject(raw)) {
        problems.push({ key, message: "must be a map of NAME: {config, issued}", fix: `write ${example}` });
        return [];
    }
    const out: ExternalSecret[] = [];
    for (const [name, entry] of Object.entries(raw)) {
        const at = `${key}.${name}`;
        if (!/^[A-Z][A-Z0-9_]*$/.test(name)) {
            problems.push({ key: at, message: "is not an upper-case environment variable name", fix: "use A-Z, 0-9 and _, starting with a letter" });
        }
        if (!isObject(entry)) {
            problems.push({ key: at, message: "must be {config: <key>, issued: <YYYY-MM-DD>}", fix: `write ${example}` });
            continue;
        }
        for (const k of Object.keys(entry)) {
            if (k !== "config" && k !== "issued") {
                problems.push({ key: `${at}.${k}`, message: "is not a known setting of a secret", fix: "use config and issued only; the value itself goes in with pulumi config set --secret" });
            }
        }
        const config = typeof entry.config === "string" ? entry.config : "";
        if (!CONFIG_KEY.test(config)) {
            problems.push({ key: `${at}.config`, message: `must name the config key that holds the value (got ${JSON.stringify(entry.config)})`, fix: `use a camelCase key and set it with: pulumi config set --secret ${CONFIG_KEY.test(config) ? config : "stripeKey"} <value>` });
        }
        // YAML reads an unquoted 2026-11-01 as a date.
        const issued = entry.issued instanceof Date ? entry.issued.toISOString().slice(0, 10) : typeof entry.issued === "string" ? entry.issued : "";
        if (!/^\d{4}-\d{2}-\d{2}$/.test(issued) || Number.isNaN(Date.parse(issued))) {
            problems.push({ key: `${at}.issued`, message: `must be the date the value was issued, YYYY-MM-DD (got ${JSON.stringify(entry.issued)})`, fix: "write issued: 2026-11-01 and update it with every new value" });
        }
        out.push({ name, config, issued, value: "" });
    }
    return out;
}

/**
 * Products whose images the config refuses to publish (repository name, the
 * last path segment without registry, tag or digest). The policy pack's
 * no-public-database keeps the full table; this is the defense in depth.
 */
const DATASTORE_NAMES: Record<string, string> = {
    postgres: "PostgreSQL", postgresql: "PostgreSQL", postgis: "PostgreSQL", timescaledb: "PostgreSQL", pgvector: "PostgreSQL",
    mysql: "MySQL", "mysql-server": "MySQL", "percona-server": "MySQL", mariadb: "MariaDB",
    mongo: "MongoDB", mongodb: "MongoDB", "mongodb-community-server": "MongoDB",
    redis: "Redis", "redis-stack": "Redis", "redis-stack-server": "Redis", valkey: "Valkey", keydb: "KeyDB", dragonfly: "Dragonfly",
    memcached: "Memcached", elasticsearch: "Elasticsearch", opensearch: "OpenSearch", cassandra: "Cassandra", scylla: "Cassandra",
    "clickhouse-server": "ClickHouse", clickhouse: "ClickHouse", couchdb: "CouchDB", neo4j: "Neo4j", influxdb: "InfluxDB",
    cockroach: "CockroachDB", "mssql-server": "SQL Server",
};

/** The datastore an image runs (PostgreSQL, Redis, ...), whatever its registry, tag or digest. */
export function datastoreOfImage(image: string): string | undefined {
    const path = image.split("@")[0].split("/");
    const last = (path[path.length - 1] ?? "").split(":")[0].toLowerCase();
    return DATASTORE_NAMES[last];
}

/** Image references must be immutable outside local and review stacks, and carry a digest in production. */
export function imageProblems(key: string, image: string, env: EnvironmentName): Problem[] {
    if (!image) {
        return [{ key, message: "is required", fix: "set an image reference such as registry.example.com/app:1.4.2 or ...@sha256:<digest>" }];
    }
    if (/\s/.test(image)) {
        return [{ key, message: `"${image}" contains whitespace`, fix: "remove the spaces" }];
    }
    if (image.includes("@sha256:")) {
        return /@sha256:[0-9a-f]{64}$/.test(image) ? [] : [{ key, message: `"${image}" has a malformed digest`, fix: "use @sha256: followed by 64 hex characters" }];
    }
    if (env === "production") {
        return [{
            key,
            message: `"${image}" has no digest; production runs only images pinned by digest (@sha256:), the exact bytes staging ran, since a tag can be moved to other bytes`,
            fix: "promote with the promote-production workflow, which writes the digests deploy-staging recorded, or set <repository>@sha256:<64 hex> (docker buildx imagetools inspect <image> prints the digest)",
        }];
    }
    const lastSegment = image.split("/").pop() ?? image;
    const tag = lastSegment.includes(":") ? lastSegment.split(":").pop() : undefined;
    const strict = env === "staging";
    if (strict && (!tag || tag === "latest")) {
        return [{ key, message: `"${image}" is not pinned (${tag ? ":latest" : "no tag"}); ${env} deploys only immutable images`, fix: "use the commit-SHA tag or an @sha256 digest of a tested image" }];
    }
    return [];
}

function parseEnv(raw: unknown, key: string, problems: Problem[]): Record<string, string> {
    if (raw === undefined) {
        return {};
    }
    if (!isObject(raw)) {
        problems.push({ key, message: "must be a map of NAME: value", fix: "write env: {FEATURE_X: \"on\"}" });
        return {};
    }
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(raw)) {
        if (!/^[A-Z_][A-Z0-9_]*$/.test(name)) {
            problems.push({ key: `${key}.${name}`, message: "is not an upper-case environment variable name", fix: "use A-Z, 0-9 and _" });
        }
        if (SECRET_LOOKING.test(name)) {
            problems.push({ key: `${key}.${name}`, message: "looks like a credential; plain env values end up in git, state and logs", fix: "use uses: [db, cache], jwt: true or generatedSecrets: [NAME] so the value is generated, secret and rotated" });
        }
        if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
            problems.push({ key: `${key}.${name}`, message: "must be a string, number or boolean", fix: "quote the value" });
            continue;
        }
        out[name] = String(value);
    }
    return out;
}

function parseResources(raw: unknown, key: string, problems: Problem[]): Resources {
    const r: Raw = isObject(raw) ? raw : {};
    if (raw !== undefined && !isObject(raw)) {
        problems.push({ key, message: "must be an object", fix: "write resources: {cpu: 100m, memory: 128Mi, cpuLimit: 500m, memoryLimit: 256Mi}" });
    }
    const q = (name: keyof Resources, dflt: string): string => {
        const v = r[name] ?? dflt;
        if (typeof v !== "string" || !QUANTITY.test(v)) {
            problems.push({ key: `${key}.${name}`, message: `"${String(v)}" is not a Kubernetes quantity`, fix: "use e.g. 250m for CPU or 256Mi for memory" });
            return dflt;
        }
        return v;
    };
    return { cpu: q("cpu", "100m"), memory: q("memory", "128Mi"), cpuLimit: q("cpuLimit", "500m"), memoryLimit: q("memoryLimit", "256Mi") };
}

function parseAutoscale(raw: unknown, key: string, replicas: number, problems: Problem[]): Autoscale | undefined {
    if (raw === undefined) {
        return undefined;
    }
    if (!isObject(raw)) {
        problems.push({ key, message: "must be an object", fix: "write autoscale: {min: 2, max: 6}" });
        return undefined;
    }
    const min = int(raw.min, replicas, `${key}.min`, problems, 1, 1000) ?? replicas;
    const max = int(raw.max, undefined, `${key}.max`, problems, 1, 1000);
    if (max === undefined) {
        problems.push({ key: `${key}.max`, message: "is required", fix: "set the most replicas the autoscaler may run" });
        return undefined;
    }
    if (max < min) {
        problems.push({ key, message: `max (${max}) is below min (${min})`, fix: "raise max or lower min" });
    }
    return { min, max, cpuPercent: int(raw.cpuPercent, 70, `${key}.cpuPercent`, problems, 1, 100) ?? 70 };
}

function int(v: unknown, dflt: number | undefined, key: string, problems: Problem[], min: number, max: number): number | undefined {
    if (v === undefined) {
        return dflt;
    }
    const n = typeof v === "string" && /^-?\d+$/.test(v) ? Number(v) : v;
    if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) {
        problems.push({ key, message: `must be an integer from ${min} to ${max} (got ${JSON.stringify(v)})`, fix: `set a whole number between ${min} and ${max}` });
        return dflt;
    }
    return n;
}

function bool(v: unknown, dflt: boolean, key: string, problems: Problem[]): boolean {
    if (v === undefined) {
        return dflt;
    }
    if (typeof v === "boolean") {
        return v;
    }
    if (v === "true" || v === "false") {
        return v === "true";
    }
    problems.push({ key, message: `must be true or false (got ${JSON.stringify(v)})`, fix: "write true or false" });
    return dflt;
}

function optString(v: unknown, key: string, problems: Problem[]): string | undefined {
    if (v === undefined) {
        return undefined;
    }
    if (typeof v !== "string" || !v.startsWith("/")) {
        problems.push({ key, message: `must be a path starting with / (got ${JSON.stringify(v)})`, fix: "write e.g. /health" });
        return undefined;
    }
    return v;
}

function stringList(v: unknown, key: string, problems: Problem[]): string[] | undefined {
    if (v === undefined) {
        return undefined;
    }
    if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) {
        problems.push({ key, message: "must be a list of strings", fix: `write ${key.split(".").pop()}: [a, b]` });
        return undefined;
    }
    return v as string[];
}
