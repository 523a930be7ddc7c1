import { ResourceValidationPolicy } from "@pulumi/policy";
import { CheckContext, Finding, Findings, PolicyInputResource } from "../lib/findings";
import { CommonConfig, resourcePolicy } from "../lib/policy";
import { T } from "../lib/types";
import { isUnknown } from "../lib/unknown";
import { asString, stackOfUrn } from "../lib/values";

export type DockerNamesPerStackConfig = CommonConfig;

/** Docker containers, networks and volumes are named `<stack>-...`, so two stacks on one engine never collide. */
export function checkDockerNamesPerStack(r: PolicyInputResource, _config: DockerNamesPerStackConfig, _ctx?: CheckContext): Finding[] {
    const f = new Findings();
    const stack = stackOfUrn(r.urn);
    const name = asString(r.props.name);
    if (stack === undefined || name === undefined) {
        return f.list;
    }
    if (isUnknown(name)) {
        f.undetermined(r, name, "the Docker name");
        return f.list;
    }
    if (!name.startsWith(`${stack}-`)) {
        f.violation(r, `is named "${name}" on the Docker engine, which does not start with the stack name "${stack}-", so another stack (a second review stack, local) can collide with it or remove it`,
            `name it "${stack}-<service>" (or leave name unset and name the Pulumi resource "${stack}-<service>" so the auto-name carries the prefix)`);
    }
    return f.list;
}

export const dockerNamesPerStack: ResourceValidationPolicy = resourcePolicy<DockerNamesPerStackConfig>({
    name: "docker-names-per-stack",
    description: "Docker names are global on an engine: a container, network or volume named without its stack makes two stacks (local and a review stack, or two review stacks) replace or delete each other's objects.",
    severity: "medium",
    types: [T.container, T.network, T.volume],
    config: {},
    check: checkDockerNamesPerStack,
});
