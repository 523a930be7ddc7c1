/**
 * Loads the stack's configuration into one typed Settings object, resolving
 * defaults once and validating everything before any resource is registered.
 * `loadSettings` is pure: it takes the raw values, the stack name and the
 * clock, so it is tested without the engine.
 */
import { Problem, ConfigError } from "./problems";
import {
    schema, ConfigKey, ConfigKeyName, EnvironmentName, Target, CloudProfileName, DbMode, LogLevel, ENVIRONMENTS,
} from "./schema";
import { parseServices, imageProblems, ServiceSettings } from "./services";
import { DeployedRotation, Rotation, rotationFor } from "./rotation";

export interface Settings {
    project: string;
    stack: string;
    environment: EnvironmentName;
    target: Target;
    kubernetes: { profile: CloudProfileName; ingressClass: string; storageClass: string; tlsIssuer: string; namespace: string };
    domain: string;
    version: { appVersion: string; gitSha: string; buildDate: string };
    logLevel: LogLevel;
    corsOrigins: string[];
    jwt: { issuer: string; audience: string };
    rotation: Rotation;
    services: ServiceSettings[];
    db: { mode: DbMode; image: string; name: string; storageGi: number; backupSchedule: string; backupRetentionDays: number; adminUrl: string };
    cache: { image: string; persistence: boolean; maxMemoryMb: number };
    web: { image: string; replicas: number; hostPort: number; healthcheck: string[] };
    docker: { edgeImage: string };
}

/** Raw values as Pulumi hands them over: strings, or JSON for arrays and objects. */
export type RawConfig = Partial<Record<ConfigKeyName, string>>;

const STRICT: readonly EnvironmentName[] = ["staging", "production"];

/**
 * `secretKeys` names the keys the engine holds encrypted; a key the schema
 * marks secret must be one of them when set, or its value sits in git in
 * plain text.
 */
export function loadSettings(raw: RawConfig, stack: string, now: Date, project = "webstack", secretKeys: readonly string[] = [], deployed?: DeployedRotation): Settings {
    const problems: Problem[] = [];
    for (const key of Object.keys(schema) as ConfigKeyName[]) {
        const spec: ConfigKey = schema[key];
        if (spec.secret && raw[key] && !secretKeys.includes(key)) {
            problems.push({ key, message: "is stored in plain text but holds a credential", fix: `pulumi config set --secret ${key} <value>` });
        }
    }
    const value = readValues(raw, problems);
    const environment = value("environment") as EnvironmentName;
    const env: EnvironmentName = ENVIRONMENTS.includes(environment) ? environment : "local";
    const strict = STRICT.includes(env);

    const gitSha = value("gitSha") as string;
    if (gitSha && !/^[0-9a-f]{7,40}$/.test(gitSha)) {
        problems.push({ key: "gitSha", message: `"${gitSha}" is not a commit SHA`, fix: "use 7 to 40 lower-case hex characters, e.g. the output of git rev-parse --short HEAD" });
    }
    const buildDate = value("buildDate") as string;
    if (buildDate && Number.isNaN(Date.parse(buildDate))) {
        problems.push({ key: "buildDate", message: `"${buildDate}" is not an ISO 8601 date`, fix: "use e.g. 2026-11-20T10:00:00Z" });
    }
    const domain = value("domain") as string;
    if (domain && !/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/.test(domain)) {
        problems.push({ key: "domain", message: `"${domain}" is not a DNS name`, fix: "use lower-case labels separated by dots, e.g. staging.example.com" });
    }
    const corsOrigins = (value("corsOrigins") as string[] | undefined) ?? [];
    for (const origin of corsOrigins) {
        if (origin === "*") {
            if (env === "production") {
                problems.push({ key: "corsOrigins", message: "allows every origin (\"*\") in production", fix: "list the exact origins, e.g. https://app.example.com" });
            }
        } else if (!/^https?:\/\/[^/\s]+$/.test(origin)) {
            problems.push({ key: "corsOrigins", message: `"${origin}" is not an origin`, fix: "write scheme://host[:port] without a path" });
        } else if (strict && origin.startsWith("http://")) {
            problems.push({ key: "corsOrigins", message: `"${origin}" is plain http in ${env}`, fix: "use https origins" });
        }
    }
    const logLevel = value("logLevel") as LogLevel;
    if (env === "production" && logLevel === "debug") {
        problems.push({ key: "logLevel", message: "is debug in production; debug logs leak request data and cost", fix: "use info or warn" });
    }
    const periodDays = value("rotationPeriodDays") as number;
    if (periodDays !== undefined && (periodDays < 1 || periodDays > 365)) {
        problems.push({ key: "rotationPeriodDays", message: `must be from 1 to 365 days (got ${periodDays})`, fix: "use e.g. 30" });
    }
    const anchor = value("rotationAnchor") as string;
    if (anchor && (!/^\d{4}-\d{2}-\d{2}$/.test(anchor) || Number.isNaN(Date.parse(anchor)))) {
        problems.push({ key: "rotationAnchor", message: `"${anchor}" is not a date`, fix: "use YYYY-MM-DD" });
    } else if (anchor && Date.parse(anchor) > now.getTime()) {
        problems.push({ key: "rotationAnchor", message: `${anchor} is in the future`, fix: "use a past date" });
    }

    const target = value("target") as Target;
    const services = parseServices(value("services"), env, problems);
    const secretConfig = resolveExternalSecrets(services, raw as Record<string, string | undefined>, secretKeys, now, problems);
    const unknownKeys = Object.keys(raw).filter((k) => !(k in schema) && !secretConfig.has(k));
    for (const k of unknownKeys) {
        problems.push({ key: k, message: "is not a known configuration key", fix: "remove it or check the spelling against docs/config.md" });
    }
    const dbMode = value("dbMode") as DbMode;
    const dbImage = value("dbImage") as string;
    // External mode still needs the image: its psql runs the access job.
    problems.push(...imageProblems("dbImage", dbImage, env));
    if (dbMode === "container" && target === "kubernetes") {
        problems.push({ key: "dbMode", message: "container mode runs PostgreSQL as a Docker container, but target is kubernetes", fix: "use statefulset or external" });
    }
    if (dbMode === "statefulset" && target === "docker") {
        problems.push({ key: "dbMode", message: "statefulset mode needs Kubernetes, but target is docker", fix: "use container" });
    }
    const adminUrl = value("dbAdminUrl") as string;
    if (dbMode === "external" && !/^postgres(ql)?:\/\/[^:]+:[^@]+@[^/]+\/.+/.test(adminUrl ?? "")) {
        problems.push({ key: "dbAdminUrl", message: "external mode needs the managed instance's admin URL", fix: "pulumi config set --secret dbAdminUrl postgresql://admin:<password>@host:5432/app" });
    }
    const backupSchedule = value("dbBackupSchedule") as string;
    if (backupSchedule && backupSchedule.trim().split(/\s+/).length !== 5) {
        problems.push({ key: "dbBackupSchedule", message: `"${backupSchedule}" is not a 5-field cron schedule`, fix: "use e.g. \"15 2 * * *\"" });
    }
    if (env === "production" && !backupSchedule) {
        // Also with an external database: the pre-deploy backup runs this job.
        problems.push({ key: "dbBackupSchedule", message: "is empty in production", fix: "set a cron schedule, e.g. \"15 2 * * *\"" });
    }
    problems.push(...imageProblems("cacheImage", value("cacheImage") as string, env));
    problems.push(...imageProblems("webImage", value("webImage") as string, env));
    if (target === "docker") {
        problems.push(...imageProblems("edgeImage", value("edgeImage") as string, env));
    }
    const tlsIssuer = value("tlsIssuer") as string;
    if (target === "kubernetes" && strict && !tlsIssuer) {
        problems.push({ key: "tlsIssuer", message: `is empty; ${env} serves public traffic over TLS only`, fix: "set the cert-manager ClusterIssuer name, e.g. letsencrypt-prod" });
    }
    if (env === "production") {
        // With an autoscaler its minimum is what runs, whatever replicas says.
        for (const s of services.filter((x) => x.public && (x.autoscale?.min ?? x.replicas) < 2)) {
            const key = s.autoscale ? `services.${s.name}.autoscale.min` : `services.${s.name}.replicas`;
            problems.push({ key, message: `is ${s.autoscale?.min ?? s.replicas}; production needs at least 2 replicas of a public service`, fix: s.autoscale ? "set autoscale.min: 2" : "set replicas: 2" });
        }
        const webReplicas = value("webReplicas") as number;
        if (webReplicas < 2) {
            problems.push({ key: "webReplicas", message: `is ${webReplicas}; production needs at least 2 replicas of the public web site`, fix: "set webReplicas: 2" });
        }
    }
    if (problems.length > 0) {
        throw new ConfigError(stack, problems);
    }
    return {
        project,
        stack,
        environment: env,
        target,
        kubernetes: {
            profile: value("cloudProfile") as CloudProfileName,
            ingressClass: value("ingressClass") as string,
            storageClass: value("storageClass") as string,
            tlsIssuer,
            namespace: `${project}-${stack}`,
        },
        domain,
        version: { appVersion: value("appVersion") as string, gitSha, buildDate },
        logLevel,
        corsOrigins,
        jwt: { issuer: value("jwtIssuer") as string, audience: value("jwtAudience") as string },
        rotation: rotationFor(now, { periodDays, anchor }, deployed),
        services,
        db: {
            mode: dbMode,
            image: dbImage,
            name: value("dbName") as string,
            storageGi: value("dbStorageGi") as number,
            backupSchedule,
            backupRetentionDays: value("dbBackupRetentionDays") as number,
            adminUrl,
        },
        cache: { image: value("cacheImage") as string, persistence: value("cachePersistence") as boolean, maxMemoryMb: value("cacheMaxMemoryMb") as number },
        web: { image: value("webImage") as string, replicas: value("webReplicas") as number, hostPort: value("webHostPort") as number, healthcheck: value("webHealthcheck") as string[] },
        docker: { edgeImage: value("edgeImage") as string },
    };
}

/**
 * Fills in the values of the services' external secrets from the stack's
 * config and checks them: each is set, held encrypted (--secret), issued in
 * the past, and used by one service only (one key, and one value). Returns the
 * config keys the secrets take, which are therefore known keys.
 */
function resolveExternalSecrets(services: ServiceSettings[], raw: Record<string, string | undefined>, secretKeys: readonly string[], now: Date, problems: Problem[]): Set<string> {
    const byKey = new Map<string, string>();
    const byValue = new Map<string, string>();
    for (const s of services) {
        for (const e of s.secrets) {
            const at = `services.${s.name}.secrets.${e.name}`;
            if (e.config === "") {
                continue;
            }
            if (e.config in schema) {
                problems.push({ key: `${at}.config`, message: `"${e.config}" is a setting of the platform, not a place for a service's secret`, fix: `choose a key of its own, e.g. ${s.name.replace(/-./g, (m) => m[1].toUpperCase())}${e.name.toLowerCase().replace(/_(.)/g, (_, c: string) => c.toUpperCase()).replace(/^./, (c) => c.toUpperCase())}` });
                continue;
            }
            const other = byKey.get(e.config);
            if (other !== undefined) {
                problems.push({ key: `${at}.config`, message: `config key "${e.config}" is also used by ${other}; a secret belongs to one service`, fix: `ask the issuer for a separate value for each service and store it under its own key (pulumi config set --secret <key> <value>)` });
            }
            byKey.set(e.config, at);
            const v = raw[e.config];
            if (v === undefined || v === "") {
                problems.push({ key: e.config, message: `is not set, but ${at} delivers it`, fix: `pulumi config set --secret ${e.config} <value>` });
                continue;
            }
            if (!secretKeys.includes(e.config)) {
                problems.push({ key: e.config, message: `is stored in plain text but holds ${at}`, fix: `pulumi config set --secret ${e.config} <value>` });
            }
            const sameValue = byValue.get(v);
            if (sameValue !== undefined && other === undefined) {
                problems.push({ key: `${at}.config`, message: `holds the same value as ${sameValue}; a secret belongs to one service`, fix: "ask the issuer for a separate value for each service" });
            }
            byValue.set(v, at);
            if (e.issued && Date.parse(e.issued) > now.getTime()) {
                problems.push({ key: `${at}.issued`, message: `${e.issued} is in the future`, fix: "write the date the value was actually issued" });
            }
            e.value = v;
        }
    }
    return new Set(byKey.keys());
}

/**
 * Returns a reader that yields each key's typed value (or its schema default),
 * recording a problem for a missing critical key or a value of the wrong type.
 */
function readValues(raw: RawConfig, problems: Problem[]): (key: ConfigKeyName) => unknown {
    const cache = new Map<ConfigKeyName, unknown>();
    for (const key of Object.keys(schema) as ConfigKeyName[]) {
        const spec = schema[key] as (typeof schema)[ConfigKeyName] & { default?: unknown; enum?: readonly string[] };
        const text = raw[key];
        if (text === undefined || text === "") {
            if (!("default" in spec)) {
                problems.push({ key, message: "is required and has no default", fix: `pulumi config set ${key} <value>  (${spec.description})` });
            }
            cache.set(key, spec.default);
            continue;
        }
        const parsed = parseTyped(key, spec.type, text, problems);
        if (parsed !== undefined && spec.enum && !spec.enum.includes(parsed as string)) {
            problems.push({ key, message: `must be one of ${spec.enum.join(", ")} (got "${text}")`, fix: `pulumi config set ${key} ${spec.enum[0]}` });
        }
        cache.set(key, parsed ?? spec.default);
    }
    return (key) => cache.get(key);
}

function parseTyped(key: string, type: string, text: string, problems: Problem[]): unknown {
    switch (type) {
        case "string":
            return text;
        case "integer":
            if (!/^-?\d+$/.test(text.trim())) {
                problems.push({ key, message: `must be an integer (got "${text}")`, fix: `pulumi config set ${key} <whole number>` });
                return undefined;
            }
            return Number(text);
        case "boolean":
            if (text !== "true" && text !== "false") {
                problems.push({ key, message: `must be true or false (got "${text}")`, fix: `pulumi config set ${key} true` });
                return undefined;
            }
            return text === "true";
        default: {
            let v: unknown;
            try {
                v = JSON.parse(text);
            } catch {
                problems.push({ key, message: "is not valid structured config", fix: `set it as YAML in Pulumi.<stack>.yaml or with pulumi config set --path` });
                return undefined;
            }
            if (type === "array" && (!Array.isArray(v) || v.some((x) => typeof x !== "string"))) {
                problems.push({ key, message: "must be a list of strings", fix: `pulumi config set --path '${key}[0]' <value>` });
                return undefined;
            }
            if (type === "object" && (typeof v !== "object" || v === null || Array.isArray(v))) {
                problems.push({ key, message: "must be a map", fix: "write it as a YAML mapping in the stack file" });
                return undefined;
            }
            return v;
        }
    }
}
