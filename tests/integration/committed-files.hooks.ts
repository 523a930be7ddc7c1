/**
 * Root hooks of the integration suites: no test and no command of the project
 * may change a committed stack or template file as a side effect (for
 * example `pulumi stack init` rewriting the stack file it finds). The hash of
 * every tracked Pulumi.*.yaml, stacks/ and examples/ file is taken before the
 * first suite and compared after the last.
 */
import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");

function committedStackFiles(): Map<string, string> {
    const listed = spawnSync("git", ["ls-files", "--", "Pulumi.*.yaml", "Pulumi.yaml", "stacks", "examples"], { cwd: ROOT, encoding: "utf8" });
    const hashes = new Map<string, string>();
    for (const file of listed.stdout.split("\n").filter(Boolean)) {
        const full = path.join(ROOT, file);
        hashes.set(file, fs.existsSync(full) ? crypto.createHash("sha256").update(fs.readFileSync(full)).digest("hex") : "(deleted)");
    }
    return hashes;
}

let before = new Map<string, string>();

export const mochaHooks = {
    beforeAll(): void {
        before = committedStackFiles();
    },
    afterAll(): void {
        const after = committedStackFiles();
        const changed = [...before].filter(([file, hash]) => after.get(file) !== hash).map(([file]) => file);
        if (changed.length > 0) {
            throw new Error(`the integration tests changed committed files: ${changed.join(", ")} (git diff shows how)`);
        }
    },
};
