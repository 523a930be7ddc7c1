import { strict as assert } from 'node:assert';
import { REDACTED, Redactor, redactUrlPasswords, secretsFromEnv } from '../../src/redact';

describe('redaction', () => {
  it('scrubs passwords from URLs, keeping user and host', () => {
    assert.equal(
      redactUrlPasswords('connect postgres://api_a:s3cr3t@db:5432/app failed'),
      `connect postgres://api_a:${REDACTED}@db:5432/app failed`,
    );
    assert.equal(redactUrlPasswords('redis://:pw-only@cache:6379/0'), `redis://:${REDACTED}@cache:6379/0`);
    assert.equal(redactUrlPasswords('no credentials http://host/path'), 'no credentials http://host/path');
  });

  it('scrubs known secret values in raw, URL-encoded and JSON-escaped form', () => {
    const pw = 'p@ss/w"rd+1';
    const r = new Redactor([`postgres://api_a:${encodeURIComponent(pw)}@db/app`, 'jwt-key-value']);
    const line = JSON.stringify({ a: pw, b: encodeURIComponent(pw), c: 'token jwt-key-value here' });
    const out = r.redact(line);
    assert.ok(!out.includes('jwt-key-value'));
    assert.ok(!out.includes(encodeURIComponent(pw)));
    assert.ok(!out.includes('w\\"rd'), out);
    assert.equal(out.split(REDACTED).length - 1, 3);
  });

  it('ignores values too short to be credentials', () => {
    assert.equal(new Redactor(['ab', '']).redact('abc ab'), 'abc ab');
  });

  it('collects secret values from an environment, including JSON key maps', () => {
    const secrets = secretsFromEnv({
      API__DATABASE_URL: 'postgres://u:dbpw@h/d',
      API__REDIS_URL_PREVIOUS: 'redis://u:oldpw@h',
      API__JWT_VERIFY_KEYS: '{"k1":"first-key","k2":"second-key"}',
      API__JWT_SIGNING_KEY: 'signing-key',
      API__PORT: '8080',
      API__QUEUE: 'jobs',
      PATH: '/usr/bin',
    });
    for (const s of ['postgres://u:dbpw@h/d', 'redis://u:oldpw@h', 'first-key', 'second-key', 'signing-key']) {
      assert.ok(secrets.includes(s), `missing ${s}`);
    }
    assert.ok(!secrets.includes('8080') && !secrets.includes('jobs') && !secrets.includes('/usr/bin'));
  });
});
