/**
 * Realistic mistakes and deliberate bypasses of the three core policies:
 * datastores the labels do not name, every kind of workload, every path from
 * outside, credentials from somewhere other than RandomPassword, literals in
 * every credential position, and previews where values are unknown.
 */
import { FixtureResource } from "../harness";
import { T, UNKNOWN, at, dockerFirstPreview, dockerStack, find, isoDaysAgo, k8sStack, labels, valuesFor } from "../fixtures";
import { BadStack, broken } from "./types";

const NS = "webstack-production";
const DIGEST = `sha256:${"f".repeat(64)}`;
const P = () => k8sStack("production");
const S = () => k8sStack("staging");
const R = () => dockerStack("review");

type Props = Record<string, unknown>;

function container(name: string, image: string, extra: Props = {}): Props {
    return {
        name, image,
        resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
        securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ["ALL"] } },
        ...extra,
    };
}

/** A pod carrier of any kind, labelled as an innocent component unless told otherwise. */
function workload(type: string, name: string, c: Props, podExtra: Props = {}, component = "worker", ns = NS): FixtureResource {
    const podLabels = { ...labels("production", "production", name, component) };
    const pod = { metadata: { labels: podLabels }, spec: { containers: [c], ...podExtra } };
    const meta = { namespace: ns, name, labels: podLabels };
    switch (type) {
        case T.pod:
            return { type, name: `production-${name}`, props: { metadata: meta, spec: pod.spec } };
        case T.cronJob:
            return { type, name: `production-${name}`, props: { metadata: meta, spec: { schedule: "0 * * * *", jobTemplate: { spec: { template: pod } } } } };
        default:
            return { type, name: `production-${name}`, props: { metadata: meta, spec: { selector: { matchLabels: { "app.kubernetes.io/name": name } }, template: pod } } };
    }
}

function service(name: string, selectorName: string, type: string, port: number, extra: Props = {}): FixtureResource {
    return {
        type: T.service,
        name: `production-${name}`,
        props: { metadata: { namespace: NS, name, labels: labels("production", "production", name, "api") }, spec: { type, selector: { "app.kubernetes.io/name": selectorName }, ports: [{ port, targetPort: port }], ...extra } },
    };
}

function route(kind: string, version: string, name: string, backend: string, port: number): FixtureResource {
    return {
        type: `kubernetes:gateway.networking.k8s.io/${version}:${kind}`,
        name: `production-${name}`,
        props: { metadata: { namespace: NS, name }, spec: { parentRefs: [{ name: "public" }], rules: [{ backendRefs: [{ name: backend, port }] }] } },
    };
}

const k8sDb = (name: string, why: string, add: (rs: FixtureResource[]) => void, message?: string, env: "production" | "staging" = "production"): BadStack =>
    broken({ name, why, environment: env, stack: env, from: env === "production" ? P() : S(), expectedPolicy: "no-public-database", expectedMessage: message }, add);

const kubernetesDatastores: BadStack[] = [
    k8sDb("bare-pod-postgres-hostport", "an unlabelled bare Pod runs postgres:16 with hostPort 5432", (rs) => {
        rs.push(workload(T.pod, "scratch", container("pg", "postgres:16.4", { ports: [{ containerPort: 5432, hostPort: 5432 }] })));
    }, "hostPort 5432"),
    k8sDb("daemonset-redis-host-network", "a DaemonSet runs redis in the host's network namespace", (rs) => {
        rs.push(workload(T.daemonSet, "node-cache", container("redis", "docker.io/library/redis:7.4.1"), { hostNetwork: true }));
    }, "hostNetwork"),
    k8sDb("replicaset-mongo-loadbalancer", "a ReplicaSet runs mongo behind a LoadBalancer Service", (rs) => {
        rs.push(workload(T.replicaSet, "docs", container("mongo", "mongo:7.0.14")), service("docs", "docs", "LoadBalancer", 27017));
    }, "runs image mongo:7.0.14 (MongoDB)"),
    k8sDb("replicationcontroller-mysql-nodeport", "a ReplicationController runs MySQL behind a NodePort Service", (rs) => {
        rs.push(workload(T.replicationController, "legacy", container("mysql", "mysql:8.4")), service("legacy", "legacy", "NodePort", 3306));
    }, "has type NodePort"),
    k8sDb("job-postgres-server-hostport", "a Job starts a postgres server (image entrypoint) with a hostPort", (rs) => {
        rs.push(workload(T.job, "restore-test", container("pg", "postgres:16.4", { ports: [{ containerPort: 5432, hostPort: 15432 }] })));
    }, "hostPort 15432"),
    k8sDb("cronjob-redis-server-host-network", "a CronJob runs redis-server on the host network", (rs) => {
        rs.push(workload(T.cronJob, "warmup", container("r", "redis:7.4.1", { command: ["sh", "-c", "exec redis-server --port 6380"] }), { hostNetwork: true }));
    }, "hostNetwork"),
    k8sDb("mislabelled-bitnami-postgres-behind-lb", "bitnami/postgresql from a private mirror, pinned by digest and labelled component=api, behind a LoadBalancer", (rs) => {
        rs.push(workload(T.deployment, "reports-db", container("db", `registry.internal:5000/mirror/bitnami/postgresql:16.4.0@${DIGEST}`), {}, "api"), service("reports-db", "reports-db", "LoadBalancer", 5432));
    }, "PostgreSQL"),
    k8sDb("db-service-external-ips", "the database Service lists externalIPs", (rs) => {
        at(find(rs, T.service, "production-db").props, "spec").externalIPs = ["203.0.113.10"];
    }, "externalIPs"),
    k8sDb("httproute-to-database", "a Gateway API HTTPRoute publishes the database Service", (rs) => {
        rs.push(route("HTTPRoute", "v1", "db-admin", "db", 5432));
    }, "HTTPRoute"),
    k8sDb("tcproute-to-cache", "a Gateway API TCPRoute publishes the cache Service", (rs) => {
        rs.push(route("TCPRoute", "v1alpha2", "cache-tcp", "cache", 6379));
    }, "TCPRoute"),
    k8sDb("tlsroute-to-postgres-port", "a TLSRoute forwards to port 5432 of a Service the stack does not show", (rs) => {
        rs.push(route("TLSRoute", "v1alpha2", "pg-tls", "pg-proxy", 5432));
    }, "TLSRoute"),
    k8sDb("grpcroute-to-database", "a GRPCRoute names the database Service as its backend", (rs) => {
        rs.push(route("GRPCRoute", "v1", "db-grpc", "db", 5432));
    }, "GRPCRoute"),
    k8sDb("ingress-default-backend-cache", "the Ingress default backend is the cache Service", (rs) => {
        at(find(rs, T.ingress, "production-api").props, "spec").defaultBackend = { service: { name: "cache", port: { number: 6379 } } };
    }, "the Ingress"),
    k8sDb("network-policy-whole-namespaces", "the database NetworkPolicy admits every pod of every namespace", (rs) => {
        at(find(rs, T.networkPolicy, "production-db-clients").props, "spec").ingress = [{ from: [{ namespaceSelector: {} }] }];
    }, "whole namespaces"),
    k8sDb("network-policy-ipblock", "the cache NetworkPolicy admits 0.0.0.0/0", (rs) => {
        at(find(rs, T.networkPolicy, "production-cache-clients").props, "spec").ingress.push({ from: [{ ipBlock: { cidr: "0.0.0.0/0" } }] });
    }, "ipBlock"),
    k8sDb("allow-all-network-policy", "an extra allow-all NetworkPolicy selects every pod, the database included", (rs) => {
        rs.push({ type: T.networkPolicy, name: "production-allow-all", props: { metadata: { namespace: NS, name: "allow-all" }, spec: { podSelector: {}, policyTypes: ["Ingress"], ingress: [{}] } } });
    }, "has no \"from\""),
    k8sDb("elasticsearch-in-unguarded-namespace", "Elasticsearch runs in a namespace without any NetworkPolicy", (rs) => {
        rs.push(workload(T.statefulSet, "search", container("es", "docker.elastic.co/elasticsearch/elasticsearch:8.15.2"), {}, "search", "search"));
    }, "no NetworkPolicy restricts ingress"),
    k8sDb("loadbalancer-on-postgres-port-to-proxy", "a LoadBalancer forwards port 5432 to a TCP proxy in front of the database", (rs) => {
        rs.push(workload(T.deployment, "pg-proxy", container("haproxy", "haproxy:3.0.5", { ports: [{ containerPort: 5432 }] }), {}, "internal"), service("pg-proxy", "pg-proxy", "LoadBalancer", 5432));
    }, "PostgreSQL"),
    k8sDb("valkey-nodeport", "an unlabelled Valkey Deployment behind a NodePort Service", (rs) => {
        rs.push(workload(T.deployment, "sessions", container("valkey", "valkey/valkey:8.0.1")), service("sessions", "sessions", "NodePort", 6379));
    }, "Redis"),
    k8sDb("cache-statefulset-hostport", "the cache StatefulSet maps its port to a hostPort", (rs) => {
        at(find(rs, T.statefulSet, "production-cache").props, "spec", "template", "spec", "containers", 0).ports = [{ containerPort: 6379, hostPort: 6379 }];
    }, "hostPort 6379"),
    k8sDb("internal-loadbalancer-annotation", "an \"internal\" LoadBalancer (cloud annotation) in front of the database", (rs) => {
        const svc = find(rs, T.service, "production-db");
        at(svc.props, "spec").type = "LoadBalancer";
        at(svc.props, "metadata").annotations = { "service.beta.kubernetes.io/aws-load-balancer-internal": "true" };
    }, "has type LoadBalancer"),
    k8sDb("network-policy-wrong-client-label", "the database NetworkPolicy admits pods by app name instead of the client label", (rs) => {
        at(find(rs, T.networkPolicy, "production-db-clients").props, "spec").ingress = [{ from: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "web" } } }] }];
    }, "not labelled webstack.dev/db-client"),
    k8sDb("cockroach-staging-lb", "CockroachDB from a vendor registry behind a LoadBalancer in staging", (rs) => {
        const w = workload(T.statefulSet, "ledger", container("crdb", "cockroachdb/cockroach:v24.2.4"));
        w.props.metadata = { ...(w.props.metadata as Props), namespace: "webstack-staging" };
        const s = service("ledger", "ledger", "LoadBalancer", 26257);
        (s.props.metadata as Props).namespace = "webstack-staging";
        rs.push(w, s);
    }, "CockroachDB", "staging"),
];

const customImage: BadStack = broken({
    name: "configured-datastore-image-nodeport",
    why: "an in-house store image added to the table through policy config sits behind a NodePort",
    environment: "production", stack: "production", from: P(), expectedPolicy: "no-public-database", expectedMessage: "acme/ledger-store",
    configOverrides: { "no-public-database": { datastoreImages: ["acme/ledger-*"] } },
}, (rs) => {
    rs.push(workload(T.deployment, "ledger", container("ledger", "ghcr.io/acme/ledger-store:2.1.0")), service("ledger", "ledger", "NodePort", 7000));
});

// ---------------------------------------------------------------- Docker

function dockerContainer(stack: FixtureResource[], name: string, image: string, extra: Props = {}): FixtureResource {
    const api = find(stack, T.container, "pr-1-api");
    const base = JSON.parse(JSON.stringify(api.props)) as Props;
    return {
        type: T.container,
        name: `pr-1-${name}`,
        props: { ...base, name: `pr-1-${name}-9f8e7d6`, image, envs: [], labels: (base.labels as { label: string; value: string }[]).map((l) => l.label === "app.kubernetes.io/component" ? { ...l, value: "worker" } : l.label === "app.kubernetes.io/name" ? { ...l, value: name } : l), networksAdvanced: [{ name: "pr-1-private-5f2c9a1" }], ...extra },
    };
}

const dk = (name: string, why: string, add: (rs: FixtureResource[]) => void, message?: string): BadStack =>
    broken({ name, why, environment: "review", stack: "pr-1", from: R(), expectedPolicy: "no-public-database", expectedMessage: message }, add);

const dockerDatastores: BadStack[] = [
    dk("docker-postgres-by-name-published", "an unlabelled container runs postgres:16.4 and publishes 0.0.0.0:5432", (rs) => {
        rs.push(dockerContainer(rs, "pg", "postgres:16.4", { ports: [{ internal: 5432, external: 5432 }] }));
    }, "PostgreSQL"),
    dk("docker-redis-image-id-publish-all", "a container runs the redis RemoteImage by image ID (known from the dependency) with publishAllPorts", (rs) => {
        const c = dockerContainer(rs, "sessions", `sha256:${"c".repeat(64)}`, { publishAllPorts: true });
        c.propertyDependencies = { image: ["pr-1-image-redis"] };
        rs.push(c);
    }, "publishAllPorts"),
    dk("docker-mongo-host-network", "a mongo container uses the host's network", (rs) => {
        rs.push(dockerContainer(rs, "docs", "mongo:7.0.14", { networkMode: "host", networksAdvanced: [] }));
    }, "networkMode \"host\""),
    dk("docker-memcached-random-port", "memcached publishes its port without a host port (a random one on 0.0.0.0)", (rs) => {
        rs.push(dockerContainer(rs, "mc", "memcached:1.6.31", { ports: [{ internal: 11211 }] }));
    }, "random host port"),
    dk("docker-postgres-shares-edge-namespace", "a postgres container joins the edge proxy's network namespace", (rs) => {
        rs.push(dockerContainer(rs, "pg2", "postgres:16.4", { networkMode: "container:pr-1-edge-1a2b3c4", networksAdvanced: [] }));
    }, "network namespace of another container"),
    dk("docker-db-on-lan-address", "the database publishes 5432 on a LAN address", (rs) => {
        find(rs, T.container, "pr-1-db").props.ports = [{ internal: 5432, external: 5432, ip: "192.168.1.10" }];
    }, "192.168.1.10"),
    dk("docker-mariadb-default-bridge", "a mariadb container sits on Docker's default bridge network", (rs) => {
        rs.push(dockerContainer(rs, "maria", "mariadb:11.4", { networksAdvanced: [] }));
    }, "default bridge"),
    dk("docker-port-forwarder-5432", "a TCP forwarder publishes 0.0.0.0:5432 in front of the database", (rs) => {
        rs.push(dockerContainer(rs, "pgfwd", "alpine/socat:1.8.0.0", { ports: [{ internal: 5432, external: 5432, ip: "0.0.0.0" }], command: ["tcp-listen:5432,fork,reuseaddr", "tcp-connect:db:5432"] }));
    }, "listens on port 5432"),
    dk("docker-built-redis-image-published", "a locally built image named .../redis publishes its port", (rs) => {
        rs.push({ type: T.dockerImage, name: "pr-1-image-cache-custom", props: { imageName: "ghcr.io/acme/redis:7.4.1-custom" } });
        const c = dockerContainer(rs, "cache2", `sha256:${"9".repeat(64)}`, { ports: [{ internal: 6379, external: 6380, ip: "0.0.0.0" }] });
        c.propertyDependencies = { image: ["pr-1-image-cache-custom"] };
        rs.push(c);
    }, "Redis"),
    dk("docker-db-on-non-internal-network-preview", "in a preview, the database joins a new non-internal network whose name is unknown", (rs) => {
        rs.push({ type: T.network, name: "pr-1-debug", props: { labels: [] } });
        const db = find(rs, T.container, "pr-1-db");
        db.props.networksAdvanced = [{ name: UNKNOWN }];
        db.propertyDependencies = { networksAdvanced: ["pr-1-debug"] };
    }, "not internal"),
    dk("docker-cache-publishes-ipv6-any", "the cache publishes on [::]", (rs) => {
        find(rs, T.container, "pr-1-cache").props.ports = [{ internal: 6379, external: 6379, ip: "::" }];
    }, "every host address"),
];

// ---------------------------------------------------------------- credentials

const creds = (name: string, why: string, env: "production" | "staging" | "review", from: FixtureResource[], policy: string, change: (rs: FixtureResource[]) => void, message?: string, configOverrides?: BadStack["configOverrides"]): BadStack =>
    broken({ name, why, environment: env, stack: env === "review" ? "pr-1" : env, from, expectedPolicy: policy, expectedMessage: message, configOverrides }, change);

const NSC = "no-shared-credentials";
const ROT = "rotating-secrets";
const kp = (r: FixtureResource) => r.props.keepers as Record<string, string>;

function generator(type: string, name: string, props: Props): FixtureResource {
    return { type, name, props };
}

/** The K8s stack as its first preview sees it: generated values unknown, Secrets computed from generators. */
function k8sPreview(env: "production" | "staging"): FixtureResource[] {
    const rs = k8sStack(env);
    for (const rp of rs.filter((r) => r.type === T.randomPassword)) {
        rp.props.result = UNKNOWN;
    }
    const deps: Record<string, string[]> = {
        [`${env}-api`]: ["api-db", "api-cache"], [`${env}-worker`]: ["worker-db", "worker-cache"], [`${env}-db`]: ["db-admin"], [`${env}-db-access`]: ["db-admin", "api-db", "worker-db"],
    };
    for (const s of rs.filter((r) => r.type === T.secret)) {
        s.props.stringData = UNKNOWN;
        s.propertyDependencies = { stringData: (deps[s.name] ?? []).flatMap((c) => [`${env}-${c}-a`, `${env}-${c}-b`]), metadata: [] };
    }
    for (const r of rs.filter((x) => x.type !== T.secret)) {
        r.propertyDependencies = { metadata: [] };
    }
    return rs;
}

/** The Docker review stack as its first preview sees it, with the generators each container's env was computed from. */
function dockerPreview(): FixtureResource[] {
    const rs = dockerFirstPreview();
    const uses: Record<string, string[]> = { "pr-1-api": ["api-db", "api-cache"], "pr-1-worker": ["worker-db", "worker-cache"], "pr-1-db": ["db-admin"], "pr-1-db-access": ["db-admin", "api-db", "worker-db"] };
    for (const c of rs.filter((r) => r.type === T.container)) {
        c.propertyDependencies = { envs: (uses[c.name] ?? []).flatMap((x) => [`pr-1-${x}-a`, `pr-1-${x}-b`]) };
    }
    return rs;
}

export { dockerPreview, k8sPreview };

const credentialCases: BadStack[] = [
    creds("literal-payment-key-in-secret", "the api Secret carries a pasted payment API key", "production", P(), NSC, (rs) => {
        at(find(rs, T.secret, "production-api").props, "stringData").API__PAYMENT_API_KEY = "sk_live_51HxAbCdEfGhIjKlMnOp";
    }, "key API__PAYMENT_API_KEY holds a literal credential"),
    creds("literal-smtp-password-in-configmap", "a ConfigMap carries the SMTP password", "staging", S(), NSC, (rs) => {
        at(find(rs, T.configMap, "staging-api-settings").props, "data").API__SMTP_PASSWORD = "mailpass-2024!";
    }, "literal credential"),
    creds("requirepass-on-command-line", "the cache server gets --requirepass with a literal on its command line", "production", P(), NSC, (rs) => {
        at(find(rs, T.statefulSet, "production-cache").props, "spec", "template", "spec", "containers", 0).args = ["--requirepass", "hunter2hunter2"];
    }, "passes a credential on the command line"),
    creds("database-url-in-args", "the worker gets a database URL with a password as an argument", "staging", S(), NSC, (rs) => {
        at(find(rs, T.deployment, "staging-worker").props, "spec", "template", "spec", "containers", 0).args = ["--db", "postgres://worker:pa55word@db:5432/app"];
    }, "command line"),
    creds("random-string-jwt-without-keepers", "a RandomString feeds the api's JWT secret without rotation keepers", "production", P(), ROT, (rs) => {
        rs.push(generator(T.randomString, "production-api-jwt-extra", { length: 48, special: false, result: "RsJwt0123456789abcdefXYZ" }));
        at(find(rs, T.secret, "production-api").props, "stringData").API__SESSION_SECRET = "RsJwt0123456789abcdefXYZ";
    }, "has no rotation keeper"),
    creds("random-bytes-without-owner", "a RandomBytes value in the worker Secret has no owner keepers", "production", P(), NSC, (rs) => {
        rs.push(generator(T.randomBytes, "production-worker-hmac", { length: 32, base64: "cmFuZG9tYnl0ZXNmb3J3b3JrZXI=" }));
        at(find(rs, T.secret, "production-worker").props, "stringData").WORKER__HMAC_SECRET = "cmFuZG9tYnl0ZXNmb3J3b3JrZXI=";
    }, "has no keeper"),
    creds("random-id-docker-token", "a RandomId hex is the worker's API token on Docker, never rotated", "review", R(), ROT, (rs) => {
        rs.push(generator(T.randomId, "pr-1-worker-token", { byteLength: 16, hex: "9f3a6c1e2b7d4f80a1c3e5f7092b4d6e" }));
        (find(rs, T.container, "pr-1-worker").props.envs as string[]).push("WORKER__API_TOKEN=9f3a6c1e2b7d4f80a1c3e5f7092b4d6e");
    }, "has no rotation keeper"),
    creds("random-uuid-shared-token", "a RandomUuid is used as a token by api and worker", "review", R(), NSC, (rs) => {
        const v = "7d3c1a9e-5b2f-4e8a-9c6d-0f1e2d3c4b5a";
        rs.push(generator(T.randomUuid, "pr-1-internal-token", { result: v }));
        (find(rs, T.container, "pr-1-worker").props.envs as string[]).push(`WORKER__INTERNAL_TOKEN=${v}`);
        (find(rs, T.container, "pr-1-api").props.envs as string[]).push(`API__INTERNAL_TOKEN=${v}`);
    }, "also used by"),
    creds("docker-literal-url-in-command", "a Docker worker gets a literal database URL on its command line", "review", R(), NSC, (rs) => {
        find(rs, T.container, "pr-1-worker").props.command = ["node", "dist/worker.js", "--db=postgres://worker:letmein123@db:5432/app"];
    }, "literal credential"),
    creds("preview-secret-computed-from-other-service", "in a preview, the worker Secret is computed from the api's database credential", "production", k8sPreview("production"), NSC, (rs) => {
        find(rs, T.secret, "production-worker").propertyDependencies!.stringData.push("production-api-db-b");
    }, "is computed from credential \"api-db\" issued to service \"api\""),
    creds("preview-docker-env-from-other-service", "in a preview, the worker container's env is computed from the api's cache credential", "review", dockerPreview(), NSC, (rs) => {
        find(rs, T.container, "pr-1-worker").propertyDependencies!.envs.push("pr-1-api-cache-b");
    }, "issued to service \"api\""),
    creds("preview-generated-plain-env", "in a preview, a generated password sits as a plain env value of the api Deployment", "staging", k8sPreview("staging"), NSC, (rs) => {
        const api = find(rs, T.deployment, "staging-api");
        at(api.props, "spec", "template", "spec", "containers", 0, "env").push({ name: "API__ADMIN_PASSWORD", value: UNKNOWN });
        api.propertyDependencies = { spec: ["staging-api-db-b"] };
    }, "holds a generated credential as a plain value"),
    creds("rotation-period-too-long", "a production credential rotates every 90 days", "production", P(), ROT, (rs) => {
        kp(find(rs, T.randomPassword, "production-api-cache-b"))["webstack.dev/rotation-period-days"] = "90";
    }, "rotates every 90 days"),
    creds("issued-in-the-future", "a credential claims to be issued next month", "staging", S(), ROT, (rs) => {
        kp(find(rs, T.randomPassword, "staging-worker-db-b"))["webstack.dev/issued-at"] = isoDaysAgo(-30);
    }, "in the future"),
    creds("non-consecutive-generations", "the two slots hold generations 5 and 2", "production", P(), ROT, (rs) => {
        kp(find(rs, T.randomPassword, "production-worker-db-a"))["webstack.dev/generation"] = "2";
    }, "must be consecutive"),
    creds("generation-in-wrong-slot", "generation 5 sits in slot a", "staging", S(), ROT, (rs) => {
        kp(find(rs, T.randomPassword, "staging-api-db-b"))["webstack.dev/slot"] = "a";
    }, "holds generation 5 in slot \"a\""),
    creds("docker-literal-mysql-root", "a MySQL container gets MYSQL_ROOT_PASSWORD=root", "review", R(), NSC, (rs) => {
        rs.push(dockerContainer(rs, "mysql", "mysql:8.4", { envs: ["MYSQL_ROOT_PASSWORD=rootroot"] }));
    }, "literal credential"),
    creds("projected-secret-of-other-service", "the worker mounts the api's Secret through a projected volume", "production", P(), NSC, (rs) => {
        at(find(rs, T.deployment, "production-worker").props, "spec", "template", "spec", "volumes").push({ name: "creds", projected: { sources: [{ secret: { name: "api-credentials" } }] } });
    }, "several services"),
    creds("daemonset-reads-api-secret", "a log-shipper DaemonSet reads the api's Secret with envFrom", "production", P(), NSC, (rs) => {
        rs.push(workload(T.daemonSet, "log-shipper", container("ship", "fluent/fluent-bit:3.1.9", { envFrom: [{ secretRef: { name: "api-credentials" } }] })));
    }, "is read by pods of several services"),
    creds("debug-pod-plain-database-url", "a bare debug Pod carries a database URL with a password as a plain env value", "production", P(), NSC, (rs) => {
        rs.push(workload(T.pod, "debug", container("psql", "postgres:16.4", { command: ["sleep", "infinity"], env: [{ name: "DATABASE_URL", value: `postgres://api:${valuesFor("production", "api-db").current}@db:5432/app` }] })));
    }, "plain value in the pod spec"),
    creds("docker-foreign-fingerprint", "the review api carries a staging value, known by fingerprint", "review", R(), NSC, (rs) => {
        (find(rs, T.container, "pr-1-api").props.envs as string[]).push(`API__WEBHOOK_SECRET=${valuesFor("staging", "api-hook").current}`);
    }, "fingerprint belongs to another environment", {
        [NSC]: { foreignFingerprints: [require("crypto").createHash("sha256").update(valuesFor("staging", "api-hook").current).digest("hex")] },
    }),
    creds("external-secret-without-reason", "an external-secret declaration without a reason does not make a literal legitimate", "production", P(), NSC, (rs) => {
        at(find(rs, T.secret, "production-api").props, "stringData").API__OIDC_CLIENT_SECRET = "oidc-client-secret-value";
    }, "literal credential", { [NSC]: { externalSecrets: [{ resource: "production-api", keys: ["API__OIDC_CLIENT_SECRET"], reason: "" }] } }),
];

export const adversarialBadStacks: BadStack[] = [...kubernetesDatastores, customImage, ...dockerDatastores, ...credentialCases];
