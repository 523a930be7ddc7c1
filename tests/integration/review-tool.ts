/**
 * The review tool (npm run review -- ...) as the integration tests run it: on
 * a temporary file backend of its own with the toolchain on PATH, so a
 * developer's .pulumi-state is never touched, with every run's output kept.
 */
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT, pulumiBinDir } from "./engine";
import { buildImages } from "./images";

export interface Run { code: number; stdout: string; stderr: string; seconds: number; output: string }

export class Tool {
    readonly backendDir = fs.mkdtempSync(path.join(os.tmpdir(), "webstack-review-it-"));
    readonly log: string[] = [];
    readonly env: NodeJS.ProcessEnv;

    constructor() {
        const bin = pulumiBinDir();
        this.env = {
            ...process.env,
            PATH: bin ? `${bin}:${process.env.PATH}` : process.env.PATH,
            PULUMI_BACKEND_URL: `file://${this.backendDir}`,
            PULUMI_CONFIG_PASSPHRASE: "review-integration-tests",
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            NO_COLOR: "1",
            GITHUB_ACTOR: "",
            USER: "it-owner",
        };
        // The tests' own passphrase, never a developer's file.
        delete this.env.PULUMI_CONFIG_PASSPHRASE_FILE;
    }

    start(args: string[]): { child: ChildProcess; done: Promise<Run> } {
        const started = Date.now();
        const child = spawn(path.join(ROOT, "node_modules", ".bin", "ts-node"), ["--transpile-only", path.join(ROOT, "scripts", "review.ts"), ...args], {
            cwd: ROOT, env: this.env, detached: true, stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout!.on("data", (d) => (stdout += d));
        child.stderr!.on("data", (d) => (stderr += d));
        const done = new Promise<Run>((resolve, reject) => {
            child.on("error", reject);
            child.on("close", (code) => {
                this.log.push(`$ review ${args.join(" ")}\n${stdout}\n${stderr}`);
                resolve({ code: code ?? -1, stdout, stderr, seconds: (Date.now() - started) / 1000, output: stdout + stderr });
            });
        });
        return { child, done };
    }

    run(...args: string[]): Promise<Run> {
        return this.start(args).done;
    }

    pulumi(args: string[]): { code: number; stdout: string; stderr: string } {
        const r = spawnSync("pulumi", [...args, "--non-interactive"], { cwd: ROOT, env: this.env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
        return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
    }

    dispose(): void {
        fs.rmSync(this.backendDir, { recursive: true, force: true });
    }
}

/** Builds the images with scripts/images.sh; returns the tool's --image flags for them. */
export function imageFlags(sha: string): string[] {
    return Object.entries(buildImages(sha)).flatMap(([role, ref]) => ["--image", `${role}=${ref}`]);
}
