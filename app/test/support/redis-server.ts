// A throwaway redis-server on a free loopback port. The default user is off;
// tests manage ACL users (two passwords each = current and previous credential).
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { redisServerBin } from './binaries';
import { eventually, freePort } from './net';

const ADMIN_PASSWORD = 'admin-test-password';

export class RedisServer {
  readonly dir = mkdtempSync(join(tmpdir(), 'wsredis-'));
  port = 0;
  private proc?: ChildProcess;
  private output = '';

  async start(): Promise<void> {
    this.port = await freePort();
    const conf = join(this.dir, 'redis.conf');
    writeFileSync(
      conf,
      [
        `port ${this.port}`,
        'bind 127.0.0.1',
        'save ""',
        'appendonly no',
        `dir ${this.dir}`,
        'user default off',
        `user admin on >${ADMIN_PASSWORD} ~* &* +@all`,
      ].join('\n') + '\n',
    );
    this.proc = spawn(redisServerBin() as string, [conf], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    this.proc.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
    await eventually('redis-server to answer', async () => {
      if (this.proc?.exitCode !== null) throw new Error(`redis-server exited: ${this.output}`);
      return (await this.admin((c) => c.ping())) === 'PONG' ? true : undefined;
    });
  }

  async admin<T>(fn: (c: Redis) => Promise<T>): Promise<T> {
    const c = new Redis({ port: this.port, host: '127.0.0.1', username: 'admin', password: ADMIN_PASSWORD, lazyConnect: true, retryStrategy: () => null });
    c.on('error', () => undefined);
    await c.connect();
    try {
      return await fn(c);
    } finally {
      c.disconnect();
    }
  }

  /** ACL user with exactly the given passwords and rules (default: everything). */
  async setUser(user: string, passwords: string[], rules: string[] = ['~*', '&*', '+@all']): Promise<void> {
    await this.admin((c) => c.call('ACL', 'SETUSER', user, 'reset', 'on', ...passwords.map((p) => `>${p}`), ...rules));
  }

  url(user: string, password: string): string {
    return `redis://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${this.port}`;
  }

  async destroy(): Promise<void> {
    const p = this.proc;
    if (p && p.exitCode === null) {
      const exited = new Promise((r) => p.once('exit', r));
      p.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
