import { expect } from "chai";
import { cpus, memoryMb } from "../../platform/quantities";

describe("Kubernetes quantities for Docker", () => {
    it("writes CPU counts the way the Docker provider reads them back", () => {
        expect(cpus("1")).to.equal("1.0");
        expect(cpus("2")).to.equal("2.0");
        expect(cpus("500m")).to.equal("0.5");
        expect(cpus("250m")).to.equal("0.25");
        expect(cpus("1500m")).to.equal("1.5");
    });

    it("converts memory to whole MiB, rounding up", () => {
        expect(memoryMb("256Mi")).to.equal(256);
        expect(memoryMb("1Gi")).to.equal(1024);
        expect(memoryMb("512Ki")).to.equal(6);
        expect(memoryMb("100M")).to.equal(96);
    });

    it("refuses what is not a memory quantity", () => {
        expect(() => memoryMb("lots")).to.throw(/not a memory quantity/);
    });
});
