/**
 * Bootstrap confidence interval of the annualised Sharpe ratio (B. Efron, "Bootstrap methods",
 * 1979): B resamples of the n daily returns drawn WITH replacement (iid, so serial correlation is
 * ignored - a block bootstrap would be the refinement), the annualised Sharpe of each
 * (return-ratios.ts conventions), and the percentile interval [q((1-c)/2), q((1+c)/2)] with type-7
 * quantiles. Resamples with zero variance have no Sharpe and are left out (`validResamples`).
 * Deterministic: the draws come from SeededRandom(seed).
 */
import { SeededRandom } from "../market/random";
import { isZeroSpread, quantileSorted } from "./descriptive";

export interface SharpeBootstrapOptions {
  resamples: number;
  confidenceLevel: number;
  seed: number;
  riskFreePerPeriod: number;
  periodsPerYear: number;
}

export interface SharpeBootstrap {
  resamples: number;
  validResamples: number;
  confidenceLevel: number;
  seed: number;
  lower: number | null;
  median: number | null;
  upper: number | null;
}

export function bootstrapSharpe(returns: readonly number[], options: SharpeBootstrapOptions): SharpeBootstrap {
  const { resamples, confidenceLevel, seed, riskFreePerPeriod, periodsPerYear } = options;
  const n = returns.length;
  const sharpes: number[] = [];
  if (n >= 2) {
    const rng = new SeededRandom(seed);
    const sample = new Float64Array(n);
    const annualise = Math.sqrt(periodsPerYear);
    for (let b = 0; b < resamples; b++) {
      let total = 0;
      for (let i = 0; i < n; i++) {
        const x = returns[rng.int(n)] - riskFreePerPeriod;
        sample[i] = x;
        total += x;
      }
      const mean = total / n;
      let ss = 0;
      for (let i = 0; i < n; i++) ss += (sample[i] - mean) ** 2;
      const std = Math.sqrt(ss / (n - 1));
      if (!isZeroSpread(std, mean)) sharpes.push((mean / std) * annualise);
    }
  }
  sharpes.sort((a, b) => a - b);
  const q = (p: number) => (sharpes.length === 0 ? null : quantileSorted(sharpes, p));
  return {
    resamples,
    validResamples: sharpes.length,
    confidenceLevel,
    seed,
    lower: q((1 - confidenceLevel) / 2),
    median: q(0.5),
    upper: q((1 + confidenceLevel) / 2),
  };
}
