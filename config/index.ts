/**
 * Reads this stack's configuration from the Pulumi engine and validates it.
 * Everything else in config/ is pure and engine-free.
 */
import * as pulumi from "@pulumi/pulumi";
import { loadSettings, RawConfig, Settings } from "./settings";
import { DeployedRotation, Rotation } from "./rotation";

export * from "./settings";
export * from "./problems";
export * from "./schema";
export * from "./services";
export * from "./rotation";

/** Every `webstack:*` key the engine passed to the program, as raw strings. */
export function readStackConfig(project = pulumi.getProject()): RawConfig {
    const raw: Record<string, string> = {};
    const prefix = `${project}:`;
    for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
        if (key.startsWith(prefix)) {
            raw[key.slice(prefix.length)] = value;
        }
    }
    return raw as RawConfig;
}

/**
 * The clock rotation is computed from. WEBSTACK_CLOCK (ISO date) moves it for
 * rotation drills and tests; it is not configuration, so it is not in the stack files.
 */
export function rotationClock(env: NodeJS.ProcessEnv = process.env): Date {
    const override = env.WEBSTACK_CLOCK;
    if (override === undefined || override === "") {
        return new Date();
    }
    const parsed = new Date(override);
    if (Number.isNaN(parsed.getTime())) {
        throw new Error(`WEBSTACK_CLOCK="${override}" is not a date. Fix: use an ISO 8601 date such as 2026-12-01T00:00:00Z, or unset it.`);
    }
    return parsed;
}

/** Keys (without the project prefix) whose values the engine holds encrypted. */
export function secretConfigKeys(project = pulumi.getProject()): string[] {
    // isConfigSecret is the SDK's own record of which config values arrived encrypted.
    const isSecret: (k: string) => boolean = (pulumi.runtime as unknown as { isConfigSecret: (k: string) => boolean }).isConfigSecret;
    return Object.keys(readStackConfig(project)).filter((k) => isSecret(`${project}:${k}`));
}

export function loadStackSettings(deployed?: DeployedRotation): Settings {
    const project = pulumi.getProject();
    return loadSettings(readStackConfig(project), pulumi.getStack(), rotationClock(), project, secretConfigKeys(project), deployed);
}

/** The stack's organization; "organization" (the file backend's and the mocks' default) when the engine names none. */
function organization(): string {
    try {
        return pulumi.getOrganization();
    } catch {
        return "organization";
    }
}

/** The stack output `rotation`: what this up deployed, read back by the next one. */
export function rotationOutput(r: Rotation): { generation: number; periodDays: number; issuedAt: string; slots: Record<string, { generation: number; issuedAt: string }>; scheduledGeneration: number } {
    return {
        generation: r.generation,
        periodDays: r.periodDays,
        issuedAt: r.current.issuedAt,
        slots: { [r.current.slot]: { generation: r.current.generation, issuedAt: r.current.issuedAt }, [r.previous.slot]: { generation: r.previous.generation, issuedAt: r.previous.issuedAt } },
        scheduledGeneration: r.catchUp?.scheduledGeneration ?? r.generation,
    };
}

/** Parses the `rotation` output of the last update; undefined when absent or malformed. */
export function parseDeployedRotation(value: unknown): DeployedRotation | undefined {
    if (value === null || typeof value !== "object") {
        return undefined;
    }
    const v = value as Record<string, unknown>;
    if (typeof v.generation !== "number" || !Number.isInteger(v.generation) || v.generation < 1) {
        return undefined;
    }
    const slots: DeployedRotation["slots"] = {};
    const raw = v.slots !== null && typeof v.slots === "object" ? (v.slots as Record<string, unknown>) : {};
    for (const slot of ["a", "b"] as const) {
        const s = raw[slot] as Record<string, unknown> | undefined;
        if (s && typeof s.generation === "number" && typeof s.issuedAt === "string") {
            slots[slot] = { generation: s.generation, issuedAt: s.issuedAt };
        }
    }
    return { generation: v.generation, slots };
}

/**
 * The rotation state the last `up` of this very stack deployed, read through a
 * StackReference to the stack itself (its `rotation` output, written by every
 * update from the keepers it gave the RandomPasswords). The engine serves it
 * in previews and updates alike; a stack that never ran has none (undefined).
 * WEBSTACK_SELF_REFERENCE overrides the reference name (org/project/stack).
 */
export async function readDeployedRotation(): Promise<DeployedRotation | undefined> {
    const name = process.env.WEBSTACK_SELF_REFERENCE || `${organization()}/${pulumi.getProject()}/${pulumi.getStack()}`;
    const self = new pulumi.StackReference(`${pulumi.getStack()}-deployed`, { name });
    // An unknown value (never expected: the engine reads references in previews too) reads as no state.
    if (!(await (self.outputs as unknown as { isKnown: Promise<boolean> }).isKnown)) {
        return undefined;
    }
    const outputs = await new Promise<unknown>((resolve) => self.outputs.apply((o) => {
        resolve(o);
        return o;
    }));
    return parseDeployedRotation(outputs !== null && typeof outputs === "object" ? (outputs as Record<string, unknown>).rotation : undefined);
}
