import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PriceLadder } from "./price-ladder";

describe("PriceLadder", () => {
  it("keeps keys sorted with the best (largest) last, and finds or places any key", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: -50, max: 50 })), { maxLength: 300 }), (ops) => {
        const ladder = new PriceLadder(2);
        const model: number[] = [];
        for (const [insert, key] of ops) {
          const at = ladder.find(key);
          const expected = model.indexOf(key);
          if (expected >= 0) expect(at).toBe(expected);
          else expect(~at).toBe(model.filter((k) => k < key).length);
          if (insert && at < 0) {
            ladder.insertAt(~at, key, key + 1000);
            model.push(key);
            model.sort((a, b) => a - b);
          } else if (!insert && at >= 0) {
            ladder.removeAt(at);
            model.splice(expected, 1);
          }
          expect([...ladder.keys.subarray(0, ladder.length)]).toEqual(model);
          expect([...ladder.levels.subarray(0, ladder.length)]).toEqual(model.map((k) => k + 1000));
        }
      }),
      { numRuns: 200 },
    );
  });

  it("tells whether a key is within the best N", () => {
    const ladder = new PriceLadder();
    [1, 2, 3, 4, 5].forEach((k, i) => ladder.insertAt(i, k, k));
    expect([ladder.isWithinTop(3, 3), ladder.isWithinTop(2, 3), ladder.isWithinTop(2.5, 3), ladder.isWithinTop(-9, 10)]).toEqual([true, false, false, true]);
  });
});
