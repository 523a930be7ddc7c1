/**
 * Scripts run by the database and cache access jobs. They hold no secret:
 * every value arrives through the job's secret environment.
 */

/** PostgreSQL role name of a client: group role for a service, e.g. `search_indexer`. */
export function roleName(client: string): string {
    return client.replace(/-/g, "_");
}

/** Environment variable that carries a client slot's password to the access job. */
export function slotVar(client: string, slot: "a" | "b"): string {
    return `PW_${roleName(client).toUpperCase()}_${slot.toUpperCase()}`;
}

/**
 * psql script: one NOLOGIN group role per client owning its privileges, and two
 * login roles `<role>_a`, `<role>_b` (the credential slots) that act as it.
 * Both slots always hold a valid password, so rotation never locks a client out.
 * The migrating client owns the schema; other clients get data privileges on
 * everything it creates. Readers (backups) may read all data and write
 * nothing: they get pg_read_all_data only, any write privilege an earlier
 * version of this script granted them is revoked, and their sessions default
 * to read-only transactions.
 */
export function dbAccessSql(dbName: string, clients: string[], migrator: string | undefined, readers: string[] = []): string {
    const lines: string[] = ["\\set ON_ERROR_STOP on"];
    for (const client of clients) {
        const group = roleName(client);
        lines.push(`SELECT 'CREATE ROLE ${group} NOLOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${group}') \\gexec`);
        lines.push(`GRANT CONNECT ON DATABASE ${dbName} TO ${group};`);
        lines.push(`GRANT USAGE ON SCHEMA public TO ${group};`);
        for (const slot of ["a", "b"] as const) {
            const login = `${group}_${slot}`;
            lines.push(`SELECT 'CREATE ROLE ${login} LOGIN IN ROLE ${group}' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${login}') \\gexec`);
            lines.push(`\\getenv pw ${slotVar(client, slot)}`);
            lines.push(`ALTER ROLE ${login} WITH LOGIN PASSWORD :'pw';`);
            // Act as the group role, so objects belong to the group and survive rotation.
            lines.push(`ALTER ROLE ${login} SET role = '${group}';`);
        }
    }
    if (migrator) {
        const owner = roleName(migrator);
        lines.push(`GRANT CREATE ON SCHEMA public TO ${owner};`);
        for (const client of clients.filter((c) => c !== migrator && !readers.includes(c))) {
            const group = roleName(client);
            lines.push(`ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${group};`);
            lines.push(`ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${group};`);
            lines.push(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${group};`);
            lines.push(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${group};`);
        }
    }
    for (const reader of readers) {
        // Backups read everything and write nothing.
        lines.push(...readerSql(roleName(reader), migrator === undefined ? undefined : roleName(migrator)));
    }
    lines.push("\\getenv admin_pw ADMIN_CURRENT");
    lines.push("SELECT :'admin_pw' <> '' AS rotate_admin \\gset");
    lines.push("\\if :rotate_admin");
    lines.push("ALTER ROLE CURRENT_USER WITH PASSWORD :'admin_pw';");
    lines.push("\\endif");
    return lines.join("\n") + "\n";
}

/** Writes a reader must never hold, on tables and on sequences. */
const TABLE_WRITES = "INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER";
const SEQUENCE_WRITES = "UPDATE";

/**
 * A read-only role: reads every table through pg_read_all_data (PostgreSQL 14+),
 * holds no write privilege (revoked, also from default privileges, in case an
 * earlier version granted them), may create nothing in the schema, and its
 * sessions start read-only (a second guard behind the
 * privileges; pg_dump runs in read-only transactions anyway).
 */
function readerSql(group: string, owner: string | undefined): string[] {
    const lines = [
        `GRANT pg_read_all_data TO ${group};`,
        `REVOKE ${TABLE_WRITES} ON ALL TABLES IN SCHEMA public FROM ${group};`,
        `REVOKE ${SEQUENCE_WRITES} ON ALL SEQUENCES IN SCHEMA public FROM ${group};`,
        `REVOKE CREATE ON SCHEMA public FROM ${group};`,
        `ALTER ROLE ${group} SET default_transaction_read_only = on;`,
    ];
    for (const slot of ["a", "b"]) {
        lines.push(`ALTER ROLE ${group}_${slot} SET default_transaction_read_only = on;`);
    }
    if (owner) {
        lines.push(`ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public REVOKE ${TABLE_WRITES} ON TABLES FROM ${group};`);
        lines.push(`ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public REVOKE ${SEQUENCE_WRITES} ON SEQUENCES FROM ${group};`);
    }
    return lines;
}

/**
 * Shell wrapper of the database access job: waits for the server, signs in
 * with the current admin password or, right after a rotation, the previous
 * one, then applies the script. External instances pass ADMIN_URL instead.
 */
export function dbAccessCommand(sql: string): string[] {
    const script = `set -eu
if [ -n "\${ADMIN_URL:-}" ]; then export PGURI="$ADMIN_URL"; else export PGURI="postgresql://postgres@\${DB_HOST}:\${DB_PORT}/\${DB_NAME}"; fi
for i in $(seq 1 90); do pg_isready -q -d "$PGURI" && break; echo "waiting for the database ($i)"; sleep 2; done
if [ -z "\${ADMIN_URL:-}" ]; then
  if PGPASSWORD="$ADMIN_CURRENT" psql -d "$PGURI" -tAc 'select 1' >/dev/null 2>&1; then export PGPASSWORD="$ADMIN_CURRENT";
  else export PGPASSWORD="$ADMIN_PREVIOUS"; fi
fi
cat > /tmp/access.sql <<'WEBSTACK_SQL'
${sql}WEBSTACK_SQL
psql -d "$PGURI" -q -f /tmp/access.sql
echo "database roles applied"
`;
    return ["sh", "-c", script];
}

/** Environment variable prefix for a cache client's passwords: PW_API -> PW_API_CURRENT, PW_API_PREVIOUS. */
export function cacheVar(client: string): string {
    return `PW_${roleName(client).toUpperCase()}`;
}

/**
 * Redis ACL rules of a client: its own user with both the current and the
 * previous password (resetpass replaces the list without dropping sessions),
 * and no admin commands.
 */
export function cacheAccessCommand(clients: string[]): string[] {
    const users = clients.map((c) =>
        `printf 'ACL SETUSER %s on resetpass >%s >%s ~* &* +@all -@admin -@dangerous\\n' '${c}' "$${cacheVar(c)}_CURRENT" "$${cacheVar(c)}_PREVIOUS"`);
    const script = `set -eu
run() { redis-cli -h "$CACHE_HOST" -p "$CACHE_PORT" --no-auth-warning --user admin "$@"; }
for i in $(seq 1 90); do
  if REDISCLI_AUTH="$ADMIN_CURRENT" run ping 2>/dev/null | grep -q PONG; then export REDISCLI_AUTH="$ADMIN_CURRENT"; break; fi
  if REDISCLI_AUTH="$ADMIN_PREVIOUS" run ping 2>/dev/null | grep -q PONG; then export REDISCLI_AUTH="$ADMIN_PREVIOUS"; break; fi
  echo "waiting for the cache ($i)"; sleep 2
done
[ -n "\${REDISCLI_AUTH:-}" ] || { echo "cannot sign in to the cache as admin"; exit 1; }
{
${users.map((u) => "  " + u).join("\n")}
  printf 'ACL SETUSER admin on resetpass >%s >%s ~* &* +@all\\n' "$ADMIN_CURRENT" "$ADMIN_PREVIOUS"
  printf 'ACL SAVE\\n'
} | run | grep -v '^OK$' && exit 1
echo "cache users applied"
`;
    return ["sh", "-c", script];
}

/**
 * Redis start command: on first start, write an ACL file with only the admin
 * user (the default user is off); later starts keep the file the access job saved.
 */
export function cacheServerCommand(port: number, maxMemoryMb: number, persistence: boolean): string[] {
    const script = `set -eu
if [ ! -s /data/users.acl ]; then printf 'user default off\\nuser admin on >%s ~* &* +@all\\n' "$REDIS_ADMIN_PASSWORD" > /data/users.acl; fi
exec redis-server --port ${port} --aclfile /data/users.acl --maxmemory ${maxMemoryMb}mb --maxmemory-policy noeviction ${persistence ? "--appendonly yes" : "--save '' --appendonly no"} --dir /data`;
    return ["sh", "-c", script];
}
