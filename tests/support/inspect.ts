/**
 * Small readers over recorded inputs: Docker label lists and env arrays,
 * Kubernetes pod specs, and checks for Pulumi's secret marker.
 */
import * as fs from "fs";
import * as path from "path";
import { isSecretValue, Recorded, ROOT } from "./program";

export const T = {
    environment: "webstack:index:Environment",
    apiService: "webstack:index:ApiService",
    worker: "webstack:index:Worker",
    managedDb: "webstack:index:ManagedDb",
    cache: "webstack:index:Cache",
    staticSite: "webstack:index:StaticSite",
    credential: "webstack:index:Credential",
    password: "random:index/randomPassword:RandomPassword",
    container: "docker:index/container:Container",
    network: "docker:index/network:Network",
    volume: "docker:index/volume:Volume",
    remoteImage: "docker:index/remoteImage:RemoteImage",
    namespace: "kubernetes:core/v1:Namespace",
    secret: "kubernetes:core/v1:Secret",
    service: "kubernetes:core/v1:Service",
    pvc: "kubernetes:core/v1:PersistentVolumeClaim",
    deployment: "kubernetes:apps/v1:Deployment",
    statefulSet: "kubernetes:apps/v1:StatefulSet",
    job: "kubernetes:batch/v1:Job",
    cronJob: "kubernetes:batch/v1:CronJob",
    ingress: "kubernetes:networking.k8s.io/v1:Ingress",
    networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    pdb: "kubernetes:policy/v1:PodDisruptionBudget",
    hpa: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
} as const;

export const COMPONENT_TYPES: readonly string[] = [T.environment, T.apiService, T.worker, T.managedDb, T.cache, T.staticSite, T.credential];

/** Docker `labels: [{label, value}]` as a record. */
export function dockerLabels(r: Recorded): Record<string, string> {
    const list = (r.props.labels ?? []) as { label: string; value: string }[];
    return Object.fromEntries(list.map((l) => [l.label, l.value]));
}

/** Docker `envs: ["K=V"]` (secrets unwrapped) as a record. */
export function dockerEnv(r: Recorded): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of (r.props.envs ?? []) as string[]) {
        const i = e.indexOf("=");
        out[e.slice(0, i)] = e.slice(i + 1);
    }
    return out;
}

/**
 * Whether every element of a list input that satisfies `sensitive` travels
 * under Pulumi's secret marker: the whole list is secret, or that element is.
 */
export function sensitiveElementsAreSecret(raw: unknown, sensitive: (plain: string) => boolean): boolean {
    if (isSecretValue(raw)) {
        return true;
    }
    if (!Array.isArray(raw)) {
        return false;
    }
    return raw.every((el) => isSecretValue(el) || !(typeof el === "string" && sensitive(el)));
}

/** Same for a map input (k8s Secret stringData): the whole map, or each sensitive value, is secret. */
export function sensitiveValuesAreSecret(raw: unknown, sensitive: (plain: string) => boolean): boolean {
    if (isSecretValue(raw)) {
        return true;
    }
    if (!raw || typeof raw !== "object") {
        return false;
    }
    return Object.values(raw as Record<string, unknown>).every((v) => isSecretValue(v) || !(typeof v === "string" && sensitive(v)));
}

/** The mocks return generated passwords starting with "mock-". */
export const looksGenerated = (s: string): boolean => s.includes("mock-");

/** Pod spec of a Deployment, StatefulSet, Job or CronJob. */
export function podSpec(r: Recorded): any {
    const spec = r.props.spec ?? {};
    if (r.type === T.cronJob) {
        return spec.jobTemplate?.spec?.template?.spec;
    }
    return spec.template?.spec;
}

/** Pod template labels of a workload. */
export function podLabels(r: Recorded): Record<string, string> {
    const spec = r.props.spec ?? {};
    const template = r.type === T.cronJob ? spec.jobTemplate?.spec?.template : spec.template;
    return template?.metadata?.labels ?? {};
}

/** The one container of a workload. */
export function mainContainer(r: Recorded): any {
    const containers = podSpec(r)?.containers ?? [];
    if (containers.length !== 1) {
        throw new Error(`${r.type} ${r.name} has ${containers.length} containers`);
    }
    return containers[0];
}

/** Env of a k8s container: name -> plain value, or `secret:<secret>/<key>` for a secretKeyRef. */
export function k8sEnv(container: any): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of (container.env ?? []) as any[]) {
        out[e.name] = e.valueFrom?.secretKeyRef ? `secret:${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}` : e.value;
    }
    return out;
}

/** Keeper names listed in docs/contracts.md's credential table. */
export function contractKeepers(): string[] {
    const text = fs.readFileSync(path.join(ROOT, "docs", "contracts.md"), "utf8");
    const section = text.split("## Credentials")[1]?.split("\n## ")[0] ?? "";
    return [...section.matchAll(/^\| `(webstack\.dev\/[a-z-]+)` \|/gm)].map((m) => m[1]);
}

/** Label names listed in docs/contracts.md's label table. */
export function contractLabels(): string[] {
    const text = fs.readFileSync(path.join(ROOT, "docs", "contracts.md"), "utf8");
    const section = text.split("## Labels")[1]?.split("\n## ")[0] ?? "";
    return [...section.matchAll(/^\| `([a-z.]+\/[a-z-]+)` \|/gm)].map((m) => m[1]);
}
