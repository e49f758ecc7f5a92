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
 * `l1-trades` (trade prints only, no book; p = trade price, "better" = lower for a buy):
 * - market: fills entirely at the first trade at or after submission + latency, at p moved
 *   `slippageTicks` against the order.
 * - limit L, resting: a buy fills at L when a trade prints through it (p < L); a trade exactly at
 *   L does not fill ("through", the default), because trade-only data says nothing about our queue
 *   position at L. `limitFillRule: "touch"` fills at p <= L (optimistic: assumes we were first in
 *   the queue). A resting limit fills at L, never better, without slippage. Sells mirror it.
 * - limit L, marketable (the last trade was already at or through L when it was sent or modified,
 *   or no trade had been seen): at its first matchable trade it acts as an aggressor - if p <= L
 *   (buy) it fills at p + slippage, capped at L (rule "marketable"); otherwise it rests as above.
 * - stop S (stop-market): a buy stop is elected by a trade at p >= S (sell: p <= S) and fills on
 *   that trade at p + slippage - a gap through S fills at the gap price, never at S unless p = S.
 * - stop-limit S/L: elected like a stop; on the electing trade it is a marketable limit (fills at p,
 *   capped at L, if p is within L), otherwise it rests as a limit by the rule above.
 * - trailing stop: elected like a stop at its current stop price (the engine moves the stop with
 *   the best price, see order.ts) and fills on the electing trade at p + slippage ("trailing-stop").
 * - market-if-touched T: a buy is elected by a trade at p <= T (a sell at p >= T) and fills on that
 *   trade at p + slippage: a gap through T fills at the gap price (better than T).
 * - an elected stop-like order whose fill was capped by trade size fills its rest as a market
 *   order at the following trades ("triggered").
 * Stop prices need not be on the "right" side of the market: a buy stop below the last price is
 *   elected by the next trade.
 *
 * Trade size (the engine applies it, see engine.ts): with `partialFills` (the conservative choice)
 * a limit-like fill takes at most the size of the trade left after our earlier fills on it, the
 * order keeps the rest; with `marketFillsTradeSize` market-like fills (market, stop, trailing stop,
 * MIT) are capped the same way. Without them (the defaults, and the sma-cross reference) an order
 * fills whole on one trade. Known limitation: there is no book, so no spread is paid beyond the
 * configured slippage. Later models (l1-quotes, l2-queue, l3-fifo) add `matchQuote`/`matchBook`
 * style entry points for their events and queue state.
 */
import type { TradeColumns } from "../market/trade-columns";
import { AppError } from "../errors";
import type { FillRule } from "./fill";
import { remainingQty, type Order, type Side } from "./order";

export type FillModelName = "l1-trades";

export const FILL_MODEL_NAMES: readonly FillModelName[] = ["l1-trades"];

/** When a resting limit fills on trade-only data: on a print through its price, or at its price. */
export type LimitFillRule = "through" | "touch";

export const LIMIT_FILL_RULES: readonly LimitFillRule[] = ["through", "touch"];

export interface FillModelOptions {
  /** Entry latency in ns (integer >= 0): an order submitted at t is matchable from t + latencyNs. */
  readonly latencyNs: number;
  /** Adverse slippage in ticks (integer >= 0) added to buys and subtracted from sells. */
  readonly slippageTicks: number;
  /** Resting-limit rule (default "through"). */
  readonly limitFillRule: LimitFillRule;
  /** Limit-like fills take at most the trade's (remaining) size (default false). */
  readonly partialFills: boolean;
  /** Market-like fills take at most the trade's (remaining) size (default false). */
  readonly marketFillsTradeSize: boolean;
}

export const DEFAULT_FILL_MODEL_OPTIONS: FillModelOptions = {
  latencyNs: 0,
  slippageTicks: 0,
  limitFillRule: "through",
  partialFills: false,
  marketFillsTradeSize: false,
};

/**
 * Output slot of a match: qty 0 means no fill. `triggered` is set when the trade elected a stop or
 * stop-limit (the engine records the trigger); `rule` names the rule of a non-market fill.
 */
export interface TradeMatch {
  qty: number;
  priceTicks: number;
  triggered?: boolean;
  rule?: FillRule | undefined;
}

export interface FillModel {
  readonly name: FillModelName;
  readonly latencyNs: number;
  readonly slippageTicks: number;
  readonly limitFillRule: LimitFillRule;
  readonly partialFills: boolean;
  readonly marketFillsTradeSize: boolean;
  /**
   * Price band of a resting order: the engine must deliver a trade to it when p <= the returned
   * `atOrBelow` or p >= `atOrAbove` (either may be +-Infinity); trades strictly inside cannot touch it.
   * Only called for orders that are neither market nor marketable, nor elected stop-like orders,
   * nor trailing stops without a reference price yet.
   */
  wakeBand(order: Readonly<Order>, out: PriceBand): void;
  matchTrade(order: Readonly<Order>, trades: TradeColumns, i: number, out: TradeMatch): void;
}

export interface PriceBand {
  atOrBelow: number;
  atOrAbove: number;
}

export class L1TradesFillModel implements FillModel {
  readonly name = "l1-trades" as const;
  readonly latencyNs: number;
  readonly slippageTicks: number;
  readonly limitFillRule: LimitFillRule;
  readonly partialFills: boolean;
  readonly marketFillsTradeSize: boolean;
  /** 1 with "through" (a buy needs p <= L - 1), 0 with "touch". */
  private readonly throughTicks: number;

  constructor(options: FillModelOptions = DEFAULT_FILL_MODEL_OPTIONS) {
    this.latencyNs = options.latencyNs;
    this.slippageTicks = options.slippageTicks;
    this.limitFillRule = options.limitFillRule;
    this.partialFills = options.partialFills ?? false;
    this.marketFillsTradeSize = options.marketFillsTradeSize ?? false;
    this.throughTicks = options.limitFillRule === "through" ? 1 : 0;
  }

  wakeBand(order: Readonly<Order>, out: PriceBand): void {
    out.atOrBelow = -Infinity;
    out.atOrAbove = Infinity;
    if (order.type === "market") return;
    if (order.type === "limit" || (order.type === "stop-limit" && order.trigger !== null)) {
      if (order.side === 1) out.atOrBelow = order.limitPriceTicks - this.throughTicks;
      else out.atOrAbove = order.limitPriceTicks + this.throughTicks;
    } else if (order.type === "trailing-stop") {
      // Wake on an election or on a new best price (which moves the stop).
      if (order.stopPriceTicks === null || order.bestPriceTicks === null) return;
      if (order.side === 1) {
        out.atOrAbove = order.stopPriceTicks;
        out.atOrBelow = order.bestPriceTicks - 1;
      } else {
        out.atOrBelow = order.stopPriceTicks;
        out.atOrAbove = order.bestPriceTicks + 1;
      }
    } else if (order.type === "market-if-touched") {
      if (order.side === 1) out.atOrBelow = order.triggerPriceTicks;
      else out.atOrAbove = order.triggerPriceTicks;
    } else if (order.side === 1) {
      out.atOrAbove = order.stopPriceTicks;
    } else {
      out.atOrBelow = order.stopPriceTicks;
    }
  }

  matchTrade(order: Readonly<Order>, trades: TradeColumns, i: number, out: TradeMatch): void {
    const p = trades.priceTicks[i];
    const side = order.side;
    out.rule = undefined;
    switch (order.type) {
      case "market":
        out.qty = remainingQty(order);
        out.priceTicks = p + side * this.slippageTicks;
        return;
      case "limit":
        this.matchLimit(side, order.limitPriceTicks, order.marketable, p, order, out);
        return;
      case "stop":
        if (order.trigger !== null) {
          this.matchTriggered(order, p, out);
        } else if (side * (p - order.stopPriceTicks) >= 0) {
          out.triggered = true;
          out.qty = remainingQty(order);
          out.priceTicks = p + side * this.slippageTicks;
          out.rule = "stop";
        }
        return;
      case "stop-limit":
        if (order.trigger !== null) {
          this.matchLimit(side, order.limitPriceTicks, order.marketable, p, order, out);
        } else if (side * (p - order.stopPriceTicks) >= 0) {
          out.triggered = true;
          this.matchLimit(side, order.limitPriceTicks, true, p, order, out);
        }
        return;
      case "trailing-stop":
        if (order.trigger !== null) {
          this.matchTriggered(order, p, out);
        } else if (order.stopPriceTicks !== null && side * (p - order.stopPriceTicks) >= 0) {
          out.triggered = true;
          out.qty = remainingQty(order);
          out.priceTicks = p + side * this.slippageTicks;
          out.rule = "trailing-stop";
        }
        return;
      case "market-if-touched":
        if (order.trigger !== null) {
          this.matchTriggered(order, p, out);
        } else if (side * (p - order.triggerPriceTicks) <= 0) {
          out.triggered = true;
          out.qty = remainingQty(order);
          out.priceTicks = p + side * this.slippageTicks;
          out.rule = "market-if-touched";
        }
        return;
    }
  }

  private matchTriggered(order: Readonly<Order>, p: number, out: TradeMatch): void {
    out.qty = remainingQty(order);
    out.priceTicks = p + order.side * this.slippageTicks;
    out.rule = "triggered";
  }

  private matchLimit(side: Side, limit: number, marketable: boolean, p: number, order: Readonly<Order>, out: TradeMatch): void {
    if (marketable) {
      if (side * (p - limit) <= 0) {
        const price = p + side * this.slippageTicks;
        out.qty = remainingQty(order);
        out.priceTicks = side * (price - limit) > 0 ? limit : price;
        out.rule = "marketable";
        return;
      }
    }
    if (side * (limit - p) >= this.throughTicks) {
      out.qty = remainingQty(order);
      out.priceTicks = limit;
      out.rule = this.throughTicks === 1 ? "limit-through" : "limit-touch";
    }
  }
}

export function createFillModel(name: FillModelName, options: Partial<FillModelOptions> = {}): FillModel {
  const resolved: FillModelOptions = { ...DEFAULT_FILL_MODEL_OPTIONS, ...options };
  if (!Number.isSafeInteger(resolved.latencyNs) || resolved.latencyNs < 0) {
    throw new AppError("bad_request", `latencyNs must be a non-negative integer, got ${resolved.latencyNs}`);
  }
  if (!LIMIT_FILL_RULES.includes(resolved.limitFillRule)) {
    throw new AppError("bad_request", `limitFillRule must be "through" or "touch", got ${String(resolved.limitFillRule)}`);
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
