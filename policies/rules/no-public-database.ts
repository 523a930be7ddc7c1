import { StackValidationPolicy } from "@pulumi/policy";
import { CheckContext, Finding, Findings, PolicyInputResource, describeResource } from "../lib/findings";
import { CommonConfig, stackPolicy } from "../lib/policy";
import { containersOf, isK8sWorkload, metadataName, namespaceOf, podLabels, podSpec, sameNamespace, workloadLabels } from "../lib/resources";
import { Tri, anyOf, labelSelectorSelects, mapSelects, requiresLabel } from "../lib/selectors";
import { LABEL, T, isGatewayRoute } from "../lib/types";
import { DatastoreKind, SERVER_ENV, datastoreImage, datastorePort, runsServer } from "../lib/datastores";
import { Unknown, isUnknown } from "../lib/unknown";
import { Maybe, asArray, asBoolean, asNumber, asString, field, items, show, stringMap } from "../lib/values";

export interface NoPublicDatabaseConfig extends CommonConfig {
    /**
     * Allow a database or cache container to publish a port on a loopback
     * address (127.0.0.0/8, ::1). Only the local environment sets this.
     * @default false
     */
    allowLoopbackPorts?: boolean;
    /**
     * Docker: database and cache containers may attach only to networks this
     * stack declares with `internal: true`.
     * @default true
     */
    requireInternalNetworks?: boolean;
    /**
     * Kubernetes: a NetworkPolicy must select each database and cache and admit
     * only declared clients.
     * @default true
     */
    requireNetworkPolicy?: boolean;
    /**
     * More images that run a database or cache, as globs over the repository
     * path without registry and tag (`acme/pg-*`); append `=cache` for a cache.
     * Added to the built-in table (policies/README.md).
     * @default []
     */
    datastoreImages?: string[];
    /** More ports that identify a database (added to the well-known ports). @default [] */
    datastorePorts?: number[];
}

export const DATA_COMPONENTS: Record<string, string> = {
    database: LABEL.dbClient,
    cache: LABEL.cacheClient,
};

const PUBLIC_IPS = new Set(["", "0.0.0.0", "::", "[::]"]);

function isLoopback(ip: string): boolean {
    return /^127\.\d+\.\d+\.\d+$/.test(ip) || ip === "::1" || ip === "[::1]" || ip === "localhost";
}

/** A workload found to run a database or cache, and the evidence. */
interface DataWorkload {
    resource: PolicyInputResource;
    component: DatastoreKind;
    /** "labelled app.kubernetes.io/component=database", "runs image postgres:16 (PostgreSQL)"... */
    evidence: string;
    labels: Record<string, Maybe<string>>;
    namespace: Maybe<string>;
}

function stringList(v: unknown): string[] | undefined {
    const a = asArray(v);
    if (a === undefined || isUnknown(a)) {
        return undefined;
    }
    return a.map((x) => asString(x)).filter((x): x is string => typeof x === "string");
}

interface Evidence {
    kind: DatastoreKind;
    text: string;
}

/** Evidence from one container: its image (unless it runs only client tools), declared ports, server-only env. */
function containerEvidence(image: Maybe<string>, command: string[] | undefined, args: string[] | undefined, ports: number[], envNames: string[], config: NoPublicDatabaseConfig): Evidence | undefined {
    if (typeof image === "string") {
        const m = datastoreImage(image, config.datastoreImages ?? []);
        if (m && runsServer(command, args)) {
            return { kind: m.kind, text: `runs image ${image} (${m.product})` };
        }
    }
    for (const p of ports) {
        const m = datastorePort(p, config.datastorePorts ?? []);
        if (m) {
            return { kind: m.kind, text: `listens on port ${p} (${m.product})` };
        }
    }
    for (const n of envNames) {
        const m = SERVER_ENV[n];
        if (m) {
            return { kind: m.kind, text: `sets ${n} (${m.product} server setting)` };
        }
    }
    return undefined;
}

function labelEvidence(labels: Record<string, Maybe<string>>): Evidence | undefined {
    const c = labels[LABEL.component];
    if (c === "database" || c === "cache") {
        return { kind: c, text: `is labelled ${LABEL.component}=${c}` };
    }
    return undefined;
}

function k8sEvidence(r: PolicyInputResource, labels: Record<string, Maybe<string>>, config: NoPublicDatabaseConfig): Evidence | undefined {
    const byLabel = labelEvidence(labels);
    if (byLabel) {
        return byLabel;
    }
    for (const c of containersOf(r, { init: false }).list) {
        const ports = items(c.spec.ports);
        const numbers = isUnknown(ports) ? [] : ports.map((p) => asNumber(field(p, "containerPort"))).filter((n): n is number => typeof n === "number");
        const env = items(c.spec.env);
        const names = isUnknown(env) ? [] : env.map((e) => asString(field(e, "name"))).filter((n): n is string => typeof n === "string");
        const e = containerEvidence(asString(c.spec.image), stringList(c.spec.command), stringList(c.spec.args), numbers, names, config);
        if (e) {
            return { kind: e.kind, text: `container "${c.name}" ${e.text}` };
        }
    }
    return undefined;
}

/** The image references a Docker container runs: its `image`, or the RemoteImage/Image it was computed from. */
function dockerImages(c: PolicyInputResource, byUrn: Map<string, PolicyInputResource>, images: PolicyInputResource[]): string[] {
    const out: string[] = [];
    const image = asString(c.props.image);
    const fromImage = (r: PolicyInputResource) => {
        for (const v of [r.props.name, r.props.imageName, r.props.repoDigest]) {
            const s = asString(v);
            if (typeof s === "string") {
                out.push(s);
            }
        }
    };
    if (typeof image === "string") {
        out.push(image);
        for (const r of images) {
            if (r.props.imageId === image || r.props.repoDigest === image || r.props.name === image) {
                fromImage(r);
            }
        }
    }
    const deps = c.propertyDependencies?.image ?? (c.dependencies ?? []);
    for (const urn of deps) {
        const r = byUrn.get(urn);
        if (r && (r.type === T.remoteImage || r.type === T.dockerImage)) {
            fromImage(r);
        }
    }
    return out;
}

function dockerEvidence(c: PolicyInputResource, byUrn: Map<string, PolicyInputResource>, images: PolicyInputResource[], config: NoPublicDatabaseConfig): Evidence | undefined {
    const byLabel = labelEvidence(workloadLabels(c).labels);
    if (byLabel) {
        return byLabel;
    }
    const entrypoint = stringList(c.props.entrypoint);
    const command = stringList(c.props.command);
    const ports = items(c.props.ports);
    const numbers = isUnknown(ports) ? [] : ports.map((p) => asNumber(field(p, "internal"))).filter((n): n is number => typeof n === "number");
    const envs = items(c.props.envs);
    const names = isUnknown(envs) ? [] : envs.map((e) => asString(e)).filter((e): e is string => typeof e === "string").map((e) => e.split("=")[0]);
    for (const image of dockerImages(c, byUrn, images)) {
        const e = containerEvidence(image, entrypoint, command, [], [], config);
        if (e) {
            return e;
        }
    }
    return containerEvidence(undefined, entrypoint, command, numbers, names, config);
}

/** Every object that runs a database or cache, by evidence. */
function findK8sData(resources: PolicyInputResource[], config: NoPublicDatabaseConfig): DataWorkload[] {
    const data: DataWorkload[] = [];
    for (const r of resources) {
        if (!isK8sWorkload(r)) {
            continue;
        }
        const labels = workloadLabels(r).labels;
        const e = k8sEvidence(r, labels, config);
        if (e) {
            data.push({ resource: r, component: e.kind, evidence: e.text, labels: podLabels(r).labels, namespace: namespaceOf(r) });
        }
    }
    return data;
}

interface ServiceTarget {
    target: Tri;
    what: string;
    component?: string;
}

function servicePorts(svc: PolicyInputResource): number[] {
    const ports = items(field(svc.props, "spec", "ports"));
    if (isUnknown(ports)) {
        return [];
    }
    const out: number[] = [];
    for (const p of ports) {
        for (const k of ["port", "targetPort"]) {
            const n = asNumber(field(p, k));
            if (typeof n === "number") {
                out.push(n);
            }
        }
    }
    return out;
}

/** Whether a Service sends traffic to a database or cache, and to which. */
function serviceTarget(svc: PolicyInputResource, data: DataWorkload[], config: NoPublicDatabaseConfig): ServiceTarget {
    const own = labelEvidence(workloadLabels(svc).labels);
    if (own) {
        return { target: true, what: own.text, component: own.kind };
    }
    const selector = field(svc.props, "spec", "selector");
    const sel = stringMap(selector);
    if (!isUnknown(sel)) {
        const c = sel[LABEL.component];
        if (c === "database" || c === "cache") {
            return { target: true, what: `selects ${LABEL.component}=${c}`, component: c };
        }
    }
    const ns = namespaceOf(svc);
    const results: Tri[] = [];
    for (const w of data) {
        if (!sameNamespace(ns, w.namespace)) {
            continue;
        }
        const m = mapSelects(selector, w.labels);
        if (m === true) {
            return { target: true, what: `selects the ${w.component} pods of ${describeResource(w.resource)}, which ${w.evidence}`, component: w.component };
        }
        results.push(m);
    }
    for (const p of servicePorts(svc)) {
        const m = datastorePort(p, config.datastorePorts ?? []);
        if (m) {
            return { target: true, what: `serves port ${p} (${m.product})`, component: m.kind };
        }
    }
    return { target: anyOf(results), what: "may select database or cache pods" };
}

interface DataService {
    resource: PolicyInputResource;
    name: Maybe<string>;
    namespace: Maybe<string>;
    component?: string;
}

function checkKubernetes(resources: PolicyInputResource[], config: NoPublicDatabaseConfig, f: Findings): void {
    const data = findK8sData(resources, config);

    for (const w of data) {
        const spec = podSpec(w.resource);
        const hostNetwork = asBoolean(field(spec, "hostNetwork"));
        const what = `this ${w.component} (it ${w.evidence})`;
        if (hostNetwork === true) {
            f.violation(w.resource, `${what} runs in the host's network namespace (hostNetwork: true), so its port listens on every address of the node`,
                "remove hostNetwork; clients reach the pods through a ClusterIP Service");
        } else if (isUnknown(hostNetwork)) {
            f.undetermined(w.resource, hostNetwork, "whether the pods use the host's network");
        }
        for (const c of containersOf(w.resource, { init: true }).list) {
            const ports = items(c.spec.ports);
            if (isUnknown(ports)) {
                f.undetermined(w.resource, ports, `the ports of container "${c.name}"`);
                continue;
            }
            for (const p of ports) {
                const hostPort = asNumber(field(p, "hostPort"));
                if (isUnknown(hostPort)) {
                    f.undetermined(w.resource, hostPort, `the hostPort of container "${c.name}"`);
                } else if (typeof hostPort === "number" && hostPort > 0) {
                    f.violation(w.resource, `${what} maps container "${c.name}" port ${show(field(p, "containerPort"))} to hostPort ${hostPort}, reachable on every node's address`,
                        "remove hostPort; clients reach the pods through a ClusterIP Service");
                }
            }
        }
    }

    const dataServices: DataService[] = [];
    for (const svc of resources.filter((r) => r.type === T.service)) {
        const { target, what, component } = serviceTarget(svc, data, config);
        if (target === false) {
            continue;
        }
        if (target === true) {
            dataServices.push({ resource: svc, name: metadataName(svc), namespace: namespaceOf(svc), component });
        }
        const type = asString(field(svc.props, "spec", "type"));
        const externalIPs = asArray(field(svc.props, "spec", "externalIPs"));
        const exposures: string[] = [];
        const unknowns: Unknown[] = [];
        if (isUnknown(type)) {
            unknowns.push(type);
        } else if (type === "LoadBalancer" || type === "NodePort") {
            exposures.push(`has type ${type}`);
        }
        if (isUnknown(externalIPs)) {
            unknowns.push(externalIPs);
        } else if (externalIPs !== undefined && externalIPs.length > 0) {
            exposures.push(`lists externalIPs ${show(externalIPs)}`);
        }
        if (exposures.length > 0 && target === true) {
            f.violation(svc,
                `${exposures.join(" and ")} and ${what}, so the ${component ?? "database"} is reachable from outside the cluster`,
                "make the Service type ClusterIP without externalIPs (or headless); clients inside the cluster reach it by name, people use kubectl port-forward");
        } else if (exposures.length > 0 && isUnknown(target)) {
            f.undetermined(svc, target, "whether this exposed Service selects a database or cache");
        } else if (target === true && unknowns.length > 0) {
            f.undetermined(svc, unknowns[0], "whether this database or cache Service is exposed outside the cluster");
        }
    }

    const routeTo = (r: PolicyInputResource, name: Maybe<string>, namespace: Maybe<string>, port: Maybe<number>, via: string) => {
        if (isUnknown(name)) {
            if (dataServices.length > 0) {
                f.undetermined(r, name, `whether a ${via} backend is a database or cache Service`);
            }
            return;
        }
        if (name === undefined) {
            return;
        }
        const hit = dataServices.find((s) => s.name === name && sameNamespace(namespace, s.namespace));
        const byPort = typeof port === "number" ? datastorePort(port, config.datastorePorts ?? []) : undefined;
        if (hit || byPort) {
            const target = hit ? `which serves the ${hit.component ?? "database"} (${describeResource(hit.resource)})` : `on port ${port} (${byPort?.product})`;
            f.violation(r,
                `routes public traffic through ${via} to Service "${name}", ${target}`,
                `remove the backend "${name}" from the ${via}: only the api and web Services may be published`);
        }
    };

    for (const ing of resources.filter((r) => r.type === T.ingress)) {
        const ns = namespaceOf(ing);
        const backends: unknown[] = [field(ing.props, "spec", "defaultBackend", "service")];
        const rules = items(field(ing.props, "spec", "rules"));
        if (isUnknown(rules)) {
            backends.push(rules);
        } else {
            for (const rule of rules) {
                const paths = items(field(rule, "http", "paths"));
                if (isUnknown(paths)) {
                    backends.push(paths);
                    continue;
                }
                for (const p of paths) {
                    backends.push(field(p, "backend", "service"));
                }
            }
        }
        for (const b of backends) {
            routeTo(ing, isUnknown(b) ? b : asString(field(b, "name")), ns, isUnknown(b) ? undefined : asNumber(field(b, "port", "number")), "the Ingress");
        }
    }

    for (const route of resources.filter((r) => isGatewayRoute(r.type))) {
        const ns = namespaceOf(route);
        const kind = route.type.split(":").pop() ?? "route";
        const rules = items(field(route.props, "spec", "rules"));
        if (isUnknown(rules)) {
            f.undetermined(route, rules, "which Services this route publishes");
            continue;
        }
        for (const rule of rules) {
            const refs = items(field(rule, "backendRefs"));
            if (isUnknown(refs)) {
                f.undetermined(route, refs, "which Services this route publishes");
                continue;
            }
            for (const ref of refs) {
                const refKind = asString(field(ref, "kind"));
                if (typeof refKind === "string" && refKind !== "Service") {
                    continue;
                }
                const refNs = asString(field(ref, "namespace"));
                routeTo(route, asString(field(ref, "name")), refNs ?? ns, asNumber(field(ref, "port")), `the ${kind}`);
            }
        }
    }

    if (config.requireNetworkPolicy === false) {
        return;
    }
    const policies = resources.filter((r) => r.type === T.networkPolicy);
    for (const w of data) {
        const clientLabel = DATA_COMPONENTS[w.component];
        const selecting: PolicyInputResource[] = [];
        for (const np of policies) {
            if (!sameNamespace(namespaceOf(np), w.namespace)) {
                continue;
            }
            const selects = labelSelectorSelects(field(np.props, "spec", "podSelector"), w.labels);
            if (isUnknown(selects)) {
                f.undetermined(np, selects, `whether this NetworkPolicy selects the ${w.component} pods of ${describeResource(w.resource)}`);
                continue;
            }
            if (!selects) {
                continue;
            }
            const types = asArray(field(np.props, "spec", "policyTypes"));
            if (isUnknown(types)) {
                f.undetermined(np, types, "which traffic directions this NetworkPolicy restricts");
                continue;
            }
            // Without policyTypes, Kubernetes always treats a NetworkPolicy as an Ingress policy.
            const restrictsIngress = types === undefined || types.length === 0 || types.includes("Ingress");
            if (!restrictsIngress) {
                continue;
            }
            selecting.push(np);
            checkIngressRules(np, w, clientLabel, f);
        }
        if (selecting.length === 0) {
            f.violation(w.resource,
                `no NetworkPolicy restricts ingress to these ${w.component} pods (it ${w.evidence}), so every pod in the cluster can connect`,
                `add a NetworkPolicy in the same namespace whose podSelector matches the ${w.component} pods, with policyTypes ["Ingress"] and one ingress rule from podSelector {matchLabels: {"${clientLabel}": "true"}}, and label each client pod with ${clientLabel}: "true"`);
        }
    }
}

function checkIngressRules(np: PolicyInputResource, w: DataWorkload, clientLabel: string, f: Findings): void {
    const target = `the ${w.component} pods of ${describeResource(w.resource)}`;
    const fix = `let every ingress rule admit only podSelector {matchLabels: {"${clientLabel}": "true"}} (optionally with a namespaceSelector)`;
    const rules = items(field(np.props, "spec", "ingress"));
    if (isUnknown(rules)) {
        f.undetermined(np, rules, `which sources this NetworkPolicy admits to ${target}`);
        return;
    }
    rules.forEach((rule, i) => {
        const from = asArray(field(rule, "from"));
        if (isUnknown(from)) {
            f.undetermined(np, from, `which sources ingress rule ${i} admits to ${target}`);
            return;
        }
        if (from === undefined || from.length === 0) {
            f.violation(np, `ingress rule ${i} has no "from", which admits every source to ${target}`, fix);
            return;
        }
        from.forEach((peer, j) => {
            if (field(peer, "ipBlock") !== undefined) {
                f.violation(np, `ingress rule ${i} peer ${j} admits an ipBlock to ${target}`, fix);
                return;
            }
            const podSelector = field(peer, "podSelector");
            if (podSelector === undefined) {
                f.violation(np, `ingress rule ${i} peer ${j} admits whole namespaces (no podSelector) to ${target}`, fix);
                return;
            }
            const ok = requiresLabel(podSelector, clientLabel);
            if (isUnknown(ok)) {
                f.undetermined(np, ok, `whether ingress rule ${i} admits only declared clients`);
            } else if (!ok) {
                f.violation(np, `ingress rule ${i} peer ${j} admits pods that are not labelled ${clientLabel}="true" to ${target}`, fix);
            }
        });
    });
}

function checkDocker(resources: PolicyInputResource[], config: NoPublicDatabaseConfig, f: Findings): void {
    const allowLoopback = config.allowLoopbackPorts === true;
    const requireInternal = config.requireInternalNetworks !== false;
    const networks = resources.filter((r) => r.type === T.network);
    const images = resources.filter((r) => r.type === T.remoteImage || r.type === T.dockerImage);
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    for (const c of resources.filter((r) => r.type === T.container)) {
        const evidence = dockerEvidence(c, byUrn, images, config);
        if (!evidence) {
            continue;
        }
        const component = evidence.kind;
        const what = evidence.text.startsWith("is labelled") ? `this ${component} container` : `this ${component} container (it ${evidence.text})`;
        const mode = asString(c.props.networkMode);
        if (mode === "host") {
            f.violation(c, `${what} uses networkMode "host", so its port listens on every address of the host`,
                "remove networkMode \"host\" and attach the container to the stack's internal network");
        } else if (typeof mode === "string" && mode.startsWith("container:")) {
            f.violation(c, `${what} shares the network namespace of another container (networkMode "${mode}"), so it is reachable wherever that container is`,
                "remove networkMode and attach the container to the stack's internal network");
        }
        const publishAll = asBoolean(c.props.publishAllPorts);
        if (publishAll === true) {
            f.violation(c, `${what} sets publishAllPorts, which publishes every exposed port on all host addresses`,
                "remove publishAllPorts; clients reach the container over the internal network");
        } else if (isUnknown(publishAll)) {
            f.undetermined(c, publishAll, "publishAllPorts");
        }
        const ports = items(c.props.ports);
        if (isUnknown(ports)) {
            f.undetermined(c, ports, `the published ports of ${what}`);
        } else {
            for (const p of ports) {
                const internal = asNumber(field(p, "internal"));
                const external = asNumber(field(p, "external"));
                const ip = asString(field(p, "ip"));
                const port = `container port ${isUnknown(internal) || internal === undefined ? "?" : internal}`;
                const host = external === undefined ? "a random host port" : isUnknown(external) ? "a host port" : `host port ${external}`;
                if (isUnknown(ip)) {
                    f.undetermined(c, ip, `the host address ${port} is published on`);
                    continue;
                }
                const addr = ip ?? "";
                if (PUBLIC_IPS.has(addr)) {
                    f.violation(c, `${what} publishes ${port} on ${host} of every host address (ip ${addr === "" ? "not set, so 0.0.0.0" : addr}), reachable from other machines`,
                        allowLoopback
                            ? "remove the port, or in the local environment bind it to loopback with ip \"127.0.0.1\""
                            : "remove the port: clients reach the container over the internal network");
                } else if (isLoopback(addr)) {
                    if (!allowLoopback) {
                        f.violation(c, `${what} publishes ${port} on ${addr}; outside the local environment a database or cache publishes no port`,
                            "remove the port (use docker exec, or a tunnel through an authorised client, to inspect it)");
                    }
                } else {
                    f.violation(c, `${what} publishes ${port} on host address ${addr}, reachable from that network`,
                        allowLoopback ? "remove the port, or bind it to 127.0.0.1 in the local environment" : "remove the port");
                }
            }
        }
        if (requireInternal) {
            checkDockerNetworks(c, what, networks, f);
        }
    }
}

/**
 * A Network without a `name` input is auto-named by Pulumi as
 * `<resource name>-<7 characters>`; inputs-only resource lists (mocks) see the
 * container refer to that name before the Network's props carry it.
 */
function isAutoNameOf(net: PolicyInputResource, name: string): boolean {
    return net.props.name === undefined && name.startsWith(`${net.name}-`) && name.length === net.name.length + 8;
}

function checkDockerNetworks(c: PolicyInputResource, what: string, networks: PolicyInputResource[], f: Findings): void {
    const fix = "attach the container only to a docker.Network of this stack with internal: true, and attach its clients to that network too";
    const attached = items(c.props.networksAdvanced);
    if (isUnknown(attached)) {
        f.undetermined(c, attached, `the networks ${what} is attached to`);
        return;
    }
    if (attached.length === 0) {
        const mode = asString(c.props.networkMode);
        if (isUnknown(mode)) {
            f.undetermined(c, mode, `the network ${what} is attached to`);
        } else if (mode !== "none") {
            f.violation(c, `${what} is attached to the ${mode ?? "default bridge"} network, which is not internal`, fix);
        }
        return;
    }
    // In a preview a new network's name is unknown; the networks it was computed from are not.
    const depNets = (c.propertyDependencies?.networksAdvanced ?? []).map((u) => networks.find((n) => n.urn === u)).filter((n): n is PolicyInputResource => n !== undefined);
    let judgedByDependencies = false;
    for (const n of attached) {
        const name = asString(field(n, "name"));
        if (isUnknown(name)) {
            if (depNets.length === 0) {
                f.undetermined(c, name, `which network ${what} is attached to`);
            } else if (!judgedByDependencies) {
                judgedByDependencies = true;
                for (const net of depNets) {
                    const internal = asBoolean(net.props.internal);
                    if (isUnknown(internal)) {
                        f.undetermined(c, internal, `whether ${describeResource(net)} is internal`);
                    } else if (internal !== true) {
                        f.violation(c, `${what} is attached to ${describeResource(net)}, which is not internal, so the container can be reached from outside the stack`, fix);
                    }
                }
            }
            continue;
        }
        if (name === undefined) {
            continue;
        }
        const net = networks.find((x) => x.props.name === name || x.props.id === name || x.name === name || isAutoNameOf(x, name));
        if (!net) {
            f.violation(c, `${what} is attached to network "${name}", which this stack does not declare as internal`, fix);
            continue;
        }
        const internal = asBoolean(net.props.internal);
        if (isUnknown(internal)) {
            f.undetermined(c, internal, `whether network "${name}" is internal`);
        } else if (internal !== true) {
            f.violation(c, `${what} is attached to ${describeResource(net)}, which is not internal, so the container can be reached from outside the stack`, fix);
        }
    }
}

/**
 * A database or cache is never reachable from outside: no exposed Service or
 * Ingress leads to it, no Docker port is published (loopback only where
 * allowed), Docker containers sit on internal networks, and a NetworkPolicy
 * admits only declared clients.
 */
export function checkNoPublicDatabase(resources: PolicyInputResource[], config: NoPublicDatabaseConfig, _ctx?: CheckContext): Finding[] {
    const f = new Findings();
    checkKubernetes(resources, config, f);
    checkDocker(resources, config, f);
    return f.list;
}

export const noPublicDatabase: StackValidationPolicy = stackPolicy<NoPublicDatabaseConfig>({
    name: "no-public-database",
    description: "Databases and caches hold every user's data and accept password logins: one reachable from outside is one leaked or guessed password away from a breach. They are recognised by image, port, server settings and labels, on every kind of workload, and must be private on every path (Services, Ingress and Gateway routes, host network and ports, Docker ports and networks) and admit only declared clients.",
    severity: "critical",
    config: {
        allowLoopbackPorts: { type: "boolean", default: false, description: "Allow database/cache containers to publish ports on loopback addresses (local environment only)." },
        requireInternalNetworks: { type: "boolean", default: true, description: "Docker: database/cache containers attach only to internal networks." },
        requireNetworkPolicy: { type: "boolean", default: true, description: "Kubernetes: a NetworkPolicy must select each database/cache and admit only declared clients." },
        datastoreImages: { type: "array", items: { type: "string" }, description: "More datastore images: globs over the repository path without registry and tag (acme/pg-*), =cache appended for a cache." },
        datastorePorts: { type: "array", items: { type: "integer", minimum: 1, maximum: 65535 }, description: "More ports that identify a database." },
    },
    check: checkNoPublicDatabase,
});
