/**
 * Inference on a Sharpe ratio: Probabilistic and Deflated Sharpe Ratios.
 *
 * PSR (Bailey & Lopez de Prado, "The Sharpe Ratio Efficient Frontier", 2012):
 *   PSR(SR*) = Phi( (SR - SR*) sqrt(n - 1) / sqrt(1 - g3 SR + (g4 - 1)/4 SR^2) )
 * with SR and SR* PER PERIOD (daily, not annualised), n observations, skewness g3 and RAW kurtosis
 * g4 (3 for a normal law; plugging in excess kurtosis is a known bug of public engines).
 *
 * DSR (Bailey & Lopez de Prado, "The Deflated Sharpe Ratio", 2014): DSR = PSR(SR0) with
 *   SR0 = sqrt(V) ((1 - gamma) Phi^-1(1 - 1/N) + gamma Phi^-1(1 - 1/(N e))),
 * gamma = Euler-Mascheroni, N independent trials, V the variance of the trials' (per-period) Sharpe
 * ratios. SR0 is the expected maximum Sharpe of N unskilled trials. With N = 1 there is no
 * selection and SR0 = 0 (the formula's Phi^-1(0) would be -Infinity).
 */
import { normalCdf, normalQuantile } from "./normal";

export const EULER_MASCHERONI = 0.5772156649015329;

export interface SharpeSample {
  /** Per-period Sharpe ratio (mean / sample std of the excess returns). */
  sharpe: number;
  /** Number of return observations. */
  n: number;
  /** Skewness g3 of the returns. */
  skewness: number;
  /** Raw kurtosis g4 of the returns (normal = 3). */
  kurtosis: number;
}

/** PSR(SR*) in [0, 1]; null when n < 2, an input is not finite, or the variance term is <= 0. */
export function probabilisticSharpeRatio(sample: SharpeSample, benchmarkSharpe = 0): number | null {
  const { sharpe, n, skewness, kurtosis } = sample;
  if (!(n >= 2) || ![sharpe, skewness, kurtosis, benchmarkSharpe].every(Number.isFinite)) return null;
  const radicand = 1 - skewness * sharpe + ((kurtosis - 1) / 4) * sharpe * sharpe;
  if (!(radicand > 0)) return null;
  return normalCdf(((sharpe - benchmarkSharpe) * Math.sqrt(n - 1)) / Math.sqrt(radicand));
}

/** SR0: expected maximum per-period Sharpe of `trials` independent unskilled trials. */
export function expectedMaxSharpe(trialSharpeVariance: number, trials: number): number {
  if (!Number.isInteger(trials) || trials < 1) throw new RangeError(`trials must be a positive integer, got ${trials}`);
  if (!(trialSharpeVariance >= 0)) throw new RangeError(`trialSharpeVariance must be >= 0, got ${trialSharpeVariance}`);
  if (trials === 1) return 0;
  const g = EULER_MASCHERONI;
  return Math.sqrt(trialSharpeVariance) * ((1 - g) * normalQuantile(1 - 1 / trials) + g * normalQuantile(1 - 1 / (trials * Math.E)));
}

export interface DeflatedSharpeInput extends SharpeSample {
  /** Variance of the per-period Sharpe ratios across the trials. */
  trialSharpeVariance: number;
  /** Number of independent trials (e.g. optimisation candidates). */
  trials: number;
}

export interface DeflatedSharpe {
  /** SR0, the deflated benchmark, per period. */
  expectedMaxSharpe: number;
  /** PSR(SR0) in [0, 1], or null when the PSR is undefined. */
  dsr: number | null;
}

export function deflatedSharpeRatio(input: DeflatedSharpeInput): DeflatedSharpe {
  const sr0 = expectedMaxSharpe(input.trialSharpeVariance, input.trials);
  return { expectedMaxSharpe: sr0, dsr: probabilisticSharpeRatio(input, sr0) };
}
