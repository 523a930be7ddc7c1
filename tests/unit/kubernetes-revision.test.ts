/**
 * Pods on Kubernetes read credentials from a Secret only when they start, so
 * the pod template must change whenever a credential value changes, also when
 * no generation changed (a forced rotation of one slot). The fingerprint in
 * the template must never be the secret itself.
 */
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { KubernetesPlatform } from "../../platform";
import { WorkloadSpec, JobSpec } from "../../platform/types";
import { startMocks, settingsOf, Harness } from "../support/mocks";
import { unwrap } from "../support/program";

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const JOB = "kubernetes:batch/v1:Job";

function spec(password: string): WorkloadSpec & JobSpec {
    return {
        name: "api",
        role: "api",
        image: "app:1",
        env: { PLAIN: "x" },
        secretEnv: { API__DATABASE_URL: pulumi.secret(`postgresql://api_a:${password}@db:5432/app`) },
        resources: { cpu: "100m", memory: "128Mi", cpuLimit: "500m", memoryLimit: "256Mi" },
        runAsUser: 10001,
        revision: "db3",
        port: 8000,
        replicas: 1,
        exposure: "private",
    } as WorkloadSpec & JobSpec;
}

async function serverRevision(adminPassword: string, appPassword: string): Promise<string> {
    const settings = settingsOf("Pulumi.staging.yaml", "staging");
    const session = await startMocks(settings.stack);
    const harness = new Harness();
    const platform = new KubernetesPlatform(settings, harness);
    platform.workload({
        ...spec(appPassword),
        name: "db",
        role: "database",
        secretEnv: { POSTGRES_PASSWORD: pulumi.secret(adminPassword), OTHER: pulumi.secret(appPassword) },
        bootstrapOnlyEnv: ["POSTGRES_PASSWORD"],
    } as WorkloadSpec, harness);
    await session.settle();
    return unwrap(session.ofType(DEPLOYMENT)[0].props).spec.template.metadata.annotations["webstack.dev/revision"];
}

async function revisions(password: string): Promise<{ deployment: string; job: string }> {
    const settings = settingsOf("Pulumi.staging.yaml", "staging");
    const session = await startMocks(settings.stack);
    const harness = new Harness();
    const platform = new KubernetesPlatform(settings, harness);
    platform.workload(spec(password), harness);
    platform.job({ ...spec(password), name: "api-access", role: "access" }, harness);
    await session.settle();
    const annotation = (type: string) => unwrap(session.ofType(type)[0].props).spec.template.metadata.annotations["webstack.dev/revision"] as string;
    return { deployment: annotation(DEPLOYMENT), job: annotation(JOB) };
}

describe("Kubernetes pod template revision", () => {
    it("keeps the spec's revision and adds a fingerprint of the credential values", async () => {
        const r = await revisions("first-value-0123456789abcdef");
        expect(r.deployment).to.match(/^db3\+[0-9a-f]{16}$/);
        expect(r.job).to.equal(r.deployment);
    });

    it("changes when a credential value changes under the same generation", async () => {
        const a = await revisions("first-value-0123456789abcdef");
        const b = await revisions("second-value-0123456789abcdef");
        expect(b.deployment).to.not.equal(a.deployment);
        expect(b.job).to.not.equal(a.job);
    });

    it("is the same for the same values (a second up has nothing to roll)", async () => {
        const a = await revisions("same-value-0123456789abcdef");
        const b = await revisions("same-value-0123456789abcdef");
        expect(b).to.deep.equal(a);
    });

    it("ignores values a server reads only at initialization (a rotated admin password never restarts it)", async () => {
        const a = await serverRevision("admin-one-0123456789abcdef", "app-0123456789abcdef");
        const b = await serverRevision("admin-two-0123456789abcdef", "app-0123456789abcdef");
        const c = await serverRevision("admin-two-0123456789abcdef", "app-changed-0123456789abcdef");
        expect(b).to.equal(a);
        expect(c).to.not.equal(b);
    });

    it("never contains the credential value", async () => {
        const r = await revisions("needle-value-0123456789abcdef");
        expect(r.deployment).to.not.contain("needle");
    });
});
