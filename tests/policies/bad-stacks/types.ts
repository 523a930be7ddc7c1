import { Environment, FixtureResource } from "../harness";

/** A deliberately broken stack and the policy that must reject it. */
export interface BadStack {
    /** kebab-case id. */
    name: string;
    /** What is wrong, in one sentence. */
    why: string;
    /** Selects policies/config/<environment>.json. */
    environment: Environment;
    /** Stack name used in URNs. */
    stack: string;
    resources: FixtureResource[];
    /** Policy that must report a violation. */
    expectedPolicy: string;
    /** A fragment that violation's message must contain, when the policy could reject the stack for other reasons too. */
    expectedMessage?: string;
    /** Settings merged over the environment's config for some policies (e.g. an exemption). */
    configOverrides?: Record<string, Record<string, unknown>>;
}

/** Copies a stack, lets `change` break it, and returns it as a BadStack. */
export function broken(base: Omit<BadStack, "resources"> & { from: FixtureResource[] }, change: (rs: FixtureResource[]) => void): BadStack {
    const { from, ...rest } = base;
    const resources = JSON.parse(JSON.stringify(from)) as FixtureResource[];
    change(resources);
    return { ...rest, resources };
}
