import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeDrawdown, drawdownEpisodes, underwaterSeries } from "./drawdown";

const MIN = 60_000;
const series = (equityCents: number[]) => ({ tsMs: equityCents.map((_, i) => i * MIN), equityCents });

/** Naive O(n^2) reference: the peak is recomputed from scratch at every point. */
function naiveMaxDrawdown(equity: number[], start: number): { cents: number; pct: number } {
  let cents = 0;
  let pct = 0;
  for (let j = 0; j < equity.length; j++) {
    let peak = start;
    for (let i = 0; i <= j; i++) peak = Math.max(peak, equity[i]);
    cents = Math.max(cents, peak - equity[j]);
    if (peak > 0) pct = Math.max(pct, (peak - equity[j]) / peak);
  }
  return { cents, pct };
}

describe("computeDrawdown on a hand-computed series", () => {
  // equity 10000 10500 10200 9900 10600 10400 10600 10300 (one point a minute), start 10000
  // peak   10000 10500 10500 10500 10600 10600 10600 10600
  // DD         0     0   300  600     0   200     0   300
  // episodes: A peak t1 trough t3 depth 600 (600/10500) recovered t4; B peak t4 trough t5 depth 200
  // (200/10600) recovered t6 (equal to the peak); C peak t6 trough t7 depth 300, open at the end.
  const s = series([10000, 10500, 10200, 9900, 10600, 10400, 10600, 10300]);
  const d = computeDrawdown(s, 10000);

  it("finds the maximum drawdown in $ and %", () => {
    expect(d.maxDrawdownCents).toBe(600);
    expect(d.maxDrawdownUsd).toBe(6);
    expect(d.maxDrawdownPct).toBeCloseTo(600 / 10500, 14);
    expect(d.maxDrawdownEpisode).toEqual({ peakTsMs: 1 * MIN, troughTsMs: 3 * MIN, recoveryTsMs: 4 * MIN, peakCents: 10500, depthCents: 600, depthPct: 600 / 10500, durationMs: 3 * MIN });
  });

  it("averages the episodes' depths and finds the longest one", () => {
    expect(d.episodes).toBe(3);
    expect(d.averageDrawdownCents).toBeCloseTo((600 + 200 + 300) / 3, 12);
    expect(d.averageDrawdownPct).toBeCloseTo((600 / 10500 + 200 / 10600 + 300 / 10600) / 3, 14);
    expect(d.longestDrawdownMs).toBe(3 * MIN);
    expect(d.longestDrawdownRecovered).toBe(true);
  });

  it("measures time to recovery and the recovery factor", () => {
    expect(d.timeToRecoveryMs).toBe(1 * MIN); // trough t3 -> recovery t4
    expect(d.netProfitCents).toBe(300);
    expect(d.recoveryFactor).toBeCloseTo(0.5, 14); // 300 / 600
  });

  it("lists the last episode as unrecovered", () => {
    const episodes = drawdownEpisodes(s, 10000);
    expect(episodes[2]).toMatchObject({ peakTsMs: 6 * MIN, troughTsMs: 7 * MIN, recoveryTsMs: null, depthCents: 300, durationMs: 1 * MIN });
  });

  it("gives the underwater series at or below zero", () => {
    const u = underwaterSeries(s, 10000);
    expect(u.drawdownCents).toEqual([0, 0, -300, -600, 0, -200, 0, -300]);
    expect(u.drawdownPct[3]).toBeCloseTo(-600 / 10500, 14);
  });
});

describe("computeDrawdown edge cases", () => {
  it("starts underwater when the first point is below the starting cash", () => {
    const d = computeDrawdown(series([9800, 10100]), 10000);
    expect(d.maxDrawdownCents).toBe(200);
    expect(d.maxDrawdownEpisode).toMatchObject({ peakTsMs: 0, troughTsMs: 0, recoveryTsMs: 1 * MIN });
  });

  it("returns null time to recovery when the deepest drawdown never recovers", () => {
    const d = computeDrawdown(series([10000, 11000, 9000, 9500]), 10000);
    expect(d).toMatchObject({ maxDrawdownCents: 2000, timeToRecoveryMs: null, longestDrawdownRecovered: false, longestDrawdownMs: 2 * MIN });
  });

  it("flags an infinite recovery factor when equity only rises", () => {
    const d = computeDrawdown(series([10000, 10100, 10200]), 10000);
    expect(d).toMatchObject({ maxDrawdownCents: 0, maxDrawdownPct: 0, recoveryFactor: null, recoveryFactorInfinite: true, episodes: 0, averageDrawdownCents: null, timeToRecoveryMs: null });
  });

  it("handles an empty series", () => {
    expect(computeDrawdown(series([]), 10000)).toMatchObject({ maxDrawdownCents: 0, netProfitCents: 0, recoveryFactor: null, recoveryFactorInfinite: false });
  });
});

describe("computeDrawdown properties", () => {
  const equityArb = fc.tuple(fc.integer({ min: 1, max: 1_000_000 }), fc.array(fc.integer({ min: -50_000, max: 50_000 }), { maxLength: 80 }));
  const build = ([start, steps]: [number, number[]]) => {
    const eq: number[] = [];
    let e = start;
    for (const d of steps) eq.push((e += d));
    return { start, eq };
  };

  it("agrees with the naive O(n^2) drawdown", () => {
    fc.assert(
      fc.property(equityArb, (input) => {
        const { start, eq } = build(input);
        const d = computeDrawdown(series(eq), start);
        const ref = naiveMaxDrawdown(eq, start);
        return d.maxDrawdownCents === ref.cents && Math.abs((d.maxDrawdownPct ?? 0) - ref.pct) < 1e-12;
      }),
    );
  });

  it("keeps max drawdown >= 0 and <= the peak (when the peak is positive)", () => {
    fc.assert(
      fc.property(equityArb, (input) => {
        const { start, eq } = build(input);
        const d = computeDrawdown(series(eq), start);
        const peak = Math.max(start, ...eq);
        return d.maxDrawdownCents >= 0 && (eq.every((e) => e >= 0) ? d.maxDrawdownCents <= peak : true) && (d.maxDrawdownPct === null || d.maxDrawdownPct >= 0);
      }),
    );
  });

  it("has an underwater series whose minimum is minus the max drawdown", () => {
    fc.assert(
      fc.property(equityArb, (input) => {
        const { start, eq } = build(input);
        const u = underwaterSeries(series(eq), start);
        const d = computeDrawdown(series(eq), start);
        return u.drawdownCents.every((x) => x <= 0) && -Math.min(0, ...u.drawdownCents) === d.maxDrawdownCents;
      }),
    );
  });
});
