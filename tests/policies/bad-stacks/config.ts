import { T, at, find, k8sStack } from "../fixtures";
import { BadStack, broken } from "./types";

export const configBadStacks: BadStack[] = [
    broken({
        name: "exemption-without-reason",
        why: "the :latest api image is exempted without a reason",
        environment: "production", stack: "production", from: k8sStack("production"), expectedPolicy: "pinned-images", expectedMessage: "has no reason, so it is not applied",
        configOverrides: { "pinned-images": { exemptions: [{ resource: "production-api" }] } },
    }, (rs) => {
        at(find(rs, T.deployment, "production-api").props, "spec", "template", "spec", "containers", 0).image = "ghcr.io/acme/webstack-app:latest";
    }),
    broken({
        name: "stack-exemption-without-reason",
        why: "the public database Service is exempted with an empty reason",
        environment: "production", stack: "production", from: k8sStack("production"), expectedPolicy: "no-public-database", expectedMessage: "has no reason, so it is not applied",
        configOverrides: { "no-public-database": { exemptions: [{ resource: "production-db", reason: "" }] } },
    }, (rs) => {
        at(find(rs, T.service, "production-db").props, "spec").type = "NodePort";
    }),
];
