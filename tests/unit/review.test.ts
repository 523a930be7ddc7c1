/**
 * The review tool's pure logic, without the engine: argument parsing, the
 * refusal of every name that is not pr-<N>, port allocation, the per-PR
 * config, gc selection by TTL and open PRs, and the reading of lock errors.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import {
    MAX_PR, PORT_BASE, UsageError, clearPendingOperations, formatAge, isLockError, isReviewStack, lockAdvice,
    orphanedObjects, parseArgs, parseLockHolders, parseOpenPrs, pendingOperations, portsFor, publicApiService,
    reviewConfig, reviewStackName, secretDefaults, selectForGc, table, templateProblems,
} from "../../scripts/review/logic";
import { MetaStore, fileBackendDir, namesInState } from "../../scripts/review/workspace";

const ROOT = path.resolve(__dirname, "..", "..");
const IMAGES = { app: "webstack/app:abc1234", web: "webstack/web:abc1234", postgres: "postgres:16.4-bookworm", redis: "redis:7.4.1-bookworm", edge: "nginxinc/nginx-unprivileged:1.27.3-alpine" };

function usage(fn: () => unknown): string {
    try {
        fn();
    } catch (e) {
        expect(e).to.be.instanceOf(UsageError);
        return (e as Error).message;
    }
    throw new Error("expected a UsageError");
}

describe("review tool: stack names", () => {
    for (const name of ["staging", "production", "local", "Staging", " production ", "organization/webstack/staging"]) {
        it(`refuses the protected stack "${name}" with a clear message`, () => {
            const m = usage(() => reviewStackName(name, "--stack"));
            expect(m).to.match(/protected long-lived stack/);
            expect(m).to.contain("pr-<N>");
        });
    }
    for (const name of ["foo", "pr-", "pr-abc", "pr-1x", "dev", "pr-01", "-1", "1.5", "pr-42; rm -rf /", "../pr-1"]) {
        it(`refuses "${name}"`, () => {
            expect(usage(() => reviewStackName(name, "--stack"))).to.match(/refusing stack|not a pull request number/);
        });
    }
    it("accepts N and pr-N", () => {
        expect(reviewStackName("42")).to.equal("pr-42");
        expect(reviewStackName("pr-42", "--stack")).to.equal("pr-42");
    });
    it("--stack needs the pr- prefix, --pr takes the number", () => {
        expect(usage(() => reviewStackName("42", "--stack"))).to.contain("--stack pr-N");
    });
    it("refuses PR numbers outside the port range with the range in the message", () => {
        expect(usage(() => reviewStackName("0"))).to.match(/not a pull request number/);
        const m = usage(() => reviewStackName(String(MAX_PR + 1)));
        expect(m).to.contain("out of range");
        expect(m).to.contain(`1..${MAX_PR}`);
        expect(reviewStackName(String(MAX_PR))).to.equal(`pr-${MAX_PR}`);
    });
    it("isReviewStack is true for exactly pr-<N> in range", () => {
        expect(["pr-1", "pr-91", `pr-${MAX_PR}`].every(isReviewStack)).to.equal(true);
        expect(["pr-0", "pr-01", `pr-${MAX_PR + 1}`, "staging", "production", "local", "it-local", "pr-1-x"].some(isReviewStack)).to.equal(false);
    });
});

describe("review tool: ports", () => {
    it("gives api 20000+2N and web 20001+2N", () => {
        expect(portsFor(1)).to.deep.equal({ api: 20002, web: 20003 });
        expect(portsFor(91)).to.deep.equal({ api: 20182, web: 20183 });
    });
    it("never gives two PRs the same port, and stays within the bounded range", () => {
        const seen = new Set<number>();
        for (let n = 1; n <= MAX_PR; n++) {
            const p = portsFor(n);
            for (const port of [p.api, p.web]) {
                expect(seen.has(port), `port ${port} of PR ${n}`).to.equal(false);
                seen.add(port);
                expect(port).to.be.within(PORT_BASE, 29999);
            }
        }
        // The template's own ports and the local stack's are never handed out.
        for (const fixed of [8000, 8080, 18000, 18080, 18100, 18180]) {
            expect(seen.has(fixed)).to.equal(false);
        }
    });
    it("refuses out-of-range PRs", () => {
        expect(() => portsFor(0)).to.throw(UsageError);
        expect(() => portsFor(MAX_PR + 1)).to.throw(UsageError);
    });
});

describe("review tool: arguments", () => {
    it("parses up with every option", () => {
        const o = parseArgs(["up", "--pr", "7", "--sha", "ABCDEF1234", "--owner", "alice", "--image", "app=reg/app:1", "--force-recover", "--skip-policy"]);
        expect(o).to.include({ command: "up", stack: "pr-7", pr: 7, sha: "abcdef1234", owner: "alice", forceRecover: true, skipPolicy: true });
        expect(o.images).to.deep.equal({ app: "reg/app:1" });
    });
    it("accepts --flag=value", () => {
        expect(parseArgs(["destroy", "--pr=12"]).stack).to.equal("pr-12");
    });
    it("help for no command, --help or help", () => {
        expect(parseArgs([]).command).to.equal("help");
        expect(parseArgs(["--help"]).command).to.equal("help");
        expect(parseArgs(["up", "--help"]).command).to.equal("help");
    });
    it("refuses unknown commands and options", () => {
        expect(usage(() => parseArgs(["deploy"]))).to.contain("unknown command");
        expect(usage(() => parseArgs(["up", "--pr", "1", "--yes"]))).to.contain("unknown option");
    });
    it("up, preview, destroy and unlock need --pr", () => {
        for (const c of ["up", "preview", "destroy", "unlock"]) {
            expect(usage(() => parseArgs([c]))).to.contain("--pr N");
        }
    });
    it("refuses protected names through --pr and --stack", () => {
        for (const name of ["staging", "production", "local"]) {
            expect(usage(() => parseArgs(["destroy", "--pr", name]))).to.contain("protected");
            expect(usage(() => parseArgs(["up", "--stack", name]))).to.contain("protected");
        }
        expect(usage(() => parseArgs(["destroy", "--stack", "foo"]))).to.contain("refusing stack");
    });
    it("refuses two different stacks", () => {
        expect(usage(() => parseArgs(["up", "--pr", "1", "--stack", "pr-2"]))).to.contain("two different stacks");
        expect(parseArgs(["up", "--pr", "1", "--stack", "pr-1"]).stack).to.equal("pr-1");
    });
    it("refuses a bad SHA, owner, date or image role", () => {
        expect(usage(() => parseArgs(["up", "--pr", "1", "--sha", "main"]))).to.contain("not a commit SHA");
        expect(usage(() => parseArgs(["up", "--pr", "1", "--owner", "a b"]))).to.contain("--owner");
        expect(usage(() => parseArgs(["up", "--pr", "1", "--owner", "$(id)"]))).to.contain("--owner");
        expect(parseArgs(["up", "--pr", "1", "--owner", "dependabot[bot]"]).owner).to.equal("dependabot[bot]");
        expect(usage(() => parseArgs(["up", "--pr", "1", "--created-at", "yesterday"]))).to.contain("not a date");
        expect(usage(() => parseArgs(["up", "--pr", "1", "--image", "db=x"]))).to.contain("ROLE=REF");
        expect(usage(() => parseArgs(["up", "--pr", "1", "--sha"]))).to.contain("needs a value");
    });
    it("gc needs a criterion, takes no --pr, and only one open-PR source", () => {
        expect(usage(() => parseArgs(["gc"]))).to.contain("--ttl-hours");
        expect(usage(() => parseArgs(["gc", "--ttl-hours", "0"]))).to.contain("positive");
        expect(usage(() => parseArgs(["gc", "--ttl-hours", "-1"]))).to.contain("positive");
        expect(usage(() => parseArgs(["gc", "--ttl-hours", "2", "--pr", "1"]))).to.contain("takes no --pr");
        expect(usage(() => parseArgs(["gc", "--open-prs", "1", "--open-prs-file", "f"]))).to.contain("not both");
        const o = parseArgs(["gc", "--ttl-hours", "72", "--open-prs", "3,1,2", "--dry-run", "--json"]);
        expect(o).to.include({ ttlHours: 72, dryRun: true, json: true });
        expect(o.openPrs).to.deep.equal([1, 2, 3]);
    });
    it("options belong to their commands", () => {
        expect(usage(() => parseArgs(["up", "--pr", "1", "--dry-run"]))).to.contain("belong to gc");
        expect(usage(() => parseArgs(["destroy", "--pr", "1", "--sha", "abcdef1"]))).to.contain("belong to up");
        expect(usage(() => parseArgs(["destroy", "--pr", "1", "--force-recover"]))).to.contain("belongs to up");
        expect(usage(() => parseArgs(["up", "--pr", "1", "--json"]))).to.contain("belongs to list");
        expect(usage(() => parseArgs(["up", "--pr", "1", "--force"]))).to.contain("belongs to unlock");
    });
});

describe("review tool: open PR lists", () => {
    it("reads commas, whitespace, JSON numbers and gh pr list --json number", () => {
        expect(parseOpenPrs("1,2, 3")).to.deep.equal([1, 2, 3]);
        expect(parseOpenPrs("4\n5 6\n")).to.deep.equal([4, 5, 6]);
        expect(parseOpenPrs("[7, 8]")).to.deep.equal([7, 8]);
        expect(parseOpenPrs('[{"number":12},{"number":3}]')).to.deep.equal([3, 12]);
        expect(parseOpenPrs("")).to.deep.equal([]);
        expect(parseOpenPrs("[]")).to.deep.equal([]);
    });
    it("refuses junk", () => {
        expect(usage(() => parseOpenPrs("1,two"))).to.contain("not a PR number");
        expect(usage(() => parseOpenPrs("[1,"))).to.contain("does not parse");
    });
});

describe("review tool: gc selection", () => {
    const now = new Date("2026-11-20T12:00:00Z");
    const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000).toISOString();

    it("destroys stacks older than the TTL and keeps younger ones", () => {
        const d = selectForGc([{ stack: "pr-1", createdAt: hoursAgo(30) }, { stack: "pr-2", createdAt: hoursAgo(2) }], { now, ttlHours: 24 });
        expect(d.map((x) => [x.stack, x.action])).to.deep.equal([["pr-1", "destroy"], ["pr-2", "keep"]]);
        expect(d[0].reason).to.contain("exceeds the TTL of 24h");
    });
    it("destroys stacks whose PR is not open, whatever their age", () => {
        const d = selectForGc([{ stack: "pr-1", createdAt: hoursAgo(1) }, { stack: "pr-2", createdAt: hoursAgo(1) }], { now, openPrs: [2] });
        expect(d.find((x) => x.stack === "pr-1")).to.include({ action: "destroy", reason: "PR #1 is not open" });
        expect(d.find((x) => x.stack === "pr-2")!.action).to.equal("keep");
    });
    it("an empty open list closes every PR", () => {
        expect(selectForGc([{ stack: "pr-5", createdAt: hoursAgo(1) }], { now, openPrs: [] })[0].action).to.equal("destroy");
    });
    it("combines both reasons", () => {
        const [d] = selectForGc([{ stack: "pr-9", createdAt: hoursAgo(100) }], { now, ttlHours: 72, openPrs: [1] });
        expect(d.reason).to.contain("not open").and.to.contain("TTL");
    });
    it("falls back to the last update when no creation time is recorded, and keeps stacks of unknown age", () => {
        const d = selectForGc([{ stack: "pr-3", lastUpdate: hoursAgo(50) }, { stack: "pr-4" }], { now, ttlHours: 24 });
        expect(d.map((x) => x.action)).to.deep.equal(["destroy", "keep"]);
        expect(d[1].reason).to.contain("age unknown");
    });
    it("skips a stack being updated", () => {
        const [d] = selectForGc([{ stack: "pr-6", createdAt: hoursAgo(100), updateInProgress: true }], { now, ttlHours: 1 });
        expect(d.action).to.equal("skip");
    });
    it("never selects a stack that is not pr-<N>", () => {
        const d = selectForGc([{ stack: "staging", createdAt: hoursAgo(1000) }, { stack: "production" }, { stack: "local" }, { stack: "foo" }], { now, ttlHours: 1, openPrs: [] });
        expect(d).to.deep.equal([]);
    });
    it("orders stacks by PR number", () => {
        const d = selectForGc([{ stack: "pr-10" }, { stack: "pr-9" }, { stack: "pr-100" }], { now, ttlHours: 1 });
        expect(d.map((x) => x.stack)).to.deep.equal(["pr-9", "pr-10", "pr-100"]);
    });
});

describe("review tool: per-PR config", () => {
    const template = yaml.load(fs.readFileSync(path.join(ROOT, "stacks", "review.yaml"), "utf8")) as { config: Record<string, any> };

    it("the shipped template is a valid review template", () => {
        expect(templateProblems(template.config)).to.deep.equal([]);
        expect(publicApiService(template.config["webstack:services"])).to.equal("api");
    });
    it("refuses a staging or production file as the template", () => {
        for (const file of ["Pulumi.staging.yaml", "Pulumi.production.yaml", "Pulumi.local.yaml"]) {
            const doc = yaml.load(fs.readFileSync(path.join(ROOT, file), "utf8")) as { config: Record<string, unknown> };
            expect(templateProblems(doc.config).join(" "), file).to.contain("not \"review\"");
        }
    });
    it("refuses encrypted values and foreign keys in the template", () => {
        const p = templateProblems({ ...template.config, "webstack:dbAdminUrl": { secure: "v1:abc" }, "aws:region": "x" });
        expect(p.join("\n")).to.contain("encrypted value").and.to.contain("aws:region");
    });
    it("sets the PR's ports, origin, audience, version stamp and images", () => {
        const c = reviewConfig({ pr: 91, sha: "0123456789ab", buildDate: "2026-11-20T10:00:00Z", appVersion: "0.1.0-pr.91", images: IMAGES, services: ["api", "worker", "scheduler"], publicApi: "api" });
        expect(c.plain["webstack:environment"].value).to.equal("review");
        expect(c.plain["webstack:webHostPort"].value).to.equal("20183");
        expect(c.plain["webstack:jwtIssuer"].value).to.equal("http://localhost:20182");
        expect(c.plain["webstack:jwtAudience"].value).to.equal("webstack-pr-91");
        // A SHA with a leading zero stays a string: it is set without path semantics.
        expect(c.plain["webstack:gitSha"].value).to.equal("0123456789ab");
        expect(Object.keys(c.plain).some((k) => /[.[]/.test(k.slice("webstack:".length)))).to.equal(false);
        expect(c.paths["webstack:corsOrigins[0]"].value).to.equal("http://localhost:20183");
        expect(c.paths["webstack:services.api.hostPort"].value).to.equal("20182");
        for (const s of ["api", "worker", "scheduler"]) {
            expect(c.paths[`webstack:services.${s}.image`].value).to.equal(IMAGES.app);
        }
        expect(c.plain["webstack:dbImage"].value).to.equal(IMAGES.postgres);
        expect(c.plain["webstack:edgeImage"].value).to.equal(IMAGES.edge);
    });
    it("carries no secret and nothing from staging or production", () => {
        const c = reviewConfig({ pr: 3, sha: "abcdef1", buildDate: "2026-11-20T10:00:00Z", appVersion: "0.1.0-pr.3", images: IMAGES, services: ["api"], publicApi: "api" });
        const all = { ...c.plain, ...c.paths };
        expect(Object.values(all).some((v) => v.secret)).to.equal(false);
        const text = JSON.stringify(all);
        expect(text).to.not.match(/staging|production|webstack\.example\.com/);
    });
    it("encrypts the defaults of the project's secret keys the stack does not set (the CLI refuses plain ones)", () => {
        const project = { dbAdminUrl: { type: "string", secret: true, default: "" }, logLevel: { type: "string", default: "info" }, apiKey: { type: "string", secret: true }, "other:key": { secret: true, default: 3 } };
        expect(secretDefaults(project, {})).to.deep.equal({
            "webstack:dbAdminUrl": { value: "", secret: true },
            "webstack:apiKey": { value: "", secret: true },
            "other:key": { value: "3", secret: true },
        });
        expect(secretDefaults(project, { "webstack:dbAdminUrl": { secure: "v1:x" } })).to.not.have.property("webstack:dbAdminUrl");
        const shipped = (yaml.load(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { config: Record<string, unknown> }).config;
        for (const v of Object.values(secretDefaults(shipped, template.config))) {
            expect(v.secret).to.equal(true);
        }
    });
    it("gives a Kubernetes review stack its own host names under the template's domain, and no ports", () => {
        const c = reviewConfig({ pr: 7, sha: "abcdef1", buildDate: "2026-11-20T10:00:00Z", appVersion: "0.1.0-pr.7", images: IMAGES, services: ["api", "worker"], publicApi: "api", target: "kubernetes", domain: "review.example.org" });
        expect(c.plain["webstack:domain"].value).to.equal("pr-7.review.example.org");
        expect(c.plain["webstack:jwtIssuer"].value).to.equal("https://api.pr-7.review.example.org");
        expect(c.paths["webstack:corsOrigins[0]"].value).to.equal("https://pr-7.review.example.org");
        expect(c.plain["webstack:jwtAudience"].value).to.equal("webstack-pr-7");
        expect(c.paths["webstack:services.worker.image"].value).to.equal(IMAGES.app);
        const keys = Object.keys({ ...c.plain, ...c.paths });
        expect(keys.filter((k) => /hostPort|HostPort|edgeImage/.test(k))).to.deep.equal([]);
        expect(() => reviewConfig({ pr: 7, sha: "a", buildDate: "x", appVersion: "v", images: IMAGES, services: [], target: "kubernetes" })).to.throw(/webstack:domain/);
    });
    it("accepts the shipped Kubernetes review template", () => {
        const doc = yaml.load(fs.readFileSync(path.join(ROOT, "stacks", "review-kubernetes.yaml"), "utf8")) as { config: Record<string, unknown> };
        expect(templateProblems(doc.config)).to.deep.equal([]);
        expect(doc.config["webstack:target"]).to.equal("kubernetes");
    });
    it("takes --template for up and preview only", () => {
        expect(parseArgs(["up", "--pr", "5", "--template", "stacks/review-kubernetes.yaml"]).template).to.equal("stacks/review-kubernetes.yaml");
        expect(() => parseArgs(["destroy", "--pr", "5", "--template", "x.yaml"])).to.throw(/--template/);
    });
    it("two PRs never share a port or an audience", () => {
        const a = reviewConfig({ pr: 1, sha: "abcdef1", buildDate: "x", appVersion: "v", images: IMAGES, services: ["api"], publicApi: "api" });
        const b = reviewConfig({ pr: 2, sha: "abcdef1", buildDate: "x", appVersion: "v", images: IMAGES, services: ["api"], publicApi: "api" });
        expect(a.plain["webstack:webHostPort"].value).to.not.equal(b.plain["webstack:webHostPort"].value);
        expect(a.paths["webstack:services.api.hostPort"].value).to.not.equal(b.paths["webstack:services.api.hostPort"].value);
        expect(a.plain["webstack:jwtAudience"].value).to.not.equal(b.plain["webstack:jwtAudience"].value);
    });
});

describe("review tool: locks and interrupted runs", () => {
    const diy = "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.\n" +
        "  file:///work/main/.pulumi-state/.pulumi/locks/organization/webstack/pr-7/0d5ec12f.json: created by root@ci-runner-3 (pid 4242) at 2026-11-20T10:00:00Z";

    it("recognizes the file backend's and Pulumi Cloud's lock errors", () => {
        expect(isLockError(diy)).to.equal(true);
        expect(isLockError("[409] Conflict: Another update is currently in progress.")).to.equal(true);
        expect(isLockError("error: update failed")).to.equal(false);
    });
    it("reads who holds the lock", () => {
        expect(parseLockHolders(diy)).to.deep.equal([{
            file: "file:///work/main/.pulumi-state/.pulumi/locks/organization/webstack/pr-7/0d5ec12f.json",
            user: "root", host: "ci-runner-3", pid: 4242, since: "2026-11-20T10:00:00Z",
        }]);
    });
    it("advises waiting for a live holder and unlocking a stale one, never pulumi cancel for file backends", () => {
        const [h] = parseLockHolders(diy);
        const live = lockAdvice("pr-7", [{ ...h, alive: true }], "ci-runner-3");
        expect(live).to.contain("still running").and.to.contain("wait for that run to finish");
        expect(live).to.not.contain("stale");
        const stale = lockAdvice("pr-7", [{ ...h, alive: false }], "ci-runner-3");
        expect(stale).to.contain("stale").and.to.contain("npm run review -- unlock --pr 7").and.to.contain("--force-recover");
        const remote = lockAdvice("pr-7", [h], "laptop");
        expect(remote).to.contain("on another machine").and.to.contain("--force");
        expect(live).to.contain("`pulumi cancel` only cancels updates on Pulumi Cloud");
    });
    it("lists and clears pending operations without touching the rest of the state", () => {
        const state = { version: 3, deployment: { resources: [{ urn: "u1" }], pending_operations: [{ type: "creating", resource: { urn: "urn:pulumi:pr-7::webstack::docker:index/container:Container::pr-7-api" } }] } };
        expect(pendingOperations(state)).to.deep.equal([{ type: "creating", urn: "urn:pulumi:pr-7::webstack::docker:index/container:Container::pr-7-api" }]);
        const cleared = clearPendingOperations(state);
        expect(pendingOperations(cleared)).to.deep.equal([]);
        expect(cleared.deployment.resources).to.deep.equal([{ urn: "u1" }]);
        expect(state.deployment.pending_operations).to.have.length(1);
        expect(pendingOperations({ deployment: {} })).to.deep.equal([]);
    });
    it("orphans are the stack's own Docker objects the state does not know", () => {
        const existing = ["pr-7-api-1a2b3c4", "pr-7-db-9f8e7d6", "pr-71-api-0000000", "pr-7x", "staging-api"];
        expect(orphanedObjects("pr-7", existing, new Set(["pr-7-db-9f8e7d6"]))).to.deep.equal(["pr-7-api-1a2b3c4"]);
        expect(() => orphanedObjects("staging", existing, new Set())).to.throw(UsageError);
    });
    it("reads Docker names from an exported state", () => {
        const state = { deployment: { resources: [
            { type: "docker:index/container:Container", outputs: { name: "pr-7-api-1" } },
            { type: "docker:index/network:Network", outputs: { name: "pr-7-private-2" } },
            { type: "docker:index/volume:Volume", outputs: { name: "pr-7-db-data-3" } },
            { type: "random:index/randomPassword:RandomPassword", outputs: { result: "x" } },
        ] } };
        expect([...namesInState(state)].sort()).to.deep.equal(["pr-7-api-1", "pr-7-db-data-3", "pr-7-private-2"]);
    });
});

describe("review tool: small helpers", () => {
    it("formats ages", () => {
        expect(formatAge(5 * 60_000)).to.equal("5m");
        expect(formatAge(125 * 60_000)).to.equal("2h 5m");
        expect(formatAge(50 * 3_600_000)).to.equal("2d 2h");
        expect(formatAge(-1)).to.equal("-");
    });
    it("aligns tables", () => {
        expect(table([["A", "BB"], ["ccc", "d"]])).to.equal("A    BB\nccc  d");
    });
    it("resolves file backend URLs", () => {
        expect(fileBackendDir("file:///tmp/x")).to.equal("/tmp/x");
        expect(fileBackendDir("s3://bucket")).to.equal(undefined);
    });
    it("keeps metadata in a file when the backend keeps no tags", async () => {
        const dir = fs.mkdtempSync(path.join(require("os").tmpdir(), "review-meta-"));
        try {
            const store = new MetaStore(dir);
            const ws = {
                setTag: async () => { throw new Error("stack tags not supported in diy mode"); },
                listTags: async () => { throw new Error("stack tags not supported in diy mode"); },
            } as any;
            const meta = { stack: "pr-3", pr: 3, owner: "alice", createdAt: "2026-01-01T00:00:00.000Z", ports: portsFor(3) };
            await store.write(ws, meta);
            expect(store.tagsSupported).to.equal(false);
            expect(await store.read(ws, "pr-3")).to.deep.equal(meta);
            store.remove("pr-3");
            expect(await store.read(ws, "pr-3")).to.equal(undefined);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
    it("reads metadata from stack tags when there is no file", async () => {
        const dir = fs.mkdtempSync(path.join(require("os").tmpdir(), "review-meta-"));
        try {
            const store = new MetaStore(dir);
            const ws = { listTags: async () => ({ "webstack:review-owner": "bob", "webstack:review-created-at": "2026-02-02T00:00:00Z" }) } as any;
            const m = await store.read(ws, "pr-4");
            expect(m).to.include({ owner: "bob", createdAt: "2026-02-02T00:00:00Z", pr: 4 });
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
