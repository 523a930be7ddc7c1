import { ResourceValidationPolicy } from "@pulumi/policy";
import { CheckContext, Finding, Findings, PolicyInputResource } from "../lib/findings";
import { CommonConfig, resourcePolicy } from "../lib/policy";
import { containersOf } from "../lib/resources";
import { K8S_WORKLOADS, T } from "../lib/types";
import { isUnknown } from "../lib/unknown";
import { asNumber, asString, field } from "../lib/values";

export interface ResourceLimitsConfig extends CommonConfig {
    /** Require a CPU limit besides the CPU request. @default true */
    requireCpuLimit?: boolean;
}

function isSet(v: unknown): boolean {
    if (typeof v === "number") {
        return v > 0;
    }
    return typeof v === "string" && v.trim() !== "" && v.trim() !== "0";
}

/**
 * Every container declares what it needs and may use: Kubernetes requests
 * (cpu, memory) and limits (memory, and cpu unless relaxed) on every
 * container and init container; Docker `memory` and `cpus` (or cpuQuota).
 */
export function checkResourceLimits(r: PolicyInputResource, config: ResourceLimitsConfig, _ctx?: CheckContext): Finding[] {
    const f = new Findings();
    const requireCpuLimit = config.requireCpuLimit !== false;
    if (r.type === T.container) {
        const missing: string[] = [];
        const memory = asNumber(r.props.memory);
        if (isUnknown(memory)) {
            f.undetermined(r, memory, "the memory limit");
        } else if (!isSet(memory)) {
            missing.push("memory (MB)");
        }
        if (requireCpuLimit) {
            const cpus = asString(r.props.cpus);
            const quota = asNumber(r.props.cpuQuota);
            const pending = isUnknown(cpus) ? cpus : isUnknown(quota) ? quota : undefined;
            if (pending) {
                f.undetermined(r, pending, "the CPU limit");
            } else if (!isSet(cpus) && !isSet(quota)) {
                missing.push("cpus");
            }
        }
        if (missing.length > 0) {
            f.violation(r, `has no ${missing.join(" and ")} limit, so one runaway container can starve every other container on the host`,
                `set ${missing.join(" and ")} (e.g. memory: 512, cpus: "1")`);
        }
        return f.list;
    }
    const containers = containersOf(r, { init: true });
    if (containers.unknown) {
        f.undetermined(r, containers.unknown, "the resources of its containers");
    }
    const wanted: [string, string][] = [["requests", "cpu"], ["requests", "memory"], ["limits", "memory"]];
    if (requireCpuLimit) {
        wanted.push(["limits", "cpu"]);
    }
    for (const c of containers.list) {
        const missing: string[] = [];
        for (const [kind, res] of wanted) {
            const v = field(c.spec, "resources", kind, res);
            if (isUnknown(v)) {
                f.undetermined(r, v, `resources.${kind}.${res} of container "${c.name}"`);
            } else if (!isSet(v)) {
                missing.push(`${kind}.${res}`);
            }
        }
        if (missing.length > 0) {
            f.violation(r, `${c.init ? "init container" : "container"} "${c.name}" has no resources.${missing.join(", resources.")}: the scheduler cannot place it reliably and nothing bounds what it may take from its node`,
                `set resources.requests {cpu, memory} and resources.limits {${requireCpuLimit ? "cpu, " : ""}memory} on the container`);
        }
    }
    return f.list;
}

export const resourceLimits: ResourceValidationPolicy = resourcePolicy<ResourceLimitsConfig>({
    name: "resource-limits",
    description: "Containers without requests are scheduled blindly and evicted first; containers without limits can exhaust a node's memory or CPU and take their neighbours down.",
    severity: "medium",
    types: [...K8S_WORKLOADS, T.container],
    config: {
        requireCpuLimit: { type: "boolean", default: true, description: "Require a CPU limit (Kubernetes limits.cpu, Docker cpus)." },
    },
    check: checkResourceLimits,
});
