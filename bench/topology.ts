/**
 * Generated topologies: a shipped stack file as the base, its `services`
 * replaced by N services of mixed kinds.
 *
 *   service 0      "api"      kind api, uses db and cache, runs the migrations
 *   i % 3 == 1     "api-<i>"  kind api, uses db and cache, migrate: false
 *   i % 3 == 2     "svc-<i>"  kind internal (port 9000), uses cache
 *   i % 3 == 0     "wrk-<i>"  kind worker, uses db
 *
 * On Docker every public (api) service gets its own loopback hostPort
 * (8000 + i); on Kubernetes every service runs 2 replicas, as staging and
 * production do.
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { ROOT, toEngineConfig } from "../tests/support/program";

export type Platform = "docker" | "kubernetes";

export const BASES: Record<Platform, { file: string; stack: string }> = {
    docker: { file: "Pulumi.local.yaml", stack: "local" },
    kubernetes: { file: "Pulumi.staging.yaml", stack: "staging" },
};

export function readStackFile(file: string): Record<string, unknown> {
    const doc = yaml.load(fs.readFileSync(path.resolve(ROOT, file), "utf8")) as { config?: Record<string, unknown> };
    return doc.config ?? {};
}

export function services(n: number, platform: Platform, image: string): Record<string, Record<string, unknown>> {
    const out: Record<string, Record<string, unknown>> = {};
    for (let i = 0; i < n; i++) {
        const kind = i === 0 ? "api" : (["worker", "api", "internal"] as const)[i % 3];
        const name = i === 0 ? "api" : `${kind === "internal" ? "svc" : kind === "worker" ? "wrk" : "api"}-${i}`;
        const s: Record<string, unknown> = { kind, image };
        if (kind === "api") {
            s.port = 8000;
            s.uses = ["db", "cache"];
            if (i > 0) {
                s.migrate = false;
            }
            if (platform === "docker") {
                s.hostPort = 8000 + i;
            }
        } else if (kind === "internal") {
            s.port = 9000;
            s.uses = ["cache"];
        } else {
            s.uses = ["db"];
        }
        if (platform === "kubernetes") {
            s.replicas = 2;
        }
        out[name] = s;
    }
    return out;
}

/** Raw config (stack-file shape) of `file` with N generated services. */
export function topologyConfig(file: string, n: number, platform: Platform): Record<string, unknown> {
    const config = readStackFile(file);
    const shipped = config["webstack:services"] as Record<string, { image: string }>;
    const image = Object.values(shipped)[0].image;
    return { ...config, "webstack:services": services(n, platform, image) };
}

/** Engine config (what runProgram takes) of a generated topology. */
export function topology(n: number, platform: Platform, file = BASES[platform].file): Record<string, string> {
    return toEngineConfig(topologyConfig(file, n, platform));
}
