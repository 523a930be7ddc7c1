/**
 * Happy-path stacks that every policy accepts, shaped like the resources the
 * program registers (platform/kubernetes.ts, platform/docker.ts,
 * components/credential.ts). Tests copy one and change one field.
 */
import { createHash } from "crypto";
import { FixtureResource } from "./harness";
import { UNKNOWN_SENTINELS } from "../../policies/lib/unknown";
import { T } from "../../policies/lib/types";

// The policies' own table of type tokens, so fixtures and rules cannot disagree.
export { T };

/** What the engine sends for a string it does not know yet (preview). */
export const UNKNOWN = UNKNOWN_SENTINELS.string;
export const UNKNOWN_ARRAY = UNKNOWN_SENTINELS.array;

const DAY_MS = 86_400_000;

export function isoDaysAgo(days: number): string {
    return new Date(Date.now() - days * DAY_MS).toISOString().slice(0, 10);
}

export function clone<T>(value: T): T {
    return JSON.parse(JSON.stringify(value)) as T;
}

/** The resource of that type and name (throws when absent, so a test never edits nothing). */
export function find(resources: FixtureResource[], type: string, name: string): FixtureResource {
    const r = resources.find((x) => x.type === type && x.name === name);
    if (!r) {
        throw new Error(`fixture has no ${type} "${name}"`);
    }
    return r;
}

/** Reads or writes a nested prop by path. */
export function at(obj: unknown, ...path: (string | number)[]): any {
    let cur: any = obj;
    for (const key of path) {
        cur = cur?.[key];
    }
    return cur;
}

// ---------------------------------------------------------------- labels

export function labels(stack: string, environment: string, name: string, component: string, extra: Record<string, string> = {}): Record<string, string> {
    return {
        "app.kubernetes.io/name": name,
        "app.kubernetes.io/instance": `${stack}-${name}`,
        "app.kubernetes.io/component": component,
        "app.kubernetes.io/part-of": "webstack",
        "app.kubernetes.io/managed-by": "pulumi",
        "app.kubernetes.io/version": "1.4.2",
        "webstack.dev/environment": environment,
        ...extra,
    };
}

function selector(stack: string, name: string): Record<string, string> {
    return { "app.kubernetes.io/name": name, "app.kubernetes.io/instance": `${stack}-${name}` };
}

function dockerLabelList(l: Record<string, string>): { label: string; value: string }[] {
    return Object.entries(l).map(([label, value]) => ({ label, value }));
}

// ---------------------------------------------------------------- credentials

export interface CredentialValues {
    current: string;
    previous: string;
}

/** Deterministic, password-looking values per credential. */
export function valuesFor(stack: string, credential: string): CredentialValues {
    const base = createHash("sha256").update(`${stack}/${credential}`).digest("hex").slice(0, 24);
    return { current: `Cur${base}Zq7`, previous: `Prv${base}Xw3` };
}

/** The two RandomPasswords of a Credential (slot b holds generation 5, current; slot a generation 4). */
export function credential(stack: string, environment: string, service: string, purpose: string): FixtureResource[] {
    const name = `${service}-${purpose}`;
    const v = valuesFor(stack, name);
    const slot = (s: "a" | "b", generation: number, issuedDaysAgo: number, result: string): FixtureResource => ({
        type: T.randomPassword,
        name: `${stack}-${name}-${s}`,
        props: {
            length: 32,
            special: false,
            keepers: {
                "webstack.dev/credential": name,
                "webstack.dev/service": service,
                "webstack.dev/environment": environment,
                "webstack.dev/stack": stack,
                "webstack.dev/slot": s,
                "webstack.dev/generation": String(generation),
                "webstack.dev/rotation-period-days": "30",
                "webstack.dev/issued-at": isoDaysAgo(issuedDaysAgo),
            },
            result,
        },
    });
    return [slot("b", 5, 10, v.current), slot("a", 4, 40, v.previous)];
}

const CREDENTIALS: [string, string][] = [["api", "db"], ["worker", "db"], ["api", "cache"], ["worker", "cache"], ["db", "admin"]];

function pgUrl(user: string, password: string): string {
    return `postgres://${user}:${password}@db:5432/app`;
}

function redisUrl(user: string, password: string): string {
    return `redis://${user}:${password}@cache:6379/0`;
}

// ---------------------------------------------------------------- Kubernetes

const APP_IMAGE = "ghcr.io/acme/webstack-app:1.4.2";
const WEB_IMAGE = "ghcr.io/acme/webstack-web:1.4.2";
const PG_IMAGE = "postgres:16.4-bookworm";
const REDIS_IMAGE = "redis:7.4.1-bookworm";

/** Production runs images by digest only (pinned-images requireDigest); staging by version tag. */
function imagesFor(environment: string): { app: string; web: string; pg: string; redis: string } {
    const pin = (ref: string, hexDigit: string) => (environment === "production" ? `${ref}@sha256:${hexDigit.repeat(64)}` : ref);
    return { app: pin(APP_IMAGE, "1"), web: pin(WEB_IMAGE, "2"), pg: pin(PG_IMAGE, "3"), redis: pin(REDIS_IMAGE, "4") };
}

interface ContainerOpts {
    env?: Record<string, unknown>[];
    probes?: boolean;
    port?: number;
}

function k8sContainer(name: string, image: string, opts: ContainerOpts = {}): Record<string, unknown> {
    const probe = (path: string) => ({ httpGet: { path, port: opts.port ?? 8080 }, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 });
    return {
        name,
        image,
        env: opts.env ?? [],
        resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
        securityContext: {
            allowPrivilegeEscalation: false,
            privileged: false,
            readOnlyRootFilesystem: true,
            runAsNonRoot: true,
            capabilities: { drop: ["ALL"] },
        },
        ...(opts.probes === false ? {} : { livenessProbe: probe("/health"), readinessProbe: probe("/ready") }),
    };
}

function podSpec(containers: Record<string, unknown>[], uid = 10001): Record<string, unknown> {
    return {
        automountServiceAccountToken: false,
        securityContext: { runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, seccompProfile: { type: "RuntimeDefault" } },
        containers,
        volumes: [{ name: "scratch-0", emptyDir: {} }],
    };
}

function secretEnv(names: string[], secretName: string): Record<string, unknown>[] {
    return names.map((name) => ({ name, valueFrom: { secretKeyRef: { name: secretName, key: name } } }));
}

/** A production-shaped Kubernetes stack (staging or production) that passes every policy. */
export function k8sStack(environment: "staging" | "production" = "production", stack: string = environment): FixtureResource[] {
    const ns = `webstack-${stack}`;
    const L = (name: string, component: string, extra: Record<string, string> = {}) => labels(stack, environment, name, component, extra);
    const meta = (name: string, component: string, extra: Record<string, unknown> = {}) => ({ namespace: ns, labels: L(name, component), ...extra });
    const cred = (c: string) => valuesFor(stack, c);
    const img = imagesFor(environment);
    const out: FixtureResource[] = [];

    for (const [service, purpose] of CREDENTIALS) {
        out.push(...credential(stack, environment, service, purpose));
    }

    const secret = (service: string, component: string, data: Record<string, string>): FixtureResource => ({
        type: T.secret,
        name: `${stack}-${service}`,
        props: {
            metadata: { namespace: ns, name: `${service}-credentials`, labels: { ...L(service, component), "webstack.dev/service": service } },
            type: "Opaque",
            stringData: data,
        },
    });
    out.push(secret("api", "api", {
        API__DATABASE_URL: pgUrl("api", cred("api-db").current),
        API__DATABASE_URL_PREVIOUS: pgUrl("api", cred("api-db").previous),
        API__REDIS_URL: redisUrl("api", cred("api-cache").current),
    }));
    out.push(secret("worker", "worker", {
        WORKER__DATABASE_URL: pgUrl("worker", cred("worker-db").current),
        WORKER__REDIS_URL: redisUrl("worker", cred("worker-cache").current),
    }));
    out.push(secret("db", "database", { POSTGRES_PASSWORD: cred("db-admin").current }));
    out.push(secret("db-access", "access", {
        ADMIN_PASSWORD: cred("db-admin").current,
        API_PASSWORD: cred("api-db").current,
        WORKER_PASSWORD: cred("worker-db").current,
    }));

    const deployment = (name: string, component: string, replicas: number, containers: Record<string, unknown>[], extraPodLabels: Record<string, string> = {}): FixtureResource => ({
        type: T.deployment,
        name: `${stack}-${name}`,
        props: {
            metadata: meta(name, component, { name }),
            spec: {
                replicas,
                selector: { matchLabels: selector(stack, name) },
                strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
                template: { metadata: { labels: L(name, component, extraPodLabels) }, spec: podSpec(containers) },
            },
        },
    });
    const clientLabels = { "webstack.dev/db-client": "true", "webstack.dev/cache-client": "true" };
    out.push(deployment("api", "api", 2, [k8sContainer("api", img.app, {
        env: [
            { name: "API__ENV", value: environment },
            { name: "API__PORT", value: "8080" },
            { name: "API__LOG_LEVEL", value: "info" },
            { name: "API__CORS_ORIGINS", value: "https://app.example.com,https://admin.example.com" },
            { name: "API__JWT_SIGNING_KID", value: "api-jwt-g5" },
            ...secretEnv(["API__DATABASE_URL", "API__DATABASE_URL_PREVIOUS", "API__REDIS_URL"], "api-credentials"),
        ],
    })], clientLabels));
    out.push(deployment("worker", "worker", 2, [k8sContainer("worker", img.app, {
        env: [
            { name: "WORKER__LOG_LEVEL", value: "info" },
            { name: "WORKER__QUEUE", value: "jobs" },
            ...secretEnv(["WORKER__DATABASE_URL", "WORKER__REDIS_URL"], "worker-credentials"),
        ],
    })], clientLabels));
    out.push(deployment("scheduler", "scheduler", 1, [k8sContainer("scheduler", img.app, {
        env: [{ name: "SCHEDULER__SCHEDULE_SECONDS", value: "60" }],
    })]));
    out.push(deployment("web", "web", 2, [k8sContainer("web", img.web, { env: [{ name: "WEB__PUBLIC_API_BASE_URL", value: "https://api.example.com" }] })]));

    const statefulSet = (name: string, component: string, image: string, port: number, env: Record<string, unknown>[], uid: number): FixtureResource => {
        const probe = { exec: { command: ["pg_isready", "-q"] }, periodSeconds: 10 };
        const c = { ...k8sContainer(name, image, { env, probes: false }), livenessProbe: probe, readinessProbe: probe, ports: [{ containerPort: port }] };
        return {
            type: T.statefulSet,
            name: `${stack}-${name}`,
            props: {
                metadata: meta(name, component, { name }),
                spec: {
                    serviceName: name,
                    replicas: 1,
                    selector: { matchLabels: selector(stack, name) },
                    template: { metadata: { labels: L(name, component) }, spec: podSpec([c], uid) },
                },
            },
        };
    };
    out.push(statefulSet("db", "database", img.pg, 5432, secretEnv(["POSTGRES_PASSWORD"], "db-credentials"), 999));
    out.push(statefulSet("cache", "cache", img.redis, 6379, [], 999));

    out.push({
        type: T.job,
        name: `${stack}-db-access`,
        props: {
            metadata: meta("db-access", "access"),
            spec: {
                backoffLimit: 3,
                template: {
                    metadata: { labels: L("db-access", "access", { "webstack.dev/db-client": "true" }) },
                    spec: { ...podSpec([k8sContainer("db-access", img.pg, { env: secretEnv(["ADMIN_PASSWORD", "API_PASSWORD", "WORKER_PASSWORD"], "db-access-credentials"), probes: false })]), restartPolicy: "Never" },
                },
            },
        },
    });
    out.push({
        type: T.cronJob,
        name: `${stack}-cleanup`,
        props: {
            metadata: meta("cleanup", "worker"),
            spec: {
                schedule: "0 3 * * *",
                concurrencyPolicy: "Forbid",
                jobTemplate: {
                    spec: {
                        template: {
                            metadata: { labels: L("cleanup", "worker") },
                            spec: { ...podSpec([k8sContainer("cleanup", img.app, { env: [{ name: "CLEANUP__LOG_LEVEL", value: "warn" }], probes: false })]), restartPolicy: "OnFailure" },
                        },
                    },
                },
            },
        },
    });

    const service = (name: string, component: string, port: number, headless = false): FixtureResource => ({
        type: T.service,
        name: `${stack}-${name}`,
        props: {
            metadata: meta(name, component, { name }),
            spec: { type: "ClusterIP", selector: selector(stack, name), ports: [{ name: "main", port, targetPort: port }], ...(headless ? { clusterIP: "None" } : {}) },
        },
    });
    out.push(service("api", "api", 8080), service("web", "web", 8080), service("db", "database", 5432, true), service("cache", "cache", 6379, true));

    const ingress = (name: string, component: string, host: string): FixtureResource => ({
        type: T.ingress,
        name: `${stack}-${name}`,
        props: {
            metadata: { ...meta(name, component), annotations: { "cert-manager.io/cluster-issuer": "letsencrypt" } },
            spec: {
                ingressClassName: "nginx",
                tls: [{ hosts: [host], secretName: `${name}-tls` }],
                rules: [{ host, http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name, port: { number: 8080 } } } }] } }],
            },
        },
    });
    out.push(ingress("api", "api", "api.example.com"), ingress("web", "web", "app.example.com"));

    const np = (name: string, component: string, spec: Record<string, unknown>): FixtureResource => ({
        type: T.networkPolicy,
        name: `${stack}-${name}`,
        props: { metadata: meta(name.replace(/-(clients|ingress)$/, ""), component), spec },
    });
    out.push(np("default-deny", "internal", { podSelector: {}, policyTypes: ["Ingress"] }));
    out.push(np("db-clients", "database", {
        podSelector: { matchLabels: selector(stack, "db") },
        policyTypes: ["Ingress"],
        ingress: [{ from: [{ podSelector: { matchLabels: { "webstack.dev/db-client": "true" } } }], ports: [{ protocol: "TCP", port: 5432 }] }],
    }));
    out.push(np("cache-clients", "cache", {
        podSelector: { matchLabels: selector(stack, "cache") },
        policyTypes: ["Ingress"],
        ingress: [{ from: [{ podSelector: { matchLabels: { "webstack.dev/cache-client": "true" } } }], ports: [{ protocol: "TCP", port: 6379 }] }],
    }));
    out.push(np("api-ingress", "api", {
        podSelector: { matchLabels: selector(stack, "api") },
        policyTypes: ["Ingress"],
        ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ protocol: "TCP", port: 8080 }] }],
    }));

    for (const name of ["api", "worker", "web"]) {
        out.push({
            type: T.pdb,
            name: `${stack}-${name}`,
            props: { metadata: meta(name, name), spec: { minAvailable: 1, selector: { matchLabels: selector(stack, name) } } },
        });
    }
    out.push({
        type: T.hpa,
        name: `${stack}-api`,
        props: {
            metadata: meta("api", "api"),
            spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "api" }, minReplicas: 2, maxReplicas: 6 },
        },
    });
    out.push({
        type: T.configMap,
        name: `${stack}-api-settings`,
        props: {
            metadata: meta("api", "api", { name: "api-settings" }),
            data: { API__FEATURE_FLAGS: "search,export", API__LOG_LEVEL: "info", API__CORS_ORIGINS: "https://app.example.com", API__JWT_SIGNING_KID: "api-jwt-g5" },
        },
    });
    return out;
}

// ---------------------------------------------------------------- Docker

const APP_IMAGE_ID = `sha256:${"a".repeat(64)}`;
const PG_IMAGE_ID = `sha256:${"b".repeat(64)}`;
const REDIS_IMAGE_ID = `sha256:${"c".repeat(64)}`;
const EDGE_IMAGE_ID = `sha256:${"d".repeat(64)}`;

/** A Docker stack (local or a review stack) that passes every policy of its environment. */
export function dockerStack(environment: "local" | "review" = "review", stack: string = environment === "review" ? "pr-1" : "local"): FixtureResource[] {
    const L = (name: string, component: string, extra: Record<string, string> = {}) => dockerLabelList(labels(stack, environment, name, component, extra));
    const cred = (c: string) => valuesFor(stack, c);
    const privateNet = `${stack}-private-5f2c9a1`;
    const edgeNet = `${stack}-edge-77b10e4`;
    const out: FixtureResource[] = [];

    for (const [service, purpose] of CREDENTIALS) {
        out.push(...credential(stack, environment, service, purpose));
    }
    out.push(
        { type: T.network, name: `${stack}-private`, props: { name: privateNet, internal: true, labels: L("private", "internal") } },
        { type: T.network, name: `${stack}-edge`, props: { name: edgeNet, labels: L("edge", "internal") } },
        { type: T.volume, name: `${stack}-db-data`, props: { name: `${stack}-db-data-0c1d2e3`, labels: L("db", "database") } },
    );
    for (const [slug, image] of [["app", APP_IMAGE], ["web", WEB_IMAGE], ["postgres", PG_IMAGE], ["redis", REDIS_IMAGE], ["edge", "nginxinc/nginx-unprivileged:1.27.2"]]) {
        out.push({ type: T.remoteImage, name: `${stack}-image-${slug}`, props: { name: image, keepLocally: true } });
    }

    const container = (name: string, component: string, image: string, envs: string[], extra: Record<string, unknown> = {}, extraLabels: Record<string, string> = {}): FixtureResource => ({
        type: T.container,
        name: `${stack}-${name}`,
        props: {
            name: `${stack}-${name}-1a2b3c4`,
            image,
            envs,
            labels: L(name, component, extraLabels),
            user: "10001",
            memory: 256,
            memoryReservation: 128,
            cpus: "0.5",
            capabilities: { drops: ["ALL"] },
            securityOpts: ["no-new-privileges:true"],
            networksAdvanced: [{ name: privateNet, aliases: [name] }],
            restart: "unless-stopped",
            healthcheck: { tests: ["CMD", "wget", "-qO-", "http://127.0.0.1:8080/ready"], interval: "5s", timeout: "3s", retries: 30 },
            ...extra,
        },
    });
    const clients = { "webstack.dev/db-client": "true", "webstack.dev/cache-client": "true" };
    out.push(container("api", "api", APP_IMAGE_ID, [
        `API__ENV=${environment}`,
        "API__PORT=8080",
        "API__LOG_LEVEL=info",
        "API__CORS_ORIGINS=http://localhost:8081",
        `API__DATABASE_URL=${pgUrl("api", cred("api-db").current)}`,
        `API__DATABASE_URL_PREVIOUS=${pgUrl("api", cred("api-db").previous)}`,
        `API__REDIS_URL=${redisUrl("api", cred("api-cache").current)}`,
    ], { networksAdvanced: [{ name: privateNet, aliases: ["api"] }, { name: edgeNet, aliases: ["api"] }] }, clients));
    out.push(container("worker", "worker", APP_IMAGE_ID, [
        "WORKER__LOG_LEVEL=info",
        `WORKER__DATABASE_URL=${pgUrl("worker", cred("worker-db").current)}`,
        `WORKER__REDIS_URL=${redisUrl("worker", cred("worker-cache").current)}`,
    ], {}, clients));
    out.push(container("db", "database", PG_IMAGE_ID, [`POSTGRES_PASSWORD=${cred("db-admin").current}`, "PGDATA=/var/lib/postgresql/data/pgdata"], {
        user: "999",
        healthcheck: { tests: ["CMD", "pg_isready", "-q"], interval: "5s", timeout: "3s", retries: 30 },
        volumes: [{ volumeName: `${stack}-db-data-0c1d2e3`, containerPath: "/var/lib/postgresql/data" }],
    }));
    out.push(container("cache", "cache", REDIS_IMAGE_ID, [], {
        user: "999",
        healthcheck: { tests: ["CMD", "redis-cli", "ping"], interval: "5s", timeout: "3s", retries: 30 },
    }));
    out.push(container("db-access", "access", PG_IMAGE_ID, [
        `ADMIN_PASSWORD=${cred("db-admin").current}`,
        `API_PASSWORD=${cred("api-db").current}`,
        `WORKER_PASSWORD=${cred("worker-db").current}`,
    ], { restart: "no", mustRun: false, healthcheck: undefined }, { "webstack.dev/db-client": "true" }));
    out.push(container("web", "web", APP_IMAGE_ID, ["WEB__PUBLIC_API_BASE_URL=http://localhost:8080"], { networksAdvanced: [{ name: edgeNet, aliases: ["web"] }] }));
    out.push(container("edge", "internal", EDGE_IMAGE_ID, [], {
        networksAdvanced: [{ name: edgeNet }],
        ports: [{ internal: 8080, external: 8080, ip: "127.0.0.1" }, { internal: 8081, external: 8081, ip: "127.0.0.1" }],
        healthcheck: { tests: ["CMD-SHELL", "nginx -t -c /etc/webstack/edge.conf >/dev/null 2>&1"], interval: "10s", timeout: "3s", retries: 3 },
    }));
    return out.map((r) => clone(r));
}

/** The Docker review stack as its first preview sees it: no password generated yet, so every env entry that interpolates one is unknown. */
export function dockerFirstPreview(): FixtureResource[] {
    const rs = dockerStack("review");
    const secrets = new Set<string>();
    for (const rp of rs.filter((r) => r.type === T.randomPassword)) {
        secrets.add(rp.props.result as string);
        rp.props.result = UNKNOWN;
    }
    for (const c of rs.filter((r) => r.type === T.container)) {
        c.props.envs = (c.props.envs as string[]).map((e) => ([...secrets].some((s) => e.includes(s)) ? UNKNOWN : e));
    }
    return rs;
}
