/**
 * Staging and production on a real Kubernetes cluster (scripts/cluster.sh)
 * through the real Pulumi engine with the policy pack: up, every workload
 * ready and admitted under the restricted Pod Security level, smoke checks
 * through the ingress controller, a second up with no changes, no generated
 * secret in plain text, rotation (by the clock and forced) with the api ready
 * throughout, and a destroy that leaves nothing of the stack.
 *
 * Images are built here from Debian's packages (no registry is reachable) and
 * loaded into the node's container runtime; the stacks get them, the cluster's
 * ingress class and the generic cloud profile through config, as an operator
 * of another cluster would set their own.
 */
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { Engine, ROOT, policyConfig, requireEngine, tail } from "./engine";
import { Cluster, items, kubectl, localCluster, pinnedOnTheNode, viaIngress } from "./kube";
import { buildImages, gitSha } from "./images";

const DAY_MS = 86_400_000;
const PASSWORD = "random:index/randomPassword:RandomPassword";

/** Builds the images (scripts/images.sh), loads them into the node and returns them by role. */
function imagesOnTheNode(sha: string): Record<string, string> {
    const images = buildImages(sha, ["app", "web", "postgres", "redis"]);
    execFileSync("bash", [path.join(ROOT, "scripts", "cluster.sh"), "load-images", images.app, images.web, images.postgres, images.redis], { stdio: ["ignore", "inherit", "inherit"] });
    return images;
}

/** The shipped stack file with this cluster's settings and the images built here. */
function stackYaml(file: string, cluster: Cluster, images: Record<string, string>, sha: string): string {
    const doc = yaml.load(fs.readFileSync(path.join(ROOT, file), "utf8")) as { config: Record<string, any> };
    const c = doc.config;
    c["webstack:cloudProfile"] = "generic";
    c["webstack:ingressClass"] = cluster.ingressClass;
    c["webstack:gitSha"] = sha;
    c["webstack:buildDate"] = new Date().toISOString().replace(/\.\d+Z$/, "Z");
    c["webstack:dbImage"] = images.postgres;
    c["webstack:cacheImage"] = images.redis;
    c["webstack:webImage"] = images.web;
    for (const svc of Object.values(c["webstack:services"]) as any[]) {
        svc.image = images.app;
    }
    if (c["webstack:environment"] === "production") {
        // Production runs images by digest only: the digests the node holds for the images loaded above.
        for (const key of ["webstack:dbImage", "webstack:cacheImage", "webstack:webImage"]) {
            c[key] = pinnedOnTheNode(c[key]);
        }
        for (const svc of Object.values(c["webstack:services"]) as any[]) {
            svc.image = pinnedOnTheNode(svc.image);
        }
    }
    return yaml.dump(doc);
}

/** Generated secret values in the stack's state, by URN (read with --show-secrets). */
async function generatedSecrets(engine: Engine, stack: string, env: NodeJS.ProcessEnv): Promise<Map<string, string>> {
    const state = JSON.parse((await engine.ok(["stack", "export", "--stack", stack, "--show-secrets"], { env })).stdout);
    const values = new Map<string, string>();
    for (const r of state.deployment.resources ?? []) {
        if (r.type === PASSWORD) {
            const result = r.outputs?.result;
            const plain = typeof result === "string" ? result : result?.plaintext ? JSON.parse(result.plaintext) : undefined;
            if (typeof plain === "string") {
                values.set(r.urn, plain);
            }
        }
    }
    return values;
}

/** Polls `check` every 250 ms while `during` runs; returns the failures and the poll count. */
async function pollDuring(check: () => Promise<string | undefined>, during: () => Promise<void>): Promise<{ polls: number; failures: string[] }> {
    let polling = true;
    let polls = 0;
    const failures: string[] = [];
    const poller = (async () => {
        while (polling) {
            polls++;
            try {
                const problem = await check();
                if (problem) {
                    failures.push(`${new Date().toISOString()} ${problem}`);
                }
            } catch (e) {
                failures.push(`${new Date().toISOString()} ${(e as Error).message}`);
            }
            await new Promise((r) => setTimeout(r, 250));
        }
    })();
    try {
        await during();
    } finally {
        polling = false;
        await poller;
    }
    return { polls, failures };
}

interface StackCase {
    file: string;
    stack: string;
    environment: "staging" | "production";
    /** Rotation by the clock and forced rotation of one slot (slow: staging only). */
    rotation: boolean;
}

const CASES: StackCase[] = [
    { file: "Pulumi.staging.yaml", stack: "it-k8s-staging", environment: "staging", rotation: true },
    { file: "Pulumi.production.yaml", stack: "it-k8s-production", environment: "production", rotation: false },
];

for (const c of CASES) {
    describe(`${c.environment} on a real Kubernetes cluster`, function () {
        this.timeout(60 * 60_000);
        const namespace = `webstack-${c.stack}`;
        let engine: Engine;
        let cluster: Cluster;
        let sha: string;
        let domain: string;
        /** Env of every engine command: the cluster, and the clock once rotation moved it. */
        let env: NodeJS.ProcessEnv = {};
        let secrets = new Map<string, string>();
        const timings: Record<string, number> = {};
        const step = (name: string, seconds: number) => {
            timings[name] = Math.round(seconds * 10) / 10;
            console.log(`      [${c.stack}] ${name}: ${timings[name]}s`);
        };

        before(async function () {
            requireEngine(this, { plugins: ["random", "kubernetes"] });
            cluster = localCluster();
            engine = new Engine();
            env = { KUBECONFIG: cluster.kubeconfig };
            sha = gitSha();
            const t = Date.now();
            const images = imagesOnTheNode(sha);
            step("images built and loaded", (Date.now() - t) / 1000);
            // A namespace left by an interrupted run would make the stack's own fail.
            kubectl(cluster, ["delete", "namespace", namespace, "--ignore-not-found", "--wait=true", "--timeout=300s"]);
            const text = stackYaml(c.file, cluster, images, sha);
            domain = (yaml.load(text) as any).config["webstack:domain"];
            await engine.initStack(c.stack, text);
        });

        after(async () => {
            console.log(`      [${c.stack}] timings (s): ${JSON.stringify(timings)}`);
            if (engine && process.env.WEBSTACK_KEEP_STACKS) {
                console.log(`      [${c.stack}] kept for inspection (WEBSTACK_KEEP_STACKS): PULUMI_BACKEND_URL=file://${engine.backendDir} KUBECONFIG=${cluster.kubeconfig}`);
            } else if (engine) {
                await engine.run(["destroy", "--stack", c.stack, "--yes", "--skip-preview"], { env, timeoutSeconds: 900 });
                await engine.removeStack(c.stack);
                engine.dispose();
            }
        });

        /** Pods of one service of the stack, by its selector labels. */
        const pods = (service: string) => items(cluster, namespace, "pods", `app.kubernetes.io/instance=${c.stack}-${service}`);
        const runningPod = (service: string): string => {
            const p = pods(service).find((x) => x.status.phase === "Running" && !x.metadata.deletionTimestamp);
            if (!p) {
                throw new Error(`no running pod of ${service} in ${namespace}`);
            }
            return p.metadata.name;
        };
        const ready = async (): Promise<string | undefined> => {
            const r = await viaIngress(cluster, `api.${domain}`, "/ready");
            return r.status === 200 ? undefined : `${r.status} ${r.body.slice(0, 200)}`;
        };
        const psqlAs = (user: string, password: string): boolean => {
            const r = kubectl(cluster, ["exec", "-n", namespace, runningPod("db"), "--", "env", `PGPASSWORD=${password}`, "psql", "-h", "127.0.0.1", "-U", user, "-d", "app", "-tAc", "select 1"]);
            return r.code === 0 && r.stdout.trim() === "1";
        };
        const jobUids = (): Map<string, string> => new Map(items(cluster, namespace, "jobs").map((j) => [j.metadata.labels["app.kubernetes.io/name"], j.metadata.uid]));

        it("1. up with the policy pack: every workload ready, every pod admitted as restricted", async () => {
            const r = await engine.run(["up", "--stack", c.stack, "--yes", "--skip-preview", "--policy-pack", path.join(ROOT, "policies"), "--policy-pack-config", policyConfig(c.environment)], { env, timeoutSeconds: 1800 });
            step("up", r.seconds);
            const output = r.stdout + r.stderr;
            expect(r.code, `up failed:\n${tail(output, 150)}`).to.equal(0);
            expect(output).to.not.match(/mandatory/i);

            const ns = JSON.parse(kubectl(cluster, ["get", "namespace", namespace, "-o", "json"]).stdout);
            expect(ns.metadata.labels["pod-security.kubernetes.io/enforce"]).to.equal("restricted");
            const deployments = items(cluster, namespace, "deployments");
            expect(deployments.map((d) => d.metadata.labels["app.kubernetes.io/name"]).sort()).to.include.members(["api", "scheduler", "web", "worker"]);
            for (const d of deployments) {
                expect(d.status.readyReplicas ?? 0, `${d.metadata.name} ready replicas`).to.equal(d.spec.replicas);
            }
            const statefulSets = items(cluster, namespace, "statefulsets");
            expect(statefulSets.map((s) => s.metadata.labels["app.kubernetes.io/name"]).sort()).to.include.members(["cache", "db"]);
            for (const s of statefulSets) {
                expect(s.status.readyReplicas ?? 0, `${s.metadata.name} ready replicas`).to.equal(s.spec.replicas);
            }
            const jobs = items(cluster, namespace, "jobs");
            expect(jobs.length, "access and migration jobs").to.be.greaterThanOrEqual(3);
            for (const j of jobs) {
                const complete = (j.status.conditions ?? []).find((x: { type: string }) => x.type === "Complete");
                expect(complete?.status, `${j.metadata.name} complete: ${JSON.stringify(j.status)}`).to.equal("True");
            }
            // No pod was refused by the restricted level, and every pod runs or has finished.
            const refused = items(cluster, namespace, "events").filter((e) => /PodSecurity|violates/.test(e.message ?? ""));
            expect(refused.map((e) => e.message)).to.deep.equal([]);
            for (const p of items(cluster, namespace, "pods")) {
                expect(["Running", "Succeeded"], `${p.metadata.name} is ${p.status.phase}`).to.include(p.status.phase);
            }
        });

        it("2. smoke checks through the ingress: /health, /ready, /version, the web page, CORS", async () => {
            const api = `api.${domain}`;
            expect((await viaIngress(cluster, api, "/health")).status).to.equal(200);
            const readiness = await viaIngress(cluster, api, "/ready");
            expect(readiness.status, readiness.body).to.equal(200);
            const version = JSON.parse((await viaIngress(cluster, api, "/version")).body);
            expect(version.gitSha).to.equal(sha);
            const page = await viaIngress(cluster, domain, "/");
            expect(page.status).to.equal(200);
            expect(page.headers["x-content-type-options"]).to.equal("nosniff");
            const config = (await viaIngress(cluster, domain, "/config.json")).body;
            expect(config).to.contain(`https://api.${domain}`);
            expect(config).to.contain(sha);
            const origin = `https://${domain}`;
            const cors = await viaIngress(cluster, api, "/version", { headers: { origin } });
            expect(cors.headers["access-control-allow-origin"]).to.equal(origin);
        });

        it("2b. a job flows from the api through the cache and the worker into the database", async () => {
            const token = kubectl(cluster, ["exec", "-n", namespace, runningPod("api"), "--", "node", "dist/token.js"]).stdout.trim();
            expect(token.split("."), "a JWT from the api's token tool").to.have.length(3);
            const headers = { "content-type": "application/json", authorization: `Bearer ${token}` };
            const created = await viaIngress(cluster, `api.${domain}`, "/api/jobs", { method: "POST", headers, body: JSON.stringify({ payload: { hello: "kubernetes" } }) });
            expect(created.status, created.body).to.equal(202);
            const { id } = JSON.parse(created.body) as { id: string | number };
            let status = "";
            for (let i = 0; i < 90 && status !== "done"; i++) {
                await new Promise((r) => setTimeout(r, 500));
                status = JSON.parse((await viaIngress(cluster, `api.${domain}`, `/api/jobs/${id}`, { headers })).body).status;
            }
            expect(status).to.equal("done");
        });

        it("3. a second up reports no changes", async () => {
            const r = await engine.run(["preview", "--stack", c.stack, "--expect-no-changes", "--diff"], { env });
            step("second preview", r.seconds);
            expect(r.code, `changes found:\n${tail(r.stdout + r.stderr, 80)}`).to.equal(0);
        });

        it("4. state, outputs and command output hold no generated secret in plain text", async () => {
            secrets = await generatedSecrets(engine, c.stack, env);
            expect(secrets.size).to.be.greaterThanOrEqual(10);
            const exported = (await engine.ok(["stack", "export", "--stack", c.stack], { env })).stdout;
            const outputs = (await engine.ok(["stack", "output", "--stack", c.stack, "--json"], { env })).stdout;
            const haystacks = { state: exported, outputs, commands: engine.log.filter((l) => !l.includes("--show-secrets")).join("\n") };
            for (const [urn, value] of secrets) {
                for (const [where, text] of Object.entries(haystacks)) {
                    expect(text.includes(value), `${urn} appears in plain text in ${where}`).to.equal(false);
                }
            }
        });

        if (c.rotation) {
            it("5. rotation by the clock: only the older slots change, access jobs re-run, pods roll, 0 failed polls", async () => {
                const before = secrets.size > 0 ? secrets : await generatedSecrets(engine, c.stack, env);
                const jobsBefore = jobUids();
                const apiPodsBefore = pods("api").map((p) => p.metadata.name);
                const period = Number((yaml.load(fs.readFileSync(path.join(ROOT, c.file), "utf8")) as any).config["webstack:rotationPeriodDays"]);
                env = { ...env, WEBSTACK_CLOCK: new Date(Date.now() + (period + 1) * DAY_MS).toISOString() };
                let r = { code: -1, stdout: "", stderr: "", seconds: 0 };
                const polled = await pollDuring(ready, async () => {
                    r = await engine.run(["up", "--stack", c.stack, "--yes", "--skip-preview"], { env, timeoutSeconds: 1800 });
                });
                step("rotation up", r.seconds);
                expect(r.code, `rotation up failed:\n${tail(r.stdout + r.stderr, 150)}`).to.equal(0);
                expect(polled.polls).to.be.greaterThan(20);
                expect(polled.failures, `api not ready during rotation (${polled.failures.length}/${polled.polls} polls)`).to.deep.equal([]);

                const after = await generatedSecrets(engine, c.stack, env);
                const changed = [...before.keys()].filter((urn) => after.get(urn) !== before.get(urn));
                expect(changed.length, "one slot of each credential").to.equal(before.size / 2);
                for (const urn of changed) {
                    const other = urn.endsWith("-a") ? urn.replace(/-a$/, "-b") : urn.replace(/-b$/, "-a");
                    expect(changed, `both slots of ${urn} changed`).to.not.include(other);
                }
                const jobsAfter = jobUids();
                for (const access of ["db-access", "cache-access"]) {
                    expect(jobsAfter.get(access), `${access} ran again`).to.be.a("string").and.not.equal(jobsBefore.get(access));
                }
                const apiPodsAfter = pods("api").filter((p) => !p.metadata.deletionTimestamp).map((p) => p.metadata.name);
                expect(apiPodsAfter.filter((p) => apiPodsBefore.includes(p)), "api pods from before rotation").to.deep.equal([]);
                const apiSlots = [...before.keys()].filter((u) => /db-api-[ab]$/.test(u));
                expect(apiSlots).to.have.length(2);
                for (const urn of apiSlots) {
                    const slot = urn.endsWith("-a") ? "a" : "b";
                    expect(psqlAs(`api_${slot}`, before.get(urn)!), `api_${slot} with its value from before`).to.equal(!changed.includes(urn));
                    expect(psqlAs(`api_${slot}`, after.get(urn)!), `api_${slot} with its current value`).to.equal(true);
                }
                secrets = after;
            });

            it("6. forced rotation of one slot: the access job re-runs and the clients' pods roll, 0 failed polls", async () => {
                const before = secrets;
                const target = [...before.keys()].find((u) => /db-api-[ab]$/.test(u))!;
                expect(target, "the api's database credential").to.be.a("string");
                const jobsBefore = jobUids();
                const apiPodsBefore = pods("api").map((p) => p.metadata.name);
                let r = { code: -1, stdout: "", stderr: "", seconds: 0 };
                const polled = await pollDuring(ready, async () => {
                    r = await engine.run(["up", "--stack", c.stack, "--yes", "--skip-preview", "--replace", target], { env, timeoutSeconds: 1800 });
                });
                step("forced rotation up", r.seconds);
                expect(r.code, `forced rotation failed:\n${tail(r.stdout + r.stderr, 150)}`).to.equal(0);
                expect(polled.failures, `api not ready during forced rotation (${polled.failures.length}/${polled.polls} polls)`).to.deep.equal([]);
                const after = await generatedSecrets(engine, c.stack, env);
                const changed = [...before.keys()].filter((urn) => after.get(urn) !== before.get(urn));
                expect(changed).to.deep.equal([target]);
                expect(jobUids().get("db-access"), "db-access ran again").to.not.equal(jobsBefore.get("db-access"));
                const apiPodsAfter = pods("api").filter((p) => !p.metadata.deletionTimestamp).map((p) => p.metadata.name);
                expect(apiPodsAfter.filter((p) => apiPodsBefore.includes(p)), "api pods from before").to.deep.equal([]);
                const slot = target.endsWith("-a") ? "a" : "b";
                expect(psqlAs(`api_${slot}`, before.get(target)!), "the replaced value").to.equal(false);
                expect(psqlAs(`api_${slot}`, after.get(target)!), "the new value").to.equal(true);
                secrets = after;
            });
        }

        it("7. destroy leaves no namespace, object or volume of the stack", async () => {
            const claims = items(cluster, namespace, "persistentvolumeclaims").map((p) => p.spec.volumeName).filter(Boolean);
            expect(claims.length, "the database's volume").to.be.greaterThanOrEqual(1);
            const r = await engine.run(["destroy", "--stack", c.stack, "--yes", "--skip-preview"], { env, timeoutSeconds: 900 });
            step("destroy", r.seconds);
            expect(r.code, tail(r.stdout + r.stderr)).to.equal(0);
            const ns = kubectl(cluster, ["get", "namespace", namespace]);
            expect(ns.code, `namespace still there: ${ns.stdout}`).to.not.equal(0);
            expect(ns.stderr).to.match(/NotFound|not found/);
            // Cluster-scoped leftovers: volumes still bound to the stack's claims.
            let left: string[] = [];
            for (let i = 0; i < 60; i++) {
                const pvs = JSON.parse(kubectl(cluster, ["get", "pv", "-o", "json"]).stdout).items as any[];
                left = pvs.filter((p) => p.spec.claimRef?.namespace === namespace).map((p) => `${p.metadata.name} (${p.status.phase})`);
                if (left.length === 0) {
                    break;
                }
                await new Promise((res) => setTimeout(res, 1000));
            }
            expect(left, "persistent volumes of the stack").to.deep.equal([]);
        });
    });
}
