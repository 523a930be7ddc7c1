/**
 * What counts as a credential in an environment variable or config entry, and
 * how a value is reduced to the secret material it carries.
 */
import { createHash } from "crypto";

/** Name fragments that mark a variable as a credential. */
export const DEFAULT_SECRET_NAME_PATTERNS: readonly string[] = [
    "PASSWORD",
    "PASSWD",
    "SECRET",
    "TOKEN",
    "API_KEY",
    "PRIVATE_KEY",
    "SIGNING_KEY",
    "VERIFY_KEYS",
    "CREDENTIAL",
];

/** Name fragments of variables whose value is a URL that may embed a password. */
export const DEFAULT_URL_NAME_PATTERNS: readonly string[] = ["DATABASE_URL", "REDIS_URL"];

/** Suffixes of names that mention a secret without holding one (a path, a key id, a lifetime). */
export const DEFAULT_NON_SECRET_SUFFIXES: readonly string[] = ["_FILE", "_PATH", "_KID", "_ID", "_NAME", "_REF", "_ISSUER", "_AUDIENCE", "_TTL", "_SECONDS"];

export interface CredentialNaming {
    secretNamePatterns?: readonly string[];
    nonSecretSuffixes?: readonly string[];
}

/** True when the variable name says it holds a secret (PASSWORD, TOKEN, API_KEY...). */
export function isSecretName(name: string, naming: CredentialNaming = {}): boolean {
    const upper = name.toUpperCase();
    const suffixes = naming.nonSecretSuffixes ?? DEFAULT_NON_SECRET_SUFFIXES;
    if (suffixes.some((s) => upper.endsWith(s.toUpperCase()))) {
        return false;
    }
    return (naming.secretNamePatterns ?? DEFAULT_SECRET_NAME_PATTERNS).some((p) => upper.includes(p.toUpperCase()));
}

export function isUrlName(name: string): boolean {
    const upper = name.toUpperCase();
    return DEFAULT_URL_NAME_PATTERNS.some((p) => upper.includes(p));
}

/** The password of a URL with user info (`scheme://user:password@host`), if any. */
export function urlPassword(value: string): string | undefined {
    const m = /^[a-z][a-z0-9+.-]*:\/\/([^/@\s]*)@/i.exec(value.trim());
    if (!m) {
        return undefined;
    }
    const userinfo = m[1];
    const colon = userinfo.indexOf(":");
    if (colon < 0) {
        return undefined;
    }
    const pw = userinfo.slice(colon + 1);
    if (pw === "") {
        return undefined;
    }
    try {
        return decodeURIComponent(pw);
    } catch {
        return pw;
    }
}

/**
 * Whether a named value holds a credential: a secret-named variable with a
 * non-empty value, or any URL that embeds a password (DATABASE_URL, REDIS_URL...).
 */
export function holdsCredential(name: string, value: string, naming: CredentialNaming = {}): boolean {
    if (value.trim() === "") {
        return false;
    }
    if (urlPassword(value) !== undefined) {
        return true;
    }
    if (isUrlName(name)) {
        return false;
    }
    return isSecretName(name, naming);
}

/** Looks like a credential whatever its name: a URL with a password, a PEM private key. */
export function looksLikeCredential(value: string): boolean {
    return urlPassword(value) !== undefined || /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(value);
}

/**
 * The secret material in a value: the password of a URL, the string values
 * of a JSON object (a key set such as JWT_VERIFY_KEYS), else the value itself.
 */
export function secretMaterial(value: string): string[] {
    const pw = urlPassword(value);
    if (pw !== undefined) {
        return [pw];
    }
    const trimmed = value.trim();
    if (trimmed.startsWith("{")) {
        try {
            const parsed: unknown = JSON.parse(trimmed);
            if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) {
                const strings = Object.values(parsed as Record<string, unknown>).filter((v): v is string => typeof v === "string" && v !== "");
                if (strings.length > 0) {
                    return strings;
                }
            }
        } catch {
            // not JSON: the value itself is the material
        }
    }
    return [value];
}

/**
 * Fingerprint of a credential value: lower-case hex SHA-256 of its UTF-8
 * bytes (the same as `printf %s "$value" | sha256sum`). Environments publish
 * fingerprints, never values, so the `foreignFingerprints` list of another
 * environment's policy config can reject a value that crossed over.
 */
export function fingerprint(value: string): string {
    return createHash("sha256").update(value, "utf8").digest("hex");
}

/** Literal credentials in a command line: URL passwords, `--password=x`, `--requirepass x` (not `$VAR` references). */
export function commandCredentials(argv: string[]): string[] {
    const out: string[] = [];
    const flag = /^--?[a-z0-9_-]*(password|passwd|pass|secret|token|api-?key)$/i;
    const words = argv.flatMap((a) => a.split(/\s+/)).filter((w) => w !== "");
    words.forEach((w, i) => {
        const unquoted = w.replace(/^["']|["']$/g, "");
        const pw = /:\/\//.test(unquoted) ? urlPasswordOf(unquoted) : undefined;
        if (pw !== undefined && !pw.startsWith("$")) {
            out.push(pw);
        }
        const eq = /^--?[a-z0-9_-]*(password|passwd|secret|token|api-?key)[a-z0-9_-]*=(.+)$/i.exec(unquoted);
        if (eq && !eq[2].startsWith("$")) {
            out.push(eq[2].replace(/^["']|["']$/g, ""));
        }
        const next = words[i + 1]?.replace(/^["']|["']$/g, "");
        if (flag.test(unquoted) && next !== undefined && !next.startsWith("$") && !next.startsWith("-")) {
            out.push(next);
        }
    });
    return out.filter((x) => x !== "");
}

function urlPasswordOf(word: string): string | undefined {
    const m = /[a-z][a-z0-9+.-]*:\/\/[^\s"']+/i.exec(word);
    return m ? secretMaterial(m[0]).find((x) => x !== m[0]) : undefined;
}

