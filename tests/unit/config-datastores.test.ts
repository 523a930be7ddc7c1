/**
 * Defense in depth: config validation refuses a `services` entry that runs a
 * known database or cache image and is public, whatever the registry, tag or
 * digest, and says what to do instead. Private entries, and public services
 * whose image only resembles a datastore (an exporter), load.
 */
import { expect } from "chai";
import { ConfigError, Problem, RawConfig, loadSettings } from "../../config";
import { datastoreOfImage } from "../../config/services";
import { rawConfigOf, TEST_NOW } from "../support/mocks";

function withService(file: string, name: string, service: Record<string, unknown>): RawConfig {
    const raw = rawConfigOf(file);
    const services = JSON.parse(raw.services as string) as Record<string, unknown>;
    services[name] = service;
    return { ...raw, services: JSON.stringify(services) };
}

function problemsOf(raw: RawConfig): Problem[] {
    try {
        loadSettings(raw, "test", TEST_NOW, "webstack", ["dbAdminUrl"]);
        return [];
    } catch (e) {
        expect(e).to.be.instanceOf(ConfigError);
        return (e as ConfigError).problems;
    }
}

const DIGEST = `sha256:${"e".repeat(64)}`;

describe("config: no public datastore in services", () => {
    for (const [file, image, product] of [
        ["Pulumi.staging.yaml", "postgres:16.4-bookworm", "PostgreSQL"],
        ["Pulumi.production.yaml", `docker.io/library/redis@${DIGEST}`, "Redis"],
        ["Pulumi.staging.yaml", "registry.internal:5000/mirror/bitnami/postgresql:16.4.0", "PostgreSQL"],
        ["Pulumi.local.yaml", "mongo:7.0.14", "MongoDB"],
        ["Pulumi.production.yaml", `valkey/valkey:8.0.1@${DIGEST}`, "Valkey"],
    ] as const) {
        it(`refuses a public ${product} service (${image}) in ${file}`, () => {
            const raw = withService(file, "store", { kind: "internal", image, port: 5432, public: true });
            const p = problemsOf(raw).find((x) => x.key === "services.store.public");
            expect(p, JSON.stringify(problemsOf(raw))).to.not.equal(undefined);
            expect(p!.message).to.contain(product).and.contain("is public");
            expect(p!.fix).to.match(/uses: \[(db|cache)\]/);
        });
    }

    it("accepts the same datastore image when it is private", () => {
        const raw = withService("Pulumi.staging.yaml", "store", { kind: "internal", image: "redis:7.4.1-bookworm", port: 6379 });
        expect(problemsOf(raw).filter((p) => p.key.startsWith("services.store"))).to.deep.equal([]);
    });

    it("accepts a public service whose image only resembles a datastore (an exporter)", () => {
        const raw = withService("Pulumi.staging.yaml", "metrics", { kind: "api", image: "quay.io/prometheuscommunity/postgres-exporter:v0.15.0", port: 9187, jwt: false, replicas: 2 });
        expect(problemsOf(raw).filter((p) => p.key === "services.metrics.public")).to.deep.equal([]);
    });

    it("reads the product through registry, path, tag and digest", () => {
        expect(datastoreOfImage("ghcr.io/acme/mirror/postgres:16@" + DIGEST)).to.equal("PostgreSQL");
        expect(datastoreOfImage("localhost:5000/memcached")).to.equal("Memcached");
        expect(datastoreOfImage("ghcr.io/acme/webstack-app:1.4.2")).to.equal(undefined);
    });
});
