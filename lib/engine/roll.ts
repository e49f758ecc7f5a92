/**
 * Contract rolls inside the engine: a run over a continuous dataset trades one real contract at a
 * time and moves to the next one at each roll point of the dataset's roll schedule
 * (lib/data/continuous-datasets.ts). The replay (lib/runs/backtest-replay.ts) feeds the old
 * contract's trades up to the roll instant, calls `BacktestEngine.roll(point)`, then feeds the new
 * contract's trades from the roll instant on. Prices are always the real contract's own prices:
 * nothing is adjusted for trading (adjusted series are for charts and indicators only,
 * lib/market/continuous-series.ts).
 *
 * What a roll does, at `atNs`, in this order:
 *   1. everything due strictly before `atNs` fires (bar closes, equity points, timers, expiries);
 *      events at exactly `atNs` fire after the roll, with the next trade;
 *   2. working orders are cancelled (they belong to the old contract; a strategy re-places them in
 *      onRoll if it wants them in the new one);
 *   3. an open position of q contracts is closed in the old contract at its last trade price at or
 *      before `atNs` and reopened (q contracts, same side) in the new contract at its first trade
 *      price at or after `atNs`: two fills, source "roll", both stamped `atNs`, each charged the fee
 *      per contract per side, no slippage or latency (the prices are the bounds a roll could get);
 *      the old leg realises its P&L, so round trips are split at the roll;
 *   4. the new contract's last trading time replaces the old one (trading stops there: expiry);
 *   5. onRoll(ctx, RollEvent) - also when flat (closedQty 0, no fills).
 * Roll fills ignore market hours: a roll at a session open (the calendar rule's roll instant) is
 * booked even though the market opens only at that instant.
 *
 * A roll before the first replayed trade (the strategy has not started) only switches the contract:
 * no fills and no onRoll.
 */

/** A roll as the replay hands it to the engine. */
export interface RollPoint {
  /** The roll instant, ns since the epoch: the old contract before it, the new one from it on. */
  readonly atNs: bigint;
  readonly fromContract: string;
  readonly toContract: string;
  /** Last trading time of the new contract, ns since the epoch (absent: never expires in the run). */
  readonly toLastTradeNs?: bigint;
  /** Price (ticks) and receive time of the new contract's first trade at or after `atNs`. */
  readonly toPriceTicks: number;
  readonly toTradeTsNs: bigint;
}

/** What onRoll receives (and the result records). */
export interface RollEvent {
  readonly atNs: bigint;
  readonly fromContract: string;
  readonly toContract: string;
  /** Signed position rolled over: closed in the old contract, reopened in the new one (0 when flat). */
  readonly closedQty: number;
  /** Old contract's last trade price at or before the roll, ticks (NaN when it never traded). */
  readonly fromPriceTicks: number;
  /** New contract's first trade price at or after the roll, ticks. */
  readonly toPriceTicks: number;
}

/** A roll as recorded in the result. */
export interface ExecutedRoll extends RollEvent {
  /** Ids of the roll's two fills (close, open), empty when flat. */
  readonly fillIds: readonly number[];
  /** Ids of the working orders cancelled by the roll. */
  readonly cancelledOrderIds: readonly number[];
}

/**
 * The roll schedule a run used (continuous datasets), recorded in its result for provenance: the
 * rule as stored with the dataset, the contracts in order and every roll point of the dataset
 * (also those outside the run's time range). Set by the replay, not by the engine.
 */
export interface RunRollSchedule {
  readonly rule: unknown;
  readonly contracts: readonly string[];
  readonly rolls: readonly { readonly atNs: string; readonly at: string; readonly sessionDate: string; readonly fromContract: string; readonly toContract: string }[];
}
