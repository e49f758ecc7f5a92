/**
 * Fill models decide whether and at what price a working order executes against a market event.
 * They are small and swappable (hftbacktest style); the engine owns time, accounts and records.
 *
 * Contract of `matchTrade`: the engine calls it only for orders that are active (submitted at s,
 * trade time >= s + latencyNs) and were working before the trade was delivered, so an order never
 * fills against the trade that made the strategy send it. It writes `qty` (0 = no fill,
 * never more than the order's remaining quantity) and `priceTicks` into `out` (reused, so matching
 * allocates nothing).
 *
 * `l1-trades`: a market order fills entirely at the price of the first trade at or after
 * submission + latency, moved `slippageTicks` against the order. Known limitations: trade size is
 * ignored (no volume cap, no partial fills) and there is no book, so no spread is paid beyond the
 * configured slippage. Later models (l1-quotes, l2-queue, l3-fifo) add `matchQuote`/`matchBook`
 * style entry points for their events and queue state.
 */
import type { TradeColumns } from "../market/trade-columns";
import { AppError } from "../errors";
import { remainingQty, type Order } from "./order";

export type FillModelName = "l1-trades";

export const FILL_MODEL_NAMES: readonly FillModelName[] = ["l1-trades"];

export interface FillModelOptions {
  /** Entry latency in ns (integer >= 0): an order submitted at t is matchable from t + latencyNs. */
  readonly latencyNs: number;
  /** Adverse slippage in ticks (integer >= 0) added to buys and subtracted from sells. */
  readonly slippageTicks: number;
}

export const DEFAULT_FILL_MODEL_OPTIONS: FillModelOptions = { latencyNs: 0, slippageTicks: 0 };

/** Output slot of a match: qty 0 means no fill. */
export interface TradeMatch {
  qty: number;
  priceTicks: number;
}

export interface FillModel {
  readonly name: FillModelName;
  readonly latencyNs: number;
  readonly slippageTicks: number;
  matchTrade(order: Readonly<Order>, trades: TradeColumns, i: number, out: TradeMatch): void;
}

export class L1TradesFillModel implements FillModel {
  readonly name = "l1-trades" as const;
  readonly latencyNs: number;
  readonly slippageTicks: number;

  constructor(options: FillModelOptions = DEFAULT_FILL_MODEL_OPTIONS) {
    this.latencyNs = options.latencyNs;
    this.slippageTicks = options.slippageTicks;
  }

  matchTrade(order: Readonly<Order>, trades: TradeColumns, i: number, out: TradeMatch): void {
    // Market orders only for now; a limit order will check trades.priceTicks[i] against its limit.
    out.qty = remainingQty(order);
    out.priceTicks = trades.priceTicks[i] + order.side * this.slippageTicks;
  }
}

export function createFillModel(name: FillModelName, options: Partial<FillModelOptions> = {}): FillModel {
  const resolved: FillModelOptions = { ...DEFAULT_FILL_MODEL_OPTIONS, ...options };
  if (!Number.isSafeInteger(resolved.latencyNs) || resolved.latencyNs < 0) {
    throw new AppError("bad_request", `latencyNs must be a non-negative integer, got ${resolved.latencyNs}`);
  }
  if (!Number.isSafeInteger(resolved.slippageTicks) || resolved.slippageTicks < 0) {
    throw new AppError("bad_request", `slippageTicks must be a non-negative integer, got ${resolved.slippageTicks}`);
  }
  switch (name) {
    case "l1-trades":
      return new L1TradesFillModel(resolved);
    default:
      throw new AppError("bad_request", `Unknown fill model: ${String(name)}`);
  }
}
