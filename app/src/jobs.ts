// The jobs table and the Redis list that carries job ids to the worker.
import { Db, withPool } from './db';
import { RedisConn, withRedis } from './redis';

export type JobSource = 'api' | 'scheduler';

export interface Job {
  id: string;
  source: string;
  status: string;
  result: string | null;
  processedBy: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function insertJob(db: Db, source: JobSource, payload: unknown): Promise<string> {
  const { rows } = await withPool(db, (pool) =>
    pool.query<{ id: string }>('INSERT INTO jobs (source, payload) VALUES ($1, $2::jsonb) RETURNING id', [
      source,
      JSON.stringify(payload ?? null),
    ]),
  );
  return rows[0].id;
}

export async function getJob(db: Db, id: string): Promise<Job | undefined> {
  if (!UUID.test(id)) return undefined;
  const { rows } = await withPool(db, (pool) =>
    pool.query<{
      id: string;
      source: string;
      status: string;
      result: string | null;
      processed_by: string | null;
      created_at: Date;
      finished_at: Date | null;
    }>('SELECT id, source, status, result, processed_by, created_at, finished_at FROM jobs WHERE id = $1', [id]),
  );
  const r = rows[0];
  if (!r) return undefined;
  return {
    id: r.id,
    source: r.source,
    status: r.status,
    result: r.result,
    processedBy: r.processed_by,
    createdAt: r.created_at.toISOString(),
    finishedAt: r.finished_at ? r.finished_at.toISOString() : null,
  };
}

/** Marks a queued job done; false if it does not exist or was already finished. */
export async function completeJob(db: Db, id: string, result: string, processedBy: string): Promise<boolean> {
  if (!UUID.test(id)) return false;
  const { rowCount } = await withPool(db, (pool) =>
    pool.query(
      `UPDATE jobs SET status = 'done', result = $2, processed_by = $3, finished_at = now()
        WHERE id = $1 AND status = 'queued'`,
      [id, result, processedBy],
    ),
  );
  return rowCount === 1;
}

export async function failJob(db: Db, id: string, reason: string): Promise<void> {
  await withPool(db, (pool) =>
    pool.query(`UPDATE jobs SET status = 'failed', result = $2, finished_at = now() WHERE id = $1`, [id, reason]),
  );
}

/** LPUSH + BRPOP gives FIFO order. */
export async function enqueue(redis: RedisConn, queue: string, id: string): Promise<void> {
  await withRedis(redis, (client) => client.lpush(queue, id));
}

/** Creates the row, then hands its id to the queue; a row that cannot be queued is marked failed. */
export async function submitJob(db: Db, redis: RedisConn, queue: string, source: JobSource, payload: unknown): Promise<string> {
  const id = await insertJob(db, source, payload);
  try {
    await enqueue(redis, queue, id);
  } catch (err) {
    await failJob(db, id, 'could not be queued').catch(() => undefined);
    throw err;
  }
  return id;
}
