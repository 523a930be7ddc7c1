import { strict as assert } from 'node:assert';
import { createLogger } from '../../src/log';
import { Redactor } from '../../src/redact';
import { RotatingUrl } from '../../src/config';
import { Connector, RotatingConnection } from '../../src/rotating';

// An in-memory "server": which URLs it accepts and whether it is up.
class FakeServer {
  accepted = new Set<string>();
  up = true;
  open: { url: string; closed: boolean; broken?: (e: unknown) => void }[] = [];

  connector(): Connector<{ url: string; closed: boolean }> {
    return {
      name: 'fake',
      open: async (url, onBroken) => {
        if (!this.up) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
        if (!this.accepted.has(url)) throw Object.assign(new Error('password authentication failed'), { code: '28P01' });
        const conn = { url, closed: false, broken: onBroken };
        this.open.push(conn);
        return conn;
      },
      close: async (conn) => {
        conn.closed = true;
      },
      isAuthError: (err) => (err as { code?: string }).code === '28P01',
    };
  }
}

const quiet = createLogger('error', new Redactor([]), {}, () => undefined);
const urls = { current: 'db://cur', previous: 'db://prev' };
const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('rotating connection', () => {
  let conns: RotatingConnection<{ url: string; closed: boolean }>[] = [];
  const make = (server: FakeServer, u: RotatingUrl = urls, retryMs = 20): RotatingConnection<{ url: string; closed: boolean }> => {
    const c = new RotatingConnection(server.connector(), u, retryMs, quiet);
    conns.push(c);
    return c;
  };
  afterEach(async () => {
    await Promise.all(conns.map((c) => c.close()));
    conns = [];
  });

  it('uses the current credential when it is accepted', async () => {
    const s = new FakeServer();
    s.accepted = new Set(['db://cur', 'db://prev']);
    const c = make(s);
    assert.equal((await c.get()).url, 'db://cur');
    assert.equal(c.slot, 'current');
  });

  it('falls back to previous on an auth failure, then promotes to current in the background', async () => {
    const s = new FakeServer();
    s.accepted = new Set(['db://prev']);
    const c = make(s);
    const first = await c.get();
    assert.equal(first.url, 'db://prev');
    assert.equal(c.slot, 'previous');
    s.accepted.add('db://cur');
    await wait(100);
    assert.equal(c.slot, 'current');
    assert.equal((await c.get()).url, 'db://cur');
    assert.ok(first.closed, 'the previous-credential connection is closed after promotion');
  });

  it('does not fall back when the server is down (not an auth failure)', async () => {
    const s = new FakeServer();
    s.accepted = new Set(['db://prev']);
    s.up = false;
    const c = make(s);
    await assert.rejects(c.get(), /ECONNREFUSED/);
    assert.equal(c.slot, undefined);
    assert.match(c.lastError ?? '', /ECONNREFUSED/);
  });

  it('fails when both credentials are rejected', async () => {
    const s = new FakeServer();
    const c = make(s);
    await assert.rejects(c.get(), /password authentication failed/);
    assert.match(c.lastError ?? '', /current and previous credentials failed/);
  });

  it('without a previous credential an auth failure is final', async () => {
    const s = new FakeServer();
    s.accepted = new Set(['db://prev']);
    const c = make(s, { current: 'db://cur' });
    await assert.rejects(c.get(), /password authentication failed/);
    assert.equal(s.open.length, 0);
  });

  it('after a broken connection, reconnects starting from the current credential', async () => {
    const s = new FakeServer();
    s.accepted = new Set(['db://prev']);
    const c = make(s, urls, 60_000);
    const onPrev = await c.get();
    assert.equal(c.slot, 'previous');
    s.accepted.add('db://cur');
    s.open[0].broken?.(new Error('terminating connection'));
    assert.ok(onPrev.closed);
    assert.equal(c.slot, undefined);
    assert.equal((await c.get()).url, 'db://cur');
  });

  it('shares one connection attempt between concurrent callers', async () => {
    const s = new FakeServer();
    s.accepted = new Set(['db://cur']);
    const c = make(s);
    const [a, b] = await Promise.all([c.get(), c.get()]);
    assert.equal(a, b);
    assert.equal(s.open.length, 1);
  });
});
