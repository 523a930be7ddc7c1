import * as pulumi from "@pulumi/pulumi";
import { Settings, ServiceSettings, envPrefix } from "../config";
import { Credential } from "./credential";
import { DbConnection } from "./managedDb";
import { CacheConnection } from "./cache";
import { secretFingerprint } from "../platform/fingerprint";

export interface ServiceEnv {
    env: Record<string, pulumi.Input<string>>;
    secretEnv: Record<string, pulumi.Input<string>>;
    /** Non-secret fingerprint of every credential generation the service holds. */
    revision: string;
    /** Declaration of the externally issued secrets in secretEnv (platform EXTERNAL_SECRETS_ANNOTATION), if any. */
    externalSecrets?: pulumi.Output<string>;
}

/**
 * The service's extra generated credentials (`generatedSecrets`), one
 * Credential each, named after the component: API_KEY -> <name>-api-key.
 */
export function generatedCredentials(name: string, service: ServiceSettings, settings: Settings, parent: pulumi.Resource): Map<string, Credential> {
    return new Map(service.generatedSecrets.map((secret) => {
        const purpose = secret.toLowerCase().replace(/_/g, "-");
        return [secret, new Credential(`${name}-${purpose}`, { service: service.name, purpose, settings }, { parent })];
    }));
}

/**
 * A plain value that resolves once every gate (access jobs, migrations) has
 * completed and changes when one re-ran: put into a workload's env, it makes
 * the workload wait for them and restart after them.
 */
export function startupGate(gates: (pulumi.Output<string> | undefined)[]): pulumi.Output<string> {
    return pulumi.all(gates.filter((g): g is pulumi.Output<string> => g !== undefined)).apply((g) => g.join(","));
}

/** The version stamp every workload and the static site receive. */
export function versionEnv(settings: Settings): Record<string, string> {
    return { GIT_SHA: settings.version.gitSha, BUILD_DATE: settings.version.buildDate, APP_VERSION: settings.version.appVersion };
}

/**
 * Environment of one service, named `<PREFIX>__<KEY>` after its service
 * boundary (API__DATABASE_URL). Credentials go to secretEnv only.
 */
export function serviceEnv(args: {
    settings: Settings;
    service: ServiceSettings;
    db?: DbConnection;
    cache?: CacheConnection;
    jwt?: Credential;
    extraSecrets?: Map<string, Credential>;
    prefix?: string;
    queue: string;
}): ServiceEnv {
    const { settings, service } = args;
    const p = args.prefix ?? envPrefix(service.name);
    const env: Record<string, pulumi.Input<string>> = {
        ...versionEnv(settings),
        [`${p}__ENV`]: settings.environment,
        [`${p}__LOG_LEVEL`]: settings.logLevel,
        [`${p}__QUEUE`]: args.queue,
    };
    if (service.port) {
        env[`${p}__PORT`] = String(service.port);
    }
    if (service.kind === "api") {
        env[`${p}__CORS_ORIGINS`] = settings.corsOrigins.join(",");
        // Serve a few seconds past SIGTERM: proxies and endpoints drop a replaced instance first.
        env[`${p}__SHUTDOWN_DELAY_SECONDS`] = "3";
    }
    if (service.scheduleSeconds !== undefined) {
        env[`${p}__SCHEDULE_SECONDS`] = String(service.scheduleSeconds);
    }
    for (const [k, v] of Object.entries(service.env)) {
        env[`${p}__${k}`] = v;
    }
    const secretEnv: Record<string, pulumi.Input<string>> = {};
    const generations: string[] = [];
    if (args.db) {
        secretEnv[`${p}__DATABASE_URL`] = args.db.url;
        secretEnv[`${p}__DATABASE_URL_PREVIOUS`] = args.db.urlPrevious;
        generations.push(`db${args.db.generation}`);
    }
    if (args.cache) {
        secretEnv[`${p}__REDIS_URL`] = args.cache.url;
        secretEnv[`${p}__REDIS_URL_PREVIOUS`] = args.cache.urlPrevious;
        generations.push(`cache${args.cache.generation}`);
    }
    if (args.jwt) {
        const jwt = args.jwt;
        env[`${p}__JWT_ISSUER`] = settings.jwt.issuer;
        env[`${p}__JWT_AUDIENCE`] = settings.jwt.audience;
        env[`${p}__JWT_SIGNING_KID`] = jwt.kid(jwt.currentSlot);
        secretEnv[`${p}__JWT_SIGNING_KEY`] = jwt.current;
        // The verifier set: tokens signed with the previous key stay valid for one period.
        secretEnv[`${p}__JWT_VERIFY_KEYS`] = pulumi.secret(pulumi.all([jwt.current, jwt.previous]).apply(([cur, prev]) =>
            JSON.stringify({ [jwt.kid(jwt.currentSlot)]: cur, [jwt.kid(jwt.previousSlot)]: prev })));
        generations.push(`jwt${jwt.currentSlot.generation}`);
    }
    for (const [name, credential] of args.extraSecrets ?? []) {
        secretEnv[`${p}__${name}`] = credential.current;
        secretEnv[`${p}__${name}_PREVIOUS`] = credential.previous;
        generations.push(`${name.toLowerCase()}${credential.currentSlot.generation}`);
    }
    // Externally issued secrets: secret only, declared with service, config key,
    // issue date and a fingerprint so the policy pack can check age and sharing.
    const declared: Record<string, pulumi.Output<{ service: string; config: string; issued: string; fingerprint: string }>> = {};
    for (const e of service.secrets) {
        const name = `${p}__${e.name}`;
        secretEnv[name] = pulumi.secret(e.value);
        declared[name] = secretFingerprint([e.value]).apply((fingerprint) => ({ service: service.name, config: e.config, issued: e.issued, fingerprint }));
    }
    const externalSecrets = service.secrets.length > 0
        ? pulumi.all(declared).apply((d) => JSON.stringify(Object.fromEntries(Object.keys(d).sort().map((k) => [k, d[k]]))))
        : undefined;
    return { env, secretEnv, revision: generations.join("-"), externalSecrets };
}
