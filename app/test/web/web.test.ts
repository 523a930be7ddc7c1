import { strict as assert } from 'node:assert';
import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APP_ROOT, AppProcess } from '../support/app';
import { eventually, freePort } from '../support/net';

const WEB = join(APP_ROOT, 'web');
const SHA = 'test0sha1234';

function build(outDir: string, extraEnv: Record<string, string> = {}): void {
  if (!existsSync(join(WEB, 'build', 'app.js'))) throw new Error('web/build/app.js is missing: run `npm run build` first');
  execFileSync(process.execPath, [join(WEB, 'build.js')], {
    env: { PATH: process.env.PATH, GIT_SHA: SHA, WEB_OUT_DIR: outDir, ...extraEnv },
    stdio: 'pipe',
  });
}

function render(dirs: { run: string; cfg: string }, env: Record<string, string>): { status: number | null; stderr: string } {
  const r = spawnSync('sh', [join(WEB, 'entrypoint.sh'), '--render-only'], {
    env: {
      PATH: process.env.PATH,
      WEB_NGINX_TEMPLATE: join(WEB, 'nginx.conf'),
      WEB_RUN_DIR: dirs.run,
      WEB_CONFIG_DIR: dirs.cfg,
      WEB_ROOT: '/srv/www',
      ...env,
    },
    encoding: 'utf8',
  });
  return { status: r.status, stderr: r.stderr };
}

describe('web page', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), 'wsweb-'));
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('builds versioned assets referenced from index.html, with no secret in the bundle', () => {
    const out = join(tmp, 'dist');
    build(out, { API__DATABASE_URL: 'postgres://u:leak-me-please@h/d', API__JWT_SIGNING_KEY: 'leak-me-key' });
    assert.deepEqual(readdirSync(join(out, 'assets')), [SHA]);
    assert.deepEqual(readdirSync(join(out, 'assets', SHA)).sort(), ['app.css', 'app.js']);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    assert.ok(html.includes(`src="/assets/${SHA}/app.js"`));
    assert.ok(html.includes(`href="/assets/${SHA}/app.css"`));
    assert.ok(!html.includes('<script>') && !/ on[a-z]+=/.test(html), 'no inline script: CSP forbids it');
    const all = [html, readFileSync(join(out, 'assets', SHA, 'app.js'), 'utf8')].join('\n');
    for (const bad of ['leak-me', 'DATABASE_URL', 'REDIS_URL', 'JWT_', 'password']) {
      assert.ok(!all.includes(bad), `bundle contains ${bad}`);
    }
    assert.match(all, /\/config\.json/);
  });

  it('entrypoint writes config.json and an nginx config allowing the api origin', () => {
    const dirs = { run: join(tmp, 'run'), cfg: join(tmp, 'cfg') };
    const r = render(dirs, {
      WEB__PUBLIC_API_BASE_URL: 'https://api.example.test/v1',
      GIT_SHA: 'abc123',
      APP_VERSION: '1.2.3 "beta"',
      BUILD_DATE: '2025-01-01T00:00:00Z',
    });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(readFileSync(join(dirs.cfg, 'config.json'), 'utf8')), {
      apiBaseUrl: 'https://api.example.test/v1',
      gitSha: 'abc123',
      appVersion: '1.2.3 "beta"',
      buildDate: '2025-01-01T00:00:00Z',
    });
    const conf = readFileSync(join(dirs.run, 'nginx.conf'), 'utf8');
    assert.match(conf, /connect-src 'self' https:\/\/api\.example\.test;/);
    assert.match(conf, /listen 8080;/);
    assert.match(conf, /root \/srv\/www;/);
    assert.ok(!/__[A-Z_]+__/.test(conf), 'unrendered placeholder left');
    for (const h of ['X-Content-Type-Options', 'X-Frame-Options "DENY"', 'Referrer-Policy', 'Permissions-Policy', 'Content-Security-Policy']) {
      assert.ok(conf.includes(h), `missing ${h}`);
    }
    assert.ok(!conf.includes('Strict-Transport-Security'), 'HSTS belongs to the ingress');
  });

  it('entrypoint accepts a same-origin base path and refuses unsafe values', () => {
    const dirs = { run: join(tmp, 'run'), cfg: join(tmp, 'cfg') };
    assert.equal(render(dirs, { WEB__PUBLIC_API_BASE_URL: '/api' }).status, 0);
    assert.match(readFileSync(join(dirs.run, 'nginx.conf'), 'utf8'), /connect-src 'self';/);
    assert.equal(render(dirs, { WEB__PUBLIC_API_BASE_URL: "https://x.test'; script-src *" }).status, 64);
    assert.equal(render(dirs, { WEB__PUBLIC_API_BASE_URL: 'javascript:alert(1)' }).status, 64);
    assert.equal(render(dirs, { WEB_PORT: '80; evil' }).status, 64);
  });
});

/** Runs the entrypoint (and so nginx) like the image does: never as root. */
function startWeb(tmp: string, port: number, env: Record<string, string>): ChildProcess {
  chmodSync(tmp, 0o1777);
  const root = join(tmp, 'html');
  build(root);
  // Copies, so `nobody` can read them wherever the checkout lives.
  cpSync(join(WEB, 'nginx.conf'), join(tmp, 'nginx.conf.template'));
  cpSync(join(WEB, 'entrypoint.sh'), join(tmp, 'entrypoint.sh'));
  execFileSync('chmod', ['-R', 'a+rX', root, join(tmp, 'nginx.conf.template'), join(tmp, 'entrypoint.sh')]);
  const fullEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    WEB_ROOT: root,
    WEB_NGINX_TEMPLATE: join(tmp, 'nginx.conf.template'),
    WEB_RUN_DIR: join(tmp, 'run'),
    WEB_CONFIG_DIR: join(tmp, 'cfg'),
    WEB_PORT: String(port),
    GIT_SHA: SHA,
    ...env,
  };
  const argv = [join(tmp, 'entrypoint.sh')];
  return process.getuid?.() === 0
    ? spawn('runuser', ['-u', 'nobody', '--', 'sh', ...argv], { env: fullEnv, stdio: 'ignore' })
    : spawn('sh', argv, { env: fullEnv, stdio: 'ignore' });
}

async function stopProcess(p: ChildProcess | undefined): Promise<void> {
  if (!p || p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise((r) => p.once('exit', r));
  p.kill('SIGTERM');
  await exited;
}

const NGINX = ['/usr/sbin/nginx', '/usr/local/sbin/nginx'].find((p) => existsSync(p));

describe('web nginx config (served)', function () {
  let tmp: string;
  let nginx: ChildProcess | undefined;

  before(function () {
    if (!NGINX) {
      console.log('    nginx not installed: served-config checks skipped');
      this.skip();
    }
  });

  after(async () => {
    await stopProcess(nginx);
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('serves the page as a non-root user with security and cache headers', async function () {
    this.timeout(20_000);
    tmp = mkdtempSync(join(tmpdir(), 'wsnginx-'));
    const port = await freePort();
    nginx = startWeb(tmp, port, { WEB__PUBLIC_API_BASE_URL: 'http://127.0.0.1:1', APP_VERSION: '9.9.9' });
    const base = `http://127.0.0.1:${port}`;
    const index = await eventually('nginx up', async () => {
      const r = await fetch(`${base}/`);
      return r.status === 200 ? r : undefined;
    });
    assert.equal(index.headers.get('cache-control'), 'no-cache');
    assert.equal(index.headers.get('x-frame-options'), 'DENY');
    assert.equal(index.headers.get('x-content-type-options'), 'nosniff');
    assert.ok(index.headers.get('referrer-policy'));
    assert.ok(index.headers.get('permissions-policy'));
    assert.match(index.headers.get('content-security-policy') ?? '', /connect-src 'self' http:\/\/127\.0\.0\.1:1;/);
    assert.match(await index.text(), new RegExp(`/assets/${SHA}/app.js`));

    const js = await fetch(`${base}/assets/${SHA}/app.js`);
    assert.equal(js.status, 200);
    assert.equal(js.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.match(js.headers.get('content-type') ?? '', /javascript/);
    assert.equal(js.headers.get('x-frame-options'), 'DENY');

    const cfg = await fetch(`${base}/config.json`);
    assert.equal(cfg.headers.get('cache-control'), 'no-cache');
    assert.deepEqual(await cfg.json(), { apiBaseUrl: 'http://127.0.0.1:1', gitSha: SHA, appVersion: '9.9.9', buildDate: 'unknown' });
    assert.equal((await fetch(`${base}/assets/${SHA}/missing.js`)).status, 404);
    assert.equal(await (await fetch(`${base}/healthz`)).text(), 'ok\n');

    // The image health check, with the host's tools and with perl alone (Debian-nginx base).
    const check = join(WEB, 'healthcheck.sh');
    assert.equal(spawnSync('sh', [check, `${base}/healthz`]).status, 0);
    assert.notEqual(spawnSync('sh', [check, `${base}/assets/none/missing.js`]).status, 0);
    const perlOnly = join(tmp, 'perl-only');
    mkdirSync(perlOnly);
    symlinkSync('/usr/bin/perl', join(perlOnly, 'perl'));
    const viaPerl = (url: string): number | null => spawnSync('/bin/sh', [check, url], { env: { PATH: perlOnly } }).status;
    if (existsSync('/usr/bin/perl')) {
      assert.equal(viaPerl(`${base}/healthz`), 0);
      assert.equal(viaPerl(`${base}/assets/none/missing.js`), 1);
    }
  });
});

describe('web page in a browser (end to end)', function () {
  const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
  let tmp: string;
  let nginx: ChildProcess | undefined;
  let api: AppProcess | undefined;

  before(function () {
    if (!NGINX || !chromium) {
      console.log(`    ${NGINX ? 'chromium' : 'nginx'} not installed: browser check skipped`);
      this.skip();
    }
  });

  after(async () => {
    await Promise.all([stopProcess(nginx), api?.stop()]);
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('shows the api version and health fetched through config.json, under the CSP', async function () {
    this.timeout(60_000);
    tmp = mkdtempSync(join(tmpdir(), 'wsbrowser-'));
    const [webPort, apiPort] = [await freePort(), await freePort()];
    const apiBase = `http://127.0.0.1:${apiPort}`;
    // /version and /health need no dependency, so unreachable db/redis URLs are fine here.
    api = new AppProcess('api', [], {
      API__PORT: String(apiPort),
      API__DATABASE_URL: 'postgres://api_a:unused-password@127.0.0.1:1/app',
      API__REDIS_URL: 'redis://api:unused-password@127.0.0.1:1',
      API__QUEUE: 'jobs',
      API__JWT_ISSUER: 'i',
      API__JWT_AUDIENCE: 'a',
      API__JWT_VERIFY_KEYS: '{"k1":"unused-key"}',
      API__CORS_ORIGINS: `http://127.0.0.1:${webPort}`,
      GIT_SHA: 'apisha1',
      APP_VERSION: '4.5.6',
    });
    nginx = startWeb(tmp, webPort, { WEB__PUBLIC_API_BASE_URL: apiBase, APP_VERSION: '7.8.9' });
    await eventually('web and api up', async () => {
      const [w, a] = await Promise.all([fetch(`http://127.0.0.1:${webPort}/`), fetch(`${apiBase}/health`)]);
      return w.status === 200 && a.status === 200 ? true : undefined;
    });
    const dom = execFileSync(
      chromium as string,
      ['--headless', '--no-sandbox', '--disable-gpu', '--virtual-time-budget=5000', '--dump-dom', `http://127.0.0.1:${webPort}/`],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 45_000 },
    );
    assert.match(dom, new RegExp(`<dd id="config" data-state="ok">${apiBase}</dd>`));
    assert.match(dom, /<dd id="version" data-state="ok">api 4\.5\.6 · apisha1 · /);
    assert.match(dom, /<dd id="health" data-state="ok">ok<\/dd>/);
    assert.match(dom, new RegExp(`<footer id="footer-version">web 7\\.8\\.9 · ${SHA} · `));
  });
});
