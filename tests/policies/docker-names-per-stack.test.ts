import { T, dockerStack, find } from "./fixtures";
import { expectNoViolation, expectViolation, runPolicy } from "./expect";

const POLICY = "docker-names-per-stack";

describe(POLICY, () => {
    it("accepts names prefixed with the stack", async () => {
        expectNoViolation(await runPolicy(POLICY, "review", dockerStack("review")));
        expectNoViolation(await runPolicy(POLICY, "local", dockerStack("local")));
    });

    it("rejects a fixed container name", async () => {
        const rs = dockerStack("review");
        const db = find(rs, T.container, "pr-1-db");
        db.props.name = "postgres";
        expectViolation(await runPolicy(POLICY, "review", rs), POLICY, db, "is named \"postgres\"", "stack name \"pr-1-\"", "\"pr-1-<service>\"");
    });

    it("rejects a network and a volume named for another stack", async () => {
        const rs = dockerStack("review", "pr-7");
        const net = find(rs, T.network, "pr-7-private");
        net.props.name = "local-private";
        const vol = find(rs, T.volume, "pr-7-db-data");
        vol.props.name = "db-data";
        const reported = await runPolicy(POLICY, "review", rs, { stack: "pr-7" });
        expectViolation(reported, POLICY, net, "\"local-private\"");
        expectViolation(reported, POLICY, vol, "\"db-data\"");
    });

    it("accepts a resource the provider will auto-name", async () => {
        const rs = dockerStack("review");
        delete find(rs, T.volume, "pr-1-db-data").props.name;
        expectNoViolation(await runPolicy(POLICY, "review", rs));
    });
});
