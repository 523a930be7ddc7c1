import { strict as assert } from 'node:assert';
import { readdirSync } from 'node:fs';
import { latestVersion, loadMigrations, MIGRATIONS_DIR, orderMigrations } from '../../src/migrations';

describe('migration ordering', () => {
  it('orders by number, not by string', () => {
    const files = ['10_ten.sql', '2_two.sql', '001_one.sql', '9_nine.sql'];
    assert.deepEqual(
      orderMigrations(files).map((m) => m.file),
      ['001_one.sql', '2_two.sql', '9_nine.sql', '10_ten.sql'],
    );
  });

  it('ignores files that are not numbered migrations', () => {
    const files = ['grants.sql', 'README.md', '003_x.sql.bak', 'abc_1.sql', '003_x.sql'];
    assert.deepEqual(orderMigrations(files).map((m) => m.file), ['003_x.sql']);
  });

  it('refuses two migrations with the same number', () => {
    assert.throws(() => orderMigrations(['001_a.sql', '1_b.sql']), /duplicate migration number 1/);
  });

  it('loads the shipped migrations in order with checksums', () => {
    const all = loadMigrations();
    assert.ok(all.length >= 2);
    assert.deepEqual(all.map((m) => m.number), [...all.map((m) => m.number)].sort((a, b) => a - b));
    assert.ok(all.every((m) => /^[0-9a-f]{64}$/.test(m.checksum) && m.sql.trim() !== ''));
    assert.equal(latestVersion(), all[all.length - 1].version);
    assert.ok(readdirSync(MIGRATIONS_DIR).includes('grants.sql'));
  });
});
