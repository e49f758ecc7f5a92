/**
 * Descriptive statistics shared by the other modules.
 *
 * Conventions (stated once, used everywhere):
 * - variance and standard deviation are SAMPLE estimates (divisor n - 1);
 * - skewness is the moment estimator g1 = m3 / m2^(3/2) and kurtosis the RAW moment estimator
 *   b2 = m4 / m2^2 (normal = 3), with central moments m_k = (1/n) sum (x - mean)^k, i.e. NOT
 *   bias-adjusted (scipy.stats skew / kurtosis(fisher=False) with bias=True; the estimators used by
 *   Bailey & Lopez de Prado for the PSR);
 * - a series is treated as having zero variance when std <= 1e-10 |mean| (floating-point noise of
 *   a constant series), which turns ratios that divide by it into null;
 * - quantiles interpolate linearly between order statistics (Hyndman-Fan type 7, numpy's default,
 *   Excel PERCENTILE.INC): q(p) = x[h] + (h - floor h)(x[h+1] - x[h]) at h = (n - 1) p, 0-based.
 *
 * Moments are accumulated in one streaming pass (Welford; Terriberry's extension to m3, m4), which
 * stays accurate when the mean is large relative to the spread.
 */

export interface Moments {
  n: number;
  mean: number;
  /** Sample variance (n - 1); null below two observations. */
  variance: number | null;
  /** Sample standard deviation; null below two observations. */
  std: number | null;
  /** g1 = m3 / m2^1.5; null below two observations or at zero variance. */
  skewness: number | null;
  /** Raw kurtosis b2 = m4 / m2^2 (normal = 3); null below two observations or at zero variance. */
  kurtosis: number | null;
}

export function moments(xs: readonly number[]): Moments {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (const x of xs) {
    const n1 = n;
    n++;
    const delta = x - mean;
    const deltaN = delta / n;
    const deltaN2 = deltaN * deltaN;
    const term1 = delta * deltaN * n1;
    mean += deltaN;
    m4 += term1 * deltaN2 * (n * n - 3 * n + 3) + 6 * deltaN2 * m2 - 4 * deltaN * m3;
    m3 += term1 * deltaN * (n - 2) - 3 * deltaN * m2;
    m2 += term1;
  }
  if (n < 2) return { n, mean: n === 0 ? Number.NaN : mean, variance: null, std: null, skewness: null, kurtosis: null };
  const variance = m2 / (n - 1);
  const std = Math.sqrt(variance);
  if (isZeroSpread(std, mean)) return { n, mean, variance, std, skewness: null, kurtosis: null };
  return { n, mean, variance, std, skewness: (Math.sqrt(n) * m3) / m2 ** 1.5, kurtosis: (n * m4) / (m2 * m2) };
}

/** True when a standard deviation is zero up to floating-point noise (see module comment). */
export function isZeroSpread(std: number, mean: number): boolean {
  return !(std > 1e-10 * Math.abs(mean));
}

export function sum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

export function mean(xs: readonly number[]): number {
  return xs.length === 0 ? Number.NaN : sum(xs) / xs.length;
}

/**
 * Downside deviation below `target`: sqrt( (1/n) sum min(0, x - target)^2 ) over ALL n
 * observations (not only the ones below target) - Sortino & Price's lower partial moment of order 2.
 */
export function downsideDeviation(xs: readonly number[], target = 0): number {
  if (xs.length === 0) return Number.NaN;
  let s = 0;
  for (const x of xs) {
    const d = Math.min(0, x - target);
    s += d * d;
  }
  return Math.sqrt(s / xs.length);
}

/** Type-7 quantile of an ascending array, p in [0, 1]. NaN for an empty array. */
export function quantileSorted(sorted: readonly number[], p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * Math.min(1, Math.max(0, p));
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

export function quantile(xs: readonly number[], p: number): number {
  return quantileSorted([...xs].sort((a, b) => a - b), p);
}

export function median(xs: readonly number[]): number {
  return quantile(xs, 0.5);
}
