/**
 * Prints the fingerprints of the generated credentials of a stack, for the
 * `foreignFingerprints` list of the other environments' policy configs:
 *
 *   pulumi stack export --show-secrets --stack staging \
 *     | npx ts-node policies/tools/fingerprints.ts
 *
 * Reads the export on stdin, prints one JSON array of SHA-256 hex strings
 * of generated values and the declared 16-hex fingerprints of externally
 * issued secrets (annotation or label webstack.dev/external-secrets); values themselves
 * are never printed.
 */
import { fingerprint } from "../lib/credentials";
import { declarationOf } from "../lib/external";
import { T } from "../lib/types";

const RANDOM_PASSWORD = "random:index/randomPassword:RandomPassword";
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

interface ExportedResource {
    type?: string;
    outputs?: Record<string, unknown>;
}

/** The plain value of an exported output: a string, or a secret envelope with a JSON-encoded plaintext. */
function plainValue(v: unknown): string | undefined {
    if (typeof v === "string") {
        return v;
    }
    if (v !== null && typeof v === "object" && SECRET_SIG in v) {
        const plaintext = (v as Record<string, unknown>).plaintext;
        if (typeof plaintext !== "string") {
            return undefined;
        }
        try {
            const parsed: unknown = JSON.parse(plaintext);
            return typeof parsed === "string" ? parsed : undefined;
        } catch {
            return plaintext;
        }
    }
    return undefined;
}

/** Fingerprints of every RandomPassword result in a `pulumi stack export --show-secrets` document. */
export function fingerprintsOfExport(exported: unknown): string[] {
    const resources = ((exported as { deployment?: { resources?: ExportedResource[] } })?.deployment?.resources) ?? [];
    const out = new Set<string>();
    for (const r of resources) {
        // Externally issued secrets: the declared 16-hex fingerprints on Secrets and containers.
        if ((r.type === T.secret || r.type === T.container) && r.outputs !== undefined) {
            const d = declarationOf({ type: r.type, name: "", urn: "", props: r.outputs });
            for (const e of d && "entries" in d ? d.entries : []) {
                if (typeof e.fingerprint === "string" && /^[0-9a-f]{16}$/.test(e.fingerprint)) {
                    out.add(e.fingerprint);
                }
            }
            continue;
        }
        if (r.type !== RANDOM_PASSWORD) {
            continue;
        }
        const value = plainValue(r.outputs?.result);
        if (value !== undefined && value !== "") {
            out.add(fingerprint(value));
        }
    }
    return [...out].sort();
}

if (require.main === module) {
    const chunks: Buffer[] = [];
    process.stdin.on("data", (c: Buffer) => chunks.push(c));
    process.stdin.on("end", () => {
        const doc: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        const fps = fingerprintsOfExport(doc);
        if (fps.length === 0) {
            process.stderr.write("no RandomPassword result found: export with --show-secrets\n");
            process.exitCode = 1;
        }
        process.stdout.write(`${JSON.stringify(fps, null, 2)}\n`);
    });
}
