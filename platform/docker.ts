/**
 * Realizes workloads as containers on one Docker engine. Databases and caches
 * sit on an internal network with nothing published; public workloads are
 * reached through one edge proxy that publishes loopback ports only, so a
 * container can be replaced (create, become healthy, then delete the old one)
 * without a host-port clash and without downtime.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import { Settings } from "../config";
import { standardLabels, clientLabels } from "./labels";
import { ContainerSpec, CronSpec, JobRun, JobSpec, Platform, Workload, WorkloadSpec } from "./types";
import { memoryMb, cpus } from "./quantities";
import { EXTERNAL_SECRETS_ANNOTATION } from "./fingerprint";

/**
 * The command of a Docker cron container: the scheduler of platform/cron-loop.sh,
 * the job's script as the run_job function (a subshell, so its `set -e` and
 * exits stay inside a run), then the loop. The schedule comes from CRON_SCHEDULE.
 */
export function dockerCronCommand(script: string): string[] {
    const scheduler = fs.readFileSync(path.join(__dirname, "cron-loop.sh"), "utf8");
    return ["sh", "-c", `${scheduler}\nrun_job() (\n${script}\n)\ncron_loop\n`];
}

export interface DockerPlatformOptions {
    /** Image of the edge proxy (an nginx that can run unprivileged). */
    edgeImage: string;
}

interface Route { name: string; hostPort: number; port: number }

export class DockerPlatform implements Platform {
    readonly target = "docker" as const;
    private readonly privateNet: docker.Network;
    private readonly edgeNet: docker.Network;
    private readonly images = new Map<string, docker.RemoteImage>();
    private readonly routes: Route[] = [];

    constructor(private readonly settings: Settings, private readonly options: DockerPlatformOptions, parent: pulumi.Resource) {
        const stack = settings.stack;
        // internal: no route to or from the host, so db and cache cannot be reached from outside.
        this.privateNet = new docker.Network(`${stack}-private`, {
            internal: true,
            labels: this.labelList(standardLabels(settings, "private", "internal")),
        }, { parent });
        this.edgeNet = new docker.Network(`${stack}-edge`, {
            labels: this.labelList(standardLabels(settings, "edge", "internal")),
        }, { parent });
    }

    workload(spec: WorkloadSpec, parent: pulumi.Resource): Workload {
        const stack = this.settings.stack;
        const volumes: docker.types.input.ContainerVolume[] = [];
        if (spec.volume) {
            const volume = new docker.Volume(`${stack}-${spec.name}-data`, {
                labels: this.labelList(standardLabels(this.settings, spec.name, spec.role)),
            }, { parent, retainOnDelete: false });
            volumes.push({ volumeName: volume.name, containerPath: spec.volume.mountPath });
        }
        const isPublic = spec.exposure === "public";
        const networks = [{ name: this.privateNet.name, aliases: [spec.name] }];
        if (isPublic) {
            networks.push({ name: this.edgeNet.name, aliases: [spec.name] });
        }
        const container = new docker.Container(`${stack}-${spec.name}`, {
            ...this.containerBase(spec, parent),
            networksAdvanced: networks,
            volumes,
            restart: "unless-stopped",
            healthcheck: spec.healthcheck ? { tests: spec.healthcheck, interval: "5s", timeout: "3s", retries: 30, startPeriod: "5s" } : undefined,
            // Wait for the health check, so dependents start only against a healthy server.
            wait: spec.healthcheck !== undefined,
            waitTimeout: 180,
            destroyGraceSeconds: 20,
        }, {
            parent,
            dependsOn: spec.dependsOn,
            // Bootstrap-only values (the first admin password) are rotated online by
            // the access job; re-creating the server for them would cause an outage.
            ignoreChanges: spec.bootstrapOnlyEnv?.length ? ["envs"] : undefined,
        });
        if (isPublic && spec.hostPort !== undefined && spec.port !== undefined) {
            this.routes.push({ name: spec.name, hostPort: spec.hostPort, port: spec.port });
        }
        return {
            host: spec.name,
            port: spec.port,
            publicUrl: isPublic ? pulumi.output(this.publicUrlFor(spec)) : undefined,
            ready: container,
        };
    }

    job(spec: JobSpec, parent: pulumi.Resource): JobRun {
        const container = new docker.Container(`${this.settings.stack}-${spec.name}`, {
            ...this.containerBase(spec, parent),
            networksAdvanced: [{ name: this.privateNet.name }],
            // Run to completion once per revision; attach waits for the exit code.
            mustRun: false,
            attach: true,
            logs: true,
            restart: "no",
        }, { parent, dependsOn: spec.dependsOn });
        const completed = pulumi.all([container.exitCode, container.containerLogs, pulumi.output(spec.revision)]).apply(([code, logs, revision]) => {
            if (code !== 0) {
                const tail = (logs ?? "").split("\n").slice(-20).join("\n");
                throw new Error(`job ${spec.name} exited with code ${code}. Last log lines:\n${tail}`);
            }
            return revision;
        });
        return { completed, resource: container };
    }

    cron(spec: CronSpec, parent: pulumi.Resource): pulumi.Resource {
        // Docker has no scheduler: a long-running container runs the command
        // whenever the UTC minute matches the schedule (platform/cron-loop.sh).
        const [shell, flag, script] = spec.command ?? [];
        if (shell !== "sh" || flag !== "-c" || script === undefined) {
            throw new pulumi.ResourceError(`cron job ${spec.name} on Docker needs a ["sh", "-c", script] command`, parent);
        }
        const statusFile = "/tmp/cron-status";
        // Unhealthy after a failed run, until the next run succeeds; the job's
        // own check applies once a run has happened (before the first
        // scheduled run there is nothing to check).
        const lastRunOk = `! grep -qs '^failed' ${statusFile}`;
        const own = spec.healthcheck && (spec.healthcheck[0] === "CMD-SHELL" ? spec.healthcheck[1] : spec.healthcheck.slice(1).join(" "));
        const healthcheck = ["CMD-SHELL", own ? `${lastRunOk} && { [ ! -e ${statusFile} ] || { ${own}; }; }` : lastRunOk];
        return this.workload({
            ...spec,
            command: dockerCronCommand(script),
            env: { ...spec.env, CRON_SCHEDULE: spec.schedule, CRON_STATUS_FILE: statusFile },
            healthcheck,
            replicas: 1,
            exposure: "private",
        }, parent).ready;
    }

    restrictToClients(): void {
        // The internal network already admits only this stack's containers, and
        // only containers given credentials can authenticate.
    }

    publicUrlFor(spec: { name: string; hostPort?: number }): string {
        return `http://localhost:${spec.hostPort ?? 0}`;
    }

    /** Creates the edge proxy once every public workload is known. */
    finalize(parent: pulumi.Resource): void {
        if (this.routes.length === 0) {
            return;
        }
        const spec: ContainerSpec = {
            name: "edge",
            role: "internal",
            image: this.options.edgeImage,
            command: ["nginx", "-c", "/etc/webstack/edge.conf", "-g", "daemon off;"],
            resources: { cpu: "50m", memory: "32Mi", cpuLimit: "250m", memoryLimit: "64Mi" },
            runAsUser: 10001,
        };
        new docker.Container(`${this.settings.stack}-edge`, {
            ...this.containerBase(spec, parent),
            networksAdvanced: [{ name: this.edgeNet.name }],
            // Loopback only: nothing of the stack is reachable from other machines.
            ports: this.routes.map((r) => ({ internal: r.hostPort, external: r.hostPort, ip: "127.0.0.1" })),
            uploads: [{ file: "/etc/webstack/edge.conf", content: edgeConfig(this.routes) }],
            restart: "unless-stopped",
            healthcheck: { tests: ["CMD-SHELL", `nginx -t -c /etc/webstack/edge.conf >/dev/null 2>&1`], interval: "10s", timeout: "3s", retries: 3 },
        }, { parent });
    }

    private containerBase(spec: ContainerSpec, parent: pulumi.Resource): docker.ContainerArgs {
        const plain = Object.entries(spec.env ?? {}).map(([k, v]) => pulumi.interpolate`${k}=${v}`);
        const secret = Object.entries(spec.secretEnv ?? {}).map(([k, v]) => pulumi.secret(pulumi.interpolate`${k}=${v}`));
        return {
            image: this.image(spec.image, parent).imageId,
            command: spec.command,
            envs: [...plain, ...secret],
            labels: [
                ...this.labelList({ ...standardLabels(this.settings, spec.name, spec.role), ...clientLabels(spec.clientOf) }),
                ...(spec.externalSecrets !== undefined ? [{ label: EXTERNAL_SECRETS_ANNOTATION, value: spec.externalSecrets }] : []),
            ],
            user: spec.dockerUser ?? String(spec.runAsUser),
            memory: memoryMb(spec.resources.memoryLimit),
            memoryReservation: memoryMb(spec.resources.memory),
            // Equal to memory: no swap. Left unset, Docker reports twice the memory and every up shows a diff.
            memorySwap: memoryMb(spec.resources.memoryLimit),
            cpus: cpus(spec.resources.cpuLimit),
            capabilities: { drops: ["ALL"] },
            securityOpts: ["no-new-privileges:true"],
            logOpts: { "max-size": "10m", "max-file": "3" },
        };
    }

    private image(name: string, parent: pulumi.Resource): docker.RemoteImage {
        let image = this.images.get(name);
        if (!image) {
            const slug = name.replace(/[^a-zA-Z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 60);
            // keepLocally: destroying a stack never deletes images other stacks or people use.
            image = new docker.RemoteImage(`${this.settings.stack}-image-${slug}`, { name, keepLocally: true }, { parent });
            this.images.set(name, image);
        }
        return image;
    }

    private labelList(labels: Record<string, string>): { label: string; value: string }[] {
        return Object.entries(labels).map(([label, value]) => ({ label, value }));
    }
}

/** nginx configuration of the edge proxy: one loopback port per public workload. */
export function edgeConfig(routes: { name: string; hostPort: number; port: number }[]): string {
    const servers = routes.map((r) => `  server {
    listen ${r.hostPort};
    location / {
      # A variable makes nginx resolve the alias per request, so a replaced container is found.
      set $upstream http://${r.name}:${r.port};
      proxy_pass $upstream;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_next_upstream error timeout http_502 http_503 http_504;
      proxy_next_upstream_tries 3;
      proxy_connect_timeout 1s;
    }
  }`);
    return `worker_processes 1;
pid /tmp/edge-nginx.pid;
error_log stderr warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path /tmp/edge-client;
  proxy_temp_path /tmp/edge-proxy;
  fastcgi_temp_path /tmp/edge-fastcgi;
  uwsgi_temp_path /tmp/edge-uwsgi;
  scgi_temp_path /tmp/edge-scgi;
  # Docker's embedded DNS; short validity so replaced containers are picked up quickly.
  resolver 127.0.0.11 valid=1s ipv6=off;
${servers.join("\n")}
}
`;
}
