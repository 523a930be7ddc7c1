/** The images the integration tests deploy, built here by scripts/images.sh (no registry is reachable). */
import { execFileSync, spawnSync } from "child_process";
import * as path from "path";
import { ROOT } from "./engine";

/** The commit the images are tagged and stamped with. */
export function gitSha(): string {
    const r = spawnSync("git", ["rev-parse", "--short=12", "HEAD"], { cwd: ROOT, encoding: "utf8" });
    return r.status === 0 ? r.stdout.trim() : "0000000";
}

/** Builds the images; returns their references by role, failing when one of `required` is missing. */
export function buildImages(sha: string, required: readonly string[] = ["app", "web", "postgres", "redis", "edge"]): Record<string, string> {
    const out = execFileSync("bash", [path.join(ROOT, "scripts", "images.sh"), "--tag", sha], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 64 * 1024 * 1024 });
    const images: Record<string, string> = {};
    for (const line of out.split("\n")) {
        const m = /^image (\w+)=(\S+)$/.exec(line.trim());
        if (m) {
            images[m[1]] = m[2];
        }
    }
    for (const k of required) {
        if (!images[k]) {
            throw new Error(`scripts/images.sh did not report an image for ${k}:\n${out}`);
        }
    }
    return images;
}
