import { ResourceValidationPolicy } from "@pulumi/policy";
import { CheckContext, Finding, Findings, PolicyInputResource } from "../lib/findings";
import { CommonConfig, resourcePolicy } from "../lib/policy";
import { T } from "../lib/types";
import { isUnknown } from "../lib/unknown";
import { asArray, asString, field, items } from "../lib/values";

export interface IngressTlsConfig extends CommonConfig {
    /** Ingress classes that are not reachable from the internet (no TLS required). @default [] */
    internalIngressClasses?: string[];
}

/** Whether a TLS host entry (possibly `*.example.com`) covers a rule host. */
export function tlsCovers(tlsHost: string, host: string): boolean {
    const t = tlsHost.toLowerCase();
    const h = host.toLowerCase();
    if (t === h) {
        return true;
    }
    if (t.startsWith("*.")) {
        const suffix = t.slice(1);
        return h.endsWith(suffix) && !h.slice(0, h.length - suffix.length).includes(".");
    }
    return false;
}

/** Every host an Ingress serves is covered by its spec.tls. */
export function checkIngressTls(r: PolicyInputResource, config: IngressTlsConfig, _ctx?: CheckContext): Finding[] {
    const f = new Findings();
    const className = asString(field(r.props, "spec", "ingressClassName"));
    const annotationClass = asString(field(r.props, "metadata", "annotations", "kubernetes.io/ingress.class"));
    const internal = config.internalIngressClasses ?? [];
    for (const c of [className, annotationClass]) {
        if (typeof c === "string" && internal.includes(c)) {
            return f.list;
        }
    }
    const tls = items(field(r.props, "spec", "tls"));
    if (isUnknown(tls)) {
        f.undetermined(r, tls, "spec.tls");
        return f.list;
    }
    const rules = items(field(r.props, "spec", "rules"));
    if (isUnknown(rules)) {
        f.undetermined(r, rules, "the hosts of spec.rules");
        return f.list;
    }
    const tlsHosts: string[] = [];
    let tlsWithoutHosts = false;
    for (const t of tls) {
        const hosts = asArray(field(t, "hosts"));
        if (isUnknown(hosts)) {
            f.undetermined(r, hosts, "spec.tls hosts");
            return f.list;
        }
        if (hosts === undefined || hosts.length === 0) {
            tlsWithoutHosts = true;
        }
        for (const h of hosts ?? []) {
            const s = asString(h);
            if (isUnknown(s)) {
                f.undetermined(r, s, "a spec.tls host");
                return f.list;
            }
            if (s !== undefined) {
                tlsHosts.push(s);
            }
        }
    }
    if (tls.length === 0) {
        f.violation(r, "serves public traffic without TLS (no spec.tls), so credentials and session tokens cross the internet in clear text",
            "add spec.tls with every rule host and a certificate secret (e.g. cert-manager's cluster-issuer annotation and secretName \"<name>-tls\")");
        return f.list;
    }
    const uncovered: string[] = [];
    let hostless = false;
    for (const rule of rules) {
        const host = asString(field(rule, "host"));
        if (isUnknown(host)) {
            f.undetermined(r, host, "a rule host");
            continue;
        }
        if (host === undefined || host === "") {
            if (!tlsWithoutHosts) {
                hostless = true;
            }
            continue;
        }
        if (!tlsHosts.some((t) => tlsCovers(t, host))) {
            uncovered.push(host);
        }
    }
    if (uncovered.length > 0) {
        f.violation(r, `serves host${uncovered.length > 1 ? "s" : ""} ${uncovered.map((h) => `"${h}"`).join(", ")} without TLS: no spec.tls entry lists ${uncovered.length > 1 ? "them" : "it"}`,
            `add ${uncovered.map((h) => `"${h}"`).join(", ")} to spec.tls[].hosts with a certificate secret`);
    }
    if (hostless) {
        f.violation(r, "has a rule without a host, which no spec.tls certificate names", "give every rule a host and list it in spec.tls[].hosts");
    }
    return f.list;
}

export const ingressTls: ResourceValidationPolicy = resourcePolicy<IngressTlsConfig>({
    name: "ingress-tls",
    description: "Traffic to a public Ingress crosses networks nobody controls; without TLS, passwords, tokens and personal data can be read and changed on the way. Every host of a public Ingress is covered by spec.tls.",
    severity: "high",
    types: [T.ingress],
    config: {
        internalIngressClasses: { type: "array", items: { type: "string" }, default: [], description: "Ingress classes that are reachable only inside the private network." },
    },
    check: checkIngressTls,
});
