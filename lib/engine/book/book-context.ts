/**
 * The StrategyContext of book strategies (BookStrategyContext): live read-only views of the clock,
 * the account, the position and the book, and the order, link and timer requests, forwarded to the
 * book engine. Built once per run; its getters read the current state (no stale copies).
 *
 * Order requests have the trades engine's signatures and outcomes (strategy-context.ts): invalid
 * sides or quantities throw, invalid prices, expiries, reduce-only orders that would grow the
 * position and orders sent while the market is closed are rejected (onOrderRejected); a trailing
 * stop's trail must be an integer >= 1 (else "invalid-price").
 */
import type { Account } from "../account";
import type { TradeColumns } from "../../market/trade-columns";
import { assertOrderRequest, type LimitOrder, type MarketIfTouchedOrder, type MarketOrder, type Order, type OrderModification, type RestingOrderOptions, type Side, type StopLimitOrder, type StopOrder, type TrailingStopOrder } from "../order";
import type { StrategyContext } from "../strategy";
import type { BracketExits, OcoMode } from "../venue";
import type { BookStrategyContext } from "./book-strategy";
import type { BookView } from "./book-view";

export type RestingBookOrder = LimitOrder | StopOrder | StopLimitOrder | TrailingStopOrder | MarketIfTouchedOrder;

/** What the context needs from the book engine. */
export interface BookContextHost {
  readonly nowNs: bigint;
  readonly tradeTape: TradeColumns;
  readonly lastTradeTicks: number;
  readonly workingQtySigned: number;
  readonly marketOpen: boolean;
  readonly sessionDate: string | null;
  markTicks(): number;
  nextOrderId(): number;
  submitMarketOrder(order: MarketOrder): void;
  /** Validates (rejecting with onOrderRejected) and submits a resting order; its prices in ticks (`price2` = `price1` when one). */
  submitRestingOrder(order: RestingBookOrder, price1: number, price2: number): void;
  cancel(orderId: number): boolean;
  modify(orderId: number, change: OrderModification): boolean;
  attachBracket(entryOrderId: number, exits: BracketExits): boolean;
  linkOco(orderIds: readonly number[], mode: OcoMode): boolean;
  setTimer(atNs: bigint, timerId: number): void;
  cancelTimer(timerId: number): boolean;
  workingOrders(): Readonly<Order>[];
  queueAhead(orderId: number): number;
  random(): number;
}

export function createBookContext(host: BookContextHost, account: Account, book: BookView): BookStrategyContext {
  // Orders are object literals of one shape per type (no spreads): they are read in the matching loops.
  const withExpiry = <T extends RestingBookOrder>(order: T, opts: RestingOrderOptions | undefined): T => {
    if (opts?.expireAtNs !== undefined) (order as { expireAtNs?: bigint }).expireAtNs = opts.expireAtNs;
    return order;
  };
  const ctx: BookStrategyContext = {
    get timeNs() {
      return host.nowNs;
    },
    instrument: account.instrument,
    get trades() {
      return host.tradeTape;
    },
    get lastPriceTicks() {
      return host.lastTradeTicks;
    },
    position: {
      get qty() {
        return account.position.qty;
      },
      get avgEntryTicks() {
        return account.position.avgEntryTicks;
      },
    },
    get workingQty() {
      return host.workingQtySigned;
    },
    account: {
      get equityCents() {
        return account.equityCents(host.markTicks());
      },
      get realisedCents() {
        return account.realisedCents;
      },
      get unrealisedCents() {
        return account.unrealisedCents(host.markTicks());
      },
      get feesCents() {
        return account.feesCents;
      },
    },
    get marketOpen() {
      return host.marketOpen;
    },
    get sessionDate() {
      return host.sessionDate;
    },
    book,
    submitMarket(side: Side, qty: number) {
      assertOrderRequest(side, qty);
      const order: MarketOrder = { id: host.nextOrderId(), side, qty, type: "market", status: "working", filledQty: 0, submittedAtNs: host.nowNs };
      host.submitMarketOrder(order);
      return order;
    },
    submitLimit(side: Side, qty: number, priceTicks: number, opts?: RestingOrderOptions) {
      assertOrderRequest(side, qty);
      const order: LimitOrder = withExpiry(
        {
          id: host.nextOrderId(),
          side,
          qty,
          type: "limit",
          status: "working",
          filledQty: 0,
          submittedAtNs: host.nowNs,
          timeInForce: opts?.timeInForce ?? "GTC",
          reduceOnly: opts?.reduceOnly ?? false,
          limitPriceTicks: priceTicks,
          marketable: false,
        },
        opts,
      );
      host.submitRestingOrder(order, priceTicks, priceTicks);
      return order;
    },
    submitStop(side: Side, qty: number, stopTicks: number, opts?: RestingOrderOptions) {
      assertOrderRequest(side, qty);
      const order: StopOrder = withExpiry(
        {
          id: host.nextOrderId(),
          side,
          qty,
          type: "stop",
          status: "working",
          filledQty: 0,
          submittedAtNs: host.nowNs,
          timeInForce: opts?.timeInForce ?? "GTC",
          reduceOnly: opts?.reduceOnly ?? false,
          stopPriceTicks: stopTicks,
          trigger: null,
        },
        opts,
      );
      host.submitRestingOrder(order, stopTicks, stopTicks);
      return order;
    },
    submitStopLimit(side: Side, qty: number, stopTicks: number, limitTicks: number, opts?: RestingOrderOptions) {
      assertOrderRequest(side, qty);
      const order: StopLimitOrder = withExpiry(
        {
          id: host.nextOrderId(),
          side,
          qty,
          type: "stop-limit",
          status: "working",
          filledQty: 0,
          submittedAtNs: host.nowNs,
          timeInForce: opts?.timeInForce ?? "GTC",
          reduceOnly: opts?.reduceOnly ?? false,
          stopPriceTicks: stopTicks,
          limitPriceTicks: limitTicks,
          trigger: null,
          marketable: false,
        },
        opts,
      );
      host.submitRestingOrder(order, stopTicks, limitTicks);
      return order;
    },
    submitTrailingStop(side: Side, qty: number, trailTicks: number, opts?: RestingOrderOptions) {
      assertOrderRequest(side, qty);
      const order: TrailingStopOrder = withExpiry(
        {
          id: host.nextOrderId(),
          side,
          qty,
          type: "trailing-stop",
          status: "working",
          filledQty: 0,
          submittedAtNs: host.nowNs,
          timeInForce: opts?.timeInForce ?? "GTC",
          reduceOnly: opts?.reduceOnly ?? false,
          trailTicks,
          bestPriceTicks: null,
          stopPriceTicks: null,
          trigger: null,
        },
        opts,
      );
      // A trail is a positive distance; an invalid one is rejected as an invalid price.
      const trail = Number.isInteger(trailTicks) && trailTicks >= 1 ? trailTicks : Number.NaN;
      host.submitRestingOrder(order, trail, trail);
      return order;
    },
    submitMarketIfTouched(side: Side, qty: number, triggerTicks: number, opts?: RestingOrderOptions) {
      assertOrderRequest(side, qty);
      const order: MarketIfTouchedOrder = withExpiry(
        {
          id: host.nextOrderId(),
          side,
          qty,
          type: "market-if-touched",
          status: "working",
          filledQty: 0,
          submittedAtNs: host.nowNs,
          timeInForce: opts?.timeInForce ?? "GTC",
          reduceOnly: opts?.reduceOnly ?? false,
          triggerPriceTicks: triggerTicks,
          trigger: null,
        },
        opts,
      );
      host.submitRestingOrder(order, triggerTicks, triggerTicks);
      return order;
    },
    attachBracket: (entryOrderId, exits) => host.attachBracket(entryOrderId, exits),
    linkOco: (orderIds, mode = "cancel") => host.linkOco(orderIds, mode),
    setTimer: (atNs, timerId) => host.setTimer(atNs, timerId),
    cancelTimer: (timerId) => host.cancelTimer(timerId),
    cancel: (orderId) => host.cancel(orderId),
    modify: (orderId, change) => host.modify(orderId, change),
    workingOrders: () => host.workingOrders(),
    random: () => host.random(),
    queueAhead: (orderId) => host.queueAhead(orderId),
  };
  return ctx as BookStrategyContext & StrategyContext;
}
