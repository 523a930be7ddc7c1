/**
 * Rotation arithmetic. Time is cut into periods of `periodDays` from an anchor
 * date; generation g = periods elapsed + 1, so a slot's generation alone fixes
 * its keepers and a slot that is not rotated is never touched. Each credential has two
 * slots: slot g % 2 holds generation g (current), the other slot holds g - 1
 * (previous). When the period advances only the slot holding the older value
 * is regenerated, so the value in use a moment ago keeps working for one more
 * period: that is the rotation window.
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
}

const DAY_MS = 86_400_000;

export function slotOf(generation: number): Slot {
    return generation % 2 === 0 ? "a" : "b";
}

export function rotationFor(now: Date, input: RotationInput): Rotation {
    const periodDays = input.periodDays > 0 ? input.periodDays : 1;
    const anchorMs = Date.parse(`${input.anchor}T00:00:00Z`);
    const elapsed = Math.max(0, Math.floor((now.getTime() - anchorMs) / (periodDays * DAY_MS)));
    const generation = elapsed + 1;
    // Generation 0 is the value issued before the anchor; clamp its date to the anchor.
    const dateOf = (g: number) => new Date(anchorMs + Math.max(0, g - 1) * periodDays * DAY_MS).toISOString().slice(0, 10);
    return {
        periodDays,
        generation,
        current: { slot: slotOf(generation), generation, issuedAt: dateOf(generation) },
        previous: { slot: slotOf(generation - 1), generation: generation - 1, issuedAt: dateOf(generation - 1) },
    };
}
