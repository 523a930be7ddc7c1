import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { allPolicies, PACK_NAME } from "../../policies/policies";
import { POLICY_CONFIG_DIR, describeReported, loadPolicyConfig, runPack, violationsOf } from "./harness";
import { dockerStack, k8sStack } from "./fixtures";

const POLICIES_DIR = path.resolve(__dirname, "../../policies");
const ENVIRONMENTS = ["local", "review", "staging", "production"] as const;

describe("policy pack", () => {
    it("is named webstack and has kebab-case policies with a description and a config schema with exemptions", () => {
        assert.strictEqual(PACK_NAME, "webstack");
        const names = allPolicies.map((p) => p.name);
        assert.strictEqual(new Set(names).size, names.length, "policy names are unique");
        for (const p of allPolicies) {
            assert.match(p.name, /^[a-z0-9]+(-[a-z0-9]+)*$/, `${p.name} is kebab-case`);
            assert.ok(p.description.length > 60, `${p.name} says why`);
            assert.ok(p.configSchema?.properties.exemptions, `${p.name} accepts exemptions`);
            assert.ok(!("enforcementLevel" in (p.configSchema?.properties ?? {})), `${p.name} does not declare enforcementLevel in its schema`);
            const isStack = "validateStack" in p && typeof p.validateStack === "function";
            const isResource = "validateResource" in p && p.validateResource !== undefined;
            assert.ok(isStack !== isResource, `${p.name} is either a resource or a stack policy`);
        }
    });

    it("has one rule file per policy and constructs the PolicyPack only in index.ts", () => {
        const rules = fs.readdirSync(path.join(POLICIES_DIR, "rules")).filter((f) => f.endsWith(".ts"));
        assert.deepStrictEqual(rules.map((f) => f.replace(/\.ts$/, "")).sort(), allPolicies.map((p) => p.name).sort());
        const sources = ["policies.ts", ...rules.map((f) => `rules/${f}`), ...fs.readdirSync(path.join(POLICIES_DIR, "lib")).map((f) => `lib/${f}`), ...fs.readdirSync(path.join(POLICIES_DIR, "tools")).map((f) => `tools/${f}`)];
        for (const file of sources) {
            const text = fs.readFileSync(path.join(POLICIES_DIR, file), "utf8");
            assert.ok(!/new\s+PolicyPack\s*\(/.test(text), `${file} must not construct a PolicyPack`);
        }
        assert.match(fs.readFileSync(path.join(POLICIES_DIR, "index.ts"), "utf8"), /new PolicyPack\(PACK_NAME, \{[\s\S]*policies: allPolicies/);
        assert.match(fs.readFileSync(path.join(POLICIES_DIR, "PulumiPolicy.yaml"), "utf8"), /runtime: nodejs/);
    });

    it("pins its dependencies", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(POLICIES_DIR, "package.json"), "utf8"));
        assert.strictEqual(pkg.dependencies["@pulumi/policy"], "1.21.0");
        assert.strictEqual(pkg.dependencies["@pulumi/pulumi"], "3.248.0");
        assert.strictEqual(pkg.devDependencies.typescript, "5.9.3");
        assert.ok(fs.existsSync(path.join(POLICIES_DIR, "package-lock.json")));
    });

    for (const env of ENVIRONMENTS) {
        it(`config/${env}.json configures every policy with a valid level and settings from its schema`, () => {
            const config = loadPolicyConfig(env);
            assert.deepStrictEqual(Object.keys(config).sort(), allPolicies.map((p) => p.name).sort());
            for (const p of allPolicies) {
                const entry = config[p.name];
                assert.ok(typeof entry === "object", `${env}: ${p.name} entry is an object`);
                assert.ok(["advisory", "mandatory", "disabled"].includes(String(entry.enforcementLevel)), `${env}: ${p.name} level`);
                for (const key of Object.keys(entry)) {
                    if (key !== "enforcementLevel") {
                        assert.ok(p.configSchema?.properties[key], `${env}: ${p.name}.${key} is declared in its configSchema`);
                    }
                }
                if (p.configSchema?.properties.environment && entry.enforcementLevel !== "disabled") {
                    assert.strictEqual(entry.environment, env, `${env}: ${p.name}.environment`);
                }
            }
            const levels = allPolicies.map((p) => (config[p.name] as { enforcementLevel: string }).enforcementLevel);
            if (env === "local") {
                assert.ok(levels.every((l) => l !== "mandatory"), "local is advisory");
            } else {
                for (const core of ["no-public-database", "no-shared-credentials", "rotating-secrets"]) {
                    assert.strictEqual((config[core] as { enforcementLevel: string }).enforcementLevel, "mandatory", `${env}: ${core} is mandatory`);
                }
            }
        });
    }

    it("lists only the config files of the four environments", () => {
        assert.deepStrictEqual(fs.readdirSync(POLICY_CONFIG_DIR).sort(), ENVIRONMENTS.map((e) => `${e}.json`).sort());
    });

    for (const env of ["staging", "production"] as const) {
        it(`passes the happy Kubernetes stack in ${env} without any report`, async () => {
            const reported = await runPack(k8sStack(env), { environment: env });
            assert.strictEqual(reported.length, 0, describeReported(reported));
        });
    }
    for (const env of ["local", "review"] as const) {
        it(`passes the happy Docker stack in ${env} without any report`, async () => {
            const reported = await runPack(dockerStack(env), { environment: env });
            assert.strictEqual(reported.length, 0, describeReported(reported));
        });
    }

    it("reports at the enforcement level of the environment's config file", async () => {
        const stack = dockerStack("local");
        const db = stack.find((r) => r.name === "local-db")!;
        db.props.ports = [{ internal: 5432, external: 5432 }];
        const local = violationsOf(await runPack(stack, { environment: "local" }), "no-public-database");
        assert.ok(local.length > 0 && local.every((v) => v.enforcementLevel === "advisory"), describeReported(local));
        const review = violationsOf(await runPack(stack, { environment: "review", stack: "local" }), "no-public-database");
        assert.ok(review.length > 0 && review.every((v) => v.enforcementLevel === "mandatory"), describeReported(review));
    });
});
