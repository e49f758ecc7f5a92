import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { closedTradeDrawdown, drawdownMonteCarlo } from "./drawdown-monte-carlo";

/** Naive reference: the peak recomputed from the cumulative sums at every trade. */
function naive(net: number[], start: number): number {
  const equity = [start];
  for (const x of net) equity.push(equity[equity.length - 1] + x);
  let worst = 0;
  for (let j = 0; j < equity.length; j++) worst = Math.max(worst, Math.max(...equity.slice(0, j + 1)) - equity[j]);
  return worst;
}

describe("closedTradeDrawdown", () => {
  it("computes a hand example", () => {
    // start 1000: 1100 (peak) 1050 900 (DD 200 = 18.18%) 1200 (peak) 1150 -> max 200, 200/1100
    const dd = closedTradeDrawdown([100, -50, -150, 300, -50], 1000);
    expect(dd.cents).toBe(200);
    expect(dd.pct).toBeCloseTo(200 / 1100, 15);
  });

  it("agrees with a naive O(n^2) computation", () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: -1000, max: 1000 }), { maxLength: 60 }), fc.integer({ min: 0, max: 10_000 }), (net, start) => closedTradeDrawdown(net, start).cents === naive(net, start)));
  });
});

describe("drawdownMonteCarlo", () => {
  const net = [500, -300, 200, -700, 400, 100, -200, 600, -100, 300];

  it("replays exactly for a seed", () => {
    expect(drawdownMonteCarlo(net, 10_000, { paths: 500, seed: 3 })).toEqual(drawdownMonteCarlo(net, 10_000, { paths: 500, seed: 3 }));
  });

  it("orders its percentiles and reports the observed sequence", () => {
    const mc = drawdownMonteCarlo(net, 10_000, { paths: 2000, seed: 3 });
    const c = mc.maxDrawdownCents!;
    expect(c.p5).toBeLessThanOrEqual(c.p50);
    expect(c.p50).toBeLessThanOrEqual(c.p95);
    expect(c.p5).toBeGreaterThanOrEqual(0);
    // observed: 10500 10200 10400 9700 (DD 800) 10100 10200 10000 10600 10500 10800 -> 800
    expect(mc.observedMaxDrawdownCents).toBe(800);
    expect(mc.observedMaxDrawdownPct).toBeCloseTo(800 / 10_500, 15);
    // the worst possible path (all -700s) bounds every draw: 10 * 700
    expect(c.p95).toBeLessThanOrEqual(7000);
    expect(mc).toMatchObject({ paths: 2000, tradesPerPath: 10 });
  });

  it("has no drawdown when every trade wins, and a fixed one with a single losing trade", () => {
    expect(drawdownMonteCarlo([100, 200], 1000, { paths: 100, seed: 1 }).maxDrawdownCents).toEqual({ p5: 0, p50: 0, p95: 0 });
    expect(drawdownMonteCarlo([-250], 1000, { paths: 100, seed: 1 }).maxDrawdownCents).toEqual({ p5: 250, p50: 250, p95: 250 });
  });

  it("is empty without trades", () => {
    expect(drawdownMonteCarlo([], 1000, { paths: 100, seed: 1 })).toMatchObject({ paths: 0, maxDrawdownCents: null, maxDrawdownPct: null, observedMaxDrawdownCents: 0 });
  });
});
