/**
 * Strategy API. A strategy is a plain module: metadata, a zod schema for its parameters (defaults,
 * bounds and descriptions drive validation and the UI form) and `create(params)`, which returns the
 * event handlers of one run. Handlers are called synchronously by the engine, in time order:
 *
 *   onStart  once, before the first event (clock = time of the first trade)
 *   onBar    when a time bar closes (clock = bar end; at end of data, the last trade time - the
 *            book engine: the last record's time; OHLCV with `timeBarOhlcv`, see TimeBar); with
 *            `barSpec`, when an activity bar closes: a tick or volume bar right after its last trade
 *            was delivered to working orders (its fills and onFill first), before onTrade of that
 *            trade; a range bar before the trade that breaks it (after events due earlier, before
 *            those due at that trade's time); clock = that trade's time (at end of data, the last)
 *   onTrade  for every trade, after any bar close and fill it triggers (clock = trade time)
 *   onFill   after each fill of one of the strategy's orders (clock = fill time, or fill time +
 *            response latency when the run has a response leg)
 *   onTimer  when a timer set with ctx.setTimer fires (clock = its time, before any trade at or after it)
 *   onSessionOpen / onSessionClose  as the clock crosses a session's open / close on the CME
 *            calendar (clock = the boundary, before any later trade; a run starting inside a session
 *            gets onSessionOpen right after onStart, at the first trade's time). Halts inside a
 *            session and the final close after the last trade fire nothing.
 *   onRoll   at each contract roll of a continuous dataset, after the roll's two fills (roll.ts;
 *            clock = the roll instant, before any trade of the new contract)
 *   onEnd    once, after the final bar, the cancellation of working orders and the end-of-data close
 *   onOrderRejected  synchronously, from inside the submit* calls and modify, when the venue
 *            refuses a request (the returned order has status "rejected"; a refused modification
 *            leaves the order as it was). submitMarket throws on an invalid side or quantity, and
 *            is rejected (this handler) only while the market is closed or the contract expired
 *
 * Optional handlers cost nothing when absent: without `onTrade` the engine only looks at the
 * timestamps of trades between bar ends and fills. At equal times: a bar close, then an equity
 * point, then session boundaries and contract expiry, then other scheduled events (timers, delayed
 * fill reports, order expiries) in the order they were scheduled, then the trade.
 *
 * The clock is the local receipt time of the data (ts_recv): the strategy sees a trade when it
 * arrived, so feed latency is already in the data.
 *
 * Orders submitted in a handler can fill only against trades delivered after that handler: an
 * order sent from onBar can fill at the trade that closed the bar (it arrives after the close; for
 * a range bar, the trade that broke it; a tick or volume bar's last trade is already delivered, so
 * the next one), one sent from onTrade(i) or onFill at trade i fills at a later trade.
 */
import type { z } from "zod";
import type { TradeColumns } from "../market/trade-columns";
import type { Fill } from "./fill";
import type { Instrument } from "./instrument";
import type { Order, OrderModification, OrderRejectReason, RestingOrderOptions, Side } from "./order";
import type { RollEvent } from "./roll";
import type { BracketExits, OcoMode } from "./venue";

/**
 * A closed time bar [startNs, endNs) (`barIntervalNs`), with the OHLCV of its trades (every trade
 * with startNs <= ts_recv < endNs; a bar exists only when it has one): the same fields as an
 * ActivityBar, but startNs/endNs are the interval's bounds, not trade times.
 *
 * On the trades engine the OHLCV fields need `timeBarOhlcv: true` (StrategyHandlers): without it
 * a bar carries its close only and reading openTicks, highTicks, lowTicks, volume or trades throws
 * (strategy_failed) - they would cost a pass over every trade on the engine's fastest path, which
 * looks at timestamps only. The book engine always fills them.
 */
export interface TimeBar {
  /** "time" on bars the engine delivers (absent in older hand-built bars). */
  readonly kind?: "time";
  readonly startNs: bigint;
  readonly endNs: bigint;
  /** Price of the first trade in the bar, ticks. */
  readonly openTicks: number;
  readonly highTicks: number;
  readonly lowTicks: number;
  /** Price of the last trade in the bar, ticks. */
  readonly closeTicks: number;
  /** Sum of the trade sizes, contracts. */
  readonly volume: number;
  /** Number of trades. */
  readonly trades: number;
}

/**
 * Activity bars (rules in bar-builder.ts): "tick" closes on its `count`th trade, "volume" on the
 * trade that brings its size to `size` or more (that trade stays whole in the bar), "range" before
 * the first trade that would take high - low past `ticks` (that trade opens the next bar).
 */
export type BarSpec = { readonly kind: "tick"; readonly count: number } | { readonly kind: "volume"; readonly size: number } | { readonly kind: "range"; readonly ticks: number };

/** A closed tick, volume or range bar with full OHLCV. */
export interface ActivityBar {
  readonly kind: BarSpec["kind"];
  /** Time of the bar's first trade, ns since the epoch. */
  readonly startNs: bigint;
  /** Time of the bar's last trade (included, unlike a time bar's end), ns since the epoch. */
  readonly endNs: bigint;
  readonly openTicks: number;
  readonly highTicks: number;
  readonly lowTicks: number;
  readonly closeTicks: number;
  /** Sum of the trade sizes, contracts. */
  readonly volume: number;
  /** Number of trades. */
  readonly trades: number;
}

/** What onBar receives: a time bar (`barIntervalNs`) or an activity bar (`barSpec`); see isActivityBar. */
export type Bar = TimeBar | ActivityBar;

/** Narrows an onBar bar to a tick, volume or range bar (full OHLCV). */
export function isActivityBar(bar: Bar): bar is ActivityBar {
  return bar.kind !== undefined && bar.kind !== "time";
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
  /** Sends a trailing stop-market order trailing the best price by `trailTicks` (see order.ts). */
  submitTrailingStop(side: Side, qty: number, trailTicks: number, opts?: RestingOrderOptions): Readonly<Order>;
  /** Sends a market-if-touched order: a buy is elected at or below `triggerTicks`, a sell at or above. */
  submitMarketIfTouched(side: Side, qty: number, triggerTicks: number, opts?: RestingOrderOptions): Readonly<Order>;
  /**
   * Makes a working, unfilled order the entry of a bracket: its fills create reduce-only exits at
   * the fill price +- the distances (see venue.ts). One exit = OTO, two = OTO + OCO. False if refused.
   */
  attachBracket(entryOrderId: number, exits: BracketExits): boolean;
  /** Links working orders: "cancel" (default) = a fill cancels the others; "reduce" = reduces them by its size. */
  linkOco(orderIds: readonly number[], mode?: OcoMode): boolean;
  /**
   * Sets (or moves) timer `timerId` to fire onTimer at `atNs` (>= the current time; a timer at the
   * current time fires before the next event). Throws strategy_failed on a time in the past.
   */
  setTimer(atNs: bigint, timerId: number): void;
  /** Cancels a pending timer; false if none. */
  cancelTimer(timerId: number): boolean;
  /** Whether orders may be sent now (always true without a calendar; false after the contract's expiry). */
  readonly marketOpen: boolean;
  /** Session date ("YYYY-MM-DD") of the current session with a calendar, else null. */
  readonly sessionDate: string | null;
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
  /** Period of the time bars delivered to `onBar`, integer ns. `onBar` needs this or `barSpec`, not both. */
  readonly barIntervalNs?: number;
  /**
   * Time bars carry open, high, low, volume and trades besides the close (TimeBar). The trades
   * engine then folds every trade into its bar (a tight loop at each bar close, ~3 ns per trade:
   * sma-cross runs at ~145 M instead of ~300 M events/s); without it time bars are close-only there.
   * The book engine always fills them.
   */
  readonly timeBarOhlcv?: boolean;
  /**
   * Tick, volume or range bars delivered to `onBar` instead of time bars (see BarSpec). The engine
   * then looks at every trade (as with onTrade, without a call): only strategies that ask pay.
   * (Not `bars`: handler objects often keep a bar counter under that name.)
   */
  readonly barSpec?: BarSpec;
  onStart(ctx: StrategyContext): void;
  onTrade?(ctx: StrategyContext, i: number): void;
  onBar?(ctx: StrategyContext, bar: Bar): void;
  onFill?(ctx: StrategyContext, fill: Fill): void;
  onEnd?(ctx: StrategyContext): void;
  onOrderRejected?(ctx: StrategyContext, order: Readonly<Order>, reason: OrderRejectReason): void;
  onTimer?(ctx: StrategyContext, timerId: number): void;
  onSessionOpen?(ctx: StrategyContext, sessionDate: string): void;
  onSessionClose?(ctx: StrategyContext, sessionDate: string): void;
  /**
   * A contract roll (continuous datasets): working orders were cancelled and an open position was
   * moved to `roll.toContract`. Prices stay raw per contract: indicators spanning a roll see the
   * calendar spread as a price jump (see README, "Continuous datasets and rolls").
   */
  onRoll?(ctx: StrategyContext, roll: RollEvent): void;
}

export interface StrategyModule<S extends z.ZodType = z.ZodType> {
  /** Stable identifier stored with runs, kebab-case. */
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly paramsSchema: S;
  /**
   * Data the strategy needs beyond trades: "mbo" = order-by-order data replayed through the book
   * engine (lib/engine/book; its handlers get ctx.book). Absent: trades are enough.
   */
  readonly requires?: "mbo";
  create(params: z.output<S>): StrategyHandlers;
}

/** Identity helper that infers the parameter type of `create` from the schema. */
export function defineStrategy<S extends z.ZodType>(strategy: StrategyModule<S>): StrategyModule<S> {
  return strategy;
}
