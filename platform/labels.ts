import { Settings, Dependency } from "../config";
import { Role } from "./types";

/** Standard app.kubernetes.io labels plus the environment, for every object. */
export function standardLabels(settings: Settings, name: string, role: Role): Record<string, string> {
    return {
        "app.kubernetes.io/name": name,
        "app.kubernetes.io/instance": `${settings.stack}-${name}`,
        "app.kubernetes.io/component": role,
        "app.kubernetes.io/part-of": settings.project,
        "app.kubernetes.io/managed-by": "pulumi",
        "app.kubernetes.io/version": settings.version.appVersion,
        "webstack.dev/environment": settings.environment,
    };
}

/** Pod selector labels: stable across versions, so a new version does not orphan pods. */
export function selectorLabels(settings: Settings, name: string): Record<string, string> {
    return { "app.kubernetes.io/name": name, "app.kubernetes.io/instance": `${settings.stack}-${name}` };
}

export const CLIENT_LABEL: Record<Dependency, string> = {
    db: "webstack.dev/db-client",
    cache: "webstack.dev/cache-client",
};

export function clientLabels(clientOf: Dependency[] | undefined): Record<string, string> {
    const out: Record<string, string> = {};
    for (const dep of clientOf ?? []) {
        out[CLIENT_LABEL[dep]] = "true";
    }
    return out;
}
