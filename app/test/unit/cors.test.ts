import { strict as assert } from 'node:assert';
import { corsHeaders, preflightHeaders } from '../../src/cors';

const allow = ['https://app.example', 'http://localhost:8080'];

describe('cors', () => {
  it('echoes only exact allowlisted origins', () => {
    assert.equal(corsHeaders('https://app.example', allow)['Access-Control-Allow-Origin'], 'https://app.example');
    assert.equal(corsHeaders('http://localhost:8080', allow)['Access-Control-Allow-Origin'], 'http://localhost:8080');
    for (const origin of ['https://evil.example', 'https://app.example.evil.com', 'http://app.example', 'null', undefined]) {
      assert.equal(corsHeaders(origin, allow)['Access-Control-Allow-Origin'], undefined, String(origin));
    }
  });

  it('always varies on Origin; "*" in the list is not a wildcard', () => {
    assert.equal(corsHeaders(undefined, allow).Vary, 'Origin');
    assert.equal(corsHeaders('https://x.example', ['*'])['Access-Control-Allow-Origin'], undefined);
  });

  it('preflight lists methods and headers only for allowed origins', () => {
    const ok = preflightHeaders('https://app.example', allow);
    assert.match(ok['Access-Control-Allow-Headers'], /authorization/);
    assert.match(ok['Access-Control-Allow-Methods'], /POST/);
    assert.deepEqual(preflightHeaders('https://evil.example', allow), { Vary: 'Origin' });
  });

  it('an empty allowlist allows nobody', () => {
    assert.equal(corsHeaders('https://app.example', [])['Access-Control-Allow-Origin'], undefined);
  });
});
