/**
 * What a check returns: violations and undetermined results, each naming the
 * resource (type and name), what is wrong and how to fix it.
 */
import { Unknown } from "./unknown";
import { Plain } from "./values";

/** A resource as the checks see it: identity plus plain props. */
export interface PolicyInputResource {
    type: string;
    name: string;
    urn: string;
    props: Plain;
    /**
     * Stack policies: for each top-level property, the URNs of the resources
     * its value was computed from (known in a preview even when the value is not).
     */
    propertyDependencies?: Record<string, string[]>;
    /** Stack policies: URNs of every resource this one depends on. */
    dependencies?: string[];
}

export type ResourceRef = Pick<PolicyInputResource, "type" | "name" | "urn">;

export interface Finding {
    /** violation: reported; undetermined: depends on a value unknown during preview. */
    kind: "violation" | "undetermined";
    /** Resource concerned; absent for a stack-wide finding. */
    urn?: string;
    name?: string;
    type?: string;
    message: string;
    /** For undetermined findings: the unknown value the answer depends on. */
    unknown?: Unknown;
}

/** Extra facts a check may need; tests pass a fixed clock. */
export interface CheckContext {
    now: Date;
}

export function describeResource(r: ResourceRef): string {
    return `${r.type} "${r.name}"`;
}

function sentence(text: string): string {
    const t = text.trim();
    return /[.!?]$/.test(t) ? t : `${t}.`;
}

/** Collects findings with a uniform message shape: `<type> "<name>": <problem>. Fix: <fix>.` */
export class Findings {
    readonly list: Finding[] = [];

    violation(r: ResourceRef | undefined, problem: string, fix: string): void {
        const subject = r ? `${describeResource(r)}: ` : "stack: ";
        this.list.push({
            kind: "violation",
            urn: r?.urn,
            name: r?.name,
            type: r?.type,
            message: `${subject}${sentence(problem)} Fix: ${sentence(fix)}`,
        });
    }

    /** The answer of a check depends on `u`, unknown during preview. */
    undetermined(r: ResourceRef, u: Unknown, what: string): void {
        this.list.push({
            kind: "undetermined",
            urn: r.urn,
            name: r.name,
            type: r.type,
            unknown: u,
            message: `${describeResource(r)}: ${what} cannot be checked during preview because ${u.dotted || "the value"} is unknown; it is checked again when the value is known (pulumi up).`,
        });
    }
}

export function violations(findings: Finding[]): Finding[] {
    return findings.filter((f) => f.kind === "violation");
}
