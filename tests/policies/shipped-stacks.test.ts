/**
 * The shipped stacks and example topologies, as the program registers them
 * under mocks, through the whole pack with their environment's policy config:
 * no mandatory violation and no preview abstention of a core policy. Each
 * RandomPassword gets the result its mock provider returns, as a stack
 * analysis after `pulumi up` sees it.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ROOT, mockState, runStackFile } from "../support/program";
import { Environment, FixtureResource, describeReported, runPack } from "./harness";

const EXTERNAL_ADMIN_URL = "postgresql://admin:Adm1nPassw0rd@db.example.internal:5432/app";

const STACKS: { file: string; stack: string; overrides?: Record<string, unknown> }[] = [
    { file: "Pulumi.local.yaml", stack: "local" },
    { file: "Pulumi.staging.yaml", stack: "staging" },
    { file: "Pulumi.production.yaml", stack: "production" },
    { file: "stacks/review.yaml", stack: "pr-42" },
    ...fs.readdirSync(path.join(ROOT, "examples", "topologies")).filter((f) => f.endsWith(".yaml")).sort().map((f) => ({
        file: `examples/topologies/${f}`,
        stack: f.replace(/\.yaml$/, ""),
        overrides: f === "external-db.yaml" ? { "webstack:dbAdminUrl": EXTERNAL_ADMIN_URL } : undefined,
    })),
];

function environmentOf(file: string): Environment {
    const text = fs.readFileSync(path.join(ROOT, file), "utf8");
    const m = /webstack:environment:\s*(\w+)/.exec(text);
    assert.ok(m, `${file} sets webstack:environment`);
    return m[1] as Environment;
}

describe("shipped stacks through the policy pack", function () {
    this.timeout(120_000);
    for (const s of STACKS) {
        it(`${s.file}: no mandatory violation, every core policy decides`, async () => {
            const environment = environmentOf(s.file);
            const run = await runStackFile(s.file, { stack: s.stack, clock: new Date().toISOString(), overrides: s.overrides });
            assert.ok(run.resources.length > 10, `${s.file} registered resources`);
            const resources: FixtureResource[] = run.resources.map((r) => ({
                type: r.type,
                name: r.name,
                urn: r.urn,
                props: r.type === "random:index/randomPassword:RandomPassword" ? { ...r.props, result: mockState(r.type, r.name, r.props).result } : r.props,
                dependencies: r.dependencies,
            }));
            const reported = await runPack(resources, { environment, stack: s.stack });
            const mandatory = reported.filter((r) => r.kind === "violation" && r.enforcementLevel === "mandatory");
            assert.strictEqual(mandatory.length, 0, describeReported(mandatory));
            const core = reported.filter((r) => ["no-public-database", "no-shared-credentials", "rotating-secrets"].includes(r.policy));
            assert.strictEqual(core.length, 0, describeReported(core));
        });
    }
});
