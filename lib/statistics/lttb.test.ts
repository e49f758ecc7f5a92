import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { lttb, lttbIndices } from "./lttb";

describe("lttb", () => {
  it("picks the largest triangle in a one-bucket example", () => {
    // xs 0..4, ys 0 5 1 2 0, threshold 3: one bucket {1, 2, 3}; next "bucket" = last point (4, 0);
    // area(j) = |(0 - 4)(y_j - 0) - (0 - x_j)(0 - 0)| / 2 = 2 y_j -> 10, 2, 4 -> keep index 1
    expect(lttbIndices([0, 1, 2, 3, 4], [0, 5, 1, 2, 0], 3)).toEqual([0, 1, 4]);
  });

  it("uses the next bucket's average point in a two-bucket example", () => {
    // xs 0..5, ys 0 1 4 2 3 0, threshold 4: every = 4 / 2 = 2; buckets {1,2} and {3,4}
    // bucket 1: a = (0,0), next avg = (3.5, 2.5); area = |-3.5 y + 2.5 x| / 2 -> j1 0.5, j2 4.5 -> 2
    // bucket 2: a = (2,4), next = (5,0); area = |-3(y - 4) + 4(2 - x)| / 2 -> j3 1, j4 2.5 -> 4
    expect(lttbIndices([0, 1, 2, 3, 4, 5], [0, 1, 4, 2, 3, 0], 4)).toEqual([0, 2, 4, 5]);
    expect(lttb([0, 1, 2, 3, 4, 5], [0, 1, 4, 2, 3, 0], 4)).toEqual({ xs: [0, 2, 4, 5], ys: [0, 4, 3, 0] });
  });

  it("returns the input whole when there is nothing to drop", () => {
    expect(lttbIndices([0, 1, 2], [1, 2, 3], 10)).toEqual([0, 1, 2]);
    expect(lttbIndices([0, 1, 2, 3], [1, 2, 3, 4], 2)).toEqual([0, 1, 2, 3]);
    expect(lttbIndices([], [], 5)).toEqual([]);
    expect(() => lttbIndices([0, 1], [0], 5)).toThrow(RangeError);
  });

  it("keeps threshold points, the ends, and one point per bucket in order", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 3, maxLength: 300 }), fc.integer({ min: 3, max: 299 }), (ys, threshold) => {
        const n = ys.length;
        const xs = ys.map((_, i) => i * 10);
        const idx = lttbIndices(xs, ys, threshold);
        if (threshold >= n) return idx.length === n;
        const every = (n - 2) / (threshold - 2);
        const inBucket = idx.slice(1, -1).every((j, b) => j >= Math.floor(b * every) + 1 && j < (b === threshold - 3 ? n - 1 : Math.floor((b + 1) * every) + 1));
        return idx.length === threshold && idx[0] === 0 && idx[threshold - 1] === n - 1 && idx.every((j, i) => i === 0 || j > idx[i - 1]) && inBucket;
      }),
    );
  });

  it("keeps a spike that a stride sampler would miss", () => {
    const ys = Array.from({ length: 1000 }, (_, i) => (i === 501 ? 100 : Math.sin(i / 50)));
    const kept = lttb(ys.map((_, i) => i), ys, 50);
    expect(kept.ys).toContain(100);
  });
});
