import * as pulumi from "@pulumi/pulumi";
import { Settings, imageProblems } from "../config";
import { Platform } from "../platform";
import { Credential } from "./credential";
import { cacheAccessCommand, cacheServerCommand, cacheVar } from "./sql";

export interface CacheArgs {
    platform: Platform;
    settings: Settings;
    /** Services that may connect; each gets its own ACL user and credential. */
    clients: string[];
}

export interface CacheConnection {
    url: pulumi.Output<string>;
    urlPrevious: pulumi.Output<string>;
    generation: number;
}

const PORT = 6379;
/** UID of the redis user in the official image. */
const REDIS_UID = 999;

/**
 * Redis, private and password-protected: the default user is off, every
 * client has its own ACL user holding the current and previous password, and
 * persistence is on only when configured.
 */
export class Cache extends pulumi.ComponentResource {
    readonly host: string;
    readonly port = PORT;
    readonly accessApplied: pulumi.Output<string>;
    private readonly connections = new Map<string, CacheConnection>();

    constructor(name: string, args: CacheArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate before super() registers anything: bad args leave no trace in the stack.
        super("webstack:index:Cache", name, {}, (validateCacheArgs(args), opts));
        const { settings, platform } = args;
        const cache = settings.cache;
        const admin = new Credential(`${name}-admin`, { service: name, purpose: "admin", settings }, { parent: this });
        const clients = args.clients.map((client) => ({
            client,
            credential: new Credential(`${name}-${client}`, { service: client, purpose: "cache", settings }, { parent: this }),
        }));

        const server = platform.workload({
            name,
            role: "cache",
            image: cache.image,
            command: cacheServerCommand(PORT, cache.maxMemoryMb, cache.persistence),
            secretEnv: { REDIS_ADMIN_PASSWORD: admin.current },
            bootstrapOnlyEnv: ["REDIS_ADMIN_PASSWORD"],
            port: PORT,
            replicas: 1,
            exposure: "private",
            resources: { cpu: "100m", memory: `${cache.maxMemoryMb}Mi`, cpuLimit: "500m", memoryLimit: `${Math.ceil(cache.maxMemoryMb * 1.5)}Mi` },
            runAsUser: REDIS_UID,
            fsGroup: REDIS_UID,
            dockerUser: "redis",
            volume: { mountPath: "/data", sizeGi: 1 },
            liveness: { kind: "tcp", port: PORT },
            readiness: { kind: "tcp", port: PORT },
            // The default user is off, so an unauthenticated PING answers NOAUTH: the server is up.
            healthcheck: ["CMD-SHELL", `redis-cli -p ${PORT} ping 2>&1 | grep -qE 'PONG|NOAUTH'`],
        }, this);
        platform.restrictToClients({ name, role: "cache", port: PORT, client: "cache" }, this);
        this.host = server.host;

        const secretEnv: Record<string, pulumi.Input<string>> = { ADMIN_CURRENT: admin.current, ADMIN_PREVIOUS: admin.previous };
        for (const { client, credential } of clients) {
            secretEnv[`${cacheVar(client)}_CURRENT`] = credential.current;
            secretEnv[`${cacheVar(client)}_PREVIOUS`] = credential.previous;
        }
        const access = platform.job({
            name: `${name}-access`,
            role: "access",
            image: cache.image,
            command: cacheAccessCommand(args.clients),
            env: { CACHE_HOST: server.host, CACHE_PORT: String(PORT) },
            secretEnv,
            resources: { cpu: "50m", memory: "32Mi", cpuLimit: "250m", memoryLimit: "64Mi" },
            runAsUser: REDIS_UID,
            dockerUser: "redis",
            clientOf: ["cache"],
            revision: `g${settings.rotation.generation}-${args.clients.join(",")}`,
            dependsOn: [server.ready],
        }, this);
        this.accessApplied = access.completed;

        for (const { client, credential } of clients) {
            const url = (value: pulumi.Output<string>) => pulumi.secret(pulumi.interpolate`redis://${client}:${value}@${server.host}:${PORT}/0`);
            this.connections.set(client, { url: url(credential.current), urlPrevious: url(credential.previous), generation: credential.currentSlot.generation });
        }
        this.registerOutputs({ host: this.host, port: PORT, persistence: cache.persistence });
    }

    connectionFor(client: string): CacheConnection {
        const c = this.connections.get(client);
        if (!c) {
            throw new pulumi.ResourceError(`"${client}" is not a declared cache client; add "cache" to its uses in the services config`, this);
        }
        return c;
    }
}

export function validateCacheArgs(args: Pick<CacheArgs, "clients" | "settings">): void {
    if (args.clients.length !== new Set(args.clients).size) {
        throw new pulumi.InputPropertyError({ propertyPath: "clients", reason: "lists a client twice; each client gets exactly one credential" });
    }
    const bad = imageProblems("cacheImage", args.settings.cache.image, args.settings.environment);
    if (bad.length > 0) {
        throw new pulumi.InputPropertyError({ propertyPath: "settings.cache.image", reason: `${bad[0].message}; ${bad[0].fix}` });
    }
    if (args.settings.cache.maxMemoryMb < 16) {
        throw new pulumi.InputPropertyError({ propertyPath: "settings.cache.maxMemoryMb", reason: "is below 16 MiB; Redis needs at least that" });
    }
}
