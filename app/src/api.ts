// Entry point: `node dist/api.js`.
import { Server } from 'node:http';
import { loadApiConfig } from './config';
import { createApiServer } from './api-server';
import { createDb } from './db';
import { latestVersion } from './migrations';
import { createRedis } from './redis';
import { loadOrExit, onShutdown, setupLogging, sleep } from './runtime';
import { versionInfo } from './version';

const config = loadOrExit(() => loadApiConfig(), 'api');
const { log, redactor } = setupLogging(config, 'api');
const db = createDb(config.database, config.credentialRetryMs, log);
const redis = createRedis(config.redis, config.credentialRetryMs, log);
const version = versionInfo();

// Connect eagerly so the first /ready is fast; failures are retried on demand.
db.get().catch((err: unknown) => log.warn('database not reachable yet', { err }));
redis.get().catch((err: unknown) => log.warn('redis not reachable yet', { err }));

const server: Server = createApiServer({
  config,
  db,
  redis,
  log,
  redactor,
  version,
  latestMigration: latestVersion(),
});
server.keepAliveTimeout = 5_000;
server.listen(config.port, () => log.info('listening', { port: config.port, ...version }));

onShutdown(log, async () => {
  // Keep serving while the edge proxy or Service endpoints forget this instance.
  await sleep(config.shutdownDelayMs);
  // Stop accepting, let in-flight requests finish, then release connections.
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
  await Promise.all([db.close(), redis.close()]);
});
