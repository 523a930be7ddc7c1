import { strict as assert } from 'node:assert';
import { Client } from 'pg';
import { createLogger } from '../../src/log';
import { latestVersion, migrate } from '../../src/migrations';
import { Redactor } from '../../src/redact';
import { AppProcess, runToExit } from '../support/app';
import { eventually } from '../support/net';
import { call, cliToken, Credentials, issueCredentials, JWT, jwtEnv, serviceEnv, startApi } from '../support/services';
import { createDatabase, Stack, uniqueName, useStack } from '../support/stack';
import { signToken } from '../../src/jwt';

describe('api (integration)', function () {
  let stack: Stack;
  let db: string;
  let creds: Credentials;
  let env: Record<string, string>;
  let api: AppProcess;
  let base: string;
  const queue = uniqueName('queue');
  const origin = 'https://app.webstack.test';

  before(async function () {
    stack = await useStack(this);
    db = uniqueName('api');
    await createDatabase(stack.pg, db); // not migrated yet: the first test migrates it
    creds = await issueCredentials(stack, 'api', queue);
    env = {
      ...serviceEnv('API', stack, db, creds, queue),
      ...jwtEnv(),
      API__CORS_ORIGINS: `${origin},http://localhost:3000`,
      GIT_SHA: 'abc1234',
      BUILD_DATE: '2025-01-02T03:04:05Z',
      APP_VERSION: '1.2.3',
    };
    ({ app: api, base } = await startApi(env));
    await eventually('api /health', async () => ((await call(`${base}/health`)).status === 200 ? true : undefined));
  });

  after(async () => {
    await api?.stop();
  });

  it('is live at once, but not ready until migrations are applied', async () => {
    const before = await call(`${base}/ready`);
    assert.equal(before.status, 503);
    assert.deepEqual(before.body.database, { ok: true, credential: 'current' });
    assert.equal((before.body.migrations as { ok: boolean }).ok, false);

    const c = new Client({ connectionString: stack.pg.url(stack.migrateLogin, stack.migratePassword, db) });
    await c.connect();
    await migrate(c, createLogger('error', new Redactor([]), {}, () => undefined)).finally(() => c.end());

    const after = await call(`${base}/ready`);
    assert.equal(after.status, 200, JSON.stringify(after.body));
    assert.deepEqual(after.body, {
      status: 'ready',
      database: { ok: true, credential: 'current' },
      redis: { ok: true, credential: 'current' },
      migrations: { ok: true, expected: latestVersion() },
    });
  });

  it('serves the version stamp', async () => {
    const r = await call(`${base}/version`);
    assert.deepEqual(r.body, { gitSha: 'abc1234', buildDate: '2025-01-02T03:04:05Z', appVersion: '1.2.3' });
  });

  it('ships a health check command for images without curl', async () => {
    const ok = await runToExit('healthcheck', [`${base}/health`], {});
    assert.equal(ok.code, 0, ok.app.text());
    const notFound = await runToExit('healthcheck', [`${base}/nope`], {});
    assert.equal(notFound.code, 1);
    const refused = await runToExit('healthcheck', ['http://127.0.0.1:1/health'], {});
    assert.equal(refused.code, 1);
  });

  it('carries a job from api through redis and the worker into the database', async () => {
    const token = await cliToken(env);
    const posted = await call(`${base}/api/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ payload: { hello: 'world' } }),
    });
    assert.equal(posted.status, 202, JSON.stringify(posted.body));
    const id = posted.body.id as string;
    assert.match(id, /^[0-9a-f-]{36}$/);
    assert.deepEqual(await stack.redis.admin((r) => r.lrange(queue, 0, -1)), [id]);

    const queued = await call(`${base}/api/jobs/${id}`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(queued.body.status, 'queued');

    const workerCreds = await issueCredentials(stack, 'worker', queue);
    const worker = new AppProcess('worker', [], serviceEnv('WORKER', stack, db, workerCreds, queue));
    try {
      const done = await eventually('job done', async () => {
        const r = await call(`${base}/api/jobs/${id}`, { headers: { authorization: `Bearer ${token}` } });
        return r.body.status === 'done' ? r.body : undefined;
      });
      assert.equal(done.result, 'ok');
      assert.match(String(done.processedBy), /\/\d+$/);
      assert.ok(done.finishedAt);
      const [row] = await stack.pg.sql(`SELECT status, source, payload FROM jobs WHERE id = '${id}'`, db);
      assert.deepEqual(row, { status: 'done', source: 'api', payload: { hello: 'world' } });
      assert.equal(await stack.redis.admin((r) => r.llen(queue)), 0);
    } finally {
      assert.equal(await worker.stop(), 0, worker.text());
    }
    assert.ok(!worker.text().includes(workerCreds.dbPassword) && !worker.text().includes(workerCreds.redisPassword));
  });

  it('rejects missing, unknown-kid and wrong-audience tokens; accepts the previous kid', async () => {
    const post = (token?: string): Promise<{ status: number; body: Record<string, unknown> }> =>
      call(`${base}/api/jobs`, {
        method: 'POST',
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
        body: JSON.stringify({ payload: 1 }),
      });
    const sign = (kid: string, key: string, audience = JWT.audience): Promise<string> =>
      signToken({ issuer: JWT.issuer, audience, kid, key });

    const none = await post();
    assert.equal(none.status, 401);
    assert.equal(none.body.reason, 'missing_token');
    assert.equal((await post(await sign('gen-0', 'retired-key-material'))).body.reason, 'unknown_kid');
    assert.equal((await post(await sign(JWT.currentKid, JWT.currentKey, 'other-api'))).body.reason, 'bad_claims');
    assert.equal((await post(await sign(JWT.previousKid, JWT.previousKey))).status, 202);

    const badBody = await call(`${base}/api/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await sign(JWT.currentKid, JWT.currentKey)}`, 'content-type': 'application/json' },
      body: '{"nopayload": true}',
    });
    assert.equal(badBody.status, 400);
  });

  it('allows CORS only for listed origins', async () => {
    const allowed = await call(`${base}/version`, { headers: { origin } });
    assert.equal(allowed.headers.get('access-control-allow-origin'), origin);
    const denied = await call(`${base}/version`, { headers: { origin: 'https://evil.test' } });
    assert.equal(denied.headers.get('access-control-allow-origin'), null);
    const preflight = await fetch(`${base}/api/jobs`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
    assert.equal(preflight.status, 204);
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /authorization/);
  });

  it('echoes the correlation id and logs one JSON line per request, without secrets', async () => {
    const r = await call(`${base}/health`, { headers: { 'x-correlation-id': 'trace-42' } });
    assert.equal(r.headers.get('x-correlation-id'), 'trace-42');
    const minted = await call(`${base}/health`);
    assert.match(minted.headers.get('x-correlation-id') ?? '', /^[0-9a-f-]{36}$/);
    const line = await eventually('request log line', async () =>
      api.logs().find((l) => l.msg === 'request' && l.correlationId === 'trace-42'),
    );
    assert.equal(line.path, '/health');
    assert.equal(line.status, 200);
    assert.equal(line.service, 'api');
    const text = api.text();
    for (const s of [creds.dbPassword, creds.redisPassword, JWT.currentKey, JWT.previousKey]) {
      assert.ok(!text.includes(s), 'a secret reached the logs');
    }
  });

  it('reports the database as failed while PostgreSQL is down, and recovers', async () => {
    await stack.pg.stop();
    try {
      const down = await eventually('503 while db is down', async () => {
        const r = await call(`${base}/ready`);
        return r.status === 503 ? r : undefined;
      });
      assert.equal((down.body.database as { ok: boolean }).ok, false);
      assert.equal((down.body.redis as { ok: boolean }).ok, true);
      assert.ok(typeof (down.body.database as { error?: string }).error === 'string');
      assert.ok(!JSON.stringify(down.body).includes(creds.dbPassword));
      assert.ok(!JSON.stringify(down.body).includes('postgres://'));
    } finally {
      await stack.pg.start();
    }
    const up = await eventually('ready after db is back', async () => {
      const r = await call(`${base}/ready`);
      return r.status === 200 ? r : undefined;
    });
    assert.deepEqual(up.body.database, { ok: true, credential: 'current' });
  });

  it('shuts down cleanly on SIGTERM', async () => {
    assert.equal(await api.stop(), 0, api.text());
    assert.ok(api.logs().some((l) => l.msg === 'stopped'));
  });
});
