import { strict as assert } from 'node:assert';
import { AppProcess } from '../support/app';
import { eventually } from '../support/net';
import { call, jwtEnv, migratedDatabase, startApi } from '../support/services';
import { createLogin, secret, setPassword, Stack, uniqueName, useStack } from '../support/stack';

interface Check {
  ok: boolean;
  credential?: string;
}

describe('credential rotation (integration)', function () {
  let stack: Stack;
  let db: string;
  const started: AppProcess[] = [];

  before(async function () {
    stack = await useStack(this);
    db = await migratedDatabase(stack);
  });

  afterEach(async () => {
    await Promise.all(started.splice(0).map((a) => a.stop()));
  });

  /** Slot a holds the previous generation; slot b is the new one the servers do not accept yet. */
  async function rotatingSetup(retrySeconds: number): Promise<{
    env: Record<string, string>;
    slotA: string;
    slotB: string;
    current: string;
    redisUser: string;
    previous: string;
  }> {
    const group = uniqueName('rot');
    const slotA = `${group}_a`;
    const slotB = `${group}_b`;
    const previous = secret();
    const current = secret();
    await createLogin(stack.pg, slotA, 'api', previous);
    await createLogin(stack.pg, slotB, 'api', secret()); // not yet the new password
    const redisUser = group;
    await stack.redis.setUser(redisUser, [previous]);
    const env = {
      API__DATABASE_URL: stack.pg.url(slotB, current, db),
      API__DATABASE_URL_PREVIOUS: stack.pg.url(slotA, previous, db),
      API__REDIS_URL: stack.redis.url(redisUser, current),
      API__REDIS_URL_PREVIOUS: stack.redis.url(redisUser, previous),
      API__QUEUE: uniqueName('q'),
      API__CREDENTIAL_RETRY_SECONDS: String(retrySeconds),
      ...jwtEnv(),
    };
    return { env, slotA, slotB, current, redisUser, previous };
  }

  async function readyWith(base: string, credential: string): Promise<Record<string, unknown>> {
    return eventually(`ready on the ${credential} credential`, async () => {
      const r = await call(`${base}/ready`);
      const ok = r.status === 200 && (r.body.database as Check).credential === credential && (r.body.redis as Check).credential === credential;
      return ok ? r.body : undefined;
    });
  }

  it('starts on the previous credential when the current one is not accepted yet, then moves to current', async () => {
    const s = await rotatingSetup(1);
    const { app, base } = await startApi(s.env);
    started.push(app);

    const onPrevious = await readyWith(base, 'previous');
    assert.deepEqual(onPrevious.database, { ok: true, credential: 'previous' });
    assert.deepEqual(onPrevious.redis, { ok: true, credential: 'previous' });
    assert.ok(app.logs().some((l) => l.msg === 'current credential rejected, falling back to previous'));

    // The platform rotates: the new generation is now accepted by both servers.
    await setPassword(stack.pg, s.slotB, s.current);
    await stack.redis.setUser(s.redisUser, [s.current, s.previous]);
    const onCurrent = await readyWith(base, 'current');
    assert.deepEqual(onCurrent.database, { ok: true, credential: 'current' });

    const sessions = await stack.pg.sql(`SELECT usename FROM pg_stat_activity WHERE datname = '${db}' AND usename LIKE '${s.slotA.replace(/_a$/, '')}%'`);
    assert.ok(sessions.every((r) => r.usename === s.slotB), `sessions still on the old slot: ${JSON.stringify(sessions)}`);
    const text = app.text();
    assert.ok(!text.includes(s.current) && !text.includes(s.previous), 'a credential reached the logs');
  });

  it('reconnects with the current credential when the pool breaks', async () => {
    // No background promotion within the test: only the broken pool can move it.
    const s = await rotatingSetup(3600);
    const { app, base } = await startApi(s.env);
    started.push(app);
    await readyWith(base, 'previous');

    await setPassword(stack.pg, s.slotB, s.current);
    const [{ killed }] = await stack.pg.sql(
      `SELECT count(pg_terminate_backend(pid))::int AS killed FROM pg_stat_activity WHERE usename = '${s.slotA}'`,
    );
    assert.ok(Number(killed) >= 1);

    const after = await eventually('database back on current', async () => {
      const r = await call(`${base}/ready`);
      return r.status === 200 && (r.body.database as Check).credential === 'current' ? r.body : undefined;
    });
    assert.deepEqual(after.redis, { ok: true, credential: 'previous' }, 'redis was not touched');
  });

  it('is not ready, and says why without secrets, when both credentials are rejected', async () => {
    const s = await rotatingSetup(1);
    await setPassword(stack.pg, s.slotA, secret());
    const { app, base } = await startApi(s.env);
    started.push(app);
    const r = await eventually('503', async () => {
      const res = await call(`${base}/ready`).catch(() => undefined);
      return res?.status === 503 ? res : undefined;
    });
    const database = r.body.database as { ok: boolean; error: string };
    assert.equal(database.ok, false);
    assert.match(database.error, /password authentication failed/);
    assert.deepEqual(r.body.redis, { ok: true, credential: 'previous' });
    const body = JSON.stringify(r.body);
    assert.ok(!body.includes(s.current) && !body.includes(s.previous));
  });
});
