/**
 * Exemptions: every policy accepts an optional `exemptions` list in its
 * config, `[{ "resource": "<urn or name glob>", "reason": "<why>" }]`.
 * A matching finding is dropped. An exemption without a non-empty reason (or
 * without a resource pattern) is not applied and is itself a violation.
 */
import { Finding, Findings, ResourceRef } from "./findings";
import { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { globToRegExp, isNonEmptyString } from "./values";

export interface Exemption {
    /** URN or resource name; `*` and `?` are wildcards. */
    resource: string;
    /** Why the exception is safe; required. */
    reason: string;
}

export const exemptionsSchema: PolicyConfigJSONSchema = {
    type: "array",
    description: "Resources this policy does not apply to, each with the reason why that is safe. An exemption without a reason is not applied and is reported as a violation.",
    items: {
        type: "object",
        properties: {
            resource: { type: "string", description: "URN or resource name of the exempt resource; * and ? are wildcards." },
            reason: { type: "string", description: "Why the exception is safe (required, non-empty)." },
        },
    },
};

interface Parsed {
    pattern?: string;
    regexp?: RegExp;
    valid: boolean;
}

function parse(raw: unknown): Parsed[] {
    if (!Array.isArray(raw)) {
        return [];
    }
    return raw.map((e: unknown) => {
        const rec = (e !== null && typeof e === "object" ? e : {}) as Record<string, unknown>;
        const pattern = isNonEmptyString(rec.resource) ? rec.resource : undefined;
        return {
            pattern,
            regexp: pattern !== undefined ? globToRegExp(pattern) : undefined,
            valid: pattern !== undefined && isNonEmptyString(rec.reason),
        };
    });
}

function matches(p: Parsed, ref: { urn?: string; name?: string }): boolean {
    if (!p.regexp) {
        return false;
    }
    return (ref.urn !== undefined && p.regexp.test(ref.urn)) || (ref.name !== undefined && p.regexp.test(ref.name));
}

/**
 * Drops findings covered by a valid exemption and adds a violation for each
 * exemption that lacks a reason. `scope` is what the policy looked at: one
 * resource (resource policy) or the whole stack (stack policy).
 */
export function applyExemptions(policy: string, findings: Finding[], raw: unknown, scope: { mode: "resource" | "stack"; resources: ResourceRef[] }): Finding[] {
    const parsed = parse(raw);
    const valid = parsed.filter((p) => p.valid);
    const kept = findings.filter((f) => !(f.urn !== undefined && valid.some((p) => matches(p, f))));
    const extra = new Findings();
    for (const p of parsed.filter((x) => !x.valid)) {
        const what = p.pattern === undefined
            ? `an exemption in the "${policy}" policy config has no "resource" pattern`
            : `the exemption for "${p.pattern}" in the "${policy}" policy config has no reason, so it is not applied`;
        const fix = `give every exemption of "${policy}" a "resource" (URN or name pattern) and a non-empty "reason" saying why the exception is safe, or remove it`;
        const hit = scope.resources.filter((r) => matches(p, r));
        if (hit.length > 0) {
            for (const r of hit) {
                extra.violation(r, what, fix);
            }
        } else if (scope.mode === "stack") {
            extra.violation(undefined, what, fix);
        }
    }
    return [...kept, ...extra.list];
}
