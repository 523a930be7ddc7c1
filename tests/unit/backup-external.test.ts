/**
 * With an external (managed) database the program still takes its own
 * backups: the same read-only backup role and CronJob as in-cluster, pointed
 * at the managed instance, so the promotion workflow's pre-deploy backup step
 * works in every database mode.
 */
import { expect } from "chai";
import { externalHostPort } from "../../components/managedDb";
import { RunResult } from "../support/program";
import { cachedRun } from "../support/mocks";
import { T, mainContainer, k8sEnv } from "../support/inspect";

const ADMIN_URL = "postgresql://admin:Adm1nPassw0rd@db.example.internal:6432/app";

describe("backups of an external database", () => {
    let run: RunResult;
    before(async () => {
        run = await cachedRun("examples/topologies/external-db.yaml", {
            stack: "staging",
            overrides: { "webstack:dbAdminUrl": ADMIN_URL, "webstack:dbBackupSchedule": "0 3 * * *" },
        });
    });

    it("runs the backup CronJob against the managed instance as the read-only backup role", () => {
        const crons = run.resources.filter((r) => r.type === T.cronJob);
        expect(crons.map((c) => c.name)).to.deep.equal(["staging-db-backup"]);
        expect(crons[0].props.spec.schedule).to.equal("0 3 * * *");
        const env = k8sEnv(mainContainer(crons[0]));
        expect(env.PGHOST).to.equal("db.example.internal");
        expect(env.PGPORT).to.equal("6432");
        expect(env.PGUSER).to.match(/^db_backup_[ab]$/);
        expect(JSON.stringify(crons[0].props)).to.not.include("Adm1nPassw0rd");
    });

    it("creates the backup role on the managed instance with the access job, read-only", () => {
        const jobs = run.resources.filter((r) => r.type === T.job && r.name.includes("db-access"));
        expect(jobs).to.have.length(1);
        const script = mainContainer(jobs[0]).command.join(" ");
        expect(script).to.include("GRANT pg_read_all_data TO db_backup;");
        expect(script).to.not.match(/GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO db_backup;/);
    });
});

describe("externalHostPort", () => {
    it("takes host and port from the admin URL, never the password", () => {
        expect(externalHostPort(ADMIN_URL)).to.deep.equal({ PGHOST: "db.example.internal", PGPORT: "6432" });
        expect(externalHostPort("postgres://a:b@10.0.0.5/app")).to.deep.equal({ PGHOST: "10.0.0.5", PGPORT: "5432" });
        expect(externalHostPort("postgresql://a:b@[fd00::5]:5433/app")).to.deep.equal({ PGHOST: "fd00::5", PGPORT: "5433" });
    });
});
