/**
 * The Docker cron loop honours its schedule: the matching of platform/cron-loop.sh
 * run by the real /bin/sh, the whole loop run against a simulated clock (a
 * `date` and a `sleep` on PATH that read and advance a clock file), and the
 * command the Docker platform gives the backup container under mocks.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { expect } from "chai";
import { dockerCronCommand } from "../../platform/docker";
import { RunResult } from "../support/program";
import { cachedRun } from "../support/mocks";
import { T, dockerEnv } from "../support/inspect";

const SCRIPT = path.resolve(__dirname, "..", "..", "platform", "cron-loop.sh");

function sh(body: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): { status: number; stdout: string; stderr: string } {
    const r = spawnSync("sh", ["-c", `. "${SCRIPT}"\n${body}`, "test", ...args], { encoding: "utf8", env: { ...process.env, ...env }, timeout: 60_000 });
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** "2026-03-10T02:30" -> the five fields date(1) gives: minute hour day month weekday. */
function fields(iso: string): string[] {
    const d = new Date(`${iso}:00Z`);
    const two = (n: number) => String(n).padStart(2, "0");
    return [two(d.getUTCMinutes()), two(d.getUTCHours()), two(d.getUTCDate()), two(d.getUTCMonth() + 1), String(d.getUTCDay())];
}

const matches = (schedule: string, iso: string) => sh('cron_matches "$@"', [schedule, ...fields(iso)]).status === 0;

describe("Docker cron loop: schedule matching (platform/cron-loop.sh)", () => {
    // 2026-03-10 is a Tuesday (weekday 2).
    const cases: [string, string, boolean][] = [
        ["15 2 * * *", "2026-03-10T02:15", true],
        ["15 2 * * *", "2026-03-10T02:16", false],
        ["15 2 * * *", "2026-03-10T03:15", false],
        ["*/15 * * * *", "2026-03-10T07:45", true],
        ["*/15 * * * *", "2026-03-10T07:08", false],
        ["0 8-18/2 * * *", "2026-03-10T10:00", true],
        ["0 8-18/2 * * *", "2026-03-10T11:00", false],
        ["0 8-18/2 * * *", "2026-03-10T20:00", false],
        ["5,35 9 * * *", "2026-03-10T09:35", true],
        ["5,35 9 * * *", "2026-03-10T09:25", false],
        ["0 9 * * 1-5", "2026-03-10T09:00", true],
        ["0 9 * * 1-5", "2026-03-14T09:00", false],
        ["0 0 * * 7", "2026-03-15T00:00", true],
        ["0 0 * * 0", "2026-03-15T00:00", true],
        ["0 0 1 * *", "2026-04-01T00:00", true],
        ["0 0 1 * *", "2026-04-02T00:00", false],
        // Day of month and day of week both restricted: either matches.
        ["0 0 1 * 1", "2026-03-16T00:00", true],
        ["0 0 1 * 1", "2026-03-17T00:00", false],
        ["0 0 * 6 *", "2026-03-10T00:00", false],
        ["08 09 * * *", "2026-03-10T09:08", true],
        ["10/20 * * * *", "2026-03-10T09:50", true],
        ["10/20 * * * *", "2026-03-10T09:00", false],
    ];
    for (const [schedule, at, expected] of cases) {
        it(`"${schedule}" ${expected ? "matches" : "does not match"} ${at}`, () => {
            expect(matches(schedule, at)).to.equal(expected);
        });
    }

    for (const bad of ["15 2 * *", "15 2 * * * *", "61 * * * *", "* 24 * * *", "0 0 0 * *", "0 0 * 13 *", "0 0 * * 8", "0 0 * * MON", "@daily", "*/0 * * * *", "1-2-3 * * * *", "5- * * * *", ""]) {
        it(`refuses the schedule "${bad}"`, () => {
            expect(sh('cron_check "$1"', [bad]).status).to.not.equal(0);
        });
    }
    it("accepts the seeds' nightly and hourly schedules", () => {
        expect(sh('cron_check "$1"', ["15 2 * * *"]).status).to.equal(0);
        expect(sh('cron_check "$1"', ["0 * * * *"]).status).to.equal(0);
    });
});

describe("Docker cron loop: a run of the loop on a simulated clock", () => {
    let dir: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "wscron-"));
        fs.mkdirSync(path.join(dir, "bin"));
        // date answers from the clock file; sleep advances it, and stops the
        // loop (its parent shell) once the clock passes the end.
        fs.writeFileSync(path.join(dir, "bin", "date"), `#!/bin/sh\nexec /bin/date -d "@$(cat "${dir}/clock")" "$@"\n`, { mode: 0o755 });
        fs.writeFileSync(path.join(dir, "bin", "sleep"), `#!/bin/sh
now=$(( $(cat "${dir}/clock") + $1 ))
echo "$now" > "${dir}/clock"
if [ "$now" -ge "$(cat "${dir}/end")" ]; then kill -TERM "$PPID"; fi
`, { mode: 0o755 });
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    function runLoop(schedule: string, from: string, to: string, job: string) {
        fs.writeFileSync(path.join(dir, "clock"), String(Date.parse(from) / 1000));
        fs.writeFileSync(path.join(dir, "end"), String(Date.parse(to) / 1000));
        const r = sh(`run_job() (\n${job}\n)\ncron_loop`, [], {
            PATH: `${dir}/bin:${process.env.PATH}`,
            CRON_SCHEDULE: schedule,
            CRON_STATUS_FILE: path.join(dir, "status"),
            RUNS: path.join(dir, "runs"),
        });
        const runs = fs.existsSync(path.join(dir, "runs")) ? fs.readFileSync(path.join(dir, "runs"), "utf8").trim().split("\n") : [];
        return { ...r, runs };
    }

    it("runs the job exactly at the scheduled minutes, once each, and not at start", () => {
        // Starts mid-minute, 20 s after 01:55; a job that takes 70 s must not
        // make the loop skip or repeat a scheduled minute.
        const r = runLoop("*/20 2 * * *", "2026-03-10T01:55:20Z", "2026-03-10T03:05:00Z",
            'date -u +%H:%M:%S >> "$RUNS"; sleep 70');
        expect(r.runs).to.deep.equal(["02:00:00", "02:20:00", "02:40:00"]);
        expect(r.stdout).to.include("scheduler: runs on '*/20 2 * * *' (UTC)");
        expect(fs.readFileSync(path.join(dir, "status"), "utf8")).to.match(/^ok 2026-03-10T02:40:00Z/);
    });

    it("runs an hourly schedule once an hour, across a day boundary", () => {
        const r = runLoop("0 * * * *", "2026-03-10T22:58:00Z", "2026-03-11T01:01:00Z", 'date -u +%dT%H:%M >> "$RUNS"');
        expect(r.runs).to.deep.equal(["10T23:00", "11T00:00", "11T01:00"]);
    });

    it("reports a failed run loudly, records it, keeps the schedule and clears it on the next success", () => {
        const job = 'date -u +%H:%M >> "$RUNS"; set -e; [ "$(date -u +%M)" != "00" ] || { echo "pg_dump: connection refused" >&2; exit 3; }';
        const failing = runLoop("0,30 3 * * *", "2026-03-10T02:59:00Z", "2026-03-10T03:10:00Z", job);
        expect(failing.runs).to.deep.equal(["03:00"]);
        expect(failing.stderr).to.include("scheduler: RUN FAILED: the run of 2026-03-10T03:00:00Z exited with code 3");
        expect(fs.readFileSync(path.join(dir, "status"), "utf8")).to.equal("failed 2026-03-10T03:00:00Z exit 3\n");
        fs.rmSync(path.join(dir, "runs"));
        const recovered = runLoop("0,30 3 * * *", "2026-03-10T03:10:00Z", "2026-03-10T03:40:00Z", job);
        expect(recovered.runs).to.deep.equal(["03:30"]);
        expect(fs.readFileSync(path.join(dir, "status"), "utf8")).to.match(/^ok 2026-03-10T03:30:00Z/);
    });

    it("refuses to start on an invalid schedule", () => {
        const r = runLoop("every day", "2026-03-10T00:00:00Z", "2026-03-10T00:10:00Z", 'date >> "$RUNS"');
        expect(r.status).to.equal(2);
        expect(r.stderr).to.include("is not a five-field cron schedule");
        expect(r.runs).to.deep.equal([]);
    });
});

describe("Docker backup container under mocks", () => {
    let run: RunResult;
    before(async () => {
        run = await cachedRun("Pulumi.local.yaml", { stack: "local", overrides: { "webstack:dbBackupSchedule": "45 3 * * 1", "webstack:dbBackupRetentionDays": 5 } });
    });
    const backup = () => {
        const found = run.resources.filter((r) => r.type === T.container && r.name === "local-db-backup");
        expect(found).to.have.length(1);
        return found[0];
    };

    it("runs the scheduler on the configured schedule, with the dump as its job", () => {
        const c = backup();
        expect(c.props.command).to.deep.equal(dockerCronCommand(c.props.command[2].split("\nrun_job() (\n")[1].split("\n)\ncron_loop")[0]));
        expect(c.props.command[2]).to.include("cron_loop").and.include("pg_dump").and.not.include("sleep 86400");
        expect(dockerEnv(c).CRON_SCHEDULE).to.equal("45 3 * * 1");
    });

    it("turns unhealthy after a failed run", () => {
        const tests = backup().props.healthcheck.tests as string[];
        expect(tests[0]).to.equal("CMD-SHELL");
        expect(tests[1]).to.include(`! grep -qs '^failed' ${dockerEnv(backup()).CRON_STATUS_FILE}`);
    });
});
