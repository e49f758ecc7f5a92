/**
 * MAE / MFE summaries (maximum adverse / favourable excursion, J. Sweeney 1997), in ticks per
 * contract as recorded on each round trip (both >= 0). Trips without a value are skipped, so the
 * summary says how many trips it covers; it is null when none has one.
 *
 * Winners and losers use the same definition as the trade statistics (net P&L > 0 / < 0).
 * Median: type-7 quantile at 0.5 (see descriptive.ts).
 */
import { mean, median } from "./descriptive";
import type { StatisticsRoundTrip } from "./types";

export interface ExcursionFigures {
  /** Trips that carry this excursion. */
  count: number;
  meanTicks: number | null;
  medianTicks: number | null;
  maxTicks: number | null;
  /** Mean over winning trips that carry it. */
  meanWinnersTicks: number | null;
  /** Mean over losing trips that carry it. */
  meanLosersTicks: number | null;
}

export interface ExcursionSummary {
  mae: ExcursionFigures;
  mfe: ExcursionFigures;
}

export function summariseExcursions(trades: readonly StatisticsRoundTrip[]): ExcursionSummary | null {
  const mae = figures(trades, (t) => t.maeTicks);
  const mfe = figures(trades, (t) => t.mfeTicks);
  return mae.count === 0 && mfe.count === 0 ? null : { mae, mfe };
}

function figures(trades: readonly StatisticsRoundTrip[], pick: (t: StatisticsRoundTrip) => number | undefined): ExcursionFigures {
  const all: number[] = [];
  const winners: number[] = [];
  const losers: number[] = [];
  for (const t of trades) {
    const v = pick(t);
    if (v === undefined || !Number.isFinite(v)) continue;
    all.push(v);
    if (t.netCents > 0) winners.push(v);
    else if (t.netCents < 0) losers.push(v);
  }
  const orNull = (xs: number[], f: (xs: number[]) => number) => (xs.length === 0 ? null : f(xs));
  return {
    count: all.length,
    meanTicks: orNull(all, mean),
    medianTicks: orNull(all, median),
    maxTicks: orNull(all, (xs) => xs.reduce((m, x) => (x > m ? x : m), Number.NEGATIVE_INFINITY)),
    meanWinnersTicks: orNull(winners, mean),
    meanLosersTicks: orNull(losers, mean),
  };
}
