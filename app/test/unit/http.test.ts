import { strict as assert } from 'node:assert';
import { correlationId } from '../../src/http';
import { versionInfo } from '../../src/version';

describe('http helpers', () => {
  it('reuses a safe correlation id and replaces unsafe ones', () => {
    assert.equal(correlationId('req-123_abc.def'), 'req-123_abc.def');
    assert.equal(correlationId(['first', 'second']), 'first');
    for (const bad of [undefined, '', 'has space', 'x'.repeat(200), 'line\nbreak', '{"json":1}']) {
      const id = correlationId(bad);
      assert.notEqual(id, bad);
      assert.match(id, /^[0-9a-f-]{36}$/);
    }
  });

  it('reads the version stamp from unprefixed env', () => {
    assert.deepEqual(versionInfo({ GIT_SHA: 'abc123', BUILD_DATE: '2025-01-01T00:00:00Z', APP_VERSION: '1.2.3' }), {
      gitSha: 'abc123',
      buildDate: '2025-01-01T00:00:00Z',
      appVersion: '1.2.3',
    });
    assert.equal(versionInfo({}).gitSha, 'unknown');
  });
});
