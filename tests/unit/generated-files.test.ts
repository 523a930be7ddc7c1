/**
 * Pulumi.yaml and docs/config.md are generated from config/schema.ts; they
 * must not drift. Every stack file (shipped, review template, examples) uses
 * schema keys only, in the project's namespace.
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { expect } from "chai";
import { pulumiYaml, configMarkdown } from "../../scripts/gen-config";
import { schema, ConfigKey, loadSettings } from "../../config";
import { ROOT } from "../support/program";
import { rawConfigOf, TEST_NOW } from "../support/mocks";

const read = (rel: string) => fs.readFileSync(path.join(ROOT, rel), "utf8");

function stackFiles(): string[] {
    // The shipped stacks (not whatever Pulumi.<stack>.yaml an integration run creates meanwhile).
    const files = ["Pulumi.local.yaml", "Pulumi.staging.yaml", "Pulumi.production.yaml"];
    const review = fs.existsSync(path.join(ROOT, "stacks")) ? fs.readdirSync(path.join(ROOT, "stacks")).filter((f) => f.endsWith(".yaml")).map((f) => `stacks/${f}`) : [];
    const examplesDir = path.join(ROOT, "examples", "topologies");
    const examples = fs.existsSync(examplesDir) ? fs.readdirSync(examplesDir).filter((f) => f.endsWith(".yaml")).map((f) => `examples/topologies/${f}`) : [];
    return [...files.sort(), ...review.sort(), ...examples.sort()];
}

describe("generated files", () => {
    it("Pulumi.yaml is exactly what scripts/gen-config.ts generates", () => {
        expect(read("Pulumi.yaml")).to.equal(pulumiYaml());
    });

    it("docs/config.md is exactly what scripts/gen-config.ts generates", () => {
        expect(read("docs/config.md")).to.equal(configMarkdown());
    });

    it("Pulumi.yaml declares every non-object schema key with its type, default and secrecy", () => {
        const doc = yaml.load(read("Pulumi.yaml")) as { name: string; runtime: { name: string }; config: Record<string, { type: string; default?: unknown; secret?: boolean; items?: { type: string } }> };
        expect(doc.name).to.equal("webstack");
        expect(doc.runtime.name).to.equal("nodejs");
        const entries = Object.entries(schema) as [string, ConfigKey][];
        // The program's own keys; namespaced keys configure providers for every stack.
        expect(Object.keys(doc.config).filter((k) => !k.includes(":")).sort()).to.deep.equal(entries.filter(([, s]) => s.type !== "object").map(([k]) => k).sort());
        expect(Object.keys(doc.config).filter((k) => k.includes(":"))).to.deep.equal(["kubernetes:enableSecretMutable"]);
        // Rotation relies on Secrets updated in place (see scripts/gen-config.ts).
        expect(doc.config["kubernetes:enableSecretMutable"]).to.deep.equal({ value: true });
        for (const [key, spec] of entries.filter(([, s]) => s.type !== "object")) {
            const declared = doc.config[key];
            expect(declared.type, key).to.equal(spec.type);
            expect(declared.default, key).to.deep.equal(spec.default);
            // Pulumi refuses a plain default on a `secret: true` key, so an optional secret
            // key is declared without it (config/settings.ts refuses it in plain text instead).
            expect(declared.secret ?? false, key).to.equal((spec.secret ?? false) && spec.default === undefined);
            if (spec.type === "array") {
                expect(declared.items, key).to.deep.equal({ type: "string" });
            }
        }
        for (const [key] of entries.filter(([, s]) => s.type === "object")) {
            expect(read("Pulumi.yaml"), key).to.include(`#   ${key} (object):`);
        }
    });

    it("docs/config.md has one row per schema key, required exactly for the critical ones", () => {
        const md = read("docs/config.md");
        for (const [key, spec] of Object.entries(schema) as [string, ConfigKey][]) {
            const row = md.split("\n").find((l) => l.startsWith(`| \`${key}\` |`));
            expect(row, key).to.be.a("string");
            expect(row!.includes("**required**"), key).to.equal(spec.default === undefined);
        }
    });
});

describe("stack files", () => {
    const files = stackFiles();

    it("include the shipped stacks, the review template and the example topologies", () => {
        expect(files).to.include.members(["Pulumi.local.yaml", "Pulumi.staging.yaml", "Pulumi.production.yaml", "stacks/review.yaml"]);
        expect(files.filter((f) => f.startsWith("examples/")).length).to.equal(
            fs.existsSync(path.join(ROOT, "examples", "topologies")) ? fs.readdirSync(path.join(ROOT, "examples", "topologies")).filter((f) => f.endsWith(".yaml")).length : 0);
    });

    for (const file of files) {
        describe(file, () => {
            const doc = yaml.load(read(file)) as { config?: Record<string, unknown> };

            it("sets only webstack:<key> keys that the schema knows", () => {
                const keys = Object.keys(doc.config ?? {});
                expect(keys.length, file).to.be.greaterThan(5);
                for (const k of keys) {
                    expect(k.startsWith("webstack:"), `${file}: ${k} is outside the project namespace`).to.equal(true);
                    expect(Object.keys(schema), `${file}: ${k}`).to.include(k.slice("webstack:".length));
                }
            });

            it("sets every critical key explicitly", () => {
                const keys = Object.keys(doc.config ?? {}).map((k) => k.slice("webstack:".length));
                const critical = (Object.entries(schema) as [string, ConfigKey][]).filter(([, s]) => s.default === undefined).map(([k]) => k);
                expect(keys, file).to.include.members(critical);
            });

            it("holds no secret in plain text", () => {
                for (const [k, spec] of Object.entries(schema) as [string, ConfigKey][]) {
                    if (spec.secret) {
                        const v = doc.config?.[`webstack:${k}`];
                        expect(v === undefined || (typeof v === "object" && v !== null && "secure" in v), `${file}: ${k}`).to.equal(true);
                    }
                }
            });

            it("loads without configuration problems", () => {
                const overrides: Record<string, string> = {};
                if (rawConfigOf(file).dbMode === "external") {
                    // The admin URL is a secret set with `pulumi config set --secret`, never in the file.
                    overrides.dbAdminUrl = "postgresql://admin:pw@db.example.internal:5432/app";
                }
                const stack = path.basename(file, ".yaml").replace(/^Pulumi\./, "");
                // The admin URL is set with --secret: the engine marks it encrypted.
                expect(() => loadSettings(rawConfigOf(file, overrides), stack === "review" ? "pr-1" : stack, TEST_NOW, "webstack", Object.keys(overrides))).to.not.throw();
            });
        });
    }
});
