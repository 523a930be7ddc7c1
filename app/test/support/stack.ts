// One PostgreSQL cluster and one redis-server shared by all integration tests,
// started on first use and stopped by the root hook in hooks.ts.
import { randomBytes } from 'node:crypto';
import { missingBinaries } from './binaries';
import { PgServer } from './pg-server';
import { RedisServer } from './redis-server';

export interface Stack {
  pg: PgServer;
  redis: RedisServer;
  /** Login role `migrate_a` (member of `migrate`) and its password. */
  migrateLogin: string;
  migratePassword: string;
}

let starting: Promise<Stack> | undefined;

async function start(): Promise<Stack> {
  const pg = new PgServer();
  const redis = new RedisServer();
  try {
    await pg.init();
    // Group roles as the platform creates them; login roles are <group>_a/_b.
    await pg.sql(`CREATE ROLE api NOLOGIN; CREATE ROLE worker NOLOGIN; CREATE ROLE scheduler NOLOGIN; CREATE ROLE migrate NOLOGIN;`);
    const migratePassword = secret();
    await createLogin(pg, 'migrate_a', 'migrate', migratePassword);
    await redis.start();
    return { pg, redis, migrateLogin: 'migrate_a', migratePassword };
  } catch (err) {
    await Promise.allSettled([pg.destroy(), redis.destroy()]);
    throw err;
  }
}

/**
 * Skips the calling suite, with the reason printed, only when the server
 * binaries are absent; any other problem fails the suite.
 */
export async function useStack(ctx: Mocha.Context): Promise<Stack> {
  const missing = missingBinaries();
  if (missing) {
    console.log(`    integration suite skipped: ${missing}`);
    ctx.skip();
  }
  ctx.timeout(120_000);
  starting ??= start();
  return starting;
}

export async function stopStack(): Promise<void> {
  if (!starting) return;
  const stack = await starting.catch(() => undefined);
  starting = undefined;
  if (stack) await Promise.allSettled([stack.pg.destroy(), stack.redis.destroy()]);
}

export const secret = (): string => randomBytes(18).toString('base64url');

let counter = 0;
export const uniqueName = (base: string): string => `${base}_${process.pid}_${++counter}`;

/** A login role in a group, as the platform would create a credential slot. */
export async function createLogin(pg: PgServer, name: string, group: string, password: string): Promise<void> {
  await pg.admin((c) => c.query(`CREATE ROLE ${c.escapeIdentifier(name)} LOGIN IN ROLE ${c.escapeIdentifier(group)} PASSWORD ${c.escapeLiteral(password)}`));
}

export async function setPassword(pg: PgServer, name: string, password: string): Promise<void> {
  await pg.admin((c) => c.query(`ALTER ROLE ${c.escapeIdentifier(name)} PASSWORD ${c.escapeLiteral(password)}`));
}

/** A fresh database owned by the migrate group (so it may create tables in public). */
export async function createDatabase(pg: PgServer, name: string): Promise<void> {
  await pg.admin((c) => c.query(`CREATE DATABASE ${c.escapeIdentifier(name)} OWNER migrate`));
}
