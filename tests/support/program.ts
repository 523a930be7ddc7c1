/**
 * Runs the real program (index.ts) under Pulumi's mocks with a stack file's
 * configuration and records every resource it registers, with the inputs the
 * program actually sent. Secret inputs keep Pulumi's secret marker in
 * `inputs`; `props` has them unwrapped (what a policy sees).
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import * as pulumi from "@pulumi/pulumi";

export const ROOT = path.resolve(__dirname, "..", "..");
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export interface Recorded {
    type: string;
    name: string;
    urn: string;
    /** Inputs as sent, secrets wrapped in Pulumi's marker. */
    inputs: Record<string, unknown>;
    /** Inputs with secrets unwrapped. */
    props: Record<string, any>;
    /** Type of the parent resource, from the URN. */
    parentType?: string;
    /** URN of the parent resource, when there is one. */
    parentUrn?: string;
    /** URNs the resource was registered as depending on (dependsOn and input dependencies). */
    dependencies: string[];
}

export interface RunResult {
    resources: Recorded[];
    outputs: Record<string, unknown>;
}

export function isSecretValue(v: unknown): boolean {
    return typeof v === "object" && v !== null && (v as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

export function unwrap(v: unknown): any {
    if (isSecretValue(v)) {
        return unwrap((v as { value: unknown }).value);
    }
    if (Array.isArray(v)) {
        return v.map(unwrap);
    }
    if (v && typeof v === "object") {
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrap(x)]));
    }
    return v;
}

/** Config of a stack file as the engine hands it to the program: key -> string (JSON for structures). */
export function stackConfig(file: string): Record<string, string> {
    const doc = yaml.load(fs.readFileSync(path.resolve(ROOT, file), "utf8")) as { config?: Record<string, unknown> };
    return toEngineConfig(doc.config ?? {});
}

export function toEngineConfig(config: Record<string, unknown>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(config)) {
        out[k] = typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : JSON.stringify(v);
    }
    return out;
}

/** Computed values the providers would return, so outputs resolve under mocks. */
export function mockState(type: string, name: string, inputs: Record<string, any>): Record<string, unknown> {
    switch (type) {
        case "random:index/randomPassword:RandomPassword":
            return { ...inputs, result: `mock-${name}-${"x".repeat(Math.max(0, (inputs.length ?? 32) - name.length - 6))}` };
        case "docker:index/remoteImage:RemoteImage":
            return { ...inputs, imageId: `sha256:${Buffer.from(String(inputs.name)).toString("hex").slice(0, 64)}` };
        case "docker:index/container:Container":
            return { ...inputs, name: inputs.name ?? `${name}-0000000`, exitCode: 0, containerLogs: "" };
        case "docker:index/network:Network":
        case "docker:index/volume:Volume":
            return { ...inputs, name: inputs.name ?? `${name}-0000000` };
        default:
            if (type.startsWith("kubernetes:")) {
                return { ...inputs, metadata: { ...(inputs.metadata ?? {}), name: inputs.metadata?.name ?? `${name}-0000000` } };
            }
            return inputs;
    }
}

/** Forget the program's modules (not the SDKs), so the next run re-executes index.ts. */
function resetProgramModules(): void {
    for (const id of Object.keys(require.cache)) {
        if (id.startsWith(ROOT) && !id.includes(`${path.sep}node_modules${path.sep}`) && !id.includes(`${path.sep}tests${path.sep}`)) {
            delete require.cache[id];
        }
    }
}

/**
 * Installs fresh mocks for `stack` and records every registration through the
 * monitor, which sees the URN (and so the parent chain) and the dependencies.
 */
export async function startRecording(project: string, stack: string, preview: boolean): Promise<Recorded[]> {
    const resources: Recorded[] = [];
    await pulumi.runtime.setMocks({
        newResource: (args) => ({ id: args.custom ? `${args.name}-id` : undefined, state: mockState(args.type, args.name, args.inputs) }),
        call: (args) => args.inputs,
    }, project, stack, preview);
    const monitor = (pulumi.runtime as any).getMonitor();
    const original = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: (err: unknown, res: any) => void) => {
        original(req, (err: unknown, res: any) => {
            if (!err && res) {
                const { deserializeProperties } = require("@pulumi/pulumi/runtime/rpc");
                const inputs = deserializeProperties(req.getObject());
                const urn: string = res.getUrn();
                const chain = urn.split("::")[2].split("$");
                resources.push({
                    type: req.getType(),
                    name: req.getName(),
                    urn,
                    inputs,
                    props: unwrap(inputs),
                    parentType: chain.length > 1 ? chain[chain.length - 2] : undefined,
                    parentUrn: req.getParent() || undefined,
                    dependencies: req.getDependenciesList() as string[],
                });
            }
            callback(err, res);
        });
    };
    return resources;
}

/**
 * Runs index.ts with the given engine config. Resolves when the program has
 * registered everything; rejects with the program's error (e.g. a ConfigError).
 */
export async function runProgram(config: Record<string, string>, options: { stack: string; preview?: boolean; clock?: string }): Promise<RunResult> {
    const resources = await startRecording("webstack", options.stack, options.preview ?? false);
    pulumi.runtime.setAllConfig(config, Object.keys(config).filter((k) => k.endsWith("dbAdminUrl")));
    const previousClock = process.env.WEBSTACK_CLOCK;
    process.env.WEBSTACK_CLOCK = options.clock ?? "2026-11-22T12:00:00Z";
    try {
        resetProgramModules();
        const program = require(path.join(ROOT, "index.ts"));
        const outputs: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(program)) {
            outputs[k] = await resolveDeep(v);
        }
        await settle(resources);
        return { resources, outputs };
    } finally {
        if (previousClock === undefined) {
            delete process.env.WEBSTACK_CLOCK;
        } else {
            process.env.WEBSTACK_CLOCK = previousClock;
        }
    }
}

/** The value of an Output, through its public API. */
export function valueOf<T>(o: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => o.apply((v) => {
        resolve(v);
        return v;
    }));
}

async function resolveDeep(v: unknown): Promise<unknown> {
    if (pulumi.Output.isInstance(v)) {
        return resolveDeep(await valueOf(v as pulumi.Output<unknown>));
    }
    if (Array.isArray(v)) {
        return Promise.all(v.map(resolveDeep));
    }
    if (v && typeof v === "object") {
        return Object.fromEntries(await Promise.all(Object.entries(v).map(async ([k, x]) => [k, await resolveDeep(x)])));
    }
    return v;
}

/** Waits until no new registrations arrive for a few ticks. */
async function settle(resources: Recorded[]): Promise<void> {
    let last = -1;
    let stable = 0;
    while (stable < 5) {
        await new Promise((r) => setTimeout(r, 10));
        stable = resources.length === last ? stable + 1 : 0;
        last = resources.length;
    }
}

/** Runs a shipped stack file. */
export function runStackFile(file: string, options: { stack: string; preview?: boolean; clock?: string; overrides?: Record<string, unknown> }): Promise<RunResult> {
    return runProgram({ ...stackConfig(file), ...toEngineConfig(options.overrides ?? {}) }, options);
}

export function ofType(result: RunResult, type: string): Recorded[] {
    return result.resources.filter((r) => r.type === type);
}
