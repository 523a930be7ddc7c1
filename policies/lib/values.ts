/**
 * Small readers over plain props (see unknown.ts). Each returns the value, an
 * `Unknown` marker, or `undefined` when the key is missing or has another type.
 */
import { Unknown, isUnknown } from "./unknown";

export type Maybe<T> = T | Unknown | undefined;
export type Plain = Record<string, unknown>;

/** Reads a nested property; an unknown on the way is returned as is. */
export function field(obj: unknown, ...keys: (string | number)[]): unknown {
    let cur: unknown = obj;
    for (const key of keys) {
        if (isUnknown(cur)) {
            return cur;
        }
        if (cur === null || typeof cur !== "object") {
            return undefined;
        }
        cur = (cur as Record<string | number, unknown>)[key];
    }
    return cur;
}

export function asString(v: unknown): Maybe<string> {
    if (isUnknown(v) || typeof v === "string") {
        return v;
    }
    if (typeof v === "number" || typeof v === "boolean") {
        return String(v);
    }
    return undefined;
}

export function asNumber(v: unknown): Maybe<number> {
    if (isUnknown(v) || typeof v === "number") {
        return v;
    }
    if (typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v))) {
        return Number(v);
    }
    return undefined;
}

export function asBoolean(v: unknown): Maybe<boolean> {
    if (isUnknown(v) || typeof v === "boolean") {
        return v;
    }
    if (v === "true") {
        return true;
    }
    if (v === "false") {
        return false;
    }
    return undefined;
}

export function asArray(v: unknown): Maybe<unknown[]> {
    if (isUnknown(v) || Array.isArray(v)) {
        return v;
    }
    return undefined;
}

export function asRecord(v: unknown): Maybe<Plain> {
    if (isUnknown(v)) {
        return v;
    }
    if (v !== null && typeof v === "object" && !Array.isArray(v)) {
        return v as Plain;
    }
    return undefined;
}

/** Array items, or [] when missing; the Unknown itself when the array is unknown. */
export function items(v: unknown): unknown[] | Unknown {
    const a = asArray(v);
    return a === undefined ? [] : a;
}

/** Map of string values (labels, selectors); unknown entries kept as markers. */
export function stringMap(v: unknown): Record<string, Maybe<string>> | Unknown {
    const r = asRecord(v);
    if (r === undefined) {
        return {};
    }
    if (isUnknown(r)) {
        return r;
    }
    const out: Record<string, Maybe<string>> = {};
    for (const [k, val] of Object.entries(r)) {
        out[k] = asString(val);
    }
    return out;
}

export function isNonEmptyString(v: unknown): v is string {
    return typeof v === "string" && v.trim() !== "";
}

/** Human text for a value in a message. */
export function show(v: unknown): string {
    if (isUnknown(v)) {
        return "(unknown during preview)";
    }
    if (v === undefined) {
        return "(not set)";
    }
    return JSON.stringify(v);
}

/** The stack name of a URN `urn:pulumi:<stack>::<project>::<type>::<name>`. */
export function stackOfUrn(urn: string): string | undefined {
    const m = /^urn:pulumi:([^:]+)::/.exec(urn);
    return m ? m[1] : undefined;
}

/** Glob (`*`, `?`) to an anchored regular expression. */
export function globToRegExp(glob: string): RegExp {
    const escaped = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
    return new RegExp(`^${escaped}$`);
}
