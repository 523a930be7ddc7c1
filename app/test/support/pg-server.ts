// A throwaway PostgreSQL cluster: initdb into a temp dir, pg_ctl on a free
// loopback port, unix socket inside the temp dir. PostgreSQL refuses to run
// as root, so under uid 0 the cluster belongs to the `postgres` OS user.
import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { pgBinDir } from './binaries';
import { freePort } from './net';

const OS_USER = 'postgres';

export class PgServer {
  readonly dir = mkdtempSync(join(tmpdir(), 'wspg-'));
  readonly dataDir = join(this.dir, 'data');
  readonly bin = pgBinDir() as string;
  port = 0;

  private run(tool: string, args: string[]): void {
    const cmd = join(this.bin, tool);
    const asRoot = process.getuid?.() === 0;
    const [file, argv] = asRoot ? ['runuser', ['-u', OS_USER, '--', cmd, ...args]] : [cmd, args];
    try {
      execFileSync(file, argv, { stdio: 'pipe', cwd: this.dir });
    } catch (err) {
      const e = err as { stderr?: Buffer; stdout?: Buffer };
      throw new Error(`${tool} failed: ${e.stderr?.toString() ?? ''}${e.stdout?.toString() ?? ''}`);
    }
  }

  async init(): Promise<void> {
    if (process.getuid?.() === 0) {
      const uid = Number(execFileSync('id', ['-u', OS_USER], { encoding: 'utf8' }));
      const gid = Number(execFileSync('id', ['-g', OS_USER], { encoding: 'utf8' }));
      chownSync(this.dir, uid, gid);
    }
    this.port = await freePort();
    this.run('initdb', [
      '-D', this.dataDir, '-U', 'postgres', '-E', 'UTF8', '--no-sync',
      '--auth-local=trust', '--auth-host=scram-sha-256',
    ]);
    await this.start();
  }

  async start(): Promise<void> {
    const opts = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
    this.run('pg_ctl', ['-D', this.dataDir, '-l', join(this.dir, 'server.log'), '-o', opts, '-w', '-t', '60', 'start']);
  }

  async stop(): Promise<void> {
    this.run('pg_ctl', ['-D', this.dataDir, '-m', 'fast', '-w', 'stop']);
  }

  async destroy(): Promise<void> {
    try {
      await this.stop();
    } catch {
      // already stopped
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Superuser session over the unix socket (trust auth). */
  async admin<T>(fn: (c: Client) => Promise<T>, database = 'postgres'): Promise<T> {
    const client = new Client({ host: this.dir, port: this.port, user: 'postgres', database });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  }

  async sql(text: string, database = 'postgres'): Promise<Record<string, unknown>[]> {
    return this.admin(async (c) => (await c.query(text)).rows, database);
  }

  url(user: string, password: string, database: string): string {
    return `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${this.port}/${database}`;
  }
}
