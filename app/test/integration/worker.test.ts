import { strict as assert } from 'node:assert';
import { AppProcess } from '../support/app';
import { eventually, freePort } from '../support/net';
import { call, issueCredentials, migratedDatabase, redisRules, serviceEnv } from '../support/services';
import { Stack, uniqueName, useStack } from '../support/stack';

describe('worker and scheduler (integration)', function () {
  let stack: Stack;
  let db: string;

  before(async function () {
    stack = await useStack(this);
    db = await migratedDatabase(stack);
  });

  it('the scheduler enqueues jobs on its interval and the worker completes them', async () => {
    const queue = uniqueName('q');
    const schedCreds = await issueCredentials(stack, 'scheduler', queue);
    const workerCreds = await issueCredentials(stack, 'worker', queue);
    const healthPort = await freePort();
    const scheduler = new AppProcess('worker', ['--scheduler'], {
      ...serviceEnv('SCHEDULER', stack, db, schedCreds, queue),
      SCHEDULER__SCHEDULE_SECONDS: '1',
    });
    const worker = new AppProcess('worker', [], { ...serviceEnv('WORKER', stack, db, workerCreds, queue), WORKER__PORT: String(healthPort) });
    try {
      const rows = await eventually('two scheduled jobs done', async () => {
        const r = await stack.pg.sql(`SELECT status, processed_by FROM jobs WHERE source = 'scheduler' AND status = 'done'`, db);
        return r.length >= 2 ? r : undefined;
      });
      assert.ok(rows.every((r) => typeof r.processed_by === 'string'));
      assert.equal((await call(`http://127.0.0.1:${healthPort}/health`)).status, 200);
      const ready = await call(`http://127.0.0.1:${healthPort}/ready`);
      assert.equal(ready.status, 200, JSON.stringify(ready.body));
      assert.deepEqual(ready.body.database, { ok: true, credential: 'current' });
    } finally {
      assert.equal(await scheduler.stop(), 0, scheduler.text());
      assert.equal(await worker.stop(), 0, worker.text());
    }
    assert.ok(scheduler.logs().some((l) => l.msg === 'job scheduled' && l.service === 'scheduler'));
  });

  it('the worker keeps going when Redis refuses it, and resumes when allowed', async () => {
    const queue = uniqueName('q');
    const creds = await issueCredentials(stack, 'worker', queue);
    await stack.redis.setUser(creds.redisUser, ['some-other-password']);
    const worker = new AppProcess('worker', [], serviceEnv('WORKER', stack, db, creds, queue));
    try {
      await eventually('worker reports the queue unavailable', async () =>
        worker.logs().find((l) => l.msg === 'queue unavailable'),
      );
      const [{ id }] = await stack.pg.sql(`INSERT INTO jobs (source) VALUES ('api') RETURNING id::text`, db);
      await stack.redis.admin((r) => r.lpush(queue, String(id)));
      await stack.redis.setUser(creds.redisUser, [creds.redisPassword], redisRules('worker', queue));
      await eventually('job done after redis accepts the worker', async () => {
        const [row] = await stack.pg.sql(`SELECT status FROM jobs WHERE id = '${String(id)}'`, db);
        return row.status === 'done' ? true : undefined;
      });
    } finally {
      assert.equal(await worker.stop(), 0, worker.text());
    }
    assert.ok(!worker.text().includes(creds.redisPassword));
  });
});
