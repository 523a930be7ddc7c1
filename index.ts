/**
 * webstack: one program for every environment. Reads and validates the stack's
 * configuration (failing before any resource is registered), builds the
 * environment, and exports its non-secret facts.
 */
import { loadStackSettings } from "./config";
import { Environment } from "./components";

const settings = loadStackSettings();
const env = new Environment(settings.stack, { settings });

export const environment = settings.environment;
export const target = settings.target;
export const namespace = settings.target === "kubernetes" ? settings.kubernetes.namespace : undefined;
export const webUrl = env.webUrl;
export const apiUrl = env.apiUrl;
export const serviceUrls = env.serviceUrls;
export const services = settings.services.map((s) => ({ name: s.name, kind: s.kind, image: s.image, replicas: s.replicas, uses: s.uses }));
export const version = settings.version;
export const rotation = { generation: settings.rotation.generation, periodDays: settings.rotation.periodDays, issuedAt: settings.rotation.current.issuedAt };
