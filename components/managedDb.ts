import * as pulumi from "@pulumi/pulumi";
import { Settings, imageProblems } from "../config";
import { Platform, Workload } from "../platform";
import { Credential } from "./credential";
import { dbAccessCommand, dbAccessSql, roleName, slotVar } from "./sql";

export interface ManagedDbArgs {
    platform: Platform;
    settings: Settings;
    /** Services (and the migrator) that may connect; each gets its own roles and credential. */
    clients: string[];
    /** The client that runs migrations and owns the schema. */
    migrator?: string;
}

export interface DbConnection {
    /** postgresql:// URL with the current credential (secret). */
    url: pulumi.Output<string>;
    /** Same with the previous credential (secret), accepted during the rotation window. */
    urlPrevious: pulumi.Output<string>;
    /** Changes when either credential changes; safe to show. */
    generation: number;
}

const PORT = 5432;
/** UID of the postgres user in the official image. */
const POSTGRES_UID = 999;

/**
 * PostgreSQL that is private by construction: no published port, no public
 * Service, reachable only by declared clients, each with its own roles and
 * rotating credential. Modes: a Docker container, a StatefulSet in the
 * cluster, or an external managed instance (roles are still managed here).
 */
export class ManagedDb extends pulumi.ComponentResource {
    readonly host: string;
    readonly port = PORT;
    readonly dbName: string;
    /** Resolves once roles and passwords are applied; clients wait on it. */
    readonly accessApplied: pulumi.Output<string>;
    private readonly connections = new Map<string, DbConnection>();

    constructor(name: string, args: ManagedDbArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate before super() registers anything: bad args leave no trace in the stack.
        super("webstack:index:ManagedDb", name, {}, (validateDbArgs(args), opts));
        const { settings, platform } = args;
        const db = settings.db;

        // Backups sign in with their own read-only role, never with the admin
        // credential; external instances are dumped too (on top of the
        // provider's own backups), so every mode has the same backup job.
        const backupClient = db.backupSchedule ? `${name}-backup` : undefined;
        const allClients = backupClient ? [...args.clients, backupClient] : args.clients;
        const clientCredentials = allClients.map((client) => ({
            client,
            credential: new Credential(`${name}-${client}`, { service: client, purpose: "db", settings }, { parent: this }),
        }));
        const external = db.mode === "external";
        const admin = external ? undefined : new Credential(`${name}-admin`, { service: name, purpose: "admin", settings }, { parent: this });

        let server: Workload | undefined;
        if (!external) {
            server = platform.workload({
                name,
                role: "database",
                image: db.image,
                env: { POSTGRES_USER: "postgres", POSTGRES_DB: db.name, PGDATA: "/var/lib/postgresql/data/pgdata" },
                secretEnv: { POSTGRES_PASSWORD: admin!.current },
                bootstrapOnlyEnv: ["POSTGRES_PASSWORD"],
                port: PORT,
                replicas: 1,
                exposure: "private",
                resources: { cpu: "250m", memory: "256Mi", cpuLimit: "1", memoryLimit: "1Gi" },
                runAsUser: POSTGRES_UID,
                fsGroup: POSTGRES_UID,
                dockerUser: "postgres",
                writablePaths: ["/tmp", "/var/run/postgresql"],
                volume: { mountPath: "/var/lib/postgresql/data", sizeGi: db.storageGi },
                liveness: { kind: "exec", command: ["pg_isready", "-U", "postgres", "-d", db.name] },
                readiness: { kind: "exec", command: ["pg_isready", "-U", "postgres", "-d", db.name] },
                healthcheck: ["CMD", "pg_isready", "-U", "postgres", "-d", db.name],
            }, this);
            platform.restrictToClients({ name, role: "database", port: PORT, client: "db" }, this);
        }
        this.host = server?.host ?? "";
        this.dbName = db.name;

        const secretEnv: Record<string, pulumi.Input<string>> = {};
        for (const { client, credential } of clientCredentials) {
            secretEnv[slotVar(client, credential.currentSlot.slot)] = credential.current;
            secretEnv[slotVar(client, credential.previousSlot.slot)] = credential.previous;
        }
        if (admin) {
            secretEnv.ADMIN_CURRENT = admin.current;
            secretEnv.ADMIN_PREVIOUS = admin.previous;
        } else {
            secretEnv.ADMIN_URL = pulumi.secret(db.adminUrl);
            secretEnv.ADMIN_CURRENT = "";
        }
        const generation = settings.rotation.generation;
        const access = platform.job({
            name: `${name}-access`,
            role: "access",
            image: db.image,
            command: dbAccessCommand(dbAccessSql(db.name, allClients, args.migrator, backupClient ? [backupClient] : [])),
            env: { DB_HOST: this.host || "external", DB_PORT: String(PORT), DB_NAME: db.name },
            secretEnv,
            resources: { cpu: "50m", memory: "64Mi", cpuLimit: "250m", memoryLimit: "128Mi" },
            runAsUser: POSTGRES_UID,
            dockerUser: "postgres",
            clientOf: ["db"],
            revision: `g${generation}-${allClients.join(",")}`,
            dependsOn: server ? [server.ready] : [],
        }, this);
        this.accessApplied = access.completed;

        const hostFor = external ? externalHost(db.adminUrl) : pulumi.output(`${this.host}:${PORT}`);
        for (const { client, credential } of clientCredentials) {
            const user = (state: { slot: string }) => `${roleName(client)}_${state.slot}`;
            const url = (value: pulumi.Output<string>, state: { slot: string }) =>
                pulumi.secret(pulumi.interpolate`postgresql://${user(state)}:${value}@${hostFor}/${db.name}`);
            this.connections.set(client, {
                url: url(credential.current, credential.currentSlot),
                urlPrevious: url(credential.previous, credential.previousSlot),
                generation: credential.currentSlot.generation,
            });
        }

        if (backupClient) {
            const backup = clientCredentials.find((c) => c.client === backupClient)!.credential;
            platform.cron({
                name: `${name}-backup`,
                role: "backup",
                image: db.image,
                schedule: db.backupSchedule,
                command: ["sh", "-c", backupScript(db.backupRetentionDays)],
                env: {
                    ...(external ? externalHostPort(db.adminUrl) : { PGHOST: this.host, PGPORT: String(PORT) }),
                    PGDATABASE: db.name,
                    PGUSER: `${roleName(backupClient)}_${backup.currentSlot.slot}`,
                },
                secretEnv: { PGPASSWORD: backup.current },
                revision: `g${backup.currentSlot.generation}`,
                resources: { cpu: "100m", memory: "128Mi", cpuLimit: "500m", memoryLimit: "512Mi" },
                runAsUser: POSTGRES_UID,
                dockerUser: "postgres",
                clientOf: ["db"],
                volume: { mountPath: "/backups", sizeGi: Math.max(1, db.storageGi) },
                // Healthy while the newest dump is younger than a day and an hour.
                healthcheck: ["CMD-SHELL", "find /backups -name '*.dump' -mmin -1500 | grep -q ."],
                dependsOn: [access.resource],
            }, this);
        }
        this.registerOutputs({ host: this.host, port: PORT, dbName: db.name, mode: db.mode });
    }

    /** Connection of one declared client. */
    connectionFor(client: string): DbConnection {
        const c = this.connections.get(client);
        if (!c) {
            throw new pulumi.ResourceError(`"${client}" is not a declared database client; add "db" to its uses in the services config`, this);
        }
        return c;
    }
}

/** Pure argument checks, run before any resource is registered. */
export function validateDbArgs(args: Pick<ManagedDbArgs, "clients" | "migrator" | "settings">): void {
    const db = args.settings.db;
    if (args.clients.length !== new Set(args.clients).size) {
        throw new pulumi.InputPropertyError({ propertyPath: "clients", reason: "lists a client twice; each client gets exactly one credential" });
    }
    if (args.migrator !== undefined && !args.clients.includes(args.migrator)) {
        throw new pulumi.InputPropertyError({ propertyPath: "migrator", reason: `"${args.migrator}" must also be one of the clients` });
    }
    const bad = imageProblems("dbImage", db.image, args.settings.environment);
    if (bad.length > 0) {
        throw new pulumi.InputPropertyError({ propertyPath: "settings.db.image", reason: `${bad[0].message}; ${bad[0].fix}` });
    }
}

function externalHost(adminUrl: string): pulumi.Output<string> {
    // Host and port are not secret; the admin credential in the same URL is.
    const match = /@([^/]+)\//.exec(adminUrl);
    return pulumi.output(match ? match[1] : "");
}

/** PGHOST and PGPORT of an external instance (not secret; the admin URL's password is). */
export function externalHostPort(adminUrl: string): { PGHOST: string; PGPORT: string } {
    const match = /@(\[[^\]]+\]|[^:/]+)(?::(\d+))?\//.exec(adminUrl);
    return { PGHOST: match ? match[1].replace(/^\[|\]$/g, "") : "", PGPORT: match?.[2] ?? String(PORT) };
}

/** pg_dump to the backups volume, keeping `days` days of files. */
function backupScript(days: number): string {
    return `set -eu
f=/backups/$(date -u +%Y%m%dT%H%M%SZ).dump
pg_dump --format=custom --file="$f.partial" && mv "$f.partial" "$f"
find /backups -name '*.dump' -mtime +${days} -delete
echo "backup written: $f"`;
}
