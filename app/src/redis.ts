// Redis client behind a rotating credential (ACL user = service).
import Redis from 'ioredis';
import { RotatingUrl } from './config';
import { Logger } from './log';
import { Connector, RotatingConnection } from './rotating';

const AUTH_ERROR = /WRONGPASS|NOAUTH|invalid username-password/i;

export const redisConnector: Connector<Redis> = {
  name: 'redis',
  async open(url, onBroken) {
    // No built-in reconnects and no offline queue: a broken client is
    // replaced by RotatingConnection, which picks the credential again.
    const client = new Redis(url, {
      lazyConnect: true,
      retryStrategy: () => null,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      // Our own PING proves the link; INFO would need a wider ACL.
      enableReadyCheck: false,
      connectTimeout: 3000,
    });
    let connectError: unknown;
    let ready = false;
    client.on('error', (err: unknown) => {
      if (ready) onBroken(err);
      else connectError ??= err;
    });
    client.on('end', () => {
      if (ready) onBroken(new Error('redis connection closed'));
    });
    try {
      await client.connect();
      await client.ping();
      ready = true;
      return client;
    } catch (err) {
      client.disconnect();
      // ioredis reports an AUTH rejection as "Connection is closed"; surface the real cause.
      throw connectError ?? err;
    }
  },
  async close(client) {
    client.disconnect();
  },
  isAuthError(err) {
    return err instanceof Error && AUTH_ERROR.test(err.message);
  },
};

export type RedisConn = RotatingConnection<Redis>;

export function createRedis(urls: RotatingUrl, retryMs: number, log: Logger): RedisConn {
  return new RotatingConnection(redisConnector, urls, retryMs, log);
}

/** True when the client or the link failed (not when the server merely refused a command). */
export function isRedisDown(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === 'ReplyError') return AUTH_ERROR.test(err.message);
  const code = (err as { code?: unknown }).code;
  return (
    (typeof code === 'string' && /^E[A-Z]+$/.test(code)) ||
    /Connection is closed|Stream isn't writeable|connection closed|ECONN|ETIMEDOUT|EPIPE/i.test(err.message)
  );
}

/** Run a command; if the client is broken, drop it so the next call reconnects. */
export async function withRedis<R>(conn: RedisConn, fn: (client: Redis) => Promise<R>): Promise<R> {
  const client = await conn.get();
  try {
    return await fn(client);
  } catch (err) {
    if (isRedisDown(err)) conn.invalidate(client, err);
    throw err;
  }
}
