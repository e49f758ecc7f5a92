import { describe, expect, it } from "vitest";
import { RESULT_EQUITY_POINTS, sampledEquity } from "./run-dto";

describe("sampledEquity", () => {
  it("sends a short series as stored", () => {
    const stored = { tsMs: [1, 2, 3, 4], equityUsd: [100, 101, 99, 102] };
    expect(sampledEquity(stored)).toEqual({ equity: stored, equityPoints: 4 });
  });

  it("downsamples a long series to the limit, keeping the first and last points and the extremes", () => {
    const n = 100_000;
    const tsMs = Array.from({ length: n }, (_, i) => 1_700_000_000_000 + i * 1000);
    const equityUsd = tsMs.map((_, i) => 100_000 + Math.round(1000 * Math.sin(i / 5000)));
    equityUsd[54_321] = 50_000; // a crash the chart must show
    const { equity, equityPoints } = sampledEquity({ tsMs, equityUsd });
    expect(equityPoints).toBe(n);
    expect(equity.tsMs).toHaveLength(RESULT_EQUITY_POINTS);
    expect(equity.equityUsd).toHaveLength(RESULT_EQUITY_POINTS);
    expect([equity.tsMs[0], equity.tsMs.at(-1)]).toEqual([tsMs[0], tsMs[n - 1]]);
    expect(equity.tsMs).toContain(tsMs[54_321]);
    expect(Math.min(...equity.equityUsd)).toBe(50_000);
    for (let i = 1; i < equity.tsMs.length; i++) expect(equity.tsMs[i]).toBeGreaterThan(equity.tsMs[i - 1]);
  });
});
