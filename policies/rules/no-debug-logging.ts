import { ResourceValidationPolicy } from "@pulumi/policy";
import { CheckContext, Finding, Findings, PolicyInputResource } from "../lib/findings";
import { CommonConfig, resourcePolicy } from "../lib/policy";
import { namedValues } from "../lib/resources";
import { K8S_WORKLOADS, T } from "../lib/types";
import { isUnknown } from "../lib/unknown";

export interface NoDebugLoggingConfig extends CommonConfig {
    /** Log levels refused. @default ["debug", "trace"] */
    forbiddenLevels?: string[];
    /** Variable name suffix of log levels. @default "LOG_LEVEL" */
    nameSuffix?: string;
}

/** Log levels (env or ConfigMap keys ending in LOG_LEVEL) are not debug or trace. */
export function checkNoDebugLogging(r: PolicyInputResource, config: NoDebugLoggingConfig, _ctx?: CheckContext): Finding[] {
    const f = new Findings();
    const suffix = (config.nameSuffix ?? "LOG_LEVEL").toUpperCase();
    const forbidden = (config.forbiddenLevels ?? ["debug", "trace"]).map((l) => l.toLowerCase());
    for (const v of namedValues(r).values) {
        if (typeof v.name !== "string" || !v.name.toUpperCase().endsWith(suffix)) {
            continue;
        }
        if (isUnknown(v.value)) {
            f.undetermined(r, v.value, `the log level in ${v.where}`);
            continue;
        }
        if (v.value !== undefined && forbidden.includes(v.value.trim().toLowerCase())) {
            f.violation(r, `${v.where} is "${v.value}": debug logs carry request bodies, queries and tokens, and flood the log pipeline`,
                `set ${v.name} to "info" (or "warn"); turn debug on briefly in a non-production stack instead`);
        }
    }
    return f.list;
}

export const noDebugLogging: ResourceValidationPolicy = resourcePolicy<NoDebugLoggingConfig>({
    name: "no-debug-logging",
    description: "Debug and trace logging write personal data, SQL and credentials into logs that many people can read, and cost money at production volume.",
    severity: "medium",
    types: [...K8S_WORKLOADS, T.container, T.configMap],
    config: {
        forbiddenLevels: { type: "array", items: { type: "string" }, default: ["debug", "trace"], description: "Log levels refused." },
        nameSuffix: { type: "string", default: "LOG_LEVEL", description: "Variable name suffix of log levels." },
    },
    check: checkNoDebugLogging,
});
