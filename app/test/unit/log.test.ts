import { strict as assert } from 'node:assert';
import { createLogger } from '../../src/log';
import { Redactor } from '../../src/redact';

describe('logger', () => {
  it('writes one JSON line per call, filtered by level, with base fields', () => {
    const lines: string[] = [];
    const log = createLogger('warn', new Redactor([]), { service: 'api' }, (l) => lines.push(l));
    log.info('hidden');
    log.warn('shown', { correlationId: 'c1' });
    assert.equal(lines.length, 1);
    const entry = JSON.parse(lines[0]) as Record<string, unknown>;
    assert.equal(entry.level, 'warn');
    assert.equal(entry.msg, 'shown');
    assert.equal(entry.service, 'api');
    assert.equal(entry.correlationId, 'c1');
  });

  it('never writes a secret, even inside an error', () => {
    const lines: string[] = [];
    const log = createLogger('debug', new Redactor(['hunter2-secret']), {}, (l) => lines.push(l));
    log.error('boom', { err: new Error('auth failed for redis://api:hunter2-secret@cache:6379'), url: 'postgres://x:other@h/d' });
    assert.ok(!lines[0].includes('hunter2-secret'));
    assert.ok(!lines[0].includes(':other@'));
    assert.match(lines[0], /auth failed for redis:\/\/api:\[REDACTED\]@cache/);
  });
});
