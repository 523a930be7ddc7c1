import { ResourceValidationPolicy } from "@pulumi/policy";
import { CheckContext, Finding, Findings, PolicyInputResource } from "../lib/findings";
import { CommonConfig, resourcePolicy } from "../lib/policy";
import { componentOf, containersOf } from "../lib/resources";
import { K8S_LONG_RUNNING, T } from "../lib/types";
import { isUnknown } from "../lib/unknown";
import { asArray, asString, field } from "../lib/values";

export interface HealthProbesConfig extends CommonConfig {
    /** Components that run to completion and need no health check. @default ["migration"] */
    oneShotComponents?: string[];
}

/**
 * Long-running containers report their health: Kubernetes Deployments and
 * StatefulSets have liveness and readiness probes on every container; Docker
 * containers have a healthcheck (one-shot containers, restart "no", are skipped).
 */
export function checkHealthProbes(r: PolicyInputResource, config: HealthProbesConfig, _ctx?: CheckContext): Finding[] {
    const f = new Findings();
    if (r.type === T.container) {
        const restart = asString(r.props.restart);
        const component = componentOf(r);
        const oneShot = config.oneShotComponents ?? ["migration"];
        if (restart === "no" || (typeof component === "string" && oneShot.includes(component))) {
            return f.list;
        }
        const hc = r.props.healthcheck;
        if (isUnknown(hc)) {
            f.undetermined(r, hc, "the healthcheck");
            return f.list;
        }
        const tests = asArray(field(hc, "tests"));
        if (isUnknown(tests)) {
            f.undetermined(r, tests, "the healthcheck command");
        } else if (tests === undefined || tests.length === 0 || tests[0] === "NONE") {
            f.violation(r, "has no healthcheck, so Docker (and dependents waiting on it) cannot tell a hung process from a healthy one",
                "set healthcheck.tests (e.g. [\"CMD\", \"wget\", \"-qO-\", \"http://127.0.0.1:8080/ready\"]) with interval, timeout and retries");
        }
        return f.list;
    }
    const containers = containersOf(r, { init: false });
    if (containers.unknown) {
        f.undetermined(r, containers.unknown, "the probes of its containers");
    }
    for (const c of containers.list) {
        const missing: string[] = [];
        for (const probe of ["livenessProbe", "readinessProbe"]) {
            const p = c.spec[probe];
            if (isUnknown(p)) {
                f.undetermined(r, p, `the ${probe} of container "${c.name}"`);
            } else if (p === undefined || p === null) {
                missing.push(probe);
            }
        }
        if (missing.length > 0) {
            f.violation(r, `container "${c.name}" has no ${missing.join(" and ")}: without liveness a hung process is never restarted, without readiness traffic reaches pods that cannot serve`,
                `add ${missing.join(" and ")} (e.g. httpGet /health for liveness and /ready for readiness, or exec/tcpSocket for servers)`);
        }
    }
    return f.list;
}

export const healthProbes: ResourceValidationPolicy = resourcePolicy<HealthProbesConfig>({
    name: "health-probes",
    description: "Without health checks the platform keeps hung processes alive and routes traffic to instances that cannot serve, and rolling updates cannot wait for the new version to be ready.",
    severity: "medium",
    types: [...K8S_LONG_RUNNING, T.container],
    config: {
        oneShotComponents: { type: "array", items: { type: "string" }, default: ["migration"], description: "Docker components that run to completion (no healthcheck needed)." },
    },
    check: checkHealthProbes,
});
