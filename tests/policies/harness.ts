/**
 * Runs the policies of the pack over a list of resources the way the engine
 * does: props wrapped in @pulumi/policy's unknown-checking proxy, config
 * from a policy config file (enforcement levels included), resource policies
 * per resource and stack policies over all of them. An UnknownValueError that
 * escapes a policy becomes an advisory "can't run during preview" entry, as
 * the engine reports it.
 *
 * Feed it any list of {type, name, urn?, props}: fixtures, the bad-stack
 * corpus, or the resources a mocked program run registered.
 */
import * as fs from "fs";
import * as path from "path";
import { allPolicies } from "../../policies/policies";
import type {
    EnforcementLevel,
    Policies,
    PolicyResource,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "../../policies/lib/policy";
import { isUnknownValueError, unknownCheckingProxy } from "../../policies/lib/unknown";

export type Environment = "local" | "review" | "staging" | "production";

export interface FixtureResource {
    type: string;
    name: string;
    /** Defaults to urn:pulumi:<stack>::webstack::<type>::<name>. */
    urn?: string;
    props: Record<string, unknown>;
    /**
     * What the engine sends with a resource in a stack analysis: for each
     * top-level property, the resources (names or URNs) its value was
     * computed from. Preview fixtures use it where values are unknown.
     */
    propertyDependencies?: Record<string, string[]>;
    /** Resources (names or URNs) this one depends on; defaults to the union of propertyDependencies. */
    dependencies?: string[];
}

export interface Reported {
    policy: string;
    enforcementLevel: EnforcementLevel;
    message: string;
    urn?: string;
    /** violation: reported by the policy; preview-skip: the policy hit an unknown value (advisory). */
    kind: "violation" | "preview-skip";
}

/** Contents of a policies/config/<env>.json file. */
export type PolicyConfigFile = Record<string, EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)>;

export interface RunOptions {
    /** Loads policies/config/<environment>.json unless `config` is given. */
    environment?: Environment;
    config?: PolicyConfigFile;
    /** Stack name for default URNs. @default the environment, "pr-1" for review */
    stack?: string;
    /** @default allPolicies */
    policies?: Policies;
    /** Run only these policy names. */
    only?: string[];
}

export const POLICY_CONFIG_DIR = path.resolve(__dirname, "../../policies/config");

export function loadPolicyConfig(environment: Environment): PolicyConfigFile {
    return JSON.parse(fs.readFileSync(path.join(POLICY_CONFIG_DIR, `${environment}.json`), "utf8")) as PolicyConfigFile;
}

export function defaultStack(environment: Environment | undefined): string {
    return environment === "review" ? "pr-1" : environment ?? "test";
}

export function urnFor(stack: string, type: string, name: string): string {
    return `urn:pulumi:${stack}::webstack::${type}::${name}`;
}

class NotApplicable extends Error {}

const OPTS = {
    protect: false,
    ignoreChanges: [] as string[],
    aliases: [] as string[],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [] as string[],
};

function levelOf(config: PolicyConfigFile, policy: { name: string; enforcementLevel?: EnforcementLevel }): EnforcementLevel {
    const own = config[policy.name];
    const all = config.all;
    const fromAll = typeof all === "string" ? all : all?.enforcementLevel;
    const fromOwn = typeof own === "string" ? own : own?.enforcementLevel;
    return fromOwn ?? fromAll ?? policy.enforcementLevel ?? "advisory";
}

function settingsOf(config: PolicyConfigFile, name: string): Record<string, unknown> {
    const own = config[name];
    if (own === undefined || typeof own === "string") {
        return {};
    }
    const rest: Record<string, unknown> = { ...own };
    delete rest.enforcementLevel;
    return rest;
}

function engineProps(props: Record<string, unknown>): Record<string, unknown> {
    // A fresh copy per call, as the engine deserializes each request anew.
    return unknownCheckingProxy(JSON.parse(JSON.stringify(props)) as Record<string, unknown>);
}

function typeOf(cls: unknown): string | undefined {
    const t = (cls as { __pulumiType?: unknown } | undefined)?.__pulumiType;
    return typeof t === "string" ? t : undefined;
}

function isStackPolicy(p: ResourceValidationPolicy | StackValidationPolicy): p is StackValidationPolicy {
    return typeof (p as StackValidationPolicy).validateStack === "function";
}

/** Runs the pack over the resources and returns everything reported. */
export async function runPack(resources: FixtureResource[], opts: RunOptions = {}): Promise<Reported[]> {
    const config = opts.config ?? (opts.environment ? loadPolicyConfig(opts.environment) : {});
    const stack = opts.stack ?? defaultStack(opts.environment);
    const policies = (opts.policies ?? allPolicies).filter((p) => !opts.only || opts.only.includes(p.name));
    const withUrns = resources.map((r) => ({ ...r, urn: r.urn ?? urnFor(stack, r.type, r.name) }));
    const out: Reported[] = [];

    for (const p of policies) {
        const level = levelOf(config, p);
        if (level === "disabled") {
            continue;
        }
        const reportLevel: EnforcementLevel = level === "remediate" ? "mandatory" : level;
        const getConfig = <T extends object>(): T => settingsOf(config, p.name) as T;
        const notApplicable = (reason?: string): never => {
            throw new NotApplicable(reason);
        };
        const onError = (e: unknown, urn?: string): void => {
            if (isUnknownValueError(e)) {
                out.push({ policy: p.name, enforcementLevel: "advisory", kind: "preview-skip", urn, message: `can't run policy '${p.name}' during preview: ${e.message}` });
            } else if (!(e instanceof NotApplicable)) {
                throw e;
            }
        };

        if (isStackPolicy(p)) {
            const byKey = new Map<string, PolicyResource>();
            const policyResources = withUrns.map((r) => {
                const props = engineProps(r.props);
                const resource = {
                    type: r.type,
                    name: r.name,
                    urn: r.urn,
                    props,
                    opts: OPTS,
                    dependencies: [] as PolicyResource[],
                    propertyDependencies: {} as Record<string, PolicyResource[]>,
                    isType: (cls: unknown) => typeOf(cls) === r.type,
                    asType: (cls: unknown) => (typeOf(cls) === r.type ? props : undefined),
                } as unknown as PolicyResource;
                byKey.set(r.urn, resource);
                byKey.set(r.name, resource);
                return resource;
            });
            const resolve = (keys: string[]): PolicyResource[] => keys.map((k) => {
                const d = byKey.get(k);
                if (!d) {
                    throw new Error(`fixture dependency "${k}" names no resource of the stack`);
                }
                return d;
            });
            withUrns.forEach((r, i) => {
                const target = policyResources[i] as unknown as { dependencies: PolicyResource[]; propertyDependencies: Record<string, PolicyResource[]> };
                for (const [prop, keys] of Object.entries(r.propertyDependencies ?? {})) {
                    target.propertyDependencies[prop] = resolve(keys);
                }
                const all = r.dependencies ?? [...new Set(Object.values(r.propertyDependencies ?? {}).flat())];
                target.dependencies = resolve(all);
            });
            const args = { resources: policyResources, getConfig, notApplicable, stackTags: new Map<string, string>() } as unknown as StackValidationArgs;
            try {
                await p.validateStack(args, (message: string, urn?: string) => {
                    out.push({ policy: p.name, enforcementLevel: reportLevel, kind: "violation", message, urn });
                });
            } catch (e) {
                onError(e);
            }
            continue;
        }

        const validations = p.validateResource === undefined ? [] : Array.isArray(p.validateResource) ? p.validateResource : [p.validateResource];
        for (const r of withUrns) {
            for (const validate of validations) {
                const pulumiType = typeOf(validate);
                if (pulumiType !== undefined && pulumiType !== r.type) {
                    continue;
                }
                const props = engineProps(r.props);
                const args = {
                    type: r.type,
                    name: r.name,
                    urn: r.urn,
                    props,
                    opts: OPTS,
                    stackTags: new Map<string, string>(),
                    isType: (cls: unknown) => typeOf(cls) === r.type,
                    asType: (cls: unknown) => (typeOf(cls) === r.type ? props : undefined),
                    getConfig,
                    notApplicable,
                } as unknown as ResourceValidationArgs;
                try {
                    await validate(args, (message: string, urn?: string) => {
                        out.push({ policy: p.name, enforcementLevel: reportLevel, kind: "violation", message, urn: urn ?? r.urn });
                    });
                } catch (e) {
                    onError(e, r.urn);
                }
            }
        }
    }
    return out;
}

export function violationsOf(reported: Reported[], policy?: string): Reported[] {
    return reported.filter((r) => r.kind === "violation" && (policy === undefined || r.policy === policy));
}

export function previewSkipsOf(reported: Reported[], policy?: string): Reported[] {
    return reported.filter((r) => r.kind === "preview-skip" && (policy === undefined || r.policy === policy));
}

/** One line per entry, for assertion messages. */
export function describeReported(reported: Reported[]): string {
    return reported.map((r) => `  [${r.enforcementLevel}] ${r.policy}: ${r.message}`).join("\n") || "  (nothing reported)";
}
