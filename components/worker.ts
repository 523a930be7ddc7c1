import * as pulumi from "@pulumi/pulumi";
import { Settings, ServiceSettings, envPrefix } from "../config";
import { Platform } from "../platform";
import { DbConnection } from "./managedDb";
import { CacheConnection } from "./cache";
import { generatedCredentials, serviceEnv, startupGate } from "./serviceEnv";

export interface WorkerArgs {
    platform: Platform;
    settings: Settings;
    /** The service's settings (kind worker or scheduler). */
    service: ServiceSettings;
    db?: DbConnection;
    cache?: CacheConnection;
    dbReady?: pulumi.Output<string>;
    cacheReady?: pulumi.Output<string>;
    /** Waits for migrations before consuming. */
    migrated?: pulumi.Resource;
    /** @default "jobs" */
    queue?: string;
}

/**
 * A background process with no Service: consumes the queue, or (scheduler
 * kind) enqueues periodic jobs from exactly one replica. Its health endpoint
 * serves probes only and is never exposed.
 */
export class Worker extends pulumi.ComponentResource {
    readonly mode: "worker" | "scheduler";

    constructor(name: string, args: WorkerArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate before super() registers anything: bad args leave no trace in the stack.
        super("webstack:index:Worker", name, {}, (validateWorkerArgs(args), opts));
        const { settings, platform, service } = args;
        this.mode = service.kind === "scheduler" ? "scheduler" : "worker";
        const extraSecrets = generatedCredentials(name, service, settings, this);
        const { env, secretEnv, revision, externalSecrets } = serviceEnv({ settings, service, db: args.db, cache: args.cache, extraSecrets, queue: args.queue ?? "jobs" });
        platform.workload({
            name: service.name,
            role: service.kind,
            image: service.image,
            command: service.command,
            env: { ...env, [`${envPrefix(service.name)}__STARTUP_GATE`]: startupGate([args.dbReady, args.cacheReady]) },
            secretEnv,
            revision,
            externalSecrets,
            port: undefined,
            replicas: service.replicas,
            autoscale: service.autoscale,
            liveness: service.healthPath ? { kind: "http", path: service.healthPath, port: service.port } : undefined,
            readiness: service.readyPath ? { kind: "http", path: service.readyPath, port: service.port } : undefined,
            healthcheck: service.healthcheck,
            exposure: "private",
            resources: service.resources,
            runAsUser: service.runAsUser,
            clientOf: service.uses,
            dependsOn: args.migrated ? [args.migrated] : [],
        }, this);
        this.registerOutputs({ mode: this.mode, replicas: service.replicas });
    }
}

export function validateWorkerArgs(args: WorkerArgs): void {
    const s = args.service;
    if (s.kind !== "worker" && s.kind !== "scheduler") {
        throw new pulumi.InputPropertyError({ propertyPath: "service.kind", reason: `Worker runs worker or scheduler services, not ${s.kind}; use ApiService` });
    }
    if (s.kind === "scheduler" && s.replicas !== 1) {
        throw new pulumi.InputPropertyError({ propertyPath: "service.replicas", reason: "a scheduler runs exactly one replica, or every job is enqueued twice" });
    }
    if (s.kind === "scheduler" && s.autoscale) {
        throw new pulumi.InputPropertyError({ propertyPath: "service.autoscale", reason: "a scheduler must not autoscale" });
    }
    if (s.uses.includes("db") && !args.db) {
        throw new pulumi.InputPropertyError({ propertyPath: "db", reason: `service ${s.name} uses the db but no connection was given` });
    }
    if (s.uses.includes("cache") && !args.cache) {
        throw new pulumi.InputPropertyError({ propertyPath: "cache", reason: `service ${s.name} uses the cache but no connection was given` });
    }
}
