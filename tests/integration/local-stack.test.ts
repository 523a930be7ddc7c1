/**
 * The local stack on a real Docker engine through the real Pulumi engine:
 * up, smoke checks, idempotence, secrets never in plain text, rotation
 * without an outage, and a destroy that leaves nothing behind. Images are
 * built here from Debian packages (no registry is reachable) and passed to
 * the stack through config, as a user would pass their own.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import * as yaml from "js-yaml";
import { Engine, ROOT, requireEngine, policyConfig, tail } from "./engine";
import { docker, inspect, serviceContainer, stackObjects } from "./docker";
import { buildImages, gitSha } from "./images";

const STACK = "it-local";
const API_PORT = 18100;
const WEB_PORT = 18180;
const DAY_MS = 86_400_000;

function stackYaml(images: Record<string, string>, sha: string): string {
    const doc = yaml.load(fs.readFileSync(path.join(ROOT, "Pulumi.local.yaml"), "utf8")) as { config: Record<string, any> };
    const c = doc.config;
    c["webstack:gitSha"] = sha;
    c["webstack:appVersion"] = "0.0.0-it";
    c["webstack:buildDate"] = new Date().toISOString().replace(/\.\d+Z$/, "Z");
    c["webstack:dbImage"] = images.postgres;
    c["webstack:cacheImage"] = images.redis;
    c["webstack:webImage"] = images.web;
    c["webstack:edgeImage"] = images.edge;
    c["webstack:webHostPort"] = WEB_PORT;
    c["webstack:corsOrigins"] = [`http://localhost:${WEB_PORT}`];
    c["webstack:jwtIssuer"] = `http://localhost:${API_PORT}`;
    for (const svc of Object.values(c["webstack:services"]) as any[]) {
        svc.image = images.app;
    }
    c["webstack:services"].api.hostPort = API_PORT;
    return yaml.dump(doc);
}

async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Headers }> {
    const r = await fetch(url, { headers, signal: AbortSignal.timeout(5000) });
    return { status: r.status, body: await r.text(), headers: r.headers };
}

function canConnect(host: string, port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const s = net.connect({ host, port, timeout: 1500 });
        s.on("connect", () => { s.destroy(); resolve(true); });
        s.on("timeout", () => { s.destroy(); resolve(false); });
        s.on("error", () => resolve(false));
    });
}

/** Generated secret values in the stack's state (read with --show-secrets). */
async function generatedSecrets(engine: Engine): Promise<Map<string, string>> {
    const state = JSON.parse((await engine.ok(["stack", "export", "--stack", STACK, "--show-secrets"])).stdout);
    const values = new Map<string, string>();
    for (const r of state.deployment.resources ?? []) {
        if (r.type === "random:index/randomPassword:RandomPassword") {
            const result = r.outputs?.result;
            const plain = typeof result === "string" ? result : result?.plaintext ? JSON.parse(result.plaintext) : undefined;
            if (typeof plain === "string") {
                values.set(r.urn, plain);
            }
        }
    }
    return values;
}

function psqlAs(dbContainer: string, user: string, password: string): boolean {
    const r = docker(["exec", "-e", `PGPASSWORD=${password}`, dbContainer, "psql", "-h", "127.0.0.1", "-U", user, "-d", "app", "-tAc", "select 1"]);
    return r.code === 0 && r.stdout.trim() === "1";
}

describe("local stack on a real Docker engine", function () {
    this.timeout(40 * 60_000);
    let engine: Engine;
    let sha: string;
    let secretsAfterFirstUp = new Map<string, string>();
    let images: Record<string, string> = {};
    const timings: Record<string, number> = {};

    before(function () {
        requireEngine(this, { plugins: ["random", "docker"], docker: true });
        engine = new Engine();
        sha = gitSha();
        const t = Date.now();
        images = buildImages(sha);
        timings.images = (Date.now() - t) / 1000;
        // A stack left by an interrupted run would collide with this one.
        for (const kind of ["container", "network", "volume"] as const) {
            for (const name of stackObjects(kind, STACK)) {
                docker(kind === "container" ? ["rm", "-f", "-v", name] : [kind, "rm", "-f", name]);
            }
        }
        return engine.initStack(STACK, stackYaml(images, sha));
    });

    after(async () => {
        console.log(`      timings (s): ${JSON.stringify(timings)}`);
        if (engine) {
            await engine.run(["destroy", "--stack", STACK, "--yes"]);
            await engine.removeStack(STACK);
            engine.dispose();
        }
    });

    it("1. up succeeds with the policy pack and every container is healthy", async () => {
        const r = await engine.run(["up", "--stack", STACK, "--yes", "--policy-pack", path.join(ROOT, "policies"), "--policy-pack-config", policyConfig("local")], { timeoutSeconds: 1200 });
        timings.up = r.seconds;
        expect(r.code, `up failed:\n${tail(r.stdout + r.stderr, 120)}`).to.equal(0);
        const containers = stackObjects("container", STACK).map(inspect);
        const longRunning = containers.filter((c) => !["migration", "access"].includes(c.labels["app.kubernetes.io/component"]));
        const jobs = containers.filter((c) => ["migration", "access"].includes(c.labels["app.kubernetes.io/component"]));
        expect(longRunning.map((c) => c.labels["app.kubernetes.io/name"]).sort()).to.include.members(["api", "cache", "db", "edge", "scheduler", "web", "worker"]);
        for (const c of longRunning) {
            expect(c.status, c.name).to.equal("running");
            expect(c.health, `${c.name} health`).to.equal("healthy");
        }
        expect(jobs.length).to.be.greaterThanOrEqual(3);
        for (const j of jobs) {
            expect(j.exitCode, `${j.name} exit code`).to.equal(0);
        }
    });

    it("2. smoke checks: /health, /ready, /version, the web page and CORS", async () => {
        expect((await get(`http://127.0.0.1:${API_PORT}/health`)).status).to.equal(200);
        const ready = await get(`http://127.0.0.1:${API_PORT}/ready`);
        expect(ready.status, ready.body).to.equal(200);
        const version = JSON.parse((await get(`http://127.0.0.1:${API_PORT}/version`)).body);
        expect(version.gitSha).to.equal(sha);
        const page = await get(`http://127.0.0.1:${WEB_PORT}/`);
        expect(page.status).to.equal(200);
        expect(page.headers.get("x-content-type-options")).to.equal("nosniff");
        const config = JSON.parse((await get(`http://127.0.0.1:${WEB_PORT}/config.json`)).body);
        expect(JSON.stringify(config)).to.contain(`localhost:${API_PORT}`);
        expect(JSON.stringify(config)).to.contain(sha);
        // The browser's call from the web origin is allowed by CORS.
        const cors = await get(`http://127.0.0.1:${API_PORT}/version`, { Origin: `http://localhost:${WEB_PORT}` });
        expect(cors.headers.get("access-control-allow-origin")).to.equal(`http://localhost:${WEB_PORT}`);
    });

    it("2b. a job flows from the api through the queue and the worker into the database", async () => {
        const api = serviceContainer(STACK, "api");
        const token = docker(["exec", api, "node", "dist/token.js"]).stdout.trim();
        expect(token.split(".")).to.have.length(3);
        const created = await fetch(`http://127.0.0.1:${API_PORT}/api/jobs`, {
            method: "POST",
            headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
            body: JSON.stringify({ payload: { hello: "world" } }),
        });
        expect(created.status).to.equal(202);
        const { id } = (await created.json()) as { id: string | number };
        let status = "";
        for (let i = 0; i < 60 && status !== "done"; i++) {
            await new Promise((r) => setTimeout(r, 500));
            const r = await fetch(`http://127.0.0.1:${API_PORT}/api/jobs/${id}`, { headers: { authorization: `Bearer ${token}` } });
            status = ((await r.json()) as { status: string }).status;
        }
        expect(status).to.equal("done");
    });

    it("2c. database and cache publish nothing and are unreachable from outside the private network", async () => {
        // Root on the Docker host can always route to a bridge's container addresses;
        // what matters is that nothing is published and other networks cannot get in.
        const edgeNet = stackObjects("network", STACK).find((n) => n.startsWith(`${STACK}-edge`));
        expect(edgeNet, "the stack's edge network").to.be.a("string");
        for (const service of ["db", "cache"]) {
            const c = inspect(serviceContainer(STACK, service));
            const port = service === "db" ? 5432 : 6379;
            expect(c.ports ?? {}, `${service} publishes ports`).to.deep.equal({});
            expect(await canConnect("127.0.0.1", port), `${service} on the host's loopback`).to.equal(false);
            for (const ip of c.ip) {
                // A container on the public-facing network (like a compromised web server) cannot connect.
                const probe = docker(["run", "--rm", "--network", edgeNet!, images.redis, "timeout", "3", "bash", "-c", `echo > /dev/tcp/${ip}/${port}`]);
                expect(probe.code, `${service} at ${ip} from the edge network: ${probe.stderr}`).to.not.equal(0);
            }
        }
        // And the probe itself works: from the edge network the api answers.
        const api = inspect(serviceContainer(STACK, "api"));
        const reachable = api.ip.some((ip) => docker(["run", "--rm", "--network", edgeNet!, images.redis, "timeout", "3", "bash", "-c", `echo > /dev/tcp/${ip}/8000`]).code === 0);
        expect(reachable, "the api from the edge network").to.equal(true);
    });

    it("3. a second up reports no changes", async () => {
        const r = await engine.run(["preview", "--stack", STACK, "--expect-no-changes", "--diff"]);
        timings.secondPreview = r.seconds;
        expect(r.code, `changes found:\n${tail(r.stdout + r.stderr, 80)}`).to.equal(0);
    });

    it("4. state and command output hold no generated secret in plain text", async () => {
        secretsAfterFirstUp = await generatedSecrets(engine);
        expect(secretsAfterFirstUp.size).to.be.greaterThanOrEqual(20);
        const exported = (await engine.ok(["stack", "export", "--stack", STACK])).stdout;
        const outputs = (await engine.ok(["stack", "output", "--stack", STACK, "--json"])).stdout;
        const haystacks = { state: exported, outputs, commands: engine.log.filter((l) => !l.includes("--show-secrets")).join("\n") };
        for (const [urn, value] of secretsAfterFirstUp) {
            for (const [where, text] of Object.entries(haystacks)) {
                expect(text.includes(value), `${urn} appears in plain text in ${where}`).to.equal(false);
            }
        }
    });

    it("5. rotation: the api stays ready throughout and the oldest credential stops working", async () => {
        const before = secretsAfterFirstUp.size > 0 ? secretsAfterFirstUp : await generatedSecrets(engine);
        const clock = new Date(Date.now() + 30 * DAY_MS + DAY_MS).toISOString();
        let polls = 0;
        const failures: string[] = [];
        let polling = true;
        const poller = (async () => {
            while (polling) {
                polls++;
                try {
                    const r = await get(`http://127.0.0.1:${API_PORT}/ready`);
                    if (r.status !== 200) {
                        failures.push(`${new Date().toISOString()} ${r.status} ${r.body.slice(0, 200)}`);
                    }
                } catch (e) {
                    failures.push(`${new Date().toISOString()} ${(e as Error).message}`);
                }
                await new Promise((r) => setTimeout(r, 250));
            }
        })();
        const r = await engine.run(["up", "--stack", STACK, "--yes"], { env: { WEBSTACK_CLOCK: clock }, timeoutSeconds: 1200 });
        polling = false;
        await poller;
        timings.rotationUp = r.seconds;
        expect(r.code, `rotation up failed:\n${tail(r.stdout + r.stderr, 120)}`).to.equal(0);
        expect(polls).to.be.greaterThan(10);
        expect(failures, `api not ready during rotation (${failures.length}/${polls} polls)`).to.deep.equal([]);

        const after = await generatedSecrets(engine);
        const changed = [...before.keys()].filter((urn) => after.get(urn) !== before.get(urn));
        // Exactly one slot of each credential was re-issued; the other kept its value.
        expect(changed.length).to.equal(before.size / 2);
        const db = serviceContainer(STACK, "db");
        const apiSlots = [...before.keys()].filter((u) => /db-api-[ab]$/.test(u));
        expect(apiSlots).to.have.length(2);
        for (const urn of apiSlots) {
            const slot = urn.endsWith("-a") ? "a" : "b";
            const works = psqlAs(db, `api_${slot}`, before.get(urn)!);
            expect(works, `api_${slot} with its value from before rotation`).to.equal(!changed.includes(urn));
            expect(psqlAs(db, `api_${slot}`, after.get(urn)!), `api_${slot} with its current value`).to.equal(true);
        }
        expect((await get(`http://127.0.0.1:${API_PORT}/ready`)).status).to.equal(200);
    });

    it("6. destroy leaves no container, network or volume of the stack", async () => {
        const r = await engine.run(["destroy", "--stack", STACK, "--yes"], { timeoutSeconds: 600 });
        timings.destroy = r.seconds;
        expect(r.code, tail(r.stdout + r.stderr)).to.equal(0);
        expect(stackObjects("container", STACK)).to.deep.equal([]);
        expect(stackObjects("network", STACK)).to.deep.equal([]);
        expect(stackObjects("volume", STACK)).to.deep.equal([]);
    });
});
