/** One thing wrong with the configuration, phrased so the reader can fix it. */
export interface Problem {
    /** Config key (dotted path inside objects), e.g. services.api.image. */
    key: string;
    message: string;
    fix: string;
}

/**
 * Thrown before any resource is registered when the configuration is invalid.
 * Lists every problem at once, so one run shows everything to fix.
 */
export class ConfigError extends Error {
    constructor(readonly stack: string, readonly problems: Problem[]) {
        super(
            `Stack "${stack}" has ${problems.length} configuration problem${problems.length === 1 ? "" : "s"}:\n` +
                problems.map((p) => `  - webstack:${p.key} ${p.message}. Fix: ${p.fix}.`).join("\n"),
        );
        this.name = "ConfigError";
    }
}
