import { ResourceValidationPolicy } from "@pulumi/policy";
import { CheckContext, Finding, Findings, PolicyInputResource } from "../lib/findings";
import { CommonConfig, resourcePolicy } from "../lib/policy";
import { namedValues } from "../lib/resources";
import { K8S_WORKLOADS, T } from "../lib/types";
import { isUnknown } from "../lib/unknown";

export interface CorsAllowlistConfig extends CommonConfig {
    /** Allow `https://*.example.com` style entries. @default false */
    allowSubdomainWildcards?: boolean;
    /** Variable name suffix of CORS allowlists. @default "CORS_ORIGINS" */
    nameSuffix?: string;
}

/** CORS allowlists (env or ConfigMap keys ending in CORS_ORIGINS) name origins: no "*", no "null". */
export function checkCorsAllowlist(r: PolicyInputResource, config: CorsAllowlistConfig, _ctx?: CheckContext): Finding[] {
    const f = new Findings();
    const suffix = (config.nameSuffix ?? "CORS_ORIGINS").toUpperCase();
    const { values } = namedValues(r);
    for (const v of values) {
        if (typeof v.name !== "string" || !v.name.toUpperCase().endsWith(suffix)) {
            continue;
        }
        if (isUnknown(v.value)) {
            f.undetermined(r, v.value, `the CORS allowlist in ${v.where}`);
            continue;
        }
        if (v.value === undefined) {
            continue;
        }
        const origins = v.value.split(/[,\s]+/).map((o) => o.trim()).filter((o) => o !== "");
        const bad = origins.filter((o) => o === "*" || o.toLowerCase() === "null" || (o.includes("*") && config.allowSubdomainWildcards !== true));
        if (bad.length > 0) {
            f.violation(r, `${v.where} allows the origin${bad.length > 1 ? "s" : ""} ${bad.map((o) => `"${o}"`).join(", ")}, so any web page can call the API with a visitor's browser`,
                `list the exact origins that serve the front end (e.g. "https://app.example.com") in ${v.name}`);
        }
    }
    return f.list;
}

export const corsAllowlist: ResourceValidationPolicy = resourcePolicy<CorsAllowlistConfig>({
    name: "cors-allowlist",
    description: "A wildcard CORS policy lets any website read API responses on behalf of a signed-in visitor. Production lists the exact front-end origins.",
    severity: "high",
    types: [...K8S_WORKLOADS, T.container, T.configMap],
    config: {
        allowSubdomainWildcards: { type: "boolean", default: false, description: "Allow https://*.example.com entries." },
        nameSuffix: { type: "string", default: "CORS_ORIGINS", description: "Variable name suffix of CORS allowlists." },
    },
    check: checkCorsAllowlist,
});
