/**
 * Rotation never closes the window: with the generation last deployed read
 * back from the stack's own `rotation` output, one `up` advances one
 * generation (one slot) at most, however many periods were missed, and says
 * how many more `up`s reach the schedule. Pure arithmetic, then the program
 * under mocks with a deployed state served for its StackReference to itself.
 */
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { catchUpMessage, DeployedRotation, parseDeployedRotation, readDeployedRotation, Rotation, rotationFor, rotationOutput, slotOf } from "../../config";

const ANCHOR = "2026-01-05";
const DAY = 86_400_000;
const at = (days: number) => new Date(Date.parse(`${ANCHOR}T00:00:00Z`) + days * DAY + 12 * 3600_000);
const input = { periodDays: 30, anchor: ANCHOR };

/** The deployed state an up at `rotation` leaves behind, as the next up reads it. */
function deployedAfter(r: Rotation): DeployedRotation {
    return parseDeployedRotation(JSON.parse(JSON.stringify(rotationOutput(r))))!;
}

/** Keepers-relevant state of each slot: what decides whether its RandomPassword is replaced. */
function slotsOf(r: Rotation): Record<string, string> {
    return { [r.current.slot]: `g${r.current.generation}@${r.current.issuedAt}`, [r.previous.slot]: `g${r.previous.generation}@${r.previous.issuedAt}` };
}

describe("rotation catch-up (config/rotation.ts)", () => {
    it("without a deployed state it is the plain schedule (first up of a stack)", () => {
        const r = rotationFor(at(95), input);
        expect(r.generation).to.equal(4);
        expect(r.catchUp).to.equal(undefined);
        expect(catchUpMessage(r)).to.equal(undefined);
    });

    it("on schedule (one period since the last up) it advances one generation, as before", () => {
        const before = rotationFor(at(35), input);
        const r = rotationFor(at(65), input, deployedAfter(before));
        expect(r).to.deep.equal(rotationFor(at(65), input));
        expect(r.catchUp).to.equal(undefined);
    });

    for (const missed of [2, 3, 5, 12]) {
        it(`${missed} periods missed: each up changes one slot only, keeps the value in use, and says how many ups remain`, () => {
            let last = rotationFor(at(10), input); // generation 1 deployed
            const target = 1 + missed;
            const now = at(10 + missed * 30);
            const seen: number[] = [];
            for (let up = 0; up < missed + 2; up++) {
                const before = slotsOf(last);
                const r = rotationFor(now, input, deployedAfter(last));
                const after = slotsOf(r);
                const changed = ["a", "b"].filter((s) => before[s] !== after[s]);
                expect(changed.length, `up ${up + 1}: slots changed ${JSON.stringify({ before, after })}`).to.be.at.most(1);
                // The value in use before this up is still held, as the previous generation at worst.
                expect(after[last.current.slot], `up ${up + 1} keeps generation ${last.current.generation}`).to.equal(before[last.current.slot]);
                expect(r.generation - last.generation).to.be.within(0, 1);
                if (r.generation < target) {
                    expect(r.catchUp).to.deep.equal({ scheduledGeneration: target, upsNeeded: target - r.generation });
                    expect(catchUpMessage(r)).to.match(/behind schedule/).and.to.contain("run pulumi up");
                } else {
                    expect(r.catchUp).to.equal(undefined);
                }
                seen.push(r.generation);
                last = r;
            }
            expect(seen.slice(0, missed)).to.deep.equal(Array.from({ length: missed }, (_, i) => 2 + i));
            expect(seen[seen.length - 1]).to.equal(target);
        });
    }

    it("a generation issued while catching up is dated today (so its age is honest), and stays dated so: no second replacement", () => {
        const deployed = deployedAfter(rotationFor(at(10), input)); // g1
        const now = at(10 + 3 * 30); // g4 scheduled
        const r = rotationFor(now, input, deployed);
        expect(r.generation).to.equal(2);
        expect(r.current.issuedAt).to.equal(now.toISOString().slice(0, 10));
        // The same up again (nothing changed): same keepers.
        expect(slotsOf(rotationFor(now, input, deployedAfter(r)))).to.not.deep.equal(slotsOf(r)); // it advances once more...
        const again = rotationFor(now, input, deployedAfter(r));
        expect(again.previous).to.deep.equal(r.current); // ...and the slot issued before is untouched.
    });

    it("never goes back when the schedule is behind what runs (clock or anchor moved back)", () => {
        const deployed = deployedAfter(rotationFor(at(200), input)); // g7
        const r = rotationFor(at(40), input, deployed);
        expect(r.generation).to.equal(7);
        expect(slotsOf(r)).to.deep.equal(slotsOf(rotationFor(at(200), input)));
    });

    it("an older deployed output without slots still advances one step only", () => {
        const r = rotationFor(at(10 + 4 * 30), input, { generation: 1 });
        expect(r.generation).to.equal(2);
        expect(r.previous).to.deep.equal({ slot: slotOf(1), generation: 1, issuedAt: ANCHOR });
    });

    it("parseDeployedRotation ignores what is not a deployed state", () => {
        for (const v of [undefined, null, "3", { generation: "3" }, { generation: 0 }, { generation: 2.5 }]) {
            expect(parseDeployedRotation(v), JSON.stringify(v)).to.equal(undefined);
        }
        expect(parseDeployedRotation({ generation: 3, slots: { a: { generation: 2, issuedAt: "2026-02-04" }, b: "x" } })).to.deep.equal({ generation: 3, slots: { a: { generation: 2, issuedAt: "2026-02-04" } } });
    });
});

describe("readDeployedRotation under mocks (StackReference to the stack itself)", () => {
    it("reads the rotation output the engine serves for this stack", async () => {
        const served = rotationOutput(rotationFor(at(70), input));
        const names: string[] = [];
        await pulumi.runtime.setMocks({
            newResource: (args) => {
                if (args.type === "pulumi:pulumi:StackReference") {
                    names.push(String(args.inputs.name));
                    return { id: String(args.inputs.name), state: { name: args.inputs.name, outputs: { rotation: served }, secretOutputNames: [] } };
                }
                return { id: `${args.name}-id`, state: args.inputs };
            },
            call: (args) => args.inputs,
        }, "webstack", "staging", true);
        const deployed = await readDeployedRotation();
        expect(names).to.deep.equal(["organization/webstack/staging"]);
        expect(deployed).to.deep.equal({ generation: 3, slots: { b: { generation: 3, issuedAt: "2026-03-06" }, a: { generation: 2, issuedAt: "2026-02-04" } } });
    });

    it("is undefined for a stack that has no rotation output yet", async () => {
        await pulumi.runtime.setMocks({
            newResource: (args) => ({ id: `${args.name}-id`, state: { ...args.inputs, outputs: {} } }),
            call: (args) => args.inputs,
        }, "webstack", "fresh", true);
        expect(await readDeployedRotation()).to.equal(undefined);
    });
});
