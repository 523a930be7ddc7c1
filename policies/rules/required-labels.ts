import { ResourceValidationPolicy } from "@pulumi/policy";
import { CheckContext, Finding, Findings, PolicyInputResource } from "../lib/findings";
import { CommonConfig, resourcePolicy } from "../lib/policy";
import { isK8sWorkload, objectLabels, podLabels } from "../lib/resources";
import { ENVIRONMENTS, K8S_WORKLOADS, LABEL, T } from "../lib/types";
import { isUnknown } from "../lib/unknown";
import { isNonEmptyString } from "../lib/values";

export interface RequiredLabelsConfig extends CommonConfig {
    /** Environment of the stack; the webstack.dev/environment label must equal it. */
    environment?: string;
    /** Labels every object carries. @default name, instance, component, part-of, managed-by, webstack.dev/environment */
    labels?: string[];
    /** Labels every pod template carries (they identify pods to Services, NetworkPolicies and budgets). @default name, component */
    podLabels?: string[];
    /** Expected app.kubernetes.io/part-of. @default "webstack" */
    partOf?: string;
}

export const DEFAULT_REQUIRED_LABELS: readonly string[] = [LABEL.name, LABEL.instance, LABEL.component, LABEL.partOf, LABEL.managedBy, LABEL.environment];

/** Every object carries the standard labels the other policies and tools rely on, with the right environment. */
export function checkRequiredLabels(r: PolicyInputResource, config: RequiredLabelsConfig, _ctx?: CheckContext): Finding[] {
    const f = new Findings();
    const own = objectLabels(r);
    if (own.unknown) {
        f.undetermined(r, own.unknown, "its labels");
        return f.list;
    }
    const required = config.labels ?? DEFAULT_REQUIRED_LABELS;
    const missing = required.filter((l) => !isUnknown(own.labels[l]) && !isNonEmptyString(own.labels[l]));
    const where = r.type.startsWith("docker:") ? "labels" : "metadata.labels";
    if (missing.length > 0) {
        f.violation(r, `has no ${missing.join(", ")} label${missing.length > 1 ? "s" : ""}; policies and operators identify a database, its clients and its environment by them`,
            `set ${where} from the standard label set (platform/labels.ts): ${missing.join(", ")}`);
    }
    const env = own.labels[LABEL.environment];
    if (isNonEmptyString(config.environment) && typeof env === "string" && env !== "" && env !== config.environment) {
        f.violation(r, `is labelled ${LABEL.environment}="${env}" but is deployed in environment "${config.environment}"`,
            `label it ${LABEL.environment}="${config.environment}" (the stack's environment setting)`);
    }
    const partOf = own.labels[LABEL.partOf];
    const expectedPartOf = config.partOf ?? "webstack";
    if (typeof partOf === "string" && partOf !== "" && partOf !== expectedPartOf) {
        f.violation(r, `is labelled ${LABEL.partOf}="${partOf}", not "${expectedPartOf}"`, `label it ${LABEL.partOf}="${expectedPartOf}"`);
    }
    if (isK8sWorkload(r)) {
        const pod = podLabels(r);
        if (pod.unknown) {
            f.undetermined(r, pod.unknown, "its pod template labels");
        } else {
            const podMissing = (config.podLabels ?? [LABEL.name, LABEL.component]).filter((l) => !isUnknown(pod.labels[l]) && !isNonEmptyString(pod.labels[l]));
            if (podMissing.length > 0) {
                f.violation(r, `its pod template has no ${podMissing.join(", ")} label${podMissing.length > 1 ? "s" : ""}, so NetworkPolicies and budgets cannot tell what its pods are`,
                    `set ${podMissing.join(", ")} in the pod template's metadata.labels`);
            }
        }
    }
    return f.list;
}

export const requiredLabels: ResourceValidationPolicy = resourcePolicy<RequiredLabelsConfig>({
    name: "required-labels",
    description: "The database, cache and credential policies, NetworkPolicies and operators find a resource's service, role and environment through its labels; an unlabelled database is invisible to them.",
    severity: "medium",
    types: [...K8S_WORKLOADS, T.service, T.ingress, T.networkPolicy, T.secret, T.configMap, T.pdb, T.hpa, T.container, T.network, T.volume],
    config: {
        environment: { type: "string", enum: [...ENVIRONMENTS], description: "Environment of the stack; the webstack.dev/environment label must equal it." },
        labels: { type: "array", items: { type: "string" }, description: "Labels every object carries." },
        podLabels: { type: "array", items: { type: "string" }, description: "Labels every pod template carries." },
        partOf: { type: "string", default: "webstack", description: "Expected app.kubernetes.io/part-of." },
    },
    check: checkRequiredLabels,
});
