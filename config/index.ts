/**
 * Reads this stack's configuration from the Pulumi engine and validates it.
 * Everything else in config/ is pure and engine-free.
 */
import * as pulumi from "@pulumi/pulumi";
import { loadSettings, RawConfig, Settings } from "./settings";

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

export function loadStackSettings(): Settings {
    const project = pulumi.getProject();
    return loadSettings(readStackConfig(project), pulumi.getStack(), rotationClock(), project, secretConfigKeys(project));
}
