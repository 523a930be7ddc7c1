/**
 * Review stacks: one ephemeral stack per pull request (pr-<N>), driven
 * through the Pulumi Automation API with the project at the repository root.
 *
 *   npm run review -- up --pr 42 [--sha S] [--owner O]
 *   npm run review -- preview --pr 42
 *   npm run review -- destroy --pr 42
 *   npm run review -- list [--json]
 *   npm run review -- gc --ttl-hours 72 [--open-prs 1,2,3 | --open-prs-file F] [--dry-run]
 *   npm run review -- unlock --pr 42
 *
 * Safe by construction: only pr-<N> stacks are ever touched (local, staging
 * and production are refused by name), each PR gets its own loopback ports,
 * Docker network and generated credentials, and two runs on one stack never
 * interleave. See docs/review-stacks.md.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConcurrentUpdateError, ConfigMap, LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import {
    IMAGE_ROLES, Images, Options, USAGE, UsageError, clearPendingOperations, formatAge, isLockError, isReviewStack,
    lockAdvice, orphanedObjects, parseArgs, parseLockHolders, parseOpenPrs, pendingOperations, portsFor, prOf,
    publicApiService, reviewConfig, secretDefaults, selectForGc, table, templateProblems,
} from "./review/logic";
import {
    Context, DockerKind, MetaStore, ROOT, ReviewLock, ReviewMeta, appVersion, buildImages, commitDate, dockerAvailable,
    dockerObjects, engineLocks, gitHeadSha, namesInState, pidAlive, readProjectConfig, readTemplate, removeDockerObject, resolveContext, reviewStacks,
    stackConfigFile, stackExists, usePulumiToolchain, withLiveness, workspace,
} from "./review/workspace";

/** Exit codes: documented in docs/review-stacks.md. */
export const EXIT = { ok: 0, failed: 1, usage: 2, recover: 3, locked: 4 } as const;

/** The stack needs an explicit recovery step; the message says which. */
class RecoveryNeeded extends Error {}
/** Another run holds the stack; the message says what to do. */
class Locked extends Error {}

const out = (s: string) => process.stdout.write(s);
const say = (s: string) => process.stderr.write(`[review] ${s}\n`);

export async function main(argv: string[]): Promise<number> {
    let o: Options;
    try {
        o = parseArgs(argv);
    } catch (e) {
        if (e instanceof UsageError) {
            say(e.message);
            say("see: npm run review -- help");
            return EXIT.usage;
        }
        throw e;
    }
    if (o.command === "help") {
        out(`${USAGE}\n`);
        return EXIT.ok;
    }
    try {
        usePulumiToolchain();
        const ctx = resolveContext(process.env, say);
        switch (o.command) {
            case "up":
            case "preview":
                return await upOrPreview(ctx, o);
            case "destroy":
                return await withReviewLock(ctx, o.stack!, "destroy", () => destroy(ctx, o.stack!));
            case "list":
                return await list(ctx, o.json);
            case "gc":
                return await gc(ctx, o);
            case "unlock":
                return unlock(ctx, o.stack!, o.force);
        }
    } catch (e) {
        return report(e);
    }
    return EXIT.ok;
}

function report(e: unknown): number {
    if (e instanceof UsageError) {
        say(e.message);
        return EXIT.usage;
    }
    if (e instanceof Locked) {
        say(e.message);
        return EXIT.locked;
    }
    if (e instanceof RecoveryNeeded) {
        say(e.message);
        return EXIT.recover;
    }
    const message = (e as Error)?.message ?? String(e);
    // The engine's own output was already streamed: repeat only its error lines.
    const errors = [...new Set(message.split("\n").map((l) => l.trim()).filter((l) => /^error: /.test(l)))];
    say(`failed: ${errors.length > 0 ? errors.join("\n") : message.split("\n").filter((l) => l.trim()).slice(-15).join("\n")}`);
    return EXIT.failed;
}

async function withReviewLock(ctx: Context, stack: string, command: string, fn: () => Promise<number>): Promise<number> {
    const lock = ReviewLock.for(ctx, stack);
    const holder = lock.tryAcquire(command);
    if (holder) {
        throw new Locked(`${stack} is busy: another review run is working on it (${holder}).\n` +
            `What to do: wait for it to finish, then run the same command again. Nothing was changed by this run.\n` +
            `If that run was killed on another machine sharing this state, remove ${lock.file} by hand.`);
    }
    const release = () => lock.release();
    process.once("exit", release);
    try {
        return await fn();
    } finally {
        lock.release();
        process.removeListener("exit", release);
    }
}

/**
 * Runs an engine operation; a lock conflict becomes a Locked error with
 * advice (who holds it, whether it is stale, what to run).
 */
async function engineOp<T>(ctx: Context, stack: string, what: string, fn: () => Promise<T>): Promise<T> {
    try {
        return await fn();
    } catch (e) {
        const message = (e as Error)?.message ?? "";
        if (e instanceof ConcurrentUpdateError || isLockError(message)) {
            const parsed = parseLockHolders(message);
            const holders = parsed.length > 0 ? withLiveness(parsed) : engineLocks(ctx, stack);
            throw new Locked(`${what} refused:\n${lockAdvice(stack, holders, os.hostname())}`);
        }
        throw e;
    }
}

// ---------------------------------------------------------------- up / preview

async function upOrPreview(ctx: Context, o: Options): Promise<number> {
    const stack = o.stack!;
    const pr = o.pr!;
    const template = readTemplate(templateFile(o));
    const problems = templateProblems(template.config);
    if (problems.length > 0) {
        throw new UsageError(`stacks/review.yaml cannot be used for a review stack:\n  ${problems.join("\n  ")}`);
    }
    if (template.config["webstack:target"] === "docker") {
        const why = dockerAvailable();
        if (why) {
            throw new UsageError(why);
        }
    }
    return withReviewLock(ctx, stack, o.command, async () => {
        const started = Date.now();
        const policy = policyOptions(o.skipPolicy);
        const sha = o.sha ?? gitHeadSha() ?? "0000000";
        const images = await resolveImages(o.images, sha);
        const ws = await workspace(ctx);
        const meta = new MetaStore(ctx.metaDir);
        const exists = await stackExists(ws, stack);
        say(`${exists ? "updating" : "creating"} ${stack} (PR #${pr}, ${sha}) on ${ctx.backendUrl}`);
        if (!exists) {
            // A config file left by a stack on another backend carries a foreign encryption salt.
            fs.rmSync(stackConfigFile(stack), { force: true });
        }
        const s = exists ? await engineOp(ctx, stack, "select", () => Stack.select(stack, ws)) : await Stack.create(stack, ws);
        // Metadata left by an earlier stack of the same PR does not describe this new one.
        const old = exists ? await meta.read(ws, stack) : undefined;
        const previous = exists ? (await ensureConfig(ws, s, template, old?.sha)) ?? {} : {};

        await recover(ctx, s, o.forceRecover, o.command === "up");
        const previousSha = previous["webstack:gitSha"]?.value;
        const previousBuildDate = previous["webstack:buildDate"]?.value;
        const buildDate = previousSha === sha && previousBuildDate ? previousBuildDate : commitDate(sha) ?? new Date().toISOString().replace(/\.\d+Z$/, "Z");
        await writeConfig(ws, s, template, { pr, sha, buildDate, images });

        const record: ReviewMeta = {
            stack,
            pr,
            owner: o.owner ?? old?.owner ?? process.env.GITHUB_ACTOR ?? process.env.USER ?? os.userInfo().username,
            createdAt: old?.createdAt ?? o.createdAt ?? new Date().toISOString(),
            updatedAt: new Date().toISOString(),
            sha,
            ports: portsFor(pr),
            urls: old?.urls,
        };
        await meta.write(ws, record);

        if (o.command === "preview") {
            const r = await engineOp(ctx, stack, "preview", () => s.preview({ onOutput: out, diff: true, ...policy }));
            say(`preview of ${stack}: ${JSON.stringify(r.changeSummary)} (${seconds(started)}s)`);
            return EXIT.ok;
        }
        const r = await engineOp(ctx, stack, "up", () => s.up({ onOutput: out, ...policy }));
        const changes = Object.entries(r.summary.resourceChanges ?? {}).filter(([op]) => op !== "same");
        const urls = { web: r.outputs.webUrl?.value as string | undefined, api: r.outputs.apiUrl?.value as string | undefined };
        await meta.write(ws, { ...record, urls, updatedAt: new Date().toISOString() });
        say(`${stack} is up in ${seconds(started)}s: ${changes.length === 0 ? "no changes" : changes.map(([op, n]) => `${n} ${op}`).join(", ")}`);
        out(`\nReview stack ${stack} (PR #${pr}, ${sha})\n  web: ${urls.web ?? "-"}\n  api: ${urls.api ?? "-"}\n`);
        return EXIT.ok;
    });
}

/** The review template: --template, else $WEBSTACK_REVIEW_TEMPLATE, else stacks/review.yaml. */
function templateFile(o: Options): string | undefined {
    const file = o.template ?? process.env.WEBSTACK_REVIEW_TEMPLATE;
    if (file && !fs.existsSync(file)) {
        throw new UsageError(`review template ${file} does not exist`);
    }
    return file ? path.resolve(file) : undefined;
}

async function resolveImages(given: Partial<Images>, sha: string): Promise<Images> {
    if (IMAGE_ROLES.every((r) => given[r])) {
        return given as Images;
    }
    say(`building images with scripts/images.sh --tag ${sha}`);
    const built = await buildImages(sha, (s) => process.stderr.write(s));
    return { ...built, ...given } as Images;
}

function policyOptions(skip: boolean): { policyPacks?: string[]; policyPackConfigs?: string[] } {
    if (skip) {
        say("policy pack skipped (--skip-policy)");
        return {};
    }
    if (!fs.existsSync(path.join(ROOT, "policies", "node_modules"))) {
        throw new UsageError("the policy pack's dependencies are missing: run `npm --prefix policies ci` (or pass --skip-policy)");
    }
    return { policyPacks: [path.join(ROOT, "policies")], policyPackConfigs: [path.join(ROOT, "policies", "config", "review.json")] };
}

/**
 * Pulumi.pr-N.yaml = the template's config (stacks/review.yaml), then the
 * PR's own values through the Automation API: plain keys as they are,
 * nested service fields with path semantics. The encryption salt written by
 * `stack init` is kept.
 */
async function writeConfig(ws: LocalWorkspace, s: Stack, template: ReturnType<typeof readTemplate>, v: { pr: number; sha: string; buildDate: string; images: Images }): Promise<void> {
    const settings = await ws.stackSettings(s.name).catch(() => ({}) as Awaited<ReturnType<LocalWorkspace["stackSettings"]>>);
    const base = { ...template.config };
    // Replaced below; dropped first so no value of the template's survives in a list.
    delete base["webstack:corsOrigins"];
    settings.config = base as typeof settings.config;
    await ws.saveStackSettings(s.name, settings);
    const cfg = reviewConfig({
        pr: v.pr,
        sha: v.sha,
        buildDate: v.buildDate,
        appVersion: appVersion(v.pr),
        images: v.images,
        services: Object.keys(template.services),
        publicApi: publicApiService(template.services),
        target: template.config["webstack:target"] === "kubernetes" ? "kubernetes" : "docker",
        domain: template.config["webstack:domain"] as string | undefined,
    });
    await s.setAllConfig({ ...cfg.plain, ...secretDefaults(readProjectConfig(), base) }, false);
    await s.setAllConfig(cfg.paths, true);
}

/**
 * Makes sure Pulumi.pr-N.yaml holds the stack's config. It is git-ignored, so
 * a fresh checkout (a CI job, another machine) does not have it: it is
 * restored from the last deployment (`pulumi config refresh`, which also
 * brings back the encryption salt), else rebuilt from the template for a
 * stack that was never deployed. Returns the config, when it could be read.
 */
async function ensureConfig(ws: LocalWorkspace, s: Stack, template: ReturnType<typeof readTemplate>, sha: string | undefined): Promise<ConfigMap | undefined> {
    if (fs.existsSync(stackConfigFile(s.name))) {
        try {
            return await s.getAllConfig();
        } catch {
            // incomplete: restored below
        }
    }
    try {
        const restored = await s.refreshConfig();
        say(`restored Pulumi.${s.name}.yaml from the stack's last deployment (pulumi config refresh)`);
        return restored;
    } catch {
        say(`rebuilt Pulumi.${s.name}.yaml from stacks/review.yaml (the stack was never deployed)`);
        const c = template.config;
        const app = Object.values(template.services).map((x) => (x as { image?: string }).image).find(Boolean) ?? "webstack/app:dev";
        const images: Images = {
            app,
            web: String(c["webstack:webImage"] ?? "webstack/web:dev"),
            postgres: String(c["webstack:dbImage"] ?? ""),
            redis: String(c["webstack:cacheImage"] ?? ""),
            edge: String(c["webstack:edgeImage"] ?? "nginxinc/nginx-unprivileged:1.27.3-alpine"),
        };
        await writeConfig(ws, s, template, { pr: prOf(s.name), sha: sha ?? "0000000", buildDate: "2026-01-01T00:00:00Z", images });
        return undefined;
    }
}

/**
 * Makes an interrupted stack usable again. Stale engine locks (their process
 * is gone from this host) are removed with --force-recover. Pending
 * operations are refreshed away; pending creates (objects the provider may
 * have made without the state knowing) need --force-recover, which drops them
 * from the state (export/import) and removes the orphaned pr-N-* Docker
 * objects, so the next up starts clean.
 */
async function recover(ctx: Context, s: Stack, force: boolean, mutating: boolean): Promise<void> {
    const stack = s.name;
    const locks = engineLocks(ctx, stack);
    const stale = locks.filter((l) => l.alive === false);
    if (stale.length > 0) {
        if (!force) {
            throw new Locked(`${stack} has a stale engine lock from an interrupted run:\n${lockAdvice(stack, locks, os.hostname())}\nOr run: npm run review -- up --pr ${prOf(stack)} --force-recover`);
        }
        for (const l of stale) {
            fs.rmSync(l.file, { force: true });
            say(`removed stale engine lock ${l.file} (pid ${l.pid} is gone)`);
        }
    }
    let pending = pendingOperations(await engineOp(ctx, stack, "export", () => s.exportStack()));
    if (pending.length === 0) {
        if (force) {
            sweepOrphans(stack, namesInState(await s.exportStack()));
        }
        return;
    }
    say(`${stack} has ${pending.length} pending operation(s) from an interrupted run:\n  ${pending.map((p) => `${p.type} ${p.urn}`).join("\n  ")}`);
    if (!mutating) {
        say("preview shows what up would do; run up to recover the stack");
        return;
    }
    say("refreshing the stack against Docker before resuming");
    await engineOp(ctx, stack, "refresh", () => s.refresh({ onOutput: out }));
    pending = pendingOperations(await s.exportStack());
    if (pending.length === 0) {
        return;
    }
    if (!force) {
        throw new RecoveryNeeded(`${stack} still has ${pending.length} pending create(s) after refresh: the interrupted run may have left objects the state does not know.\n` +
            `What to do (pick one):\n` +
            `  npm run review -- up --pr ${prOf(stack)} --force-recover   drop them from the state and remove orphaned ${stack}-* Docker objects, then deploy\n` +
            `  npm run review -- destroy --pr ${prOf(stack)}               throw the stack away`);
    }
    const state = await s.exportStack();
    await s.importStack(clearPendingOperations(state));
    say(`cleared ${pending.length} pending operation(s) from the state (--force-recover)`);
    sweepOrphans(stack, namesInState(state));
}

/** Removes the stack's Docker objects that its state does not know. */
function sweepOrphans(stack: string, known: Set<string>): string[] {
    const removed: string[] = [];
    for (const kind of ["container", "network", "volume"] as DockerKind[]) {
        for (const name of orphanedObjects(stack, dockerObjects(kind, stack), known)) {
            if (removeDockerObject(kind, name)) {
                removed.push(`${kind} ${name}`);
            }
        }
    }
    if (removed.length > 0) {
        say(`removed ${removed.length} orphaned Docker object(s) of ${stack}: ${removed.join(", ")}`);
    }
    return removed;
}

// ---------------------------------------------------------------- destroy

async function destroy(ctx: Context, stack: string): Promise<number> {
    const started = Date.now();
    prOf(stack);
    const ws = await workspace(ctx);
    const meta = new MetaStore(ctx.metaDir);
    if (await stackExists(ws, stack)) {
        const s = await engineOp(ctx, stack, "select", () => Stack.select(stack, ws));
        // The engine validates the stack's config even to destroy it.
        await ensureConfig(ws, s, readTemplate(), meta.readFile(stack)?.sha);
        const r = await engineOp(ctx, stack, "destroy", () => s.destroy({ onOutput: out }));
        say(`destroyed ${stack}: ${JSON.stringify(r.summary.resourceChanges ?? {})}`);
        await engineOp(ctx, stack, "stack rm", () => ws.removeStack(stack));
    } else {
        say(`${stack} does not exist on ${ctx.backendUrl}; removing what is left of it`);
    }
    fs.rmSync(stackConfigFile(stack), { force: true });
    meta.remove(stack);
    // Objects an interrupted create left behind carry the stack's name: the state never knew them.
    if (dockerAvailable() === undefined) {
        sweepOrphans(stack, new Set());
    }
    say(`${stack} is gone (stack, Pulumi.${stack}.yaml, metadata) in ${seconds(started)}s`);
    return EXIT.ok;
}

// ---------------------------------------------------------------- list

interface Row {
    stack: string;
    pr: number;
    owner?: string;
    createdAt?: string;
    ageHours?: number;
    lastUpdate?: string;
    updateInProgress?: boolean;
    resourceCount?: number;
    sha?: string;
    urls: { web?: string; api?: string };
}

async function rows(ctx: Context, ws: LocalWorkspace): Promise<Row[]> {
    const meta = new MetaStore(ctx.metaDir);
    const now = Date.now();
    const result: Row[] = [];
    for (const s of await reviewStacks(ws)) {
        const m = await meta.read(ws, s.name);
        const since = m?.createdAt;
        const ports = portsFor(prOf(s.name));
        result.push({
            stack: s.name,
            pr: prOf(s.name),
            owner: m?.owner,
            createdAt: since,
            ageHours: since ? Math.round(((now - Date.parse(since)) / 3_600_000) * 10) / 10 : undefined,
            lastUpdate: s.lastUpdate,
            updateInProgress: s.updateInProgress,
            resourceCount: s.resourceCount,
            sha: m?.sha,
            urls: (s.resourceCount ?? 0) > 0 ? (m?.urls ?? { web: `http://localhost:${ports.web}`, api: `http://localhost:${ports.api}` }) : {},
        });
    }
    return result.sort((a, b) => a.pr - b.pr);
}

async function list(ctx: Context, json: boolean): Promise<number> {
    const ws = await workspace(ctx);
    const all = await rows(ctx, ws);
    if (json) {
        out(JSON.stringify(all, null, 2) + "\n");
        return EXIT.ok;
    }
    if (all.length === 0) {
        out(`no review stacks on ${ctx.backendUrl}\n`);
        return EXIT.ok;
    }
    const now = Date.now();
    out(table([
        ["STACK", "OWNER", "AGE", "LAST UPDATE", "RESOURCES", "SHA", "WEB", "API"],
        ...all.map((r) => [
            r.stack,
            r.owner ?? "?",
            r.createdAt ? formatAge(now - Date.parse(r.createdAt)) : "?",
            r.updateInProgress ? "in progress" : r.lastUpdate ? `${formatAge(now - Date.parse(r.lastUpdate))} ago` : "never",
            String(r.resourceCount ?? 0),
            r.sha ?? "-",
            r.urls.web ?? "-",
            r.urls.api ?? "-",
        ]),
    ]) + "\n");
    return EXIT.ok;
}

// ---------------------------------------------------------------- gc

async function gc(ctx: Context, o: Options): Promise<number> {
    const openPrs = o.openPrsFile !== undefined ? parseOpenPrs(fs.readFileSync(o.openPrsFile, "utf8")) : o.openPrs;
    const ws = await workspace(ctx);
    const decisions = selectForGc(await rows(ctx, ws), { now: new Date(), ttlHours: o.ttlHours, openPrs });
    const results: { stack: string; action: string; reason: string; result?: string }[] = [];
    for (const d of decisions) {
        say(`${d.action.padEnd(7)} ${d.stack}: ${d.reason}`);
    }
    let failed = 0;
    for (const d of decisions) {
        if (d.action !== "destroy" || o.dryRun) {
            results.push({ ...d, result: d.action === "destroy" ? "dry-run" : undefined });
            continue;
        }
        try {
            if (!isReviewStack(d.stack)) {
                throw new UsageError(`refusing ${d.stack}: not a review stack`);
            }
            await withReviewLock(ctx, d.stack, "gc", () => destroy(ctx, d.stack));
            results.push({ ...d, result: "destroyed" });
        } catch (e) {
            failed++;
            say(`could not destroy ${d.stack}: ${(e as Error).message}`);
            results.push({ ...d, result: `failed: ${(e as Error).message.split("\n")[0]}` });
        }
    }
    if (o.json) {
        out(JSON.stringify(results, null, 2) + "\n");
    }
    const n = decisions.filter((d) => d.action === "destroy").length;
    say(o.dryRun ? `dry run: would destroy ${n} review stack(s)` : `gc: destroyed ${n - failed}, failed ${failed}, kept ${decisions.length - n}`);
    return failed > 0 ? EXIT.failed : EXIT.ok;
}

// ---------------------------------------------------------------- unlock

function unlock(ctx: Context, stack: string, force: boolean): number {
    prOf(stack);
    if (!ctx.stateDir) {
        throw new UsageError(`unlock works on file backends; ${ctx.backendUrl} keeps its locks elsewhere (Pulumi Cloud: pulumi cancel --stack ${stack})`);
    }
    let refused = 0;
    const own = ReviewLock.for(ctx, stack);
    const holder = own.holder();
    if (holder) {
        const alive = holder.host === os.hostname() ? pidAlive(holder.pid) : undefined;
        if (alive === false || (alive === undefined && force)) {
            fs.rmSync(own.file, { force: true });
            say(`removed the review lock of ${holder.command} (pid ${holder.pid} on ${holder.host})`);
        } else {
            refused++;
            say(`kept the review lock of ${holder.command} (pid ${holder.pid} on ${holder.host}): ${alive ? "it is still running: wait for it" : "on another machine: --force if you know it is dead"}`);
        }
    }
    const locks = engineLocks(ctx, stack);
    for (const l of locks) {
        if (l.alive === false || (l.alive === undefined && force)) {
            fs.rmSync(l.file, { force: true });
            say(`removed engine lock ${l.file} (pid ${l.pid} on ${l.host})`);
        } else {
            refused++;
            say(`kept engine lock ${l.file} (pid ${l.pid} on ${l.host}): ${l.alive ? "it is still running: wait for it" : "on another machine: --force if you know it is dead"}`);
        }
    }
    if (!holder && locks.length === 0) {
        say(`${stack} holds no lock`);
    }
    return refused > 0 ? EXIT.locked : EXIT.ok;
}

function seconds(since: number): string {
    return ((Date.now() - since) / 1000).toFixed(1);
}

if (require.main === module) {
    // Ctrl-C reaches the pulumi CLI too (same process group), which stops
    // cleanly and releases its lock; a second Ctrl-C ends this tool at once.
    let interrupted = false;
    process.on("SIGINT", () => {
        if (interrupted) {
            process.exit(130);
        }
        interrupted = true;
        say("interrupt: the engine is finishing in-flight operations (Ctrl-C again to quit now; then run up again to resume)");
    });
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (e) => process.exit(report(e)),
    );
}
