// Reads `<PREFIX>__<KEY>` variables and collects every problem before failing,
// so a misconfigured deployment reports all missing names in one go.

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

export type Env = Record<string, string | undefined>;

export class EnvReader {
  private readonly problems: string[] = [];

  constructor(
    private readonly env: Env,
    readonly prefix: string,
  ) {}

  name(key: string): string {
    return `${this.prefix}__${key}`;
  }

  optional(key: string): string | undefined {
    const value = this.env[this.name(key)];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  required(key: string): string {
    const value = this.optional(key);
    if (value === undefined) {
      this.problems.push(`missing required environment variable ${this.name(key)}`);
      return '';
    }
    return value;
  }

  int(key: string, fallback: number | undefined, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    const raw = fallback === undefined ? this.required(key) : this.optional(key);
    if (raw === undefined) return fallback as number;
    if (raw === '') return 0; // already reported as missing
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      this.problems.push(`${this.name(key)} must be an integer between ${min} and ${max}`);
      return 0;
    }
    return value;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
    const raw = this.optional(key);
    if (raw === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      this.problems.push(`${this.name(key)} must be one of ${allowed.join(', ')}`);
      return fallback;
    }
    return raw as T;
  }

  /** A URL with one of the given schemes; the value itself never appears in errors. */
  url(key: string, schemes: readonly string[], required: boolean): string | undefined {
    const raw = required ? this.required(key) : this.optional(key);
    if (!raw) return undefined;
    try {
      const parsed = new URL(raw);
      if (!schemes.includes(parsed.protocol.replace(/:$/, ''))) {
        this.problems.push(`${this.name(key)} must use scheme ${schemes.join(' or ')}`);
      }
    } catch {
      this.problems.push(`${this.name(key)} is not a valid URL`);
    }
    return raw;
  }

  /** JSON object of string -> non-empty string (e.g. kid -> key). */
  stringMap(key: string): Record<string, string> {
    const raw = this.required(key);
    if (raw === '') return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      this.problems.push(`${this.name(key)} is not valid JSON`);
      return {};
    }
    const ok =
      typeof parsed === 'object' &&
      parsed !== null &&
      !Array.isArray(parsed) &&
      Object.keys(parsed).length > 0 &&
      Object.values(parsed).every((v) => typeof v === 'string' && v !== '');
    if (!ok) {
      this.problems.push(`${this.name(key)} must be a non-empty JSON object of kid -> key strings`);
      return {};
    }
    return parsed as Record<string, string>;
  }

  list(key: string): string[] {
    const raw = this.optional(key);
    if (raw === undefined) return [];
    return raw
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  }

  problem(message: string): void {
    this.problems.push(message);
  }

  /** Throws one ConfigError listing every problem seen so far. */
  done(): void {
    if (this.problems.length > 0) throw new ConfigError([...this.problems]);
  }
}
