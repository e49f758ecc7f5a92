/**
 * Fills: immutable records of executions. Every fill says why it happened (which model, against
 * which market event, with which latency and slippage), so a result can be audited trade by trade.
 */
import type { Side, StopTrigger } from "./order";

/**
 * Which rule of the fill model produced a fill of a non-market order (absent on market orders and
 * end-of-data closes): "marketable" = an aggressive limit filled at the trade price (capped at its
 * limit); "limit-through" / "limit-touch" = a resting limit filled at its own price; "stop" = a
 * stop-market filled at the electing trade; "trailing-stop" = a trailing stop filled at the electing
 * trade; "market-if-touched" = an MIT filled at the touching trade; "triggered" = the rest of an
 * elected stop-like order, filled as a market order after a fill capped by trade size.
 */
export type FillRule = "marketable" | "limit-through" | "limit-touch" | "stop" | "trailing-stop" | "market-if-touched" | "triggered" | BookFillRule;

/**
 * Rules of the book fill models (lib/engine/book): "queue" = trades at the order's price consumed
 * the size ahead of it and reached it; "trade-through" = a trade printed through its price;
 * "opposite-cross" = the opposite side's best reached its price; "book-walk" = an aggressive order
 * took displayed levels (l1-quotes: the opposite best).
 */
export type BookFillRule = "queue" | "trade-through" | "opposite-cross" | "book-walk";

/**
 * `l1-trades`: matched by the fill model; `end-of-data`: the engine closed the position at the
 * last trade; `expiry`: the engine closed it at the last trade before the contract's last trading time;
 * `roll`: one leg of a contract roll (close in the old contract, open in the new one; roll.ts).
 */
export type FillSource = "l1-trades" | "end-of-data" | "expiry" | "roll" | BookFillModelName;

/** Fill models over order-book data (lib/engine/book). */
export type BookFillModelName = "l1-quotes" | "l2-queue" | "l3-fifo";

export interface FillReason {
  readonly model: FillSource;
  /** Ordinal (from 0) of the batch holding the trade the order filled against. */
  readonly batch: number;
  /** Index of that trade inside its batch. */
  readonly tradeIndex: number;
  /** Receive time of that trade, ns since the epoch. */
  readonly tradeTsNs: bigint;
  /** Entry latency applied between submission and the earliest matchable event, ns. */
  readonly latencyNs: number;
  /** Adverse slippage applied to the trade price, ticks. */
  readonly slippageTicks: number;
  /** Rule that matched a limit, stop or stop-limit order. */
  readonly rule?: FillRule;
  /** The stop price and the trade that elected it (stop and stop-limit orders). */
  readonly trigger?: StopTrigger & { readonly stopPriceTicks: number };
  /**
   * Response latency: the strategy learned of the fill (onFill) this many ns after it happened.
   * Present only when the run has a response leg.
   */
  readonly responseLatencyNs?: number;
  /** Present when the fill was capped by the size of the trade (partial fills): what was left. */
  readonly partial?: { readonly tradeSizeLeft: number; readonly remainingQty: number };
  /** Contracts ahead of the order in the queue at its price when it filled (queue models only). */
  readonly queuePosition?: number;
}

export interface Fill {
  /** Sequential per run, from 1. */
  readonly id: number;
  readonly orderId: number;
  readonly side: Side;
  readonly qty: number;
  readonly priceTicks: number;
  /** Simulation time of the execution, ns since the epoch. */
  readonly tsNs: bigint;
  /** Fees charged for this fill: qty x fee per contract per side. */
  readonly feeCents: number;
  readonly reason: FillReason;
}
