/**
 * What the real engine checks before any provider is involved: Pulumi.yaml's
 * typed config schema against every shipped stack file, the program's own
 * fail-fast validation as the engine reports it, and the policy pack loading
 * each environment's policy config. These run even where the provider
 * plugins cannot be built (see docs/toolchain.md).
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { Engine, ROOT, cliUnavailable, missingPlugins, offlineKubeconfig, policyConfig, tail } from "./engine";

const SHIPPED = ["Pulumi.local.yaml", "Pulumi.staging.yaml", "Pulumi.production.yaml", "stacks/review.yaml", "examples/topologies/cpa-platform.yaml", "examples/topologies/parish-office.yaml"];
const FIXTURE = path.join(__dirname, "fixtures", "policy-host");

function withConfig(file: string, change: (c: Record<string, unknown>) => void): string {
    const doc = yaml.load(fs.readFileSync(path.join(ROOT, file), "utf8")) as { config: Record<string, unknown> };
    change(doc.config);
    return yaml.dump(doc);
}

describe("the real engine loads the project, its stacks and the policy pack", function () {
    this.timeout(10 * 60_000);
    let engine: Engine;
    let pluginsMissing: string[] = [];
    let n = 0;
    const kubeconfig = offlineKubeconfig();

    before(() => {
        const why = cliUnavailable();
        if (why) {
            throw new Error(`integration prerequisites missing: ${why}`);
        }
        pluginsMissing = missingPlugins();
        engine = new Engine();
    });
    after(() => engine?.dispose());

    async function preview(configYaml: string, extra: string[] = []): Promise<{ code: number; output: string }> {
        const stack = `it-cfg-${++n}`;
        await engine.initStack(stack, configYaml);
        try {
            // Kubernetes stacks plan against no cluster: this suite checks config and program, not a server.
            const r = await engine.run(["preview", "--stack", stack, ...extra], { timeoutSeconds: 300, env: { KUBECONFIG: kubeconfig } });
            return { code: r.code, output: r.stdout + r.stderr };
        } finally {
            await engine.removeStack(stack);
        }
    }

    for (const file of SHIPPED) {
        it(`accepts ${file}: config types check, the program validates and registers its components`, async () => {
            const r = await preview(fs.readFileSync(path.join(ROOT, file), "utf8"));
            expect(r.output).to.not.match(/must be of type|missing configuration|configuration problem|must be encrypted/);
            expect(r.output).to.contain("webstack:index:Environment");
            // The plugins this stack's platform needs; without one, the only failure allowed is its absence.
            const target = (yaml.load(fs.readFileSync(path.join(ROOT, file), "utf8")) as { config: Record<string, string> }).config["webstack:target"];
            const needed = ["random", target === "kubernetes" ? "kubernetes" : "docker"];
            if (!pluginsMissing.some((p) => needed.some((n) => p.startsWith(`${n} `)))) {
                expect(r.code, tail(r.output)).to.equal(0);
            } else {
                expect(r.output).to.match(/no resource plugin 'pulumi-resource-(random|docker|kubernetes)' found/);
            }
        });
    }

    it("refuses a stack that lacks a critical key, before the program runs", async () => {
        const r = await preview(withConfig("Pulumi.staging.yaml", (c) => { delete c["webstack:gitSha"]; delete c["webstack:jwtAudience"]; }));
        expect(r.code).to.not.equal(0);
        expect(r.output).to.match(/missing configuration values? .*gitSha/);
        expect(r.output).to.contain("jwtAudience");
        expect(r.output).to.not.contain("webstack:index:Environment");
    });

    it("refuses a value of the wrong type through Pulumi.yaml's schema", async () => {
        const r = await preview(withConfig("Pulumi.staging.yaml", (c) => { c["webstack:rotationPeriodDays"] = "thirty"; }));
        expect(r.code).to.not.equal(0);
        expect(r.output).to.match(/rotationPeriodDays' must be of type 'integer'/);
    });

    it("reports every problem of an invalid stack at once and registers nothing", async () => {
        const r = await preview(withConfig("Pulumi.production.yaml", (c) => {
            c["webstack:gitSha"] = "not-a-sha";
            c["webstack:corsOrigins"] = ["*"];
            c["webstack:logLevel"] = "debug";
            c["webstack:webImage"] = "registry.example.com/web:latest";
        }));
        expect(r.code).to.not.equal(0);
        expect(r.output).to.contain("configuration problems");
        for (const key of ["gitSha", "corsOrigins", "logLevel", "webImage"]) {
            expect(r.output).to.contain(`webstack:${key}`);
        }
        expect(r.output).to.not.contain("webstack:index:Environment");
    });

    it("refuses a credential kept in plain text in a stack file", async () => {
        const r = await preview(withConfig("examples/topologies/external-db.yaml", (c) => { c["webstack:dbAdminUrl"] = "postgresql://admin:hunter2hunter2@db.example.internal:5432/app"; }));
        expect(r.code).to.not.equal(0);
        expect(r.output).to.contain("webstack:dbAdminUrl is stored in plain text");
    });

    for (const environment of ["local", "review", "staging", "production"]) {
        it(`runs the policy pack with policies/config/${environment}.json`, async () => {
            const stack = `it-pol-${environment}`;
            fs.writeFileSync(path.join(FIXTURE, `Pulumi.${stack}.yaml`), "config: {}\n");
            try {
                await engine.ok(["stack", "init", stack, "--secrets-provider", "passphrase"], { cwd: FIXTURE });
                const r = await engine.run(["preview", "--stack", stack, "--policy-pack", path.join(ROOT, "policies"), "--policy-pack-config", policyConfig(environment)], { cwd: FIXTURE });
                expect(r.code, tail(r.stdout + r.stderr)).to.equal(0);
                expect(r.stdout + r.stderr).to.match(/webstack@v?0\.1\.0|Policies:|webstack/);
            } finally {
                await engine.run(["stack", "rm", stack, "--yes", "--force"], { cwd: FIXTURE });
                fs.rmSync(path.join(FIXTURE, `Pulumi.${stack}.yaml`), { force: true });
            }
        });
    }

    it("refuses a policy config with a setting the pack does not know", async () => {
        const stack = "it-pol-bad";
        const badConfig = path.join(engine.backendDir, "bad-policy-config.json");
        const config = JSON.parse(fs.readFileSync(policyConfig("staging"), "utf8"));
        config["rotating-secrets"] = { ...(config["rotating-secrets"] ?? {}), maxAgeDays: "thirty" };
        fs.writeFileSync(badConfig, JSON.stringify(config));
        fs.writeFileSync(path.join(FIXTURE, `Pulumi.${stack}.yaml`), "config: {}\n");
        try {
            await engine.ok(["stack", "init", stack, "--secrets-provider", "passphrase"], { cwd: FIXTURE });
            const r = await engine.run(["preview", "--stack", stack, "--policy-pack", path.join(ROOT, "policies"), "--policy-pack-config", badConfig], { cwd: FIXTURE });
            expect(r.code).to.not.equal(0);
            expect(r.stdout + r.stderr).to.match(/maxAgeDays/);
        } finally {
            await engine.run(["stack", "rm", stack, "--yes", "--force"], { cwd: FIXTURE });
            fs.rmSync(path.join(FIXTURE, `Pulumi.${stack}.yaml`), { force: true });
        }
    });
});
