import { StackValidationPolicy } from "@pulumi/policy";
import { CheckContext, Finding, Findings, PolicyInputResource, describeResource } from "../lib/findings";
import { CommonConfig, stackPolicy } from "../lib/policy";
import { componentOf, metadataName, namespaceOf, podLabels, sameNamespace } from "../lib/resources";
import { labelSelectorSelects } from "../lib/selectors";
import { T } from "../lib/types";
import { isUnknown } from "../lib/unknown";
import { asNumber, asString, field } from "../lib/values";

export interface ReplicasAndDisruptionBudgetsConfig extends CommonConfig {
    /** Fewest replicas of a Deployment (or its autoscaler's minReplicas). @default 2 */
    minReplicas?: number;
    /**
     * Components that must run exactly one replica (a scheduler that would
     * enqueue jobs twice). They need neither replicas nor a budget.
     * @default ["scheduler"]
     */
    singletonComponents?: string[];
}

/**
 * Every Deployment survives the loss of a pod and a voluntary disruption
 * (node drain): at least minReplicas replicas (or an autoscaler with that
 * minimum), and a PodDisruptionBudget that selects its pods and still lets a
 * drain proceed.
 */
export function checkReplicasAndDisruptionBudgets(resources: PolicyInputResource[], config: ReplicasAndDisruptionBudgetsConfig, _ctx?: CheckContext): Finding[] {
    const f = new Findings();
    const minReplicas = typeof config.minReplicas === "number" && config.minReplicas > 0 ? config.minReplicas : 2;
    const singletons = config.singletonComponents ?? ["scheduler"];
    const hpas = resources.filter((r) => r.type === T.hpa);
    const pdbs = resources.filter((r) => r.type === T.pdb);
    for (const d of resources.filter((r) => r.type === T.deployment)) {
        const component = componentOf(d);
        if (typeof component === "string" && singletons.includes(component)) {
            continue;
        }
        const ns = namespaceOf(d);
        const name = metadataName(d);
        let replicas = asNumber(field(d.props, "spec", "replicas"));
        let source = "spec.replicas";
        const hpa = hpas.find((h) => {
            const kind = asString(field(h.props, "spec", "scaleTargetRef", "kind"));
            const target = asString(field(h.props, "spec", "scaleTargetRef", "name"));
            return kind === "Deployment" && typeof target === "string" && target === name && sameNamespace(namespaceOf(h), ns);
        });
        const pendingHpa = hpa ? undefined : hpas.map((h) => asString(field(h.props, "spec", "scaleTargetRef", "name"))).find(isUnknown);
        if (pendingHpa) {
            // An autoscaler whose target is not known yet may be this Deployment's.
            replicas = pendingHpa;
        } else if (hpa) {
            const min = asNumber(field(hpa.props, "spec", "minReplicas"));
            replicas = min === undefined ? 1 : min;
            source = `minReplicas of ${describeResource(hpa)}`;
        }
        if (isUnknown(replicas)) {
            f.undetermined(d, replicas, "the replica count");
        } else {
            const count = replicas ?? 1;
            if (count < minReplicas) {
                f.violation(d, `runs ${count} replica${count === 1 ? "" : "s"} (${replicas === undefined ? "spec.replicas not set" : source}); one failed pod or node drain takes the service down`,
                    `set ${hpa ? `the autoscaler's minReplicas` : "spec.replicas"} to at least ${minReplicas}`);
            }
        }
        const labels = podLabels(d).labels;
        const matching: PolicyInputResource[] = [];
        let pending = false;
        for (const p of pdbs) {
            if (!sameNamespace(namespaceOf(p), ns)) {
                continue;
            }
            const sel = field(p.props, "spec", "selector");
            const m = sel === undefined ? false : labelSelectorSelects(sel, labels);
            if (isUnknown(m)) {
                f.undetermined(d, m, `whether ${describeResource(p)} selects its pods`);
                pending = true;
            } else if (m) {
                matching.push(p);
            }
        }
        if (matching.length === 0 && !pending) {
            f.violation(d, "has no PodDisruptionBudget selecting its pods, so a node drain or cluster upgrade may evict all of them at once",
                "add a PodDisruptionBudget in the same namespace with the Deployment's selector labels and minAvailable: 1 (or maxUnavailable: 1)");
        }
        const count = typeof replicas === "number" ? replicas : replicas === undefined ? 1 : undefined;
        for (const p of matching) {
            const minAvailable = field(p.props, "spec", "minAvailable");
            const maxUnavailable = field(p.props, "spec", "maxUnavailable");
            const blocks = (typeof minAvailable === "number" && count !== undefined && minAvailable >= count)
                || minAvailable === "100%"
                || maxUnavailable === 0 || maxUnavailable === "0%" || maxUnavailable === "0";
            if (blocks) {
                f.violation(p, `allows no voluntary disruption of the pods of ${describeResource(d)} (minAvailable ${String(minAvailable ?? "-")}, maxUnavailable ${String(maxUnavailable ?? "-")}, ${count ?? "?"} replicas), so node drains hang`,
                    `set minAvailable below the replica count (e.g. ${Math.max(1, minReplicas - 1)}) or maxUnavailable: 1`);
            }
        }
    }
    return f.list;
}

export const replicasAndDisruptionBudgets: StackValidationPolicy = stackPolicy<ReplicasAndDisruptionBudgetsConfig>({
    name: "replicas-and-disruption-budgets",
    description: "A single replica is an outage waiting for the next node failure, rollout or cluster upgrade. Production Deployments run at least two replicas and a PodDisruptionBudget keeps some of them up during drains.",
    severity: "medium",
    config: {
        minReplicas: { type: "integer", minimum: 1, default: 2, description: "Fewest replicas (or autoscaler minReplicas) per Deployment." },
        singletonComponents: { type: "array", items: { type: "string" }, default: ["scheduler"], description: "Components that must run exactly one replica." },
    },
    check: checkReplicasAndDisruptionBudgets,
});
