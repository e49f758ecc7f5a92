/**
 * Orders sent by a strategy to the simulated venue: a discriminated union on `type`.
 *
 * - market: fills at the next trade (see the fill model).
 * - limit: rests at `limitPriceTicks`; `marketable` is true while the order still has to be
 *   checked as an aggressor at its next matchable trade (set at submission or modification when
 *   the last trade price was already at or through the limit, or when no trade was seen yet).
 * - stop: a stop-market order; `trigger` records the trade that elected it.
 * - stop-limit: a stop that, once triggered, rests as a limit at `limitPriceTicks`.
 * - trailing-stop: a stop-market whose stop trails the best trade price seen since it reached the
 *   venue by `trailTicks` (a sell: best = highest price, stop = best - trail; a buy: best = lowest,
 *   stop = best + trail). The reference starts at the last trade price known at submission (or
 *   the first trade the order sees when none was known); the stop only ever moves in the order's
 *   favour. Elected and filled like a stop.
 * - market-if-touched: the mirror of a stop - a buy MIT is elected by a trade at or below
 *   `triggerPriceTicks` (a sell at or above) and fills as a market order on that trade.
 *
 * Links: `parentId` names the bracket entry that created an exit (OTO); `ocoGroupId` the
 * one-cancels-other group an order belongs to (see order-groups.ts). Both are absent otherwise.
 *
 * Orders are mutated only by the engine (fills, triggers, modifications); strategies receive
 * `Readonly<Order>` views. Market orders keep their original shape (no time in force, no flags), so
 * results of market-only strategies hash as before.
 *
 * Lifecycle: working -> filled, or working -> cancelled (by the strategy, time in force, a
 * reduce-only order that no longer reduces, or end of data). A request the venue refuses
 * (invalid quantity or price, reduce-only that would grow the position, sent after the end of data)
 * is `rejected`. A partially filled order stays `working` with 0 < filledQty < qty (partial fills
 * happen only with the `partialFills` / `marketFillsTradeSize` options of the fill model).
 */
import { AppError } from "../errors";

/** 1 buy / long, -1 sell / short. */
export type Side = 1 | -1;

export type OrderType = "market" | "limit" | "stop" | "stop-limit" | "trailing-stop" | "market-if-touched";

export type OrderStatus = "working" | "filled" | "cancelled" | "rejected";

/**
 * GTC: until filled or cancelled. DAY: cancelled at the end of the batch (session) it was submitted
 * in. IOC: matched against one trade (a limit: its first matchable trade; a stop or stop-limit:
 * the trade that triggers it), the remainder is cancelled. FOK: all-or-nothing IOC; on l1-trades
 * every fill takes the whole quantity, so FOK behaves exactly like IOC; with partial fills a FOK
 * that cannot take its whole remaining quantity from that one trade is cancelled unfilled.
 * GTD: GTC until `expireAtNs`, cancelled when the clock reaches it (before any trade at or after it).
 * With the session calendar on (engine option `calendar`), DAY orders are cancelled at the close
 * of the session they were submitted in, instead of at the end of their batch.
 */
export type TimeInForce = "GTC" | "DAY" | "IOC" | "FOK" | "GTD";

export type OrderRejectReason =
  | "invalid-quantity"
  | "invalid-price"
  | "reduce-only-would-increase"
  | "not-accepting-orders"
  | "not-modifiable"
  /** GTD without a future `expireAtNs`. */
  | "invalid-expiry"
  /** Sent while the market is closed: outside the session, in the daily break or in a halt (calendar on). */
  | "market-closed"
  /** Sent during an exchange halt from the data (engine option `halts`, market-hours.ts). */
  | "halted"
  /** Sent at or after the contract's last trading time. */
  | "contract-expired";

interface OrderBase {
  /** Sequential per run, from 1. */
  readonly id: number;
  readonly side: Side;
  /** Contracts, a positive integer (changed only by a modification). */
  qty: number;
  status: OrderStatus;
  /** Contracts filled so far; never exceeds `qty`. */
  filledQty: number;
  /** Simulation time at which the strategy submitted the order, ns since the epoch. */
  readonly submittedAtNs: bigint;
  /** Bracket exits: id of the entry order that created them. */
  parentId?: number;
  /** Id of the OCO group the order belongs to. */
  ocoGroupId?: number;
}

export interface MarketOrder extends OrderBase {
  readonly type: "market";
}

interface RestingFields {
  readonly timeInForce: TimeInForce;
  /** Fills only if it reduces |position| without reversing it (checked at submission and at fill). */
  readonly reduceOnly: boolean;
  /** GTD only: expiry time, ns since the epoch. */
  readonly expireAtNs?: bigint;
}

export interface LimitOrder extends OrderBase, RestingFields {
  readonly type: "limit";
  limitPriceTicks: number;
  marketable: boolean;
}

/** The trade that elected a stop. */
export interface StopTrigger {
  readonly batch: number;
  readonly tradeIndex: number;
  readonly tradeTsNs: bigint;
  readonly tradePriceTicks: number;
}

export interface StopOrder extends OrderBase, RestingFields {
  readonly type: "stop";
  stopPriceTicks: number;
  trigger: StopTrigger | null;
}

export interface StopLimitOrder extends OrderBase, RestingFields {
  readonly type: "stop-limit";
  stopPriceTicks: number;
  limitPriceTicks: number;
  trigger: StopTrigger | null;
  /** As on LimitOrder; meaningful once triggered. */
  marketable: boolean;
}

export interface TrailingStopOrder extends OrderBase, RestingFields {
  readonly type: "trailing-stop";
  trailTicks: number;
  /** Best trade price seen since activation (null until the first reference price). */
  bestPriceTicks: number | null;
  /** Current stop = best -+ trail (null until the first reference price). */
  stopPriceTicks: number | null;
  trigger: StopTrigger | null;
}

export interface MarketIfTouchedOrder extends OrderBase, RestingFields {
  readonly type: "market-if-touched";
  triggerPriceTicks: number;
  trigger: StopTrigger | null;
}

export type Order = MarketOrder | LimitOrder | StopOrder | StopLimitOrder | TrailingStopOrder | MarketIfTouchedOrder;
export type RestingOrder = LimitOrder | StopOrder | StopLimitOrder | TrailingStopOrder | MarketIfTouchedOrder;

export interface RestingOrderOptions {
  /** Default GTC. */
  readonly timeInForce?: TimeInForce;
  /** Default false. */
  readonly reduceOnly?: boolean;
  /** Required with timeInForce "GTD": expiry time, ns since the epoch, after the submission time. */
  readonly expireAtNs?: bigint;
}

/** A modification: `priceTicks` is the limit price of a limit or stop-limit and the stop price of a stop. */
export interface OrderModification {
  readonly priceTicks?: number;
  /** Stop price of a stop or stop-limit. */
  readonly stopTicks?: number;
  readonly qty?: number;
  /** Trail distance of a trailing stop, ticks (the stop is recomputed from the best price). */
  readonly trailTicks?: number;
}

/** Largest quantity accepted in one order (a guard against runaway strategies). */
export const MAX_ORDER_QTY = 1_000_000;

/** Throws the error a strategy sees when it asks for an impossible order. */
export function assertOrderRequest(side: number, qty: number): asserts side is Side {
  assertSide(side);
  if (!isValidQty(qty)) {
    throw new AppError("strategy_failed", `Order quantity must be an integer from 1 to ${MAX_ORDER_QTY}, got ${qty}`);
  }
}

export function assertSide(side: number): asserts side is Side {
  if (side !== 1 && side !== -1) {
    throw new AppError("strategy_failed", `Order side must be 1 (buy) or -1 (sell), got ${side}`);
  }
}

export function isValidQty(qty: number): boolean {
  return Number.isInteger(qty) && qty >= 1 && qty <= MAX_ORDER_QTY;
}

/** Prices are integer ticks (the tick grid); the range keeps them exact in Int32 tapes. */
export function isValidPriceTicks(priceTicks: number): boolean {
  return Number.isInteger(priceTicks) && Math.abs(priceTicks) <= 2_147_483_647;
}

export function createMarketOrder(id: number, side: Side, qty: number, submittedAtNs: bigint): MarketOrder {
  return { id, side, qty, type: "market", status: "working", filledQty: 0, submittedAtNs };
}

export function remainingQty(order: Readonly<Order>): number {
  return order.qty - order.filledQty;
}

/** A limit, or a stop-limit whose stop has triggered: matched by the limit rules. */
export function isLimitLike(order: Readonly<Order>): order is LimitOrder | StopLimitOrder {
  return order.type === "limit" || (order.type === "stop-limit" && order.trigger !== null);
}

/**
 * A stop-like order after its trigger: stop, trailing-stop and market-if-touched orders behave as
 * market orders once elected (relevant only when a fill is capped by trade size and the rest waits).
 */
export function isTriggeredMarket(order: Readonly<Order>): boolean {
  return (order.type === "stop" || order.type === "trailing-stop" || order.type === "market-if-touched") && order.trigger !== null;
}

/** Orders that fill as market orders (market, and elected stop-like orders): capped by `marketFillsTradeSize`. */
export function isMarketLike(order: Readonly<Order>): boolean {
  return order.type === "market" || order.type === "stop" || order.type === "trailing-stop" || order.type === "market-if-touched";
}
