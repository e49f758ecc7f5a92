import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { niceWidth, pnlHistogram } from "./pnl-histogram";

describe("niceWidth", () => {
  it("rounds up to 1, 2 or 5 times a power of ten", () => {
    expect([0, 0.3, 1, 1.01, 2, 3, 7, 10, 11, 49, 51, 101, 2001].map(niceWidth)).toEqual([1, 1, 1, 2, 2, 5, 10, 10, 20, 50, 100, 200, 5000]);
  });
});

describe("pnlHistogram", () => {
  it("bins net cents into nice, zero-aligned bins", () => {
    // Range -1,250..+3,000 cents over at most 10 bins: 4,250/10 = 425 -> width 500.
    const h = pnlHistogram([-1250, -50, 0, 0, 450, 500, 3000], 10);
    expect(h.widthCents).toBe(500);
    expect(h.bins.map((b) => [b.loCents, b.count])).toEqual([
      [-1500, 1],
      [-1000, 0],
      [-500, 1],
      [0, 3],
      [500, 1],
      [1000, 0],
      [1500, 0],
      [2000, 0],
      [2500, 0],
      [3000, 1],
    ]);
    expect(h.count).toBe(7);
    expect([h.minCents, h.maxCents]).toEqual([-1250, 3000]);
  });

  it("widens the bin when rounding the edges would need one bin too many", () => {
    // 0..1000 in 10 bins: width 100 would need 11 bins (1000 sits at the start of its own).
    const h = pnlHistogram([0, 1000], 10);
    expect(h.widthCents).toBe(200);
    expect(h.bins).toHaveLength(6);
  });

  it("handles a single value and the empty input", () => {
    expect(pnlHistogram([-75])).toMatchObject({ widthCents: 1, bins: [{ loCents: -75, hiCents: -74, count: 1 }] });
    expect(pnlHistogram([])).toMatchObject({ bins: [], count: 0, minCents: null });
    expect(() => pnlHistogram([1.5])).toThrow(RangeError);
    expect(() => pnlHistogram([-5, 5], 1)).toThrow(RangeError);
    // Crossing zero with two bins: [-w, 0) and [0, w).
    expect(pnlHistogram([-3, 7], 2)).toMatchObject({ widthCents: 10, bins: [{ loCents: -10, count: 1 }, { loCents: 0, count: 1 }] });
  });

  it("counts every value exactly once, in the bin containing it, never above maxBins", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -5_000_000, max: 5_000_000 }), { minLength: 1, maxLength: 200 }), fc.integer({ min: 2, max: 60 }), (values, maxBins) => {
        const h = pnlHistogram(values, maxBins);
        expect(h.bins.length).toBeLessThanOrEqual(maxBins);
        expect(h.bins.reduce((s, b) => s + b.count, 0)).toBe(values.length);
        for (const b of h.bins) {
          expect(Math.abs(b.loCents % h.widthCents)).toBe(0);
          expect(b.count).toBe(values.filter((v) => v >= b.loCents && v < b.hiCents).length);
        }
      }),
    );
  });
});
