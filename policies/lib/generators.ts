/**
 * Generated credentials: every generator resource (RandomPassword,
 * RandomString, RandomBytes, RandomId, RandomUuid, a TLS private key) whose
 * value reaches a credential position. A RandomPassword is always one; any
 * other generator is one when it carries credential keepers, when one of its
 * known values appears in a credential position, or (in a preview, where
 * values are unknown) when a Secret, ConfigMap or workload was computed from it
 * (property dependencies).
 */
import { PolicyInputResource } from "./findings";
import { configEntries, containersOf, envOf, isK8sWorkload } from "./resources";
import { commandCredentials, holdsCredential } from "./credentials";
import { GENERATORS, GENERATOR_OUTPUTS, KEEPER, T } from "./types";
import { isUnknown } from "./unknown";
import { asString, stringMap } from "./values";

/** Shortest generated value treated as a match inside a larger string (avoids coincidences). */
export const MIN_MATCH = 8;

export function isGenerator(r: PolicyInputResource): boolean {
    return r.type in GENERATORS;
}

/** Known values of a generator (every output that encodes it). */
export function generatedValues(r: PolicyInputResource): string[] {
    const out: string[] = [];
    for (const key of GENERATOR_OUTPUTS) {
        const v = asString(r.props[key]);
        if (typeof v === "string" && v !== "") {
            out.push(v);
        }
    }
    return out;
}

/** Properties through which a value reaches a credential position. */
const CREDENTIAL_PROPERTIES: Record<string, string[]> = {
    [T.secret]: ["data", "stringData"],
    [T.configMap]: ["data"],
    [T.container]: ["envs", "command", "entrypoint"],
};

/** URNs of the generators a resource's credential-bearing properties were computed from. */
export function generatorDependencies(r: PolicyInputResource, generatorUrns: Set<string>): string[] {
    const props = isK8sWorkload(r) ? ["spec"] : CREDENTIAL_PROPERTIES[r.type] ?? [];
    const out = new Set<string>();
    for (const p of props) {
        for (const urn of r.propertyDependencies?.[p] ?? []) {
            if (generatorUrns.has(urn)) {
                out.add(urn);
            }
        }
    }
    return [...out];
}

/** Every string a resource passes in a credential position (known values only). */
function credentialPositionValues(r: PolicyInputResource): string[] {
    const out: string[] = [];
    if (r.type === T.secret || r.type === T.configMap) {
        const entries = configEntries(r);
        if (!isUnknown(entries)) {
            for (const e of entries) {
                if (typeof e.value === "string" && (r.type === T.secret || holdsCredential(e.key, e.value))) {
                    out.push(e.value);
                }
            }
        }
        return out;
    }
    if (r.type !== T.container && !isK8sWorkload(r)) {
        return out;
    }
    for (const e of envOf(r).entries) {
        if (typeof e.name === "string" && typeof e.value === "string" && holdsCredential(e.name, e.value)) {
            out.push(e.value);
        }
    }
    const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
    if (r.type === T.container) {
        out.push(...commandCredentials([...list(r.props.entrypoint), ...list(r.props.command)]));
    } else {
        for (const c of containersOf(r, { init: true }).list) {
            out.push(...commandCredentials([...list(c.spec.command), ...list(c.spec.args)]));
        }
    }
    return out;
}

/**
 * The generators held to the credential rules: RandomPasswords, generators with
 * a credential keeper, and generators whose value or dependency reaches a
 * credential position.
 */
export function credentialGenerators(resources: PolicyInputResource[]): PolicyInputResource[] {
    const generators = resources.filter(isGenerator);
    if (generators.length === 0) {
        return [];
    }
    const chosen = new Set<PolicyInputResource>();
    const pending: PolicyInputResource[] = [];
    for (const g of generators) {
        const keepers = stringMap(g.props.keepers);
        if (g.type === T.randomPassword || (!isUnknown(keepers) && keepers[KEEPER.credential] !== undefined)) {
            chosen.add(g);
        } else {
            pending.push(g);
        }
    }
    if (pending.length === 0) {
        return [...chosen];
    }
    const urns = new Set(pending.map((g) => g.urn));
    const reached = new Set<string>();
    const haystack: string[] = [];
    for (const r of resources) {
        for (const urn of generatorDependencies(r, urns)) {
            reached.add(urn);
        }
        haystack.push(...credentialPositionValues(r));
    }
    for (const g of pending) {
        if (reached.has(g.urn) || generatedValues(g).some((v) => v.length >= MIN_MATCH && haystack.some((h) => h.includes(v)))) {
            chosen.add(g);
        }
    }
    return generators.filter((g) => chosen.has(g));
}
