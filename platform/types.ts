/**
 * The seam between intent and realization. Components describe workloads in
 * these terms; a Platform turns them into Docker containers or Kubernetes
 * objects. Nothing here knows which platform runs it.
 */
import * as pulumi from "@pulumi/pulumi";
import { Autoscale, Resources, Dependency, Target } from "../config";

/** Value of the app.kubernetes.io/component label. */
export type Role = "api" | "internal" | "worker" | "scheduler" | "database" | "cache" | "web" | "migration" | "access" | "backup";

export type Probe =
    | { kind: "http"; path: string; port: number }
    | { kind: "tcp"; port: number }
    | { kind: "exec"; command: string[] };

export interface ContainerSpec {
    /** Short name, unique in the stack: api, db, cache, api-migrate. */
    name: string;
    role: Role;
    image: string;
    command?: string[];
    /** Plain environment: never a credential. */
    env?: Record<string, pulumi.Input<string>>;
    /** Environment from generated credentials: stored as secrets everywhere. */
    secretEnv?: Record<string, pulumi.Input<string>>;
    resources: Resources;
    /** Numeric UID for Kubernetes; Docker may use `dockerUser` instead. */
    runAsUser: number;
    /** Docker user (name or uid) when the image expects a named user. @default String(runAsUser) */
    dockerUser?: string;
    /** Paths that must stay writable under a read-only root file system. */
    writablePaths?: string[];
    /** Clients carry labels that the db/cache network policies admit. */
    clientOf?: Dependency[];
    /** Non-secret value that changes whenever a secret input changes, so pods roll. */
    revision?: pulumi.Input<string>;
    /**
     * Declaration of the externally issued secrets among secretEnv (JSON, see
     * EXTERNAL_SECRETS_ANNOTATION): on the Secret (Kubernetes) or the container's
     * labels (Docker), where the policy pack reads it.
     */
    externalSecrets?: pulumi.Input<string>;
}

export interface WorkloadSpec extends ContainerSpec {
    port?: number;
    replicas: number;
    autoscale?: Autoscale;
    liveness?: Probe;
    readiness?: Probe;
    /** Docker HEALTHCHECK test. */
    healthcheck?: string[];
    /** public: reachable from outside (Ingress with TLS, or the local edge proxy). */
    exposure: "public" | "private";
    /** Public host name (Kubernetes Ingress). */
    publicHost?: string;
    /** Loopback port for the Docker edge proxy. */
    hostPort?: number;
    /** Persistent data volume. */
    volume?: { mountPath: string; sizeGi: number };
    /** Kubernetes pod fsGroup, so the volume is writable by runAsUser. */
    fsGroup?: number;
    /** Secret env that is read only when the server first initialises its data (bootstrap). */
    bootstrapOnlyEnv?: string[];
    dependsOn?: pulumi.Input<pulumi.Resource>[];
}

export interface JobSpec extends ContainerSpec {
    /** Changes whenever the job must run again (image, credential generation). */
    revision: pulumi.Input<string>;
    dependsOn?: pulumi.Input<pulumi.Resource>[];
}

export interface CronSpec extends ContainerSpec {
    schedule: string;
    /** Docker only: health check of the looping container that stands in for the schedule. */
    healthcheck?: string[];
    volume?: { mountPath: string; sizeGi: number };
    dependsOn?: pulumi.Input<pulumi.Resource>[];
}

export interface Workload {
    /** Name other workloads use to reach it inside the platform. */
    host: string;
    port?: number;
    /** URL browsers use, when public. */
    publicUrl?: pulumi.Output<string>;
    /** The resource dependents wait for. */
    ready: pulumi.Resource;
}

export interface JobRun {
    /** Resolves once the job succeeded; fails the update when it did not. */
    completed: pulumi.Output<string>;
    resource: pulumi.Resource;
}

export interface Platform {
    readonly target: Target;
    /** A long-running workload. */
    workload(spec: WorkloadSpec, parent: pulumi.Resource): Workload;
    /** A one-shot job that must finish before its dependents start. */
    job(spec: JobSpec, parent: pulumi.Resource): JobRun;
    /** A scheduled job (backups). */
    cron(spec: CronSpec, parent: pulumi.Resource): pulumi.Resource;
    /** Lets only declared clients reach a private server. */
    restrictToClients(server: { name: string; role: "database" | "cache"; port: number; client: Dependency }, parent: pulumi.Resource): void;
    /** Public URL of a public workload, known before it exists. */
    publicUrlFor(spec: { name: string; publicHost?: string; hostPort?: number }): string;
    /** Called once after every component registered its workloads. */
    finalize(parent: pulumi.Resource): void;
}
