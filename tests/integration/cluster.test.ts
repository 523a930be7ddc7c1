/**
 * The local Kubernetes cluster (scripts/cluster.sh, docs/cluster.md) does what
 * the staging and production stacks need of a cluster: real pods from locally
 * built images, Pod Security enforced, cluster DNS, Services, an Ingress that
 * gets a load-balancer address and carries traffic, and claims that bind to
 * volumes pods can write to.
 *
 * Skipped only outside CI when no cluster was ever set up on this machine
 * (`cluster.sh status` says "not set up"); otherwise any component down fails.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as http from "http";
import * as path from "path";
import { ROOT } from "./engine";

const CLUSTER_SH = path.join(ROOT, "scripts", "cluster.sh");
const NS = "webstack-cluster-smoke";
const IMAGE = "webstack-local/nginx:1";
const HOST = "smoke.webstack.test";

interface Run { status: number; stdout: string; stderr: string }

function run(cmd: string, args: string[], input?: string, env?: NodeJS.ProcessEnv): Run {
    const r = spawnSync(cmd, args, { cwd: ROOT, encoding: "utf8", input, env: env ?? process.env, maxBuffer: 64 * 1024 * 1024 });
    return { status: r.status ?? -1, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

function clusterEnv(): NodeJS.ProcessEnv {
    const out = run("bash", [CLUSTER_SH, "env"]);
    if (out.status !== 0) {
        throw new Error(`cluster.sh env failed: ${out.stderr}`);
    }
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const line of out.stdout.split("\n")) {
        const m = /^export (\w+)=(.*)$/.exec(line.trim());
        if (m) {
            env[m[1]] = m[2];
        }
    }
    return env;
}

function get(address: string, host: string): Promise<{ status: number; body: string }> {
    const [hostname, port] = address.split(":");
    return new Promise((resolve, reject) => {
        const req = http.get({ hostname, port: Number(port), path: "/", headers: { Host: host }, timeout: 10_000 }, (res) => {
            let body = "";
            res.on("data", (d) => (body += d));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on("timeout", () => req.destroy(new Error("timeout")));
        req.on("error", reject);
    });
}

describe("local Kubernetes cluster (scripts/cluster.sh)", function () {
    let env: NodeJS.ProcessEnv;

    const kubectl = (args: string[], input?: string): Run => run(env.WEBSTACK_CLUSTER_KUBECTL ?? "kubectl", args, input, env);
    const ok = (args: string[], input?: string): string => {
        const r = kubectl(args, input);
        expect(r.status, `kubectl ${args.join(" ")}\n${r.stdout}\n${r.stderr}`).to.equal(0);
        return r.stdout;
    };
    const apply = (objects: object[]): string => ok(["apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items: objects }));

    /** Polls (bounded) until fn returns a value; fails with the last observation. */
    async function until<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, attempts = 90): Promise<T> {
        let last: unknown;
        for (let i = 0; i < attempts; i++) {
            try {
                const v = await fn();
                if (v !== undefined) {
                    return v;
                }
            } catch (e) {
                last = e;
            }
            await new Promise((r) => setTimeout(r, 2000));
        }
        throw new Error(`gave up waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    }

    const restricted = {
        runAsNonRoot: true,
        runAsUser: 101,
        runAsGroup: 101,
        seccompProfile: { type: "RuntimeDefault" },
    };
    const containerSecurity = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } };
    const labels = { "app.kubernetes.io/name": "smoke-web" };

    before(function () {
        const status = run("bash", [CLUSTER_SH, "status"]);
        // CI always runs `cluster.sh up` first: there, a missing cluster is a failure.
        if (/not set up/.test(status.stdout) && process.env.CI !== "true") {
            console.log("      SKIPPED: no local cluster on this machine (bash scripts/cluster.sh up)");
            this.skip();
        }
        expect(status.status, `every component is up:\n${status.stdout}`).to.equal(0);
        env = clusterEnv();
        expect(env.KUBECONFIG, "cluster.sh env exports KUBECONFIG").to.be.a("string");
        expect(env.WEBSTACK_CLUSTER_HTTP).to.match(/^127\.0\.0\.1:\d+$/);
        if (run("docker", ["image", "inspect", IMAGE]).status !== 0) {
            const built = run("bash", [path.join(ROOT, "scripts", "base-images.sh"), "nginx"]);
            expect(built.status, `building ${IMAGE}: ${built.stderr.slice(-2000)}`).to.equal(0);
        }
        const loaded = run("bash", [CLUSTER_SH, "load-images", IMAGE]);
        expect(loaded.status, `load-images: ${loaded.stderr}`).to.equal(0);
        kubectl(["delete", "namespace", NS, "--ignore-not-found", "--wait=true", "--timeout=120s"]);
        apply([{
            apiVersion: "v1",
            kind: "Namespace",
            metadata: { name: NS, labels: { "pod-security.kubernetes.io/enforce": "restricted" } },
        }]);
    });

    after(function () {
        if (env) {
            kubectl(["delete", "namespace", NS, "--ignore-not-found", "--wait=false"]);
        }
    });

    it("has a Ready node and the default IngressClass traefik and a default StorageClass", function () {
        const nodes = JSON.parse(ok(["get", "nodes", "-o", "json"])) as { items: any[] };
        expect(nodes.items).to.have.length(1);
        const ready = nodes.items[0].status.conditions.find((c: any) => c.type === "Ready");
        expect(ready.status).to.equal("True");
        expect(nodes.items[0].status.nodeInfo.kubeletVersion).to.equal("v1.34.4");
        const ic = JSON.parse(ok(["get", "ingressclass", env.WEBSTACK_CLUSTER_INGRESS_CLASS ?? "traefik", "-o", "json"]));
        expect(ic.spec.controller).to.equal("traefik.io/ingress-controller");
        expect(ic.metadata.annotations["ingressclass.kubernetes.io/is-default-class"]).to.equal("true");
        const scs = JSON.parse(ok(["get", "storageclass", "-o", "json"])) as { items: any[] };
        const defaults = scs.items.filter((s) => s.metadata.annotations?.["storageclass.kubernetes.io/is-default-class"] === "true");
        expect(defaults.map((s) => s.metadata.name)).to.deep.equal([env.WEBSTACK_CLUSTER_STORAGE_CLASS ?? "local-path"]);
    });

    it("enforces the restricted Pod Security profile in a labelled namespace", function () {
        const r = kubectl(["-n", NS, "run", "privileged", `--image=${IMAGE}`, "--restart=Never", "--overrides",
            JSON.stringify({ spec: { containers: [{ name: "privileged", image: IMAGE, securityContext: { privileged: true } }] } })]);
        expect(r.status).to.not.equal(0);
        expect(r.stderr).to.match(/violates PodSecurity "restricted/);
    });

    it("runs a Deployment of a locally built image behind a Service and an Ingress that carries traffic", async function () {
        apply([
            {
                apiVersion: "apps/v1",
                kind: "Deployment",
                metadata: { name: "web", namespace: NS, labels },
                spec: {
                    replicas: 1,
                    selector: { matchLabels: labels },
                    template: {
                        metadata: { labels },
                        spec: {
                            securityContext: restricted,
                            containers: [{
                                name: "web",
                                image: IMAGE,
                                imagePullPolicy: "IfNotPresent",
                                ports: [{ containerPort: 8080 }],
                                securityContext: containerSecurity,
                                readinessProbe: { httpGet: { path: "/", port: 8080 }, periodSeconds: 2 },
                            }],
                        },
                    },
                },
            },
            {
                apiVersion: "v1",
                kind: "Service",
                metadata: { name: "web", namespace: NS },
                spec: { selector: labels, ports: [{ port: 80, targetPort: 8080 }] },
            },
            {
                apiVersion: "networking.k8s.io/v1",
                kind: "Ingress",
                metadata: { name: "web", namespace: NS },
                spec: {
                    ingressClassName: "traefik",
                    rules: [{ host: HOST, http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "web", port: { number: 80 } } } }] } }],
                },
            },
        ]);
        ok(["-n", NS, "rollout", "status", "deployment/web", "--timeout=180s"]);
        const lb = await until("the Ingress's load-balancer address", () => {
            const ip = ok(["-n", NS, "get", "ingress", "web", "-o", "jsonpath={.status.loadBalancer.ingress[0].ip}"]).trim();
            return ip === "" ? undefined : ip;
        });
        expect(lb).to.equal("127.0.0.1");
        const address = env.WEBSTACK_CLUSTER_HTTP as string;
        const res = await until("traffic through the ingress", async () => {
            const r = await get(address, HOST);
            return r.status === 200 ? r : undefined;
        }, 30);
        expect(res.body).to.contain("nginx works");
        const other = await get(address, "unrouted.webstack.test");
        expect(other.status, "a host no Ingress names is not routed").to.equal(404);
    });

    it("resolves the Service by cluster DNS from a pod, and reaches it", function () {
        const pod = ok(["-n", NS, "get", "pods", "-l", "app.kubernetes.io/name=smoke-web", "-o", "jsonpath={.items[0].metadata.name}"]).trim();
        const svcIp = ok(["-n", NS, "get", "service", "web", "-o", "jsonpath={.spec.clusterIP}"]).trim();
        const resolved = ok(["-n", NS, "exec", pod, "--", "getent", "hosts", `web.${NS}.svc.cluster.local`]);
        expect(resolved.split(/\s+/)[0]).to.equal(svcIp);
        const missing = kubectl(["-n", NS, "exec", pod, "--", "getent", "hosts", `absent.${NS}.svc.cluster.local`]);
        expect(missing.status, "an unknown service does not resolve").to.not.equal(0);
    });

    it("binds claims of 10Gi and 50Gi to provisioned volumes that a non-root pod writes to", async function () {
        const claim = (name: string, size: string) => ({
            apiVersion: "v1",
            kind: "PersistentVolumeClaim",
            metadata: { name, namespace: NS },
            spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: size } } },
        });
        apply([claim("data-10", "10Gi"), claim("data-50", "50Gi")]);
        for (const [name, size] of [["data-10", "10Gi"], ["data-50", "50Gi"]]) {
            await until(`claim ${name} Bound`, () =>
                ok(["-n", NS, "get", "pvc", name, "-o", "jsonpath={.status.phase}"]).trim() === "Bound" ? true : undefined);
            const capacity = ok(["-n", NS, "get", "pvc", name, "-o", "jsonpath={.status.capacity.storage}"]).trim();
            expect(capacity).to.equal(size);
        }
        apply([{
            apiVersion: "v1",
            kind: "Pod",
            metadata: { name: "writer", namespace: NS },
            spec: {
                securityContext: restricted,
                restartPolicy: "Never",
                containers: [{
                    name: "writer",
                    image: IMAGE,
                    imagePullPolicy: "IfNotPresent",
                    command: ["sh", "-c", "echo persisted > /data/probe && sleep 600"],
                    securityContext: containerSecurity,
                    volumeMounts: [{ name: "data", mountPath: "/data" }],
                }],
                volumes: [{ name: "data", persistentVolumeClaim: { claimName: "data-10" } }],
            },
        }]);
        ok(["-n", NS, "wait", "pod/writer", "--for=condition=Ready", "--timeout=120s"]);
        const read = await until("the written file", () => {
            const r = kubectl(["-n", NS, "exec", "writer", "--", "cat", "/data/probe"]);
            return r.status === 0 ? r.stdout : undefined;
        }, 15);
        expect(read.trim()).to.equal("persisted");
    });
});
