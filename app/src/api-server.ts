// The api's request handling: routing, auth, CORS, one log line per request.
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { ApiConfig } from './config';
import { corsHeaders, preflightHeaders } from './cors';
import { Db, isConnectionError } from './db';
import { correlationId, CORRELATION_HEADER, HttpError, readJson, sendJson } from './http';
import { getJob, submitJob } from './jobs';
import { AuthError, bearerToken, verifyToken } from './jwt';
import { Logger } from './log';
import { checkReadiness } from './ready';
import { Redactor } from './redact';
import { isRedisDown, RedisConn } from './redis';
import { VersionInfo } from './version';

export interface ApiDeps {
  config: ApiConfig;
  db: Db;
  redis: RedisConn;
  log: Logger;
  redactor: Redactor;
  version: VersionInfo;
  latestMigration: string | undefined;
}

type Reply = { status: number; body: unknown };

export function createApiServer(deps: ApiDeps): Server {
  const { config, log } = deps;

  async function authenticate(req: IncomingMessage): Promise<void> {
    try {
      await verifyToken(bearerToken(req.headers.authorization), {
        issuer: config.jwt.issuer,
        audience: config.jwt.audience,
        verifyKeys: config.jwt.verifyKeys,
      });
    } catch (err) {
      const reason = err instanceof AuthError ? err.reason : 'malformed';
      throw new HttpError(401, { error: 'unauthorized', reason }, { 'WWW-Authenticate': 'Bearer' });
    }
  }

  async function route(req: IncomingMessage, path: string): Promise<Reply> {
    const method = req.method ?? 'GET';
    if (path === '/health') {
      allow(method, 'GET');
      return { status: 200, body: { status: 'ok' } };
    }
    if (path === '/version') {
      allow(method, 'GET');
      return { status: 200, body: deps.version };
    }
    if (path === '/ready') {
      allow(method, 'GET');
      const r = await checkReadiness(deps.db, deps.redis, deps.latestMigration, deps.redactor);
      return { status: r.ready ? 200 : 503, body: { status: r.ready ? 'ready' : 'not ready', ...r.checks } };
    }
    if (path === '/api/jobs') {
      allow(method, 'POST');
      await authenticate(req);
      const body = await readJson(req);
      if (typeof body !== 'object' || body === null || !('payload' in body)) {
        throw new HttpError(400, { error: 'body must be an object with a "payload" field' });
      }
      const id = await submitJob(deps.db, deps.redis, config.queue, 'api', (body as { payload: unknown }).payload);
      return { status: 202, body: { id } };
    }
    const jobMatch = /^\/api\/jobs\/([^/]+)$/.exec(path);
    if (jobMatch) {
      allow(method, 'GET');
      await authenticate(req);
      const job = await getJob(deps.db, jobMatch[1]); // ids are plain uuids: no decoding needed
      if (!job) throw new HttpError(404, { error: 'job not found' });
      return { status: 200, body: job };
    }
    throw new HttpError(404, { error: 'not found' });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    const cid = correlationId(req.headers[CORRELATION_HEADER]);
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const origin = req.headers.origin;
    res.setHeader(CORRELATION_HEADER, cid);
    res.on('finish', () => {
      log.info('request', {
        correlationId: cid,
        method: req.method,
        path,
        status: res.statusCode,
        durationMs: Number(process.hrtime.bigint() - started) / 1e6,
      });
    });

    if (req.method === 'OPTIONS') {
      res.writeHead(204, preflightHeaders(origin, config.corsOrigins));
      res.end();
      return;
    }
    const cors = corsHeaders(origin, config.corsOrigins);
    try {
      const reply = await route(req, path);
      sendJson(res, reply.status, reply.body, cors);
    } catch (err) {
      if (err instanceof HttpError) {
        sendJson(res, err.status, err.body, { ...cors, ...err.headers });
        return;
      }
      log.error('request failed', { correlationId: cid, path, err });
      // Dependency outages are retryable (503); anything else is our bug (500).
      const status = isConnectionError(err) || isRedisDown(err) ? 503 : 500;
      sendJson(res, status, { error: status === 503 ? 'service unavailable' : 'internal error', correlationId: cid }, cors);
    }
  }

  return createServer((req, res) => {
    void handle(req, res);
  });
}

function allow(method: string, allowed: string): void {
  if (method !== allowed && !(allowed === 'GET' && method === 'HEAD')) {
    throw new HttpError(405, { error: 'method not allowed' }, { Allow: allowed });
  }
}
