import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";

/**
 * Annotation (Kubernetes Secret) and label (Docker container) declaring the
 * externally issued secrets a workload receives: JSON
 * {"<ENV NAME>": {"service", "config", "issued", "fingerprint"}} where
 * fingerprint is secretFingerprint([value]). Plain text, known in a preview.
 */
export const EXTERNAL_SECRETS_ANNOTATION = "webstack.dev/external-secrets";

/**
 * A short, non-secret fingerprint of secret values: the first 16 hex digits of
 * SHA-256 over them. It changes whenever one value changes and reveals nothing
 * usable about generated credentials (high-entropy random values), so it may
 * stand in plain text in annotations and diffs.
 */
export function secretFingerprint(values: pulumi.Input<string>[]): pulumi.Output<string> {
    return pulumi.unsecret(pulumi.all(values).apply((vs) => {
        const h = createHash("sha256");
        for (const v of vs) {
            h.update(String(v.length)).update(":").update(v).update("\n");
        }
        return h.digest("hex").slice(0, 16);
    }));
}
