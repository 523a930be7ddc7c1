/**
 * The external secrets channel: services.<name>.secrets names config keys set
 * with --secret; loadSettings fills in and checks the values, serviceEnv
 * delivers them as secrets only and declares them for the policy pack.
 */
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, Problem, RawConfig, loadSettings } from "../../config";
import { serviceEnv } from "../../components/serviceEnv";
import { secretFingerprint } from "../../platform/fingerprint";
import { rawConfigOf, TEST_NOW } from "../support/mocks";
import { valueOf } from "../support/program";

const STRIPE = "sk_live_51Hq8rXkexampleAbCdEf0123456789";
const SMTP = "smtp-Pa55word-issued-by-provider";

/** Production with api.secrets.STRIPE_KEY and worker.secrets.SMTP_PASSWORD, both set as secrets. */
function production(edit: (services: Record<string, any>, raw: Record<string, string>) => void = () => undefined): { raw: RawConfig; secretKeys: string[] } {
    const raw = rawConfigOf("Pulumi.production.yaml") as Record<string, string>;
    const services = JSON.parse(raw.services);
    services.api.secrets = { STRIPE_KEY: { config: "stripeKey", issued: "2026-11-01" } };
    services.worker.secrets = { SMTP_PASSWORD: { config: "workerSmtpPassword", issued: "2026-10-20" } };
    raw.stripeKey = STRIPE;
    raw.workerSmtpPassword = SMTP;
    edit(services, raw);
    raw.services = JSON.stringify(services);
    return { raw: raw as RawConfig, secretKeys: ["stripeKey", "workerSmtpPassword"] };
}

function problemsOf(c: { raw: RawConfig; secretKeys: string[] }): Problem[] {
    try {
        loadSettings(c.raw, "production", TEST_NOW, "webstack", c.secretKeys);
        return [];
    } catch (e) {
        expect(e).to.be.instanceOf(ConfigError);
        return (e as ConfigError).problems;
    }
}

function expectProblem(c: { raw: RawConfig; secretKeys: string[] }, key: string, message: RegExp): Problem {
    const ps = problemsOf(c);
    const p = ps.find((x) => x.key === key && message.test(x.message));
    expect(p, `no problem ${key} ~ ${message} in ${JSON.stringify(ps, null, 1)}`).to.not.equal(undefined);
    expect(p!.fix).to.have.length.greaterThan(3);
    return p!;
}

describe("config: services.<name>.secrets (externally issued secrets)", () => {
    it("loads the values named by config keys set with --secret; those keys are not unknown keys", () => {
        const c = production();
        expect(problemsOf(c)).to.deep.equal([]);
        const s = loadSettings(c.raw, "production", TEST_NOW, "webstack", c.secretKeys);
        expect(s.services.find((x) => x.name === "api")!.secrets).to.deep.equal([{ name: "STRIPE_KEY", config: "stripeKey", issued: "2026-11-01", value: STRIPE }]);
        expect(s.services.find((x) => x.name === "scheduler")!.secrets).to.deep.equal([]);
    });

    it("refuses a value stored in plain text, and one not set at all", () => {
        expect(expectProblem({ ...production(), secretKeys: ["workerSmtpPassword"] }, "stripeKey", /stored in plain text but holds services\.api\.secrets\.STRIPE_KEY/).fix).to.contain("pulumi config set --secret stripeKey");
        expectProblem(production((_, raw) => { delete raw.stripeKey; }), "stripeKey", /is not set, but services\.api\.secrets\.STRIPE_KEY delivers it/);
    });

    it("refuses one config key for two services, and one value under two services' keys", () => {
        expectProblem(production((s) => { s.worker.secrets = { SMTP_PASSWORD: { config: "stripeKey", issued: "2026-10-20" } }; }), "services.worker.secrets.SMTP_PASSWORD.config", /also used by services\.api\.secrets\.STRIPE_KEY/);
        expectProblem(production((_, raw) => { raw.workerSmtpPassword = STRIPE; }), "services.worker.secrets.SMTP_PASSWORD.config", /holds the same value as services\.api\.secrets\.STRIPE_KEY/);
    });

    it("refuses a missing, malformed or future issue date, a bad name and a platform key", () => {
        expectProblem(production((s) => { delete s.api.secrets.STRIPE_KEY.issued; }), "services.api.secrets.STRIPE_KEY.issued", /must be the date the value was issued/);
        expectProblem(production((s) => { s.api.secrets.STRIPE_KEY.issued = "1 Nov 2026"; }), "services.api.secrets.STRIPE_KEY.issued", /YYYY-MM-DD/);
        expectProblem(production((s) => { s.api.secrets.STRIPE_KEY.issued = "2099-01-01"; }), "services.api.secrets.STRIPE_KEY.issued", /in the future/);
        expectProblem(production((s) => { s.api.secrets = { "stripe-key": { config: "stripeKey", issued: "2026-11-01" } }; }), "services.api.secrets.stripe-key", /upper-case environment variable name/);
        expectProblem(production((s, raw) => { s.api.secrets.STRIPE_KEY.config = "dbAdminUrl"; raw.dbAdminUrl = "x"; }), "services.api.secrets.STRIPE_KEY.config", /setting of the platform/);
        expectProblem(production((s) => { s.api.secrets.STRIPE_KEY.value = STRIPE; }), "services.api.secrets.STRIPE_KEY.value", /not a known setting of a secret/);
    });

    it("an unrelated unknown key is still refused", () => {
        expectProblem(production((_, raw) => { raw.stripeKeyy = "x"; }), "stripeKeyy", /is not a known configuration key/);
    });
});

describe("serviceEnv: externally issued secrets are delivered as secrets and declared", () => {
    it("puts API__STRIPE_KEY in secretEnv only, secret, and declares service, config key, date and fingerprint", async () => {
        const c = production();
        const settings = loadSettings(c.raw, "production", TEST_NOW, "webstack", c.secretKeys);
        const api = settings.services.find((x) => x.name === "api")!;
        const out = serviceEnv({ settings, service: api, queue: "jobs" });
        expect(Object.keys(out.env)).to.not.include("API__STRIPE_KEY");
        const delivered = pulumi.output(out.secretEnv.API__STRIPE_KEY);
        expect(await pulumi.isSecret(delivered)).to.equal(true);
        expect(await valueOf(delivered)).to.equal(STRIPE);
        const declared = JSON.parse(await valueOf(out.externalSecrets!));
        const fp = await valueOf(secretFingerprint([STRIPE]));
        expect(declared).to.deep.equal({ API__STRIPE_KEY: { service: "api", config: "stripeKey", issued: "2026-11-01", fingerprint: fp } });
        expect(await pulumi.isSecret(out.externalSecrets!), "the declaration is plain text, readable by the pack").to.equal(false);
        expect(JSON.stringify(declared)).to.not.contain(STRIPE);
        const scheduler = serviceEnv({ settings, service: settings.services.find((x) => x.name === "scheduler")!, queue: "jobs" });
        expect(scheduler.externalSecrets).to.equal(undefined);
    });
});
