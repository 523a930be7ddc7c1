import * as assert from "assert";
import { checkPinnedImages, parseImage } from "../../policies/rules/pinned-images";
import { T, at, dockerStack, find, k8sStack } from "./fixtures";
import { configWith, expectNoViolation, expectViolation, runPolicy } from "./expect";
import { violationsOf } from "./harness";

const POLICY = "pinned-images";

describe(POLICY, () => {
    it("accepts version tags, digests and image IDs", async () => {
        expectNoViolation(await runPolicy(POLICY, "production", k8sStack("production")));
        expectNoViolation(await runPolicy(POLICY, "staging", dockerStack("review", "staging")));
    });

    it("rejects :latest on a Deployment container in staging", async () => {
        const rs = k8sStack("staging");
        const api = find(rs, T.deployment, "staging-api");
        at(api.props, "spec", "template", "spec", "containers", 0).image = "ghcr.io/acme/webstack-app:latest";
        expectViolation(await runPolicy(POLICY, "staging", rs), POLICY, api, "container \"api\"", "ghcr.io/acme/webstack-app:latest", "mutable tag :latest", "ghcr.io/acme/webstack-app@sha256:<digest>");
    });

    describe("production: digests only (requireDigest)", () => {
        it("the production config demands digests, staging's does not", () => {
            assert.strictEqual((configWith("production", POLICY, {})[POLICY] as { requireDigest?: boolean }).requireDigest, true);
            assert.notStrictEqual((configWith("staging", POLICY, {})[POLICY] as { requireDigest?: boolean }).requireDigest, true);
        });

        it("rejects a version tag without a digest on a Deployment, an init container and a CronJob", async () => {
            const rs = k8sStack("production");
            const api = find(rs, T.deployment, "production-api");
            at(api.props, "spec", "template", "spec", "containers", 0).image = "ghcr.io/acme/webstack-app:1.4.2";
            at(api.props, "spec", "template", "spec").initContainers = [{ name: "wait", image: `busybox:1.36@sha256:${"9".repeat(64)}` }];
            const cron = find(rs, T.cronJob, "production-cleanup");
            at(cron.props, "spec", "jobTemplate", "spec", "template", "spec", "containers", 0).image = "ghcr.io/acme/webstack-app:3f9c2d1a7b4e";
            const reported = await runPolicy(POLICY, "production", rs);
            expectViolation(reported, POLICY, api, "container \"api\"", "\"ghcr.io/acme/webstack-app:1.4.2\" without a digest", "(:1.4.2)", "ghcr.io/acme/webstack-app@sha256:<digest>");
            expectViolation(reported, POLICY, cron, "container \"cleanup\"", "without a digest");
            assert.strictEqual(violationsOf(reported).length, 2, "the digest-pinned init container passes");
        });

        it("rejects a malformed digest and a bare repository", async () => {
            const rs = k8sStack("production");
            const db = find(rs, T.statefulSet, "production-db");
            at(db.props, "spec", "template", "spec", "containers", 0).image = "postgres:16.4@sha256:abc";
            const web = find(rs, T.deployment, "production-web");
            at(web.props, "spec", "template", "spec", "containers", 0).image = "ghcr.io/acme/webstack-web";
            const reported = await runPolicy(POLICY, "production", rs);
            expectViolation(reported, POLICY, db, "postgres:16.4@sha256:abc");
            expectViolation(reported, POLICY, web, "without a digest");
        });

        it("rejects a Docker image pulled by tag and accepts an image ID", async () => {
            const rs = dockerStack("review", "production");
            const reported = violationsOf(await runPolicy(POLICY, "production", rs));
            const pulled = rs.filter((r) => r.type === T.remoteImage);
            // Every pulled image is named by tag; the containers run image IDs (sha256:...), which are pinned.
            assert.strictEqual(reported.length, pulled.length, JSON.stringify(reported));
            for (const img of pulled) {
                expectViolation(reported, POLICY, img, "the pulled image (name)", "without a digest");
            }
        });
    });

    it("rejects :latest in an init container and in a CronJob", async () => {
        const rs = k8sStack("staging");
        const api = find(rs, T.deployment, "staging-api");
        at(api.props, "spec", "template", "spec").initContainers = [{ name: "wait", image: "busybox:latest" }];
        const cron = find(rs, T.cronJob, "staging-cleanup");
        at(cron.props, "spec", "jobTemplate", "spec", "template", "spec", "containers", 0).image = "ghcr.io/acme/webstack-app";
        const reported = await runPolicy(POLICY, "staging", rs);
        expectViolation(reported, POLICY, api, "init container \"wait\"", "busybox:latest");
        expectViolation(reported, POLICY, cron, "container \"cleanup\"", "without a tag");
    });

    it("accepts a digest even with a latest tag", async () => {
        const rs = k8sStack("production");
        at(find(rs, T.deployment, "production-api").props, "spec", "template", "spec", "containers", 0).image = `ghcr.io/acme/webstack-app:latest@sha256:${"e".repeat(64)}`;
        expectNoViolation(await runPolicy(POLICY, "production", rs));
    });

    it("rejects a Docker image pulled as :latest under the staging config", async () => {
        const rs = dockerStack("review", "staging");
        const img = find(rs, T.remoteImage, "staging-image-redis");
        img.props.name = "redis:latest";
        expectViolation(await runPolicy(POLICY, "staging", rs), POLICY, img, "the pulled image (name) uses image \"redis:latest\"", "mutable tag");
    });

    it("rejects a Docker container whose image is an untagged name", async () => {
        const rs = dockerStack("review", "staging");
        const c = find(rs, T.container, "staging-cache");
        c.props.image = "localhost:5000/redis";
        expectViolation(await runPolicy(POLICY, "staging", rs), POLICY, c, "image \"localhost:5000/redis\" without a tag");
    });

    it("rejects a container without an image", async () => {
        const rs = k8sStack("production");
        const api = find(rs, T.deployment, "production-api");
        delete at(api.props, "spec", "template", "spec", "containers", 0).image;
        expectViolation(await runPolicy(POLICY, "production", rs), POLICY, api, "has no image");
    });

    it("allows mutable tags where the config allows them (local, review)", async () => {
        const rs = dockerStack("review");
        find(rs, T.remoteImage, "pr-1-image-app").props.name = "ghcr.io/acme/webstack-app:latest";
        expectNoViolation(await runPolicy(POLICY, "review", rs));
        const strict = configWith("review", POLICY, { allowMutableTags: false });
        assert.strictEqual(violationsOf(await runPolicy(POLICY, "review", rs, { config: strict })).length, 1);
    });

    it("honours a custom list of mutable tags", async () => {
        const rs = k8sStack("staging");
        at(find(rs, T.deployment, "staging-web").props, "spec", "template", "spec", "containers", 0).image = "ghcr.io/acme/webstack-web:stable";
        expectNoViolation(await runPolicy(POLICY, "staging", rs));
        const config = configWith("staging", POLICY, { mutableTags: ["latest", "stable"] });
        expectViolation(await runPolicy(POLICY, "staging", rs, { config }), POLICY, find(rs, T.deployment, "staging-web"), ":stable");
    });

    it("parses image references", () => {
        assert.deepStrictEqual(parseImage("postgres:16.4"), { repository: "postgres", tag: "16.4", digest: undefined });
        assert.deepStrictEqual(parseImage("localhost:5000/app"), { repository: "localhost:5000/app", digest: undefined });
        assert.deepStrictEqual(parseImage("ghcr.io/a/b:1@sha256:abc"), { repository: "ghcr.io/a/b", tag: "1", digest: "sha256:abc" });
        assert.strictEqual(parseImage(`sha256:${"f".repeat(64)}`).digest, `sha256:${"f".repeat(64)}`);
        const f = checkPinnedImages({ type: T.container, name: "x", urn: "urn:pulumi:s::p::t::x", props: { image: "nginx" } }, {});
        assert.strictEqual(f.length, 1);
    });
});
