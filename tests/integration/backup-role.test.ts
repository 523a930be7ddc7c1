// The backup role reads everything and writes nothing, on a real PostgreSQL:
// the access script the database access job runs (components/sql.ts) is
// applied as the job applies it, then the backup login dumps every table with
// pg_dump and every kind of write it might attempt is refused.
import { expect } from "chai";
import { dbAccessSql, roleName, slotVar } from "../../components/sql";
import { TempPg, Login } from "./backup-pg";

const DB = "app";
const MIGRATOR = "api-migrate";
const BACKUP = "db-backup";
const CLIENTS = ["api", MIGRATOR, "worker", BACKUP];

/** Every slot password of every client, as the access job receives them. */
function slotPasswords(): Record<string, string> {
    const env: Record<string, string> = { ADMIN_CURRENT: "" };
    for (const c of CLIENTS) {
        for (const slot of ["a", "b"] as const) env[slotVar(c, slot)] = `pw-${roleName(c)}-${slot}`;
    }
    return env;
}

const login = (client: string, slot: "a" | "b" = "a"): Login =>
    ({ user: `${roleName(client)}_${slot}`, password: `pw-${roleName(client)}-${slot}`, database: DB });

describe("backup role on a real PostgreSQL", function () {
    this.timeout(300_000);
    const pg = new TempPg("wsbk-role-");
    const backup = login(BACKUP);
    // As the access job runs it: the superuser, the slot passwords in its environment.
    const applyAccess = () => pg.sql(dbAccessSql(DB, CLIENTS, MIGRATOR, [BACKUP]), undefined, { ...slotPasswords(), PGDATABASE: DB });

    before(async () => {
        await pg.init();
        pg.sql(`CREATE DATABASE ${DB};`);
        applyAccess();
        // The migrator creates the schema: one table before the next access run
        // (reached by GRANT ... ON ALL TABLES), one after (default privileges),
        // a sequence, a view and a table with a foreign key.
        pg.sql(`CREATE TABLE accounts (id bigserial PRIMARY KEY, name text NOT NULL);
INSERT INTO accounts (name) VALUES ('first'), ('second');`, login(MIGRATOR));
        // An earlier version of the access script granted backups the writers'
        // privileges; the current one must take them back.
        pg.sql(`GRANT INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA public TO ${roleName(BACKUP)};
ALTER DEFAULT PRIVILEGES FOR ROLE ${roleName(MIGRATOR)} IN SCHEMA public GRANT INSERT, UPDATE, DELETE ON TABLES TO ${roleName(BACKUP)};`, undefined, { PGDATABASE: DB });
        applyAccess();
        pg.sql(`CREATE TABLE jobs (id bigserial PRIMARY KEY, account_id bigint REFERENCES accounts(id), payload text);
INSERT INTO jobs (account_id, payload) VALUES (1, 'job-one'), (2, 'job-two'), (2, 'job-three');
CREATE SEQUENCE invoice_no START 1000;
CREATE VIEW account_jobs AS SELECT a.name, count(j.id) AS jobs FROM accounts a LEFT JOIN jobs j ON j.account_id = a.id GROUP BY a.name;`, login(MIGRATOR));
    });

    after(() => pg.destroy());

    it("lets the other clients write (the fixture is sound)", () => {
        expect(pg.sql("INSERT INTO jobs (account_id, payload) VALUES (1, 'by-api') RETURNING payload;", login("api"))).to.equal("by-api");
        expect(pg.sql("DELETE FROM jobs WHERE payload = 'by-api' RETURNING payload;", login("worker"))).to.equal("by-api");
    });

    it("reads every table, sequence and view", () => {
        expect(pg.sql("SELECT count(*) FROM accounts;", backup)).to.equal("2");
        expect(pg.sql("SELECT count(*) FROM jobs;", backup)).to.equal("3");
        expect(pg.sql("SELECT last_value FROM invoice_no;", backup)).to.equal("1000");
        expect(pg.sql("SELECT jobs FROM account_jobs WHERE name = 'second';", backup)).to.equal("2");
    });

    it("dumps every table with pg_dump, and the dump restores", () => {
        const tables = pg.sql("SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public';", undefined, { PGDATABASE: DB });
        expect(tables).to.equal("accounts,jobs");
        const dumpFile = `${pg.dir}/app.dump`;
        const dump = pg.client("pg_dump", ["--format=custom", `--file=${dumpFile}`], backup);
        expect(dump.status, dump.stderr).to.equal(0);
        const list = pg.client("pg_restore", ["--list", dumpFile]);
        expect(list.status, list.stderr).to.equal(0);
        for (const t of tables.split(",")) expect(list.stdout).to.match(new RegExp(`TABLE DATA public ${t} `));
        expect(list.stdout).to.match(/SEQUENCE SET public invoice_no /);

        pg.sql("CREATE DATABASE restored;");
        const restore = pg.client("pg_restore", ["--no-owner", "--no-privileges", "--dbname=restored", dumpFile]);
        expect(restore.status, restore.stderr).to.equal(0);
        expect(pg.sql("SELECT string_agg(payload, ',' ORDER BY id) FROM jobs;", undefined, { PGDATABASE: "restored" })).to.equal("job-one,job-two,job-three");
    });

    // Each write is tried twice: in the session as it starts (read-only by
    // default) and after switching read-only off, which any session may do,
    // so that privileges alone are shown to refuse it.
    const writes: [string, string][] = [
        ["INSERT", "INSERT INTO jobs (account_id, payload) VALUES (1, 'by-backup');"],
        ["UPDATE", "UPDATE accounts SET name = 'changed';"],
        ["DELETE", "DELETE FROM jobs;"],
        ["TRUNCATE", "TRUNCATE jobs;"],
        ["sequence nextval", "SELECT nextval('invoice_no');"],
        ["COPY FROM", "COPY accounts (name) FROM STDIN;"],
        ["CREATE TABLE", "CREATE TABLE intruder (id int);"],
        ["ALTER TABLE", "ALTER TABLE accounts ADD COLUMN extra text;"],
        ["DROP TABLE", "DROP TABLE jobs;"],
        ["CREATE INDEX", "CREATE INDEX intruder_idx ON jobs (payload);"],
        ["CREATE SCHEMA", "CREATE SCHEMA intruder;"],
        ["CREATE FUNCTION", "CREATE FUNCTION intruder() RETURNS int LANGUAGE sql AS 'SELECT 1';"],
    ];
    for (const [what, sql] of writes) {
        it(`refuses ${what}`, () => {
            const ro = pg.psql(sql, backup);
            expect(ro.status, `${what} succeeded in a default session: ${ro.stdout}`).to.not.equal(0);
            const rw = pg.psql(`SET default_transaction_read_only = off;\n${sql}`, backup);
            expect(rw.status, `${what} succeeded with read-only off: ${rw.stdout}`).to.not.equal(0);
            expect(rw.stderr).to.match(/permission denied|must be owner/);
        });
    }

    it("cannot hand privileges on to others (GRANT grants nothing)", () => {
        const r = pg.psql("SET default_transaction_read_only = off;\nGRANT SELECT, INSERT ON accounts TO PUBLIC;", backup);
        expect(r.stderr).to.match(/no privileges were granted|permission denied/);
        expect(pg.sql("SELECT has_table_privilege('public', 'accounts', 'SELECT') OR has_table_privilege('public', 'accounts', 'INSERT');", undefined, { PGDATABASE: DB })).to.equal("f");
    });

    it("refuses writes through the second credential slot too", () => {
        const r = pg.psql("SET default_transaction_read_only = off;\nDELETE FROM jobs;", login(BACKUP, "b"));
        expect(r.status).to.not.equal(0);
        expect(r.stderr).to.match(/permission denied/);
    });

    it("left the data exactly as it was", () => {
        expect(pg.sql("SELECT string_agg(name, ',' ORDER BY id) FROM accounts;", undefined, { PGDATABASE: DB })).to.equal("first,second");
        expect(pg.sql("SELECT count(*) FROM jobs;", undefined, { PGDATABASE: DB })).to.equal("3");
        expect(pg.sql("SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema');", undefined, { PGDATABASE: DB })).to.equal("2");
        expect(pg.sql("SELECT last_value FROM invoice_no;", undefined, { PGDATABASE: DB })).to.equal("1000");
    });
});
