/**
 * The GitHub Actions workflows: actionlint (built from the Go module proxy by
 * scripts/actionlint.sh) plus the project's own rules, read with js-yaml:
 * pinned actions, least-privilege permissions, no literal secrets, the
 * policy pack in PR previews, no build in production promotion, deploys that
 * never overlap, and the PR's environment selection run for real.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";

const ROOT = path.resolve(__dirname, "..", "..");
const DIR = path.join(ROOT, ".github", "workflows");
const EXPECTED = ["deploy-staging.yml", "promote-production.yml", "pull-request.yml", "review-gc.yml", "rotate-secrets.yml"];

interface Step { name?: string; id?: string; uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, unknown>; if?: string }
interface Job { "runs-on"?: unknown; permissions?: unknown; steps?: Step[]; env?: Record<string, unknown>; if?: string; needs?: unknown; concurrency?: { group: string; "cancel-in-progress"?: unknown } | string; strategy?: { matrix?: Record<string, unknown>; "max-parallel"?: number }; environment?: unknown; uses?: string; outputs?: Record<string, string>; defaults?: { run?: { "working-directory"?: string } } }
interface Workflow { name?: string; on?: any; permissions?: unknown; env?: Record<string, unknown>; concurrency?: { group: string; "cancel-in-progress"?: unknown } | string; jobs: Record<string, Job> }

function load(file: string): Workflow {
    return yaml.load(fs.readFileSync(path.join(DIR, file), "utf8")) as Workflow;
}

function files(): string[] {
    return fs.existsSync(DIR) ? fs.readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f)).sort() : [];
}

function steps(wf: Workflow): { job: string; step: Step }[] {
    return Object.entries(wf.jobs).flatMap(([job, j]) => (j.steps ?? []).map((step) => ({ job, step })));
}

function concurrencyOf(wf: Workflow, job: Job): { group: string; cancel: unknown } | undefined {
    const c = job.concurrency ?? wf.concurrency;
    if (c === undefined) {
        return undefined;
    }
    return typeof c === "string" ? { group: c, cancel: false } : { group: c.group, cancel: c["cancel-in-progress"] ?? false };
}

describe("workflows: actionlint", function () {
    this.timeout(15 * 60_000);

    it("scripts/actionlint.sh provides actionlint and every workflow passes it", () => {
        let printed = spawnSync("bash", [path.join(ROOT, "scripts", "actionlint.sh"), "--print-path"], { encoding: "utf8" });
        if (printed.status !== 0) {
            // Not installed yet on this machine: let the script build it (CI runs `--install` first).
            const install = spawnSync("bash", [path.join(ROOT, "scripts", "actionlint.sh"), "--install"], { encoding: "utf8", timeout: 14 * 60_000 });
            printed = spawnSync("bash", [path.join(ROOT, "scripts", "actionlint.sh"), "--print-path"], { encoding: "utf8" });
            if (printed.status !== 0) {
                throw new Error("actionlint is not available and scripts/actionlint.sh could not install it " +
                    "(it builds github.com/rhysd/actionlint from the Go module proxy with /usr/local/go/bin/go). " +
                    "CI must run `bash scripts/actionlint.sh --install` in .ci/run before the tests.\n" +
                    `${install.stdout}${install.stderr}`);
            }
        }
        const bin = printed.stdout.trim();
        expect(fs.existsSync(bin), bin).to.equal(true);
        const version = spawnSync(bin, ["-version"], { encoding: "utf8" }).stdout.split("\n")[0];
        const r = spawnSync("bash", [path.join(ROOT, "scripts", "actionlint.sh")], { cwd: ROOT, encoding: "utf8" });
        console.log(`      actionlint ${version}${spawnSync("bash", ["-c", "command -v shellcheck"]).status === 0 ? " with shellcheck" : " (no shellcheck on PATH: run: scripts not linted)"}`);
        expect(r.status, `actionlint found problems:\n${r.stdout}${r.stderr}`).to.equal(0);
    });
});

describe("workflows: project rules", () => {
    it("the expected workflows exist", () => {
        expect(files()).to.include.members(EXPECTED);
    });

    for (const file of EXPECTED) {
        describe(file, () => {
            const raw = () => fs.readFileSync(path.join(DIR, file), "utf8");
            const wf = () => load(file);

            it("pins every uses: to a full commit SHA, with the release tag as a comment", () => {
                const uses = [...steps(wf()).map((s) => s.step.uses), ...Object.values(wf().jobs).map((j) => j.uses)].filter((u): u is string => !!u);
                for (const u of uses) {
                    if (u.startsWith("./")) {
                        continue;
                    }
                    expect(u, `${file}: ${u}`).to.match(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_./-]+@[0-9a-f]{40}$/);
                }
                for (const line of raw().split("\n").filter((l) => /^\s*(-\s+)?uses:\s/.test(l) && !/uses:\s+\.\//.test(l))) {
                    expect(line, `${file}: say which release the SHA is`).to.match(/@[0-9a-f]{40}\s+#\s*v\d/);
                }
            });

            it("declares permissions at the top and least privilege per job", () => {
                const w = wf();
                expect(w, `${file} has no top-level permissions:`).to.have.property("permissions");
                const top = w.permissions as Record<string, string> | string;
                expect(top === "read-all" || top === "write-all", `${file}: top-level ${JSON.stringify(top)}`).to.equal(false);
                for (const [name, job] of Object.entries(w.jobs)) {
                    expect(job, `${file} job ${name} has no permissions:`).to.have.property("permissions");
                    const p = job.permissions;
                    expect(typeof p, `${file} job ${name}: list scopes, not ${JSON.stringify(p)}`).to.equal("object");
                    for (const [scope, level] of Object.entries(p as Record<string, string>)) {
                        expect(["read", "write", "none"], `${file} ${name} ${scope}`).to.include(level);
                        if (scope === "contents" || scope === "id-token" || scope === "actions") {
                            expect(level, `${file} job ${name} needs no ${scope}: write`).to.not.equal("write");
                        }
                    }
                }
            });

            it("holds no literal secret: credentials come from the secret store through env", () => {
                const text = raw();
                const literal = [/ghp_[A-Za-z0-9]{20,}/, /github_pat_[A-Za-z0-9_]{20,}/, /AKIA[0-9A-Z]{16}/, /-----BEGIN [A-Z ]*PRIVATE KEY-----/, /xox[abprs]-[A-Za-z0-9-]{10,}/, /eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/, /postgres(ql)?:\/\/[^:\s]+:[^@\s$]+@/];
                for (const re of literal) {
                    expect(re.test(text), `${file} contains something like a credential (${re})`).to.equal(false);
                }
                const sensitive = /(PASS(WORD|PHRASE)?|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL|KUBECONFIG_CONTENT)/i;
                const w = wf();
                const envs: [string, Record<string, unknown> | undefined][] = [
                    ["workflow", w.env],
                    ...Object.entries(w.jobs).map(([n, j]) => [`job ${n}`, j.env] as [string, Record<string, unknown> | undefined]),
                    ...steps(w).map((s) => [`step ${s.step.name ?? s.step.uses ?? "?"}`, { ...s.step.env, ...s.step.with }] as [string, Record<string, unknown>]),
                ];
                for (const [where, env] of envs) {
                    for (const [k, v] of Object.entries(env ?? {})) {
                        // Switches such as persist-credentials: false are not values.
                        if (sensitive.test(k) && typeof v !== "boolean") {
                            expect(String(v), `${file} ${where}: ${k} must come from \${{ secrets.* }} or github.token`).to.match(/^\$\{\{\s*(secrets\.[A-Z0-9_]+|github\.token)\s*\}\}$/);
                        }
                    }
                }
                // A secret expanded straight into a script would be echoed in the log of a failing command.
                for (const { step } of steps(w)) {
                    expect(step.run ?? "", `${file}: pass secrets through env, not inline in run:`).to.not.match(/\$\{\{\s*secrets\./);
                }
            });

            it("never runs untrusted code with secrets (no pull_request_target) or interpolates PR text into scripts", () => {
                const on = wf().on;
                expect(Object.keys(typeof on === "object" ? on : {})).to.not.include("pull_request_target");
                for (const { step } of steps(wf())) {
                    expect(step.run ?? "", `${file}: untrusted expression in run:`).to.not.match(/\$\{\{\s*github\.(event\.(pull_request\.(title|body|head\.ref|user\.login)|comment|issue)|head_ref)/);
                }
            });
        });
    }

    it("pull-request.yml previews each touched environment with the base branch's pack and config and posts the result", () => {
        const wf = load("pull-request.yml");
        expect(wf.on.pull_request.types).to.include.members(["opened", "synchronize", "closed"]);
        const preview = wf.jobs.preview;
        expect(preview.strategy?.matrix?.environment).to.match(/fromJSON\(needs\.changes\.outputs\.environments\)/);
        const run = preview.steps!.map((s) => s.run ?? "").join("\n");
        expect(run).to.match(/pulumi preview --stack "\$STACK"/);
        expect(run).to.contain('--policy-pack "$BASE_DIR/policies"');
        expect(run).to.contain('--policy-pack-config "$BASE_DIR/policies/config/$STACK.json"');
        expect(preview.env?.STACK).to.equal("${{ matrix.environment }}");
        const poster = preview.steps!.find((s) => s.uses?.startsWith("actions/github-script@"));
        expect(poster, "a step posts the preview on the PR").to.not.equal(undefined);
        expect(String(poster!.with?.script)).to.contain("createComment");
        expect((preview.permissions as Record<string, string>)["pull-requests"]).to.equal("write");
        const checks = wf.jobs.checks.steps!.map((s) => s.run ?? "").join("\n");
        for (const needed of ["npm ci", "npm --prefix policies ci", "npm --prefix app ci", "eslint", "tsc --noEmit", "npm run test:unit"]) {
            expect(checks, needed).to.contain(needed);
        }
    });

    describe("pull-request.yml: a pull request cannot weaken the pack that judges it", () => {
        const BASE_SHA = "b".repeat(40);
        /** The few expressions the gating preview's env and checkouts use, as GitHub would fill them in. */
        function expand(text: string, workspace: string, environment: string): string {
            return text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, e: string) => {
                const known: Record<string, string> = {
                    "github.workspace": workspace,
                    "matrix.environment": environment,
                    "github.event.pull_request.base.sha": BASE_SHA,
                };
                if (!(e in known)) {
                    throw new Error(`unexpected expression in the gating preview: \${{ ${e} }}`);
                }
                return known[e];
            });
        }

        function checkouts(job: Job): { path: string; ref?: string }[] {
            return (job.steps ?? []).filter((s) => s.uses?.startsWith("actions/checkout@")).map((s) => ({ path: String(s.with?.path ?? "."), ref: s.with?.ref as string | undefined }));
        }

        it("the merge gate needs the base-pack preview and not the own-pack preview", () => {
            const wf = load("pull-request.yml");
            const needs = wf.jobs.gate.needs as string[];
            expect(needs).to.include.members(["checks", "preview"]);
            expect(needs).to.not.include("preview-own-pack");
            const gateRun = wf.jobs.gate.steps!.map((s) => s.run ?? "").join("\n");
            expect(gateRun).to.contain("$PREVIEW").and.to.contain("exit 1");
            expect(wf.jobs.gate.steps![0].env?.PREVIEW).to.equal("${{ needs.preview.result }}");
            // Nothing else decides the gating preview's outcome.
            expect(JSON.stringify(wf.jobs.preview)).to.not.contain("continue-on-error");
        });

        it("the gating preview checks out the base commit separately and takes pack and config from it only", () => {
            const preview = load("pull-request.yml").jobs.preview;
            const cos = checkouts(preview);
            const base = cos.filter((c) => c.ref === "${{ github.event.pull_request.base.sha }}");
            expect(base, "exactly one checkout of the base commit").to.have.length(1);
            const pr = cos.filter((c) => c !== base[0]);
            expect(pr, "one checkout of the pull request").to.have.length(1);
            expect(path.posix.normalize(pr[0].path)).to.not.equal(path.posix.normalize(base[0].path));
            expect(pr[0].path === "." || base[0].path === ".", "neither checkout may contain the other").to.equal(false);
            const workspace = "/ws";
            const baseDir = expand(String(preview.env?.BASE_DIR), workspace, "production");
            expect(path.posix.normalize(baseDir)).to.equal(path.posix.join(workspace, base[0].path));
            const workdir = (preview as { defaults?: { run?: { "working-directory"?: string } } }).defaults?.run?.["working-directory"];
            expect(workdir, "pulumi runs in the pull request's checkout").to.equal(pr[0].path);
        });

        for (const environment of ["staging", "production"]) {
            it(`${environment}: a PR that disables no-public-database and deletes its rule is still judged by the base pack, mandatory`, () => {
                const preview = load("pull-request.yml").jobs.preview;
                const step = preview.steps!.find((s) => s.id === "preview")!;
                const ws = fs.mkdtempSync(path.join(os.tmpdir(), "wf-base-pack-"));
                try {
                    const cos = checkouts(preview);
                    const baseRel = cos.find((c) => c.ref !== undefined)!.path;
                    const prRel = cos.find((c) => c.ref === undefined)!.path;
                    // base: the pack as committed here; pr: the same pack, weakened.
                    for (const rel of [baseRel, prRel]) {
                        fs.mkdirSync(path.join(ws, rel, "policies", "config"), { recursive: true });
                        fs.mkdirSync(path.join(ws, rel, "policies", "rules"), { recursive: true });
                        for (const f of fs.readdirSync(path.join(ROOT, "policies", "config"))) {
                            fs.copyFileSync(path.join(ROOT, "policies", "config", f), path.join(ws, rel, "policies", "config", f));
                        }
                        fs.copyFileSync(path.join(ROOT, "policies", "rules", "no-public-database.ts"), path.join(ws, rel, "policies", "rules", "no-public-database.ts"));
                    }
                    const prConfig = path.join(ws, prRel, "policies", "config", `${environment}.json`);
                    const weakened = JSON.parse(fs.readFileSync(prConfig, "utf8"));
                    weakened["no-public-database"] = { enforcementLevel: "disabled" };
                    fs.writeFileSync(prConfig, JSON.stringify(weakened));
                    fs.rmSync(path.join(ws, prRel, "policies", "rules", "no-public-database.ts"));
                    // A stand-in pulumi records which pack and config the step hands the engine.
                    const bin = path.join(ws, "bin");
                    fs.mkdirSync(bin);
                    const record = path.join(ws, "pulumi-args.json");
                    fs.writeFileSync(path.join(bin, "pulumi"), `#!/bin/sh\nexec node -e 'require("fs").writeFileSync(process.env.RECORD, JSON.stringify(process.argv.slice(1)))' -- "$@"\n`, { mode: 0o755 });
                    const env: NodeJS.ProcessEnv = { PATH: `${bin}:${process.env.PATH}`, RECORD: record, RUNNER_TEMP: ws, HOME: ws };
                    for (const [k, v] of Object.entries(preview.env ?? {})) {
                        if (!/secrets\.|vars\./.test(String(v))) {
                            env[k] = expand(String(v), ws, environment);
                        }
                    }
                    const workdir = (preview as { defaults?: { run?: { "working-directory"?: string } } }).defaults!.run!["working-directory"]!;
                    const r = spawnSync("bash", ["-e", "-c", step.run!], { cwd: path.join(ws, workdir), env, encoding: "utf8" });
                    expect(r.status, r.stderr).to.equal(0);
                    const args = JSON.parse(fs.readFileSync(record, "utf8")) as string[];
                    expect(args.slice(0, 3)).to.deep.equal(["preview", "--stack", environment]);
                    const packArg = args[args.indexOf("--policy-pack") + 1];
                    const configArg = args[args.indexOf("--policy-pack-config") + 1];
                    const cwd = path.join(ws, workdir);
                    const pack = fs.realpathSync(path.resolve(cwd, packArg));
                    const config = fs.realpathSync(path.resolve(cwd, configArg));
                    expect(pack).to.equal(fs.realpathSync(path.join(ws, baseRel, "policies")));
                    expect(config.startsWith(fs.realpathSync(path.join(ws, baseRel)) + path.sep), config).to.equal(true);
                    expect(fs.existsSync(path.join(pack, "rules", "no-public-database.ts")), "the base pack still has the rule").to.equal(true);
                    const judged = JSON.parse(fs.readFileSync(config, "utf8"));
                    expect(judged["no-public-database"].enforcementLevel).to.equal("mandatory");
                    for (const [name, level] of Object.entries(JSON.parse(fs.readFileSync(path.join(ROOT, "policies", "config", `${environment}.json`), "utf8")) as Record<string, { enforcementLevel: string }>)) {
                        expect(judged[name].enforcementLevel, name).to.equal(level.enforcementLevel);
                    }
                } finally {
                    fs.rmSync(ws, { recursive: true, force: true });
                }
            });
        }

        it("a pull request that changes policies/ gets a second, separately reported preview with its own pack", () => {
            const wf = load("pull-request.yml");
            const own = wf.jobs["preview-own-pack"];
            expect(own.if).to.contain("needs.changes.outputs.policies == 'true'");
            const run = own.steps!.map((s) => s.run ?? "").join("\n");
            expect(run).to.contain("--policy-pack policies").and.to.contain('--policy-pack-config "policies/config/$STACK.json"');
            expect(checkouts(own).every((c) => c.ref === undefined), "the pull request's own checkout").to.equal(true);
            const poster = own.steps!.find((s) => s.uses?.startsWith("actions/github-script@"));
            const script = String(poster!.with?.script);
            expect(script).to.contain("webstack-preview-own-pack:").and.to.contain("Informational");
            expect(String(wf.jobs.preview.steps!.find((s) => s.uses?.startsWith("actions/github-script@"))!.with?.script)).to.contain("webstack-preview:${stack}");
            expect(own.concurrency).to.not.deep.equal(wf.jobs.preview.concurrency);
        });
    });

    it("pull-request.yml keeps a review stack per PR and destroys it when the PR closes", () => {
        const wf = load("pull-request.yml");
        const up = wf.jobs["review-up"];
        const down = wf.jobs["review-destroy"];
        expect(up.steps!.map((s) => s.run ?? "").join("\n")).to.contain('npm run review -- up --pr "$PR_NUMBER"');
        expect(up.env?.PR_NUMBER).to.equal("${{ github.event.number }}");
        expect(up.if).to.contain("!= 'closed'");
        expect(down.if).to.contain("== 'closed'");
        expect(down.steps!.map((s) => s.run ?? "").join("\n")).to.contain('npm run review -- destroy --pr "$PR_NUMBER"');
        for (const j of [up, down]) {
            const c = concurrencyOf(wf, j)!;
            expect(c.group).to.contain("review-pr-");
            expect(c.cancel, "an up is never cancelled half-way").to.equal(false);
            expect(String(j.env?.PULUMI_CONFIG_PASSPHRASE)).to.contain("REVIEW_").and.to.not.match(/STAGING|PRODUCTION/);
        }
    });

    describe("pull-request.yml: which environments a change touches", () => {
        const script = () => load("pull-request.yml").jobs.changes.steps!.find((s) => s.id === "envs")!.run!;
        const cases: [string[], string[]][] = [
            [["Pulumi.staging.yaml"], ["staging"]],
            [["Pulumi.production.yaml"], ["production"]],
            [["Pulumi.staging.yaml", "Pulumi.production.yaml"], ["staging", "production"]],
            [["components/apiService.ts"], ["staging", "production"]],
            [["platform/kubernetes.ts", "docs/config.md"], ["staging", "production"]],
            [["policies/rules/x.ts"], ["staging", "production"]],
            [["policies/config/production.json", "docs/config.md"], ["staging", "production"]],
            [["package-lock.json"], ["staging", "production"]],
            [["docs/review-stacks.md", "app/src/api.ts", "stacks/review.yaml", "Pulumi.local.yaml", "tests/unit/x.test.ts"], []],
            [[], []],
        ];
        for (const [changed, envs] of cases) {
            it(`${JSON.stringify(changed)} -> ${JSON.stringify(envs)}`, () => {
                const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wf-envs-"));
                try {
                    fs.writeFileSync(path.join(dir, "changed"), changed.map((c) => `${c}\n`).join(""));
                    fs.writeFileSync(path.join(dir, "out"), "");
                    const r = spawnSync("bash", ["-c", script()], { encoding: "utf8", env: { ...process.env, CHANGED_FILES: path.join(dir, "changed"), GITHUB_OUTPUT: path.join(dir, "out") } });
                    expect(r.status, r.stderr).to.equal(0);
                    const lines = fs.readFileSync(path.join(dir, "out"), "utf8").trim().split("\n");
                    const line = lines.find((l) => l.startsWith("environments="))!;
                    expect(line, lines.join("\n")).to.be.a("string");
                    expect(JSON.parse(line.slice("environments=".length))).to.deep.equal(envs);
                    expect(lines).to.include(`policies=${changed.some((c) => c.startsWith("policies/"))}`);
                } finally {
                    fs.rmSync(dir, { recursive: true, force: true });
                }
            });
        }
    });

    it("review-gc.yml runs on a schedule and passes the open PR list to the tool", () => {
        const wf = load("review-gc.yml");
        expect(wf.on.schedule?.[0]?.cron).to.be.a("string");
        const run = steps(wf).map((s) => s.step.run ?? "").join("\n");
        expect(run).to.contain("gh pr list").and.to.contain("--json number");
        expect(run).to.contain("npm run review -- gc").and.to.contain("--open-prs-file");
        expect(run).to.contain("--ttl-hours");
    });

    it("deploy-staging.yml builds SHA-tagged images, pushes them, records their digests, stamps the config with the digests, ups staging and smoke-checks", () => {
        const wf = load("deploy-staging.yml");
        expect(wf.on.push.branches).to.deep.equal(["main"]);
        const run = steps(wf).map((s) => s.step.run ?? "").join("\n");
        expect(run).to.contain('scripts/images.sh --tag "$GITHUB_SHA"');
        expect(run).to.contain('docker push "$REGISTRY/$role:$GITHUB_SHA"');
        expect(run).to.contain("RepoDigests").and.to.match(/\^sha256:\[0-9a-f\]\{64\}\$/);
        const upload = wf.jobs.build.steps!.find((s) => s.uses?.startsWith("actions/upload-artifact@"));
        expect(upload?.with?.name, "the digests are recorded as an artifact").to.equal("image-digests");
        expect(wf.jobs.build.outputs?.["app-image"]).to.equal("${{ steps.push.outputs.app }}");
        expect(wf.jobs.deploy.env?.APP_IMAGE).to.equal("${{ needs.build.outputs.app-image }}");
        expect(wf.jobs.deploy.env?.WEB_IMAGE).to.equal("${{ needs.build.outputs.web-image }}");
        const deployRun = wf.jobs.deploy.steps!.map((s) => s.run ?? "").join("\n");
        expect(deployRun).to.contain('webstack:webImage "$WEB_IMAGE"').and.to.contain('"webstack:services.$svc.image" "$APP_IMAGE"');
        expect(deployRun, "staging deploys by digest, not by tag").to.not.match(/\$REGISTRY\/(app|web):\$GITHUB_SHA/);
        expect(run).to.contain("webstack:gitSha").and.to.contain("webstack:webImage").and.to.contain("webstack:services.$svc.image");
        expect(run).to.contain('pulumi up --stack "$STACK"').and.to.contain('--policy-pack-config "policies/config/$STACK.json"');
        expect(run).to.contain("/health").and.to.contain("/ready");
        expect(wf.env?.REGISTRY).to.be.a("string");
        expect(wf.jobs.deploy.env?.STACK).to.equal("staging");
    });

    it("the config-stamping snippet finds the services that run the app image", () => {
        const run = load("deploy-staging.yml").jobs.deploy.steps!.map((s) => s.run ?? "").join("\n");
        const snippet = /node -e '([^']+)'/.exec(run)![1];
        for (const [stack, expected] of [["staging", "api worker scheduler"], ["production", "api worker scheduler"]]) {
            const r = spawnSync("node", ["-e", snippet], { cwd: ROOT, encoding: "utf8", env: { ...process.env, STACK: stack } });
            expect(r.status, r.stderr).to.equal(0);
            expect(r.stdout.trim()).to.equal(expected);
        }
    });

    it("deploy-staging.yml's push step records name@sha256 for each image, and refuses a push without a digest", () => {
        const step = load("deploy-staging.yml").jobs.build.steps!.find((s) => s.id === "push")!;
        for (const digestOk of [true, false]) {
            const ws = fs.mkdtempSync(path.join(os.tmpdir(), "wf-push-"));
            try {
                const bin = path.join(ws, "bin");
                fs.mkdirSync(bin);
                // A stand-in docker: push succeeds; inspect prints the registry digest (or only a local one).
                const digest = "sha256:" + "0123456789abcdef".repeat(4);
                const line = digestOk ? `registry.example.com/webstack/$role@${digest}` : "other.example/x@sha256:00";
                fs.writeFileSync(path.join(bin, "docker"), `#!/bin/bash\nif [ "$1" = inspect ]; then role=$(echo "\${@: -1}" | sed 's|.*/||; s|:.*||'); echo "${line}"; fi\n`, { mode: 0o755 });
                const env = { PATH: `${bin}:${process.env.PATH}`, RUNNER_TEMP: ws, GITHUB_OUTPUT: path.join(ws, "out"), GITHUB_STEP_SUMMARY: path.join(ws, "summary"), REGISTRY: "registry.example.com/webstack", GITHUB_SHA: "c".repeat(40) };
                const r = spawnSync("bash", ["-e", "-c", step.run!], { cwd: ws, env, encoding: "utf8" });
                if (digestOk) {
                    expect(r.status, r.stdout + r.stderr).to.equal(0);
                    const out = fs.readFileSync(path.join(ws, "out"), "utf8").trim().split("\n");
                    expect(out).to.deep.equal([`app=registry.example.com/webstack/app@${digest}`, `web=registry.example.com/webstack/web@${digest}`]);
                    expect(fs.readFileSync(path.join(ws, "image-digests.txt"), "utf8").trim().split("\n")).to.deep.equal(out);
                } else {
                    expect(r.status).to.not.equal(0);
                    expect(r.stdout).to.contain("no registry digest");
                }
            } finally {
                fs.rmSync(ws, { recursive: true, force: true });
            }
        }
    });

    it("promote-production.yml verifies staging, backs up, deploys the digests staging recorded and never builds", () => {
        const wf = load("promote-production.yml");
        expect(wf.on.workflow_dispatch.inputs.sha.required).to.equal(true);
        const all = steps(wf);
        const run = all.map((s) => s.step.run ?? "").join("\n");
        for (const forbidden of [/docker build/, /images\.sh/, /build-images/, /docker push/, /npm run build/, /buildx/]) {
            expect(forbidden.test(run), `promotion must not build: ${forbidden}`).to.equal(false);
        }
        expect(all.some((s) => /build-push-action|setup-buildx/.test(s.step.uses ?? ""))).to.equal(false);
        expect(run).to.contain("gh run list").and.to.contain("--workflow deploy-staging.yml").and.to.contain('--commit "$SHA"').and.to.contain("--status success");
        expect(run).to.contain("gh run download").and.to.contain("--name image-digests");
        expect(run).to.contain('docker manifest inspect "$ref"');
        expect(wf.jobs.verify.outputs?.["app-image"]).to.equal("${{ steps.digests.outputs.app }}");
        expect(wf.jobs.deploy.env?.APP_IMAGE).to.equal("${{ needs.verify.outputs.app-image }}");
        const deployRun = wf.jobs.deploy.steps!.map((s) => s.run ?? "").join("\n");
        expect(deployRun).to.contain('webstack:webImage "$WEB_IMAGE"').and.to.contain('"webstack:services.$svc.image" "$APP_IMAGE"');
        expect(deployRun, "production is never pointed at a tag").to.not.match(/\$REGISTRY\/(app|web):\$SHA/);
        expect(run).to.match(/kubectl -n "\$NAMESPACE" create job "\$job" --from="cronjob\/\$cronjob"/);
        expect(run).to.contain("kubectl -n \"$NAMESPACE\" wait --for=condition=complete");
        // Backup before up, up before smoke checks.
        const order = ["create job", "pulumi up --stack", "/ready"].map((s) => run.indexOf(s));
        expect(order).to.deep.equal([...order].sort((a, b) => a - b));
        expect(order.every((i) => i >= 0)).to.equal(true);
        expect(run).to.contain('--policy-pack-config "policies/config/$STACK.json"');
        expect(wf.jobs.deploy.env?.STACK).to.equal("production");
        expect(wf.jobs.deploy.needs).to.equal("verify");
        expect(wf.jobs.deploy.environment).to.equal("production");
        expect(run).to.contain("Rollback: run promote-production with sha=");
    });

    it("rotate-secrets.yml runs per environment on a schedule, deploys what runs, and smoke-checks", () => {
        const wf = load("rotate-secrets.yml");
        expect(wf.on.schedule?.[0]?.cron).to.be.a("string");
        const job = wf.jobs.rotate;
        expect(job.strategy?.matrix?.environment).to.deep.equal(["staging", "production"]);
        expect(job.strategy?.["max-parallel"]).to.equal(1);
        const run = job.steps!.map((s) => s.run ?? "").join("\n");
        expect(run).to.contain('pulumi config refresh --stack "$STACK"');
        expect(run).to.contain('pulumi up "${args[@]}"').and.to.contain("--replace");
        expect(run).to.contain("/health").and.to.contain("/ready");
    });

    it("two deploys of one environment never overlap and are never cancelled half-way", () => {
        const groups: Record<string, string[]> = {};
        for (const [file, job, env] of [["deploy-staging.yml", "deploy", "staging"], ["promote-production.yml", "deploy", "production"], ["rotate-secrets.yml", "rotate", "${{ matrix.environment }}"]]) {
            const wf = load(file);
            const c = concurrencyOf(wf, wf.jobs[job]);
            expect(c, `${file} has no concurrency group`).to.not.equal(undefined);
            expect(c!.cancel, `${file} must queue, not cancel`).to.equal(false);
            expect(c!.group).to.equal(`deploy-${env}`);
            (groups[c!.group] ??= []).push(file);
        }
        expect(Object.keys(groups)).to.have.members(["deploy-staging", "deploy-production", "deploy-${{ matrix.environment }}"]);
    });

    it("environments' secrets stay in their GitHub environments", () => {
        for (const [file, job, env] of [["deploy-staging.yml", "deploy", "staging"], ["promote-production.yml", "deploy", "production"], ["rotate-secrets.yml", "rotate", "${{ matrix.environment }}"], ["pull-request.yml", "review-up", "review"]]) {
            expect(load(file).jobs[job].environment, `${file} ${job}`).to.equal(env);
        }
    });
});
