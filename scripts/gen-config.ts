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
        // Secrets are updated in place and keep their names, so a rotated value
        // does not change every pod template that refers to its Secret: the
        // revision annotation alone decides which pods roll, and database and
        // cache servers never restart for a rotation.
        "  kubernetes:enableSecretMutable:",
        "    value: true",
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
| \`image\` | required | image reference; staging needs a tag other than latest, or a digest; production needs a digest (\`repo@sha256:<64 hex>\`, optionally with its tag), which promote-production writes from the digests deploy-staging recorded |
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
| \`secrets\` | {} | externally issued secrets, \`NAME: {config: <key>, issued: YYYY-MM-DD}\`: the value of config key \`<key>\` (set with \`--secret\`) delivered as \`<PREFIX>__NAME\`, secret only; see below |
| \`healthPath\`, \`readyPath\` | /health, /ready (api) | HTTP probe paths; internal services without them get TCP probes |
| \`healthcheck\` | node dist/healthcheck.js <ready url> | Docker HEALTHCHECK test |
| \`scheduleSeconds\` | 60 | scheduler interval |
| \`runAsUser\` | 10001 | non-root UID |

\`<PREFIX>\` is the service name upper-cased with \`-\` as \`_\` (\`api\` -> \`API__DATABASE_URL\`).
See docs/contracts.md for every variable a service receives.

## Externally issued secrets: a worked example

Some secrets are issued by someone else: a payment provider's API key, an SMTP
password, an OIDC client secret, an error-reporting DSN. They cannot be
generated here, and must never be written into the stack file or \`env\`
(which the config refuses for credential-looking names). Each goes through the
service's \`secrets\` entry, which names a config key holding the value and the
date the issuer issued it:

\`\`\`yaml
# Pulumi.production.yaml
  webstack:services:
    api:
      kind: api
      image: ghcr.io/acme/app@sha256:<digest>
      secrets:
        STRIPE_KEY: {config: stripeKey, issued: 2026-11-01}
    worker:
      kind: worker
      image: ghcr.io/acme/app@sha256:<digest>
      secrets:
        SMTP_PASSWORD: {config: workerSmtpPassword, issued: 2026-10-20}
\`\`\`

\`\`\`sh
pulumi config set --stack production --secret stripeKey 'sk_live_...'
pulumi config set --stack production --secret workerSmtpPassword '...'
\`\`\`

What happens:

- The api receives \`API__STRIPE_KEY\`, the worker \`WORKER__SMTP_PASSWORD\`, as
  secrets only: a key of the workload's Secret (Kubernetes) or a secret env
  entry of the container (Docker), never plain env, never a ConfigMap.
- The config refuses: a \`stripeKey\` stored without \`--secret\` or not set at
  all; one config key used by two services; two services' keys holding the
  same value; an \`issued\` date that is missing, malformed or in the future.
- The program declares each such secret on the Secret (annotation) or container
  (label) \`webstack.dev/external-secrets\`: service, config key, issue date and
  a 16-hex fingerprint of the value (never the value). The policy pack reads it
  in previews and updates: \`no-shared-credentials\` refuses a value held by two
  services or listed in \`foreignFingerprints\` (another environment's), and a
  declaration that does not match the delivered value; \`rotating-secrets\`
  refuses one older than the environment's \`maxAgeDays\` (30 in staging and
  production) counted from \`issued\`.
- To rotate: ask the issuer for a new value, \`pulumi config set --secret
  stripeKey <new>\`, set \`issued\` to today, \`pulumi up\` (the pods roll, since
  the value is part of their revision), then revoke the old value at the issuer.
- To keep another environment's value out: print this stack's fingerprints
  (\`pulumi stack export --show-secrets | npx ts-node policies/tools/fingerprints.ts\`)
  and add them to \`foreignFingerprints\` in the other environments' policy config.
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
