/**
 * Realizes workloads as Kubernetes objects in one namespace per stack:
 * Deployments or StatefulSets, ClusterIP Services, Ingress with TLS for public
 * workloads, Secrets for credentials, NetworkPolicies that admit only declared
 * clients to the database and cache, HPAs and PodDisruptionBudgets.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { Settings, Dependency } from "../config";
import { standardLabels, selectorLabels, clientLabels, CLIENT_LABEL } from "./labels";
import { ContainerSpec, CronSpec, JobRun, JobSpec, Platform, Probe, Workload, WorkloadSpec } from "./types";
import { CloudProfile, resolveProfile } from "./profiles";
import { EXTERNAL_SECRETS_ANNOTATION, secretFingerprint } from "./fingerprint";

type Container = k8s.types.input.core.v1.Container;
type PodSpec = k8s.types.input.core.v1.PodSpec;

export class KubernetesPlatform implements Platform {
    readonly target = "kubernetes" as const;
    readonly namespace: pulumi.Output<string>;
    private readonly profile: CloudProfile;

    constructor(private readonly settings: Settings, parent: pulumi.Resource) {
        this.profile = resolveProfile(settings.kubernetes.profile, settings.kubernetes);
        const ns = new k8s.core.v1.Namespace(`${settings.stack}-namespace`, {
            metadata: {
                name: settings.kubernetes.namespace,
                labels: {
                    ...standardLabels(settings, "namespace", "internal"),
                    // Pods that are not restricted-compliant are refused by the API server.
                    "pod-security.kubernetes.io/enforce": "restricted",
                    "pod-security.kubernetes.io/enforce-version": "latest",
                },
            },
        }, { parent });
        this.namespace = ns.metadata.name;
        // Deny all ingress by default; each private server opens itself to its clients only.
        new k8s.networking.v1.NetworkPolicy(`${settings.stack}-default-deny`, {
            metadata: this.meta("default-deny", "internal"),
            spec: { podSelector: {}, policyTypes: ["Ingress"] },
        }, { parent });
    }

    workload(spec: WorkloadSpec, parent: pulumi.Resource): Workload {
        const stack = this.settings.stack;
        const labels = this.podLabels(spec);
        const secret = this.secretFor(spec, parent);
        const replicas = spec.autoscale?.min ?? spec.replicas;
        const podSpec = this.podSpec(spec, secret, {
            ports: spec.port !== undefined ? [{ name: "main", containerPort: spec.port }] : undefined,
            livenessProbe: spec.liveness ? probe(spec.liveness, 10) : undefined,
            readinessProbe: spec.readiness ? probe(spec.readiness, 5) : undefined,
        });
        const template = {
            metadata: { labels, annotations: { "webstack.dev/revision": revisionOf(spec) } },
            spec: podSpec,
        };
        let ready: pulumi.Resource;
        if (spec.volume) {
            ready = new k8s.apps.v1.StatefulSet(`${stack}-${spec.name}`, {
                metadata: this.meta(spec.name, spec.role),
                spec: {
                    serviceName: spec.name,
                    replicas,
                    selector: { matchLabels: selectorLabels(this.settings, spec.name) },
                    template,
                    volumeClaimTemplates: [{
                        metadata: { name: "data", labels: standardLabels(this.settings, spec.name, spec.role) },
                        spec: {
                            accessModes: ["ReadWriteOnce"],
                            storageClassName: this.profile.storageClass,
                            resources: { requests: { storage: `${spec.volume.sizeGi}Gi` } },
                        },
                    }],
                },
            }, { parent, dependsOn: spec.dependsOn });
        } else {
            ready = new k8s.apps.v1.Deployment(`${stack}-${spec.name}`, {
                metadata: this.meta(spec.name, spec.role),
                spec: {
                    replicas,
                    selector: { matchLabels: selectorLabels(this.settings, spec.name) },
                    // Surge first: the old pods serve until new ones are ready (no outage at rotation).
                    strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
                    template,
                },
            }, { parent, dependsOn: spec.dependsOn, ignoreChanges: spec.autoscale ? ["spec.replicas"] : undefined });
        }
        if (spec.port !== undefined) {
            new k8s.core.v1.Service(`${stack}-${spec.name}`, {
                metadata: { ...this.meta(spec.name, spec.role), name: spec.name },
                spec: {
                    type: "ClusterIP",
                    selector: selectorLabels(this.settings, spec.name),
                    ports: [{ name: "main", port: spec.port, targetPort: spec.port }],
                    // A headless service gives StatefulSet pods stable names.
                    clusterIP: spec.volume ? "None" : undefined,
                },
            }, { parent });
        }
        if (spec.autoscale) {
            new k8s.autoscaling.v2.HorizontalPodAutoscaler(`${stack}-${spec.name}`, {
                metadata: this.meta(spec.name, spec.role),
                spec: {
                    scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: (ready as k8s.apps.v1.Deployment).metadata.name },
                    minReplicas: spec.autoscale.min,
                    maxReplicas: spec.autoscale.max,
                    metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: spec.autoscale.cpuPercent } } }],
                },
            }, { parent });
        }
        if (replicas >= 2) {
            new k8s.policy.v1.PodDisruptionBudget(`${stack}-${spec.name}`, {
                metadata: this.meta(spec.name, spec.role),
                spec: { minAvailable: 1, selector: { matchLabels: selectorLabels(this.settings, spec.name) } },
            }, { parent });
        }
        if (spec.port !== undefined) {
            this.admit(spec, parent);
        }
        let publicUrl: pulumi.Output<string> | undefined;
        if (spec.exposure === "public" && spec.port !== undefined) {
            publicUrl = this.ingress(spec, parent);
        }
        return { host: spec.name, port: spec.port, publicUrl, ready };
    }

    job(spec: JobSpec, parent: pulumi.Resource): JobRun {
        const secret = this.secretFor(spec, parent);
        const revision = revisionOf(spec);
        // The revision annotation changes the immutable pod template, so the Job is
        // replaced (and so runs again) exactly when its image or credentials change.
        // Create-before-delete (the name is generated): a delete-before-replace Job
        // would make the engine replace every workload that depends on it as well,
        // deleting them first, which is an outage at each rotation.
        const job = new k8s.batch.v1.Job(`${this.settings.stack}-${spec.name}`, {
            metadata: this.meta(spec.name, spec.role),
            spec: {
                backoffLimit: 3,
                activeDeadlineSeconds: 900,
                ttlSecondsAfterFinished: 86400,
                template: {
                    metadata: { labels: this.podLabels(spec), annotations: { "webstack.dev/revision": revision } },
                    spec: { ...this.podSpec(spec, secret, {}), restartPolicy: "Never" },
                },
            },
        }, { parent, dependsOn: spec.dependsOn });
        // Pulumi's await logic fails the update when the Job fails.
        return { completed: pulumi.all([job.metadata.name, revision]).apply(([, r]) => r), resource: job };
    }

    cron(spec: CronSpec, parent: pulumi.Resource): pulumi.Resource {
        const secret = this.secretFor(spec, parent);
        const volumes: k8s.types.input.core.v1.Volume[] = [];
        if (spec.volume) {
            const claim = new k8s.core.v1.PersistentVolumeClaim(`${this.settings.stack}-${spec.name}`, {
                metadata: this.meta(spec.name, spec.role),
                spec: { accessModes: ["ReadWriteOnce"], storageClassName: this.profile.storageClass, resources: { requests: { storage: `${spec.volume.sizeGi}Gi` } } },
            }, { parent });
            volumes.push({ name: "data", persistentVolumeClaim: { claimName: claim.metadata.name } });
        }
        const podSpec = this.podSpec(spec, secret, {}, volumes);
        return new k8s.batch.v1.CronJob(`${this.settings.stack}-${spec.name}`, {
            metadata: this.meta(spec.name, spec.role),
            spec: {
                schedule: spec.schedule,
                concurrencyPolicy: "Forbid",
                successfulJobsHistoryLimit: 3,
                failedJobsHistoryLimit: 3,
                jobTemplate: { spec: { backoffLimit: 2, template: { metadata: { labels: this.podLabels(spec) }, spec: { ...podSpec, restartPolicy: "OnFailure" } } } },
            },
        }, { parent, dependsOn: spec.dependsOn });
    }

    restrictToClients(server: { name: string; role: "database" | "cache"; port: number; client: Dependency }, parent: pulumi.Resource): void {
        new k8s.networking.v1.NetworkPolicy(`${this.settings.stack}-${server.name}-clients`, {
            metadata: this.meta(`${server.name}-clients`, server.role),
            spec: {
                podSelector: { matchLabels: selectorLabels(this.settings, server.name) },
                policyTypes: ["Ingress"],
                ingress: [{
                    from: [{ podSelector: { matchLabels: { [CLIENT_LABEL[server.client]]: "true" } } }],
                    ports: [{ protocol: "TCP", port: server.port }],
                }],
            },
        }, { parent });
    }

    publicUrlFor(spec: { publicHost?: string }): string {
        return `https://${spec.publicHost ?? this.settings.domain}`;
    }

    finalize(): void {
        // Nothing to add: every object was created with its workload.
    }

    /** Public and internal HTTP services accept traffic; db and cache only from clients. */
    private admit(spec: WorkloadSpec, parent: pulumi.Resource): void {
        if (spec.role === "database" || spec.role === "cache") {
            return;
        }
        // Public: from the ingress controller (any namespace). Private: from this namespace only.
        const from = spec.exposure === "public" ? [{ namespaceSelector: {} }] : [{ podSelector: {} }];
        new k8s.networking.v1.NetworkPolicy(`${this.settings.stack}-${spec.name}-ingress`, {
            metadata: this.meta(`${spec.name}-ingress`, spec.role),
            spec: {
                podSelector: { matchLabels: selectorLabels(this.settings, spec.name) },
                policyTypes: ["Ingress"],
                ingress: [{ from, ports: [{ protocol: "TCP", port: spec.port }] }],
            },
        }, { parent });
    }

    private ingress(spec: WorkloadSpec, parent: pulumi.Resource): pulumi.Output<string> {
        const host = spec.publicHost ?? this.settings.domain;
        const issuer = this.settings.kubernetes.tlsIssuer;
        const ing = new k8s.networking.v1.Ingress(`${this.settings.stack}-${spec.name}`, {
            metadata: {
                ...this.meta(spec.name, spec.role),
                annotations: {
                    ...this.profile.ingressAnnotations,
                    ...(issuer ? { "cert-manager.io/cluster-issuer": issuer } : {}),
                },
            },
            spec: {
                ingressClassName: this.profile.ingressClass,
                tls: [{ hosts: [host], secretName: `${spec.name}-tls` }],
                rules: [{
                    host,
                    http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: spec.name, port: { number: spec.port ?? 80 } } } }] },
                }],
            },
        }, { parent });
        return ing.spec.rules.apply(() => `https://${host}`);
    }

    /** One Secret per workload holding its credentials; env refers to its keys. */
    private secretFor(spec: ContainerSpec, parent: pulumi.Resource): k8s.core.v1.Secret | undefined {
        const entries = Object.entries(spec.secretEnv ?? {});
        if (entries.length === 0) {
            return undefined;
        }
        return new k8s.core.v1.Secret(`${this.settings.stack}-${spec.name}`, {
            metadata: {
                ...this.meta(`${spec.name}-credentials`, spec.role),
                labels: { ...standardLabels(this.settings, spec.name, spec.role), "webstack.dev/service": spec.name },
                ...(spec.externalSecrets !== undefined ? { annotations: { [EXTERNAL_SECRETS_ANNOTATION]: spec.externalSecrets } } : {}),
            },
            type: "Opaque",
            stringData: Object.fromEntries(entries.map(([k, v]) => [k, pulumi.secret(v)])),
        }, { parent });
    }

    /** The pod of any workload; a spec with a volume mounts the "data" volume (claim template or `volumes`) at its path. */
    private podSpec(spec: ContainerSpec & { fsGroup?: number; volume?: { mountPath: string } }, secret: k8s.core.v1.Secret | undefined, extra: Partial<Container>, volumes: k8s.types.input.core.v1.Volume[] = []): PodSpec {
        const writable = (spec.writablePaths ?? ["/tmp"]).map((path, i) => ({ name: `scratch-${i}`, path }));
        const mounts: k8s.types.input.core.v1.VolumeMount[] = writable.map((w) => ({ name: w.name, mountPath: w.path }));
        if (spec.volume) {
            mounts.push({ name: "data", mountPath: spec.volume.mountPath });
        }
        const env: k8s.types.input.core.v1.EnvVar[] = [
            ...Object.entries(spec.env ?? {}).map(([name, value]) => ({ name, value })),
            ...Object.keys(spec.secretEnv ?? {}).map((name) => ({
                name,
                valueFrom: { secretKeyRef: { name: secret!.metadata.name, key: name } },
            })),
        ];
        return {
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: {
                runAsNonRoot: true,
                runAsUser: spec.runAsUser,
                runAsGroup: spec.runAsUser,
                fsGroup: spec.fsGroup,
                seccompProfile: { type: "RuntimeDefault" },
            },
            containers: [{
                name: spec.name,
                image: spec.image,
                command: spec.command,
                env,
                resources: {
                    requests: { cpu: spec.resources.cpu, memory: spec.resources.memory },
                    limits: { cpu: spec.resources.cpuLimit, memory: spec.resources.memoryLimit },
                },
                securityContext: {
                    allowPrivilegeEscalation: false,
                    privileged: false,
                    readOnlyRootFilesystem: true,
                    runAsNonRoot: true,
                    capabilities: { drop: ["ALL"] },
                },
                volumeMounts: mounts,
                ...extra,
            }],
            volumes: [...writable.map((w) => ({ name: w.name, emptyDir: {} })), ...volumes],
        };
    }

    private podLabels(spec: ContainerSpec): Record<string, string> {
        return { ...standardLabels(this.settings, spec.name, spec.role), ...clientLabels(spec.clientOf) };
    }

    private meta(name: string, role: ContainerSpec["role"]): k8s.types.input.meta.v1.ObjectMeta {
        return { namespace: this.namespace, labels: standardLabels(this.settings, name.replace(/-(clients|ingress)$/, ""), role) };
    }
}

/**
 * The pod template's revision: the spec's own (generations, image) plus a
 * fingerprint of its credential values. Pods read credentials from a Secret
 * only at start, so a re-issued value (a forced rotation replaces one slot
 * without a new generation) must change the template to roll the pods and
 * re-run the access jobs.
 */
function revisionOf(spec: ContainerSpec & { revision?: pulumi.Input<string>; bootstrapOnlyEnv?: string[] }): pulumi.Output<string> {
    // Values read only when a server initializes its data (an admin password)
    // must not restart it: the access jobs apply their rotation online.
    const bootstrapOnly = new Set(spec.bootstrapOnlyEnv ?? []);
    const values = Object.keys(spec.secretEnv ?? {}).filter((k) => !bootstrapOnly.has(k)).sort().map((k) => spec.secretEnv![k]);
    return pulumi.all([pulumi.output(spec.revision ?? ""), secretFingerprint(values)])
        .apply(([revision, fingerprint]) => (values.length > 0 ? `${revision}+${fingerprint}` : revision));
}

function probe(p: Probe, period: number): k8s.types.input.core.v1.Probe {
    const timing = { periodSeconds: period, timeoutSeconds: 3, failureThreshold: 3 };
    switch (p.kind) {
        case "http":
            return { httpGet: { path: p.path, port: p.port }, ...timing };
        case "tcp":
            return { tcpSocket: { port: p.port }, ...timing };
        case "exec":
            return { exec: { command: p.command }, ...timing };
    }
}
