/**
 * Review stacks on the local Kubernetes cluster, driven by the review tool
 * with the Kubernetes template: up (with the review policy config), list,
 * preview with no changes, destroy, and gc of a stack whose PR is closed.
 * Each leaves the cluster as it should: a namespace per stack while it
 * lives, none after.
 */
import { expect } from "chai";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import { ROOT, requireEngine, tail } from "./engine";
import { Cluster, kubectl, localCluster, viaIngress } from "./kube";
import { Tool, imageFlags } from "./review-tool";

const PR = 95;
const GC_PR = 96;

describe("review stacks on a real Kubernetes cluster", function () {
    this.timeout(45 * 60_000);
    let tool: Tool;
    let cluster: Cluster;
    let template: string;
    let images: string[] = [];
    let domain: string;
    const timings: Record<string, number> = {};
    const namespaceExists = (pr: number) => kubectl(cluster, ["get", "namespace", `webstack-pr-${pr}`]).code === 0;

    before(function () {
        requireEngine(this, { plugins: ["random", "kubernetes"] });
        cluster = localCluster();
        tool = new Tool();
        tool.env.KUBECONFIG = cluster.kubeconfig;
        // The shipped template with this cluster's ingress class, as an operator would set theirs.
        const doc = yaml.load(fs.readFileSync(path.join(ROOT, "stacks", "review-kubernetes.yaml"), "utf8")) as { config: Record<string, unknown> };
        doc.config["webstack:ingressClass"] = cluster.ingressClass;
        domain = doc.config["webstack:domain"] as string;
        template = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "webstack-review-k8s-")), "review-kubernetes.yaml");
        fs.writeFileSync(template, yaml.dump(doc));
        const sha = spawnSync("git", ["rev-parse", "--short=12", "HEAD"], { cwd: ROOT, encoding: "utf8" }).stdout.trim() || "0000000";
        images = imageFlags(sha);
        const refs = images.filter((_, i) => i % 2 === 1).map((f) => f.split("=")[1]);
        execFileSync("bash", [path.join(ROOT, "scripts", "cluster.sh"), "load-images", ...refs], { stdio: ["ignore", "inherit", "inherit"] });
        for (const pr of [PR, GC_PR]) {
            kubectl(cluster, ["delete", "namespace", `webstack-pr-${pr}`, "--ignore-not-found", "--wait=true", "--timeout=300s"]);
            fs.rmSync(path.join(ROOT, `Pulumi.pr-${pr}.yaml`), { force: true });
        }
    });

    after(async () => {
        console.log(`      timings (s): ${JSON.stringify(timings)}`);
        if (tool) {
            for (const pr of [PR, GC_PR]) {
                if (fs.existsSync(path.join(ROOT, `Pulumi.pr-${pr}.yaml`))) {
                    await tool.run("destroy", "--pr", String(pr));
                }
                fs.rmSync(path.join(ROOT, `Pulumi.pr-${pr}.yaml`), { force: true });
            }
            tool.dispose();
        }
    });

    it("up creates the stack in its own namespace, serves it through the ingress and prints its URLs", async () => {
        const r = await tool.run("up", "--pr", String(PR), "--template", template, ...images);
        timings.up = r.seconds;
        expect(r.code, tail(r.output, 120)).to.equal(0);
        expect(r.stdout).to.contain(`web: https://pr-${PR}.${domain}`).and.to.contain(`api: https://api.pr-${PR}.${domain}`);
        expect(namespaceExists(PR)).to.equal(true);
        const ready = await viaIngress(cluster, `api.pr-${PR}.${domain}`, "/ready");
        expect(ready.status, ready.body).to.equal(200);
        expect((await viaIngress(cluster, `pr-${PR}.${domain}`, "/")).status).to.equal(200);
    });

    it("list shows the stack with its URLs", async () => {
        const rows = JSON.parse((await tool.run("list", "--json")).stdout) as { stack: string; urls?: { web?: string } }[];
        const row = rows.find((x) => x.stack === `pr-${PR}`);
        expect(row, JSON.stringify(rows)).to.not.equal(undefined);
        expect(row!.urls?.web).to.equal(`https://pr-${PR}.${domain}`);
    });

    it("preview of the same commit plans no change", async () => {
        const r = await tool.run("preview", "--pr", String(PR), "--template", template, ...images);
        timings.preview = r.seconds;
        expect(r.code, tail(r.output, 80)).to.equal(0);
        const summary = /preview of pr-\d+: (\{.*\})/.exec(r.stderr);
        expect(summary, r.stderr).to.not.equal(null);
        // Reading the stack's own outputs (its StackReference) is not a change.
        const changes = Object.keys(JSON.parse(summary![1])).filter((op) => op !== "same" && op !== "read");
        expect(changes, tail(r.stdout, 150)).to.deep.equal([]);
    });

    it("destroy removes the namespace, the stack and its config file", async () => {
        const r = await tool.run("destroy", "--pr", String(PR));
        timings.destroy = r.seconds;
        expect(r.code, tail(r.output, 80)).to.equal(0);
        expect(namespaceExists(PR)).to.equal(false);
        expect(fs.existsSync(path.join(ROOT, `Pulumi.pr-${PR}.yaml`))).to.equal(false);
        const rows = JSON.parse((await tool.run("list", "--json")).stdout) as { stack: string }[];
        expect(rows.map((x) => x.stack)).to.not.include(`pr-${PR}`);
    });

    it("gc destroys the stack of a closed pull request and keeps nothing of it", async () => {
        const up = await tool.run("up", "--pr", String(GC_PR), "--template", template, "--skip-policy", ...images);
        timings.gcUp = up.seconds;
        expect(up.code, tail(up.output, 80)).to.equal(0);
        expect(namespaceExists(GC_PR)).to.equal(true);
        // Only PR 1 is open: pr-96 belongs to a closed pull request.
        const gc = await tool.run("gc", "--open-prs", "1");
        timings.gc = gc.seconds;
        expect(gc.code, tail(gc.output, 80)).to.equal(0);
        expect(gc.output).to.contain(`pr-${GC_PR}`);
        expect(namespaceExists(GC_PR)).to.equal(false);
        const rows = JSON.parse((await tool.run("list", "--json")).stdout) as { stack: string }[];
        expect(rows.map((x) => x.stack)).to.not.include(`pr-${GC_PR}`);
    });
});
