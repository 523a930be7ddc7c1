import { strict as assert } from 'node:assert';
import { SignJWT } from 'jose';
import { AuthError, bearerToken, keyBytes, signToken, verifyToken } from '../../src/jwt';

const keys = { 'gen-2': 'current-key-material-0123456789', 'gen-1': 'previous-key-material-0123456789' };
const opts = { issuer: 'webstack', audience: 'webstack-api', verifyKeys: keys };
const sign = (kid: string, key: string, over: Partial<{ issuer: string; audience: string; ttlSeconds: number }> = {}): Promise<string> =>
  signToken({ issuer: 'webstack', audience: 'webstack-api', kid, key, ...over });

async function reason(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof AuthError, `expected AuthError, got ${String(err)}`);
    return err.reason;
  }
  assert.fail('token was accepted');
}

describe('jwt', () => {
  it('accepts a token signed with the current key', async () => {
    const payload = await verifyToken(await sign('gen-2', keys['gen-2']), opts);
    assert.equal(payload.iss, 'webstack');
    assert.equal(payload.sub, 'smoke-test');
  });

  it('accepts a token signed with the previous key', async () => {
    const payload = await verifyToken(await sign('gen-1', keys['gen-1']), opts);
    assert.equal(payload.aud, 'webstack-api');
  });

  it('rejects an unknown kid', async () => {
    assert.equal(await reason(verifyToken(await sign('gen-0', 'old-key-material-0123456789'), opts)), 'unknown_kid');
    assert.equal(await reason(verifyToken(await sign('toString', 'x-key-material'), opts)), 'unknown_kid');
  });

  it('rejects a bad signature (known kid, wrong key)', async () => {
    assert.equal(await reason(verifyToken(await sign('gen-2', keys['gen-1']), opts)), 'bad_signature');
  });

  it('rejects a wrong audience or issuer', async () => {
    assert.equal(await reason(verifyToken(await sign('gen-2', keys['gen-2'], { audience: 'other' }), opts)), 'bad_claims');
    assert.equal(await reason(verifyToken(await sign('gen-2', keys['gen-2'], { issuer: 'evil' }), opts)), 'bad_claims');
  });

  it('rejects expired tokens and tokens without exp', async () => {
    const expired = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', kid: 'gen-2' })
      .setIssuer('webstack')
      .setAudience('webstack-api')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(keyBytes(keys['gen-2']));
    assert.equal(await reason(verifyToken(expired, opts)), 'expired');
    const noExp = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', kid: 'gen-2' })
      .setIssuer('webstack')
      .setAudience('webstack-api')
      .sign(keyBytes(keys['gen-2']));
    assert.equal(await reason(verifyToken(noExp, opts)), 'bad_claims');
  });

  it('rejects alg=none and garbage', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none', kid: 'gen-2' })).toString('base64url');
    const body = Buffer.from(JSON.stringify({ iss: 'webstack', aud: 'webstack-api', exp: 9999999999 })).toString('base64url');
    assert.equal(await reason(verifyToken(`${header}.${body}.`, opts)), 'malformed');
    assert.equal(await reason(verifyToken('not.a.jwt', opts)), 'malformed');
  });

  it('extracts bearer tokens strictly', () => {
    assert.equal(bearerToken('Bearer abc.def.ghi'), 'abc.def.ghi');
    for (const h of [undefined, '', 'Basic abc', 'Bearer', 'bearer abc']) {
      assert.throws(() => bearerToken(h), (e: unknown) => e instanceof AuthError && e.reason === 'missing_token');
    }
  });
});
