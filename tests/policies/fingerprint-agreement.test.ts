/**
 * The policy pack is a package of its own and cannot import the program, so
 * it computes the program's secret fingerprint (platform/fingerprint.ts) a
 * second time; the two must never drift apart.
 */
import { expect } from "chai";
import { externalFingerprint } from "../../policies/lib/external";
import { secretFingerprint } from "../../platform/fingerprint";
import { valueOf } from "../support/program";

describe("the pack's fingerprint is the program's", () => {
    for (const value of ["sk_live_0123456789abcdef", "", "a:b\nc", "ünïcødé-välue"]) {
        it(`agrees for ${JSON.stringify(value)}`, async () => {
            expect(externalFingerprint(value)).to.equal(await valueOf(secretFingerprint([value])));
        });
    }
});
