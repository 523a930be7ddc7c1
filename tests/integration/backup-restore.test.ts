// Point-in-time recovery end to end, on a real PostgreSQL and the real
// S3-compatible object store (SeaweedFS, scripts/object-store.sh): WAL is
// archived continuously by pgBackRest, a full backup is taken, then two
// writes; the restore command (`npm run restore`) restores into a fresh
// cluster to a time between the two writes, and exactly the first is there.
// Restoring to the end of the archive shows both, so the second write was
// archived and its absence is the recovery target's doing.
import { expect } from "chai";
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, copyFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { archivingSettings, confLines, pgbackrestConf, PitrSettings } from "../../scripts/restore/pgbackrest";
import { TempPg } from "./backup-pg";

const ROOT = resolve(__dirname, "..", "..");
/** Rows of filler data, about 250 bytes each, so that the timings mean something. */
const ROWS = Number(process.env.BACKUP_TEST_ROWS ?? 200_000);

function objectStoreEnv(): Record<string, string> {
    execFileSync("bash", ["scripts/object-store.sh", "up"], { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] });
    const out = execFileSync("bash", ["scripts/object-store.sh", "env"], { cwd: ROOT, encoding: "utf8" });
    const env: Record<string, string> = {};
    for (const m of out.matchAll(/^export (\w+)=(.*)$/gm)) env[m[1]] = m[2];
    return env;
}

interface Restored { restoredTo: string; stoppedBefore?: string; check?: string; seconds: number }

const pgTime = (t: string) => new Date(t.replace(" ", "T").replace(/\+00$/, "Z")).getTime();

function runRestore(args: string[], env: Record<string, string>): Restored {
    const r = spawnSync("npx", ["ts-node", "--transpile-only", "scripts/restore/cli.ts", ...args], {
        cwd: ROOT, encoding: "utf8", env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024,
    });
    process.stderr.write(r.stderr);
    expect(r.status, `restore exited with ${r.status}:\n${r.stderr}`).to.equal(0);
    const lines = r.stdout.trim().split("\n");
    const restored = JSON.parse(lines[lines.length - 1]) as Restored & { socketDir: string };
    // Stopped (--stop): its work directory holds the restored data dir.
    rmSync(restored.socketDir, { recursive: true, force: true });
    return restored;
}

describe("point-in-time restore from the object store (pgBackRest, SeaweedFS)", function () {
    this.timeout(1_800_000);
    const pg = new TempPg("wspitr-");
    const stanza = `pitr-${randomBytes(3).toString("hex")}`;
    const bucket = `webstack-test-${randomBytes(3).toString("hex")}`;
    let store: Record<string, string>;
    let secrets: Record<string, string>;
    let between = "";
    const timings: Record<string, number | string> = {};

    before(async () => {
        store = objectStoreEnv();
        execFileSync("bash", ["scripts/object-store.sh", "bucket", bucket], { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] });
        secrets = { PGBACKREST_REPO1_S3_KEY: store.OBJECT_STORE_ACCESS_KEY, PGBACKREST_REPO1_S3_KEY_SECRET: store.OBJECT_STORE_SECRET_KEY };
        await pg.init();
        // The server's OS user cannot read under /root: a copy of the CA next to its data.
        const caFile = join(pg.dir, "object-store-ca.crt");
        copyFileSync(store.OBJECT_STORE_CA_FILE, caFile);
        chmodSync(caFile, 0o644);
        const settings: PitrSettings = {
            stanza,
            store: { host: store.OBJECT_STORE_HOST, port: Number(store.OBJECT_STORE_PORT), region: store.OBJECT_STORE_REGION, bucket, caFile },
            fullRetentionDays: 30,
            walRetentionDays: 7,
        };
        const conf = join(pg.dir, "pgbackrest.conf");
        writeFileSync(conf, pgbackrestConf(settings, { dataDir: pg.dataDir, port: pg.port, socketDir: pg.dir, workDir: pg.dir }), { mode: 0o644 });
        pg.stop();
        pg.appendConf(confLines(archivingSettings(settings, conf)));
        pg.serverEnv = secrets;
        pg.start();
        const run = (...args: string[]) => {
            const t = Date.now();
            pg.runAsOwner("pgbackrest", [`--config=${conf}`, `--stanza=${stanza}`, ...args], secrets);
            return (Date.now() - t) / 1000;
        };
        run("stanza-create");
        run("check");
        pg.sql("CREATE DATABASE app;");
        pg.sql(`CREATE TABLE filler (id int PRIMARY KEY, body text);
INSERT INTO filler SELECT g, repeat(md5(g::text), 7) FROM generate_series(1, ${ROWS}) g;
CREATE TABLE writes (id serial PRIMARY KEY, v text NOT NULL);`, undefined, { PGDATABASE: "app" });
        timings.sizeMb = Number(pg.sql("SELECT pg_database_size('app') / 1048576;"));
        timings.backupSeconds = run("--type=full", "backup");
        // pgBackRest records the backup's stop time in whole seconds and picks a
        // backup that stopped strictly before the target: write in a later second.
        pg.sql("SELECT pg_sleep(1.1);");
        pg.sql("INSERT INTO writes (v) VALUES ('first');", undefined, { PGDATABASE: "app" });
        // The server's clock, read after the first commit and before the second.
        between = pg.sql("SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"');");
        pg.sql("INSERT INTO writes (v) VALUES ('second');", undefined, { PGDATABASE: "app" });
        // check switches the WAL segment and waits until it is in the bucket.
        timings.archiveSeconds = run("check");
    });

    after(() => {
        process.stderr.write(`[backup-restore] database ${timings.sizeMb} MB; full backup ${timings.backupSeconds}s; ` +
            `archive check ${timings.archiveSeconds}s; restore to target ${timings.restoreSeconds}s; recovery point ${timings.restoredTo}\n`);
        pg.destroy();
    });

    it("keeps the backup in a private bucket: anonymous requests are refused", () => {
        const code = execFileSync("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", store.OBJECT_STORE_CA_FILE,
            `${store.OBJECT_STORE_ENDPOINT}/${bucket}/?list-type=2`], { encoding: "utf8" });
        expect(code).to.equal("403");
    });

    it("restores into a fresh database to a time between two writes: exactly the first write is there", () => {
        const r = runRestore(["--stack", stanza, "--to", between, "--bucket", bucket, "--database", "app", "--stop",
            "--check", "SELECT string_agg(v, ',' ORDER BY id) || ' ' || (SELECT count(*) FROM filler) FROM writes"], store);
        timings.restoreSeconds = r.seconds;
        timings.restoredTo = r.restoredTo;
        expect(r.check).to.equal(`first ${ROWS}`);
        // The recovery point is the first write's commit, before the target; the second write's commit was left out.
        expect(pgTime(r.restoredTo)).to.be.at.most(new Date(between).getTime());
        expect(pgTime(r.stoppedBefore ?? "")).to.be.at.least(new Date(between).getTime() - 1);
    });

    it("restores to the end of the archive: both writes are there", () => {
        const r = runRestore(["--stack", stanza, "--to", "latest", "--bucket", bucket, "--database", "app", "--stop",
            "--check", "SELECT string_agg(v, ',' ORDER BY id) FROM writes"], store);
        expect(r.check).to.equal("first,second");
    });

    it("refuses to restore from a stanza that has no backups, and says so", () => {
        const r = spawnSync("npx", ["ts-node", "--transpile-only", "scripts/restore/cli.ts", "--stack", "no-such-stack", "--to", between, "--bucket", bucket, "--stop"], {
            cwd: ROOT, encoding: "utf8", env: { ...process.env, ...store },
        });
        expect(r.status).to.equal(1);
        expect(r.stderr).to.include("RESTORE FAILED");
    });
});
