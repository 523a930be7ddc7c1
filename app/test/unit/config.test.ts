import { strict as assert } from 'node:assert';
import { loadApiConfig, loadMigrateConfig, loadTokenConfig, loadWorkerConfig, prefixFor } from '../../src/config';
import { ConfigError } from '../../src/env';

const apiEnv = (): Record<string, string> => ({
  API__PORT: '8080',
  API__DATABASE_URL: 'postgres://api_b:cur-secret@db:5432/app',
  API__DATABASE_URL_PREVIOUS: 'postgres://api_a:prev-secret@db:5432/app',
  API__REDIS_URL: 'redis://api:cur-redis@cache:6379',
  API__QUEUE: 'jobs',
  API__JWT_ISSUER: 'webstack',
  API__JWT_AUDIENCE: 'webstack-api',
  API__JWT_VERIFY_KEYS: '{"k2":"key-two","k1":"key-one"}',
  API__CORS_ORIGINS: 'https://a.example, https://b.example',
});

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a ConfigError');
}

describe('config', () => {
  it('parses a complete api environment', () => {
    const cfg = loadApiConfig(apiEnv());
    assert.equal(cfg.port, 8080);
    assert.equal(cfg.prefix, 'API');
    assert.equal(cfg.logLevel, 'info');
    assert.deepEqual(cfg.corsOrigins, ['https://a.example', 'https://b.example']);
    assert.equal(cfg.database.previous, 'postgres://api_a:prev-secret@db:5432/app');
    assert.equal(cfg.redis.previous, undefined);
    assert.deepEqual(Object.keys(cfg.jwt.verifyKeys).sort(), ['k1', 'k2']);
    assert.ok(cfg.secrets.includes('key-one') && cfg.secrets.includes(apiEnv().API__DATABASE_URL));
  });

  it('names a missing variable in the error', () => {
    const env = apiEnv();
    delete env.API__DATABASE_URL;
    const err = configError(() => loadApiConfig(env));
    assert.match(err.message, /missing required environment variable API__DATABASE_URL/);
    assert.equal(err.problems.length, 1);
  });

  it('lists every missing variable at once', () => {
    const err = configError(() => loadApiConfig({}));
    for (const name of ['API__PORT', 'API__DATABASE_URL', 'API__REDIS_URL', 'API__QUEUE', 'API__JWT_ISSUER', 'API__JWT_AUDIENCE', 'API__JWT_VERIFY_KEYS']) {
      assert.ok(err.message.includes(name), `${name} not mentioned in: ${err.message}`);
    }
  });

  it('treats a blank value as missing', () => {
    const err = configError(() => loadApiConfig({ ...apiEnv(), API__QUEUE: '  ' }));
    assert.match(err.message, /API__QUEUE/);
  });

  it('rejects bad values without echoing them', () => {
    const err = configError(() =>
      loadApiConfig({
        ...apiEnv(),
        API__PORT: '99999',
        API__LOG_LEVEL: 'loud',
        API__DATABASE_URL: 'mysql://u:very-secret-pw@h/db',
        API__JWT_VERIFY_KEYS: '{"k1": 5}',
      }),
    );
    assert.match(err.message, /API__PORT must be an integer between 1 and 65535/);
    assert.match(err.message, /API__LOG_LEVEL must be one of debug, info, warn, error/);
    assert.match(err.message, /API__DATABASE_URL must use scheme postgres or postgresql/);
    assert.match(err.message, /API__JWT_VERIFY_KEYS must be a non-empty JSON object/);
    assert.ok(!err.message.includes('very-secret-pw'));
  });

  it('reports invalid JSON in the verify keys by name', () => {
    const err = configError(() => loadApiConfig({ ...apiEnv(), API__JWT_VERIFY_KEYS: '{nope' }));
    assert.match(err.message, /API__JWT_VERIFY_KEYS is not valid JSON/);
  });

  it('takes the prefix from SERVICE_PREFIX', () => {
    assert.equal(prefixFor('api', {}), 'API');
    assert.equal(prefixFor('worker', {}), 'WORKER');
    assert.equal(prefixFor('scheduler', {}), 'SCHEDULER');
    assert.equal(prefixFor('migrate', {}), 'MIGRATE');
    assert.equal(prefixFor('api', { SERVICE_PREFIX: 'public-api' }), 'PUBLIC_API');
    const env: Record<string, string> = { SERVICE_PREFIX: 'EDGE' };
    for (const [k, v] of Object.entries(apiEnv())) env[k.replace(/^API__/, 'EDGE__')] = v;
    assert.equal(loadApiConfig(env).prefix, 'EDGE');
    assert.match(configError(() => loadApiConfig({ ...apiEnv(), SERVICE_PREFIX: 'EDGE' })).message, /EDGE__PORT/);
  });

  it('worker port is optional; scheduler needs an interval', () => {
    const common = { DATABASE_URL: 'postgres://w:p@db/app', REDIS_URL: 'redis://w:p@cache:6379', QUEUE: 'jobs' };
    const prefixed = (p: string, extra: Record<string, string> = {}): Record<string, string> =>
      Object.fromEntries(Object.entries({ ...common, ...extra }).map(([k, v]) => [`${p}__${k}`, v]));
    assert.equal(loadWorkerConfig('worker', prefixed('WORKER')).port, undefined);
    assert.equal(loadWorkerConfig('worker', prefixed('WORKER', { PORT: '9000' })).port, 9000);
    assert.match(configError(() => loadWorkerConfig('scheduler', prefixed('SCHEDULER'))).message, /SCHEDULER__SCHEDULE_SECONDS/);
    assert.equal(loadWorkerConfig('scheduler', prefixed('SCHEDULER', { SCHEDULE_SECONDS: '30' })).scheduleSeconds, 30);
  });

  it('migrate reads MIGRATE__DATABASE_URL', () => {
    assert.match(configError(() => loadMigrateConfig({ API__DATABASE_URL: 'postgres://x:y@h/d' })).message, /MIGRATE__DATABASE_URL/);
    assert.equal(loadMigrateConfig({ MIGRATE__DATABASE_URL: 'postgres://x:y@h/d' }).databaseUrl, 'postgres://x:y@h/d');
  });

  it('token CLI needs the signing key and kid', () => {
    const err = configError(() => loadTokenConfig({ API__JWT_ISSUER: 'i', API__JWT_AUDIENCE: 'a' }));
    assert.match(err.message, /API__JWT_SIGNING_KEY/);
    assert.match(err.message, /API__JWT_SIGNING_KID/);
  });
});
