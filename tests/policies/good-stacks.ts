/**
 * Legitimate stacks the core policies must accept (a false positive is a
 * defect too): clients of a database, exporters, admin UIs, migration and
 * backup jobs, an external managed database, declared external secrets,
 * non-credential generators, and first previews where values are unknown.
 */
import { Environment, FixtureResource } from "./harness";
import { T, UNKNOWN, at, dockerStack, find, k8sStack, labels } from "./fixtures";
import { dockerPreview, k8sPreview } from "./bad-stacks/adversarial";

export interface GoodStack {
    name: string;
    why: string;
    environment: Environment;
    stack: string;
    resources: FixtureResource[];
    configOverrides?: Record<string, Record<string, unknown>>;
}

const NS = "webstack-production";
type Props = Record<string, unknown>;

function container(name: string, image: string, extra: Props = {}): Props {
    return { name, image, ...extra };
}

function deployment(name: string, component: string, c: Props, podLabels: Record<string, string> = {}): FixtureResource {
    const l = { ...labels("production", "production", name, component), ...podLabels };
    return {
        type: T.deployment,
        name: `production-${name}`,
        props: { metadata: { namespace: NS, name, labels: l }, spec: { selector: { matchLabels: { "app.kubernetes.io/name": name } }, template: { metadata: { labels: l }, spec: { containers: [c] } } } },
    };
}

function service(name: string, type: string, port: number, extra: Props = {}): FixtureResource {
    return { type: T.service, name: `production-${name}`, props: { metadata: { namespace: NS, name, labels: labels("production", "production", name, "api") }, spec: { type, selector: { "app.kubernetes.io/name": name }, ports: [{ port }], ...extra } } };
}

function ingressTo(name: string, backend: string, port: number): FixtureResource {
    return { type: T.ingress, name: `production-${name}`, props: { metadata: { namespace: NS, name }, spec: { tls: [{ hosts: [`${name}.example.com`] }], rules: [{ host: `${name}.example.com`, http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: backend, port: { number: port } } } }] } }] } } };
}

const prod = (name: string, why: string, change: (rs: FixtureResource[]) => void, configOverrides?: GoodStack["configOverrides"]): GoodStack => {
    const resources = k8sStack("production");
    change(resources);
    return { name, why, environment: "production", stack: "production", resources, configOverrides };
};

const review = (name: string, why: string, change: (rs: FixtureResource[]) => void): GoodStack => {
    const resources = dockerStack("review");
    change(resources);
    return { name, why, environment: "review", stack: "pr-1", resources };
};

export const goodStacks: GoodStack[] = [
    prod("k8s-production-reference", "the reference production stack", () => undefined),
    { name: "k8s-staging-reference", why: "the reference staging stack", environment: "staging", stack: "staging", resources: k8sStack("staging") },
    review("docker-review-reference", "the reference review stack", () => undefined),
    { name: "docker-local-reference", why: "the reference local stack (loopback ports allowed)", environment: "local", stack: "local", resources: dockerStack("local") },
    prod("postgres-exporter-nodeport", "a postgres-exporter behind a NodePort is not a database", (rs) => {
        rs.push(deployment("pg-exporter", "monitoring", container("exporter", "quay.io/prometheuscommunity/postgres-exporter:v0.15.0", { ports: [{ containerPort: 9187 }] }), { "webstack.dev/db-client": "true" }), service("pg-exporter", "NodePort", 9187));
    }),
    prod("redis-exporter", "oliver006/redis_exporter is a cache client", (rs) => {
        rs.push(deployment("redis-exporter", "monitoring", container("exporter", "oliver006/redis_exporter:v1.62.0", { ports: [{ containerPort: 9121 }] }), { "webstack.dev/cache-client": "true" }));
    }),
    prod("pgadmin-behind-ingress", "an admin UI (pgadmin4) published through an Ingress with TLS", (rs) => {
        rs.push(deployment("pgadmin", "admin", container("pgadmin", "dpage/pgadmin4:8.12", { ports: [{ containerPort: 80 }] }), { "webstack.dev/db-client": "true" }), service("pgadmin", "ClusterIP", 80), ingressTo("pgadmin", "pgadmin", 80));
    }),
    prod("redisinsight-behind-httproute", "a cache admin UI published through a Gateway HTTPRoute", (rs) => {
        rs.push(deployment("redisinsight", "admin", container("ui", "redis/redisinsight:2.58", { ports: [{ containerPort: 5540 }] }), { "webstack.dev/cache-client": "true" }), service("redisinsight", "ClusterIP", 5540));
        rs.push({ type: "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", name: "production-redisinsight", props: { metadata: { namespace: NS, name: "redisinsight" }, spec: { rules: [{ backendRefs: [{ name: "redisinsight", port: 5540 }] }] } } });
    }),
    prod("migration-job-app-image", "a migration Job runs the app image with its URL from a Secret", (rs) => {
        rs.push({ ...deployment("api-migrate", "migration", container("migrate", "ghcr.io/acme/webstack-app:1.4.2", { command: ["node", "dist/migrate.js"], env: [{ name: "API__DATABASE_URL", valueFrom: { secretKeyRef: { name: "api-credentials", key: "API__DATABASE_URL" } } }] })), type: T.job });
        at(find(rs, T.job, "production-api-migrate").props, "metadata", "labels")["app.kubernetes.io/name"] = "api";
        at(find(rs, T.job, "production-api-migrate").props, "spec", "template", "metadata", "labels")["app.kubernetes.io/name"] = "api";
    }),
    prod("migrate-tool-with-env-reference", "migrate/migrate gets the database URL as $(VAR), not a literal", (rs) => {
        const j = deployment("schema", "migration", container("migrate", "migrate/migrate:v4.17.1", { args: ["-database", "$(DATABASE_URL)", "-path", "/migrations", "up"] }));
        rs.push({ ...j, type: T.job });
    }),
    prod("backup-cronjob-postgres-client", "a backup CronJob runs the postgres image for pg_dump only", (rs) => {
        rs.push({
            type: T.cronJob, name: "production-db-backup",
            props: { metadata: { namespace: NS, name: "db-backup", labels: labels("production", "production", "db-backup", "backup") }, spec: { schedule: "0 3 * * *", jobTemplate: { spec: { template: { metadata: { labels: labels("production", "production", "db-backup", "backup") }, spec: { containers: [container("dump", "postgres:16.4-bookworm", { command: ["sh", "-c", "set -eu\npg_dump --format=custom --file=/backups/x.dump\necho done"] })] } } } } } },
        });
    }),
    prod("psql-debug-pod", "a bare Pod running psql in a postgres image (sleep) is a client", (rs) => {
        rs.push({ type: T.pod, name: "production-psql", props: { metadata: { namespace: NS, name: "psql", labels: labels("production", "production", "psql", "debug") }, spec: { containers: [container("psql", "postgres:16.4", { command: ["sleep", "infinity"] })] } } });
    }),
    prod("external-managed-database", "an ExternalName Service points at a managed PostgreSQL", (rs) => {
        rs.push({ type: T.service, name: "production-managed-db", props: { metadata: { namespace: NS, name: "managed-db" }, spec: { type: "ExternalName", externalName: "app.cluster-abc.eu-west-1.rds.amazonaws.com", ports: [{ port: 5432 }] } } });
    }),
    prod("declared-external-payment-key", "a payment key issued by the provider, declared as an external secret with a reason", (rs) => {
        at(find(rs, T.secret, "production-api").props, "stringData").API__PAYMENT_API_KEY = "sk_live_51HxAbCdEfGhIjKlMnOp";
    }, { "no-shared-credentials": { externalSecrets: [{ resource: "production-api", keys: ["API__PAYMENT_API_KEY"], reason: "issued by the payment provider; set with pulumi config set --secret" }] } }),
    prod("client-label-with-namespace-selector", "a NetworkPolicy peer with a namespaceSelector and the client label", (rs) => {
        at(find(rs, T.networkPolicy, "production-db-clients").props, "spec").ingress = [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": NS } }, podSelector: { matchLabels: { "webstack.dev/db-client": "true" } } }] }];
    }),
    prod("api-loadbalancer-443", "the api behind a LoadBalancer on 443 is public by design", (rs) => {
        rs.push(service("api-lb", "LoadBalancer", 443, { selector: { "app.kubernetes.io/name": "api" } }));
    }),
    prod("random-id-for-names", "a RandomId used only for a bucket name suffix needs no rotation", (rs) => {
        rs.push({ type: T.randomId, name: "production-bucket-suffix", props: { byteLength: 4, hex: "a1b2c3d4" } });
        rs.push({ type: T.configMap, name: "production-bucket", props: { metadata: { namespace: NS, name: "bucket", labels: labels("production", "production", "api", "api") }, data: { API__BUCKET_NAME: "uploads-a1b2c3d4" } } });
    }),
    prod("elasticsearch-private", "an in-cluster Elasticsearch, labelled, ClusterIP, guarded by the default-deny policy", (rs) => {
        rs.push({ ...deployment("search", "database", container("es", "docker.elastic.co/elasticsearch/elasticsearch:8.15.2", { ports: [{ containerPort: 9200 }] })), type: T.statefulSet }, service("search", "ClusterIP", 9200));
    }),
    prod("app-with-pghost-env", "an app container naming the database host and port in env", (rs) => {
        at(find(rs, T.deployment, "production-api").props, "spec", "template", "spec", "containers", 0, "env").push({ name: "PGHOST", value: "db" }, { name: "PGPORT", value: "5432" });
    }),
    review("docker-cache-access-client", "a cache access container runs the redis image only for redis-cli", (rs) => {
        const c = find(rs, T.container, "pr-1-db-access");
        rs.push({ ...JSON.parse(JSON.stringify(c)), name: "pr-1-cache-access", props: { ...JSON.parse(JSON.stringify(c.props)), name: "pr-1-cache-access-5d4c3b2", image: "redis:7.4.1-bookworm", envs: [], command: ["sh", "-c", "set -eu\nredis-cli -h cache ping\necho ok"] } });
    }),
    review("docker-db-access-by-image-id", "the db-access container runs the postgres RemoteImage (by dependency) for psql only", (rs) => {
        const c = find(rs, T.container, "pr-1-db-access");
        c.props.command = ["sh", "-c", "set -eu\npg_isready -q -d \"$PGURI\"\npsql -d \"$PGURI\" -f /tmp/access.sql"];
        c.propertyDependencies = { image: ["pr-1-image-postgres"] };
    }),
    review("docker-public-web-proxy", "an edge proxy that publishes 0.0.0.0:8443 is not a datastore", (rs) => {
        find(rs, T.container, "pr-1-edge").props.ports = [{ internal: 8443, external: 8443, ip: "0.0.0.0" }];
    }),
    { name: "k8s-first-preview", why: "a first production preview: values unknown, Secrets computed from their own service's generators", environment: "production", stack: "production", resources: k8sPreview("production") },
    { name: "docker-first-preview", why: "a first review preview: env unknown, computed from the service's own generators", environment: "review", stack: "pr-1", resources: dockerPreview() },
    prod("preview-unknown-plain-setting", "in a preview, a non-credential env value computed from another resource is unknown", (rs) => {
        at(find(rs, T.deployment, "production-worker").props, "spec", "template", "spec", "containers", 0, "env").push({ name: "WORKER__API_BASE_URL", value: UNKNOWN });
    }),
];
