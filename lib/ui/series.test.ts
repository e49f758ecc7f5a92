import { describe, expect, it } from "vitest";
import { downsampleEvenly, zipEquity } from "./series";

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe("downsampleEvenly", () => {
  it("returns a copy of a series that is already small enough", () => {
    const input = range(5);
    const out = downsampleEvenly(input, 10);
    expect(out).toEqual(input);
    expect(out).not.toBe(input);
  });

  it("keeps exactly maxPoints, including the first and the last point", () => {
    const out = downsampleEvenly(range(10_001), 2000);
    expect(out).toHaveLength(2000);
    expect(out[0]).toBe(0);
    expect(out[1999]).toBe(10_000);
  });

  it("keeps the order and spaces the picks evenly", () => {
    expect(downsampleEvenly(range(9), 5)).toEqual([0, 2, 4, 6, 8]);
  });

  it("handles degenerate limits", () => {
    expect(downsampleEvenly(range(3), 0)).toEqual([]);
    expect(downsampleEvenly(range(3), 1)).toEqual([2]);
  });
});

describe("zipEquity", () => {
  it("zips the columns into points", () => {
    expect(zipEquity({ tsMs: [1, 2], equityUsd: [100, 101.5] })).toEqual([
      { tsMs: 1, equityUsd: 100 },
      { tsMs: 2, equityUsd: 101.5 },
    ]);
  });

  it("accepts the engine's integer cents column", () => {
    expect(zipEquity({ tsMs: [1, 2], equityCents: [10_000_000, 10_000_150] })).toEqual([
      { tsMs: 1, equityUsd: 100_000 },
      { tsMs: 2, equityUsd: 100_001.5 },
    ]);
  });

  it("tolerates missing or uneven columns", () => {
    expect(zipEquity(null)).toEqual([]);
    expect(zipEquity({ tsMs: [1, 2, 3], equityUsd: [5] })).toEqual([{ tsMs: 1, equityUsd: 5 }]);
  });
});
