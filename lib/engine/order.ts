/**
 * Orders sent by a strategy to the simulated venue.
 *
 * Only market orders exist so far. The shape is a discriminated union on `type` so that limit,
 * stop and bracket orders extend it (`LimitOrder { type: "limit"; limitPriceTicks }`, ...) without
 * touching the fields every order shares. Orders are mutated only by the engine; strategies receive
 * `Readonly<Order>` views.
 *
 * Lifecycle: working -> filled, or working -> cancelled (end of data). An order submitted after
 * the engine stopped accepting orders is rejected. (Partial fills will add "partially-filled".)
 */
import { AppError } from "../errors";

/** 1 buy / long, -1 sell / short. */
export type Side = 1 | -1;

export type OrderType = "market";

export type OrderStatus = "working" | "filled" | "cancelled" | "rejected";

interface OrderBase {
  /** Sequential per run, from 1. */
  readonly id: number;
  readonly side: Side;
  /** Contracts, a positive integer. */
  readonly qty: number;
  status: OrderStatus;
  /** Contracts filled so far; never exceeds `qty`. */
  filledQty: number;
  /** Simulation time at which the strategy submitted the order, ns since the epoch. */
  readonly submittedAtNs: bigint;
}

export interface MarketOrder extends OrderBase {
  readonly type: "market";
}

export type Order = MarketOrder;

/** Largest quantity accepted in one order (a guard against runaway strategies). */
export const MAX_ORDER_QTY = 1_000_000;

/** Throws the error a strategy sees when it asks for an impossible order. */
export function assertOrderRequest(side: number, qty: number): asserts side is Side {
  if (side !== 1 && side !== -1) {
    throw new AppError("strategy_failed", `Order side must be 1 (buy) or -1 (sell), got ${side}`);
  }
  if (!Number.isInteger(qty) || qty < 1 || qty > MAX_ORDER_QTY) {
    throw new AppError("strategy_failed", `Order quantity must be an integer from 1 to ${MAX_ORDER_QTY}, got ${qty}`);
  }
}

export function createMarketOrder(id: number, side: Side, qty: number, submittedAtNs: bigint): MarketOrder {
  return { id, side, qty, type: "market", status: "working", filledQty: 0, submittedAtNs };
}

export function remainingQty(order: Readonly<Order>): number {
  return order.qty - order.filledQty;
}
