import * as pulumi from "@pulumi/pulumi";
import { Settings } from "../config";
import { DockerPlatform } from "./docker";
import { KubernetesPlatform } from "./kubernetes";
import { Platform } from "./types";

export { DockerPlatform, edgeConfig } from "./docker";
export { KubernetesPlatform } from "./kubernetes";
export { PROFILES, resolveProfile } from "./profiles";
export { standardLabels, selectorLabels, clientLabels, CLIENT_LABEL } from "./labels";
export type { Platform, Workload, WorkloadSpec, JobSpec, JobRun, CronSpec, ContainerSpec, Probe, Role } from "./types";

/** The platform the stack's `target` names. */
export function createPlatform(settings: Settings, parent: pulumi.Resource): Platform {
    return settings.target === "docker"
        ? new DockerPlatform(settings, { edgeImage: settings.docker.edgeImage }, parent)
        : new KubernetesPlatform(settings, parent);
}
