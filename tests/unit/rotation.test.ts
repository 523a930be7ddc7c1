/**
 * Credential rotation: the arithmetic of config/rotation.ts, and end to end
 * under mocks, what a period change does to every credential's two slots.
 */
import { expect } from "chai";
import { rotationFor, slotOf, Rotation } from "../../config";
import { RunResult, Recorded } from "../support/program";
import { cachedRun } from "../support/mocks";
import { dockerEnv, k8sEnv, mainContainer, T } from "../support/inspect";

const DAY = 86_400_000;
const ANCHOR = "2026-01-05";
const anchorMs = Date.parse(`${ANCHOR}T00:00:00Z`);
const at = (days: number, extraMs = 0) => new Date(anchorMs + days * DAY + extraMs);
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

describe("rotation arithmetic (config/rotation.ts)", () => {
    describe("slotOf", () => {
        it("puts even generations in slot a and odd ones in slot b", () => {
            expect([0, 1, 2, 3, 10, 11, 12].map(slotOf)).to.deep.equal(["a", "b", "a", "b", "a", "b", "a"]);
        });
    });

    describe("rotationFor", () => {
        it("is generation 1 at the anchor, with generation 0 as previous, both dated at the anchor", () => {
            const r = rotationFor(at(0), { periodDays: 30, anchor: ANCHOR });
            expect(r).to.deep.equal({
                periodDays: 30,
                generation: 1,
                current: { slot: "b", generation: 1, issuedAt: ANCHOR },
                previous: { slot: "a", generation: 0, issuedAt: ANCHOR },
            } as Rotation);
        });

        it("stays at generation 1 before the anchor", () => {
            expect(rotationFor(at(-400), { periodDays: 30, anchor: ANCHOR }).generation).to.equal(1);
        });

        it("advances exactly at the period boundary, not a millisecond before", () => {
            expect(rotationFor(at(30, -1), { periodDays: 30, anchor: ANCHOR }).generation).to.equal(1);
            const r = rotationFor(at(30), { periodDays: 30, anchor: ANCHOR });
            expect(r.generation).to.equal(2);
            expect(r.current).to.deep.equal({ slot: "a", generation: 2, issuedAt: "2026-02-04" });
            expect(r.previous).to.deep.equal({ slot: "b", generation: 1, issuedAt: ANCHOR });
        });

        it("is generation elapsed periods + 1, with issued-at dates at period starts", () => {
            for (const period of [1, 7, 30, 90, 365]) {
                for (let g = 1; g <= 25; g++) {
                    const now = at((g - 1) * period, 12 * 3600_000);
                    const r = rotationFor(now, { periodDays: period, anchor: ANCHOR });
                    expect(r.generation, `period ${period} g ${g}`).to.equal(g);
                    expect(r.periodDays).to.equal(period);
                    expect(r.current).to.deep.equal({ slot: slotOf(g), generation: g, issuedAt: isoDay(anchorMs + (g - 1) * period * DAY) });
                    expect(r.previous).to.deep.equal({ slot: slotOf(g - 1), generation: g - 1, issuedAt: isoDay(anchorMs + Math.max(0, g - 2) * period * DAY) });
                }
            }
        });

        it("computes the shipped stacks' state at the test clock", () => {
            const r = rotationFor(new Date("2026-11-22T12:00:00Z"), { periodDays: 30, anchor: ANCHOR });
            expect(r.generation).to.equal(11);
            expect(r.current).to.deep.equal({ slot: "b", generation: 11, issuedAt: "2026-11-01" });
            expect(r.previous).to.deep.equal({ slot: "a", generation: 10, issuedAt: "2026-10-02" });
            const weekly = rotationFor(new Date("2026-11-22T12:00:00Z"), { periodDays: 7, anchor: ANCHOR });
            expect(weekly.generation).to.equal(46);
            expect(weekly.current.issuedAt).to.equal("2026-11-16");
        });

        it("alternates slots: the current slot becomes the previous one a period later", () => {
            let last = rotationFor(at(0), { periodDays: 30, anchor: ANCHOR });
            for (let p = 1; p <= 24; p++) {
                const next = rotationFor(at(p * 30, 5 * 3600_000), { periodDays: 30, anchor: ANCHOR });
                expect(next.generation).to.equal(last.generation + 1);
                expect(next.current.slot).to.not.equal(last.current.slot);
                expect(next.previous).to.deep.equal(last.current);
                expect(next.current.slot).to.equal(last.previous.slot);
                last = next;
            }
        });

        it("keeps the current and previous slots distinct and consecutive at any time", () => {
            for (let d = -3; d < 800; d += 1.37) {
                const now = at(d);
                const r = rotationFor(now, { periodDays: 14, anchor: ANCHOR });
                expect(r.current.slot).to.not.equal(r.previous.slot);
                expect(r.current.generation - r.previous.generation).to.equal(1);
                expect(Date.parse(`${r.current.issuedAt}T00:00:00Z`)).to.be.at.most(Math.max(now.getTime(), anchorMs));
                if (now.getTime() >= anchorMs) {
                    expect(now.getTime() - Date.parse(`${r.current.issuedAt}T00:00:00Z`)).to.be.below(14 * DAY);
                }
            }
        });

        it("treats a non-positive period as one day instead of dividing by zero", () => {
            const r = rotationFor(at(3, 1), { periodDays: 0, anchor: ANCHOR });
            expect(r.periodDays).to.equal(1);
            expect(r.generation).to.equal(4);
            expect(rotationFor(at(3, 1), { periodDays: -5, anchor: ANCHOR }).generation).to.equal(4);
        });
    });
});

describe("rotation end to end (local stack under mocks)", () => {
    const T0 = "2026-11-22T12:00:00Z";
    const later = (days: number) => new Date(Date.parse(T0) + days * DAY).toISOString();
    const PERIOD = 30;
    let runs: RunResult[];

    before(async () => {
        runs = [];
        for (const clock of [T0, later(PERIOD), later(2 * PERIOD)]) {
            runs.push(await cachedRun("Pulumi.local.yaml", { stack: "local", clock }));
        }
    });

    /** credential -> slot -> the RandomPassword's inputs as sent (JSON). */
    function slots(run: RunResult): Map<string, Map<string, { json: string; keepers: Record<string, string> }>> {
        const out = new Map<string, Map<string, { json: string; keepers: Record<string, string> }>>();
        for (const r of run.resources.filter((x) => x.type === T.password)) {
            const k = r.inputs.keepers as Record<string, string>;
            const cred = k["webstack.dev/credential"];
            const m = out.get(cred) ?? new Map();
            m.set(k["webstack.dev/slot"], { json: JSON.stringify(r.inputs), keepers: k });
            out.set(cred, m);
        }
        return out;
    }

    function container(run: RunResult, name: string): Recorded {
        const found = run.resources.filter((r) => r.type === T.container && r.name === `local-${name}`);
        expect(found).to.have.length(1);
        return found[0];
    }

    const rotationOut = (run: RunResult) => run.outputs.rotation as { generation: number; periodDays: number; issuedAt: string };

    it("advances the generation by one per period", () => {
        expect(runs.map((r) => rotationOut(r).generation)).to.deep.equal([11, 12, 13]);
        expect(runs.map((r) => rotationOut(r).issuedAt)).to.deep.equal(["2026-11-01", "2026-12-01", "2026-12-31"]);
    });

    it("regenerates exactly one slot per credential after one period: the slot that held the older generation", () => {
        const before = slots(runs[0]);
        const after = slots(runs[1]);
        expect(before.size).to.equal(10);
        expect([...after.keys()].sort()).to.deep.equal([...before.keys()].sort());
        for (const [cred, b] of before) {
            const a = after.get(cred)!;
            expect([...b.keys()].sort(), cred).to.deep.equal(["a", "b"]);
            const olderSlot = Number(b.get("a")!.keepers["webstack.dev/generation"]) < Number(b.get("b")!.keepers["webstack.dev/generation"]) ? "a" : "b";
            const keptSlot = olderSlot === "a" ? "b" : "a";
            const changed = ["a", "b"].filter((slot) => a.get(slot)!.json !== b.get(slot)!.json);
            expect(changed, cred).to.deep.equal([olderSlot]);
            // Byte-identical inputs: Pulumi keeps this password, so the value in use keeps working.
            expect(a.get(keptSlot)!.json, cred).to.equal(b.get(keptSlot)!.json);
            expect(a.get(olderSlot)!.keepers["webstack.dev/generation"], cred).to.equal("12");
            expect(a.get(olderSlot)!.keepers["webstack.dev/issued-at"], cred).to.equal("2026-12-01");
            expect(a.get(keptSlot)!.keepers["webstack.dev/generation"], cred).to.equal("11");
        }
    });

    it("makes the regenerated slot the new current one, in every connection URL", () => {
        for (const name of ["api", "worker", "scheduler"]) {
            const p = name.toUpperCase();
            const t0 = dockerEnv(container(runs[0], name));
            const t1 = dockerEnv(container(runs[1], name));
            expect(t0[`${p}__DATABASE_URL`], name).to.match(new RegExp(`^postgresql://${name}_b:mock-db-${name}-b-`));
            expect(t1[`${p}__DATABASE_URL`], name).to.match(new RegExp(`^postgresql://${name}_a:mock-db-${name}-a-`));
            // What was current a moment ago is now the previous value: still delivered, still valid.
            expect(t1[`${p}__DATABASE_URL_PREVIOUS`], name).to.equal(t0[`${p}__DATABASE_URL`]);
            expect(t1[`${p}__REDIS_URL_PREVIOUS`], name).to.equal(t0[`${p}__REDIS_URL`]);
            expect(t1[`${p}__REDIS_URL`], name).to.match(new RegExp(`^redis://${name}:mock-cache-${name}-a-`));
        }
    });

    it("changes both slots after two periods", () => {
        const before = slots(runs[0]);
        const after = slots(runs[2]);
        for (const [cred, b] of before) {
            const a = after.get(cred)!;
            for (const slot of ["a", "b"]) {
                expect(a.get(slot)!.json, `${cred}/${slot}`).to.not.equal(b.get(slot)!.json);
            }
            expect([a.get("a")!.keepers["webstack.dev/generation"], a.get("b")!.keepers["webstack.dev/generation"]].sort(), cred).to.deep.equal(["12", "13"]);
        }
    });

    it("changes nothing when run twice in the same period", async () => {
        const again = await cachedRun("Pulumi.local.yaml", { stack: "local", clock: "2026-11-30T23:59:59Z" });
        const a = slots(runs[0]);
        const b = slots(again);
        for (const [cred, m] of a) {
            for (const slot of ["a", "b"]) {
                expect(b.get(cred)!.get(slot)!.json, `${cred}/${slot}`).to.equal(m.get(slot)!.json);
            }
        }
    });

    it("gives the api a JWT verifier set with the current and previous kids, signing with the current one", () => {
        for (const [run, g] of [[runs[0], 11], [runs[1], 12], [runs[2], 13]] as [RunResult, number][]) {
            const env = dockerEnv(container(run, "api"));
            expect(env.API__JWT_SIGNING_KID).to.equal(`api-jwt-g${g}`);
            const keys = JSON.parse(env.API__JWT_VERIFY_KEYS) as Record<string, string>;
            expect(Object.keys(keys).sort()).to.deep.equal([`api-jwt-g${g - 1}`, `api-jwt-g${g}`].sort());
            expect(keys[env.API__JWT_SIGNING_KID]).to.equal(env.API__JWT_SIGNING_KEY);
            expect(keys[`api-jwt-g${g - 1}`]).to.not.equal(env.API__JWT_SIGNING_KEY);
        }
        // The key that signed a moment ago still verifies after the rotation.
        const t0 = dockerEnv(container(runs[0], "api"));
        const t1 = JSON.parse(dockerEnv(container(runs[1], "api")).API__JWT_VERIFY_KEYS) as Record<string, string>;
        expect(t1[t0.API__JWT_SIGNING_KID]).to.equal(t0.API__JWT_SIGNING_KEY);
    });

    it("re-runs the migration for the new migration credential (revision in the api's gate)", () => {
        const gate = (run: RunResult) => dockerEnv(container(run, "api")).API__STARTUP_GATE.split(",");
        expect(gate(runs[0])).to.include("webstack/app:dev-g11");
        expect(gate(runs[1])).to.include("webstack/app:dev-g12");
    });
});

describe("rotation end to end on Kubernetes (staging under mocks)", () => {
    let t0: RunResult;
    let t1: RunResult;
    before(async () => {
        t0 = await cachedRun("Pulumi.staging.yaml", { stack: "staging", clock: "2026-11-22T12:00:00Z" });
        t1 = await cachedRun("Pulumi.staging.yaml", { stack: "staging", clock: "2026-12-22T12:00:00Z" });
    });

    const find = (run: RunResult, type: string, name: string) => {
        const found = run.resources.filter((r) => r.type === type && r.name === name);
        expect(found, `${type} ${name}`).to.have.length(1);
        return found[0];
    };
    const revision = (r: Recorded) => r.props.spec.template.metadata.annotations["webstack.dev/revision"];

    it("re-runs the access jobs with the new generation", () => {
        for (const job of ["staging-db-access", "staging-cache-access"]) {
            expect(revision(find(t0, T.job, job))).to.match(/^g11-/);
            expect(revision(find(t1, T.job, job))).to.match(/^g12-/);
        }
    });

    it("rolls every workload that holds a rotated credential", () => {
        for (const name of ["api", "worker", "scheduler"]) {
            const before = revision(find(t0, T.deployment, `staging-${name}`));
            const after = revision(find(t1, T.deployment, `staging-${name}`));
            const [generationsBefore, fingerprintBefore] = before.split("+");
            const [generationsAfter, fingerprintAfter] = after.split("+");
            expect(generationsBefore).to.include("11");
            expect(generationsAfter).to.equal(generationsBefore.replace(/11/g, "12"));
            // The re-issued slot's value changed, and with it the fingerprint.
            expect(fingerprintAfter).to.match(/^[0-9a-f]{16}$/).and.not.equal(fingerprintBefore);
        }
        expect(k8sEnv(mainContainer(find(t1, T.deployment, "staging-api"))).API__JWT_SIGNING_KID).to.equal("api-jwt-g12");
    });

    it("keeps the slot that holds the previous generation byte-identical", () => {
        const json = (run: RunResult, name: string) => JSON.stringify(find(run, T.password, name).inputs);
        expect(json(t1, "db-api-b")).to.equal(json(t0, "db-api-b"));
        expect(json(t1, "db-api-a")).to.not.equal(json(t0, "db-api-a"));
    });
});
