/**
 * Platform-neutral views over Docker and Kubernetes props: containers, env,
 * labels, secret references. Every reader keeps unknown values as markers.
 */
import { PolicyInputResource } from "./findings";
import { Unknown, isUnknown } from "./unknown";
import { K8S_POD_CARRIERS, LABEL, T } from "./types";
import { Maybe, Plain, asRecord, asString, field, items, stringMap } from "./values";

export function isK8sWorkload(r: Pick<PolicyInputResource, "type">): boolean {
    return K8S_POD_CARRIERS.includes(r.type);
}

/** Path of the pod template inside a workload's props. */
export function podTemplatePath(type: string): string[] {
    if (type === T.pod) {
        return [];
    }
    return type === T.cronJob ? ["spec", "jobTemplate", "spec", "template"] : ["spec", "template"];
}

export function podTemplate(r: PolicyInputResource): unknown {
    return field(r.props, ...podTemplatePath(r.type));
}

export function podSpec(r: PolicyInputResource): unknown {
    return field(podTemplate(r), "spec");
}

export interface ContainerView {
    /** Container name (Kubernetes) or the resource name (Docker). */
    name: string;
    init: boolean;
    /** The container object (Kubernetes) or the whole props (Docker). */
    spec: Plain;
}

export interface ContainerList {
    list: ContainerView[];
    /** Set when the list, or one of its entries, is unknown. */
    unknown?: Unknown;
}

/** Containers of a Kubernetes workload (optionally with init containers) or the Docker container itself. */
export function containersOf(r: PolicyInputResource, opts: { init: boolean }): ContainerList {
    if (r.type === T.container) {
        return { list: [{ name: r.name, init: false, spec: r.props }] };
    }
    if (!isK8sWorkload(r)) {
        return { list: [] };
    }
    const out: ContainerList = { list: [] };
    const spec = podSpec(r);
    const keys: [string, boolean][] = [["containers", false]];
    if (opts.init) {
        keys.push(["initContainers", true]);
    }
    for (const [key, init] of keys) {
        const list = items(field(spec, key));
        if (isUnknown(list)) {
            out.unknown ??= list;
            continue;
        }
        list.forEach((c, i) => {
            const rec = asRecord(c);
            if (isUnknown(rec)) {
                out.unknown ??= rec;
                return;
            }
            if (rec === undefined) {
                return;
            }
            const n = asString(rec.name);
            out.list.push({ name: typeof n === "string" ? n : `${key}[${i}]`, init, spec: rec });
        });
    }
    return out;
}

export interface EnvEntry {
    /** Container the variable belongs to. */
    container: string;
    /** Variable name; unknown when a whole Docker `KEY=value` string is unknown. */
    name: Maybe<string>;
    /** Literal value; undefined when the value comes from a reference. */
    value: Maybe<string>;
    /** valueFrom.secretKeyRef */
    secretRef?: { name: Maybe<string>; key: Maybe<string> };
    /** valueFrom.configMapKeyRef */
    configMapRef?: { name: Maybe<string>; key: Maybe<string> };
}

export interface EnvList {
    entries: EnvEntry[];
    /** Set when the env list itself (or a container list) is unknown. */
    unknown?: Unknown;
}

/** Environment variables of every container (Kubernetes env, Docker `envs`). */
export function envOf(r: PolicyInputResource): EnvList {
    if (r.type === T.container) {
        const envs = items(r.props.envs);
        if (isUnknown(envs)) {
            return { entries: [], unknown: envs };
        }
        const entries: EnvEntry[] = [];
        for (const e of envs) {
            const s = asString(e);
            if (isUnknown(s)) {
                entries.push({ container: r.name, name: s, value: s });
            } else if (typeof s === "string") {
                const eq = s.indexOf("=");
                entries.push(eq < 0
                    ? { container: r.name, name: s, value: undefined }
                    : { container: r.name, name: s.slice(0, eq), value: s.slice(eq + 1) });
            }
        }
        return { entries };
    }
    const containers = containersOf(r, { init: true });
    const out: EnvList = { entries: [], unknown: containers.unknown };
    for (const c of containers.list) {
        const env = items(c.spec.env);
        if (isUnknown(env)) {
            out.unknown ??= env;
            continue;
        }
        for (const e of env) {
            const rec = asRecord(e);
            if (isUnknown(rec)) {
                out.entries.push({ container: c.name, name: rec, value: rec });
                continue;
            }
            if (rec === undefined) {
                continue;
            }
            const entry: EnvEntry = { container: c.name, name: asString(rec.name), value: asString(rec.value) };
            const from = rec.valueFrom;
            if (from !== undefined) {
                const secretKeyRef = field(from, "secretKeyRef");
                if (secretKeyRef !== undefined) {
                    entry.secretRef = { name: asString(field(secretKeyRef, "name")), key: asString(field(secretKeyRef, "key")) };
                }
                const cmRef = field(from, "configMapKeyRef");
                if (cmRef !== undefined) {
                    entry.configMapRef = { name: asString(field(cmRef, "name")), key: asString(field(cmRef, "key")) };
                }
                if (isUnknown(from)) {
                    entry.secretRef = { name: from, key: from };
                }
            }
            out.entries.push(entry);
        }
    }
    return out;
}

/** Names of the Secrets a Kubernetes workload reads (env, envFrom, volumes). */
export function secretRefsOf(r: PolicyInputResource): Maybe<string>[] {
    if (!isK8sWorkload(r)) {
        return [];
    }
    const refs: Maybe<string>[] = [];
    const containers = containersOf(r, { init: true });
    if (containers.unknown) {
        refs.push(containers.unknown);
    }
    for (const e of envOf(r).entries) {
        if (e.secretRef) {
            refs.push(e.secretRef.name);
        }
    }
    for (const c of containers.list) {
        const envFrom = items(c.spec.envFrom);
        if (isUnknown(envFrom)) {
            refs.push(envFrom);
            continue;
        }
        for (const ef of envFrom) {
            const ref = field(ef, "secretRef");
            if (ref !== undefined) {
                refs.push(asString(field(ref, "name")));
            }
        }
    }
    const volumes = items(field(podSpec(r), "volumes"));
    if (isUnknown(volumes)) {
        refs.push(volumes);
    } else {
        for (const v of volumes) {
            const secret = field(v, "secret");
            if (secret !== undefined) {
                refs.push(asString(field(secret, "secretName")));
            }
            const sources = items(field(v, "projected", "sources"));
            if (isUnknown(sources)) {
                refs.push(sources);
            } else {
                for (const s of sources) {
                    const ps = field(s, "secret");
                    if (ps !== undefined) {
                        refs.push(asString(field(ps, "name")));
                    }
                }
            }
        }
    }
    return refs;
}

export interface LabelSet {
    labels: Record<string, Maybe<string>>;
    /** Set when the label map (or a Docker label entry) is unknown. */
    unknown?: Unknown;
}

/** Docker labels: a list of {label, value}. */
export function dockerLabels(props: Plain): LabelSet {
    const list = items(props.labels);
    if (isUnknown(list)) {
        return { labels: {}, unknown: list };
    }
    const out: LabelSet = { labels: {} };
    for (const entry of list) {
        const rec = asRecord(entry);
        if (isUnknown(rec)) {
            out.unknown ??= rec;
            continue;
        }
        if (rec === undefined) {
            continue;
        }
        const key = asString(rec.label);
        if (isUnknown(key)) {
            out.unknown ??= key;
        } else if (typeof key === "string") {
            out.labels[key] = asString(rec.value);
        }
    }
    return out;
}

function k8sMap(v: unknown): LabelSet {
    const m = stringMap(v);
    return isUnknown(m) ? { labels: {}, unknown: m } : { labels: m };
}

/** Labels of the object itself (metadata.labels; Docker labels). */
export function objectLabels(r: PolicyInputResource): LabelSet {
    if (r.type.startsWith("docker:")) {
        return dockerLabels(r.props);
    }
    return k8sMap(field(r.props, "metadata", "labels"));
}

/** Labels of a workload's pods (pod template labels). */
export function podLabels(r: PolicyInputResource): LabelSet {
    return k8sMap(field(podTemplate(r), "metadata", "labels"));
}

/** Object labels overlaid with pod template labels (what identifies a workload). */
export function workloadLabels(r: PolicyInputResource): LabelSet {
    const own = objectLabels(r);
    if (!isK8sWorkload(r)) {
        return own;
    }
    const pod = podLabels(r);
    return { labels: { ...own.labels, ...pod.labels }, unknown: own.unknown ?? pod.unknown };
}

export function componentOf(r: PolicyInputResource): Maybe<string> {
    return workloadLabels(r).labels[LABEL.component];
}

/** The service a resource belongs to: its app.kubernetes.io/name label, else its resource name. */
export function serviceOf(r: PolicyInputResource): string {
    const labels = workloadLabels(r).labels;
    const name = labels[LABEL.name];
    if (typeof name === "string" && name !== "") {
        return name;
    }
    const svc = labels[LABEL.service];
    return typeof svc === "string" && svc !== "" ? svc : r.name;
}

export function namespaceOf(r: PolicyInputResource): Maybe<string> {
    return asString(field(r.props, "metadata", "namespace"));
}

export function metadataName(r: PolicyInputResource): Maybe<string> {
    return asString(field(r.props, "metadata", "name"));
}

/** Two namespaces can be the same unless both are known and differ (absent = provider default). */
export function sameNamespace(a: Maybe<string>, b: Maybe<string>): boolean {
    return !(typeof a === "string" && typeof b === "string" && a !== b);
}

/** Records of a Kubernetes map such as data / stringData (base64 data decoded). */
export function configEntries(r: PolicyInputResource): { key: string; value: Maybe<string> }[] | Unknown {
    const out: { key: string; value: Maybe<string> }[] = [];
    for (const [prop, base64] of [["data", r.type === T.secret], ["stringData", false]] as [string, boolean][]) {
        const m = stringMap(r.props[prop]);
        if (isUnknown(m)) {
            return m;
        }
        for (const [key, value] of Object.entries(m)) {
            out.push({ key, value: base64 && typeof value === "string" ? Buffer.from(value, "base64").toString("utf8") : value });
        }
    }
    return out;
}

export interface NamedValue {
    /** Where the value sits, for messages: `env X of container "c"`, `key X`. */
    where: string;
    name: Maybe<string>;
    value: Maybe<string>;
}

/**
 * Literal settings a resource passes to its process: env values of every
 * container (Kubernetes, Docker) and the entries of a ConfigMap.
 */
export function namedValues(r: PolicyInputResource): { values: NamedValue[]; unknown?: Unknown } {
    if (r.type === T.configMap) {
        const entries = configEntries(r);
        if (isUnknown(entries)) {
            return { values: [], unknown: entries };
        }
        return { values: entries.map((e) => ({ where: `key ${e.key}`, name: e.key, value: e.value })) };
    }
    const env = envOf(r);
    return {
        unknown: env.unknown,
        values: env.entries
            .filter((e) => e.secretRef === undefined && e.configMapRef === undefined)
            .map((e) => ({
                where: r.type === T.container ? `env ${typeof e.name === "string" ? e.name : "(unknown entry)"}` : `env ${typeof e.name === "string" ? e.name : "(unknown)"} of container "${e.container}"`,
                name: e.name,
                value: e.value,
            })),
    };
}
