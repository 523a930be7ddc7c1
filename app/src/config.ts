// Typed configuration for each command. Variable names follow docs/contracts.md:
// `<PREFIX>__<KEY>`, PREFIX from SERVICE_PREFIX or the command's default.
import { Env, EnvReader } from './env';
import { LogLevel, LOG_LEVELS } from './log';

export type Role = 'api' | 'worker' | 'scheduler' | 'migrate';

const DEFAULT_PREFIX: Record<Role, string> = {
  api: 'API',
  worker: 'WORKER',
  scheduler: 'SCHEDULER',
  migrate: 'MIGRATE',
};

export function prefixFor(role: Role, env: Env): string {
  const override = env.SERVICE_PREFIX?.trim();
  return override ? override.toUpperCase().replace(/-/g, '_') : DEFAULT_PREFIX[role];
}

/** A credential pair: the current value and, during rotation, the previous one. */
export interface RotatingUrl {
  current: string;
  previous?: string;
}

export interface BaseConfig {
  role: Role;
  prefix: string;
  environment: string;
  logLevel: LogLevel;
  /** How often to retry the current credential while running on the previous one. */
  credentialRetryMs: number;
  /**
   * How long to keep serving after SIGTERM before closing the listener, so
   * proxies and endpoint lists stop sending here before the port goes away.
   */
  shutdownDelayMs: number;
  /** Every secret value this process holds, for log redaction. */
  secrets: string[];
}

export interface DbConfig {
  database: RotatingUrl;
}

export interface RedisConfig {
  redis: RotatingUrl;
  queue: string;
}

export interface ApiConfig extends BaseConfig, DbConfig, RedisConfig {
  port: number;
  jwt: { issuer: string; audience: string; verifyKeys: Record<string, string> };
  corsOrigins: string[];
}

export interface WorkerConfig extends BaseConfig, DbConfig, RedisConfig {
  /** Optional liveness port. */
  port?: number;
  scheduleSeconds: number;
}

export interface MigrateConfig extends BaseConfig {
  databaseUrl: string;
}

export interface TokenConfig {
  prefix: string;
  issuer: string;
  audience: string;
  signingKey: string;
  signingKid: string;
}

function base(r: EnvReader, role: Role): BaseConfig {
  return {
    role,
    prefix: r.prefix,
    environment: r.optional('ENV') ?? 'local',
    logLevel: r.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    credentialRetryMs: r.int('CREDENTIAL_RETRY_SECONDS', 15, 1, 3600) * 1000,
    shutdownDelayMs: r.int('SHUTDOWN_DELAY_SECONDS', 0, 0, 30) * 1000,
    secrets: [],
  };
}

function rotating(r: EnvReader, key: string, schemes: string[]): RotatingUrl {
  const current = r.url(key, schemes, true) ?? '';
  const previous = r.url(`${key}_PREVIOUS`, schemes, false);
  return previous && previous !== current ? { current, previous } : { current };
}

function urlSecrets(u: RotatingUrl): string[] {
  return [u.current, u.previous].filter((v): v is string => !!v);
}

export function loadApiConfig(env: Env = process.env): ApiConfig {
  const r = new EnvReader(env, prefixFor('api', env));
  const cfg: ApiConfig = {
    ...base(r, 'api'),
    port: r.int('PORT', undefined, 1, 65535),
    database: rotating(r, 'DATABASE_URL', ['postgres', 'postgresql']),
    redis: rotating(r, 'REDIS_URL', ['redis', 'rediss']),
    queue: r.required('QUEUE'),
    jwt: {
      issuer: r.required('JWT_ISSUER'),
      audience: r.required('JWT_AUDIENCE'),
      verifyKeys: r.stringMap('JWT_VERIFY_KEYS'),
    },
    corsOrigins: r.list('CORS_ORIGINS'),
  };
  r.done();
  cfg.secrets = [
    ...urlSecrets(cfg.database),
    ...urlSecrets(cfg.redis),
    ...Object.values(cfg.jwt.verifyKeys),
    ...[r.optional('JWT_SIGNING_KEY')].filter((v): v is string => !!v),
  ];
  return cfg;
}

export function loadWorkerConfig(role: 'worker' | 'scheduler', env: Env = process.env): WorkerConfig {
  const r = new EnvReader(env, prefixFor(role, env));
  const port = r.optional('PORT') === undefined ? undefined : r.int('PORT', 0, 1, 65535);
  const cfg: WorkerConfig = {
    ...base(r, role),
    port,
    database: rotating(r, 'DATABASE_URL', ['postgres', 'postgresql']),
    redis: rotating(r, 'REDIS_URL', ['redis', 'rediss']),
    queue: r.required('QUEUE'),
    scheduleSeconds: role === 'scheduler' ? r.int('SCHEDULE_SECONDS', undefined, 1, 86400) : 0,
  };
  r.done();
  cfg.secrets = [...urlSecrets(cfg.database), ...urlSecrets(cfg.redis)];
  return cfg;
}

export function loadMigrateConfig(env: Env = process.env): MigrateConfig {
  const r = new EnvReader(env, prefixFor('migrate', env));
  const cfg: MigrateConfig = {
    ...base(r, 'migrate'),
    databaseUrl: r.url('DATABASE_URL', ['postgres', 'postgresql'], true) ?? '',
  };
  r.done();
  cfg.secrets = [cfg.databaseUrl];
  return cfg;
}

/** For the token CLI: the signing half of the api's JWT settings. */
export function loadTokenConfig(env: Env = process.env): TokenConfig {
  const r = new EnvReader(env, prefixFor('api', env));
  const cfg: TokenConfig = {
    prefix: r.prefix,
    issuer: r.required('JWT_ISSUER'),
    audience: r.required('JWT_AUDIENCE'),
    signingKey: r.required('JWT_SIGNING_KEY'),
    signingKid: r.required('JWT_SIGNING_KID'),
  };
  r.done();
  return cfg;
}
