/**
 * Drives the real Pulumi CLI on a throwaway local file backend, with
 * offline-safe settings. Every command's output is kept, so a failure shows
 * what the engine said and the secrets check can search all of it.
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const ROOT = path.resolve(__dirname, "..", "..");

export interface CommandResult {
    code: number;
    stdout: string;
    stderr: string;
    seconds: number;
}

/** Directory of the pulumi CLI: PULUMI_BIN_DIR, else what scripts/toolchain.sh installed, else PATH. */
export function pulumiBinDir(): string | undefined {
    if (process.env.PULUMI_BIN_DIR) {
        return process.env.PULUMI_BIN_DIR;
    }
    const printed = spawnSync("bash", [path.join(ROOT, "scripts", "toolchain.sh"), "--print-path"], { encoding: "utf8" });
    const dir = printed.stdout.trim().split("\n").pop();
    if (printed.status === 0 && dir && fs.existsSync(path.join(dir, "pulumi"))) {
        return dir;
    }
    const which = spawnSync("bash", ["-c", "command -v pulumi"], { encoding: "utf8" });
    return which.status === 0 ? path.dirname(which.stdout.trim()) : undefined;
}

/**
 * Provider plugins (random, kubernetes, docker) that scripts/toolchain.sh could
 * not provide. Without them the engine can load and check the project, run the
 * program up to its first resource and run the policy pack, but cannot plan or
 * create resources.
 */
export function missingPlugins(): string[] {
    const check = spawnSync("bash", [path.join(ROOT, "scripts", "toolchain.sh"), "--check"], { encoding: "utf8" });
    return check.stdout.split("\n").filter((l) => l.startsWith("MISSING plugin")).map((l) => l.replace(/^MISSING plugin resource /, "").replace(/ in .*$/, ""));
}

/** Why the CLI and language host cannot run here, ignoring missing plugins. */
export function cliUnavailable(): string | undefined {
    const check = spawnSync("bash", [path.join(ROOT, "scripts", "toolchain.sh"), "--check"], { encoding: "utf8" });
    const missing = check.stdout.split("\n").filter((l) => l.startsWith("MISSING") && !l.startsWith("MISSING plugin"));
    if (missing.length > 0 || !pulumiBinDir()) {
        return `the Pulumi CLI or language host is missing (run bash scripts/toolchain.sh):\n${missing.join("\n")}`;
    }
    return undefined;
}

export function dockerUnavailable(): string | undefined {
    const info = spawnSync("docker", ["info", "--format", "{{.ServerVersion}}"], { encoding: "utf8" });
    return info.status === 0 ? undefined : `no Docker engine answers (run bash scripts/docker-engine.sh): ${info.stderr.trim()}`;
}

/**
 * Called from a suite's `before` hook: fails the suite when the CLI (or Docker,
 * when asked) is missing, and skips it, saying why, when it needs provider
 * plugins that cannot be had here. A skip is counted as skipped, never passed.
 */
export function requireEngine(ctx: Mocha.Context, needs: { plugins: ("random" | "docker" | "kubernetes")[]; docker?: boolean }): void {
    const why = cliUnavailable() ?? (needs.docker ? dockerUnavailable() : undefined);
    if (why) {
        throw new Error(`integration prerequisites missing: ${why}`);
    }
    const plugins = missingPlugins().filter((p) => needs.plugins.some((n) => p.startsWith(`${n} `)));
    if (plugins.length > 0) {
        console.log(`      SKIPPED: provider plugins missing (${plugins.join(", ")}); see docs/toolchain.md`);
        ctx.skip();
    }
}

export class Engine {
    readonly backendDir: string;
    readonly log: string[] = [];
    private readonly env: NodeJS.ProcessEnv;

    constructor(readonly passphrase = "integration-tests-passphrase") {
        this.backendDir = fs.mkdtempSync(path.join(os.tmpdir(), "webstack-backend-"));
        const bin = pulumiBinDir();
        this.env = {
            ...process.env,
            PATH: bin ? `${bin}:${process.env.PATH}` : process.env.PATH,
            PULUMI_BACKEND_URL: `file://${this.backendDir}`,
            PULUMI_CONFIG_PASSPHRASE: passphrase,
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_SKIP_CONFIRMATIONS: "true",
            PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true",
            PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
            NO_COLOR: "1",
        };
    }

    /** Runs `pulumi <args>` in the project root. */
    run(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutSeconds?: number } = {}): Promise<CommandResult> {
        const start = Date.now();
        return new Promise((resolve, reject) => {
            const child = spawn("pulumi", [...args, "--non-interactive", "--color", "never"], {
                cwd: options.cwd ?? ROOT,
                env: { ...this.env, ...options.env },
            });
            let stdout = "";
            let stderr = "";
            child.stdout.on("data", (d) => (stdout += d));
            child.stderr.on("data", (d) => (stderr += d));
            const timer = setTimeout(() => child.kill("SIGTERM"), (options.timeoutSeconds ?? 900) * 1000);
            child.on("error", reject);
            child.on("close", (code) => {
                clearTimeout(timer);
                this.log.push(`$ pulumi ${args.join(" ")}\n${stdout}\n${stderr}`);
                resolve({ code: code ?? -1, stdout, stderr, seconds: (Date.now() - start) / 1000 });
            });
        });
    }

    /** Like run, but throws with the engine's output when the command fails. */
    async ok(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutSeconds?: number } = {}): Promise<CommandResult> {
        const r = await this.run(args, options);
        if (r.code !== 0) {
            throw new Error(`pulumi ${args.join(" ")} exited ${r.code}\n--- stdout\n${tail(r.stdout)}\n--- stderr\n${tail(r.stderr)}`);
        }
        return r;
    }

    /** Creates a stack whose config is `config` (a stack file's YAML text), written beside Pulumi.yaml. */
    async initStack(stack: string, configYaml: string): Promise<string> {
        const file = path.join(ROOT, `Pulumi.${stack}.yaml`);
        fs.writeFileSync(file, configYaml);
        await this.ok(["stack", "init", stack, "--secrets-provider", "passphrase"]);
        return file;
    }

    async removeStack(stack: string): Promise<void> {
        await this.run(["stack", "rm", stack, "--yes", "--force", "--preserve-config"]);
        fs.rmSync(path.join(ROOT, `Pulumi.${stack}.yaml`), { force: true });
    }

    dispose(): void {
        fs.rmSync(this.backendDir, { recursive: true, force: true });
    }
}

export function tail(text: string, lines = 60): string {
    return text.split("\n").slice(-lines).join("\n");
}

/** The policy config file for an environment. */
export function policyConfig(environment: string): string {
    return path.join(ROOT, "policies", "config", `${environment}.json`);
}

/** A kubeconfig that names a cluster nobody listens on, so previews never touch a real one. */
export function offlineKubeconfig(): string {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "webstack-kube-")), "config");
    fs.writeFileSync(file, `apiVersion: v1
kind: Config
clusters: [{name: offline, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: offline, user: {token: "offline"}}]
contexts: [{name: offline, context: {cluster: offline, user: offline}}]
current-context: offline
`);
    return file;
}
