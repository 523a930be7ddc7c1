// Scrubs secrets from anything that may reach a log line or an HTTP body.
// Two layers: passwords inside URLs (whatever they are), and exact known
// secret values (from config and env), in raw, URL-encoded and JSON-escaped form.

export const REDACTED = '[REDACTED]';

// scheme://user:password@  (user may be empty, as in redis://:pw@host)
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:/@]*):([^\s@/]+)@/gi;

export function redactUrlPasswords(text: string): string {
  return text.replace(URL_CREDENTIALS, (_m, scheme: string, user: string) => `${scheme}${user}:${REDACTED}@`);
}

// Env names whose values are secrets: URLs with credentials, keys, passwords.
const SECRET_NAME = /(PASSWORD|SECRET|TOKEN|_KEY|_KEYS|DATABASE_URL|REDIS_URL)/i;

/** Known secret values found in an environment (including values inside JSON key maps). */
export function secretsFromEnv(env: Record<string, string | undefined>): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!value || !SECRET_NAME.test(name)) continue;
    out.push(value);
    try {
      const parsed: unknown = JSON.parse(value);
      if (parsed && typeof parsed === 'object') {
        for (const v of Object.values(parsed)) if (typeof v === 'string') out.push(v);
      }
    } catch {
      // not JSON: the raw value is enough
    }
  }
  return out;
}

/** Password part of a URL, decoded, if any. */
function urlPassword(value: string): string | undefined {
  try {
    const u = new URL(value);
    return u.password ? decodeURIComponent(u.password) : undefined;
  } catch {
    return undefined;
  }
}

// Shorter values would scrub ordinary words; real credentials are longer.
const MIN_SECRET_LENGTH = 4;

export class Redactor {
  private readonly needles: string[];

  constructor(secrets: Iterable<string>) {
    const set = new Set<string>();
    for (const s of secrets) {
      for (const v of [s, urlPassword(s)]) {
        if (!v || v.length < MIN_SECRET_LENGTH) continue;
        set.add(v);
        set.add(encodeURIComponent(v));
        set.add(JSON.stringify(v).slice(1, -1));
      }
    }
    // Longest first so a URL is replaced whole before its password alone.
    this.needles = [...set].filter((v) => v.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    let out = text;
    for (const needle of this.needles) out = out.split(needle).join(REDACTED);
    return redactUrlPasswords(out);
  }
}
