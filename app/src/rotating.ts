// A connection that survives credential rotation.
// Open with the current credential; only if the server rejects it as an
// authentication failure, fall back to the previous one and keep retrying the
// current one in the background. Whenever the connection breaks, the next use
// starts over from the current credential.
import { RotatingUrl } from './config';
import { Logger } from './log';

export type Slot = 'current' | 'previous';

export interface Connector<T> {
  /** Name used in logs and /ready ("database", "redis"). */
  readonly name: string;
  /** Connect and prove the credential works; call onBroken if it later fails. */
  open(url: string, onBroken: (err: unknown) => void): Promise<T>;
  close(conn: T): Promise<void>;
  isAuthError(err: unknown): boolean;
}

interface Active<T> {
  conn: T;
  slot: Slot;
}

export function errorMessage(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return errorMessage(err.errors[0]);
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

export class RotatingConnection<T> {
  private active?: Active<T>;
  private opening?: Promise<Active<T>>;
  private readonly timer: NodeJS.Timeout;
  private closed = false;
  /** Last failure, for /ready; a message only, never a URL. */
  lastError?: string;

  constructor(
    private readonly connector: Connector<T>,
    private readonly urls: RotatingUrl,
    retryMs: number,
    private readonly log: Logger,
  ) {
    this.timer = setInterval(() => void this.promoteToCurrent(), retryMs);
    this.timer.unref();
  }

  get name(): string {
    return this.connector.name;
  }

  /** Which credential the live connection uses, if any. */
  get slot(): Slot | undefined {
    return this.active?.slot;
  }

  async get(): Promise<T> {
    if (this.closed) throw new Error(`${this.name} connection is closed`);
    if (this.active) return this.active.conn;
    this.opening ??= this.openBest().finally(() => (this.opening = undefined));
    return (await this.opening).conn;
  }

  /** Drop a connection that failed; the next get() starts from the current credential. */
  invalidate(conn: T, err: unknown): void {
    if (this.active?.conn !== conn) return;
    this.active = undefined;
    this.lastError = errorMessage(err);
    this.log.warn('connection lost, will reconnect with current credential', { dependency: this.name, err });
    void this.connector.close(conn).catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    const active = this.active ?? (this.opening ? await this.opening.catch(() => undefined) : undefined);
    this.active = undefined;
    if (active) await this.connector.close(active.conn).catch(() => undefined);
  }

  private async openSlot(slot: Slot, url: string): Promise<Active<T>> {
    const holder: { conn?: T } = {};
    const conn = await this.connector.open(url, (err) => {
      if (holder.conn !== undefined) this.invalidate(holder.conn, err);
    });
    holder.conn = conn;
    return { conn, slot };
  }

  private async openBest(): Promise<Active<T>> {
    try {
      const active = await this.openSlot('current', this.urls.current);
      return this.adopt(active);
    } catch (err) {
      if (!this.urls.previous || !this.connector.isAuthError(err)) {
        this.lastError = errorMessage(err);
        throw err;
      }
      this.log.warn('current credential rejected, falling back to previous', { dependency: this.name, err });
    }
    try {
      return this.adopt(await this.openSlot('previous', this.urls.previous));
    } catch (err) {
      this.lastError = `current and previous credentials failed: ${errorMessage(err)}`;
      throw err;
    }
  }

  private adopt(active: Active<T>): Active<T> {
    if (this.closed) {
      void this.connector.close(active.conn).catch(() => undefined);
      throw new Error(`${this.name} connection is closed`);
    }
    this.active = active;
    this.lastError = undefined;
    this.log.info('connected', { dependency: this.name, credential: active.slot });
    return active;
  }

  /** Background: while on the previous credential, try to move to the current one. */
  private async promoteToCurrent(): Promise<void> {
    const old = this.active;
    if (this.closed || this.opening || !old || old.slot !== 'previous') return;
    let next: Active<T>;
    try {
      next = await this.openSlot('current', this.urls.current);
    } catch (err) {
      this.log.debug('current credential still rejected', { dependency: this.name, err });
      return;
    }
    if (this.closed || this.active !== old) {
      await this.connector.close(next.conn).catch(() => undefined);
      return;
    }
    this.adopt(next);
    await this.connector.close(old.conn).catch(() => undefined);
  }
}
