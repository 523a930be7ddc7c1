// Process plumbing shared by the entry points: logger setup, config errors, SIGTERM.
import { setTimeout as delay } from 'node:timers/promises';
import { BaseConfig } from './config';
import { ConfigError } from './env';
import { createLogger, Logger } from './log';
import { Redactor, secretsFromEnv } from './redact';

export function setupLogging(config: BaseConfig, service: string): { log: Logger; redactor: Redactor } {
  const redactor = new Redactor([...config.secrets, ...secretsFromEnv(process.env)]);
  const log = createLogger(config.logLevel, redactor, { service, env: config.environment });
  return { log, redactor };
}

/** Loads config or exits 2 with a message that names the variables (never their values). */
export function loadOrExit<T>(load: () => T, service: string): T {
  try {
    return load();
  } catch (err) {
    const problems = err instanceof ConfigError ? err.problems : [String(err)];
    process.stderr.write(
      JSON.stringify({ time: new Date().toISOString(), level: 'error', service, msg: 'invalid configuration', problems }) + '\n',
    );
    process.exit(2);
  }
}

// Covers the longest shutdown delay (30 s) plus closing connections.
const SHUTDOWN_GRACE_MS = 40_000;

/** On SIGTERM/SIGINT run cleanup once, then exit; a stuck cleanup is cut off after the grace period. */
export function onShutdown(log: Logger, cleanup: () => Promise<void>): void {
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
    const force = setTimeout(() => {
      log.error('shutdown timed out');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    cleanup().then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        log.error('shutdown failed', { err });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/** Resolves after ms, or early (without error) when the signal aborts. */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  await delay(ms, undefined, { signal }).catch(() => undefined);
}
