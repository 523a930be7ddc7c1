/**
 * Rotation arithmetic. Time is cut into periods of `periodDays` from an anchor
 * date; generation g = periods elapsed + 1, so a slot's generation alone fixes
 * its keepers and a slot that is not rotated is never touched. Each credential has two
 * slots: slot g % 2 holds generation g (current), the other slot holds g - 1
 * (previous). When the period advances only the slot holding the older value
 * is regenerated, so the value in use a moment ago keeps working for one more
 * period: that is the rotation window.
 *
 * The window must survive missed periods too. When two or more periods passed
 * since the last `up`, the scheduled generation's slot is the one holding the
 * value in use, so jumping straight to it would regenerate both slots at once.
 * Given the generation last deployed (read back from the stack's own outputs,
 * see config/index.ts), one `up` advances one generation at most: the older
 * slot only. `catchUp` then says how many more `up`s reach the schedule.
 */
export interface RotationInput {
    periodDays: number;
    anchor: string;
}

export type Slot = "a" | "b";

export interface SlotState {
    slot: Slot;
    generation: number;
    /** Start (YYYY-MM-DD) of the period in which this slot's value was issued. */
    issuedAt: string;
}

export interface Rotation {
    periodDays: number;
    generation: number;
    current: SlotState;
    previous: SlotState;
    /** Present when this `up` lags the schedule: it advanced one step and more are needed. */
    catchUp?: { scheduledGeneration: number; upsNeeded: number };
}

/** What the last `up` deployed: the exported `rotation` output of the stack. */
export interface DeployedRotation {
    generation: number;
    /** Generation and issued-at date each slot's keepers hold. */
    slots?: Partial<Record<Slot, { generation: number; issuedAt: string }>>;
}

const DAY_MS = 86_400_000;

export function slotOf(generation: number): Slot {
    return generation % 2 === 0 ? "a" : "b";
}

export function rotationFor(now: Date, input: RotationInput, deployed?: DeployedRotation): Rotation {
    const periodDays = input.periodDays > 0 ? input.periodDays : 1;
    const anchorMs = Date.parse(`${input.anchor}T00:00:00Z`);
    const elapsed = Math.max(0, Math.floor((now.getTime() - anchorMs) / (periodDays * DAY_MS)));
    const scheduled = elapsed + 1;
    // Generation 0 is the value issued before the anchor; clamp its date to the anchor.
    const dateOf = (g: number) => new Date(anchorMs + Math.max(0, g - 1) * periodDays * DAY_MS).toISOString().slice(0, 10);
    const last = deployed !== undefined && Number.isInteger(deployed.generation) && deployed.generation >= 1 ? deployed.generation : undefined;
    // Never more than one step ahead of what runs, and never back: going back
    // would re-issue the slot that holds the value in use just the same.
    const generation = last === undefined ? scheduled : Math.min(Math.max(scheduled, last), last + 1);
    const issuedAt = (slot: Slot, g: number): string => {
        const held = deployed?.slots?.[slot];
        if (held !== undefined && held.generation === g && /^\d{4}-\d{2}-\d{2}$/.test(held.issuedAt)) {
            return held.issuedAt; // unchanged keepers: the slot is not touched
        }
        // A generation issued while catching up is issued today, not at its (long past) period start.
        return g === scheduled || g < generation || last === undefined ? dateOf(g) : now.toISOString().slice(0, 10);
    };
    const rotation: Rotation = {
        periodDays,
        generation,
        current: { slot: slotOf(generation), generation, issuedAt: issuedAt(slotOf(generation), generation) },
        previous: { slot: slotOf(generation - 1), generation: generation - 1, issuedAt: issuedAt(slotOf(generation - 1), generation - 1) },
    };
    if (generation < scheduled) {
        rotation.catchUp = { scheduledGeneration: scheduled, upsNeeded: scheduled - generation };
    }
    return rotation;
}

/** The line the program prints when one `up` could not reach the schedule. */
export function catchUpMessage(r: Rotation): string | undefined {
    if (r.catchUp === undefined) {
        return undefined;
    }
    const n = r.catchUp.upsNeeded;
    return `rotation is ${n} period${n === 1 ? "" : "s"} behind schedule (generation ${r.generation} deployed now, ${r.catchUp.scheduledGeneration} scheduled): ` +
        `this up advanced one slot only, so the value in use keeps working; run pulumi up ${n === 1 ? "once more" : `${n} more times`} (each after the services picked up the new value) to reach the schedule`;
}
