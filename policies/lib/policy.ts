/**
 * Wraps a pure check into a CrossGuard policy. The check sees plain props
 * (unknowns as markers) and the policy config; the wrapper applies
 * exemptions, reports violations, and hands undetermined results back to the
 * engine as its documented "can't run during preview" advisory.
 */
import type { Resource } from "@pulumi/pulumi";
import {
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
    validateResourceOfType,
} from "@pulumi/policy";
import { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { CheckContext, Finding, PolicyInputResource } from "./findings";
import { applyExemptions, Exemption, exemptionsSchema } from "./exemptions";
import { plainProps, toEngineError } from "./unknown";

/** Settings every policy accepts. */
export interface CommonConfig {
    exemptions?: Exemption[];
}

export type ResourceCheck<C> = (resource: PolicyInputResource, config: C, ctx: CheckContext) => Finding[];
export type StackCheck<C> = (resources: PolicyInputResource[], config: C, ctx: CheckContext) => Finding[];

interface BaseSpec {
    name: string;
    description: string;
    /** Settings of this policy, besides `exemptions` (added for every policy). */
    config: Record<string, PolicyConfigJSONSchema>;
    severity?: Severity;
    remediationSteps?: string;
    /** @default "mandatory" (config files relax it per environment) */
    enforcementLevel?: EnforcementLevel;
}

export interface ResourceRuleSpec<C> extends BaseSpec {
    /** Resource types the policy validates. */
    types: readonly string[];
    check: ResourceCheck<C & CommonConfig>;
}

export interface StackRuleSpec<C> extends BaseSpec {
    check: StackCheck<C & CommonConfig>;
}

type TokenClass = new (name: string, args: Record<string, unknown>, ...rest: unknown[]) => Resource;

/**
 * A stand-in class carrying only a type token, for validateResourceOfType.
 * The pack reads raw props, so it does not need the provider SDKs.
 */
export function typeToken(token: string): TokenClass {
    const cls = function tokenOnly(): void {
        throw new Error(`${token} is a type token for policies, not a resource`);
    };
    Object.defineProperty(cls, "__pulumiType", { value: token });
    return cls as unknown as TokenClass;
}

/** Reports violations, then re-throws the engine error for the first undetermined result. */
export function deliver(findings: Finding[], report: ReportViolation, withUrn: boolean): void {
    for (const f of findings) {
        if (f.kind === "violation") {
            if (withUrn && f.urn !== undefined) {
                report(f.message, f.urn);
            } else {
                report(f.message);
            }
        }
    }
    const pending = findings.find((f) => f.kind === "undetermined" && f.unknown !== undefined);
    if (pending?.unknown) {
        throw toEngineError(pending.unknown);
    }
}

function schemaOf(spec: BaseSpec): { properties: Record<string, PolicyConfigJSONSchema> } {
    return { properties: { ...spec.config, exemptions: exemptionsSchema } };
}

export function now(): CheckContext {
    return { now: new Date() };
}

/** A resource policy over the given types, wrapping a pure check. */
export function resourcePolicy<C>(spec: ResourceRuleSpec<C>): ResourceValidationPolicy {
    const run = (args: ResourceValidationArgs, report: ReportViolation): void => {
        const resource: PolicyInputResource = { type: args.type, name: args.name, urn: args.urn, props: plainProps(args.props) };
        const config = args.getConfig<C & CommonConfig>();
        const findings = applyExemptions(spec.name, spec.check(resource, config, now()), config.exemptions, {
            mode: "resource",
            resources: [resource],
        });
        deliver(findings, report, false);
    };
    return {
        ...header(spec),
        validateResource: spec.types.map((t) => validateResourceOfType(typeToken(t), (_props, args, report) => run(args, report))),
    };
}

/** What every policy of the pack declares the same way: name, description, enforcement, config schema. */
function header(spec: BaseSpec) {
    return {
        name: spec.name,
        description: spec.description,
        enforcementLevel: spec.enforcementLevel ?? ("mandatory" as const),
        severity: spec.severity,
        remediationSteps: spec.remediationSteps,
        configSchema: schemaOf(spec),
    };
}

/** property -> URNs of the resources its value depends on. */
function urnsByProperty(deps: Record<string, { urn: string }[]> | undefined): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const [key, list] of Object.entries(deps ?? {})) {
        out[key] = (list ?? []).map((d) => d.urn);
    }
    return out;
}

/** A stack policy wrapping a pure check over all resources. */
export function stackPolicy<C>(spec: StackRuleSpec<C>): StackValidationPolicy {
    return {
        ...header(spec),
        validateStack: (args: StackValidationArgs, report: ReportViolation) => {
            const resources: PolicyInputResource[] = args.resources.map((r) => ({
                type: r.type,
                name: r.name,
                urn: r.urn,
                props: plainProps(r.props),
                propertyDependencies: urnsByProperty(r.propertyDependencies),
                dependencies: (r.dependencies ?? []).map((d) => d.urn),
            }));
            const config = args.getConfig<C & CommonConfig>();
            const findings = applyExemptions(spec.name, spec.check(resources, config, now()), config.exemptions, {
                mode: "stack",
                resources,
            });
            deliver(findings, report, true);
        },
    };
}

export type {
    EnforcementLevel,
    Policies,
    PolicyResource,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
