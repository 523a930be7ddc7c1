// Readiness: both dependencies answer with our credentials and the schema is current.
import { Db, withPool } from './db';
import { RedisConn, withRedis } from './redis';
import { Redactor } from './redact';
import { errorMessage, Slot } from './rotating';

export interface DependencyCheck {
  ok: boolean;
  credential?: Slot;
  error?: string;
}

export interface Readiness {
  ready: boolean;
  checks: {
    database: DependencyCheck;
    redis: DependencyCheck;
    migrations: { ok: boolean; expected?: string; error?: string };
  };
}

const CHECK_TIMEOUT_MS = 3000;

function withTimeout<T>(p: Promise<T>, label: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label} check timed out`)), CHECK_TIMEOUT_MS);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export async function checkReadiness(
  db: Db,
  redis: RedisConn,
  latestMigration: string | undefined,
  redactor: Redactor,
): Promise<Readiness> {
  const safe = (err: unknown): string => redactor.redact(errorMessage(err));

  const database = withTimeout(
    withPool(db, async (pool) => {
      if (!latestMigration) return true;
      try {
        const { rowCount } = await pool.query('SELECT 1 FROM schema_migrations WHERE version = $1', [latestMigration]);
        return rowCount === 1;
      } catch (err) {
        if ((err as { code?: string }).code === '42P01') return false; // table missing: never migrated
        throw err;
      }
    }),
    'database',
  );
  const cache = withTimeout(
    withRedis(redis, (client) => client.ping()),
    'redis',
  );
  const [dbResult, redisResult] = await Promise.allSettled([database, cache]);

  const checks: Readiness['checks'] = {
    database:
      dbResult.status === 'fulfilled'
        ? { ok: true, credential: db.slot }
        : { ok: false, error: safe(dbResult.reason) },
    redis:
      redisResult.status === 'fulfilled'
        ? { ok: true, credential: redis.slot }
        : { ok: false, error: safe(redisResult.reason) },
    migrations:
      dbResult.status === 'fulfilled'
        ? dbResult.value
          ? { ok: true, expected: latestMigration }
          : { ok: false, expected: latestMigration, error: 'latest migration not applied' }
        : { ok: false, expected: latestMigration, error: 'database unavailable' },
  };
  return { ready: checks.database.ok && checks.redis.ok && checks.migrations.ok, checks };
}
