/**
 * The outcome of a backtest run. Money in integer cents (USD mirrors are cents / 100 for display);
 * times as bigint ns, except the equity series, which is for charts: `tsMs` are ms since the epoch
 * (floored).
 *
 * Equity series: one point at the first trade (starting cash), one at the end of every equity
 * interval that held trades (default 60 s, marked at the interval's last trade), one after every
 * fill (marked at the trade it filled against), and a final point at the last trade. Its size is
 * bounded by duration / interval + fills + 2, whatever the number of events.
 */
import type { Fill } from "./fill";
import type { Order } from "./order";
import type { ExecutedRoll, RunRollSchedule } from "./roll";
import type { RoundTrip } from "./round-trip";

export interface BacktestMetrics {
  /** grossPnlCents - feesCents; equals the change in equity (the run ends flat). */
  readonly netPnlCents: number;
  /** Realised P&L before fees. */
  readonly grossPnlCents: number;
  readonly feesCents: number;
  readonly roundTrips: number;
  /** Round trips with netCents > 0. */
  readonly winners: number;
  /** Round trips with netCents < 0 (net zero counts as neither). */
  readonly losers: number;
  readonly netPnlUsd: number;
  readonly grossPnlUsd: number;
  readonly feesUsd: number;
}

export interface EquitySeries {
  readonly tsMs: number[];
  readonly equityCents: number[];
}

/** One daily settlement (engine option dailySettlement): the position marked to the session's last trade. */
export interface Settlement {
  readonly sessionDate: string;
  /** The session close, ns since the epoch. */
  readonly tsNs: bigint;
  readonly priceTicks: number;
  readonly positionQty: number;
  /** Unrealised P&L since the entry or the previous settlement, moved to realised (cash), cents. */
  readonly variationCents: number;
}

/**
 * An exchange halt the run applied (market-hours.ts): the dataset's `halt` flag in the run's window
 * (set by the replay, lib/runs/backtest-replay.ts), market closed in [fromNs, toNs).
 */
export interface AppliedHalt {
  readonly fromNs: bigint;
  readonly toNs: bigint;
  /** From the status records (lib/data/import/halt-intervals.ts), e.g. "halt", "pause"; null when unknown. */
  readonly action: string | null;
  readonly reason: string | null;
}

export interface BacktestResult {
  /** Trades replayed. */
  readonly events: number;
  readonly trades: RoundTrip[];
  readonly fills: Fill[];
  /** Orders still working at the end of data, cancelled there (e.g. the final bar's signal). */
  readonly cancelledOrders: Order[];
  readonly equity: EquitySeries;
  readonly metrics: BacktestMetrics;
  readonly startingCashCents: number;
  readonly finalEquityCents: number;
  /** Always 0: a position open at the end of data is closed at the last trade price. */
  readonly finalPositionQty: number;
  /** Present when the run settles daily. */
  readonly settlements?: Settlement[];
  /** Contract rolls executed (continuous datasets, roll.ts); present when there was at least one. */
  readonly rolls?: ExecutedRoll[];
  /** The roll schedule of a continuous dataset (set by the replay, lib/runs/backtest-replay.ts). */
  readonly rollSchedule?: RunRollSchedule;
  /** Exchange halts applied (the dataset's halt flags in the run's window); present when there was at least one. */
  readonly halts?: AppliedHalt[];
}

export function centsToUsd(cents: number): number {
  return cents / 100;
}

export function computeMetrics(trades: readonly RoundTrip[], grossPnlCents: number, feesCents: number): BacktestMetrics {
  let winners = 0;
  let losers = 0;
  for (const trade of trades) {
    if (trade.netCents > 0) winners++;
    else if (trade.netCents < 0) losers++;
  }
  const netPnlCents = grossPnlCents - feesCents;
  return {
    netPnlCents,
    grossPnlCents,
    feesCents,
    roundTrips: trades.length,
    winners,
    losers,
    netPnlUsd: centsToUsd(netPnlCents),
    grossPnlUsd: centsToUsd(grossPnlCents),
    feesUsd: centsToUsd(feesCents),
  };
}
