/**
 * The local Kubernetes cluster that scripts/cluster.sh starts, seen from the
 * tests: its environment (kubeconfig, ingress class and entry points), kubectl,
 * and HTTPS requests through the ingress controller with a Host and SNI name.
 */
import { spawnSync } from "child_process";
import * as https from "https";
import * as path from "path";
import { ROOT } from "./engine";

export interface Cluster {
    kubeconfig: string;
    ingressClass: string;
    /** host:port of the ingress controller's HTTPS entry point on loopback. */
    https: string;
    env: NodeJS.ProcessEnv;
}

/** Reads `scripts/cluster.sh env`; throws with the script's words when the cluster is not up. */
export function localCluster(): Cluster {
    const status = spawnSync("bash", [path.join(ROOT, "scripts", "cluster.sh"), "status"], { encoding: "utf8" });
    if (status.status !== 0) {
        throw new Error(`the local Kubernetes cluster is not running (start it with: bash scripts/cluster.sh up):\n${status.stdout}${status.stderr}`);
    }
    const printed = spawnSync("bash", [path.join(ROOT, "scripts", "cluster.sh"), "env"], { encoding: "utf8" });
    const env: Record<string, string> = {};
    for (const line of printed.stdout.split("\n")) {
        const m = /^export ([A-Z_]+)=["']?([^"']*)["']?$/.exec(line.trim());
        if (m) {
            env[m[1]] = m[2];
        }
    }
    for (const k of ["KUBECONFIG", "WEBSTACK_CLUSTER_INGRESS_CLASS", "WEBSTACK_CLUSTER_HTTPS"]) {
        if (!env[k]) {
            throw new Error(`scripts/cluster.sh env did not print ${k}:\n${printed.stdout}${printed.stderr}`);
        }
    }
    return { kubeconfig: env.KUBECONFIG, ingressClass: env.WEBSTACK_CLUSTER_INGRESS_CLASS, https: env.WEBSTACK_CLUSTER_HTTPS, env };
}

export interface Result { code: number; stdout: string; stderr: string }

/** kubectl at the cluster's version (scripts/cluster.sh builds it), else the one on PATH. */
export function kubectl(cluster: Cluster, args: string[], input?: string): Result {
    const r = spawnSync(cluster.env.WEBSTACK_CLUSTER_KUBECTL || "kubectl", args, { encoding: "utf8", input, env: { ...process.env, KUBECONFIG: cluster.kubeconfig }, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 });
    return { code: r.status ?? -1, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

/** `kubectl get -o json` of a list; [] when the namespace or kind does not exist. */
export function items(cluster: Cluster, namespace: string, kind: string, selector?: string): any[] {
    const r = kubectl(cluster, ["get", kind, "-n", namespace, "-o", "json", ...(selector ? ["-l", selector] : [])]);
    if (r.code !== 0) {
        throw new Error(`kubectl get ${kind} -n ${namespace}: ${r.stderr}`);
    }
    return JSON.parse(r.stdout).items ?? [];
}

export interface HttpResult { status: number; body: string; headers: Record<string, string | string[] | undefined> }

/**
 * An HTTPS request through the ingress controller, as a browser for `host`
 * would send it. The cluster has no certificate authority the machine trusts
 * (cert-manager's issuers need the internet), so the certificate is not checked.
 */
export function viaIngress(cluster: Cluster, host: string, urlPath: string, options: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number } = {}): Promise<HttpResult> {
    const [address, port] = cluster.https.split(":");
    return new Promise((resolve, reject) => {
        const req = https.request({
            host: address,
            port: Number(port),
            servername: host,
            path: urlPath,
            method: options.method ?? "GET",
            headers: { host, ...options.headers },
            rejectUnauthorized: false,
            timeout: options.timeoutMs ?? 5000,
        }, (res) => {
            let body = "";
            res.setEncoding("utf8");
            res.on("data", (d) => (body += d));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
        });
        req.on("timeout", () => req.destroy(new Error(`timed out after ${options.timeoutMs ?? 5000} ms`)));
        req.on("error", reject);
        if (options.body) {
            req.write(options.body);
        }
        req.end();
    });
}

/** The cluster's own containerd (docs/cluster.md), where `cluster.sh load-images` puts images. */
const CONTAINERD_SOCK = "/run/webstack-cluster/containerd.sock";

function ctr(args: string[]): Result {
    const r = spawnSync("ctr", ["--address", CONTAINERD_SOCK, "--namespace", "k8s.io", ...args], { encoding: "utf8", timeout: 60_000 });
    return { code: r.status ?? -1, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

/** A reference as containerd names it: docker.io/ for Docker Hub, library/ for official images. */
export function normalizedRef(ref: string): string {
    const slash = ref.indexOf("/");
    const first = slash < 0 ? "" : ref.slice(0, slash);
    if (slash >= 0 && (first.includes(".") || first.includes(":") || first === "localhost")) {
        return ref;
    }
    return slash < 0 ? `docker.io/library/${ref}` : `docker.io/${ref}`;
}

/**
 * `image` (already loaded into the node) pinned by the manifest digest the node
 * holds for it, `image@sha256:...`, as production requires. The kubelet looks
 * a digest reference up by its name, tag dropped, and nothing can be pulled
 * here, so the image is also named `repository@sha256:...` in the node's store.
 */
export function pinnedOnTheNode(image: string): string {
    const ls = ctr(["images", "ls"]);
    if (ls.code !== 0) {
        throw new Error(`ctr images ls on ${CONTAINERD_SOCK} failed (is the cluster up? bash scripts/cluster.sh status):\n${ls.stderr}`);
    }
    const rows = ls.stdout.split("\n").slice(1).map((l) => l.trim().split(/\s+/)).filter((c) => c.length >= 3);
    const name = normalizedRef(image);
    const row = rows.find((c) => c[0] === name);
    if (!row || !/^sha256:[0-9a-f]{64}$/.test(row[2])) {
        throw new Error(`${name} is not in the node's image store with a digest (load it first: bash scripts/cluster.sh load-images ${image}); ctr images ls:\n${ls.stdout}`);
    }
    const digest = row[2];
    const lastSlash = name.lastIndexOf("/");
    const colon = name.lastIndexOf(":");
    const repository = colon > lastSlash ? name.slice(0, colon) : name;
    const byDigest = `${repository}@${digest}`;
    if (!rows.some((c) => c[0] === byDigest)) {
        const tagged = ctr(["images", "tag", name, byDigest]);
        if (tagged.code !== 0) {
            throw new Error(`ctr images tag ${name} ${byDigest} failed:\n${tagged.stderr}`);
        }
    }
    return `${image}@${digest}`;
}
