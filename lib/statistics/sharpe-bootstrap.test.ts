import { describe, expect, it } from "vitest";
import { SeededRandom } from "../market/random";
import { annualisedSharpe } from "./return-ratios";
import { bootstrapSharpe } from "./sharpe-bootstrap";

const base = { resamples: 2000, confidenceLevel: 0.95, seed: 7, riskFreePerPeriod: 0, periodsPerYear: 252 };
const normalReturns = (n: number, mean: number, sd: number, seed: number) => {
  const rng = new SeededRandom(seed);
  return Array.from({ length: n }, () => mean + sd * rng.normal());
};

describe("bootstrapSharpe", () => {
  it("replays exactly for a seed and moves with another seed", () => {
    const r = normalReturns(250, 0.001, 0.01, 1);
    expect(bootstrapSharpe(r, base)).toEqual(bootstrapSharpe(r, base));
    expect(bootstrapSharpe(r, { ...base, seed: 8 }).lower).not.toBe(bootstrapSharpe(r, base).lower);
  });

  it("brackets the sample Sharpe with about the asymptotic width", () => {
    // Lo (2002): for iid normal returns SE(SR per period) ~ sqrt((1 + SR^2 / 2) / n); a 95% interval
    // of the annualised SR is about 2 * 1.96 * sqrt(252) * SE wide - an independent check.
    const n = 1000;
    const r = normalReturns(n, 0.0008, 0.01, 3);
    const sr = annualisedSharpe(r, 0, 252)!;
    const ci = bootstrapSharpe(r, base);
    expect(ci.validResamples).toBe(2000);
    expect(ci.lower!).toBeLessThan(sr);
    expect(ci.upper!).toBeGreaterThan(sr);
    expect(ci.median!).toBeCloseTo(sr, 0);
    const daily = sr / Math.sqrt(252);
    const width = 2 * 1.959964 * Math.sqrt(252) * Math.sqrt((1 + (daily * daily) / 2) / n);
    expect((ci.upper! - ci.lower!) / width).toBeGreaterThan(0.85);
    expect((ci.upper! - ci.lower!) / width).toBeLessThan(1.15);
  });

  it("narrows with a lower confidence level", () => {
    const r = normalReturns(300, 0.001, 0.01, 4);
    const wide = bootstrapSharpe(r, base);
    const narrow = bootstrapSharpe(r, { ...base, confidenceLevel: 0.5 });
    expect(narrow.upper! - narrow.lower!).toBeLessThan(wide.upper! - wide.lower!);
  });

  it("has no interval below two returns or at zero variance", () => {
    expect(bootstrapSharpe([0.01], base)).toMatchObject({ validResamples: 0, lower: null, upper: null, median: null });
    expect(bootstrapSharpe([0.01, 0.01, 0.01], base)).toMatchObject({ validResamples: 0, lower: null });
  });
});
