import { T, dockerStack, find } from "../fixtures";
import { BadStack, broken } from "./types";

const review = () => dockerStack("review");

export const dockerBadStacks: BadStack[] = [
    broken({ name: "db-container-publishes-0.0.0.0", why: "the database container publishes 0.0.0.0:5432", environment: "review", stack: "pr-1", from: review(), expectedPolicy: "no-public-database" }, (rs) => {
        find(rs, T.container, "pr-1-db").props.ports = [{ internal: 5432, external: 5432, ip: "0.0.0.0" }];
    }),
    broken({ name: "cache-publishes-loopback-in-review", why: "the cache publishes 127.0.0.1:6379 outside the local environment", environment: "review", stack: "pr-1", from: review(), expectedPolicy: "no-public-database", expectedMessage: "outside the local environment" }, (rs) => {
        find(rs, T.container, "pr-1-cache").props.ports = [{ internal: 6379, external: 6379, ip: "127.0.0.1" }];
    }),
    broken({ name: "db-on-public-network", why: "the database container joins the non-internal edge network", environment: "review", stack: "pr-1", from: review(), expectedPolicy: "no-public-database" }, (rs) => {
        find(rs, T.container, "pr-1-db").props.networksAdvanced = [{ name: "pr-1-edge-77b10e4" }];
    }),
    broken({ name: "root-container", why: "the worker container runs as root", environment: "review", stack: "pr-1", from: review(), expectedPolicy: "non-root-containers" }, (rs) => {
        find(rs, T.container, "pr-1-worker").props.user = "root";
    }),
    broken({ name: "container-without-healthcheck", why: "the api container has no healthcheck", environment: "review", stack: "pr-1", from: review(), expectedPolicy: "health-probes" }, (rs) => {
        delete find(rs, T.container, "pr-1-api").props.healthcheck;
    }),
    broken({ name: "fixed-docker-name", why: "the database container is named \"postgres\" on the engine", environment: "review", stack: "pr-1", from: review(), expectedPolicy: "docker-names-per-stack" }, (rs) => {
        find(rs, T.container, "pr-1-db").props.name = "postgres";
    }),
    broken({ name: "latest-image-in-staging-docker", why: "a Docker stack on the staging config pulls redis:latest", environment: "staging", stack: "staging", from: dockerStack("review", "staging"), expectedPolicy: "pinned-images" }, (rs) => {
        find(rs, T.remoteImage, "staging-image-redis").props.name = "redis:latest";
    }),
];
