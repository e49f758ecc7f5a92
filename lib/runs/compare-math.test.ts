import { describe, expect, it } from "vitest";
import { bestIndex, buildMetricsTable, configDifferences, correlationMatrix, pearson, type MetricDefinition } from "./compare-math";

describe("pearson", () => {
  it("matches a hand-computed correlation", () => {
    // x = 1,2,3,4 (mean 2.5), y = 2,1,4,3 (mean 2.5)
    // dx = -1.5,-0.5,0.5,1.5; dy = -0.5,-1.5,1.5,0.5
    // sxy = 0.75+0.75+0.75+0.75 = 3; sxx = syy = 2.25+0.25+0.25+2.25 = 5 -> r = 3/5
    expect(pearson([1, 2, 3, 4], [2, 1, 4, 3])).toBeCloseTo(0.6, 12);
  });

  it("is 1 for a positive affine map and -1 for a negative one", () => {
    expect(pearson([0.01, -0.02, 0.03], [0.02, -0.04, 0.06])).toBeCloseTo(1, 12);
    expect(pearson([0.01, -0.02, 0.03], [-1, 2, -3])).toBeCloseTo(-1, 12);
  });

  it("is null below three pairs or with zero variance", () => {
    expect(pearson([1, 2], [2, 1])).toBeNull();
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeNull();
  });
});

describe("correlationMatrix", () => {
  it("pairs returns by session date over the dates common to each pair", () => {
    const a = [
      { sessionDate: "2025-03-03", return: 1 },
      { sessionDate: "2025-03-04", return: 2 },
      { sessionDate: "2025-03-05", return: 3 },
      { sessionDate: "2025-03-06", return: 4 },
    ];
    // Listed out of order; 2025-03-07 has no counterpart in a.
    const b = [
      { sessionDate: "2025-03-06", return: 3 },
      { sessionDate: "2025-03-03", return: 2 },
      { sessionDate: "2025-03-05", return: 4 },
      { sessionDate: "2025-03-04", return: 1 },
      { sessionDate: "2025-03-07", return: 100 },
    ];
    // Only two dates in common with a, and one return undefined.
    const c = [
      { sessionDate: "2025-03-03", return: 0.5 },
      { sessionDate: "2025-03-04", return: null },
      { sessionDate: "2025-03-10", return: 0.1 },
      { sessionDate: "2025-03-05", return: -0.5 },
    ];
    const m = correlationMatrix([a, b, c]);
    expect(m.values[0][1]).toBeCloseTo(0.6, 12);
    expect(m.values[1][0]).toBe(m.values[0][1]);
    expect(m.commonDates[0][1]).toBe(4);
    expect(m.values[0][0]).toBe(1);
    expect(m.values[1][1]).toBe(1);
    expect(m.commonDates[0][2]).toBe(2);
    expect(m.values[0][2]).toBeNull();
    expect(m.values[2][2]).toBe(1); // three defined returns of its own
  });
});

describe("bestIndex", () => {
  it("takes the largest or smallest value as the row says", () => {
    expect(bestIndex([1, 3, 2], true)).toBe(1);
    expect(bestIndex([1, 3, 2], false)).toBe(0);
  });

  it("skips nulls and has no best with fewer than two values", () => {
    expect(bestIndex([null, 3, null, 5], true)).toBe(3);
    expect(bestIndex([null, 3, null], true)).toBeNull();
    expect(bestIndex([null, null], false)).toBeNull();
  });

  it("has no best when the best value is tied, but lower ties do not matter", () => {
    expect(bestIndex([4, 4, 1], true)).toBeNull();
    expect(bestIndex([1, 1, 4], true)).toBe(2);
    expect(bestIndex([1, 1, 4], false)).toBeNull();
  });

  it("has no best for a row without direction", () => {
    expect(bestIndex([1, 2], null)).toBeNull();
  });

  it("ranks an infinite ratio above every finite one", () => {
    expect(bestIndex([2.5, Infinity, 9], true)).toBe(1);
  });
});

describe("buildMetricsTable", () => {
  const defs: MetricDefinition[] = [
    { key: "net", label: "Net", format: "usd", higherIsBetter: true },
    { key: "dd", label: "DD", format: "usd", higherIsBetter: false },
    { key: "pf", label: "PF", format: "ratio", higherIsBetter: true },
  ];

  it("keeps the runs' order and flags the best per row", () => {
    const rows = buildMetricsTable(
      [
        { net: 100, dd: 50, pf: 1.5 },
        { net: -20, dd: 10, pf: Infinity },
        { net: 100, dd: null },
      ],
      defs,
    );
    expect(rows.map((r) => r.key)).toEqual(["net", "dd", "pf"]);
    expect(rows[0]).toMatchObject({ values: [100, -20, 100], best: null, higherIsBetter: true });
    expect(rows[1]).toMatchObject({ values: [50, 10, null], best: 1, higherIsBetter: false });
    // Infinity is not JSON: the value is null with the infinite flag, and it still wins.
    expect(rows[2]).toMatchObject({ values: [1.5, null, null], infinite: [false, true, false], best: 1 });
  });
});

describe("configDifferences", () => {
  it("lists the keys whose values differ, and not the equal ones", () => {
    const diffs = configDifferences([
      { strategy: { label: "Strategy", value: "sma-cross" }, "params.fast": { label: "fast", value: 5 }, "params.slow": { label: "slow", value: 20 } },
      { strategy: { label: "Strategy", value: "sma-cross" }, "params.fast": { label: "fast", value: 8 }, "params.slow": { label: "slow", value: 20 } },
      { strategy: { label: "Strategy", value: "sma-cross" }, "params.fast": { label: "fast", value: 5 }, "params.slow": { label: "slow", value: 20 }, "params.qty": { label: "qty", value: 2 } },
    ]);
    expect(diffs).toEqual([
      { key: "params.fast", label: "fast", values: [5, 8, 5] },
      { key: "params.qty", label: "qty", values: [null, null, 2] },
    ]);
  });

  it("tells a number from its string", () => {
    expect(configDifferences([{ v: { label: "v", value: 1 } }, { v: { label: "v", value: "1" } }])).toHaveLength(1);
  });
});
