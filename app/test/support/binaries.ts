// Locates the PostgreSQL and Redis server binaries the integration suite needs.
// PG_BIN_DIR / REDIS_SERVER_BIN override the search (pointing them at nothing
// shows what a machine without the servers does: the suite is skipped).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

function onPath(name: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Directory holding initdb, pg_ctl and postgres (Debian keeps them off PATH). */
export function pgBinDir(): string | undefined {
  if (process.env.PG_BIN_DIR) return existsSync(join(process.env.PG_BIN_DIR, 'initdb')) ? process.env.PG_BIN_DIR : undefined;
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions.length > 0) return join(root, versions[0], 'bin');
  }
  const initdb = onPath('initdb');
  return initdb ? join(initdb, '..') : undefined;
}

export function redisServerBin(): string | undefined {
  if (process.env.REDIS_SERVER_BIN) return existsSync(process.env.REDIS_SERVER_BIN) ? process.env.REDIS_SERVER_BIN : undefined;
  return onPath('redis-server');
}

/** Why the integration suite cannot run here, or undefined when it can. */
export function missingBinaries(): string | undefined {
  const missing: string[] = [];
  if (!pgBinDir()) missing.push('PostgreSQL server binaries (initdb, pg_ctl)');
  if (!redisServerBin()) missing.push('redis-server');
  return missing.length ? `not found: ${missing.join(', ')}` : undefined;
}
