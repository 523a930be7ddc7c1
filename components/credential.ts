import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { Rotation, Settings, SlotState } from "../config";

export interface CredentialArgs {
    /** The one service allowed to use this credential. */
    service: string;
    /** What it is for: db, cache, jwt, admin, or an extra secret's name. */
    purpose: string;
    settings: Settings;
    /** @default 32 */
    length?: number;
}

/**
 * A generated secret scoped to one service and one environment, held in two
 * slots so that the current and the previous value both exist. Each slot's
 * keepers name its generation: when the rotation period advances only the
 * slot with the older value is regenerated (see config/rotation.ts).
 */
export class Credential extends pulumi.ComponentResource {
    /** Value of the current generation. */
    readonly current: pulumi.Output<string>;
    /** Value of the previous generation, still accepted during the window. */
    readonly previous: pulumi.Output<string>;
    readonly currentSlot: SlotState;
    readonly previousSlot: SlotState;
    /** Credential name, `<service>-<purpose>`, as recorded in the keepers. */
    readonly credentialName: string;

    constructor(name: string, args: CredentialArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate before super() registers anything.
        super("webstack:index:Credential", name, {}, (validateCredentialArgs(args), opts));
        const length = args.length ?? 32;
        const rotation: Rotation = args.settings.rotation;
        this.credentialName = `${args.service}-${args.purpose}`;
        this.currentSlot = rotation.current;
        this.previousSlot = rotation.previous;
        const slots = new Map<string, random.RandomPassword>();
        for (const state of [rotation.current, rotation.previous]) {
            slots.set(state.slot, new random.RandomPassword(`${name}-${state.slot}`, {
                length,
                // Letters and digits only: the value goes into URLs, ACL rules and psql literals unescaped.
                special: false,
                keepers: {
                    "webstack.dev/credential": this.credentialName,
                    "webstack.dev/service": args.service,
                    "webstack.dev/environment": args.settings.environment,
                    "webstack.dev/stack": args.settings.stack,
                    "webstack.dev/slot": state.slot,
                    "webstack.dev/generation": String(state.generation),
                    "webstack.dev/rotation-period-days": String(rotation.periodDays),
                    "webstack.dev/issued-at": state.issuedAt,
                },
            }, { parent: this }));
        }
        this.current = pulumi.secret(slots.get(rotation.current.slot)!.result);
        this.previous = pulumi.secret(slots.get(rotation.previous.slot)!.result);
        this.registerOutputs({
            current: this.current,
            previous: this.previous,
            credentialName: this.credentialName,
            currentGeneration: rotation.current.generation,
        });
    }

    /** Key id of a generation, for JWT signing keys. */
    kid(state: SlotState): string {
        return `${this.credentialName}-g${state.generation}`;
    }
}

export function validateCredentialArgs(args: CredentialArgs): void {
    const length = args.length ?? 32;
    if (!/^[a-z][a-z0-9-]*$/.test(args.service)) {
        throw new pulumi.InputPropertyError({ propertyPath: "service", reason: `"${args.service}" is not a service name; use the lower-case name from the services config` });
    }
    if (!/^[a-z][a-z0-9-]*$/.test(args.purpose)) {
        throw new pulumi.InputPropertyError({ propertyPath: "purpose", reason: `"${args.purpose}" must be lower-case letters, digits and '-'` });
    }
    if (!Number.isInteger(length) || length < 16 || length > 256) {
        throw new pulumi.InputPropertyError({ propertyPath: "length", reason: `${length} is outside 16..256; shorter secrets can be guessed` });
    }
}
