import * as pulumi from "@pulumi/pulumi";
import { Settings, imageProblems } from "../config";
import { Platform } from "../platform";
import { versionEnv } from "./serviceEnv";

export interface StaticSiteArgs {
    platform: Platform;
    settings: Settings;
    /** Base URL the browser calls for the api; public, never a secret. */
    apiBaseUrl: pulumi.Input<string>;
}

const PORT = 8080;

/**
 * The static front end: an image that serves versioned, immutable asset paths
 * with secure headers on port 8080, configured at serve time with the public
 * api URL and the version stamp only (nothing secret reaches the bundle).
 */
export class StaticSite extends pulumi.ComponentResource {
    readonly url: pulumi.Output<string>;

    constructor(name: string, args: StaticSiteArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate before super() registers anything: bad args leave no trace in the stack.
        super("webstack:index:StaticSite", name, {}, (validateStaticSiteArgs(args), opts));
        const { settings, platform } = args;
        const workload = platform.workload({
            name,
            role: "web",
            image: settings.web.image,
            env: { ...versionEnv(settings), WEB__PUBLIC_API_BASE_URL: args.apiBaseUrl, WEB__ENV: settings.environment },
            port: PORT,
            replicas: settings.web.replicas,
            liveness: { kind: "http", path: "/", port: PORT },
            readiness: { kind: "http", path: "/config.json", port: PORT },
            healthcheck: settings.web.healthcheck,
            exposure: "public",
            publicHost: settings.domain,
            hostPort: settings.web.hostPort,
            resources: { cpu: "50m", memory: "32Mi", cpuLimit: "250m", memoryLimit: "64Mi" },
            runAsUser: 10001,
            writablePaths: ["/tmp", "/var/cache/nginx", "/var/run"],
        }, this);
        this.url = workload.publicUrl!;
        this.registerOutputs({ url: this.url });
    }
}

export function validateStaticSiteArgs(args: StaticSiteArgs): void {
    const bad = imageProblems("webImage", args.settings.web.image, args.settings.environment);
    if (bad.length > 0) {
        throw new pulumi.InputPropertyError({ propertyPath: "settings.web.image", reason: `${bad[0].message}; ${bad[0].fix}` });
    }
    if (!Number.isInteger(args.settings.web.replicas) || args.settings.web.replicas < 1) {
        throw new pulumi.InputPropertyError({ propertyPath: "settings.web.replicas", reason: "must be at least 1" });
    }
}
