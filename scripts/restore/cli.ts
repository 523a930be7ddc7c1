/**
 * Point-in-time restore of a stack's database into a fresh PostgreSQL cluster,
 * from the stack's pgBackRest stanza in the object store, then verification.
 *
 *   npm run restore -- --stack production --to "2026-03-10T02:15:00Z"
 *
 * Options:
 *   --stack S        stanza to restore (one per stack)               (required)
 *   --to TIME        recovery target: an ISO time, or "latest"        (required)
 *   --data-dir DIR   fresh data directory (must not exist or be empty; default: a new temp dir)
 *   --port P         loopback port of the restored server (default: a free one)
 *   --bucket B       bucket (default: $OBJECT_STORE_BUCKET or webstack-backups)
 *   --check SQL      a query whose single value is printed after the restore (e.g. a row count)
 *   --database DB    database --check runs in (default: postgres)
 *   --stop           stop the restored server after verifying (default: leave it running)
 *
 * The object store comes from the environment (`eval "$(bash scripts/object-store.sh env)"`
 * locally; from the secret store for staging and production):
 *   OBJECT_STORE_HOST, OBJECT_STORE_PORT, OBJECT_STORE_REGION, OBJECT_STORE_CA_FILE (optional),
 *   OBJECT_STORE_ACCESS_KEY, OBJECT_STORE_SECRET_KEY; PG_BIN_DIR (default: newest /usr/lib/postgresql/N/bin).
 *
 * Exit codes: 0 restored and verified, 1 restore or verification failed, 2 bad usage.
 * The last line of output is a JSON summary: restoredTo is the recovery point reached (the
 * last transaction replayed), stoppedBefore the first transaction left out.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { confLines, pgbackrestConf, recoveryTarget } from "./pgbackrest";

const OS_USER = "postgres";
const started = Date.now();

function log(message: string): void {
    process.stderr.write(`[restore ${String(Math.round((Date.now() - started) / 1000)).padStart(4)}s] ${message}\n`);
}

class Usage extends Error {}

export interface RestoreArgs {
    stack: string;
    to: string;
    dataDir?: string;
    port?: number;
    bucket: string;
    check?: string;
    database: string;
    stop: boolean;
}

export function parseArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): RestoreArgs {
    const values = new Map<string, string>();
    const flags = new Set<string>();
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--stop") { flags.add(a); continue; }
        if (!["--stack", "--to", "--data-dir", "--port", "--bucket", "--check", "--database"].includes(a)) throw new Usage(`unknown argument ${a}`);
        const v = argv[++i];
        if (v === undefined) throw new Usage(`${a} needs a value`);
        values.set(a, v);
    }
    const stack = values.get("--stack");
    const to = values.get("--to");
    if (!stack) throw new Usage("--stack is required");
    if (!to) throw new Usage("--to is required (an ISO time such as 2026-03-10T02:15:00Z, or latest)");
    if (to !== "latest" && Number.isNaN(new Date(to).getTime())) throw new Usage(`--to "${to}" is not a time`);
    const port = values.has("--port") ? Number(values.get("--port")) : undefined;
    if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) throw new Usage("--port must be a TCP port");
    return {
        stack, to, port,
        dataDir: values.get("--data-dir"),
        bucket: values.get("--bucket") ?? env.OBJECT_STORE_BUCKET ?? "webstack-backups",
        check: values.get("--check"),
        database: values.get("--database") ?? "postgres",
        stop: flags.has("--stop"),
    };
}

function pgBin(): string {
    if (process.env.PG_BIN_DIR) return process.env.PG_BIN_DIR;
    const root = "/usr/lib/postgresql";
    const v = fs.existsSync(root) ? fs.readdirSync(root).filter((d) => fs.existsSync(path.join(root, d, "bin", "pg_ctl"))).sort((a, b) => Number(b) - Number(a)) : [];
    if (v.length === 0) throw new Error("PostgreSQL server binaries not found: set PG_BIN_DIR");
    return path.join(root, v[0], "bin");
}

function requireEnv(name: string): string {
    const v = process.env[name];
    if (!v) throw new Usage(`${name} is not set (locally: eval "$(bash scripts/object-store.sh env)")`);
    return v;
}

/** Runs a command as the postgres OS user (PostgreSQL and pgBackRest refuse root). */
function asOwner(cmd: string, args: string[], env: Record<string, string> = {}): { status: number; out: string } {
    const envArgs = Object.entries(env).map(([k, v]) => `${k}=${v}`);
    const asRoot = process.getuid?.() === 0;
    const [file, argv] = asRoot ? ["runuser", ["-u", OS_USER, "--", "env", ...envArgs, cmd, ...args]] : ["env", [...envArgs, cmd, ...args]];
    const r = spawnSync(file, argv, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    return { status: r.status ?? -1, out: `${r.stdout ?? ""}${r.stderr ?? ""}${r.error ? String(r.error) : ""}` };
}

function must(what: string, r: { status: number; out: string }): string {
    if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}):\n${r.out.trim()}`);
    return r.out;
}

function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const srv = net.createServer();
        srv.once("error", reject);
        srv.listen(0, "127.0.0.1", () => {
            const a = srv.address();
            srv.close(() => resolve(typeof a === "object" && a ? a.port : 0));
        });
    });
}

function chownToOwner(p: string): void {
    if (process.getuid?.() !== 0) return;
    const id = (flag: string) => Number(spawnSync("id", [flag, OS_USER], { encoding: "utf8" }).stdout);
    fs.chownSync(p, id("-u"), id("-g"));
}

export interface RestoreResult {
    stack: string;
    target: string;
    /** Commit time of the last transaction replayed: the recovery point reached. */
    restoredTo: string;
    /** Commit time of the first transaction after the target, which was left out. */
    stoppedBefore?: string;
    dataDir: string;
    port: number;
    socketDir: string;
    seconds: number;
    check?: string;
}

export async function restore(args: RestoreArgs): Promise<RestoreResult> {
    const bin = pgBin();
    const work = fs.mkdtempSync(path.join(os.tmpdir(), `wsrestore-${args.stack}-`));
    fs.chmodSync(work, 0o755);
    chownToOwner(work);
    const dataDir = args.dataDir ?? path.join(work, "data");
    if (fs.existsSync(dataDir) && fs.readdirSync(dataDir).length > 0) throw new Usage(`${dataDir} is not empty: restore goes into a fresh directory`);
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    chownToOwner(dataDir);
    const port = args.port ?? (await freePort());
    const conf = path.join(work, "pgbackrest.conf");
    // pgBackRest runs as the postgres OS user, who may not read the caller's
    // files (e.g. under /root): give it its own copy of the CA bundle.
    let caFile: string | undefined;
    if (process.env.OBJECT_STORE_CA_FILE) {
        caFile = path.join(work, "object-store-ca.crt");
        fs.copyFileSync(process.env.OBJECT_STORE_CA_FILE, caFile);
        fs.chmodSync(caFile, 0o644);
    }
    fs.writeFileSync(conf, pgbackrestConf({
        stanza: args.stack,
        store: {
            host: requireEnv("OBJECT_STORE_HOST"),
            port: Number(process.env.OBJECT_STORE_PORT ?? 443),
            region: process.env.OBJECT_STORE_REGION ?? "us-east-1",
            bucket: args.bucket,
            caFile,
        },
        // Restore never expires anything; these only need to be valid.
        fullRetentionDays: 1,
        walRetentionDays: 1,
    }, { dataDir, port, socketDir: work, workDir: work }), { mode: 0o644 });
    const secrets = { PGBACKREST_REPO1_S3_KEY: requireEnv("OBJECT_STORE_ACCESS_KEY"), PGBACKREST_REPO1_S3_KEY_SECRET: requireEnv("OBJECT_STORE_SECRET_KEY") };
    const pgbr = (...a: string[]) => asOwner("pgbackrest", [`--config=${conf}`, `--stanza=${args.stack}`, ...a], secrets);

    log(`backups of stanza ${args.stack} in bucket ${args.bucket}:`);
    process.stderr.write(must("pgbackrest info", pgbr("info")));

    const target = args.to === "latest" ? "latest" : recoveryTarget(new Date(args.to));
    log(`restoring into ${dataDir} to ${target}`);
    const typeArgs = target === "latest" ? ["--type=default"] : ["--type=time", `--target=${target}`, "--target-action=promote"];
    must("pgbackrest restore", pgbr(...typeArgs, "--archive-mode=off", "restore"));

    // Loopback only, its own socket, and archiving off: the copy must never
    // write into the stanza it came from.
    fs.appendFileSync(path.join(dataDir, "postgresql.auto.conf"), confLines({
        port: String(port), listen_addresses: "127.0.0.1", unix_socket_directories: work, archive_mode: "off",
    }).join("\n") + "\n");
    const serverLog = path.join(work, "server.log");
    log(`starting the restored server on 127.0.0.1:${port} (log: ${serverLog})`);
    // Its restore_command (pgbackrest archive-get) needs the object store credentials.
    must("pg_ctl start", asOwner(path.join(bin, "pg_ctl"), ["-D", dataDir, "-l", serverLog, "-w", "-t", "600", "start"], secrets));

    const psql = (sql: string) => must(`psql ${sql}`, asOwner(path.join(bin, "psql"), ["-X", "-tA", "-h", work, "-p", String(port), "-U", "postgres", "-d", "postgres", "-c", sql]));
    const deadline = Date.now() + 600_000;
    while (psql("SELECT pg_is_in_recovery()").trim() !== "f") {
        if (Date.now() > deadline) throw new Error(`the restored server is still in recovery after 10 minutes; see ${serverLog}`);
        await new Promise((r) => setTimeout(r, 500));
    }
    const serverText = fs.readFileSync(serverLog, "utf8");
    const stop = /recovery stopping (?:before|after) [^\n]*time ([0-9-]+ [0-9:.]+\+00)/.exec(serverText);
    const last = /last completed transaction was at log time ([0-9-]+ [0-9:.]+\+00)/.exec(serverText);
    // The recovery point: the last transaction replayed; the first one left out comes right after the target.
    const restoredTo = last?.[1] ?? "no transaction replayed after the base backup";
    const stoppedBefore = stop?.[1];
    if (target !== "latest" && !stop) throw new Error(`recovery did not stop at the target (no "recovery stopping" in ${serverLog})`);
    const databases = psql("SELECT string_agg(datname, ',' ORDER BY datname) FROM pg_database WHERE NOT datistemplate").trim();
    log(`restored and promoted; recovery point (last transaction replayed) ${restoredTo}${stoppedBefore ? `; first transaction left out ${stoppedBefore}` : ""}; databases: ${databases}`);
    const check = args.check === undefined ? undefined
        : must("--check", asOwner(path.join(bin, "psql"), ["-X", "-tA", "-h", work, "-p", String(port), "-U", "postgres", "-d", args.database, "-c", args.check])).trim();
    if (check !== undefined) log(`check: ${check}`);
    if (args.stop) {
        must("pg_ctl stop", asOwner(path.join(bin, "pg_ctl"), ["-D", dataDir, "-m", "fast", "-w", "stop"]));
        log("stopped the restored server");
    } else {
        log(`running: psql -h ${work} -p ${port} -U postgres   (stop: pg_ctl -D ${dataDir} stop, as ${OS_USER})`);
    }
    return { stack: args.stack, target, restoredTo, stoppedBefore, dataDir, port, socketDir: work, seconds: (Date.now() - started) / 1000, check };
}

if (require.main === module) {
    void (async () => {
        try {
            const result = await restore(parseArgs(process.argv.slice(2)));
            process.stdout.write(JSON.stringify(result) + "\n");
        } catch (err) {
            log(`RESTORE FAILED: ${err instanceof Error ? err.message : String(err)}`);
            process.exit(err instanceof Usage ? 2 : 1);
        }
    })();
}
