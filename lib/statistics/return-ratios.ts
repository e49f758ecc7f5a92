/**
 * Risk-adjusted ratios of the daily (session-date) returns r_1..r_n.
 *
 * - risk-free: rf_d = (1 + rfAnnual)^(1/P) - 1 per period (P = periodsPerYear, default 252;
 *   rfAnnual default 0); excess returns x_d = r_d - rf_d.
 * - Sharpe (per period) = mean(x) / std(x), sample std (n - 1); annualised Sharpe = that * sqrt(P).
 *   Null for n < 2 or zero variance.
 * - Sortino = mean(x) / DD * sqrt(P), DD = sqrt((1/n) sum min(0, x_d)^2): downside deviation of the
 *   EXCESS returns below a target of 0 (i.e. below the risk-free rate) averaged over ALL n periods.
 *   DD = 0 gives null, flagged infinite when mean(x) > 0.
 * - annualised return (CAGR) = (prod(1 + r_d))^(P / n) - 1, i.e. compounding over the n sessions.
 * - annualised volatility = std(r) * sqrt(P).
 * - Calmar = annualised return / max drawdown % (a fraction, from the equity series), over the whole
 *   run rather than the traditional trailing 36 months; null when the max drawdown % is 0 or null.
 * - skewness g1 and RAW kurtosis b2 of x (moment estimators, not bias-adjusted; descriptive.ts).
 * - PSR(SR*) on the per-period Sharpe with that skewness and raw kurtosis (sharpe-inference.ts).
 */
import { downsideDeviation, isZeroSpread, moments, type Moments } from "./descriptive";
import { probabilisticSharpeRatio } from "./sharpe-inference";

export interface ReturnRatioOptions {
  riskFreeRateAnnual: number;
  periodsPerYear: number;
  /** SR* of the PSR, per period. */
  psrBenchmarkSharpe: number;
}

export interface ReturnStatistics {
  observations: number;
  meanReturn: number | null;
  /** Sample std of the returns, per period. */
  volatility: number | null;
  annualisedVolatility: number | null;
  annualisedReturn: number | null;
  riskFreeRatePerPeriod: number;
  sharpePerPeriod: number | null;
  sharpe: number | null;
  sortino: number | null;
  sortinoInfinite: boolean;
  calmar: number | null;
  skewness: number | null;
  kurtosis: number | null;
  psr: number | null;
  bestReturn: number | null;
  worstReturn: number | null;
  positivePeriods: number;
  negativePeriods: number;
}

export function riskFreePerPeriod(riskFreeRateAnnual: number, periodsPerYear: number): number {
  return (1 + riskFreeRateAnnual) ** (1 / periodsPerYear) - 1;
}

/** Annualised Sharpe of a return series; null for n < 2 or zero variance. */
export function annualisedSharpe(returns: readonly number[], rfPerPeriod: number, periodsPerYear: number): number | null {
  const sr = sharpePerPeriod(returns, rfPerPeriod);
  return sr === null ? null : sr * Math.sqrt(periodsPerYear);
}

export function sharpePerPeriod(returns: readonly number[], rfPerPeriod: number): number | null {
  return sharpeOf(moments(returns.map((r) => r - rfPerPeriod)));
}

const sharpeOf = (m: Moments): number | null => (m.std === null || isZeroSpread(m.std, m.mean) ? null : m.mean / m.std);

export function computeReturnStatistics(returns: readonly number[], maxDrawdownPct: number | null, options: ReturnRatioOptions): ReturnStatistics {
  const n = returns.length;
  const P = options.periodsPerYear;
  const rf = riskFreePerPeriod(options.riskFreeRateAnnual, P);
  const excess = returns.map((r) => r - rf);
  const raw = moments(returns);
  const x = moments(excess);
  const srDaily = sharpeOf(x);
  const dd = n === 0 ? 0 : downsideDeviation(excess, 0);
  let growth = 1;
  for (const r of returns) growth *= 1 + r;
  const annualisedReturn = n === 0 || growth < 0 ? null : growth ** (P / n) - 1;
  let best: number | null = null;
  let worst: number | null = null;
  let positive = 0;
  let negative = 0;
  for (const r of returns) {
    if (best === null || r > best) best = r;
    if (worst === null || r < worst) worst = r;
    if (r > 0) positive++;
    else if (r < 0) negative++;
  }
  return {
    observations: n,
    meanReturn: n === 0 ? null : raw.mean,
    volatility: raw.std,
    annualisedVolatility: raw.std === null ? null : raw.std * Math.sqrt(P),
    annualisedReturn,
    riskFreeRatePerPeriod: rf,
    sharpePerPeriod: srDaily,
    sharpe: srDaily === null ? null : srDaily * Math.sqrt(P),
    sortino: n > 0 && dd > 0 ? (x.mean / dd) * Math.sqrt(P) : null,
    sortinoInfinite: n > 0 && dd === 0 && x.mean > 0,
    calmar: annualisedReturn !== null && maxDrawdownPct !== null && maxDrawdownPct > 0 ? annualisedReturn / maxDrawdownPct : null,
    skewness: x.skewness,
    kurtosis: x.kurtosis,
    psr:
      srDaily === null || x.skewness === null || x.kurtosis === null
        ? null
        : probabilisticSharpeRatio({ sharpe: srDaily, n, skewness: x.skewness, kurtosis: x.kurtosis }, options.psrBenchmarkSharpe),
    bestReturn: best,
    worstReturn: worst,
    positivePeriods: positive,
    negativePeriods: negative,
  };
}
