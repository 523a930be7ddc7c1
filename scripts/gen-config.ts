/**
 * Writes Pulumi.yaml and docs/config.md from config/schema.ts, the single
 * source of truth for configuration keys. `--check` fails instead of writing
 * when either file is out of date (the unit tests run it too).
 *
 *   npx ts-node scripts/gen-config.ts [--check]
 */
import * as fs from "fs";
import * as path from "path";
import { schema, ConfigKey } from "../config/schema";

const root = path.resolve(__dirname, "..");

export function pulumiYaml(): string {
    const lines = [
        "# Generated from config/schema.ts by `npm run gen:config`; edit the schema, not this file.",
        "name: webstack",
        "description: One program that deploys a web product (api, worker, scheduler, PostgreSQL, Redis, static site) to Docker locally and to any Kubernetes cluster.",
        "runtime:",
        "  name: nodejs",
        "  options:",
        "    typescript: true",
        "config:",
    ];
    const objects: string[] = [];
    for (const [key, spec] of Object.entries(schema) as [string, ConfigKey][]) {
        if (spec.type === "object") {
            // Pulumi's project config cannot type objects; the settings module validates them.
            objects.push(`#   ${key} (object): ${spec.description}`);
            continue;
        }
        lines.push(`  ${key}:`);
        lines.push(`    type: ${spec.type}`);
        if (spec.type === "array") {
            lines.push("    items:", "      type: string");
        }
        const allowed = spec.enum ? ` One of: ${spec.enum.join(", ")}.` : "";
        lines.push(`    description: ${JSON.stringify(spec.description + allowed)}`);
        // Pulumi refuses a plain default for a key it must hold encrypted, so an
        // optional secret key is checked by the settings module instead.
        if (spec.secret && spec.default === undefined) {
            lines.push("    secret: true");
        }
        if (spec.default !== undefined) {
            lines.push(`    default: ${JSON.stringify(spec.default)}`);
        }
    }
    lines.push("# Structured keys, validated by config/settings.ts and documented in docs/config.md:", ...objects);
    return lines.join("\n") + "\n";
}

export function configMarkdown(): string {
    const rows = (Object.entries(schema) as [string, ConfigKey][]).map(([key, spec]) => {
        const dflt = spec.default === undefined ? "**required**" : `\`${JSON.stringify(spec.default)}\``;
        const allowed = spec.enum ? ` One of: ${spec.enum.map((e) => `\`${e}\``).join(", ")}.` : "";
        return `| \`${key}\` | ${spec.type}${spec.secret ? " (secret)" : ""} | ${dflt} | ${spec.description}${allowed} |`;
    });
    return `# Configuration reference

Generated from \`config/schema.ts\` by \`npm run gen:config\`; a unit test fails when
this page, Pulumi.yaml and the schema drift apart. Keys are set per stack in
\`Pulumi.<stack>.yaml\` under the \`webstack:\` namespace.

Keys marked **required** have no default anywhere: every stack, local included,
sets them explicitly, so staging and production can never run on a default for a
critical setting. The program validates all keys at start-up and stops before
registering any resource, listing every problem with its fix.

| key | type | default | description |
|---|---|---|---|
${rows.join("\n")}

## \`services\`

A map from service name (a DNS label) to its settings:

| field | default | meaning |
|---|---|---|
| \`kind\` | required | \`api\` (public HTTP, probes /health and /ready), \`internal\` (private HTTP or TCP), \`worker\` (queue consumer), \`scheduler\` (exactly one replica that enqueues periodic jobs) |
| \`image\` | required | image reference; staging and production need a tag other than latest, or a digest |
| \`command\` | per kind | api: \`node dist/api.js\`; worker: \`node dist/worker.js\`; scheduler: \`node dist/worker.js --scheduler\`; internal: the image's entrypoint |
| \`port\` | api 8000; worker/scheduler 8081 (health only) | port the process listens on; required for internal |
| \`replicas\` | 1 | production needs at least 2 for public services |
| \`autoscale\` | none | \`{min, max, cpuPercent: 70}\`: HorizontalPodAutoscaler on Kubernetes |
| \`uses\` | [] | \`db\` and/or \`cache\`: the service gets its own role/ACL user and rotating credential |
| \`public\` | true for api | exposed through Ingress with TLS (Kubernetes) or the loopback edge proxy (Docker) |
| \`hostPort\` | none | Docker: loopback port of a public service |
| \`env\` | {} | plain settings, delivered as \`<PREFIX>__NAME\`; names that look like credentials are refused |
| \`resources\` | 100m/128Mi requests, 500m/256Mi limits | \`{cpu, memory, cpuLimit, memoryLimit}\` |
| \`migrate\` | true for an api that uses db | run \`migrateCommand\` (default \`node dist/migrate.js\`) as a job before the new version serves |
| \`jwt\` | true for api | a rotating HS256 signing key with kid, plus the verifier set (current and previous) |
| \`generatedSecrets\` | [] | names of extra credentials to generate, rotate and deliver as \`<PREFIX>__NAME\` |
| \`healthPath\`, \`readyPath\` | /health, /ready (api) | HTTP probe paths; internal services without them get TCP probes |
| \`healthcheck\` | node dist/healthcheck.js <ready url> | Docker HEALTHCHECK test |
| \`scheduleSeconds\` | 60 | scheduler interval |
| \`runAsUser\` | 10001 | non-root UID |

\`<PREFIX>\` is the service name upper-cased with \`-\` as \`_\` (\`api\` -> \`API__DATABASE_URL\`).
See docs/contracts.md for every variable a service receives.
`;
}

function main(): void {
    const check = process.argv.includes("--check");
    const targets: [string, string][] = [
        [path.join(root, "Pulumi.yaml"), pulumiYaml()],
        [path.join(root, "docs", "config.md"), configMarkdown()],
    ];
    let stale = 0;
    for (const [file, content] of targets) {
        const current = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
        if (current === content) {
            continue;
        }
        if (check) {
            console.error(`${path.relative(root, file)} is out of date: run npm run gen:config`);
            stale++;
        } else {
            fs.writeFileSync(file, content);
            console.log(`wrote ${path.relative(root, file)}`);
        }
    }
    process.exitCode = stale > 0 ? 1 : 0;
}

if (require.main === module) {
    main();
}
