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
          expect(Array.from({ length: ladder.length }, (_, p) => ladder.keyAt(p))).toEqual(model);
          expect(Array.from({ length: ladder.length }, (_, p) => ladder.levelAt(p))).toEqual(model.map((k) => k + 1000));
        }
      }),
      { numRuns: 200 },
    );
  });

  it("grows and re-centres when levels keep arriving at one end (a snapshot listing levels best first)", () => {
    const ladder = new PriceLadder(4);
    for (let k = 1; k <= 100; k++) ladder.insertAt(0, -k, k);
    for (let k = 1; k <= 100; k++) ladder.insertAt(ladder.length, k, 1000 + k);
    expect(ladder.length).toBe(200);
    expect([ladder.keyAt(0), ladder.keyAt(99), ladder.keyAt(100), ladder.keyAt(199)]).toEqual([-100, -1, 1, 100]);
    expect(ladder.find(-42)).toBe(58);
    expect(ladder.find(0)).toBe(~100);
    ladder.removeAt(0);
    ladder.removeAt(ladder.length - 1);
    expect([ladder.keyAt(0), ladder.keyAt(ladder.length - 1), ladder.length]).toEqual([-99, 99, 198]);
  });

  it("tells whether a key is within the best N", () => {
    const ladder = new PriceLadder();
    [1, 2, 3, 4, 5].forEach((k, i) => ladder.insertAt(i, k, k));
    expect([ladder.isWithinTop(3, 3), ladder.isWithinTop(2, 3), ladder.isWithinTop(2.5, 3), ladder.isWithinTop(-9, 10)]).toEqual([true, false, false, true]);
  });
});
