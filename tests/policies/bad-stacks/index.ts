/**
 * The corpus of deliberately broken stacks, as data: each names its
 * environment (policy config), the resources, and the policy that must
 * reject it. The policy tests run them through the harness; an engine test
 * can feed the same list to the real pack.
 */
import { BadStack } from "./types";
import { configBadStacks } from "./config";
import { credentialBadStacks } from "./credentials";
import { dockerBadStacks } from "./docker";
import { kubernetesBadStacks } from "./kubernetes";
import { adversarialBadStacks } from "./adversarial";

export { BadStack } from "./types";

export const badStacks: BadStack[] = [...kubernetesBadStacks, ...dockerBadStacks, ...credentialBadStacks, ...configBadStacks, ...adversarialBadStacks];
