// Entry point: `node dist/migrate.js`. Exits 0 when the schema is current, 1 otherwise.
import { Client } from 'pg';
import { loadMigrateConfig } from './config';
import { isConnectionError } from './db';
import { migrate } from './migrations';
import { loadOrExit, setupLogging, sleep } from './runtime';

// The database may still be starting when the migration job runs.
const CONNECT_DEADLINE_MS = 60_000;

async function connect(url: string): Promise<Client> {
  const deadline = Date.now() + CONNECT_DEADLINE_MS;
  for (;;) {
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
    try {
      await client.connect();
      return client;
    } catch (err) {
      await client.end().catch(() => undefined);
      const code = (err as { code?: string }).code ?? '';
      const transient = isConnectionError(err) && !code.startsWith('28');
      if (!transient || Date.now() > deadline) throw err;
      await sleep(1000);
    }
  }
}

async function main(): Promise<number> {
  const config = loadOrExit(() => loadMigrateConfig(), 'migrate');
  const { log } = setupLogging(config, 'migrate');
  let client: Client | undefined;
  try {
    client = await connect(config.databaseUrl);
    const result = await migrate(client, log);
    log.info(result.applied.length ? 'migrations applied' : 'schema already current', { ...result });
    return 0;
  } catch (err) {
    log.error('migration failed', { err });
    return 1;
  } finally {
    await client?.end().catch(() => undefined);
  }
}

void main().then((code) => process.exit(code));
