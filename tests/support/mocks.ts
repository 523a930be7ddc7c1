/**
 * Runs pieces of the program (single components, platforms) under Pulumi's
 * mocks, outside index.ts, and records every registration the same way
 * tests/support/program.ts does, plus the parent URN and the dependencies, so
 * a test can ask which resources a given component registered.
 */
import * as pulumi from "@pulumi/pulumi";
import { Recorded, RunResult, runStackFile, stackConfig, startRecording } from "./program";
import { loadSettings, RawConfig, Settings } from "../../config";

/** A recorded registration; parentUrn and dependencies are always filled. */
export type Registration = Recorded;

export interface MockSession {
    readonly resources: Registration[];
    /** Waits until no new registration arrived for a few ticks. */
    settle(): Promise<void>;
    /** Resources whose parent chain (through recorded parents) reaches `urn`. */
    descendantsOf(urn: string): Registration[];
    /** Registrations of one type. */
    ofType(type: string): Registration[];
    /** The one registration of `type` named `name`; fails when absent. */
    get(type: string, name: string): Registration;
}

/** Installs fresh mocks for `stack` and starts recording. */
export async function startMocks(stack: string, options: { project?: string; preview?: boolean } = {}): Promise<MockSession> {
    const resources = await startRecording(options.project ?? "webstack", stack, options.preview ?? false) as Registration[];
    return {
        resources,
        settle: () => settle(() => resources.length),
        descendantsOf(urn: string): Registration[] {
            const byUrn = new Map(resources.map((r) => [r.urn, r]));
            return resources.filter((r) => {
                let p = r.parentUrn;
                for (let depth = 0; p && depth < 50; depth++) {
                    if (p === urn) {
                        return true;
                    }
                    p = byUrn.get(p)?.parentUrn;
                }
                return false;
            });
        },
        ofType: (type: string) => resources.filter((r) => r.type === type),
        get(type: string, name: string): Registration {
            const found = resources.filter((r) => r.type === type && r.name === name);
            if (found.length !== 1) {
                throw new Error(`expected one ${type} named ${name}, found ${found.length} (have: ${resources.filter((r) => r.type === type).map((r) => r.name).join(", ")})`);
            }
            return found[0];
        },
    };
}

/** URNs the current mock monitor has registered (including ones no recorder saw). */
export function monitorUrns(): string[] {
    const monitor = (pulumi.runtime as any).getMonitor();
    return monitor && monitor.resources instanceof Map ? [...monitor.resources.keys()] : [];
}

/**
 * Waits until the runtime's RPC queue has drained (every registration that was
 * started has been answered) and `count()` stays the same for a few ticks.
 */
export async function settle(count: () => number): Promise<void> {
    const waitForRPCs = (pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> }).waitForRPCs;
    if (waitForRPCs) {
        await waitForRPCs();
    }
    let last = -1;
    let stable = 0;
    while (stable < 5) {
        await new Promise((r) => setTimeout(r, 10));
        const now = count();
        stable = now === last ? stable + 1 : 0;
        last = now;
    }
}

/** A stack file's config as loadSettings takes it: keys without the `webstack:` prefix. */
export function rawConfigOf(file: string, overrides: Record<string, string> = {}): RawConfig {
    const raw: Record<string, string> = {};
    for (const [k, v] of Object.entries(stackConfig(file))) {
        raw[k.startsWith("webstack:") ? k.slice("webstack:".length) : k] = v;
    }
    return { ...raw, ...overrides } as RawConfig;
}

/** The clock every test uses unless it moves time on purpose (generation 11 of a 30-day period). */
export const TEST_NOW = new Date("2026-11-22T12:00:00Z");

/** Settings of a shipped stack file, loaded the way the program loads them. */
export function settingsOf(file: string, stack: string, now: Date = TEST_NOW): Settings {
    return loadSettings(rawConfigOf(file), stack, now);
}

/** A bare component to parent platform objects to, standing in for Environment. */
export class Harness extends pulumi.ComponentResource {
    constructor(name = "harness") {
        super("test:index:Harness", name, {}, {});
    }
}

const runs = new Map<string, Promise<RunResult>>();

/**
 * runStackFile, memoised per (file, stack, clock, overrides) for the whole
 * mocha process: a run's result is plain recorded data, so test files that
 * inspect the same stack share one run of the program.
 */
export function cachedRun(file: string, options: { stack: string; clock?: string; overrides?: Record<string, unknown> }): Promise<RunResult> {
    // runProgram's default clock is TEST_NOW, so "no clock" and TEST_NOW share a run.
    const key = JSON.stringify([file, options.stack, normalClock(options.clock), options.overrides ?? {}]);
    let run = runs.get(key);
    if (!run) {
        run = runStackFile(file, options);
        runs.set(key, run);
        // A failed run is not cached, so the next caller sees the failure again.
        run.catch(() => runs.delete(key));
    }
    return run;
}

function normalClock(clock: string | undefined): string {
    if (clock === undefined) {
        return TEST_NOW.toISOString();
    }
    const d = new Date(clock);
    return Number.isNaN(d.getTime()) ? clock : d.toISOString();
}
