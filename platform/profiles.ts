/**
 * Per-cloud differences for Kubernetes, kept small and named. Everything else
 * is the same on every conformant cluster.
 */
import { CloudProfileName } from "../config";

export interface CloudProfile {
    /** undefined: the cluster's default StorageClass. */
    storageClass?: string;
    ingressClass: string;
    ingressAnnotations: Record<string, string>;
}

export const PROFILES: Record<CloudProfileName, CloudProfile> = {
    generic: { ingressClass: "nginx", ingressAnnotations: {} },
    aws: {
        storageClass: "gp3",
        ingressClass: "alb",
        ingressAnnotations: {
            "alb.ingress.kubernetes.io/scheme": "internet-facing",
            "alb.ingress.kubernetes.io/target-type": "ip",
            "alb.ingress.kubernetes.io/ssl-redirect": "443",
        },
    },
    gcp: {
        storageClass: "standard-rwo",
        ingressClass: "gce",
        ingressAnnotations: { "kubernetes.io/ingress.allow-http": "false" },
    },
    azure: {
        storageClass: "managed-csi",
        ingressClass: "webapprouting.kubernetes.azure.com",
        ingressAnnotations: {},
    },
};

/** The profile with the stack's overrides applied. */
export function resolveProfile(name: CloudProfileName, overrides: { ingressClass: string; storageClass: string }): CloudProfile {
    const base = PROFILES[name];
    return {
        ...base,
        ingressClass: overrides.ingressClass || base.ingressClass,
        storageClass: overrides.storageClass || base.storageClass,
    };
}
