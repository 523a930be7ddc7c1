// Entry point: `node dist/worker.js` (worker) or `node dist/worker.js --scheduler`.
import { Server } from 'node:http';
import { loadWorkerConfig } from './config';
import { createDb } from './db';
import { createHealthServer } from './health-server';
import { scheduleLoop, workLoop } from './loops';
import { latestVersion } from './migrations';
import { createRedis } from './redis';
import { loadOrExit, onShutdown, setupLogging } from './runtime';
import { versionInfo } from './version';

const role = process.argv.includes('--scheduler') ? 'scheduler' : 'worker';
const config = loadOrExit(() => loadWorkerConfig(role), role);
const { log, redactor } = setupLogging(config, role);
const db = createDb(config.database, config.credentialRetryMs, log);
const redis = createRedis(config.redis, config.credentialRetryMs, log);
const stop = new AbortController();

let health: Server | undefined;
if (config.port !== undefined) {
  health = createHealthServer(db, redis, latestVersion(), redactor);
  health.listen(config.port);
}

log.info('starting', { role, queue: config.queue, port: config.port, ...versionInfo() });
const loop =
  role === 'scheduler'
    ? scheduleLoop(db, redis, config.queue, config.scheduleSeconds, log, stop.signal)
    : workLoop(db, redis, config.queue, log, stop.signal);

onShutdown(log, async () => {
  stop.abort();
  await redis.close(); // unblocks a pending BRPOP
  await loop;
  await db.close();
  if (health) await new Promise<void>((resolve) => health!.close(() => resolve()));
});
