import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME, allPolicies } from "./policies";

new PolicyPack(PACK_NAME, {
    description: "Guardrails for the webstack program on Docker and Kubernetes: private databases, one credential per service and environment, rotation, and hardened workloads.",
    policies: allPolicies,
});
