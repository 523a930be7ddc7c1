import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createLogger } from '../../src/log';
import { latestVersion, migrate } from '../../src/migrations';
import { Redactor } from '../../src/redact';
import { runToExit } from '../support/app';
import { createDatabase, Stack, uniqueName, useStack } from '../support/stack';

const quiet = createLogger('error', new Redactor([]), {}, () => undefined);

describe('migrate (integration)', function () {
  let stack: Stack;
  let password: string;
  let login: string;

  before(async function () {
    stack = await useStack(this);
    login = stack.migrateLogin;
    password = stack.migratePassword;
  });

  async function fresh(): Promise<string> {
    const db = uniqueName('mig');
    await createDatabase(stack.pg, db);
    return db;
  }

  async function withClient<T>(db: string, fn: (c: Client) => Promise<T>): Promise<T> {
    const c = new Client({ connectionString: stack.pg.url(login, password, db) });
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  }

  it('applies every migration once; a second run is a no-op', async () => {
    const db = await fresh();
    const env = { MIGRATE__DATABASE_URL: stack.pg.url(login, password, db) };
    const first = await runToExit('migrate', [], env);
    assert.equal(first.code, 0, first.app.text());
    assert.ok(first.app.logs().some((l) => l.msg === 'migrations applied'), first.app.text());
    const second = await runToExit('migrate', [], env);
    assert.equal(second.code, 0, second.app.text());
    const done = second.app.logs().find((l) => l.msg === 'schema already current');
    assert.ok(done, second.app.text());
    assert.deepEqual(done.applied, []);
    assert.ok(!first.app.text().includes(password) && !second.app.text().includes(password), 'password leaked into logs');

    const rows = await stack.pg.sql('SELECT version FROM schema_migrations ORDER BY version', db);
    assert.equal(rows.length, 2);
    assert.equal(rows[rows.length - 1].version, latestVersion());
  });

  it('creates tables owned by the group role and grants the service groups', async () => {
    const db = await fresh();
    await withClient(db, (c) => migrate(c, quiet));
    const [owner] = await stack.pg.sql(`SELECT tableowner FROM pg_tables WHERE tablename = 'jobs'`, db);
    assert.equal(owner.tableowner, 'migrate');
    const [privs] = await stack.pg.sql(
      `SELECT has_table_privilege('api', 'jobs', 'INSERT') AS api_insert,
              has_table_privilege('worker', 'jobs', 'UPDATE') AS worker_update,
              has_table_privilege('scheduler', 'jobs', 'SELECT') AS scheduler_select,
              has_table_privilege('api', 'jobs', 'DELETE') AS api_delete,
              has_table_privilege('api', 'schema_migrations', 'SELECT') AS api_versions`,
      db,
    );
    assert.deepEqual(privs, { api_insert: true, worker_update: true, scheduler_select: true, api_delete: false, api_versions: true });
  });

  it('two concurrent runners do not collide', async () => {
    const db = await fresh();
    const env = { MIGRATE__DATABASE_URL: stack.pg.url(login, password, db) };
    const [a, b] = await Promise.all([runToExit('migrate', [], env), runToExit('migrate', [], env)]);
    assert.equal(a.code, 0, a.app.text());
    assert.equal(b.code, 0, b.app.text());
    const applied = [a, b].flatMap((r) => r.app.logs().flatMap((l) => (Array.isArray(l.applied) ? (l.applied as string[]) : [])));
    assert.equal(applied.length, 2, 'each migration applied exactly once across both runners');
  });

  it('rolls back a failing migration, records nothing for it and exits non-zero', async () => {
    const db = await fresh();
    const dir = mkdtempSync(join(tmpdir(), 'wsmig-'));
    try {
      writeFileSync(join(dir, '001_ok.sql'), 'CREATE TABLE good (id int);');
      writeFileSync(join(dir, '002_bad.sql'), 'CREATE TABLE half (id int); SELECT * FROM no_such_table;');
      await assert.rejects(withClient(db, (c) => migrate(c, quiet, dir)), /no_such_table/);
      const versions = await stack.pg.sql('SELECT version FROM schema_migrations', db);
      assert.deepEqual(versions.map((r) => r.version), ['001_ok']);
      const half = await stack.pg.sql(`SELECT to_regclass('public.half') AS t`, db);
      assert.equal(half[0].t, null, 'partial migration was rolled back');

      writeFileSync(join(dir, '001_ok.sql'), 'CREATE TABLE good (id bigint);');
      rmSync(join(dir, '002_bad.sql'));
      await assert.rejects(withClient(db, (c) => migrate(c, quiet, dir)), /001_ok was changed after it was applied/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const bad = await runToExit('migrate', [], { MIGRATE__DATABASE_URL: stack.pg.url(login, 'wrong-password', db) });
    assert.equal(bad.code, 1, bad.app.text());
    assert.ok(!bad.app.text().includes('wrong-password'));
  });

  it('exits 2 naming the variable when MIGRATE__DATABASE_URL is missing', async () => {
    const r = await runToExit('migrate', [], {});
    assert.equal(r.code, 2);
    assert.match(r.app.text(), /MIGRATE__DATABASE_URL/);
  });
});
