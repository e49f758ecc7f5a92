import { describe, expect, it } from "vitest";
import { normalCdf } from "./normal";
import { annualisedSharpe, computeReturnStatistics, riskFreePerPeriod } from "./return-ratios";

const opts = { riskFreeRateAnnual: 0, periodsPerYear: 252, psrBenchmarkSharpe: 0 };

describe("computeReturnStatistics on a hand-computed series", () => {
  // r = 0.01, -0.02, 0.03, 0.00; mean 0.005; deviations 0.005 -0.025 0.025 -0.005
  // sum of squares 0.0013 -> sample variance 0.0013/3, std 0.0208167; SR = 0.005 / 0.0208167 = 0.240192
  const r = [0.01, -0.02, 0.03, 0];
  const s = computeReturnStatistics(r, 0.02, opts);
  const std = Math.sqrt(0.0013 / 3);

  it("computes Sharpe per period and annualised with sqrt(252)", () => {
    expect(s.sharpePerPeriod).toBeCloseTo(0.005 / std, 14);
    expect(s.sharpe).toBeCloseTo((0.005 / std) * Math.sqrt(252), 12); // 3.81294
    expect(s.volatility).toBeCloseTo(std, 15);
    expect(s.annualisedVolatility).toBeCloseTo(std * Math.sqrt(252), 14);
  });

  it("computes Sortino with the downside deviation over all periods", () => {
    // shortfalls: only -0.02 -> sqrt(0.0004 / 4) = 0.01; 0.005 / 0.01 * sqrt(252) = 7.93725
    expect(s.sortino).toBeCloseTo(0.5 * Math.sqrt(252), 12);
  });

  it("computes the annualised return and Calmar", () => {
    // growth 1.01 * 0.98 * 1.03 * 1.00 = 1.019494; CAGR = 1.019494^(252/4) - 1 = 2.3746946
    expect(s.annualisedReturn).toBeCloseTo(1.019494 ** 63 - 1, 10);
    expect(s.calmar).toBeCloseTo((1.019494 ** 63 - 1) / 0.02, 8);
  });

  it("computes skewness, raw kurtosis and the PSR", () => {
    // m2 = 0.0013/4 = 3.25e-4, m3 = 0 (symmetric deviations), m4 = 2(0.005^4 + 0.025^4)/4 = 1.95625e-7
    // raw kurtosis = 1.95625e-7 / 3.25e-4^2 = 1.852071
    expect(s.skewness).toBeCloseTo(0, 12);
    expect(s.kurtosis).toBeCloseTo(1.95625e-7 / 3.25e-4 ** 2, 10);
    // PSR(0) = Phi(0.240192 sqrt(3) / sqrt(1 + (1.852071 - 1)/4 * 0.240192^2)) = Phi(0.413492) = 0.660377
    expect(s.psr).toBeCloseTo(0.6603769465599171, 9);
  });

  it("reports extremes and counts", () => {
    expect(s).toMatchObject({ observations: 4, bestReturn: 0.03, worstReturn: -0.02, positivePeriods: 2, negativePeriods: 1 });
  });
});

describe("risk-free rate", () => {
  it("converts the annual rate geometrically: (1 + 5%)^(1/252) - 1", () => {
    expect(riskFreePerPeriod(0.05, 252)).toBeCloseTo(0.00019363050654397362, 16);
  });

  it("subtracts the per-period rate before the Sharpe, Sortino and PSR", () => {
    const r = [0.01, -0.02, 0.03, 0];
    const rf = riskFreePerPeriod(0.05, 252);
    const s = computeReturnStatistics(r, null, { ...opts, riskFreeRateAnnual: 0.05 });
    const std = Math.sqrt(0.0013 / 3);
    expect(s.sharpe).toBeCloseTo(((0.005 - rf) / std) * Math.sqrt(252), 12);
    // excess shortfalls: 0.01 - rf > 0, -0.02 - rf, 0.03 - rf > 0, 0 - rf
    const dd = Math.sqrt(((0.02 + rf) ** 2 + rf ** 2) / 4);
    expect(s.sortino).toBeCloseTo(((0.005 - rf) / dd) * Math.sqrt(252), 10);
    const sr = (0.005 - rf) / std;
    expect(s.psr).toBeCloseTo(normalCdf((sr * Math.sqrt(3)) / Math.sqrt(1 + ((s.kurtosis! - 1) / 4) * sr * sr)), 12);
    expect(s.calmar).toBeNull(); // no drawdown % given
    expect(annualisedSharpe(r, rf, 252)).toBeCloseTo(s.sharpe!, 14);
  });
});

describe("edge cases", () => {
  it("returns null Sharpe at zero variance and flags an infinite Sortino", () => {
    const s = computeReturnStatistics([0.01, 0.01, 0.01], 0, opts);
    expect(s).toMatchObject({ sharpe: null, sharpePerPeriod: null, sortino: null, sortinoInfinite: true, psr: null, calmar: null, skewness: null });
  });

  it("has nulls without returns and with one", () => {
    expect(computeReturnStatistics([], null, opts)).toMatchObject({ observations: 0, sharpe: null, meanReturn: null, annualisedReturn: null, sortino: null, sortinoInfinite: false });
    expect(computeReturnStatistics([0.01], 0.1, opts)).toMatchObject({ observations: 1, sharpe: null, volatility: null });
  });

  it("gives a total loss an annualised return of -100%", () => {
    expect(computeReturnStatistics([-0.5, -1], 1, opts).annualisedReturn).toBe(-1);
  });
});
