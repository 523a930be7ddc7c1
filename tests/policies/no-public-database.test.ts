import * as assert from "assert";
import { checkNoPublicDatabase } from "../../policies/rules/no-public-database";
import { plainProps } from "../../policies/lib/unknown";
import { T, at, dockerStack, find, k8sStack } from "./fixtures";
import { expectNoViolation, expectViolation, runPolicy } from "./expect";
import { FixtureResource, urnFor } from "./harness";

const POLICY = "no-public-database";
const prod = () => k8sStack("production");
const review = () => dockerStack("review");

describe(POLICY, () => {
    describe("Kubernetes", () => {
        it("accepts private database and cache Services with client-only NetworkPolicies", async () => {
            expectNoViolation(await runPolicy(POLICY, "production", prod()));
        });

        for (const type of ["LoadBalancer", "NodePort"]) {
            it(`rejects the database Service of type ${type}`, async () => {
                const rs = prod();
                const svc = find(rs, T.service, "production-db");
                svc.props.spec = { ...at(svc.props, "spec"), type, clusterIP: undefined };
                expectViolation(await runPolicy(POLICY, "production", rs), POLICY, svc, `has type ${type}`, "database", "reachable from outside", "ClusterIP");
            });
        }

        it("rejects externalIPs on the cache Service", async () => {
            const rs = prod();
            const svc = find(rs, T.service, "production-cache");
            at(svc.props, "spec").externalIPs = ["203.0.113.7"];
            expectViolation(await runPolicy(POLICY, "production", rs), POLICY, svc, "externalIPs", "cache");
        });

        it("rejects an exposed Service that selects the database pods only through its selector", async () => {
            const rs = prod();
            const extra: FixtureResource = {
                type: T.service,
                name: "production-db-debug",
                props: {
                    metadata: { namespace: "webstack-production", name: "db-debug", labels: { "app.kubernetes.io/name": "db-debug" } },
                    spec: { type: "LoadBalancer", selector: { "app.kubernetes.io/name": "db", "app.kubernetes.io/instance": "production-db" }, ports: [{ port: 5432 }] },
                },
            };
            rs.push(extra);
            expectViolation(await runPolicy(POLICY, "production", rs), POLICY, extra, "selects the database pods of kubernetes:apps/v1:StatefulSet \"production-db\"");
        });

        it("accepts an exposed Service that selects only api pods", async () => {
            const rs = prod();
            at(find(rs, T.service, "production-api").props, "spec").type = "LoadBalancer";
            expectNoViolation(await runPolicy(POLICY, "production", rs));
        });

        it("rejects an Ingress backend that points at the database Service", async () => {
            const rs = prod();
            const ing = find(rs, T.ingress, "production-api");
            at(ing.props, "spec", "rules", 0, "http", "paths").push({ path: "/pg", pathType: "Prefix", backend: { service: { name: "db", port: { number: 5432 } } } });
            expectViolation(await runPolicy(POLICY, "production", rs), POLICY, ing, "Service \"db\"", "database");
        });

        it("rejects a cache that no NetworkPolicy selects", async () => {
            const rs = prod().filter((r) => r.name !== "production-cache-clients" && r.name !== "production-default-deny");
            const sts = find(rs, T.statefulSet, "production-cache");
            expectViolation(await runPolicy(POLICY, "production", rs), POLICY, sts, "no NetworkPolicy restricts ingress", "webstack.dev/cache-client");
        });

        it("rejects a NetworkPolicy rule without from (allow-all)", async () => {
            const rs = prod();
            const np = find(rs, T.networkPolicy, "production-db-clients");
            at(np.props, "spec", "ingress", 0).from = [];
            expectViolation(await runPolicy(POLICY, "production", rs), POLICY, np, "has no \"from\"", "admits every source");
        });

        it("rejects a rule admitting every pod (empty podSelector)", async () => {
            const rs = prod();
            const np = find(rs, T.networkPolicy, "production-db-clients");
            at(np.props, "spec", "ingress", 0).from = [{ podSelector: {} }];
            expectViolation(await runPolicy(POLICY, "production", rs), POLICY, np, "not labelled webstack.dev/db-client=\"true\"");
        });

        it("rejects a rule admitting an ipBlock", async () => {
            const rs = prod();
            const np = find(rs, T.networkPolicy, "production-db-clients");
            at(np.props, "spec", "ingress", 0).from.push({ ipBlock: { cidr: "0.0.0.0/0" } });
            expectViolation(await runPolicy(POLICY, "production", rs), POLICY, np, "ipBlock");
        });

        it("rejects a rule admitting whole namespaces", async () => {
            const rs = prod();
            const np = find(rs, T.networkPolicy, "production-db-clients");
            at(np.props, "spec", "ingress", 0).from = [{ namespaceSelector: {} }];
            expectViolation(await runPolicy(POLICY, "production", rs), POLICY, np, "whole namespaces");
        });

        it("rejects a database policy that admits cache clients instead of database clients", async () => {
            const rs = prod();
            const np = find(rs, T.networkPolicy, "production-db-clients");
            at(np.props, "spec", "ingress", 0).from = [{ podSelector: { matchLabels: { "webstack.dev/cache-client": "true" } } }];
            expectViolation(await runPolicy(POLICY, "production", rs), POLICY, np, "webstack.dev/db-client");
        });

        it("rejects a policy that selects every pod and admits the ingress controller's namespaces", async () => {
            const rs = prod();
            const np = find(rs, T.networkPolicy, "production-api-ingress");
            at(np.props, "spec").podSelector = {};
            expectViolation(await runPolicy(POLICY, "production", rs), POLICY, np, "whole namespaces", "database pods");
        });

        it("accepts a client selector written as a matchExpression", async () => {
            const rs = prod();
            const np = find(rs, T.networkPolicy, "production-db-clients");
            at(np.props, "spec", "ingress", 0).from = [{ podSelector: { matchExpressions: [{ key: "webstack.dev/db-client", operator: "In", values: ["true"] }] } }];
            expectNoViolation(await runPolicy(POLICY, "production", rs));
        });

        it("ignores an Egress-only policy when looking for ingress isolation", async () => {
            const rs = prod().filter((r) => r.name !== "production-db-clients" && r.name !== "production-default-deny");
            const np = find(prod(), T.networkPolicy, "production-db-clients");
            at(np.props, "spec").policyTypes = ["Egress"];
            rs.push(np);
            expectViolation(await runPolicy(POLICY, "production", rs), POLICY, find(rs, T.statefulSet, "production-db"), "no NetworkPolicy");
        });
    });

    describe("Docker", () => {
        it("accepts database and cache containers on the internal network without ports", async () => {
            expectNoViolation(await runPolicy(POLICY, "review", review()));
            expectNoViolation(await runPolicy(POLICY, "local", dockerStack("local")));
        });

        it("rejects a database publishing 0.0.0.0:5432", async () => {
            const rs = review();
            const db = find(rs, T.container, "pr-1-db");
            db.props.ports = [{ internal: 5432, external: 5432, ip: "0.0.0.0" }];
            expectViolation(await runPolicy(POLICY, "review", rs), POLICY, db, "container port 5432", "host port 5432", "0.0.0.0");
        });

        it("treats a port without ip as published on every address", async () => {
            const rs = review();
            const db = find(rs, T.container, "pr-1-db");
            db.props.ports = [{ internal: 5432, external: 15432 }];
            expectViolation(await runPolicy(POLICY, "review", rs), POLICY, db, "not set, so 0.0.0.0");
        });

        it("treats a port without external as a random published port", async () => {
            const rs = review();
            const cache = find(rs, T.container, "pr-1-cache");
            cache.props.ports = [{ internal: 6379, ip: "::" }];
            expectViolation(await runPolicy(POLICY, "review", rs), POLICY, cache, "a random host port");
        });

        it("rejects a loopback port outside the local environment", async () => {
            const rs = review();
            const db = find(rs, T.container, "pr-1-db");
            db.props.ports = [{ internal: 5432, external: 5432, ip: "127.0.0.1" }];
            expectViolation(await runPolicy(POLICY, "review", rs), POLICY, db, "outside the local environment");
        });

        it("accepts a loopback port in the local environment", async () => {
            const rs = dockerStack("local");
            find(rs, T.container, "local-db").props.ports = [{ internal: 5432, external: 5432, ip: "127.0.0.1" }];
            expectNoViolation(await runPolicy(POLICY, "local", rs));
        });

        it("rejects 0.0.0.0 even in the local environment, with the loopback fix", async () => {
            const rs = dockerStack("local");
            const db = find(rs, T.container, "local-db");
            db.props.ports = [{ internal: 5432, external: 5432, ip: "0.0.0.0" }];
            expectViolation(await runPolicy(POLICY, "local", rs), POLICY, db, "0.0.0.0", "127.0.0.1");
        });

        it("rejects a port on a LAN address", async () => {
            const rs = review();
            const db = find(rs, T.container, "pr-1-db");
            db.props.ports = [{ internal: 5432, external: 5432, ip: "192.168.1.20" }];
            expectViolation(await runPolicy(POLICY, "review", rs), POLICY, db, "host address 192.168.1.20");
        });

        it("rejects a cache attached to a network that is not internal", async () => {
            const rs = review();
            const cache = find(rs, T.container, "pr-1-cache");
            cache.props.networksAdvanced = [{ name: "pr-1-private-5f2c9a1" }, { name: "pr-1-edge-77b10e4" }];
            expectViolation(await runPolicy(POLICY, "review", rs), POLICY, cache, "docker:index/network:Network \"pr-1-edge\"", "not internal");
        });

        it("rejects a database on a network the stack does not declare", async () => {
            const rs = review();
            const db = find(rs, T.container, "pr-1-db");
            db.props.networksAdvanced = [{ name: "bridge" }];
            expectViolation(await runPolicy(POLICY, "review", rs), POLICY, db, "network \"bridge\"", "does not declare as internal");
        });

        it("rejects a database on the default bridge", async () => {
            const rs = review();
            const db = find(rs, T.container, "pr-1-db");
            delete db.props.networksAdvanced;
            expectViolation(await runPolicy(POLICY, "review", rs), POLICY, db, "default bridge");
        });

        it("accepts a database on a non-internal network in the local environment", async () => {
            const rs = dockerStack("local");
            find(rs, T.container, "local-db").props.networksAdvanced = [{ name: "local-edge-77b10e4" }];
            expectNoViolation(await runPolicy(POLICY, "local", rs));
        });

        it("rejects host networking and publishAllPorts", async () => {
            const rs = review();
            const db = find(rs, T.container, "pr-1-db");
            db.props.networkMode = "host";
            db.props.publishAllPorts = true;
            const reported = await runPolicy(POLICY, "review", rs);
            expectViolation(reported, POLICY, db, "networkMode \"host\"");
            expectViolation(reported, POLICY, db, "publishAllPorts");
        });

        it("identifies the database by its component label, not its name", async () => {
            const rs = review();
            const api = find(rs, T.container, "pr-1-api");
            api.props.ports = [{ internal: 8080, external: 8080 }];
            expectNoViolation(await runPolicy(POLICY, "review", rs));
        });
    });

    it("exposes a pure check over plain resources", () => {
        const rs = review();
        const db = find(rs, T.container, "pr-1-db");
        db.props.ports = [{ internal: 5432, external: 5432 }];
        const plain = rs.map((r) => ({ ...r, urn: urnFor("pr-1", r.type, r.name), props: plainProps(r.props) }));
        const findings = checkNoPublicDatabase(plain, { requireInternalNetworks: true });
        assert.strictEqual(findings.filter((x) => x.kind === "violation").length, 1);
        assert.strictEqual(findings[0].urn, urnFor("pr-1", T.container, "pr-1-db"));
        assert.ok(checkNoPublicDatabase(plain, { allowLoopbackPorts: true, requireInternalNetworks: false }).length === 1);
        assert.deepStrictEqual(checkNoPublicDatabase([], {}), []);
    });
});

describe(`${POLICY} with inputs-only resources`, () => {
    it("matches a container's network to an auto-named Network without a name input", async () => {
        const rs = dockerStack("review");
        delete find(rs, T.network, "pr-1-private").props.name;
        expectNoViolation(await runPolicy(POLICY, "review", rs));
        const edge = find(rs, T.network, "pr-1-edge");
        delete edge.props.name;
        const cache = find(rs, T.container, "pr-1-cache");
        cache.props.networksAdvanced = [{ name: "pr-1-edge-77b10e4" }];
        expectViolation(await runPolicy(POLICY, "review", rs), POLICY, cache, "docker:index/network:Network \"pr-1-edge\"", "not internal");
    });
});
