/**
 * Pure logic of the review-stack tool: argument parsing, stack-name safety,
 * port allocation, configuration of a pr-<N> stack, TTL selection for gc and
 * the reading of the engine's lock errors. Nothing here touches the engine,
 * Docker or the file system, so all of it is unit-tested
 * (tests/unit/review.test.ts).
 */

/** Long-lived stacks the review tool must never touch, whatever it is asked. */
export const PROTECTED_STACKS: readonly string[] = ["local", "staging", "production"];

/** Loopback port range of review stacks: api 20000 + 2N, web 20001 + 2N. */
export const PORT_BASE = 20000;
export const MIN_PR = 1;
/** 20000 + 2 * 4999 + 1 = 29999: stays below the kernel's ephemeral range (32768+) and above the usual dev ports. */
export const MAX_PR = 4999;

export const COMMANDS = ["up", "preview", "destroy", "list", "gc", "unlock", "help"] as const;
export type Command = (typeof COMMANDS)[number];

export const IMAGE_ROLES = ["app", "web", "postgres", "redis", "edge"] as const;
export type ImageRole = (typeof IMAGE_ROLES)[number];
export type Images = Record<ImageRole, string>;

/** A mistake in what the user asked: printed as is, with exit code 2. */
export class UsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UsageError";
    }
}

export interface Options {
    command: Command;
    /** The review stack, always pr-<N> once validated. */
    stack?: string;
    pr?: number;
    sha?: string;
    owner?: string;
    createdAt?: string;
    forceRecover: boolean;
    skipPolicy: boolean;
    images: Partial<Images>;
    json: boolean;
    ttlHours?: number;
    openPrs?: number[];
    openPrsFile?: string;
    dryRun: boolean;
    force: boolean;
    /** up/preview: the review template (default stacks/review.yaml, or $WEBSTACK_REVIEW_TEMPLATE). */
    template?: string;
}

export const USAGE = `usage: npm run review -- <command> [options]

commands
  up       --pr N [--sha S] [--owner O]   create or update review stack pr-N, print its URLs
  preview  --pr N                         show what up would change (with the policy pack)
  destroy  --pr N                         destroy pr-N, remove the stack and Pulumi.pr-N.yaml
  list     [--json]                       review stacks: age, owner, last update, URLs
  gc       --ttl-hours H [--open-prs 1,2,3 | --open-prs-file F] [--dry-run]
                                          destroy review stacks older than H hours or whose PR is closed
  unlock   --pr N [--force]               remove a stale lock left by an interrupted run

options
  --stack pr-N          same as --pr N (any other name is refused)
  --sha S               commit the images are built from (default: git rev-parse --short=12 HEAD)
  --owner O             who owns the stack (default: $GITHUB_ACTOR, $USER)
  --image ROLE=REF      use this image instead of building it (roles: ${IMAGE_ROLES.join(", ")}); repeatable
  --force-recover       up: clear pending operations left by an interrupted run (export/import),
                        remove orphaned pr-N-* Docker objects and stale locks, then deploy
  --skip-policy         up/preview without the policy pack
  --template FILE       up/preview: the review template (default stacks/review.yaml; for review
                        stacks on a Kubernetes cluster: stacks/review-kubernetes.yaml)
  --created-at ISO      record this creation time for a new stack (testing gc, adopting old stacks)
  --dry-run             gc: print what would be destroyed, destroy nothing

environment
  PULUMI_BACKEND_URL               state backend (default file://<repo>/.pulumi-state)
  PULUMI_CONFIG_PASSPHRASE[_FILE]  secrets passphrase (default <state dir>/passphrase, created on first use)
  WEBSTACK_REVIEW_TEMPLATE         the review template when --template is not given
  KUBECONFIG                       the cluster of Kubernetes review stacks`;

/**
 * Parses the command line (without node and the script). Throws UsageError
 * with a message that says what to do.
 */
export function parseArgs(argv: readonly string[]): Options {
    const args = [...argv];
    const first = args.shift();
    if (first === undefined || first === "--help" || first === "-h") {
        return defaults("help");
    }
    if (!(COMMANDS as readonly string[]).includes(first)) {
        throw new UsageError(`unknown command "${first}"; use one of: ${COMMANDS.join(", ")}`);
    }
    const o = defaults(first as Command);
    const value = (flag: string): string => {
        const v = args.shift();
        if (v === undefined || v.startsWith("--")) {
            throw new UsageError(`${flag} needs a value`);
        }
        return v;
    };
    while (args.length > 0) {
        const raw = args.shift()!;
        // --flag=value is accepted too.
        const eq = raw.startsWith("--") ? raw.indexOf("=") : -1;
        if (eq > 0) {
            args.unshift(raw.slice(eq + 1));
        }
        const flag = eq > 0 ? raw.slice(0, eq) : raw;
        switch (flag) {
            case "--pr":
                setStack(o, reviewStackName(value(flag), "--pr"));
                break;
            case "--stack":
                setStack(o, reviewStackName(value(flag), "--stack"));
                break;
            case "--sha":
                o.sha = parseSha(value(flag));
                break;
            case "--owner":
                o.owner = parseOwner(value(flag));
                break;
            case "--created-at": {
                const v = value(flag);
                if (Number.isNaN(Date.parse(v))) {
                    throw new UsageError(`--created-at "${v}" is not a date; use ISO 8601, e.g. 2026-01-01T00:00:00Z`);
                }
                o.createdAt = new Date(v).toISOString();
                break;
            }
            case "--image": {
                const [role, ref] = splitOnce(value(flag), "=");
                if (!(IMAGE_ROLES as readonly string[]).includes(role) || !ref) {
                    throw new UsageError(`--image needs ROLE=REF with ROLE one of ${IMAGE_ROLES.join(", ")}`);
                }
                o.images[role as ImageRole] = ref;
                break;
            }
            case "--ttl-hours": {
                const v = value(flag);
                const n = Number(v);
                if (!/^\d+(\.\d+)?$/.test(v) || !(n > 0)) {
                    throw new UsageError(`--ttl-hours "${v}" must be a positive number of hours`);
                }
                o.ttlHours = n;
                break;
            }
            case "--open-prs":
                o.openPrs = parseOpenPrs(value(flag));
                break;
            case "--open-prs-file":
                o.openPrsFile = value(flag);
                break;
            case "--force-recover":
                o.forceRecover = true;
                break;
            case "--skip-policy":
                o.skipPolicy = true;
                break;
            case "--template":
                o.template = value(flag);
                break;
            case "--json":
                o.json = true;
                break;
            case "--dry-run":
                o.dryRun = true;
                break;
            case "--force":
                o.force = true;
                break;
            case "--help":
            case "-h":
                return defaults("help");
            default:
                throw new UsageError(`unknown option "${raw}" for ${o.command}`);
        }
    }
    return check(o);
}

function defaults(command: Command): Options {
    return { command, forceRecover: false, skipPolicy: false, images: {}, json: false, dryRun: false, force: false };
}

function setStack(o: Options, stack: string): void {
    if (o.stack !== undefined && o.stack !== stack) {
        throw new UsageError(`two different stacks given (${o.stack} and ${stack}); give one`);
    }
    o.stack = stack;
    o.pr = prOf(stack);
}

/** Which options each command needs or accepts. */
function check(o: Options): Options {
    const needsStack: Command[] = ["up", "preview", "destroy", "unlock"];
    if (needsStack.includes(o.command) && o.stack === undefined) {
        throw new UsageError(`${o.command} needs --pr N (the pull request number, ${MIN_PR}..${MAX_PR})`);
    }
    if (!needsStack.includes(o.command) && o.stack !== undefined) {
        throw new UsageError(`${o.command} works on every review stack; it takes no --pr`);
    }
    if (o.command === "gc") {
        if (o.ttlHours === undefined && o.openPrs === undefined && o.openPrsFile === undefined) {
            throw new UsageError("gc needs --ttl-hours H and/or --open-prs 1,2,3 (or --open-prs-file F)");
        }
        if (o.openPrs !== undefined && o.openPrsFile !== undefined) {
            throw new UsageError("give --open-prs or --open-prs-file, not both");
        }
    } else if (o.ttlHours !== undefined || o.openPrs !== undefined || o.openPrsFile !== undefined || o.dryRun) {
        throw new UsageError("--ttl-hours, --open-prs, --open-prs-file and --dry-run belong to gc");
    }
    if (o.command !== "up" && o.command !== "preview" && (o.sha || o.owner || o.createdAt || o.skipPolicy || o.template || Object.keys(o.images).length > 0)) {
        throw new UsageError("--sha, --owner, --created-at, --image, --template and --skip-policy belong to up and preview");
    }
    if (o.forceRecover && o.command !== "up") {
        throw new UsageError("--force-recover belongs to up (to destroy a broken stack, use destroy)");
    }
    if (o.force && o.command !== "unlock") {
        throw new UsageError("--force belongs to unlock");
    }
    if (o.json && o.command !== "list" && o.command !== "gc") {
        throw new UsageError("--json belongs to list and gc");
    }
    return o;
}

function splitOnce(s: string, sep: string): [string, string] {
    const i = s.indexOf(sep);
    return i < 0 ? [s, ""] : [s.slice(0, i), s.slice(i + 1)];
}

/**
 * The review stack for a PR number or a stack name given by the user. Only
 * pr-<N> with N in range is accepted; protected names get their own message.
 */
export function reviewStackName(input: string, flag = "--pr"): string {
    const text = input.trim();
    const lower = text.toLowerCase();
    if (PROTECTED_STACKS.includes(lower) || PROTECTED_STACKS.some((p) => lower.endsWith(`/${p}`))) {
        throw new UsageError(`refusing stack "${text}": it is a protected long-lived stack (${PROTECTED_STACKS.join(", ")}); the review tool only manages pr-<N> stacks`);
    }
    const m = /^(?:pr-)?(\d+)$/.exec(text);
    if (!m || (flag === "--stack" && !text.startsWith("pr-"))) {
        throw new UsageError(`refusing stack "${text}": review stacks are named pr-<N> with N a pull request number (${MIN_PR}..${MAX_PR}); use ${flag} ${flag === "--pr" ? "N" : "pr-N"}`);
    }
    return `pr-${parsePrNumber(m[1])}`;
}

/** A PR number within the range that has its own ports. */
export function parsePrNumber(text: string): number {
    if (!/^[1-9]\d*$/.test(text)) {
        throw new UsageError(`"${text}" is not a pull request number (a whole number without leading zeros)`);
    }
    const n = Number(text);
    if (n < MIN_PR || n > MAX_PR) {
        throw new UsageError(`PR number ${n} is out of range: review stacks get loopback ports ${PORT_BASE}..${PORT_BASE + 2 * MAX_PR + 1}, so N must be ${MIN_PR}..${MAX_PR}`);
    }
    return n;
}

/** True for exactly the names this tool manages. */
export function isReviewStack(name: string): boolean {
    const m = /^pr-([1-9]\d*)$/.exec(name);
    return m !== null && Number(m[1]) >= MIN_PR && Number(m[1]) <= MAX_PR;
}

/** PR number of a review stack name; throws for anything else. */
export function prOf(stack: string): number {
    if (!isReviewStack(stack)) {
        throw new UsageError(`refusing stack "${stack}": not a review stack (pr-<N>)`);
    }
    return Number(stack.slice(3));
}

/** Loopback ports of a PR: distinct for every N in range, and never shared between two PRs. */
export function portsFor(pr: number): { api: number; web: number } {
    parsePrNumber(String(pr));
    return { api: PORT_BASE + pr * 2, web: PORT_BASE + pr * 2 + 1 };
}

export function parseSha(text: string): string {
    const s = text.trim().toLowerCase();
    if (!/^[0-9a-f]{7,40}$/.test(s)) {
        throw new UsageError(`--sha "${text}" is not a commit SHA (7 to 40 hex characters)`);
    }
    return s;
}

function parseOwner(text: string): string {
    const s = text.trim();
    // GitHub bots are named like dependabot[bot].
    if (!/^[A-Za-z0-9][A-Za-z0-9._@[\]-]{0,63}$/.test(s)) {
        throw new UsageError(`--owner "${text}" must be a user name (letters, digits, . _ @ - [ ]; at most 64)`);
    }
    return s;
}

/**
 * Open PR numbers from "1,2,3", whitespace-separated numbers, or the JSON of
 * `gh pr list --json number` ([{"number":1}, ...]) or [1, 2, 3].
 */
export function parseOpenPrs(text: string): number[] {
    const t = text.trim();
    let items: unknown[];
    if (t.startsWith("[")) {
        try {
            items = JSON.parse(t) as unknown[];
        } catch {
            throw new UsageError("the open PR list looks like JSON but does not parse; give [1,2] or the output of gh pr list --json number");
        }
        if (!Array.isArray(items)) {
            throw new UsageError("the open PR list must be a JSON array");
        }
        items = items.map((x) => (typeof x === "object" && x !== null && "number" in x ? (x as { number: unknown }).number : x));
    } else {
        items = t === "" ? [] : t.split(/[\s,]+/).filter(Boolean);
    }
    const out = new Set<number>();
    for (const x of items) {
        const s = String(x);
        if (!/^[1-9]\d*$/.test(s)) {
            throw new UsageError(`"${s}" in the open PR list is not a PR number`);
        }
        out.add(Number(s));
    }
    return [...out].sort((a, b) => a - b);
}

/** What gc knows about one stack. */
export interface GcCandidate {
    stack: string;
    createdAt?: string;
    lastUpdate?: string;
    updateInProgress?: boolean;
}

export interface GcDecision {
    stack: string;
    action: "destroy" | "keep" | "skip";
    reason: string;
}

/**
 * Which review stacks gc destroys: those older than the TTL (by their
 * recorded creation time, else their last update) and those whose PR is not
 * in the open list. Stacks being updated are skipped; names that are not
 * pr-<N> are never candidates.
 */
export function selectForGc(candidates: readonly GcCandidate[], opts: { now: Date; ttlHours?: number; openPrs?: readonly number[] }): GcDecision[] {
    const out: GcDecision[] = [];
    const open = opts.openPrs ? new Set(opts.openPrs) : undefined;
    for (const c of [...candidates].sort((a, b) => a.stack.localeCompare(b.stack, "en", { numeric: true }))) {
        if (!isReviewStack(c.stack)) {
            continue;
        }
        const pr = prOf(c.stack);
        const since = c.createdAt ?? c.lastUpdate;
        const ageHours = since !== undefined && !Number.isNaN(Date.parse(since)) ? (opts.now.getTime() - Date.parse(since)) / 3_600_000 : undefined;
        const reasons: string[] = [];
        if (open && !open.has(pr)) {
            reasons.push(`PR #${pr} is not open`);
        }
        if (opts.ttlHours !== undefined && ageHours !== undefined && ageHours > opts.ttlHours) {
            reasons.push(`age ${ageHours.toFixed(1)}h exceeds the TTL of ${opts.ttlHours}h`);
        }
        if (reasons.length === 0) {
            const age = ageHours === undefined ? "age unknown" : `age ${ageHours.toFixed(1)}h`;
            out.push({ stack: c.stack, action: "keep", reason: open ? `PR #${pr} is open, ${age}` : age });
        } else if (c.updateInProgress) {
            out.push({ stack: c.stack, action: "skip", reason: `${reasons.join("; ")}, but an update is in progress: the next gc takes it` });
        } else {
            out.push({ stack: c.stack, action: "destroy", reason: reasons.join("; ") });
        }
    }
    return out;
}

export type ConfigMap = Record<string, { value: string; secret?: boolean }>;

export interface ReviewConfigInput {
    pr: number;
    sha: string;
    buildDate: string;
    appVersion: string;
    images: Images;
    /** Names of the services in the template (their images are replaced). */
    services: readonly string[];
    /** The template's api service with a hostPort, if any. */
    publicApi?: string;
    /** The template's platform: Docker stacks get loopback ports, Kubernetes stacks a host name of their own. */
    target?: "docker" | "kubernetes";
    /** The template's domain; a Kubernetes review stack serves on pr-<N>.<domain>. */
    domain?: string;
}

/**
 * Per-PR config on top of stacks/review.yaml: version stamp, images, the
 * PR's own loopback ports, origins and JWT audience. `plain` keys are set as
 * they are (a SHA like 0123456 must stay a string), `paths` with path
 * semantics (nested service fields; numbers stay numbers).
 */
export function reviewConfig(input: ReviewConfigInput): { plain: ConfigMap; paths: ConfigMap } {
    const v = (value: string) => ({ value });
    // What every review stack sets: the version stamp, the images, its own audience.
    const plain: ConfigMap = {
        "webstack:environment": v("review"),
        "webstack:gitSha": v(input.sha),
        "webstack:buildDate": v(input.buildDate),
        "webstack:appVersion": v(input.appVersion),
        "webstack:dbImage": v(input.images.postgres),
        "webstack:cacheImage": v(input.images.redis),
        "webstack:webImage": v(input.images.web),
        "webstack:jwtAudience": v(`webstack-pr-${input.pr}`),
    };
    const paths: ConfigMap = {};
    for (const s of input.services) {
        paths[`webstack:services.${s}.image`] = v(input.images.app);
    }
    if (input.target === "kubernetes") {
        // Its own host names under the template's domain, behind the cluster's ingress.
        if (!input.domain) {
            throw new UsageError("a Kubernetes review template needs webstack:domain (review stacks serve on pr-<N>.<domain>)");
        }
        const domain = `pr-${input.pr}.${input.domain}`;
        plain["webstack:domain"] = v(domain);
        plain["webstack:jwtIssuer"] = v(`https://api.${domain}`);
        paths["webstack:corsOrigins[0]"] = v(`https://${domain}`);
        return { plain, paths };
    }
    // Docker: the PR's own loopback ports and the edge proxy's image.
    const ports = portsFor(input.pr);
    plain["webstack:edgeImage"] = v(input.images.edge);
    plain["webstack:webHostPort"] = v(String(ports.web));
    plain["webstack:jwtIssuer"] = v(`http://localhost:${ports.api}`);
    paths["webstack:corsOrigins[0]"] = v(`http://localhost:${ports.web}`);
    if (input.publicApi) {
        paths[`webstack:services.${input.publicApi}.hostPort`] = v(String(ports.api));
    }
    return { plain, paths };
}

/**
 * Encrypted values for the project's secret keys (Pulumi.yaml `secret: true`)
 * that the stack leaves at their default. The CLI refuses a stack whose value
 * for a secret key is not encrypted, and a default counts as plain text, so
 * the review stack carries the default as its own encrypted value.
 */
export function secretDefaults(projectConfig: Record<string, { secret?: boolean; default?: unknown } | unknown>, stackConfig: Record<string, unknown>, project = "webstack"): ConfigMap {
    const out: ConfigMap = {};
    for (const [name, spec] of Object.entries(projectConfig ?? {})) {
        if (typeof spec !== "object" || spec === null || (spec as { secret?: boolean }).secret !== true) {
            continue;
        }
        const key = name.includes(":") ? name : `${project}:${name}`;
        if (key in stackConfig) {
            continue;
        }
        const d = (spec as { default?: unknown }).default;
        out[key] = { value: d === undefined || d === null ? "" : typeof d === "object" ? JSON.stringify(d) : String(d), secret: true };
    }
    return out;
}

/**
 * Checks the review template before it becomes a stack: it must describe a
 * review environment, so a staging or production file copied over it can
 * never be deployed under a pr-N name. Returns the problems found.
 */
export function templateProblems(config: Record<string, unknown>): string[] {
    const problems: string[] = [];
    if (config["webstack:environment"] !== "review") {
        problems.push(`webstack:environment is ${JSON.stringify(config["webstack:environment"])}, not "review"`);
    }
    for (const key of Object.keys(config)) {
        if (!key.startsWith("webstack:")) {
            problems.push(`${key} is not a webstack key (the template sets the program's own config only)`);
        }
        const value = config[key];
        if (typeof value === "object" && value !== null && "secure" in (value as object)) {
            problems.push(`${key} is an encrypted value; review stacks generate their own credentials and carry no secrets from elsewhere`);
        }
    }
    if (typeof config["webstack:services"] !== "object" || config["webstack:services"] === null) {
        problems.push("webstack:services is missing");
    }
    return problems;
}

/** The template's first public api service (kind api, not public: false), which gets the api port. */
export function publicApiService(services: Record<string, { kind?: string; public?: boolean }>): string | undefined {
    return Object.entries(services).find(([, s]) => s.kind === "api" && s.public !== false)?.[0];
}

export interface LockHolder {
    file: string;
    user: string;
    host: string;
    pid: number;
    since: string;
}

/** The holders listed in the engine's "the stack is currently locked" error. */
export function parseLockHolders(message: string): LockHolder[] {
    const out: LockHolder[] = [];
    const re = /^\s*(\S+\.json): created by (.+?)@(\S+) \(pid (\d+)\) at (\S+)/gm;
    for (let m = re.exec(message); m !== null; m = re.exec(message)) {
        out.push({ file: m[1], user: m[2], host: m[3], pid: Number(m[4]), since: m[5] });
    }
    return out;
}

/** True when the engine refused because another update holds the stack. */
export function isLockError(message: string): boolean {
    return message.includes("the stack is currently locked by") || message.includes("[409] Conflict: Another update is currently in progress");
}

/**
 * What to tell the user when a stack is locked. `alive` says, for each
 * holder on this host, whether its process still runs (undefined: another
 * host, cannot tell).
 */
export function lockAdvice(stack: string, holders: readonly (LockHolder & { alive?: boolean })[], thisHost: string): string {
    const pr = prOf(stack);
    const lines = [`${stack} is locked by another Pulumi run; nothing was changed by this one.`];
    if (holders.length === 0) {
        lines.push("  (the engine did not say who holds the lock)");
    }
    for (const h of holders) {
        const state = h.host !== thisHost ? "on another machine" : h.alive ? "still running" : "no longer running: the lock is stale";
        lines.push(`  held by ${h.user}@${h.host} pid ${h.pid} since ${h.since} (${state})`);
    }
    const stale = holders.filter((h) => h.host === thisHost && h.alive === false);
    const live = holders.filter((h) => h.host !== thisHost || h.alive !== false);
    if (live.length > 0) {
        lines.push(`What to do: wait for that run to finish (a review up takes a few minutes), then run the same command again.`);
    }
    if (stale.length > 0 || live.some((h) => h.host !== thisHost)) {
        lines.push(`If the holder was interrupted (killed, runner lost), remove its stale lock:`);
        lines.push(`  npm run review -- unlock --pr ${pr}        (refuses while the holder runs on this machine; --force for another machine's lock)`);
        lines.push(`then resume with: npm run review -- up --pr ${pr}   (add --force-recover if it reports pending operations)`);
    }
    lines.push("`pulumi cancel` only cancels updates on Pulumi Cloud; with a file backend the lock is a file under <state>/.pulumi/locks, which unlock removes.");
    return lines.join("\n");
}

/** Pending operations of an exported deployment, as "<type> <urn>" lines. */
export function pendingOperations(deployment: { deployment?: { pending_operations?: { type?: string; resource?: { urn?: string } }[] } }): { type: string; urn: string }[] {
    return (deployment.deployment?.pending_operations ?? []).map((p) => ({ type: p.type ?? "unknown", urn: p.resource?.urn ?? "?" }));
}

/** Removes every pending operation from an exported deployment (a copy). */
export function clearPendingOperations<T extends { deployment?: { pending_operations?: unknown[] } }>(deployment: T): T {
    const copy = JSON.parse(JSON.stringify(deployment)) as T;
    if (copy.deployment) {
        delete copy.deployment.pending_operations;
    }
    return copy;
}

/**
 * Docker objects of a stack that its state does not know (left by an
 * interrupted create). Only names in the stack's own namespace qualify.
 */
export function orphanedObjects(stack: string, existing: readonly string[], known: ReadonlySet<string>): string[] {
    if (!isReviewStack(stack)) {
        throw new UsageError(`refusing stack "${stack}": not a review stack (pr-<N>)`);
    }
    return existing.filter((n) => n.startsWith(`${stack}-`) && !known.has(n));
}

/** "3d 4h", "5h 12m", "42m": an age for humans. */
export function formatAge(ms: number): string {
    if (!Number.isFinite(ms) || ms < 0) {
        return "-";
    }
    const m = Math.floor(ms / 60_000);
    const d = Math.floor(m / 1440);
    const h = Math.floor((m % 1440) / 60);
    if (d > 0) {
        return `${d}d ${h}h`;
    }
    return h > 0 ? `${h}h ${m % 60}m` : `${m}m`;
}

/** Fixed-width text table. */
export function table(rows: readonly string[][]): string {
    if (rows.length === 0) {
        return "";
    }
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
    return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join("  ").trimEnd()).join("\n");
}
