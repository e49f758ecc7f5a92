/**
 * Inputs of the statistics layer, as plain data. `StatisticsRoundTrip` is structurally the engine's
 * `RoundTrip` (lib/engine/round-trip.ts) plus optional excursions, so an engine result can be
 * passed as is; nothing here imports the engine.
 *
 * Units: money in integer cents, prices in index points, trade times in bigint ns since the epoch,
 * equity times in ms since the epoch.
 */

export interface StatisticsRoundTrip {
  /** 1 long, -1 short. */
  readonly side: 1 | -1;
  /** Contracts opened (and closed) during the round trip; > 0. */
  readonly qty: number;
  readonly entryTimeNs: bigint;
  readonly exitTimeNs: bigint;
  /** Average entry price, index points. */
  readonly entryPrice: number;
  /** Average exit price, index points. */
  readonly exitPrice: number;
  /** Gross P&L before fees, integer cents. */
  readonly pnlCents: number;
  /** Fees of both sides of every contract, integer cents. */
  readonly feesCents: number;
  /** pnlCents - feesCents. */
  readonly netCents: number;
  /** Maximum adverse excursion per contract, ticks, >= 0 (largest move against the average entry). */
  readonly maeTicks?: number;
  /** Maximum favourable excursion per contract, ticks, >= 0. */
  readonly mfeTicks?: number;
}

/** Mark-to-market equity over time; `tsMs` ascending, both arrays of the same length. */
export interface EquitySeriesInput {
  readonly tsMs: readonly number[];
  readonly equityCents: readonly number[];
}

export interface StatisticsInstrument {
  /** Minimum price increment, index points (MNQ 0.25). */
  readonly tickSize: number;
  /** Value of one tick for one contract, integer cents (MNQ 50). */
  readonly tickValueCents: number;
  /** Dollars per index point for one contract (MNQ 2). */
  readonly multiplier: number;
}

/** A half-open time range [fromMs, toMs), ms since the epoch. */
export type TimeRangeMs = readonly [fromMs: number, toMs: number];

export interface StatisticsOptions {
  /** Annual risk-free rate as a fraction (0.05 = 5 %). Default 0. */
  readonly riskFreeRateAnnual?: number;
  /** Return periods (sessions) per year for annualising. Default 252. */
  readonly periodsPerYear?: number;
  /** Roll weeks as [fromMs, toMs) ranges; trades exiting inside one count as "roll week". Default none. */
  readonly rollWeeks?: readonly TimeRangeMs[];
  /** Seed of every random draw (bootstrap, Monte Carlo). Default 0. */
  readonly seed?: number;
  /** Bootstrap resamples of the daily returns for the Sharpe CI. Default 1000. */
  readonly bootstrapResamples?: number;
  /** Confidence level of the bootstrap interval. Default 0.95. */
  readonly confidenceLevel?: number;
  /** Monte-Carlo paths of resampled trades for the max-drawdown distribution. Default 1000. */
  readonly monteCarloPaths?: number;
  /** Benchmark SR* of the Probabilistic Sharpe Ratio, per period (daily, not annualised). Default 0. */
  readonly psrBenchmarkSharpe?: number;
  /** Maximum points of each downsampled chart series (LTTB). Default 1000. */
  readonly chartPoints?: number;
}

export interface StatisticsInput {
  readonly trades: readonly StatisticsRoundTrip[];
  readonly equity: EquitySeriesInput;
  readonly startingCashCents: number;
  readonly instrument: StatisticsInstrument;
  readonly options?: StatisticsOptions;
}
