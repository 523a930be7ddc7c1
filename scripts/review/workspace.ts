/**
 * What the review tool needs from the outside world: the state backend and
 * its passphrase, the Automation API workspace at the repository root, the
 * per-stack metadata (stack tags where the backend keeps them, else a small
 * file beside the state), the engine's lock files, the tool's own per-stack
 * lock, images from scripts/images.sh and the stack's Docker objects.
 */
import { spawn, spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { IMAGE_ROLES, ImageRole, Images, LockHolder, UsageError, isReviewStack, prOf, portsFor } from "./logic";

export const ROOT = path.resolve(__dirname, "..", "..");
export const PROJECT = "webstack";

export interface Context {
    backendUrl: string;
    /** Directory of a file backend (file://...), else undefined. */
    stateDir?: string;
    /** Where per-stack metadata files and the tool's own locks live. */
    metaDir: string;
    /** Environment for every engine call. */
    envVars: Record<string, string>;
}

/**
 * Backend and passphrase, with the defaults scripts/local.sh uses: a file
 * backend in <repo>/.pulumi-state and a passphrase file inside it, created on
 * first use. PULUMI_BACKEND_URL and PULUMI_CONFIG_PASSPHRASE(_FILE) win.
 */
export function resolveContext(env: NodeJS.ProcessEnv = process.env, log: (s: string) => void = () => undefined): Context {
    const backendUrl = env.PULUMI_BACKEND_URL || `file://${path.join(ROOT, ".pulumi-state")}`;
    const stateDir = fileBackendDir(backendUrl);
    const envVars: Record<string, string> = {
        PULUMI_BACKEND_URL: backendUrl,
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: env.PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION ?? "true",
        PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true",
        // The CLI is built locally (scripts/toolchain.sh) at the SDK's version.
        PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    };
    if (stateDir) {
        fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    }
    // CI passes unset secrets as empty strings; an empty passphrase is a valid
    // (and wrong) passphrase to the CLI, so drop empty ones before deciding.
    for (const k of ["PULUMI_CONFIG_PASSPHRASE", "PULUMI_CONFIG_PASSPHRASE_FILE", "PULUMI_BACKEND_URL"] as const) {
        if (env[k] === "") {
            delete env[k];
        }
    }
    if (!env.PULUMI_CONFIG_PASSPHRASE && !env.PULUMI_CONFIG_PASSPHRASE_FILE) {
        if (!stateDir) {
            throw new UsageError(`PULUMI_BACKEND_URL is ${backendUrl}: set PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE) from your secret store`);
        }
        const file = path.join(stateDir, "passphrase");
        if (!fs.existsSync(file) || fs.statSync(file).size === 0) {
            // Same convention as scripts/local.sh: random, per checkout, never leaves the machine.
            fs.writeFileSync(file, crypto.randomBytes(32).toString("base64").replace(/[/+=]/g, ""), { mode: 0o600 });
            log(`created a passphrase for review stacks' secrets in ${file}`);
        }
        envVars.PULUMI_CONFIG_PASSPHRASE_FILE = file;
    }
    const metaDir = path.join(stateDir ?? path.join(ROOT, ".pulumi-state"), "review");
    fs.mkdirSync(metaDir, { recursive: true, mode: 0o700 });
    return { backendUrl, stateDir, metaDir, envVars };
}

export function fileBackendDir(url: string): string | undefined {
    if (!url.startsWith("file://")) {
        return undefined;
    }
    let p = decodeURIComponent(url.slice("file://".length).split("?")[0]);
    if (p.startsWith("~")) {
        p = path.join(os.homedir(), p.slice(1));
    }
    return path.resolve(ROOT, p);
}

/** Puts the locally built pulumi CLI (scripts/toolchain.sh) first on PATH. */
export function usePulumiToolchain(env: NodeJS.ProcessEnv = process.env): string | undefined {
    let dir = env.PULUMI_BIN_DIR;
    if (!dir) {
        const r = spawnSync("bash", [path.join(ROOT, "scripts", "toolchain.sh"), "--print-path"], { encoding: "utf8" });
        const printed = r.status === 0 ? r.stdout.trim().split("\n").pop() : undefined;
        dir = printed && fs.existsSync(path.join(printed, "pulumi")) ? printed : undefined;
    }
    if (dir && !(env.PATH ?? "").split(":").includes(dir)) {
        env.PATH = `${dir}:${env.PATH ?? ""}`;
    }
    const which = spawnSync("bash", ["-c", "command -v pulumi"], { encoding: "utf8", env });
    if (which.status !== 0) {
        throw new UsageError("no pulumi CLI found: run `bash scripts/toolchain.sh` (builds it from Go modules) or put pulumi on PATH");
    }
    return dir;
}

export async function workspace(ctx: Context): Promise<LocalWorkspace> {
    return LocalWorkspace.create({ workDir: ROOT, envVars: ctx.envVars, secretsProvider: "passphrase" });
}

/** Names of this project's stacks with their summaries (names without org/project). */
export async function reviewStacks(ws: LocalWorkspace): Promise<{ name: string; lastUpdate?: string; updateInProgress?: boolean; resourceCount?: number }[]> {
    const all = await ws.listStacks();
    return all.map((s) => ({ ...s, name: s.name.split("/").pop()! })).filter((s) => isReviewStack(s.name));
}

export async function stackExists(ws: LocalWorkspace, stack: string): Promise<boolean> {
    const all = await ws.listStacks();
    return all.some((s) => s.name.split("/").pop() === stack);
}

export function stackConfigFile(stack: string): string {
    return path.join(ROOT, `Pulumi.${stack}.yaml`);
}

// ---------------------------------------------------------------- metadata

export interface ReviewMeta {
    stack: string;
    pr: number;
    owner: string;
    createdAt: string;
    updatedAt?: string;
    sha?: string;
    ports: { api: number; web: number };
    urls?: { web?: string; api?: string };
}

const TAG = { owner: "webstack:review-owner", pr: "webstack:review-pr", createdAt: "webstack:review-created-at" } as const;

/**
 * Metadata of review stacks. The file in <state>/review/ is always written
 * (file backends keep no stack tags in most CLI versions: "stack tags not
 * supported in diy mode"); tags are written too where the backend keeps them,
 * so a remote backend without the file still knows owner and age.
 */
export class MetaStore {
    tagsSupported: boolean | undefined;

    constructor(private readonly dir: string) {}

    file(stack: string): string {
        return path.join(this.dir, `${stack}.json`);
    }

    readFile(stack: string): ReviewMeta | undefined {
        try {
            return JSON.parse(fs.readFileSync(this.file(stack), "utf8")) as ReviewMeta;
        } catch {
            return undefined;
        }
    }

    async read(ws: LocalWorkspace, stack: string): Promise<ReviewMeta | undefined> {
        const fromFile = this.readFile(stack);
        if (fromFile) {
            return fromFile;
        }
        if (this.tagsSupported === false) {
            return undefined;
        }
        try {
            const tags = await ws.listTags(stack);
            if (tags[TAG.createdAt]) {
                return { stack, pr: prOf(stack), owner: tags[TAG.owner] ?? "unknown", createdAt: tags[TAG.createdAt], ports: portsFor(prOf(stack)) };
            }
        } catch {
            this.tagsSupported = false;
        }
        return undefined;
    }

    async write(ws: LocalWorkspace, meta: ReviewMeta): Promise<void> {
        const tmp = `${this.file(meta.stack)}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, JSON.stringify(meta, null, 2) + "\n", { mode: 0o600 });
        fs.renameSync(tmp, this.file(meta.stack));
        if (this.tagsSupported === false) {
            return;
        }
        try {
            await ws.setTag(meta.stack, TAG.owner, meta.owner);
            await ws.setTag(meta.stack, TAG.pr, String(meta.pr));
            await ws.setTag(meta.stack, TAG.createdAt, meta.createdAt);
            this.tagsSupported = true;
        } catch (e) {
            // e.g. "stack tags not supported in diy mode": the file above is the record.
            this.tagsSupported = false;
            if (!/not supported/i.test(String((e as Error).message))) {
                throw e;
            }
        }
    }

    remove(stack: string): void {
        fs.rmSync(this.file(stack), { force: true });
    }
}

// ---------------------------------------------------------------- locks

export function pidAlive(pid: number): boolean {
    if (!Number.isInteger(pid) || pid <= 0) {
        return false;
    }
    try {
        process.kill(pid, 0);
        return true;
    } catch (e) {
        return (e as NodeJS.ErrnoException).code === "EPERM";
    }
}

/** The engine's lock files of a stack in a file backend (project-scoped and legacy layouts). */
export function engineLocks(ctx: Context, stack: string): (LockHolder & { alive?: boolean })[] {
    if (!ctx.stateDir) {
        return [];
    }
    const dirs = [path.join(ctx.stateDir, ".pulumi", "locks", "organization", PROJECT, stack), path.join(ctx.stateDir, ".pulumi", "locks", stack)];
    const out: (LockHolder & { alive?: boolean })[] = [];
    for (const dir of dirs) {
        let names: string[] = [];
        try {
            names = fs.readdirSync(dir).filter((n) => n.endsWith(".json"));
        } catch {
            continue;
        }
        for (const n of names) {
            const file = path.join(dir, n);
            try {
                const l = JSON.parse(fs.readFileSync(file, "utf8")) as { pid: number; username: string; hostname: string; timestamp: string };
                out.push({ file, user: l.username, host: l.hostname, pid: l.pid, since: l.timestamp, alive: l.hostname === os.hostname() ? pidAlive(l.pid) : undefined });
            } catch {
                out.push({ file, user: "?", host: "?", pid: 0, since: "?", alive: undefined });
            }
        }
    }
    return out;
}

/** Adds liveness to holders parsed from an engine error (for holders on this host). */
export function withLiveness(holders: LockHolder[]): (LockHolder & { alive?: boolean })[] {
    return holders.map((h) => ({ ...h, alive: h.host === os.hostname() ? pidAlive(h.pid) : undefined }));
}

/**
 * The tool's own lock on one review stack, taken before any file or config is
 * written, so two runs on the same pr-N never interleave their writes to
 * Pulumi.pr-N.yaml. A lock whose process is gone (on this host) is taken over.
 */
export class ReviewLock {
    private held = false;
    constructor(readonly file: string) {}

    static for(ctx: Context, stack: string): ReviewLock {
        return new ReviewLock(path.join(ctx.metaDir, `${stack}.lock`));
    }

    /** Returns undefined when taken, else a description of the holder. */
    tryAcquire(command: string): string | undefined {
        const body = JSON.stringify({ pid: process.pid, host: os.hostname(), user: os.userInfo().username, command, since: new Date().toISOString() });
        for (let attempt = 0; attempt < 2; attempt++) {
            try {
                fs.writeFileSync(this.file, body, { flag: "wx", mode: 0o600 });
                this.held = true;
                return undefined;
            } catch (e) {
                if ((e as NodeJS.ErrnoException).code !== "EEXIST") {
                    throw e;
                }
            }
            const holder = this.holder();
            if (holder && holder.host === os.hostname() && !pidAlive(holder.pid)) {
                fs.rmSync(this.file, { force: true });
                continue;
            }
            return holder ? `${holder.command} by ${holder.user}@${holder.host} pid ${holder.pid} since ${holder.since}` : "an unknown holder";
        }
        return "a run that keeps re-taking the lock";
    }

    holder(): { pid: number; host: string; user: string; command: string; since: string } | undefined {
        try {
            return JSON.parse(fs.readFileSync(this.file, "utf8"));
        } catch {
            return undefined;
        }
    }

    release(): void {
        if (this.held) {
            fs.rmSync(this.file, { force: true });
            this.held = false;
        }
    }
}

// ---------------------------------------------------------------- template, git, images

export interface Template {
    config: Record<string, unknown>;
    services: Record<string, { kind?: string; public?: boolean; hostPort?: number }>;
}

export function readTemplate(file = path.join(ROOT, "stacks", "review.yaml")): Template {
    const doc = yaml.load(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | undefined;
    const config = doc?.config ?? {};
    return { config, services: (config["webstack:services"] ?? {}) as Template["services"] };
}

/** The project's declared config keys (Pulumi.yaml `config:`). */
export function readProjectConfig(file = path.join(ROOT, "Pulumi.yaml")): Record<string, unknown> {
    const doc = yaml.load(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | undefined;
    return doc?.config ?? {};
}

export function gitHeadSha(): string | undefined {
    const r = spawnSync("git", ["rev-parse", "--short=12", "HEAD"], { cwd: ROOT, encoding: "utf8" });
    return r.status === 0 ? r.stdout.trim() : undefined;
}

/** Commit time of a SHA in UTC (stable across runs, so a second up changes nothing). */
export function commitDate(sha: string): string | undefined {
    const r = spawnSync("git", ["show", "-s", "--format=%ct", sha], { cwd: ROOT, encoding: "utf8" });
    const secs = Number(r.stdout.trim());
    return r.status === 0 && secs > 0 ? new Date(secs * 1000).toISOString().replace(/\.\d+Z$/, "Z") : undefined;
}

export function appVersion(pr: number): string {
    let base = "0.0.0";
    try {
        base = (JSON.parse(fs.readFileSync(path.join(ROOT, "app", "package.json"), "utf8")) as { version?: string }).version ?? base;
    } catch {
        // no workload package: keep 0.0.0
    }
    return `${base}-pr.${pr}`;
}

/** Runs scripts/images.sh --tag SHA (progress on the terminal) and returns its image lines. */
export function buildImages(sha: string, write: (s: string) => void): Promise<Images> {
    return new Promise((resolve, reject) => {
        const child = spawn("bash", [path.join(ROOT, "scripts", "images.sh"), "--tag", sha], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        child.stdout.on("data", (d: Buffer) => (out += d.toString()));
        child.stderr.on("data", (d: Buffer) => write(d.toString()));
        child.on("error", reject);
        child.on("close", (code) => {
            if (code !== 0) {
                reject(new Error(`scripts/images.sh --tag ${sha} exited with ${code}`));
                return;
            }
            const images: Partial<Images> = {};
            for (const line of out.split("\n")) {
                const m = /^image (\w+)=(\S+)$/.exec(line.trim());
                if (m && (IMAGE_ROLES as readonly string[]).includes(m[1])) {
                    images[m[1] as ImageRole] = m[2];
                }
            }
            const missing = IMAGE_ROLES.filter((r) => !images[r]);
            if (missing.length > 0) {
                reject(new Error(`scripts/images.sh did not report ${missing.join(", ")}:\n${out}`));
                return;
            }
            resolve(images as Images);
        });
    });
}

// ---------------------------------------------------------------- docker

export function dockerAvailable(): string | undefined {
    const r = spawnSync("docker", ["info", "--format", "{{.ServerVersion}}"], { encoding: "utf8" });
    return r.status === 0 ? undefined : `no Docker engine answers (${(r.stderr || r.error?.message || "").trim()}); start one (bash scripts/docker-engine.sh)`;
}

export type DockerKind = "container" | "network" | "volume";

/** Physical names of a stack's Docker objects: they start with "<stack>-". */
export function dockerObjects(kind: DockerKind, stack: string): string[] {
    const args = kind === "container" ? ["ps", "-a", "--format", "{{.Names}}"] : [kind, "ls", "--format", "{{.Name}}"];
    const r = spawnSync("docker", args, { encoding: "utf8" });
    return r.status === 0 ? r.stdout.split("\n").filter((n) => n.startsWith(`${stack}-`)) : [];
}

export function removeDockerObject(kind: DockerKind, name: string): boolean {
    const args = kind === "container" ? ["rm", "-f", "-v", name] : [kind, "rm", ...(kind === "volume" ? ["-f"] : []), name];
    return spawnSync("docker", args, { encoding: "utf8" }).status === 0;
}

/** Names of Docker objects recorded in an exported deployment. */
export function namesInState(deployment: { deployment?: { resources?: { type?: string; outputs?: { name?: unknown } }[] } }): Set<string> {
    const out = new Set<string>();
    for (const r of deployment.deployment?.resources ?? []) {
        if (/^docker:index\/(container|network|volume):/.test(r.type ?? "") && typeof r.outputs?.name === "string") {
            out.add(r.outputs.name);
        }
    }
    return out;
}

export type { Stack };
