/**
 * The typed configuration schema of the `webstack` project: the single source
 * of truth for every config key. Pulumi.yaml's `config:` block and
 * docs/config.md are generated from it (`npm run gen:config`) and a test fails
 * when they drift.
 *
 * Pulumi's project config can type strings, integers, booleans and arrays.
 * Keys whose value is an object (only `services`) are validated here and
 * documented in Pulumi.yaml's comments.
 *
 * A key is `critical` when it has no default at all: every stack must set it
 * explicitly, so staging and production can never fall back to a default for
 * it (Pulumi itself refuses to run a stack that lacks such a key).
 */

export type ConfigType = "string" | "integer" | "boolean" | "array" | "object";

export interface ConfigKey {
    readonly type: ConfigType;
    readonly description: string;
    /** Present only for keys that may be omitted; absent means critical. */
    readonly default?: string | number | boolean | string[];
    /** Allowed values for string keys. */
    readonly enum?: readonly string[];
    /** Pulumi must hold the value encrypted (`pulumi config set --secret`). */
    readonly secret?: boolean;
}

export const ENVIRONMENTS = ["local", "review", "staging", "production"] as const;
export type EnvironmentName = (typeof ENVIRONMENTS)[number];

export const TARGETS = ["docker", "kubernetes"] as const;
export type Target = (typeof TARGETS)[number];

export const CLOUD_PROFILES = ["generic", "aws", "gcp", "azure"] as const;
export type CloudProfileName = (typeof CLOUD_PROFILES)[number];

export const DB_MODES = ["container", "statefulset", "external"] as const;
export type DbMode = (typeof DB_MODES)[number];

export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const schema = {
    environment: {
        type: "string",
        enum: ENVIRONMENTS,
        description: "Which environment this stack is: local, review (ephemeral pr-N), staging or production. Drives validation strictness, never code paths.",
    },
    target: {
        type: "string",
        enum: TARGETS,
        description: "Platform that realizes the workloads: docker (a local Docker engine) or kubernetes (any conformant cluster).",
    },
    cloudProfile: {
        type: "string",
        enum: CLOUD_PROFILES,
        default: "generic",
        description: "Kubernetes profile that picks storage class, ingress class and load-balancer annotations: generic, aws, gcp or azure.",
    },
    ingressClass: {
        type: "string",
        default: "",
        description: "Overrides the profile's ingress class name (Kubernetes only). Empty keeps the profile's choice.",
    },
    storageClass: {
        type: "string",
        default: "",
        description: "Overrides the profile's storage class for database volumes (Kubernetes only). Empty keeps the profile's choice.",
    },
    tlsIssuer: {
        type: "string",
        default: "",
        description: "cert-manager ClusterIssuer that signs the public Ingress certificates. Required for staging and production on Kubernetes.",
    },
    domain: {
        type: "string",
        description: "Public DNS name of the web site; the api is served at api.<domain>. Use localhost for local stacks.",
    },
    appVersion: {
        type: "string",
        description: "Release version stamped into every workload as APP_VERSION, e.g. 1.4.2.",
    },
    gitSha: {
        type: "string",
        description: "Commit the images were built from (7 to 40 hex characters), stamped as GIT_SHA.",
    },
    buildDate: {
        type: "string",
        description: "When the images were built, ISO 8601 (2026-11-20T10:00:00Z), stamped as BUILD_DATE.",
    },
    logLevel: {
        type: "string",
        enum: LOG_LEVELS,
        default: "info",
        description: "Log level of every service: debug, info, warn or error. Production refuses debug.",
    },
    corsOrigins: {
        type: "array",
        description: "Origins allowed to call the api from a browser. Production refuses \"*\".",
    },
    jwtIssuer: {
        type: "string",
        description: "JWT issuer (iss) the api signs and accepts.",
    },
    jwtAudience: {
        type: "string",
        description: "JWT audience (aud) the api signs and accepts.",
    },
    rotationPeriodDays: {
        type: "integer",
        description: "Every generated credential is replaced after this many days; the previous value stays valid for one more period.",
    },
    rotationAnchor: {
        type: "string",
        default: "2026-01-05",
        description: "Date (YYYY-MM-DD) from which rotation periods are counted. Changing it re-issues every credential at once.",
    },
    services: {
        type: "object",
        description: "The services to run, by name: kind (api, internal, worker, scheduler), image, port, replicas, uses (db, cache), env and more. See docs/config.md.",
    },
    dbMode: {
        type: "string",
        enum: DB_MODES,
        description: "How PostgreSQL runs: container (Docker), statefulset (in the cluster) or external (a managed instance whose admin URL is the secret dbAdminUrl).",
    },
    dbImage: {
        type: "string",
        default: "",
        description: "PostgreSQL image (immutable tag or digest; production: digest). In external mode its psql client runs the access job.",
    },
    dbName: {
        type: "string",
        default: "app",
        description: "Name of the application database.",
    },
    dbStorageGi: {
        type: "integer",
        default: 5,
        description: "Size of the database volume in GiB (statefulset mode).",
    },
    dbBackupSchedule: {
        type: "string",
        default: "",
        description: "Cron schedule of logical backups (pg_dump), e.g. \"15 2 * * *\". Required in production.",
    },
    dbBackupRetentionDays: {
        type: "integer",
        default: 7,
        description: "How many days of backups to keep.",
    },
    dbAdminUrl: {
        type: "string",
        default: "",
        secret: true,
        description: "External mode only: postgres:// URL of an administrative login on the managed instance. Set with --secret.",
    },
    cacheImage: {
        type: "string",
        description: "Redis image (immutable tag or digest; production: digest).",
    },
    cachePersistence: {
        type: "boolean",
        default: false,
        description: "Keep Redis data on a volume (append-only file). Off by default: the cache holds queues and caches only.",
    },
    cacheMaxMemoryMb: {
        type: "integer",
        default: 128,
        description: "Redis maxmemory in MiB.",
    },
    webImage: {
        type: "string",
        description: "Static site image (immutable tag or digest; production: digest) serving the built front end on port 8080.",
    },
    webReplicas: {
        type: "integer",
        default: 1,
        description: "Replicas of the static site (Kubernetes).",
    },
    edgeImage: {
        type: "string",
        default: "nginxinc/nginx-unprivileged:1.27.3-alpine",
        description: "Docker only: nginx image of the loopback edge proxy that fronts public services, so they can be replaced without downtime.",
    },
    webHealthcheck: {
        type: "array",
        default: ["CMD", "sh", "/usr/local/bin/webstack-web-healthcheck.sh"],
        description: "Docker only: HEALTHCHECK test of the static site container (the default is the reference web image's own script).",
    },
    webHostPort: {
        type: "integer",
        default: 8080,
        description: "Docker only: loopback port on which the static site is published.",
    },
} as const satisfies Record<string, ConfigKey>;

export type ConfigKeyName = keyof typeof schema;

/** Keys with no default: every stack must set them. */
export const criticalKeys = (Object.keys(schema) as ConfigKeyName[]).filter(
    (k) => !("default" in schema[k]),
);
