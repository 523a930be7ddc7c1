import { StackValidationPolicy } from "@pulumi/policy";
import { CheckContext, Finding, Findings, PolicyInputResource, describeResource } from "../lib/findings";
import { CommonConfig, stackPolicy } from "../lib/policy";
import { componentOf, metadataName, namespaceOf, podLabels, sameNamespace, workloadLabels } from "../lib/resources";
import { Tri, anyOf, labelSelectorSelects, mapSelects, requiresLabel } from "../lib/selectors";
import { K8S_WORKLOADS, LABEL, T } from "../lib/types";
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
}

export const DATA_COMPONENTS: Record<string, string> = {
    database: LABEL.dbClient,
    cache: LABEL.cacheClient,
};

const PUBLIC_IPS = new Set(["", "0.0.0.0", "::", "[::]"]);

function isLoopback(ip: string): boolean {
    return /^127\.\d+\.\d+\.\d+$/.test(ip) || ip === "::1" || ip === "[::1]" || ip === "localhost";
}

interface DataWorkload {
    resource: PolicyInputResource;
    component: string;
    labels: Record<string, Maybe<string>>;
    namespace: Maybe<string>;
}

/** Whether a Service sends traffic to a database or cache, and to which. */
function serviceTarget(svc: PolicyInputResource, data: DataWorkload[]): { target: Tri; what: string; component?: string } {
    const own = componentOf(svc);
    if (typeof own === "string" && own in DATA_COMPONENTS) {
        return { target: true, what: `is labelled ${LABEL.component}=${own}`, component: own };
    }
    const selector = field(svc.props, "spec", "selector");
    const sel = stringMap(selector);
    if (!isUnknown(sel)) {
        const c = sel[LABEL.component];
        if (typeof c === "string" && c in DATA_COMPONENTS) {
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
            return { target: true, what: `selects the ${w.component} pods of ${describeResource(w.resource)}`, component: w.component };
        }
        results.push(m);
    }
    return { target: anyOf(results), what: "may select database or cache pods" };
}

function checkKubernetes(resources: PolicyInputResource[], config: NoPublicDatabaseConfig, f: Findings): void {
    const data: DataWorkload[] = [];
    for (const r of resources) {
        if (!K8S_WORKLOADS.includes(r.type)) {
            continue;
        }
        const component = componentOf(r);
        if (typeof component === "string" && component in DATA_COMPONENTS) {
            data.push({ resource: r, component, labels: podLabels(r).labels, namespace: namespaceOf(r) });
        }
    }

    const dataServices: { resource: PolicyInputResource; name: Maybe<string>; namespace: Maybe<string>; component?: string }[] = [];
    for (const svc of resources.filter((r) => r.type === T.service)) {
        const { target, what, component } = serviceTarget(svc, data);
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

    for (const ing of resources.filter((r) => r.type === T.ingress)) {
        const backends: unknown[] = [field(ing.props, "spec", "defaultBackend", "service", "name")];
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
                    backends.push(field(p, "backend", "service", "name"));
                }
            }
        }
        const ns = namespaceOf(ing);
        for (const b of backends) {
            const name = asString(b);
            if (name === undefined) {
                continue;
            }
            if (isUnknown(name)) {
                if (dataServices.length > 0) {
                    f.undetermined(ing, name, "whether an Ingress backend is a database or cache Service");
                }
                continue;
            }
            const hit = dataServices.find((s) => s.name === name && sameNamespace(ns, s.namespace));
            if (hit) {
                f.violation(ing,
                    `routes public traffic to Service "${name}", which serves the ${hit.component ?? "database"} (${describeResource(hit.resource)})`,
                    `remove the backend "${name}" from the Ingress: only the api and web Services may be published`);
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
                `no NetworkPolicy restricts ingress to these ${w.component} pods, so every pod in the cluster can connect`,
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
    for (const c of resources.filter((r) => r.type === T.container)) {
        const component = workloadLabels(c).labels[LABEL.component];
        if (typeof component !== "string" || !(component in DATA_COMPONENTS)) {
            continue;
        }
        const what = `this ${component} container`;
        const mode = asString(c.props.networkMode);
        if (mode === "host") {
            f.violation(c, `${what} uses networkMode "host", so its port listens on every address of the host`,
                "remove networkMode \"host\" and attach the container to the stack's internal network");
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
    for (const n of attached) {
        const name = asString(field(n, "name"));
        if (isUnknown(name)) {
            f.undetermined(c, name, `which network ${what} is attached to`);
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
    description: "Databases and caches hold every user's data and accept password logins: one reachable from outside is one leaked or guessed password away from a breach. They must be private by construction and admit only declared clients.",
    severity: "critical",
    config: {
        allowLoopbackPorts: { type: "boolean", default: false, description: "Allow database/cache containers to publish ports on loopback addresses (local environment only)." },
        requireInternalNetworks: { type: "boolean", default: true, description: "Docker: database/cache containers attach only to internal networks." },
        requireNetworkPolicy: { type: "boolean", default: true, description: "Kubernetes: a NetworkPolicy must select each database/cache and admit only declared clients." },
    },
    check: checkNoPublicDatabase,
});
