/**
 * Externally issued secrets (payment keys, SMTP passwords, DSNs), delivered
 * through a service's `secrets` config entry. The program declares them on
 * the Secret (annotation) or the Docker container (label)
 * `webstack.dev/external-secrets`: JSON
 * {"<ENV NAME>": {"service", "config", "issued", "fingerprint"}}, where the
 * fingerprint is the program's secretFingerprint of the value (16 hex digits
 * of SHA-256 over "<length>:<value>\n"). The declaration is plain text and
 * known in a preview even where the value is not.
 */
import { createHash } from "crypto";
import { PolicyInputResource } from "./findings";
import { objectLabels } from "./resources";
import { T } from "./types";
import { Unknown, isUnknown } from "./unknown";
import { field } from "./values";

export const EXTERNAL_SECRETS = "webstack.dev/external-secrets";

export interface DeclaredSecret {
    /** Env name / Secret key, e.g. API__STRIPE_KEY. */
    key: string;
    service?: unknown;
    config?: unknown;
    issued?: unknown;
    fingerprint?: unknown;
}

export type Declaration = { entries: DeclaredSecret[] } | { unknown: Unknown } | { malformed: string } | undefined;

/** The program's secretFingerprint of one value (platform/fingerprint.ts). */
export function externalFingerprint(value: string): string {
    return createHash("sha256").update(String(value.length)).update(":").update(value).update("\n").digest("hex").slice(0, 16);
}

/** The declaration on a Secret or Docker container; undefined when there is none. */
export function declarationOf(r: PolicyInputResource): Declaration {
    let text: unknown;
    if (r.type === T.secret) {
        const annotations = field(r.props, "metadata", "annotations");
        if (isUnknown(annotations)) {
            return { unknown: annotations };
        }
        text = annotations !== null && typeof annotations === "object" ? (annotations as Record<string, unknown>)[EXTERNAL_SECRETS] : undefined;
    } else if (r.type === T.container) {
        const labels = objectLabels(r);
        text = labels.labels[EXTERNAL_SECRETS];
        if (text === undefined && labels.unknown) {
            return { unknown: labels.unknown };
        }
    } else {
        return undefined;
    }
    if (text === undefined) {
        return undefined;
    }
    if (isUnknown(text)) {
        return { unknown: text };
    }
    if (typeof text !== "string") {
        return { malformed: "is not a string" };
    }
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch {
        return { malformed: "is not JSON" };
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
        return { malformed: "is not a JSON object" };
    }
    return {
        entries: Object.entries(parsed as Record<string, unknown>).map(([key, v]) => {
            const o = v !== null && typeof v === "object" ? (v as Record<string, unknown>) : {};
            return { key, service: o.service, config: o.config, issued: o.issued, fingerprint: o.fingerprint };
        }),
    };
}

/** Keys a resource declares as externally issued. */
export function declaredKeys(r: PolicyInputResource): Set<string> {
    const d = declarationOf(r);
    return new Set(d && "entries" in d ? d.entries.map((e) => e.key) : []);
}
