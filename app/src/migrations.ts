// Forward-only SQL migrations: NNN_name.sql files applied in numeric order,
// each in its own transaction, recorded in schema_migrations with a checksum.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { Logger } from './log';

export const MIGRATIONS_DIR = resolve(__dirname, '..', 'migrations');
export const GRANTS_FILE = 'grants.sql';
// Arbitrary constant shared by every migrate runner of this schema.
export const MIGRATION_LOCK_KEY = 731_947_001;

const FILE_PATTERN = /^(\d+)_[A-Za-z0-9_-]+\.sql$/;

export interface Migration {
  number: number;
  version: string; // file name without .sql, stored in schema_migrations
  sql: string;
  checksum: string;
}

/** Numbered migrations in the order to apply them (numeric, so 10 follows 9). */
export function orderMigrations(fileNames: readonly string[]): { number: number; file: string }[] {
  const seen = new Map<number, string>();
  const out: { number: number; file: string }[] = [];
  for (const file of fileNames) {
    const match = FILE_PATTERN.exec(file);
    if (!match) continue;
    const number = Number(match[1]);
    const clash = seen.get(number);
    if (clash) throw new Error(`duplicate migration number ${number}: ${clash} and ${file}`);
    seen.set(number, file);
    out.push({ number, file });
  }
  return out.sort((a, b) => a.number - b.number);
}

export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  return orderMigrations(readdirSync(dir)).map(({ number, file }) => {
    const sql = readFileSync(join(dir, file), 'utf8');
    return { number, version: file.replace(/\.sql$/, ''), sql, checksum: sha256(sql) };
  });
}

export function latestVersion(dir: string = MIGRATIONS_DIR): string | undefined {
  const all = loadMigrations(dir);
  return all[all.length - 1]?.version;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Login roles come in slots (<group>_a, <group>_b). Creating objects as the
 * group role keeps ownership stable when the credential rotates.
 */
async function assumeGroupRole(client: Client, log: Logger): Promise<void> {
  const { rows } = await client.query<{ rolname: string }>(
    `SELECT g.rolname FROM pg_roles g
      WHERE g.rolname = regexp_replace(current_user, '_(a|b)$', '')
        AND g.rolname <> current_user
        AND pg_has_role(current_user, g.oid, 'MEMBER')`,
  );
  if (rows.length === 0) return;
  await client.query(`SET ROLE ${client.escapeIdentifier(rows[0].rolname)}`);
  log.info('migrating as group role', { role: rows[0].rolname });
}

export interface MigrateResult {
  applied: string[];
  latest?: string;
}

export async function migrate(client: Client, log: Logger, dir: string = MIGRATIONS_DIR): Promise<MigrateResult> {
  const migrations = loadMigrations(dir);
  await assumeGroupRole(client, log);
  await client.query(`SET lock_timeout = '300s'`);
  log.info('waiting for migration lock');
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    text PRIMARY KEY,
      checksum   text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now(),
      applied_by text NOT NULL DEFAULT session_user
    )`);
    const { rows } = await client.query<{ version: string; checksum: string }>(
      'SELECT version, checksum FROM schema_migrations',
    );
    const done = new Map(rows.map((r) => [r.version, r.checksum]));
    const applied: string[] = [];
    for (const m of migrations) {
      const recorded = done.get(m.version);
      if (recorded !== undefined) {
        if (recorded !== m.checksum) throw new Error(`migration ${m.version} was changed after it was applied`);
        continue;
      }
      log.info('applying migration', { version: m.version });
      await inTransaction(client, async () => {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (version, checksum) VALUES ($1, $2)', [m.version, m.checksum]);
      });
      applied.push(m.version);
    }
    const grants = loadOptional(join(dir, GRANTS_FILE));
    if (grants) await inTransaction(client, () => client.query(grants).then(() => undefined));
    return { applied, latest: migrations[migrations.length - 1]?.version };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
  }
}

async function inTransaction(client: Client, fn: () => Promise<void>): Promise<void> {
  await client.query('BEGIN');
  try {
    await fn();
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

function loadOptional(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
