/**
 * Strategy API. A strategy is a plain module: metadata, a zod schema for its parameters (defaults,
 * bounds and descriptions drive validation and the UI form) and `create(params)`, which returns the
 * event handlers of one run. Handlers are called synchronously by the engine, in time order:
 *
 *   onStart  once, before the first event (clock = time of the first trade)
 *   onBar    when a time bar closes (clock = bar end; at end of data, the last trade time)
 *   onTrade  for every trade, after any bar close and fill it triggers (clock = trade time)
 *   onFill   after each fill of one of the strategy's orders (clock = fill time)
 *   onEnd    once, after the final bar, the cancellation of working orders and the end-of-data close
 *   onOrderRejected  synchronously, from inside submitLimit/submitStop/submitStopLimit/modify, when
 *            the venue refuses a request (the returned order has status "rejected"; a refused
 *            modification leaves the order as it was)
 *
 * Optional handlers cost nothing when absent: without `onTrade` the engine only looks at the
 * timestamps of trades between bar ends and fills.
 *
 * Orders submitted in a handler can fill only against trades delivered after that handler: an
 * order sent from onBar can fill at the trade that closed the bar (it arrives after the close), one
 * sent from onTrade(i) or onFill at trade i fills at a later trade.
 */
import type { z } from "zod";
import type { TradeColumns } from "../market/trade-columns";
import type { Fill } from "./fill";
import type { Instrument } from "./instrument";
import type { Order, OrderModification, OrderRejectReason, RestingOrderOptions, Side } from "./order";

/** A closed time bar [startNs, endNs): only its close is aggregated so far. */
export interface TimeBar {
  readonly startNs: bigint;
  readonly endNs: bigint;
  /** Price of the last trade in the bar, ticks. */
  readonly closeTicks: number;
}

export interface StrategyContext {
  /** Current simulation time, ns since the epoch. */
  readonly timeNs: bigint;
  readonly instrument: Instrument;
  /** The batch being replayed; `onTrade(ctx, i)` indexes into it. */
  readonly trades: TradeColumns;
  /** Price of the last delivered trade, ticks (NaN before the first trade). */
  readonly lastPriceTicks: number;
  readonly position: {
    /** Signed contracts. */
    readonly qty: number;
    /** Average entry of the open lots in ticks; null when flat. */
    readonly avgEntryTicks: number | null;
  };
  /** Signed remaining quantity of working orders (position + workingQty = position once they fill). */
  readonly workingQty: number;
  readonly account: {
    readonly equityCents: number;
    readonly realisedCents: number;
    readonly unrealisedCents: number;
    readonly feesCents: number;
  };
  /** Sends a market order; throws (strategy_failed) on an invalid side or quantity. */
  submitMarket(side: Side, qty: number): Readonly<Order>;
  /** Sends a limit order at `priceTicks` (integer ticks); invalid requests are rejected (onOrderRejected). */
  submitLimit(side: Side, qty: number, priceTicks: number, opts?: RestingOrderOptions): Readonly<Order>;
  /** Sends a stop-market order elected at `stopTicks`; it may sit on either side of the market. */
  submitStop(side: Side, qty: number, stopTicks: number, opts?: RestingOrderOptions): Readonly<Order>;
  /** Sends a stop that, once elected at `stopTicks`, works as a limit at `limitTicks`. */
  submitStopLimit(side: Side, qty: number, stopTicks: number, limitTicks: number, opts?: RestingOrderOptions): Readonly<Order>;
  /** Cancels a working order at once; false if it is not working (unknown, filled, cancelled). */
  cancel(orderId: number): boolean;
  /**
   * Replaces price and/or quantity of a working limit/stop/stop-limit (same id, latency restarts);
   * false if it is not working or the change is rejected (onOrderRejected).
   */
  modify(orderId: number, change: OrderModification): boolean;
  /** Snapshot copies of the working orders, in submission order (allocates; not for every trade). */
  workingOrders(): readonly Readonly<Order>[];
  /** Seeded uniform random number in [0, 1): the only randomness a strategy may use. */
  random(): number;
}

export interface StrategyHandlers {
  /** Period of the time bars delivered to `onBar`, integer ns; required when `onBar` is defined. */
  readonly barIntervalNs?: number;
  onStart(ctx: StrategyContext): void;
  onTrade?(ctx: StrategyContext, i: number): void;
  onBar?(ctx: StrategyContext, bar: TimeBar): void;
  onFill?(ctx: StrategyContext, fill: Fill): void;
  onEnd?(ctx: StrategyContext): void;
  onOrderRejected?(ctx: StrategyContext, order: Readonly<Order>, reason: OrderRejectReason): void;
}

export interface StrategyModule<S extends z.ZodType = z.ZodType> {
  /** Stable identifier stored with runs, kebab-case. */
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly paramsSchema: S;
  create(params: z.output<S>): StrategyHandlers;
}

/** Identity helper that infers the parameter type of `create` from the schema. */
export function defineStrategy<S extends z.ZodType>(strategy: StrategyModule<S>): StrategyModule<S> {
  return strategy;
}
