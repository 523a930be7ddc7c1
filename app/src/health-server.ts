// Optional liveness/readiness endpoint for the worker and scheduler.
import { createServer, Server } from 'node:http';
import { Db } from './db';
import { sendJson } from './http';
import { checkReadiness } from './ready';
import { Redactor } from './redact';
import { RedisConn } from './redis';

export function createHealthServer(db: Db, redis: RedisConn, latestMigration: string | undefined, redactor: Redactor): Server {
  return createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/health') return sendJson(res, 200, { status: 'ok' });
    if (path === '/ready') {
      void checkReadiness(db, redis, latestMigration, redactor).then(
        (r) => sendJson(res, r.ready ? 200 : 503, { status: r.ready ? 'ready' : 'not ready', ...r.checks }),
        () => sendJson(res, 503, { status: 'not ready' }),
      );
      return;
    }
    sendJson(res, 404, { error: 'not found' });
  });
}
