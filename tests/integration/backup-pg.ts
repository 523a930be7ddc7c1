// A throwaway PostgreSQL cluster for the backup and restore tests: initdb into
// a temp dir, the server on a free loopback port, its unix socket inside the
// temp dir. PostgreSQL refuses to run as root, so under uid 0 the cluster
// belongs to the `postgres` OS user. Clients are the real psql, pg_dump and
// pg_restore of the same installation.
import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync, appendFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const OS_USER = "postgres";

/** Directory of initdb, pg_ctl, psql, pg_dump (Debian keeps them off PATH); PG_BIN_DIR overrides. */
export function pgBinDir(): string {
    if (process.env.PG_BIN_DIR) return process.env.PG_BIN_DIR;
    const root = "/usr/lib/postgresql";
    const versions = existsSync(root)
        ? readdirSync(root).filter((v) => existsSync(join(root, v, "bin", "initdb"))).sort((a, b) => Number(b) - Number(a))
        : [];
    if (versions.length === 0) {
        throw new Error("PostgreSQL server binaries not found under /usr/lib/postgresql: install postgresql (scripts/system-deps.sh) or set PG_BIN_DIR");
    }
    return join(root, versions[0], "bin");
}

export function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const srv = createServer();
        srv.once("error", reject);
        srv.listen(0, "127.0.0.1", () => {
            const addr = srv.address();
            const port = typeof addr === "object" && addr ? addr.port : 0;
            srv.close(() => resolve(port));
        });
    });
}

export interface Login {
    user: string;
    password?: string;
    database?: string;
}

export interface PsqlResult {
    status: number;
    stdout: string;
    stderr: string;
}

export class TempPg {
    readonly dir: string;
    readonly dataDir: string;
    readonly bin = pgBinDir();
    port = 0;

    constructor(prefix = "wsbk-") {
        this.dir = mkdtempSync(join(tmpdir(), prefix));
        this.dataDir = join(this.dir, "data");
        if (process.getuid?.() === 0) {
            chownSync(this.dir, this.osUid(), this.osGid());
        }
    }

    osUid(): number {
        return Number(execFileSync("id", ["-u", OS_USER], { encoding: "utf8" }));
    }

    osGid(): number {
        return Number(execFileSync("id", ["-g", OS_USER], { encoding: "utf8" }));
    }

    /** Runs a server tool (or, named without a path, a command on PATH: pgbackrest) as the cluster's OS user. */
    runAsOwner(tool: string, args: string[], env: NodeJS.ProcessEnv = {}): string {
        const cmd = existsSync(join(this.bin, tool)) ? join(this.bin, tool) : tool;
        const asRoot = process.getuid?.() === 0;
        const envArgs = Object.entries(env).map(([k, v]) => `${k}=${v ?? ""}`);
        const [file, argv] = asRoot
            ? ["runuser", ["-u", OS_USER, "--", "env", ...envArgs, cmd, ...args]]
            : ["env", [...envArgs, cmd, ...args]];
        const r = spawnSync(file, argv, { encoding: "utf8", cwd: this.dir });
        if (r.status !== 0) {
            throw new Error(`${tool} ${args.join(" ")} failed (${r.status}): ${r.stderr}${r.stdout}`);
        }
        return r.stdout;
    }

    /** initdb with trust on the socket and scram-sha-256 over TCP; `conf` lines go into postgresql.conf. */
    async init(conf: string[] = []): Promise<void> {
        this.port = await freePort();
        this.runAsOwner("initdb", ["-D", this.dataDir, "-U", "postgres", "-E", "UTF8", "--no-sync",
            "--auth-local=trust", "--auth-host=scram-sha-256"]);
        this.appendConf(conf);
        this.start();
    }

    appendConf(lines: string[]): void {
        if (lines.length > 0) appendFileSync(join(this.dataDir, "postgresql.conf"), lines.join("\n") + "\n");
    }

    /** Environment of the server process (e.g. what its archive_command needs). */
    serverEnv: NodeJS.ProcessEnv = {};

    start(): void {
        const opts = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1`;
        this.runAsOwner("pg_ctl", ["-D", this.dataDir, "-l", join(this.dir, "server.log"), "-o", opts, "-w", "-t", "120", "start"], this.serverEnv);
    }

    stop(): void {
        this.runAsOwner("pg_ctl", ["-D", this.dataDir, "-m", "fast", "-w", "-t", "120", "stop"]);
    }

    destroy(): void {
        try {
            this.stop();
        } catch {
            // not running
        }
        rmSync(this.dir, { recursive: true, force: true });
    }

    /** Connection environment: the superuser over the socket, or a login over TCP with its password. */
    connEnv(login?: Login): NodeJS.ProcessEnv {
        const base: NodeJS.ProcessEnv = { ...process.env, PGPORT: String(this.port), PGDATABASE: login?.database ?? "postgres", PGCONNECT_TIMEOUT: "10" };
        delete base.PGPASSWORD;
        if (!login) return { ...base, PGHOST: this.dir, PGUSER: "postgres" };
        return { ...base, PGHOST: "127.0.0.1", PGUSER: login.user, PGPASSWORD: login.password ?? "" };
    }

    /** Runs psql; never throws, so refusals can be asserted. */
    psql(sql: string, login?: Login, extraEnv: NodeJS.ProcessEnv = {}): PsqlResult {
        const file = join(this.dir, `q-${process.hrtime.bigint()}.sql`);
        writeFileSync(file, sql, { mode: 0o644 });
        try {
            return this.client("psql", ["-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1", "-f", file], login, extraEnv);
        } finally {
            rmSync(file, { force: true });
        }
    }

    /** psql that must succeed; returns its output. */
    sql(sql: string, login?: Login, extraEnv: NodeJS.ProcessEnv = {}): string {
        const r = this.psql(sql, login, extraEnv);
        if (r.status !== 0) throw new Error(`psql failed (${r.status}): ${r.stderr}\n--- script:\n${sql}`);
        return r.stdout.trim();
    }

    /** Any client tool of the installation (pg_dump, pg_restore, psql). */
    client(tool: string, args: string[], login?: Login, extraEnv: NodeJS.ProcessEnv = {}): PsqlResult {
        const r = spawnSync(join(this.bin, tool), args, { encoding: "utf8", env: { ...this.connEnv(login), ...extraEnv }, maxBuffer: 256 * 1024 * 1024 });
        return { status: r.status ?? -1, stdout: r.stdout ?? "", stderr: (r.stderr ?? "") + (r.error ? String(r.error) : "") };
    }
}
