// The worker and scheduler loops. Both stop promptly when the signal aborts.
import { hostname } from 'node:os';
import { Db } from './db';
import { completeJob, submitJob } from './jobs';
import { Logger } from './log';
import { RedisConn, withRedis } from './redis';
import { sleep } from './runtime';

const POP_TIMEOUT_SECONDS = 2;
const ERROR_BACKOFF_MS = 1000;

export const workerIdentity = (): string => `${hostname()}/${process.pid}`;

/**
 * BRPOP hands each id to exactly one worker. Delivery is at-most-once: a
 * worker killed mid-job leaves the row `queued`, visible to operators.
 */
export async function workLoop(db: Db, redis: RedisConn, queue: string, log: Logger, signal: AbortSignal): Promise<void> {
  const me = workerIdentity();
  while (!signal.aborted) {
    let id: string;
    try {
      const popped = await withRedis(redis, (c) => c.brpop(queue, POP_TIMEOUT_SECONDS));
      if (!popped) continue;
      id = popped[1];
    } catch (err) {
      if (!signal.aborted) {
        log.warn('queue unavailable', { err });
        await sleep(ERROR_BACKOFF_MS, signal);
      }
      continue;
    }
    await processJob(db, id, me, log, signal);
  }
}

async function processJob(db: Db, id: string, me: string, log: Logger, signal: AbortSignal): Promise<void> {
  // The id has left the queue: retry the db write until it lands or we stop.
  for (let attempt = 1; ; attempt++) {
    try {
      const updated = await completeJob(db, id, 'ok', me);
      if (updated) log.info('job done', { jobId: id });
      else log.warn('job not found or already finished', { jobId: id });
      return;
    } catch (err) {
      log.warn('could not record job result', { jobId: id, attempt, err });
      if (signal.aborted) return;
      await sleep(ERROR_BACKOFF_MS, signal);
    }
  }
}

export async function scheduleLoop(
  db: Db,
  redis: RedisConn,
  queue: string,
  everySeconds: number,
  log: Logger,
  signal: AbortSignal,
): Promise<void> {
  while (!signal.aborted) {
    try {
      const id = await submitJob(db, redis, queue, 'scheduler', { scheduledAt: new Date().toISOString() });
      log.info('job scheduled', { jobId: id });
    } catch (err) {
      log.warn('could not schedule job', { err });
    }
    await sleep(everySeconds * 1000, signal);
  }
}
