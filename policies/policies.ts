/**
 * The policies of the pack, as a plain list: importing this module registers
 * nothing (index.ts builds the PolicyPack), so tests and tools can load it.
 */
import { Policies } from "@pulumi/policy";
import { noPublicDatabase } from "./rules/no-public-database";
import { noSharedCredentials } from "./rules/no-shared-credentials";
import { rotatingSecrets } from "./rules/rotating-secrets";
import { pinnedImages } from "./rules/pinned-images";
import { healthProbes } from "./rules/health-probes";
import { resourceLimits } from "./rules/resource-limits";
import { nonRootContainers } from "./rules/non-root-containers";
import { ingressTls } from "./rules/ingress-tls";
import { replicasAndDisruptionBudgets } from "./rules/replicas-and-disruption-budgets";
import { noSecretsInConfigMaps } from "./rules/no-secrets-in-configmaps";
import { corsAllowlist } from "./rules/cors-allowlist";
import { noDebugLogging } from "./rules/no-debug-logging";
import { requiredLabels } from "./rules/required-labels";
import { dockerNamesPerStack } from "./rules/docker-names-per-stack";

export const allPolicies: Policies = [
    noPublicDatabase,
    noSharedCredentials,
    rotatingSecrets,
    pinnedImages,
    healthProbes,
    resourceLimits,
    nonRootContainers,
    ingressTls,
    replicasAndDisruptionBudgets,
    noSecretsInConfigMaps,
    corsAllowlist,
    noDebugLogging,
    requiredLabels,
    dockerNamesPerStack,
];

export const PACK_NAME = "webstack";

export { fingerprint } from "./lib/credentials";
