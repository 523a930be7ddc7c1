/**
 * Externally issued secrets (a service's `secrets` config entry): declared on
 * the Secret / Docker container with service, config key, issue date and
 * fingerprint. no-shared-credentials accepts them as non-literal, checks the
 * fingerprint against the value and sharing between services and
 * environments; rotating-secrets holds them to maxAgeDays from the issue date.
 */
import * as assert from "assert";
import { EXTERNAL_SECRETS, externalFingerprint } from "../../policies/lib/external";
import { T, dockerStack, find, isoDaysAgo, k8sStack } from "./fixtures";
import { configWith, expectNoViolation, expectViolation, runPolicy } from "./expect";
import { describeReported, violationsOf } from "./harness";

const STRIPE = "sk_live_51Hq8rXkexamplexAbCdEf0123456789";
const SMTP = "smtp-Pa55word-issued-by-provider";

function declare(entries: Record<string, { service: string; config: string; issued: unknown; value: string; fingerprint?: string }>): string {
    return JSON.stringify(Object.fromEntries(Object.entries(entries).map(([k, e]) => [k, { service: e.service, config: e.config, issued: e.issued, fingerprint: e.fingerprint ?? externalFingerprint(e.value) }])));
}

/** The production stack with PAYMENT_API_KEY delivered to api (and optionally SMTP to worker) through the channel. */
function withExternal(opts: { issuedDaysAgo?: number; workerValue?: string; fingerprint?: string } = {}) {
    const rs = k8sStack("production");
    const api = find(rs, T.secret, "production-api");
    const issued = isoDaysAgo(opts.issuedDaysAgo ?? 10).slice(0, 10);
    (api.props as any).stringData.API__PAYMENT_API_KEY = STRIPE;
    (api.props as any).metadata.annotations = { [EXTERNAL_SECRETS]: declare({ API__PAYMENT_API_KEY: { service: "api", config: "stripeKey", issued, value: STRIPE, fingerprint: opts.fingerprint } }) };
    const worker = find(rs, T.secret, "production-worker");
    const wv = opts.workerValue ?? SMTP;
    (worker.props as any).stringData.WORKER__SMTP_PASSWORD = wv;
    (worker.props as any).metadata.annotations = { [EXTERNAL_SECRETS]: declare({ WORKER__SMTP_PASSWORD: { service: "worker", config: "workerSmtpPassword", issued, value: wv } }) };
    return { rs, api, worker };
}

describe("externally issued secrets (services.<name>.secrets)", () => {
    it("a declared secret in the service's own Secret passes both core credential policies", async () => {
        const { rs } = withExternal();
        expectNoViolation(await runPolicy("no-shared-credentials", "production", rs));
        expectNoViolation(await runPolicy("rotating-secrets", "production", rs));
    });

    it("the same value undeclared is a literal credential", async () => {
        const { rs, api } = withExternal();
        delete (api.props as any).metadata.annotations;
        expectViolation(await runPolicy("no-shared-credentials", "production", rs), "no-shared-credentials", api, "key API__PAYMENT_API_KEY holds a literal credential");
    });

    it("one value delivered to two services is refused by fingerprint", async () => {
        const { rs, api, worker } = withExternal({ workerValue: STRIPE });
        const reported = await runPolicy("no-shared-credentials", "production", rs);
        expectViolation(reported, "no-shared-credentials", api, "API__PAYMENT_API_KEY of service \"api\" has the same value", "\"worker\"");
        expectViolation(reported, "no-shared-credentials", worker, "WORKER__SMTP_PASSWORD of service \"worker\" has the same value", "\"api\"");
    });

    it("a value of another environment is refused by its declared fingerprint", async () => {
        const { rs, api } = withExternal();
        const config = configWith("production", "no-shared-credentials", { foreignFingerprints: [externalFingerprint(STRIPE)] });
        expectViolation(await runPolicy("no-shared-credentials", "production", rs, { config }), "no-shared-credentials", api, "belongs to another environment", "pulumi config set --secret stripeKey");
    });

    it("a declaration whose fingerprint does not match the value is refused", async () => {
        const { rs, api } = withExternal({ fingerprint: externalFingerprint("something else") });
        expectViolation(await runPolicy("no-shared-credentials", "production", rs), "no-shared-credentials", api, "does not match its declared fingerprint");
    });

    it("a declaration for another service is refused", async () => {
        const { rs, worker } = withExternal();
        (worker.props as any).metadata.annotations[EXTERNAL_SECRETS] = declare({ WORKER__SMTP_PASSWORD: { service: "api", config: "workerSmtpPassword", issued: "2026-11-20", value: SMTP } });
        expectViolation(await runPolicy("no-shared-credentials", "production", rs), "no-shared-credentials", worker, "declared for service \"api\" but delivered to \"worker\"");
    });

    it("rotating-secrets: older than maxAgeDays, no issue date, or issued in the future is refused", async () => {
        const old = withExternal({ issuedDaysAgo: 45 });
        expectViolation(await runPolicy("rotating-secrets", "production", old.rs), "rotating-secrets", old.api, "API__PAYMENT_API_KEY (config key stripeKey) was issued 45 days ago", "older than the 30 days allowed", "pulumi config set --secret stripeKey");
        // Staging allows the same age if its maxAgeDays is longer; the limit is the environment's.
        const lenient = configWith("production", "rotating-secrets", { maxAgeDays: 60 });
        expectNoViolation(await runPolicy("rotating-secrets", "production", old.rs, { config: lenient }));
        const { rs, api } = withExternal();
        (api.props as any).metadata.annotations[EXTERNAL_SECRETS] = declare({ API__PAYMENT_API_KEY: { service: "api", config: "stripeKey", issued: "", value: STRIPE } });
        expectViolation(await runPolicy("rotating-secrets", "production", rs), "rotating-secrets", api, "declares no issue date");
        (api.props as any).metadata.annotations[EXTERNAL_SECRETS] = declare({ API__PAYMENT_API_KEY: { service: "api", config: "stripeKey", issued: isoDaysAgo(-10).slice(0, 10), value: STRIPE } });
        expectViolation(await runPolicy("rotating-secrets", "production", rs), "rotating-secrets", api, "in the future");
    });

    it("Docker: a declared secret env passes; undeclared it is a literal; two services sharing it are refused", async () => {
        const rs = dockerStack("review");
        const api = find(rs, T.container, "pr-1-api");
        const worker = find(rs, T.container, "pr-1-worker");
        const issued = isoDaysAgo(3).slice(0, 10);
        (api.props as any).envs.push(`API__PAYMENT_API_KEY=${STRIPE}`);
        (api.props as any).labels.push({ label: EXTERNAL_SECRETS, value: declare({ API__PAYMENT_API_KEY: { service: "api", config: "stripeKey", issued, value: STRIPE } }) });
        const ok = await runPolicy("no-shared-credentials", "review", rs);
        assert.strictEqual(violationsOf(ok).length, 0, describeReported(ok));
        (worker.props as any).envs.push(`WORKER__PAYMENT_API_KEY=${STRIPE}`);
        const undeclared = await runPolicy("no-shared-credentials", "review", rs);
        expectViolation(undeclared, "no-shared-credentials", worker, "env WORKER__PAYMENT_API_KEY holds a literal credential");
        (worker.props as any).labels.push({ label: EXTERNAL_SECRETS, value: declare({ WORKER__PAYMENT_API_KEY: { service: "worker", config: "workerStripeKey", issued, value: STRIPE } }) });
        expectViolation(await runPolicy("no-shared-credentials", "review", rs), "no-shared-credentials", worker, "has the same value (fingerprint");
    });
});
