/**
 * What a database or cache is, by evidence: the image it runs (any registry,
 * tag or digest), the well-known port it declares, the server-only settings
 * it reads, and the program's own component label. A container that runs a
 * datastore image only to use a client tool (psql, pg_dump, redis-cli...) is a
 * client, not a server.
 */
import { globToRegExp } from "./values";

export type DatastoreKind = "database" | "cache";

export interface DatastoreImage {
    /** Product, for messages. */
    product: string;
    kind: DatastoreKind;
    /** Repository names (last path segment, lower case) that run it. */
    names: string[];
}

/**
 * The image table (policies/README.md mirrors it). A reference matches when
 * the last segment of its repository path, without registry, tag or digest,
 * is one of `names`: `postgres:16`, `docker.io/library/postgres@sha256:...`,
 * `registry.internal:5000/mirror/bitnami/postgresql:16.4.0` are PostgreSQL;
 * `prometheuscommunity/postgres-exporter` is not.
 */
export const DATASTORE_IMAGES: readonly DatastoreImage[] = [
    { product: "PostgreSQL", kind: "database", names: ["postgres", "postgresql", "postgis", "timescaledb", "timescaledb-ha", "pgvector", "postgresql-repmgr", "spilo", "spilo-16", "spilo-15", "cloudnative-pg", "supabase-postgres", "citus", "postgres-alpine"] },
    { product: "MySQL", kind: "database", names: ["mysql", "mysql-server", "percona-server", "percona", "percona-xtradb-cluster"] },
    { product: "MariaDB", kind: "database", names: ["mariadb", "mariadb-galera"] },
    { product: "MongoDB", kind: "database", names: ["mongo", "mongodb", "mongodb-community-server", "mongodb-enterprise-server", "percona-server-mongodb"] },
    { product: "Microsoft SQL Server", kind: "database", names: ["mssql-server", "mssql", "azure-sql-edge"] },
    { product: "Oracle Database", kind: "database", names: ["oracle-xe", "oracle-free", "oracle-database"] },
    { product: "CockroachDB", kind: "database", names: ["cockroach", "cockroachdb"] },
    { product: "Cassandra", kind: "database", names: ["cassandra", "scylla", "scylladb"] },
    { product: "ClickHouse", kind: "database", names: ["clickhouse-server", "clickhouse"] },
    { product: "CouchDB", kind: "database", names: ["couchdb", "couchbase", "couchbase-server"] },
    { product: "Neo4j", kind: "database", names: ["neo4j"] },
    { product: "InfluxDB", kind: "database", names: ["influxdb"] },
    { product: "ArangoDB", kind: "database", names: ["arangodb"] },
    { product: "RethinkDB", kind: "database", names: ["rethinkdb"] },
    { product: "Elasticsearch", kind: "database", names: ["elasticsearch"] },
    { product: "OpenSearch", kind: "database", names: ["opensearch"] },
    { product: "etcd", kind: "database", names: ["etcd"] },
    { product: "Redis", kind: "cache", names: ["redis", "redis-stack", "redis-stack-server", "redis-cluster", "redis-sentinel", "valkey", "keydb", "dragonfly", "dragonflydb", "garnet"] },
    { product: "Memcached", kind: "cache", names: ["memcached"] },
];

/** Well-known ports of the products above (database unless listed as cache). */
export const DATASTORE_PORTS: Readonly<Record<number, { product: string; kind: DatastoreKind }>> = {
    5432: { product: "PostgreSQL", kind: "database" },
    3306: { product: "MySQL/MariaDB", kind: "database" },
    33060: { product: "MySQL X protocol", kind: "database" },
    27017: { product: "MongoDB", kind: "database" },
    1433: { product: "SQL Server", kind: "database" },
    1521: { product: "Oracle", kind: "database" },
    26257: { product: "CockroachDB", kind: "database" },
    9042: { product: "Cassandra", kind: "database" },
    8123: { product: "ClickHouse HTTP", kind: "database" },
    9440: { product: "ClickHouse TLS", kind: "database" },
    5984: { product: "CouchDB", kind: "database" },
    7687: { product: "Neo4j Bolt", kind: "database" },
    8086: { product: "InfluxDB", kind: "database" },
    9200: { product: "Elasticsearch/OpenSearch", kind: "database" },
    9300: { product: "Elasticsearch transport", kind: "database" },
    2379: { product: "etcd", kind: "database" },
    6379: { product: "Redis", kind: "cache" },
    26379: { product: "Redis Sentinel", kind: "cache" },
    11211: { product: "Memcached", kind: "cache" },
};

/** Environment variables only a datastore server reads (first-start settings of the official images). */
export const SERVER_ENV: Readonly<Record<string, { product: string; kind: DatastoreKind }>> = {
    POSTGRES_PASSWORD: { product: "PostgreSQL", kind: "database" },
    POSTGRES_HOST_AUTH_METHOD: { product: "PostgreSQL", kind: "database" },
    POSTGRES_INITDB_ARGS: { product: "PostgreSQL", kind: "database" },
    MYSQL_ROOT_PASSWORD: { product: "MySQL", kind: "database" },
    MYSQL_ALLOW_EMPTY_PASSWORD: { product: "MySQL", kind: "database" },
    MARIADB_ROOT_PASSWORD: { product: "MariaDB", kind: "database" },
    MONGO_INITDB_ROOT_PASSWORD: { product: "MongoDB", kind: "database" },
    ELASTIC_PASSWORD: { product: "Elasticsearch", kind: "database" },
    ALLOW_EMPTY_PASSWORD: { product: "Bitnami datastore", kind: "database" },
};

/** Binaries that run a server (first word of a command). */
const SERVER_BINARIES = new Set([
    "postgres", "postmaster", "pg_ctl", "docker-entrypoint.sh", "entrypoint.sh", "mysqld", "mysqld_safe", "mariadbd", "mongod", "mongos",
    "redis-server", "redis-sentinel", "redis-stack-server", "valkey-server", "keydb-server", "dragonfly", "memcached", "elasticsearch",
    "opensearch", "opensearch-docker-entrypoint.sh", "cassandra", "scylla", "clickhouse-server", "clickhouse", "couchdb", "neo4j", "influxd",
    "cockroach", "arangod", "rethinkdb", "etcd", "sqlservr", "run.sh", "start.sh",
]);

const SHELLS = new Set(["sh", "bash", "ash", "dash", "zsh"]);

export interface ImageRef {
    /** Registry host, when the reference names one. */
    registry?: string;
    /** Repository path without registry (`library/` dropped), lower case. */
    repository: string;
    tag?: string;
    digest?: string;
}

/** Splits an image reference: [registry/]path[:tag][@digest]. */
export function parseImage(ref: string): ImageRef {
    let rest = ref.trim();
    let digest: string | undefined;
    const at = rest.indexOf("@");
    if (at >= 0) {
        digest = rest.slice(at + 1);
        rest = rest.slice(0, at);
    }
    const parts = rest.split("/");
    let registry: string | undefined;
    if (parts.length > 1 && (parts[0].includes(".") || parts[0].includes(":") || parts[0] === "localhost")) {
        registry = parts.shift();
    }
    let last = parts[parts.length - 1] ?? "";
    let tag: string | undefined;
    const colon = last.indexOf(":");
    if (colon >= 0) {
        tag = last.slice(colon + 1);
        last = last.slice(0, colon);
    }
    parts[parts.length - 1] = last;
    if (parts.length > 1 && parts[0] === "library") {
        parts.shift();
    }
    return { registry, repository: parts.join("/").toLowerCase(), tag, digest };
}

export interface DatastoreMatch {
    product: string;
    kind: DatastoreKind;
}

/**
 * The datastore an image reference runs, if any. `extra` are globs over the
 * repository path (policy config `datastoreImages`), e.g. `acme/pg-*`.
 */
export function datastoreImage(ref: string, extra: readonly string[] = []): DatastoreMatch | undefined {
    if (ref.startsWith("sha256:")) {
        return undefined;
    }
    const { repository } = parseImage(ref);
    const name = repository.split("/").pop() ?? repository;
    for (const entry of DATASTORE_IMAGES) {
        if (entry.names.includes(name)) {
            return { product: entry.product, kind: entry.kind };
        }
    }
    for (const glob of extra) {
        const [pattern, kind] = glob.split("=");
        if (globToRegExp(pattern.toLowerCase()).test(repository) || globToRegExp(pattern.toLowerCase()).test(name)) {
            return { product: `image ${pattern}`, kind: kind === "cache" ? "cache" : "database" };
        }
    }
    return undefined;
}

export function datastorePort(port: number, extra: readonly number[] = []): DatastoreMatch | undefined {
    const known = DATASTORE_PORTS[port];
    if (known) {
        return known;
    }
    return extra.includes(port) ? { product: `port ${port}`, kind: "database" } : undefined;
}

function basename(word: string): string {
    return word.split("/").pop() ?? word;
}

/** First words of each command of a shell script (after `exec`, env assignments). */
function scriptCommands(script: string): string[] {
    const out: string[] = [];
    for (const segment of script.split(/\n|;|&&|\|\||\||\bthen\b|\bdo\b|\belse\b/)) {
        const words = segment.trim().split(/\s+/).filter((w) => w !== "");
        let i = 0;
        while (i < words.length && (words[i] === "exec" || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]) || words[i] === "nohup")) {
            i++;
        }
        if (i < words.length) {
            out.push(basename(words[i].replace(/^["']|["']$/g, "")));
        }
    }
    return out;
}

/**
 * Whether a container with a datastore image runs the server: no command
 * (the image's entrypoint starts it), flags only (passed to the server), a
 * server binary, or a shell script that starts one. A command of client
 * tools only (psql, pg_dump, redis-cli, a migration tool) is a client.
 */
export function runsServer(command: string[] | undefined, args: string[] | undefined): boolean {
    const argv = command !== undefined && command.length > 0 ? [...command, ...(args ?? [])] : args ?? [];
    if (argv.length === 0) {
        return true;
    }
    const first = basename(argv[0]);
    if (command === undefined || command.length === 0) {
        // args only: the entrypoint runs them; flags go to the server.
        if (argv[0].startsWith("-")) {
            return true;
        }
    }
    if (SHELLS.has(first)) {
        const flagIndex = argv.findIndex((a, i) => i > 0 && /^-[a-z]*c[a-z]*$/.test(a));
        const script = flagIndex > 0 ? argv[flagIndex + 1] ?? "" : argv.slice(1).join(" ");
        return scriptCommands(script).some((c) => SERVER_BINARIES.has(c));
    }
    if (first === "docker-entrypoint.sh" || first === "entrypoint.sh" || first === "tini" || first === "dumb-init" || first === "gosu") {
        return argv.length === 1 || runsServer(argv.slice(1), undefined) || argv[1].startsWith("-");
    }
    return SERVER_BINARIES.has(first);
}
