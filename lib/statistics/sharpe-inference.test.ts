import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalCdf } from "./normal";
import { deflatedSharpeRatio, expectedMaxSharpe, probabilisticSharpeRatio } from "./sharpe-inference";

describe("probabilisticSharpeRatio", () => {
  it("uses RAW kurtosis: a normal sample (g4 = 3) by hand", () => {
    // SR = 0.1 per period, n = 101, g3 = 0, g4 = 3:
    // z = 0.1 * sqrt(100) / sqrt(1 - 0 + (3 - 1)/4 * 0.01) = 1 / sqrt(1.005) = 0.997509
    // Phi(0.997509) = 0.8407413 (scipy). Plugging excess kurtosis 0 instead would give
    // 1 / sqrt(0.9975) -> 0.8416476: the two must differ.
    const psr = probabilisticSharpeRatio({ sharpe: 0.1, n: 101, skewness: 0, kurtosis: 3 });
    expect(psr).toBeCloseTo(0.8407413278013518, 9);
    expect(psr).not.toBeCloseTo(0.8416475880265404, 5);
  });

  it("penalises negative skew and fat tails, and measures against SR*", () => {
    const base = { sharpe: 0.15, n: 250, skewness: 0, kurtosis: 3 };
    const p0 = probabilisticSharpeRatio(base)!;
    expect(probabilisticSharpeRatio({ ...base, skewness: -1 })!).toBeLessThan(p0);
    expect(probabilisticSharpeRatio({ ...base, kurtosis: 10 })!).toBeLessThan(p0);
    // SR* = SR gives exactly one half.
    expect(probabilisticSharpeRatio(base, 0.15)).toBe(0.5);
    // Direct formula: Phi((0.15 - 0.05) sqrt(249) / sqrt(1 + 0.5 * 0.0225)).
    expect(probabilisticSharpeRatio(base, 0.05)).toBeCloseTo(normalCdf((0.1 * Math.sqrt(249)) / Math.sqrt(1 + 0.5 * 0.0225)), 14);
  });

  it("is null when undefined", () => {
    expect(probabilisticSharpeRatio({ sharpe: 0.1, n: 1, skewness: 0, kurtosis: 3 })).toBeNull();
    expect(probabilisticSharpeRatio({ sharpe: Number.NaN, n: 10, skewness: 0, kurtosis: 3 })).toBeNull();
    // 1 - g3 SR + (g4 - 1)/4 SR^2 = 1 - 5*1 + 0 < 0
    expect(probabilisticSharpeRatio({ sharpe: 1, n: 10, skewness: 5, kurtosis: 1 })).toBeNull();
  });

  it("always lies in [0, 1]", () => {
    fc.assert(
      fc.property(
        fc.double({ min: -2, max: 2, noNaN: true }),
        fc.integer({ min: 2, max: 5000 }),
        fc.double({ min: -5, max: 5, noNaN: true }),
        fc.double({ min: 1, max: 50, noNaN: true }),
        fc.double({ min: -1, max: 1, noNaN: true }),
        (sharpe, n, skewness, kurtosis, benchmark) => {
          const p = probabilisticSharpeRatio({ sharpe, n, skewness, kurtosis }, benchmark);
          return p === null || (p >= 0 && p <= 1);
        },
      ),
    );
  });
});

describe("deflatedSharpeRatio", () => {
  it("reproduces the published example of Bailey & Lopez de Prado (2014)", () => {
    // "The Deflated Sharpe Ratio", numerical example: best of N = 100 trials with annualised
    // SR = 2.5, V[SR] = 0.5 (annualised), T = 1250 daily observations, skew -3, kurtosis 10,
    // 250 days a year. Paper: SR0 ~ 0.1132 per day, DSR ~ 0.9004.
    const perDay = (annual: number) => annual / Math.sqrt(250);
    const out = deflatedSharpeRatio({ sharpe: perDay(2.5), n: 1250, skewness: -3, kurtosis: 10, trialSharpeVariance: 0.5 / 250, trials: 100 });
    expect(out.expectedMaxSharpe).toBeCloseTo(0.1132, 4);
    expect(out.dsr).toBeCloseTo(0.9004, 4);
  });

  it("has no deflation with one trial and grows SR0 with the number of trials", () => {
    expect(expectedMaxSharpe(0.01, 1)).toBe(0);
    const sr0 = [2, 10, 100, 1000].map((n) => expectedMaxSharpe(0.01, n));
    for (let i = 1; i < sr0.length; i++) expect(sr0[i]).toBeGreaterThan(sr0[i - 1]);
    expect(() => expectedMaxSharpe(0.01, 0)).toThrow(RangeError);
    expect(() => expectedMaxSharpe(-1, 10)).toThrow(RangeError);
  });
});
