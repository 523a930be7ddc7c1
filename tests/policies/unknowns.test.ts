/**
 * Preview: values that depend on outputs not created yet reach the policies
 * as the engine's unknown sentinels behind @pulumi/policy's proxy. No policy
 * may crash on them, and none may pass a check whose answer depends on one:
 * the known parts are still checked, and the unknown part ends in the
 * engine's advisory "can't run policy ... during preview".
 */
import * as assert from "assert";
import { checkNoSharedCredentials } from "../../policies/rules/no-shared-credentials";
import { checkPinnedImages } from "../../policies/rules/pinned-images";
import { Unknown, isUnknown, plainProps, toPlain, unknownCheckingProxy } from "../../policies/lib/unknown";
import { T, UNKNOWN, UNKNOWN_ARRAY, at, dockerFirstPreview, dockerStack, find, k8sStack, valuesFor } from "./fixtures";
import { expectViolation } from "./expect";
import { describeReported, previewSkipsOf, runPack, urnFor, violationsOf } from "./harness";


describe("unknown values during preview", () => {
    it("does not crash and does not pass the credential check when passwords and env are unknown", async () => {
        const rs = dockerFirstPreview();
        assert.ok((find(rs, T.container, "pr-1-api").props.envs as string[]).includes(UNKNOWN));
        const reported = await runPack(rs, { environment: "review" });
        assert.strictEqual(violationsOf(reported).length, 0, describeReported(reported));
        const skips = previewSkipsOf(reported, "no-shared-credentials");
        assert.strictEqual(skips.length, 1, describeReported(reported));
        assert.strictEqual(skips[0].enforcementLevel, "advisory");
        assert.match(skips[0].message, /^can't run policy 'no-shared-credentials' during preview: string value at \.envs\.\d+ can't be known during preview$/);
    });

    it("still reports what is known next to the unknown part", async () => {
        const rs = dockerFirstPreview();
        const rp = find(rs, T.randomPassword, "pr-1-api-db-a");
        delete (rp.props.keepers as Record<string, string>)["webstack.dev/service"];
        const worker = find(rs, T.container, "pr-1-worker");
        (worker.props.envs as string[]).push("WORKER__SMTP_PASSWORD=hunter2hunter2");
        const reported = await runPack(rs, { environment: "review", only: ["no-shared-credentials"] });
        expectViolation(reported, "no-shared-credentials", rp, "has no keeper webstack.dev/service");
        expectViolation(reported, "no-shared-credentials", worker, "literal credential");
        assert.strictEqual(previewSkipsOf(reported).length, 1);
    });

    it("does not pass a Kubernetes plain env value that is unknown", async () => {
        const rs = k8sStack("production");
        at(find(rs, T.deployment, "production-api").props, "spec", "template", "spec", "containers", 0, "env").push({ name: "API__SESSION_SECRET", value: UNKNOWN });
        const reported = await runPack(rs, { environment: "production", only: ["no-shared-credentials"] });
        assert.strictEqual(violationsOf(reported).length, 0);
        assert.match(previewSkipsOf(reported)[0].message, /containers\.0\.env\.\d+\.value can't be known/);
    });

    it("skips an unknown image but still reports a missing probe (a missing key is not unknown)", async () => {
        const rs = k8sStack("production");
        const api = find(rs, T.deployment, "production-api");
        const c = at(api.props, "spec", "template", "spec", "containers", 0);
        c.image = UNKNOWN;
        delete c.livenessProbe;
        const reported = await runPack(rs, { environment: "production", only: ["pinned-images", "health-probes"] });
        assert.strictEqual(violationsOf(reported, "pinned-images").length, 0);
        assert.strictEqual(previewSkipsOf(reported, "pinned-images").length, 1, describeReported(reported));
        expectViolation(reported, "health-probes", api, "has no livenessProbe");
        assert.strictEqual(previewSkipsOf(reported, "health-probes").length, 0);
    });

    it("does not pass a database Service whose type is unknown, nor a database whose ports are unknown", async () => {
        const k8s = k8sStack("production");
        at(find(k8s, T.service, "production-db").props, "spec").type = UNKNOWN;
        const k8sReported = await runPack(k8s, { environment: "production", only: ["no-public-database"] });
        assert.match(previewSkipsOf(k8sReported)[0]?.message ?? "", /spec\.type can't be known/, describeReported(k8sReported));

        const docker = dockerStack("review");
        find(docker, T.container, "pr-1-db").props.ports = UNKNOWN_ARRAY;
        const dockerReported = await runPack(docker, { environment: "review", only: ["no-public-database"] });
        assert.match(previewSkipsOf(dockerReported)[0]?.message ?? "", /Array value at \.ports can't be known/, describeReported(dockerReported));
    });

    it("does not pass containers or keepers that are unknown as a whole", async () => {
        const rs = k8sStack("production");
        at(find(rs, T.deployment, "production-worker").props, "spec", "template", "spec").containers = UNKNOWN_ARRAY;
        find(rs, T.randomPassword, "production-api-db-a").props.keepers = UNKNOWN;
        const reported = await runPack(rs, { environment: "production", only: ["resource-limits", "non-root-containers", "rotating-secrets"] });
        for (const policy of ["resource-limits", "non-root-containers", "rotating-secrets"]) {
            assert.strictEqual(previewSkipsOf(reported, policy).length, 1, `${policy}:\n${describeReported(reported)}`);
        }
    });

    it("ignores unknowns that no check reads", async () => {
        const rs = k8sStack("production");
        for (const r of rs.filter((x) => x.type === T.deployment || x.type === T.statefulSet)) {
            r.props.status = UNKNOWN;
            at(r.props, "metadata").uid = UNKNOWN;
        }
        const reported = await runPack(rs, { environment: "production" });
        assert.strictEqual(reported.length, 0, describeReported(reported));
    });

    it("turns proxied and raw unknowns into markers in the pure core", () => {
        const proxied = unknownCheckingProxy({ a: { b: UNKNOWN, c: [1, UNKNOWN_ARRAY] }, d: "x" });
        assert.throws(() => proxied.a.b, /can't be known during preview/);
        const plain = toPlain(proxied) as { a: { b: Unknown; c: unknown[] }; d: string };
        assert.ok(isUnknown(plain.a.b));
        assert.deepStrictEqual(plain.a.b.path, ["a", "b"]);
        assert.ok(isUnknown(plain.a.c[1]));
        assert.strictEqual(plain.d, "x");
        assert.ok(isUnknown((toPlain({ k: UNKNOWN }) as { k: unknown }).k));

        const image = checkPinnedImages({ type: T.container, name: "c", urn: "urn:pulumi:s::p::t::c", props: plainProps({ image: UNKNOWN }) }, {});
        assert.deepStrictEqual(image.map((f) => f.kind), ["undetermined"]);
        assert.match(image[0].message, /docker:index\/container:Container "c": the image of the container cannot be checked during preview/);

        const rs = dockerFirstPreview().map((r) => ({ ...r, urn: urnFor("pr-1", r.type, r.name), props: plainProps(r.props) }));
        const findings = checkNoSharedCredentials(rs, { environment: "review" });
        assert.ok(findings.length > 0 && findings.every((f) => f.kind === "undetermined"), JSON.stringify(findings, null, 1));
        assert.ok(valuesFor("pr-1", "api-db").current.length > 8);
    });
});
