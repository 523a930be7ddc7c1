/**
 * Continuous archiving and point-in-time recovery with pgBackRest (MIT,
 * Debian's `pgbackrest` package) into an S3-compatible bucket. Pure functions:
 * they turn one environment's backup settings into pgBackRest's configuration
 * and PostgreSQL's archiving settings; callers write the files and run the
 * commands.
 *
 * One stanza per stack, under its own path in the bucket, so environments
 * never share backups. pgBackRest speaks S3 over HTTPS only: the endpoint must
 * serve TLS (scripts/object-store.sh does, with a CA of its own).
 */

export interface ObjectStore {
    /** Host name or address of the S3 endpoint, e.g. 127.0.0.1 or s3.eu-west-1.amazonaws.com. */
    host: string;
    /** HTTPS port. @default 443 */
    port?: number;
    region: string;
    bucket: string;
    /** CA bundle that signs the endpoint's certificate; unset: the system's. */
    caFile?: string;
    /** Path-style URLs (bucket in the path), which SeaweedFS and most non-AWS stores need. @default true */
    pathStyle?: boolean;
}

export interface PitrSettings {
    /** Stanza: one per stack, e.g. "production". */
    stanza: string;
    store: ObjectStore;
    /** Days full (base) backups are kept. Seeds: nightly full snapshots kept 30 days. */
    fullRetentionDays: number;
    /**
     * Days of point-in-time recovery: WAL is kept for the full backups of the
     * last this many days (one full backup a day). Seeds: 7.
     */
    walRetentionDays: number;
    /** Seconds after which a partly filled WAL segment is archived anyway. Seeds: hourly at most. @default 3600 */
    archiveTimeoutSeconds?: number;
}

export interface LocalPaths {
    /** PostgreSQL data directory. */
    dataDir: string;
    port: number;
    /** Directory of the server's unix socket. */
    socketDir: string;
    /** pgBackRest's log, lock and spool directories live under it. */
    workDir: string;
}

/** Problems with the settings, in words that say what to change; empty when fine. */
export function pitrProblems(s: PitrSettings): string[] {
    const problems: string[] = [];
    if (!/^[a-z0-9][a-z0-9-]*$/.test(s.stanza)) problems.push(`stanza "${s.stanza}" must be lower-case letters, digits and dashes`);
    if (!s.store.bucket) problems.push("the bucket is empty");
    if (!s.store.host) problems.push("the object store host is empty");
    if (!Number.isInteger(s.fullRetentionDays) || s.fullRetentionDays < 1) problems.push("fullRetentionDays must be a whole number of days, at least 1");
    if (!Number.isInteger(s.walRetentionDays) || s.walRetentionDays < 1) problems.push("walRetentionDays must be a whole number of days, at least 1");
    if (s.walRetentionDays > s.fullRetentionDays) problems.push("walRetentionDays cannot exceed fullRetentionDays: WAL is only useful with a base backup before it");
    return problems;
}

/**
 * pgbackrest.conf. Credentials are not in it: pgBackRest reads them from
 * PGBACKREST_REPO1_S3_KEY and PGBACKREST_REPO1_S3_KEY_SECRET (secret env).
 */
export function pgbackrestConf(s: PitrSettings, local: LocalPaths): string {
    const problems = pitrProblems(s);
    if (problems.length > 0) throw new Error(`backup settings: ${problems.join("; ")}`);
    const lines = [
        "[global]",
        "repo1-type=s3",
        `repo1-path=/webstack/${s.stanza}`,
        `repo1-s3-bucket=${s.store.bucket}`,
        `repo1-s3-endpoint=${s.store.host}`,
        `repo1-storage-port=${s.store.port ?? 443}`,
        `repo1-s3-region=${s.store.region}`,
        `repo1-s3-uri-style=${s.store.pathStyle === false ? "host" : "path"}`,
        ...(s.store.caFile ? [`repo1-storage-ca-file=${s.store.caFile}`] : []),
        "repo1-retention-full-type=time",
        `repo1-retention-full=${s.fullRetentionDays}`,
        "repo1-retention-archive-type=full",
        `repo1-retention-archive=${s.walRetentionDays}`,
        "start-fast=y",
        "compress-type=gz",
        "compress-level=3",
        `log-path=${local.workDir}/log`,
        `lock-path=${local.workDir}/lock`,
        `spool-path=${local.workDir}/spool`,
        "log-level-console=info",
        // Console output goes to the caller's log (the server log for archive-push).
        "log-level-file=off",
        "",
        `[${s.stanza}]`,
        `pg1-path=${local.dataDir}`,
        `pg1-port=${local.port}`,
        `pg1-socket-path=${local.socketDir}`,
        "pg1-user=postgres",
    ];
    return lines.join("\n") + "\n";
}

/** PostgreSQL settings that archive every WAL segment to the stanza. */
export function archivingSettings(s: PitrSettings, confPath: string): Record<string, string> {
    return {
        wal_level: "replica",
        archive_mode: "on",
        archive_command: `pgbackrest --config=${confPath} --stanza=${s.stanza} archive-push %p`,
        archive_timeout: String(s.archiveTimeoutSeconds ?? 3600),
        max_wal_senders: "3",
    };
}

/** "2026-03-10T02:15:00.123Z" -> "2026-03-10 02:15:00.123000+00", the form recovery_target_time takes. */
export function recoveryTarget(at: Date): string {
    if (Number.isNaN(at.getTime())) throw new Error("the recovery target is not a valid time");
    const iso = at.toISOString();
    return `${iso.slice(0, 10)} ${iso.slice(11, 23)}000+00`;
}

/** postgresql.conf lines from a settings map (values quoted). */
export function confLines(settings: Record<string, string>): string[] {
    return Object.entries(settings).map(([k, v]) => `${k} = '${v.replace(/'/g, "''")}'`);
}
