import { StackValidationPolicy } from "@pulumi/policy";
import { CheckContext, Finding, Findings, PolicyInputResource, describeResource } from "../lib/findings";
import { CommonConfig, stackPolicy } from "../lib/policy";
import { commandCredentials, fingerprint, holdsCredential, isSecretName, isUrlName, secretMaterial } from "../lib/credentials";
import { componentOf, configEntries, containersOf, envOf, isK8sWorkload, metadataName, namespaceOf, objectLabels, secretRefsOf, sameNamespace, serviceOf } from "../lib/resources";
import { ENVIRONMENTS, GENERATORS, KEEPER, LABEL, T } from "../lib/types";
import { MIN_MATCH, credentialGenerators, generatedValues, generatorDependencies } from "../lib/generators";
import { globToRegExp } from "../lib/values";
import { declarationOf, declaredKeys, externalFingerprint, EXTERNAL_SECRETS } from "../lib/external";
import { UNKNOWN_SENTINELS, Unknown, isUnknown } from "../lib/unknown";
import { Maybe, asString, isNonEmptyString, stackOfUrn, stringMap } from "../lib/values";

export interface NoSharedCredentialsConfig extends CommonConfig {
    /** Environment this stack belongs to; every credential must have been issued for it. */
    environment?: string;
    /** SHA-256 hex fingerprints (see `fingerprint`) of credential values that belong to other environments. */
    foreignFingerprints?: string[];
    /**
     * Components that hold other services' credentials to verify or provision
     * them (the database and cache servers, their access jobs). They are not
     * counted as users of a credential.
     * @default ["database", "cache", "access"]
     */
    serverComponents?: string[];
    /** Name fragments that mark an env var as a credential. @default PASSWORD, PASSWD, SECRET, TOKEN, API_KEY, PRIVATE_KEY, SIGNING_KEY, VERIFY_KEYS, CREDENTIAL */
    secretNamePatterns?: string[];
    /** Name suffixes that mention a secret without holding one. @default _FILE, _PATH, _KID, _ID, _NAME, _REF, _ISSUER, _AUDIENCE, _TTL, _SECONDS */
    nonSecretSuffixes?: string[];
    /**
     * Credentials issued outside this stack and delivered through a declared
     * channel (a `pulumi config set --secret` value): Secret or ConfigMap keys
     * of matching resources (name or URN glob) that are not literals.
     * @default []
     */
    externalSecrets?: { resource: string; keys: string[]; reason: string }[];
}

export const DEFAULT_SERVER_COMPONENTS: readonly string[] = ["database", "cache", "access"];

/** A generated credential (RandomPassword) and what its keepers say. */
interface Issued {
    resource: PolicyInputResource;
    credential: Maybe<string>;
    service: Maybe<string>;
    environment: Maybe<string>;
    stack: Maybe<string>;
    result: Maybe<string>;
    /** Every known output that encodes the value (result, hex, base64...). */
    values: string[];
}

/** A known credential value found in a resource. */
interface Holding {
    resource: PolicyInputResource;
    service: string;
    /** The holder verifies or provisions credentials rather than using them. */
    server: boolean;
    where: string;
    value: string;
    material: Set<string>;
}


function readIssued(resources: PolicyInputResource[], f: Findings, environment: string | undefined): Issued[] {
    const issued: Issued[] = [];
    for (const rp of credentialGenerators(resources)) {
        const keepers = stringMap(rp.props.keepers);
        if (isUnknown(keepers)) {
            f.undetermined(rp, keepers, "the owner keepers (service, environment, stack) of this credential");
            continue;
        }
        const entry: Issued = {
            resource: rp,
            credential: keepers[KEEPER.credential],
            service: keepers[KEEPER.service],
            environment: keepers[KEEPER.environment],
            stack: keepers[KEEPER.stack],
            result: asString(rp.props[GENERATORS[rp.type] ?? "result"]),
            values: generatedValues(rp),
        };
        issued.push(entry);
        const required = [KEEPER.credential, KEEPER.service, KEEPER.environment, KEEPER.stack];
        const missing = required.filter((k) => {
            const v = keepers[k];
            return !isUnknown(v) && !isNonEmptyString(v);
        });
        if (missing.length > 0) {
            f.violation(rp,
                `has no keeper ${missing.join(", ")}, so nothing records which one service and environment may use this credential`,
                `issue it through the Credential component, which sets the keepers ${required.join(", ")} (strings) on the generator`);
        }
        for (const k of required) {
            const v = keepers[k];
            if (isUnknown(v)) {
                f.undetermined(rp, v, `keeper ${k}`);
            }
        }
        if (environment !== undefined && typeof entry.environment === "string" && entry.environment !== "" && entry.environment !== environment) {
            f.violation(rp,
                `was issued for environment "${entry.environment}" (keeper ${KEEPER.environment}) but is deployed in environment "${environment}"; a credential never crosses environments`,
                `issue a new credential for "${environment}" (a Credential created with this stack's settings) instead of reusing the "${entry.environment}" one, and rotate the "${entry.environment}" value since it left its environment`);
        }
        const urnStack = stackOfUrn(rp.urn);
        if (urnStack !== undefined && typeof entry.stack === "string" && entry.stack !== "" && entry.stack !== urnStack) {
            f.violation(rp,
                `was issued for stack "${entry.stack}" (keeper ${KEEPER.stack}) but belongs to stack "${urnStack}"`,
                `set the keeper ${KEEPER.stack} to "${urnStack}" so the value is generated for this stack; never import another stack's credential state`);
        }
    }
    // One credential name, one service.
    const byName = new Map<string, Issued[]>();
    for (const i of issued) {
        if (typeof i.credential === "string" && i.credential !== "") {
            byName.set(i.credential, [...(byName.get(i.credential) ?? []), i]);
        }
    }
    for (const [name, group] of byName) {
        const services = [...new Set(group.map((i) => i.service).filter((s): s is string => typeof s === "string" && s !== ""))];
        if (services.length > 1) {
            for (const i of group) {
                f.violation(i.resource,
                    `credential "${name}" is issued to several services (${services.map((s) => `"${s}"`).join(", ")}); a credential belongs to exactly one service`,
                    `give each service its own credential, e.g. "${services[0]}-<purpose>" and "${services[1]}-<purpose>", each with keeper ${KEEPER.service} set to that one service`);
            }
        }
    }
    return issued;
}

function isServer(component: Maybe<string>, servers: readonly string[]): boolean {
    return typeof component === "string" && servers.includes(component);
}

/** A RandomPassword whose result is absent (inputs only), so generated values cannot be recognised. */
interface MissingResult {
    resource: PolicyInputResource;
    unknown: Unknown;
}

function argvOf(r: PolicyInputResource): { where: string; argv: string[] }[] {
    const list = (v: unknown): string[] => (Array.isArray(v) ? v.map((x) => asString(x)).filter((x): x is string => typeof x === "string") : []);
    if (r.type === T.container) {
        return [{ where: "command", argv: [...list(r.props.entrypoint), ...list(r.props.command)] }];
    }
    return containersOf(r, { init: true }).list.map((c) => ({ where: `command of container "${c.name}"`, argv: [...list(c.spec.command), ...list(c.spec.args)] }));
}

interface HoldingContext {
    config: NoSharedCredentialsConfig;
    generated: string[];
    missing: MissingResult | undefined;
    /** Generators by URN, for decisions from property dependencies (preview). */
    generators: Map<string, Issued>;
    f: Findings;
}

/**
 * In a preview a value computed from a generator is unknown; the generators it
 * was computed from are not. Decides sharing from them: a holder computed from
 * a credential issued to another service carries that credential. Returns false
 * when the dependencies are not known (a list without them), so the caller
 * records the unknown.
 */
function decideFromDependencies(r: PolicyInputResource, service: string, server: boolean, where: string, ctx: HoldingContext): boolean {
    if (r.propertyDependencies === undefined || Object.keys(r.propertyDependencies).length === 0) {
        return false;
    }
    if (server) {
        return true;
    }
    for (const urn of generatorDependencies(r, new Set(ctx.generators.keys()))) {
        const i = ctx.generators.get(urn);
        if (i && typeof i.service === "string" && i.service !== "" && i.service !== service) {
            ctx.f.violation(r,
                `${where} of service "${service}" is computed from credential "${typeof i.credential === "string" ? i.credential : i.resource.name}" issued to service "${i.service}" (${describeResource(i.resource)}); a credential is used by one service only`,
                `issue one Credential per service (keeper ${KEEPER.service}) and give each service only its own value; the database or cache grants each service its own role or ACL user`);
        }
    }
    return true;
}

function isDeclaredExternal(r: PolicyInputResource, key: string, config: NoSharedCredentialsConfig): boolean {
    return (config.externalSecrets ?? []).some((e) =>
        isNonEmptyString(e.reason) && (globToRegExp(e.resource).test(r.name) || globToRegExp(e.resource).test(r.urn)) && (e.keys ?? []).includes(key))
        || declaredKeys(r).has(key);
}

function collectHoldings(resources: PolicyInputResource[], ctx: HoldingContext): Holding[] {
    const { config, generated, missing, f } = ctx;
    const servers = config.serverComponents ?? DEFAULT_SERVER_COMPONENTS;
    const naming = { secretNamePatterns: config.secretNamePatterns, nonSecretSuffixes: config.nonSecretSuffixes };
    const holdings: Holding[] = [];
    const materialOf = (value: string): Set<string> => {
        const m = new Set(secretMaterial(value).filter((x) => x !== ""));
        for (const g of generated) {
            if (g.length >= MIN_MATCH && value.includes(g)) {
                m.add(g);
            }
        }
        return m;
    };
    const literal = (r: PolicyInputResource, where: string, material: Set<string>): void => {
        if ([...material].some((m) => generated.includes(m))) {
            return;
        }
        if (missing !== undefined) {
            f.undetermined(r, missing.unknown, `whether ${where} is a literal (${describeResource(missing.resource)} has no result to compare with)`);
            return;
        }
        f.violation(r,
            `${where} holds a literal credential that no generated credential of this stack produced`,
            "generate it with a Credential (generator with owner and rotation keepers) and pass that output (pulumi.secret) instead of a literal; a credential issued elsewhere goes through the service's `secrets` config entry (pulumi config set --secret) and is declared in externalSecrets");
    };
    for (const r of resources) {
        const inWorkload = isK8sWorkload(r);
        if (!inWorkload && r.type !== T.container) {
            continue;
        }
        const service = serviceOf(r);
        const server = isServer(componentOf(r), servers);
        const env = envOf(r);
        let decided = false;
        const decide = (): boolean => {
            decided = decided || decideFromDependencies(r, service, server, "its environment", ctx);
            return decided;
        };
        if (env.unknown && !decide()) {
            f.undetermined(r, env.unknown, "whether the environment carries a literal or shared credential");
        }
        for (const e of env.entries) {
            if (isUnknown(e.name)) {
                if (!decide()) {
                    f.undetermined(r, e.name, "whether an environment entry carries a literal or shared credential");
                }
                continue;
            }
            if (e.name === undefined || e.value === undefined) {
                continue;
            }
            const where = inWorkload ? `env ${e.name} of container "${e.container}"` : `env ${e.name}`;
            if (isUnknown(e.value)) {
                if (isSecretName(e.name, naming) || isUrlName(e.name)) {
                    if (inWorkload && r.propertyDependencies !== undefined && generatorDependencies(r, new Set(ctx.generators.keys())).length > 0) {
                        f.violation(r,
                            `${where} holds a generated credential as a plain value in the pod spec, readable by anyone who can read the workload`,
                            `store it in a Secret of service "${service}" and reference it with valueFrom.secretKeyRef`);
                    } else if (inWorkload || !decide()) {
                        f.undetermined(r, e.value, `whether ${where} carries a literal or shared credential`);
                    }
                }
                continue;
            }
            if (!holdsCredential(e.name, e.value, naming)) {
                continue;
            }
            const material = materialOf(e.value);
            if (inWorkload) {
                f.violation(r,
                    `${where} holds a credential as a plain value in the pod spec, readable by anyone who can read the workload`,
                    `store it in a Secret of service "${service}" and reference it with valueFrom.secretKeyRef`);
            } else if (!isDeclaredExternal(r, e.name, config)) {
                literal(r, where, material);
            }
            holdings.push({ resource: r, service, server, where, value: e.value, material });
        }
        for (const { where, argv } of argvOf(r)) {
            for (const value of commandCredentials(argv)) {
                const material = materialOf(value);
                if (inWorkload) {
                    f.violation(r, `${where} passes a credential on the command line, readable by anyone who can read the workload or list processes`,
                        "read it from an environment variable filled from a Secret (valueFrom.secretKeyRef) and refer to it as $(VAR) or \"$VAR\"");
                } else {
                    literal(r, where, material);
                }
                holdings.push({ resource: r, service, server, where, value, material });
            }
        }
    }
    for (const r of resources.filter((x) => x.type === T.secret || x.type === T.configMap)) {
        const labels = objectLabels(r).labels;
        const svcLabel = labels[LABEL.service] ?? labels[LABEL.name];
        const service = typeof svcLabel === "string" && svcLabel !== "" ? svcLabel : r.name;
        const server = isServer(labels[LABEL.component], servers);
        const entries = configEntries(r);
        if (isUnknown(entries)) {
            if (!decideFromDependencies(r, service, server, "its data", ctx)) {
                f.undetermined(r, entries, "whether its entries carry a shared credential");
            }
            continue;
        }
        let decided = false;
        for (const { key, value } of entries) {
            if (isUnknown(value)) {
                if (r.type === T.secret || isSecretName(key, naming)) {
                    decided = decided || decideFromDependencies(r, service, server, "its data", ctx);
                    if (!decided) {
                        f.undetermined(r, value, `whether key ${key} carries a shared credential`);
                    }
                }
                continue;
            }
            if (value === undefined || value === "") {
                continue;
            }
            const material = materialOf(value);
            const isGenerated = [...material].some((m) => generated.includes(m));
            if (!isGenerated && !holdsCredential(key, value, naming)) {
                continue;
            }
            if (!isGenerated && !isDeclaredExternal(r, key, config)) {
                literal(r, `key ${key}`, material);
            }
            holdings.push({ resource: r, service, server, where: `key ${key}`, value, material });
        }
    }
    return holdings;
}

function checkSharing(holdings: Holding[], issued: Issued[], f: Findings): void {
    const owners = new Map<string, Issued[]>();
    for (const i of issued) {
        for (const v of i.values) {
            owners.set(v, [...(owners.get(v) ?? []), i]);
        }
    }
    const byMaterial = new Map<string, Holding[]>();
    for (const h of holdings) {
        for (const m of h.material) {
            byMaterial.set(m, [...(byMaterial.get(m) ?? []), h]);
        }
    }
    const reported = new Set<string>();
    for (const [material, group] of byMaterial) {
        const issuedFor = owners.get(material) ?? [];
        const ownerServices = issuedFor.map((i) => i.service).filter((s): s is string => typeof s === "string" && s !== "");
        const users = group.filter((h) => !h.server);
        const services = new Set<string>([...ownerServices, ...users.map((h) => h.service)]);
        if (services.size < 2) {
            continue;
        }
        const credentialName = issuedFor.map((i) => i.credential).find((c): c is string => typeof c === "string");
        const origin = credentialName !== undefined && ownerServices.length > 0
            ? `credential "${credentialName}" issued to service "${ownerServices[0]}"`
            : "the same credential value";
        for (const h of users) {
            const key = `${h.resource.urn}|${h.where}|${origin}`;
            if (reported.has(key)) {
                continue;
            }
            reported.add(key);
            const others = [...new Set(group.filter((o) => o !== h && !o.server && o.service !== h.service).map((o) => `service "${o.service}" (${describeResource(o.resource)})`))];
            const foreignOwner = ownerServices.length > 0 && !ownerServices.includes(h.service);
            if (!foreignOwner && others.length === 0) {
                continue;
            }
            const problem = foreignOwner
                ? `${h.where} of service "${h.service}" carries ${origin}${others.length > 0 ? `, also used by ${others.join(", ")}` : ""}; a credential is used by one service only`
                : `${h.where} of service "${h.service}" carries ${origin}, also used by ${others.join(", ")}; a credential is used by one service only`;
            f.violation(h.resource, problem,
                `issue one Credential per service (keeper ${KEEPER.service}) and give each service only its own value; the database or cache grants each service its own role or ACL user`);
        }
    }
}

function checkSecretReaders(resources: PolicyInputResource[], config: NoSharedCredentialsConfig, f: Findings): void {
    const servers = config.serverComponents ?? DEFAULT_SERVER_COMPONENTS;
    const secrets = resources.filter((r) => r.type === T.secret);
    const readers = new Map<string, { name: string; namespace: Maybe<string>; services: Map<string, PolicyInputResource[]> }>();
    for (const w of resources.filter(isK8sWorkload)) {
        if (isServer(componentOf(w), servers)) {
            continue;
        }
        const service = serviceOf(w);
        const ns = namespaceOf(w);
        for (const ref of secretRefsOf(w)) {
            if (isUnknown(ref)) {
                f.undetermined(w, ref, "which Secret it reads");
                continue;
            }
            if (ref === undefined || ref === "") {
                continue;
            }
            const key = `${typeof ns === "string" ? ns : ""}/${ref}`;
            const entry = readers.get(key) ?? { name: ref, namespace: ns, services: new Map() };
            const list = entry.services.get(service) ?? [];
            if (!list.includes(w)) {
                list.push(w);
            }
            entry.services.set(service, list);
            readers.set(key, entry);
        }
    }
    for (const { name, namespace, services } of readers.values()) {
        const secret = secrets.find((s) => metadataName(s) === name && sameNamespace(namespaceOf(s), namespace));
        const readerText = [...services.entries()].map(([svc, ws]) => `service "${svc}" (${ws.map(describeResource).join(", ")})`).join(", ");
        if (services.size > 1) {
            const fix = "give each service its own Secret holding only its own credentials, and reference only that Secret from its pods";
            if (secret) {
                f.violation(secret, `is read by pods of several services: ${readerText}; a credential is used by one service only`, fix);
            } else {
                for (const ws of services.values()) {
                    for (const w of ws) {
                        f.violation(w, `reads Secret "${name}", which pods of several services read (${readerText})`, fix);
                    }
                }
            }
            continue;
        }
        if (secret) {
            const labels = objectLabels(secret).labels;
            const owner = labels[LABEL.service];
            const [reader] = [...services.keys()];
            if (typeof owner === "string" && owner !== "" && owner !== reader) {
                f.violation(secret, `is labelled ${LABEL.service}="${owner}" but read by pods of service "${reader}" (${readerText})`,
                    `let service "${reader}" read its own Secret; never mount another service's credentials`);
            }
        }
    }
}

function checkFingerprints(holdings: Holding[], issued: Issued[], config: NoSharedCredentialsConfig, f: Findings): void {
    const foreign = new Set((config.foreignFingerprints ?? []).filter(isNonEmptyString).map((x) => x.trim().toLowerCase()));
    if (foreign.size === 0) {
        return;
    }
    const fix = "issue a new credential for this environment (change the RandomPassword's keepers so it is regenerated) and rotate the other environment's value, which has leaked across";
    for (const i of issued) {
        if (typeof i.result === "string" && foreign.has(fingerprint(i.result))) {
            f.violation(i.resource, `its generated value has the fingerprint of a credential that belongs to another environment (fingerprint ${fingerprint(i.result).slice(0, 12)}...)`, fix);
        }
    }
    for (const h of holdings) {
        const candidates = new Set<string>([h.value, ...h.material]);
        for (const c of candidates) {
            const fp = fingerprint(c);
            if (foreign.has(fp)) {
                f.violation(h.resource, `${h.where} carries a credential whose fingerprint belongs to another environment (fingerprint ${fp.slice(0, 12)}...)`, fix);
                break;
            }
        }
    }
}

/**
 * A credential is used by one service in one environment. Checks the owner
 * keepers of every RandomPassword, that one credential name is issued to one
 * service, that no Secret or value is shared by two services, that no literal
 * credential sits in plain env, and that no value of another environment
 * (by fingerprint) appears.
 */
export function checkNoSharedCredentials(resources: PolicyInputResource[], config: NoSharedCredentialsConfig, _ctx?: CheckContext): Finding[] {
    const f = new Findings();
    const environment = isNonEmptyString(config.environment) ? config.environment : undefined;
    if (environment === undefined) {
        f.violation(undefined,
            "the no-shared-credentials policy config names no environment, so credentials cannot be checked against the environment they were issued for",
            `run with --policy-pack-config policies/config/<environment>.json, whose "no-shared-credentials" entry sets "environment" to one of ${ENVIRONMENTS.join(", ")}`);
    }
    const issued = readIssued(resources, f, environment);
    const generated = issued.flatMap((i) => i.values);
    // Stack analysis sees every RandomPassword's result (known, or unknown in preview); a list of inputs only does not.
    const withoutResult = issued.find((i) => i.result === undefined);
    const missing = withoutResult
        ? { resource: withoutResult.resource, unknown: new Unknown(["result"], UNKNOWN_SENTINELS.string) }
        : undefined;
    const generators = new Map(issued.map((i) => [i.resource.urn, i]));
    const holdings = collectHoldings(resources, { config, generated, missing, generators, f });
    checkSharing(holdings, issued, f);
    checkSecretReaders(resources, config, f);
    checkFingerprints(holdings, issued, config, f);
    checkExternalSecrets(resources, config, f);
    return f.list;
}

/**
 * Externally issued secrets (a service's `secrets` config entry): each
 * declaration names its service, config key, issue date and fingerprint; the
 * fingerprint matches the value where the value is known; one value (by
 * fingerprint) is held by one service only and by no other environment.
 */
function checkExternalSecrets(resources: PolicyInputResource[], config: NoSharedCredentialsConfig, f: Findings): void {
    const foreign = new Set((config.foreignFingerprints ?? []).filter(isNonEmptyString).map((x) => x.trim().toLowerCase()));
    const byFingerprint = new Map<string, { r: PolicyInputResource; key: string; service: string }[]>();
    for (const r of resources) {
        const d = declarationOf(r);
        if (d === undefined) {
            continue;
        }
        if ("unknown" in d) {
            f.undetermined(r, d.unknown, `the ${EXTERNAL_SECRETS} declaration`);
            continue;
        }
        if ("malformed" in d) {
            f.violation(r, `its ${EXTERNAL_SECRETS} declaration ${d.malformed}`, "let the program write it from the service's secrets config entry");
            continue;
        }
        const labels = objectLabels(r).labels;
        const ownerLabel = r.type === T.secret ? labels[LABEL.service] ?? labels[LABEL.name] : labels[LABEL.name];
        const owner = typeof ownerLabel === "string" ? ownerLabel : undefined;
        const values = new Map<string, Maybe<string>>();
        if (r.type === T.secret) {
            const entries = configEntries(r);
            if (!isUnknown(entries)) {
                for (const e of entries) {
                    values.set(e.key, e.value);
                }
            }
        } else {
            for (const e of envOf(r).entries) {
                if (typeof e.name === "string") {
                    values.set(e.name, e.value);
                }
            }
        }
        for (const e of d.entries) {
            const what = `externally issued secret ${e.key}`;
            if (!isNonEmptyString(e.service) || !isNonEmptyString(e.config) || !isNonEmptyString(e.fingerprint) || !/^[0-9a-f]{16}$/.test(e.fingerprint)) {
                f.violation(r, `the declaration of ${what} lacks its service, config key or fingerprint`,
                    "deliver it through the service's secrets config entry (services.<name>.secrets.<NAME>: {config, issued}), which declares all of them");
                continue;
            }
            if (owner !== undefined && owner !== e.service) {
                f.violation(r, `${what} is declared for service "${e.service}" but delivered to "${owner}"`,
                    `give service "${owner}" a value of its own under its own secrets entry`);
            }
            const value = values.get(e.key);
            if (typeof value === "string" && value !== "" && externalFingerprint(value) !== e.fingerprint) {
                f.violation(r, `${what}'s value does not match its declared fingerprint ${e.fingerprint}`,
                    "let the program compute the declaration from the value it delivers (services.<name>.secrets); do not write it by hand");
            }
            if (foreign.has(e.fingerprint)) {
                f.violation(r, `${what} (config key ${e.config}) has the fingerprint of a secret that belongs to another environment (${e.fingerprint})`,
                    `ask the issuer for a separate value for this environment, pulumi config set --secret ${e.config} <new value>, update its issued date, and revoke the value that crossed over`);
            }
            byFingerprint.set(e.fingerprint, [...(byFingerprint.get(e.fingerprint) ?? []), { r, key: e.key, service: e.service }]);
        }
    }
    for (const [fp, holders] of byFingerprint) {
        const services = [...new Set(holders.map((h) => h.service))];
        if (services.length < 2) {
            continue;
        }
        for (const h of holders) {
            f.violation(h.r, `externally issued secret ${h.key} of service "${h.service}" has the same value (fingerprint ${fp}) as a secret of ${services.filter((s) => s !== h.service).map((s) => `"${s}"`).join(", ")}; a secret belongs to one service`,
                "ask the issuer for a separate value for each service (a key per service can be revoked alone) and set each under its own config key");
        }
    }
}

export const noSharedCredentials: StackValidationPolicy = stackPolicy<NoSharedCredentialsConfig>({
    name: "no-shared-credentials",
    description: "A credential shared by two services or two environments cannot be revoked or rotated for one without breaking the other, and a leak in the weakest holder (a review stack, a batch worker) opens them all. Each credential is issued to one service in one environment, and appears nowhere else.",
    severity: "critical",
    config: {
        environment: { type: "string", enum: [...ENVIRONMENTS], description: "Environment of the stack; credentials must have been issued for it." },
        foreignFingerprints: { type: "array", items: { type: "string", pattern: "^([0-9a-fA-F]{64}|[0-9a-fA-F]{16})$" }, description: "Fingerprints of credential values that belong to other environments: SHA-256 hex of generated values, 16-hex declared fingerprints of externally issued secrets." },
        serverComponents: { type: "array", items: { type: "string" }, description: "Components that hold other services' credentials to verify or provision them (default database, cache, access)." },
        secretNamePatterns: { type: "array", items: { type: "string" }, description: "Name fragments that mark an env var as a credential." },
        nonSecretSuffixes: { type: "array", items: { type: "string" }, description: "Name suffixes that mention a secret without holding one (_FILE, _KID...)." },
        externalSecrets: {
            type: "array",
            description: "Credentials issued outside the stack (pulumi config set --secret) that a Secret or ConfigMap key may carry: resource glob, keys, reason.",
            items: {
                type: "object",
                properties: { resource: { type: "string" }, keys: { type: "array", items: { type: "string" } }, reason: { type: "string" } },
                required: ["resource", "keys", "reason"],
            },
        },
    },
    check: checkNoSharedCredentials,
});
