import * as assert from "assert";
import { Environment, FixtureResource, PolicyConfigFile, Reported, describeReported, loadPolicyConfig, runPack, violationsOf } from "./harness";

/**
 * Asserts a violation of `policy` whose message names the resource (type and
 * name), contains every fragment (the problem), and carries a fix.
 */
export function expectViolation(reported: Reported[], policy: string, resource: { type: string; name: string }, ...fragments: string[]): Reported {
    const hits = violationsOf(reported, policy).filter((r) =>
        r.message.includes(`${resource.type} "${resource.name}"`) && fragments.every((f) => r.message.includes(f)));
    assert.ok(hits.length > 0,
        `expected a ${policy} violation on ${resource.type} "${resource.name}" mentioning ${JSON.stringify(fragments)}; got:\n${describeReported(reported)}`);
    assert.match(hits[0].message, /Fix: \S/, `the message has no fix: ${hits[0].message}`);
    return hits[0];
}

/** Asserts no violation (of one policy, or at all). */
export function expectNoViolation(reported: Reported[], policy?: string): void {
    const hits = violationsOf(reported, policy);
    assert.strictEqual(hits.length, 0, `expected no ${policy ?? ""} violation; got:\n${describeReported(hits)}`);
}


/** The environment's config file with some settings of one policy replaced. */
export function configWith(environment: Environment, policy: string, settings: Record<string, unknown>): PolicyConfigFile {
    const config = loadPolicyConfig(environment);
    const own = config[policy];
    config[policy] = { ...(typeof own === "object" ? own : {}), ...settings };
    return config;
}

/** Runs one policy of the pack over the resources with the environment's config. */
export function runPolicy(policy: string, environment: Environment, resources: FixtureResource[], opts: { config?: PolicyConfigFile; stack?: string } = {}) {
    return runPack(resources, { environment, only: [policy], config: opts.config, stack: opts.stack });
}
