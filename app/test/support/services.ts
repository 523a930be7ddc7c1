// Builds service environments and databases the way the platform would.
import { Client } from 'pg';
import { createLogger } from '../../src/log';
import { migrate } from '../../src/migrations';
import { Redactor } from '../../src/redact';
import { AppProcess, runToExit } from './app';
import { freePort } from './net';
import { createDatabase, createLogin, secret, Stack, uniqueName } from './stack';

export const JWT = {
  issuer: 'webstack-test',
  audience: 'webstack-api',
  currentKid: 'gen-2',
  currentKey: 'current-signing-key-for-tests-0001',
  previousKid: 'gen-1',
  previousKey: 'previous-signing-key-for-tests-001',
};

/** A new database with every migration applied by migrate_a. */
export async function migratedDatabase(stack: Stack): Promise<string> {
  const db = uniqueName('app');
  await createDatabase(stack.pg, db);
  const c = new Client({ connectionString: stack.pg.url(stack.migrateLogin, stack.migratePassword, db) });
  await c.connect();
  try {
    await migrate(c, createLogger('error', new Redactor([]), {}, () => undefined));
  } finally {
    await c.end();
  }
  return db;
}

export interface Credentials {
  dbUser: string;
  dbPassword: string;
  redisUser: string;
  redisPassword: string;
}

/** The least each service needs in Redis (see README): PING plus its queue command on its queue key. */
export function redisRules(service: string, queue: string): string[] {
  const command = service === 'worker' ? '+brpop' : '+lpush';
  return [`~${queue}`, '+ping', command];
}

/** A db login in the service's group and a least-privilege Redis ACL user, each with one password. */
export async function issueCredentials(stack: Stack, service: string, queue: string): Promise<Credentials> {
  const creds = {
    dbUser: uniqueName(service) + '_a',
    dbPassword: secret(),
    redisUser: uniqueName(service),
    redisPassword: secret(),
  };
  await createLogin(stack.pg, creds.dbUser, service, creds.dbPassword);
  await stack.redis.setUser(creds.redisUser, [creds.redisPassword], redisRules(service, queue));
  return creds;
}

export function serviceEnv(prefix: string, stack: Stack, db: string, c: Credentials, queue: string): Record<string, string> {
  return {
    [`${prefix}__ENV`]: 'test',
    [`${prefix}__LOG_LEVEL`]: 'info',
    [`${prefix}__DATABASE_URL`]: stack.pg.url(c.dbUser, c.dbPassword, db),
    [`${prefix}__REDIS_URL`]: stack.redis.url(c.redisUser, c.redisPassword),
    [`${prefix}__QUEUE`]: queue,
    [`${prefix}__CREDENTIAL_RETRY_SECONDS`]: '1',
  };
}

export function jwtEnv(prefix = 'API'): Record<string, string> {
  return {
    [`${prefix}__JWT_ISSUER`]: JWT.issuer,
    [`${prefix}__JWT_AUDIENCE`]: JWT.audience,
    [`${prefix}__JWT_SIGNING_KID`]: JWT.currentKid,
    [`${prefix}__JWT_SIGNING_KEY`]: JWT.currentKey,
    [`${prefix}__JWT_VERIFY_KEYS`]: JSON.stringify({ [JWT.currentKid]: JWT.currentKey, [JWT.previousKid]: JWT.previousKey }),
  };
}

export async function startApi(env: Record<string, string>): Promise<{ app: AppProcess; base: string }> {
  const port = await freePort();
  const app = new AppProcess('api', [], { ...env, API__PORT: String(port) });
  return { app, base: `http://127.0.0.1:${port}` };
}

/** A token from the shipped CLI, exactly as a smoke test would get one. */
export async function cliToken(env: Record<string, string>): Promise<string> {
  const { code, app } = await runToExit('token', [], env);
  if (code !== 0) throw new Error(`token CLI failed: ${app.text()}`);
  return app.output[app.output.length - 1];
}

export interface JsonReply {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

export async function call(url: string, init: RequestInit = {}): Promise<JsonReply> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    body = { raw: text };
  }
  return { status: res.status, body, headers: res.headers };
}
