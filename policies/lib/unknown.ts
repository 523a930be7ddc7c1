/**
 * Unknown values.
 *
 * During `pulumi preview` a property that depends on an output not yet known
 * (a password not yet generated, an auto-assigned name, an ID) reaches a policy
 * as one of the engine's "unknown" sentinels. @pulumi/policy wraps the props
 * in a proxy that throws `UnknownValueError` when such a property is read; if
 * that error escapes a validation, the engine records an advisory
 * "can't run policy ... during preview" and skips the whole policy for that
 * resource (or stack). The same policy runs again during `pulumi up` with the
 * real values.
 *
 * That all-or-nothing skip would hide violations in the parts that *are*
 * known. So every policy first copies its props into plain data with
 * `toPlain`, replacing each unknown by an `Unknown` marker instead of
 * throwing. The checks then test what is known, and record an "undetermined"
 * finding for a check whose answer depends on a marker. After the known
 * violations are reported, the policy re-throws an `UnknownValueError` for the
 * first undetermined finding, so the engine still prints its documented
 * "can't run ... during preview" advisory: an unknown is never a pass.
 *
 * A key that is absent is not unknown: it is missing, and checks treat it as
 * not set.
 */

/** The engine's sentinels for unknown values, by kind (the same in every Pulumi SDK). */
export const UNKNOWN_SENTINELS = {
    boolean: "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
    number: "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    string: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
    array: "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    asset: "030794c1-ac77-496b-92df-f27374a8bd58",
    archive: "e48ece36-62e2-4504-bad9-02848725956a",
    object: "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
} as const;

const SENTINEL_VALUES = new Set<string>(Object.values(UNKNOWN_SENTINELS));

/** Marker standing for a value the engine does not know yet. */
export class Unknown {
    constructor(
        /** Property path, e.g. `spec.template.spec.containers.0.image`. */
        readonly path: (string | number)[],
        /** The engine's sentinel for this value. */
        readonly sentinel: string,
    ) {}

    get dotted(): string {
        return this.path.join(".");
    }
}

export function isUnknown(value: unknown): value is Unknown {
    return value instanceof Unknown;
}

/** True when the value is a raw engine sentinel (props not yet wrapped in the proxy). */
export function isSentinel(value: unknown): value is string {
    return typeof value === "string" && SENTINEL_VALUES.has(value);
}

interface UnknownValueErrorLike extends Error {
    unknownTypeSentinel: string;
    props: PropertyKey[];
}

interface PolicyRuntime {
    UnknownValueError: new (sentinel: string, props: PropertyKey[]) => UnknownValueErrorLike;
    unknownCheckingProxy: <T>(value: T) => T;
}

// @pulumi/policy exports these two at run time but its type declarations omit them.
const runtime = require("@pulumi/policy") as PolicyRuntime;

/** The error @pulumi/policy throws when a policy reads an unknown value. */
export const UnknownValueError = runtime.UnknownValueError;

/** Wraps props the way the engine does before handing them to a policy. */
export function unknownCheckingProxy<T>(value: T): T {
    return runtime.unknownCheckingProxy(value);
}

export function isUnknownValueError(e: unknown): e is UnknownValueErrorLike {
    return e instanceof runtime.UnknownValueError;
}

/** The engine error for an unknown, to re-throw after the known checks have run. */
export function toEngineError(u: Unknown): Error {
    return new runtime.UnknownValueError(u.sentinel, u.path);
}

/**
 * Deep copy of policy props into plain data: unknown values (raw sentinels or
 * proxy reads that throw `UnknownValueError`) become `Unknown` markers.
 */
export function toPlain(value: unknown, path: (string | number)[] = []): unknown {
    if (isSentinel(value)) {
        return new Unknown(path, value);
    }
    if (value === null || typeof value !== "object") {
        return value;
    }
    if (Array.isArray(value)) {
        const out: unknown[] = [];
        const length = value.length;
        for (let i = 0; i < length; i++) {
            out.push(readChild(value, i, path));
        }
        return out;
    }
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
        out[key] = readChild(value as Record<string, unknown>, key, path);
    }
    return out;
}

function readChild(container: unknown, key: string | number, path: (string | number)[]): unknown {
    const childPath = [...path, key];
    let child: unknown;
    try {
        child = (container as Record<string | number, unknown>)[key];
    } catch (e) {
        if (isUnknownValueError(e)) {
            return new Unknown(childPath, e.unknownTypeSentinel);
        }
        throw e;
    }
    return toPlain(child, childPath);
}

/** Plain copy of props as a record (anything else becomes an empty record). */
export function plainProps(props: unknown): Record<string, unknown> {
    const plain = toPlain(props);
    return plain !== null && typeof plain === "object" && !Array.isArray(plain) && !isUnknown(plain)
        ? (plain as Record<string, unknown>)
        : {};
}
