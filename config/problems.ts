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
    readonly stackName!: string;
    readonly problems!: Problem[];

    constructor(stackName: string, problems: Problem[]) {
        super(
            `Stack "${stackName}" has ${problems.length} configuration problem${problems.length === 1 ? "" : "s"}:\n` +
                problems.map((p) => `  - webstack:${p.key} ${p.message}. Fix: ${p.fix}.`).join("\n"),
        );
        this.name = "ConfigError";
        // Not enumerable: the engine prints the message, not a dump of these fields.
        Object.defineProperty(this, "stackName", { value: stackName, enumerable: false });
        Object.defineProperty(this, "problems", { value: problems, enumerable: false });
        // A configuration error is not a bug in the program: a call stack would only hide the list.
        Object.defineProperty(this, "stack", { value: `${this.name}: ${this.message}`, enumerable: false });
    }
}
