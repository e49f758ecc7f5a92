/**
 * Orders sent by a strategy to the simulated venue: a discriminated union on `type`.
 *
 * - market: fills at the next trade (see the fill model).
 * - limit: rests at `limitPriceTicks`; `marketable` is true while the order still has to be
 *   checked as an aggressor at its next matchable trade (set at submission or modification when
 *   the last trade price was already at or through the limit, or when no trade was seen yet).
 * - stop: a stop-market order; `trigger` records the trade that elected it.
 * - stop-limit: a stop that, once triggered, rests as a limit at `limitPriceTicks`.
 *
 * Orders are mutated only by the engine (fills, triggers, modifications); strategies receive
 * `Readonly<Order>` views. Market orders keep their original shape (no time in force, no flags), so
 * results of market-only strategies hash as before.
 *
 * Lifecycle: working -> filled, or working -> cancelled (by the strategy, time in force, a
 * reduce-only order that no longer reduces, or end of data). A request the venue refuses
 * (invalid quantity or price, reduce-only that would grow the position, sent after the end of data)
 * is `rejected`. With l1-trades an order always fills whole, so there is no partially-filled state.
 */
import { AppError } from "../errors";

/** 1 buy / long, -1 sell / short. */
export type Side = 1 | -1;

export type OrderType = "market" | "limit" | "stop" | "stop-limit";

export type OrderStatus = "working" | "filled" | "cancelled" | "rejected";

/**
 * GTC: until filled or cancelled. DAY: cancelled at the end of the batch (session) it was submitted
 * in. IOC: matched against one trade (a limit: its first matchable trade; a stop or stop-limit:
 * the trade that triggers it), the remainder is cancelled. FOK: all-or-nothing IOC; on l1-trades
 * every fill takes the whole quantity, so FOK behaves exactly like IOC.
 */
export type TimeInForce = "GTC" | "DAY" | "IOC" | "FOK";

export type OrderRejectReason =
  | "invalid-quantity"
  | "invalid-price"
  | "reduce-only-would-increase"
  | "not-accepting-orders"
  | "not-modifiable";

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
}

export interface MarketOrder extends OrderBase {
  readonly type: "market";
}

interface RestingFields {
  readonly timeInForce: TimeInForce;
  /** Fills only if it reduces |position| without reversing it (checked at submission and at fill). */
  readonly reduceOnly: boolean;
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

export type Order = MarketOrder | LimitOrder | StopOrder | StopLimitOrder;
export type RestingOrder = LimitOrder | StopOrder | StopLimitOrder;

export interface RestingOrderOptions {
  /** Default GTC. */
  readonly timeInForce?: TimeInForce;
  /** Default false. */
  readonly reduceOnly?: boolean;
}

/** A modification: `priceTicks` is the limit price of a limit or stop-limit and the stop price of a stop. */
export interface OrderModification {
  readonly priceTicks?: number;
  /** Stop price of a stop or stop-limit. */
  readonly stopTicks?: number;
  readonly qty?: number;
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
