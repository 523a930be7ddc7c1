/** Small helpers over the docker CLI for the integration tests. */
import { spawnSync } from "child_process";

export function docker(args: string[], input?: string): { code: number; stdout: string; stderr: string } {
    const r = spawnSync("docker", args, { encoding: "utf8", input, maxBuffer: 64 * 1024 * 1024 });
    return { code: r.status ?? -1, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

/** Names of containers, networks or volumes of a stack (physical names start with the stack name). */
export function stackObjects(kind: "container" | "network" | "volume", stack: string): string[] {
    const args = kind === "container" ? ["ps", "-a", "--format", "{{.Names}}"] : [kind, "ls", "--format", "{{.Name}}"];
    return docker(args).stdout.split("\n").filter((n) => n.startsWith(`${stack}-`));
}

export interface ContainerState { name: string; status: string; health?: string; exitCode: number; labels: Record<string, string>; ports: unknown; ip: string[] }

export function inspect(name: string): ContainerState {
    const [c] = JSON.parse(docker(["inspect", name]).stdout);
    return {
        name,
        status: c.State.Status,
        health: c.State.Health?.Status,
        exitCode: c.State.ExitCode,
        labels: c.Config.Labels ?? {},
        ports: c.HostConfig.PortBindings,
        ip: Object.values(c.NetworkSettings.Networks ?? {}).map((n: any) => n.IPAddress).filter(Boolean),
    };
}

/** The running container of a stack's service (by the standard name label). */
export function serviceContainer(stack: string, service: string): string {
    const names = stackObjects("container", stack).filter((n) => {
        const s = inspect(n);
        return s.labels["app.kubernetes.io/instance"] === `${stack}-${service}` && s.status === "running";
    });
    if (names.length === 0) {
        throw new Error(`no running container for ${service} in ${stack}`);
    }
    return names[0];
}
