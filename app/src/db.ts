// PostgreSQL pool behind a rotating credential.
import { Pool } from 'pg';
import { RotatingUrl } from './config';
import { Logger } from './log';
import { Connector, RotatingConnection } from './rotating';

// invalid_password, invalid_authorization_specification
const AUTH_CODES = new Set(['28P01', '28000']);

export const pgConnector: Connector<Pool> = {
  name: 'database',
  async open(url, onBroken) {
    const pool = new Pool({
      connectionString: url,
      max: 5,
      connectionTimeoutMillis: 3000,
      idleTimeoutMillis: 30_000,
      statement_timeout: 10_000,
    });
    // Idle clients killed by the server surface here; without a listener they crash the process.
    pool.on('error', onBroken);
    try {
      await pool.query('SELECT 1');
      return pool;
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw err;
    }
  },
  async close(pool) {
    await pool.end();
  },
  isAuthError(err) {
    const code = (err as { code?: unknown } | undefined)?.code;
    return typeof code === 'string' && AUTH_CODES.has(code);
  },
};

export type Db = RotatingConnection<Pool>;

export function createDb(urls: RotatingUrl, retryMs: number, log: Logger): Db {
  return new RotatingConnection(pgConnector, urls, retryMs, log);
}

/** Errors that mean the connection itself is gone (not a bad query). */
export function isConnectionError(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') {
    // Class 08 connection exceptions, 57P0x admin shutdown, 28xxx auth, node socket errors.
    return /^(08|57P0|28)/.test(code) || /^E[A-Z]+$/.test(code);
  }
  return err instanceof Error && /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(err.message);
}

/** Run a query; if the connection is gone, drop it so the next call reconnects. */
export async function withPool<R>(db: Db, fn: (pool: Pool) => Promise<R>): Promise<R> {
  const pool = await db.get();
  try {
    return await fn(pool);
  } catch (err) {
    if (isConnectionError(err)) db.invalidate(pool, err);
    throw err;
  }
}
