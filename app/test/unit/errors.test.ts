import { strict as assert } from 'node:assert';
import { ReplyError } from 'ioredis';
import { isConnectionError, pgConnector } from '../../src/db';
import { isRedisDown, redisConnector } from '../../src/redis';

const withCode = (message: string, code: string): Error => Object.assign(new Error(message), { code });

describe('error classification', () => {
  it('postgres: auth failures are what trigger the previous-credential fallback', () => {
    assert.ok(pgConnector.isAuthError(withCode('password authentication failed for user "api_b"', '28P01')));
    assert.ok(pgConnector.isAuthError(withCode('no pg_hba.conf entry', '28000')));
    assert.ok(!pgConnector.isAuthError(withCode('connect ECONNREFUSED', 'ECONNREFUSED')));
    assert.ok(!pgConnector.isAuthError(withCode('database "x" does not exist', '3D000')));
  });

  it('postgres: lost connections are told apart from bad queries', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', '57P01', '08006', '28P01']) assert.ok(isConnectionError(withCode('x', code)), code);
    assert.ok(isConnectionError(new Error('Connection terminated unexpectedly')));
    for (const code of ['42P01', '23505', '22P02']) assert.ok(!isConnectionError(withCode('x', code)), code);
    assert.ok(!isConnectionError(new TypeError('bug')));
  });

  it('redis: WRONGPASS/NOAUTH are auth failures; command errors do not drop the client', () => {
    assert.ok(redisConnector.isAuthError(new ReplyError('WRONGPASS invalid username-password pair or user is disabled.')));
    assert.ok(redisConnector.isAuthError(new ReplyError('NOAUTH Authentication required.')));
    assert.ok(!redisConnector.isAuthError(new ReplyError('NOPERM this user has no permissions')));
    assert.ok(isRedisDown(new Error('Connection is closed.')));
    assert.ok(isRedisDown(withCode('connect ECONNREFUSED 127.0.0.1:6379', 'ECONNREFUSED')));
    assert.ok(!isRedisDown(new ReplyError('WRONGTYPE Operation against a key holding the wrong kind of value')));
    assert.ok(!isRedisDown(new ReplyError('NOPERM this user has no permissions to run the lpush command')));
    assert.ok(!isRedisDown(new TypeError('bug')));
  });
});
