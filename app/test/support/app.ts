// Runs the compiled commands (dist/*.js) as real child processes.
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const APP_ROOT = resolve(__dirname, '..', '..');

export function distScript(name: string): string {
  const file = join(APP_ROOT, 'dist', `${name}.js`);
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first`);
  return file;
}

export class AppProcess {
  readonly output: string[] = [];
  readonly exited: Promise<number>;
  private readonly proc: ChildProcess;

  constructor(script: string, args: string[], env: Record<string, string>) {
    // Only what the test passes: nothing leaks in from the developer's shell.
    this.proc = spawn(process.execPath, [distScript(script), ...args], {
      cwd: APP_ROOT,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (d: Buffer): void => {
      this.output.push(...d.toString().split('\n').filter((l) => l !== ''));
    };
    this.proc.stdout?.on('data', collect);
    this.proc.stderr?.on('data', collect);
    this.exited = new Promise((r) => this.proc.once('exit', (code, signal) => r(code ?? (signal ? 128 : -1))));
  }

  /** Parsed JSON log lines (non-JSON lines are skipped). */
  logs(): Record<string, unknown>[] {
    return this.output.flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  }

  text(): string {
    return this.output.join('\n');
  }

  /** SIGTERM and wait for the exit code. */
  async stop(): Promise<number> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGTERM');
    return this.exited;
  }
}

export async function runToExit(script: string, args: string[], env: Record<string, string>): Promise<{ code: number; app: AppProcess }> {
  const app = new AppProcess(script, args, env);
  return { code: await app.exited, app };
}
