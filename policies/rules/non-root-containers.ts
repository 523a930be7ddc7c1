import { ResourceValidationPolicy } from "@pulumi/policy";
import { CheckContext, Finding, Findings, PolicyInputResource } from "../lib/findings";
import { CommonConfig, resourcePolicy } from "../lib/policy";
import { containersOf, podSpec } from "../lib/resources";
import { K8S_WORKLOADS, T } from "../lib/types";
import { Unknown, isUnknown } from "../lib/unknown";
import { asArray, asBoolean, asNumber, asString, field } from "../lib/values";

export interface NonRootContainersConfig extends CommonConfig {
    /** Require capabilities.drop to contain ALL (Kubernetes; Docker capabilities.drops). @default true */
    requireDropAll?: boolean;
}

/** Whether a Docker `user` ("name", "uid", "uid:gid") is root. */
export function isRootUser(user: string): boolean {
    const u = user.trim().split(":")[0];
    return u === "" || u === "root" || u === "0";
}

function dropsAll(v: unknown): boolean | Unknown {
    const list = asArray(v);
    if (isUnknown(list)) {
        return list;
    }
    return (list ?? []).some((x) => typeof x === "string" && x.toUpperCase() === "ALL");
}

function checkDocker(r: PolicyInputResource, config: NonRootContainersConfig, f: Findings): void {
    const user = asString(r.props.user);
    if (isUnknown(user)) {
        f.undetermined(r, user, "the user the container runs as");
    } else if (user === undefined || isRootUser(user)) {
        f.violation(r, user === undefined ? "sets no user, so it runs as the image's default user, usually root" : `runs as user "${user}", which is root`,
            "set user to a non-root uid (e.g. \"10001\" or \"10001:10001\") that owns only what the process must write");
    }
    const privileged = asBoolean(r.props.privileged);
    if (isUnknown(privileged)) {
        f.undetermined(r, privileged, "privileged");
    } else if (privileged === true) {
        f.violation(r, "runs privileged, with every capability and access to the host's devices", "remove privileged: true");
    }
    if (config.requireDropAll !== false) {
        const drops = dropsAll(field(r.props, "capabilities", "drops"));
        if (isUnknown(drops)) {
            f.undetermined(r, drops, "the dropped capabilities");
        } else if (!drops) {
            f.violation(r, "keeps Docker's default capabilities (capabilities.drops does not contain ALL)", "set capabilities: { drops: [\"ALL\"] } and add back only what the process needs");
        }
    }
}

/**
 * Containers run as a non-root user without privilege escalation: Kubernetes
 * runAsNonRoot true or runAsUser > 0 (pod or container level, never 0),
 * allowPrivilegeEscalation false, privileged not true, capabilities drop ALL;
 * Docker `user` set and not root/0, `privileged` not true, capabilities drop ALL.
 */
export function checkNonRootContainers(r: PolicyInputResource, config: NonRootContainersConfig, _ctx?: CheckContext): Finding[] {
    const f = new Findings();
    if (r.type === T.container) {
        checkDocker(r, config, f);
        return f.list;
    }
    const podSc = field(podSpec(r), "securityContext");
    const containers = containersOf(r, { init: true });
    if (containers.unknown) {
        f.undetermined(r, containers.unknown, "the security context of its containers");
    }
    for (const c of containers.list) {
        const kind = c.init ? "init container" : "container";
        const sc = c.spec.securityContext;
        const problems: string[] = [];
        const fixes: string[] = [];

        const cNonRoot = asBoolean(field(sc, "runAsNonRoot"));
        const pNonRoot = asBoolean(field(podSc, "runAsNonRoot"));
        const cUser = asNumber(field(sc, "runAsUser"));
        const pUser = asNumber(field(podSc, "runAsUser"));
        const nonRoot = cNonRoot !== undefined ? cNonRoot : pNonRoot;
        const user = cUser !== undefined ? cUser : pUser;
        if (isUnknown(nonRoot) || isUnknown(user)) {
            f.undetermined(r, isUnknown(nonRoot) ? nonRoot : (user as Unknown), `the user of ${kind} "${c.name}"`);
        } else if (user === 0) {
            problems.push("runs as uid 0 (root)");
            fixes.push("set runAsUser to a non-zero uid such as 10001");
        } else if (nonRoot !== true && !(typeof user === "number" && user > 0)) {
            problems.push("may run as root (neither runAsNonRoot: true nor runAsUser > 0)");
            fixes.push("set securityContext.runAsNonRoot: true and runAsUser: 10001");
        }

        const ape = asBoolean(field(sc, "allowPrivilegeEscalation"));
        if (isUnknown(ape)) {
            f.undetermined(r, ape, `allowPrivilegeEscalation of ${kind} "${c.name}"`);
        } else if (ape !== false) {
            problems.push(ape === true ? "allows privilege escalation" : "does not set allowPrivilegeEscalation: false (setuid binaries can gain privileges)");
            fixes.push("set securityContext.allowPrivilegeEscalation: false");
        }

        const privileged = asBoolean(field(sc, "privileged"));
        if (isUnknown(privileged)) {
            f.undetermined(r, privileged, `privileged of ${kind} "${c.name}"`);
        } else if (privileged === true) {
            problems.push("runs privileged");
            fixes.push("remove securityContext.privileged: true");
        }

        if (config.requireDropAll !== false) {
            const drops = dropsAll(field(sc, "capabilities", "drop"));
            if (isUnknown(drops)) {
                f.undetermined(r, drops, `the dropped capabilities of ${kind} "${c.name}"`);
            } else if (!drops) {
                problems.push("does not drop all capabilities");
                fixes.push("set securityContext.capabilities.drop: [\"ALL\"]");
            }
        }
        if (problems.length > 0) {
            f.violation(r, `${kind} "${c.name}" ${problems.join(", ")}`, fixes.join("; "));
        }
    }
    return f.list;
}

export const nonRootContainers: ResourceValidationPolicy = resourcePolicy<NonRootContainersConfig>({
    name: "non-root-containers",
    description: "A process running as root, privileged, or able to escalate turns any code-execution bug into control of the node or host. Containers run as a non-root user with privilege escalation off and capabilities dropped.",
    severity: "high",
    types: [...K8S_WORKLOADS, T.container],
    config: {
        requireDropAll: { type: "boolean", default: true, description: "Require capabilities drop ALL." },
    },
    check: checkNonRootContainers,
});
