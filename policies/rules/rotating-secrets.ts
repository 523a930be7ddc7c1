import { StackValidationPolicy } from "@pulumi/policy";
import { CheckContext, Finding, Findings, PolicyInputResource } from "../lib/findings";
import { CommonConfig, stackPolicy } from "../lib/policy";
import { ENVIRONMENTS, KEEPER } from "../lib/types";
import { credentialGenerators } from "../lib/generators";
import { isUnknown } from "../lib/unknown";
import { Maybe, isNonEmptyString, stringMap } from "../lib/values";
import { EXTERNAL_SECRETS, declarationOf } from "../lib/external";

export interface RotatingSecretsConfig extends CommonConfig {
    /** Environment name, used in messages. */
    environment?: string;
    /**
     * Longest a current credential may live, in days; also the longest
     * rotation period. @default 30
     */
    maxAgeDays?: number;
    /** Each credential keeps two slots, a and b (current and previous). @default true */
    requireBothSlots?: boolean;
}

export const DEFAULT_MAX_AGE_DAYS = 30;
const DAY_MS = 86_400_000;
/** Clock skew tolerated for an issued-at date in the future. */
const FUTURE_TOLERANCE_MS = DAY_MS;

const ROTATION_KEEPERS = [KEEPER.rotationPeriodDays, KEEPER.issuedAt, KEEPER.generation, KEEPER.slot] as const;

interface Slot {
    resource: PolicyInputResource;
    credential?: string;
    slot?: string;
    generation?: number;
    periodDays?: number;
    issuedAt?: number;
    issuedAtText?: string;
}

function parseInteger(v: Maybe<string>): number | undefined {
    return typeof v === "string" && /^\d+$/.test(v.trim()) ? Number(v.trim()) : undefined;
}

function parseDate(v: Maybe<string>): number | undefined {
    if (typeof v !== "string" || v.trim() === "") {
        return undefined;
    }
    const text = v.trim();
    const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
    return Number.isNaN(ms) ? undefined : ms;
}

function days(ms: number): number {
    return Math.floor(ms / DAY_MS);
}

/**
 * Every generated credential rotates: rotation keepers present and sane, a
 * period within the environment's limit, a current value younger than
 * maxAgeDays (the previous value may live one more period: the rotation
 * window), and both slots a and b present with consecutive generations.
 */
export function checkRotatingSecrets(resources: PolicyInputResource[], config: RotatingSecretsConfig, ctx: CheckContext): Finding[] {
    const f = new Findings();
    const maxAge = typeof config.maxAgeDays === "number" && config.maxAgeDays > 0 ? config.maxAgeDays : DEFAULT_MAX_AGE_DAYS;
    const envText = isNonEmptyString(config.environment) ? ` in ${config.environment}` : "";
    const now = ctx.now.getTime();
    const slots: Slot[] = [];

    // Every generator whose value reaches a credential position, not only RandomPassword.
    for (const rp of credentialGenerators(resources)) {
        const keepers = stringMap(rp.props.keepers);
        if (isUnknown(keepers)) {
            f.undetermined(rp, keepers, "the rotation keepers");
            continue;
        }
        const s: Slot = { resource: rp };
        slots.push(s);
        const missing = ROTATION_KEEPERS.filter((k) => !isUnknown(keepers[k]) && !isNonEmptyString(keepers[k]));
        if (missing.length > 0) {
            f.violation(rp,
                `has no rotation keeper ${missing.join(", ")}, so it is never rotated and nothing shows how old it is`,
                `issue it through the Credential component, which sets ${ROTATION_KEEPERS.join(", ")} from the rotation settings (period at most ${maxAge} days${envText})`);
        }
        for (const k of [...ROTATION_KEEPERS, KEEPER.credential]) {
            const v = keepers[k];
            if (isUnknown(v)) {
                f.undetermined(rp, v, `keeper ${k}`);
            }
        }
        const credential = keepers[KEEPER.credential];
        if (typeof credential === "string" && credential !== "") {
            s.credential = credential;
        } else if (!isUnknown(credential)) {
            f.violation(rp, `has no keeper ${KEEPER.credential}, so its slot cannot be paired with the other slot of the same credential`,
                `set keeper ${KEEPER.credential} to the credential name (e.g. "api-db") on both slots`);
        }

        const periodText = keepers[KEEPER.rotationPeriodDays];
        if (isNonEmptyString(periodText)) {
            const period = parseInteger(periodText);
            if (period === undefined || period < 1) {
                f.violation(rp, `keeper ${KEEPER.rotationPeriodDays} is "${periodText}", not a whole number of days`,
                    `set it to the rotation period in days (1 to ${maxAge})`);
            } else {
                s.periodDays = period;
                if (period > maxAge) {
                    f.violation(rp, `rotates every ${period} days, longer than the ${maxAge} days allowed${envText}`,
                        `set the rotation period to at most ${maxAge} days`);
                }
            }
        }
        const slot = keepers[KEEPER.slot];
        if (isNonEmptyString(slot)) {
            if (slot !== "a" && slot !== "b") {
                f.violation(rp, `keeper ${KEEPER.slot} is "${slot}"; a credential has exactly two slots, "a" and "b"`, `set ${KEEPER.slot} to "a" or "b"`);
            } else {
                s.slot = slot;
            }
        }
        const genText = keepers[KEEPER.generation];
        if (isNonEmptyString(genText)) {
            const g = parseInteger(genText);
            if (g === undefined) {
                f.violation(rp, `keeper ${KEEPER.generation} is "${genText}", not a non-negative whole number`, `set ${KEEPER.generation} to the generation held by this slot`);
            } else {
                s.generation = g;
                const expected = g % 2 === 0 ? "a" : "b";
                if (s.slot !== undefined && s.slot !== expected) {
                    f.violation(rp, `holds generation ${g} in slot "${s.slot}", but generation g lives in slot ${expected === "a" ? "a (g even)" : "b (g odd)"}`,
                        `write generation ${g} into slot "${expected}" so a rotation replaces only the older slot`);
                }
            }
        }
        const issuedText = keepers[KEEPER.issuedAt];
        if (isNonEmptyString(issuedText)) {
            const issued = parseDate(issuedText);
            if (issued === undefined) {
                f.violation(rp, `keeper ${KEEPER.issuedAt} is "${issuedText}", not an ISO date`, `set ${KEEPER.issuedAt} to the ISO date (YYYY-MM-DD) the generation started`);
            } else if (issued - now > FUTURE_TOLERANCE_MS) {
                f.violation(rp, `keeper ${KEEPER.issuedAt} is ${issuedText}, in the future`, `set ${KEEPER.issuedAt} to the date the generation actually started`);
            } else {
                s.issuedAt = issued;
                s.issuedAtText = issuedText;
            }
        }
    }

    const groups = new Map<string, Slot[]>();
    for (const s of slots) {
        if (s.credential !== undefined) {
            groups.set(s.credential, [...(groups.get(s.credential) ?? []), s]);
        }
    }
    for (const [name, group] of groups) {
        const present = new Set(group.map((s) => s.slot).filter((x): x is string => x !== undefined));
        for (const slot of ["a", "b"]) {
            const holders = group.filter((s) => s.slot === slot);
            if (holders.length > 1) {
                for (const h of holders) {
                    f.violation(h.resource, `credential "${name}" has ${holders.length} resources in slot "${slot}"`, "keep exactly one RandomPassword per slot (a and b) for each credential");
                }
            }
        }
        const allSlotsKnown = group.every((s) => s.slot !== undefined);
        if (config.requireBothSlots !== false && allSlotsKnown && (!present.has("a") || !present.has("b"))) {
            const missingSlot = present.has("a") ? "b" : "a";
            for (const s of group) {
                f.violation(s.resource,
                    `credential "${name}" has no slot "${missingSlot}", so there is no rotation window: rotating replaces the only value while services still use it`,
                    `keep two RandomPasswords for "${name}", slots "a" and "b" (current and previous generation), as the Credential component does`);
            }
        }
        const gens = group.map((s) => s.generation);
        const known = gens.filter((g): g is number => g !== undefined);
        const current = known.length > 0 ? Math.max(...known) : undefined;
        if (group.length === 2 && known.length === 2 && Math.abs(known[0] - known[1]) !== 1) {
            for (const s of group) {
                f.violation(s.resource,
                    `credential "${name}" holds generations ${[...known].sort((x, y) => x - y).join(" and ")} in its two slots; they must be consecutive (current and previous)`,
                    "let the Credential component derive both slots from the rotation schedule");
            }
        }
        // Catching up after missed periods, an up issues the new current value and keeps the
        // overdue one as previous for one more window: refusing that up would keep the old value forever.
        const fresh = group.some((s) => s.generation === current && s.issuedAt !== undefined && now - s.issuedAt <= (s.periodDays ?? maxAge) * DAY_MS);
        for (const s of group) {
            const isPrevious = current !== undefined && s.generation !== undefined && s.generation < current;
            if (isPrevious && fresh) {
                continue;
            }
            checkAge(s, isPrevious, maxAge, envText, now, f);
        }
    }
    for (const s of slots.filter((x) => x.credential === undefined)) {
        checkAge(s, false, maxAge, envText, now, f);
    }
    checkExternalAges(resources, maxAge, envText, now, f);
    return f.list;
}

/**
 * Externally issued secrets (a service's `secrets` entry) have no previous
 * slot here: the issuer keeps the old value valid while the new one rolls out.
 * Their age counts from the declared issue date, against maxAgeDays.
 */
function checkExternalAges(resources: PolicyInputResource[], maxAge: number, envText: string, now: number, f: Findings): void {
    for (const r of resources) {
        const d = declarationOf(r);
        if (d === undefined || "malformed" in d) {
            continue;
        }
        if ("unknown" in d) {
            f.undetermined(r, d.unknown, `the ${EXTERNAL_SECRETS} declaration`);
            continue;
        }
        for (const e of d.entries) {
            const configKey = isNonEmptyString(e.config) ? e.config : "<config key>";
            const fix = `ask the issuer for a new value, pulumi config set --secret ${configKey} <new value>, set its issued date in the service's secrets entry, pulumi up, then revoke the old value`;
            const issuedText = typeof e.issued === "string" ? e.issued : undefined;
            const issued = parseDate(issuedText);
            if (issued === undefined) {
                f.violation(r, `externally issued secret ${e.key} declares no issue date (got ${JSON.stringify(e.issued)}), so nothing shows how old it is`,
                    `write issued: YYYY-MM-DD in its secrets entry (services.<name>.secrets.<NAME>), the date the issuer issued the value`);
                continue;
            }
            if (issued - now > FUTURE_TOLERANCE_MS) {
                f.violation(r, `externally issued secret ${e.key} is declared issued ${issuedText}, in the future`, "write the date the value was actually issued");
                continue;
            }
            const age = days(now - issued);
            if (age > maxAge) {
                f.violation(r, `externally issued secret ${e.key} (config key ${configKey}) was issued ${age} days ago (${issuedText}), older than the ${maxAge} days allowed${envText}: rotation is overdue`, fix);
            }
        }
    }
}

function checkAge(s: Slot, isPrevious: boolean, maxAge: number, envText: string, now: number, f: Findings): void {
    if (s.issuedAt === undefined) {
        return;
    }
    const age = days(now - s.issuedAt);
    // The previous value stays valid for one more period after its successor was issued.
    const limit = isPrevious ? maxAge + (s.periodDays ?? maxAge) : maxAge;
    if (age > limit) {
        f.violation(s.resource,
            `${isPrevious ? "previous" : "current"} value was issued ${age} days ago (${KEEPER.issuedAt} ${s.issuedAtText}), older than the ${limit} days allowed${envText}: rotation is overdue`,
            "run pulumi up so the Credential advances to the current generation (its keepers follow the rotation schedule), and check the rotation period and anchor settings");
    }
}

export const rotatingSecrets: StackValidationPolicy = stackPolicy<RotatingSecretsConfig>({
    name: "rotating-secrets",
    description: "A credential that never changes stays valid for whoever copied it once. Every generated credential (RandomPassword, RandomString, RandomBytes, RandomId, RandomUuid, a private key: any generator whose value reaches a credential position) rotates on a schedule no longer than the environment allows, with a current and a previous value (slots a and b) so a rotation never breaks running services.",
    severity: "high",
    config: {
        environment: { type: "string", enum: [...ENVIRONMENTS], description: "Environment of the stack (used in messages)." },
        maxAgeDays: { type: "integer", minimum: 1, default: DEFAULT_MAX_AGE_DAYS, description: "Longest allowed rotation period and age of the current value, in days." },
        requireBothSlots: { type: "boolean", default: true, description: "Each credential keeps slots a and b (current and previous)." },
    },
    check: checkRotatingSecrets,
});
