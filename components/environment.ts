import * as pulumi from "@pulumi/pulumi";
import { Settings } from "../config";
import { createPlatform } from "../platform";
import { ApiService } from "./apiService";
import { Worker } from "./worker";
import { ManagedDb } from "./managedDb";
import { Cache } from "./cache";
import { StaticSite } from "./staticSite";

export interface EnvironmentArgs {
    settings: Settings;
}

/**
 * One whole environment from its settings: database, cache, every configured
 * service, and the static site, on the platform the settings name. Adding a
 * service is a config change, not a code change.
 */
export class Environment extends pulumi.ComponentResource {
    readonly webUrl: pulumi.Output<string>;
    readonly apiUrl: pulumi.Output<string>;
    readonly serviceUrls: Record<string, pulumi.Output<string>> = {};

    constructor(name: string, args: EnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
        super("webstack:index:Environment", name, {}, opts);
        const { settings } = args;
        const platform = createPlatform(settings, this);
        const services = settings.services;
        const migratorService = services.find((s) => s.migrateCommand);
        const migrator = migratorService ? `${migratorService.name}-migrate` : undefined;

        const dbClients = services.filter((s) => s.uses.includes("db")).map((s) => s.name);
        const db = dbClients.length > 0
            ? new ManagedDb("db", { platform, settings, clients: migrator ? [...dbClients, migrator] : dbClients, migrator }, { parent: this })
            : undefined;
        const cacheClients = services.filter((s) => s.uses.includes("cache")).map((s) => s.name);
        const cache = cacheClients.length > 0 ? new Cache("cache", { platform, settings, clients: cacheClients }, { parent: this }) : undefined;

        const connections = (service: { name: string; uses: string[] }) => ({
            db: service.uses.includes("db") ? db!.connectionFor(service.name) : undefined,
            cache: service.uses.includes("cache") ? cache!.connectionFor(service.name) : undefined,
            dbReady: service.uses.includes("db") ? db!.accessApplied : undefined,
            cacheReady: service.uses.includes("cache") ? cache!.accessApplied : undefined,
        });

        let migration: pulumi.Resource | undefined;
        let primaryApi: ApiService | undefined;
        for (const service of services.filter((s) => s.kind === "api" || s.kind === "internal")) {
            const api = new ApiService(service.name, {
                platform,
                settings,
                service,
                ...connections(service),
                migrationDb: service.migrateCommand && migrator ? db!.connectionFor(migrator) : undefined,
            }, { parent: this });
            migration = migration ?? api.migration;
            if (service.kind === "api" && service.public && !primaryApi) {
                primaryApi = api;
            }
            this.serviceUrls[service.name] = api.url;
        }
        for (const service of services.filter((s) => s.kind === "worker" || s.kind === "scheduler")) {
            new Worker(service.name, { platform, settings, service, ...connections(service), migrated: migration }, { parent: this });
        }
        this.apiUrl = primaryApi?.url ?? pulumi.output("");
        const site = new StaticSite("web", { platform, settings, apiBaseUrl: this.apiUrl }, { parent: this });
        this.webUrl = site.url;
        platform.finalize(this);
        this.registerOutputs({ webUrl: this.webUrl, apiUrl: this.apiUrl, serviceUrls: this.serviceUrls });
    }
}
