/**
 * webstack: one program for every environment. Reads and validates the stack's
 * configuration (failing before any resource is registered), builds the
 * environment, and exports its non-secret facts.
 *
 * Rotation reads back what the last `up` deployed (the `rotation` output, via
 * a StackReference to this stack) so that one `up` advances one slot at most
 * when periods were missed; see docs/runbooks/secrets-and-rotation.md.
 */
import * as pulumi from "@pulumi/pulumi";
import { catchUpMessage, loadStackSettings, readDeployedRotation, rotationOutput } from "./config";
import { Environment } from "./components";

// Validate first, synchronously: a ConfigError stops the program before any resource.
const checked = loadStackSettings();

const ready = readDeployedRotation().then((deployed) => {
    const settings = loadStackSettings(deployed);
    const message = catchUpMessage(settings.rotation);
    if (message !== undefined) {
        void pulumi.log.warn(message);
    }
    return { settings, env: new Environment(settings.stack, { settings }) };
});

export const environment = checked.environment;
export const target = checked.target;
export const namespace = checked.target === "kubernetes" ? checked.kubernetes.namespace : undefined;
export const webUrl = pulumi.output(ready.then((r) => r.env.webUrl));
export const apiUrl = pulumi.output(ready.then((r) => r.env.apiUrl));
export const serviceUrls = pulumi.output(ready.then((r) => r.env.serviceUrls));
export const services = checked.services.map((s) => ({ name: s.name, kind: s.kind, image: s.image, replicas: s.replicas, uses: s.uses }));
export const version = checked.version;
export const rotation = pulumi.output(ready.then((r) => rotationOutput(r.settings.rotation)));
