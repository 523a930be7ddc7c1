/**
 * pgBackRest settings for continuous archiving and point-in-time recovery
 * (scripts/restore/pgbackrest.ts) and the restore command's arguments.
 */
import { expect } from "chai";
import { archivingSettings, confLines, pgbackrestConf, pitrProblems, PitrSettings, recoveryTarget } from "../../scripts/restore/pgbackrest";
import { parseArgs } from "../../scripts/restore/cli";

const settings = (over: Partial<PitrSettings> = {}): PitrSettings => ({
    stanza: "production",
    store: { host: "s3.example.internal", port: 9443, region: "eu-west-1", bucket: "webstack-backups", caFile: "/etc/ssl/store-ca.crt" },
    fullRetentionDays: 30,
    walRetentionDays: 7,
    ...over,
});
const local = { dataDir: "/var/lib/postgresql/data/pgdata", port: 5432, socketDir: "/var/run/postgresql", workDir: "/tmp/pgbackrest" };

function confMap(text: string): Map<string, string> {
    return new Map(text.split("\n").filter((l) => l.includes("=")).map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
}

describe("pgBackRest configuration from backup settings", () => {
    it("archives to the stack's own path in the bucket, over TLS with the given CA", () => {
        const c = confMap(pgbackrestConf(settings(), local));
        expect(c.get("repo1-type")).to.equal("s3");
        expect(c.get("repo1-path")).to.equal("/webstack/production");
        expect(c.get("repo1-s3-bucket")).to.equal("webstack-backups");
        expect(c.get("repo1-s3-endpoint")).to.equal("s3.example.internal");
        expect(c.get("repo1-storage-port")).to.equal("9443");
        expect(c.get("repo1-storage-ca-file")).to.equal("/etc/ssl/store-ca.crt");
        expect(c.get("repo1-s3-uri-style")).to.equal("path");
        expect(c.has("repo1-storage-verify-tls")).to.equal(false);
    });

    it("keeps full backups and WAL for the configured days (seeds: 30 and 7)", () => {
        const c = confMap(pgbackrestConf(settings(), local));
        expect(c.get("repo1-retention-full-type")).to.equal("time");
        expect(c.get("repo1-retention-full")).to.equal("30");
        expect(c.get("repo1-retention-archive-type")).to.equal("full");
        expect(c.get("repo1-retention-archive")).to.equal("7");
        const other = confMap(pgbackrestConf(settings({ fullRetentionDays: 14, walRetentionDays: 3 }), local));
        expect([other.get("repo1-retention-full"), other.get("repo1-retention-archive")]).to.deep.equal(["14", "3"]);
    });

    it("never writes the object store credentials into the file", () => {
        const text = pgbackrestConf(settings(), local);
        expect(text).to.not.match(/s3-key/);
    });

    it("names the stanza after the stack, pointing at the local server", () => {
        const text = pgbackrestConf(settings({ stanza: "staging" }), local);
        expect(text).to.include("\n[staging]\npg1-path=/var/lib/postgresql/data/pgdata\npg1-port=5432\npg1-socket-path=/var/run/postgresql\n");
    });

    it("refuses bad settings, naming each problem", () => {
        expect(pitrProblems(settings())).to.deep.equal([]);
        expect(pitrProblems(settings({ stanza: "Prod_1" }))[0]).to.include("stanza");
        expect(pitrProblems(settings({ walRetentionDays: 40 }))[0]).to.include("cannot exceed fullRetentionDays");
        expect(pitrProblems(settings({ fullRetentionDays: 0, walRetentionDays: 0 }))).to.have.length(2);
        expect(() => pgbackrestConf(settings({ store: { ...settings().store, bucket: "" } }), local)).to.throw(/bucket is empty/);
    });

    it("archives every segment with the stanza, at least hourly", () => {
        const a = archivingSettings(settings(), "/etc/pgbackrest/pgbackrest.conf");
        expect(a.archive_mode).to.equal("on");
        expect(a.wal_level).to.equal("replica");
        expect(a.archive_command).to.equal("pgbackrest --config=/etc/pgbackrest/pgbackrest.conf --stanza=production archive-push %p");
        expect(a.archive_timeout).to.equal("3600");
        expect(confLines({ archive_command: "it's" })).to.deep.equal(["archive_command = 'it''s'"]);
    });

    it("writes recovery targets in UTC with microseconds", () => {
        expect(recoveryTarget(new Date("2026-03-10T03:15:00.123+01:00"))).to.equal("2026-03-10 02:15:00.123000+00");
        expect(() => recoveryTarget(new Date("yesterday"))).to.throw(/not a valid time/);
    });
});

describe("npm run restore arguments", () => {
    it("takes a stack and a time, with the bucket from the environment", () => {
        const a = parseArgs(["--stack", "production", "--to", "2026-03-10T02:15:00Z"], { OBJECT_STORE_BUCKET: "b1" });
        expect(a).to.deep.include({ stack: "production", to: "2026-03-10T02:15:00Z", bucket: "b1", database: "postgres", stop: false });
        expect(parseArgs(["--stack", "s", "--to", "latest", "--stop", "--port", "6543"], {})).to.deep.include({ to: "latest", stop: true, port: 6543, bucket: "webstack-backups" });
    });

    for (const [args, message] of [
        [["--to", "latest"], "--stack is required"],
        [["--stack", "s"], "--to is required"],
        [["--stack", "s", "--to", "soon"], "is not a time"],
        [["--stack", "s", "--to", "latest", "--port", "70000"], "--port must be a TCP port"],
        [["--stack", "s", "--to", "latest", "--force"], "unknown argument --force"],
        [["--stack"], "--stack needs a value"],
    ] as [string[], string][]) {
        it(`refuses ${args.join(" ")}`, () => {
            expect(() => parseArgs(args, {})).to.throw(message);
        });
    }
});
