import * as pulumi from "@pulumi/pulumi";
import { Settings, ServiceSettings, envPrefix } from "../config";
import { Platform, Probe } from "../platform";
import { Credential } from "./credential";
import { DbConnection } from "./managedDb";
import { CacheConnection } from "./cache";
import { generatedCredentials, serviceEnv, startupGate } from "./serviceEnv";

export interface ApiServiceArgs {
    platform: Platform;
    settings: Settings;
    /** The service's settings (kind api or internal). */
    service: ServiceSettings;
    /** Connection for the service's own database role, when it uses the db. */
    db?: DbConnection;
    /** Connection for the migration role, when the service runs migrations. */
    migrationDb?: DbConnection;
    cache?: CacheConnection;
    /** Resolves when database roles are applied. */
    dbReady?: pulumi.Output<string>;
    /** Resolves when cache users are applied. */
    cacheReady?: pulumi.Output<string>;
    /** Queue name shared with workers. @default "jobs" */
    queue?: string;
}

/**
 * An HTTP service: liveness on its health path, readiness on its ready path,
 * requests and limits, a migration job that completes before the new version
 * serves, the version stamp, and (when public) exposure through an Ingress
 * with TLS or the local edge proxy.
 */
export class ApiService extends pulumi.ComponentResource {
    /** URL browsers use (public services), else the in-platform URL. */
    readonly url: pulumi.Output<string>;
    readonly internalUrl: string;
    /** The migration job, when this service runs migrations; workers wait for it. */
    readonly migration?: pulumi.Resource;

    constructor(name: string, args: ApiServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate before super() registers anything: bad args leave no trace in the stack.
        super("webstack:index:ApiService", name, {}, (validateApiServiceArgs(args), opts));
        const { settings, platform, service } = args;
        const jwt = service.jwt ? new Credential(`${name}-jwt`, { service: service.name, purpose: "jwt", settings, length: 64 }, { parent: this }) : undefined;
        const extraSecrets = generatedCredentials(name, service, settings, this);
        const queue = args.queue ?? "jobs";
        const { env, secretEnv, revision, externalSecrets } = serviceEnv({ settings, service, db: args.db, cache: args.cache, jwt, extraSecrets, queue });
        const publicHost = service.name === "api" ? `api.${settings.domain}` : `${service.name}.${settings.domain}`;
        const publicUrl = service.public ? platform.publicUrlFor({ name: service.name, publicHost, hostPort: service.hostPort }) : undefined;
        env[`${envPrefix(service.name)}__BASE_URL`] = publicUrl ?? `http://${service.name}:${service.port}`;

        // Dependents start only after the db and cache have this service's credentials.
        let migrated: pulumi.Output<string> | undefined;
        const dependsOn: pulumi.Resource[] = [];
        if (service.migrateCommand && args.migrationDb) {
            const migration = platform.job({
                name: `${service.name}-migrate`,
                role: "migration",
                image: service.image,
                command: service.migrateCommand,
                env: { ...versionOnly(env), MIGRATE__STARTUP_GATE: startupGate([args.dbReady, args.cacheReady]) },
                secretEnv: { MIGRATE__DATABASE_URL: args.migrationDb.url },
                resources: service.resources,
                runAsUser: service.runAsUser,
                clientOf: ["db"],
                // A new image (or a new migration credential) runs the migrations again.
                revision: `${service.image}-g${args.migrationDb.generation}`,
            }, this);
            migrated = migration.completed;
            dependsOn.push(migration.resource);
            this.migration = migration.resource;
        }
        const probe = (path: string | undefined): Probe => path ? { kind: "http", path, port: service.port } : { kind: "tcp", port: service.port };
        const workload = platform.workload({
            name: service.name,
            role: service.kind,
            image: service.image,
            command: service.command,
            env: { ...env, [`${envPrefix(service.name)}__STARTUP_GATE`]: startupGate([args.dbReady, args.cacheReady, migrated]) },
            secretEnv,
            revision,
            externalSecrets,
            port: service.port,
            replicas: service.replicas,
            autoscale: service.autoscale,
            liveness: probe(service.healthPath),
            readiness: probe(service.readyPath),
            healthcheck: service.healthcheck,
            exposure: service.public ? "public" : "private",
            publicHost,
            hostPort: service.hostPort,
            resources: service.resources,
            runAsUser: service.runAsUser,
            clientOf: service.uses,
            dependsOn,
        }, this);
        this.internalUrl = `http://${workload.host}:${service.port}`;
        this.url = workload.publicUrl ?? pulumi.output(this.internalUrl);
        this.registerOutputs({ url: this.url, internalUrl: this.internalUrl });
    }
}

function versionOnly(env: Record<string, pulumi.Input<string>>): Record<string, pulumi.Input<string>> {
    return { GIT_SHA: env.GIT_SHA, BUILD_DATE: env.BUILD_DATE, APP_VERSION: env.APP_VERSION };
}

export function validateApiServiceArgs(args: ApiServiceArgs): void {
    const s = args.service;
    if (s.kind !== "api" && s.kind !== "internal") {
        throw new pulumi.InputPropertyError({ propertyPath: "service.kind", reason: `ApiService runs api or internal services, not ${s.kind}; use Worker` });
    }
    if (!Number.isInteger(s.port) || s.port < 1 || s.port > 65535) {
        throw new pulumi.InputPropertyError({ propertyPath: "service.port", reason: `${s.port} is not a TCP port; set the port the process listens on` });
    }
    if (s.uses.includes("db") && !args.db) {
        throw new pulumi.InputPropertyError({ propertyPath: "db", reason: `service ${s.name} uses the db but no connection was given` });
    }
    if (s.uses.includes("cache") && !args.cache) {
        throw new pulumi.InputPropertyError({ propertyPath: "cache", reason: `service ${s.name} uses the cache but no connection was given` });
    }
    if (s.migrateCommand && !args.migrationDb) {
        throw new pulumi.InputPropertyError({ propertyPath: "migrationDb", reason: `service ${s.name} runs migrations but no migration connection was given` });
    }
    if (s.public && args.platform.target === "docker" && s.hostPort === undefined) {
        throw new pulumi.InputPropertyError({ propertyPath: "service.hostPort", reason: `public service ${s.name} on Docker needs a loopback hostPort` });
    }
}
