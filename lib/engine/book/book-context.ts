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
import { AccountView, PositionView } from "../strategy-context";
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

// Orders are object literals of one shape per type (no spreads): they are read in the matching loops.
function withExpiry<T extends RestingBookOrder>(order: T, opts: RestingOrderOptions | undefined): T {
  if (opts?.expireAtNs !== undefined) (order as { expireAtNs?: bigint }).expireAtNs = opts.expireAtNs;
  return order;
}

export function createBookContext(host: BookContextHost, account: Account, book: BookView): BookStrategyContext {
  return new BookContext(host, account, book) as BookStrategyContext & StrategyContext;
}

/**
 * A class, not an object literal with getters: V8 keeps a literal with accessors in dictionary mode
 * (slow properties), and strategies read `ctx.position.qty`, `ctx.book` at every boundary. The
 * order, link and timer requests stay own function properties, callable detached as before.
 * Position and account views are the trades engine's (strategy-context.ts).
 */
class BookContext implements BookStrategyContext {
  readonly #host: BookContextHost;
  readonly instrument: Account["instrument"];
  readonly position: PositionView;
  readonly account: AccountView;
  readonly book: BookView;

  constructor(host: BookContextHost, account: Account, book: BookView) {
    this.#host = host;
    this.instrument = account.instrument;
    this.position = new PositionView(account);
    this.account = new AccountView(account, host);
    this.book = book;
  }

  get timeNs(): bigint {
    return this.#host.nowNs;
  }

  get trades(): TradeColumns {
    return this.#host.tradeTape;
  }

  get lastPriceTicks(): number {
    return this.#host.lastTradeTicks;
  }

  get workingQty(): number {
    return this.#host.workingQtySigned;
  }

  get marketOpen(): boolean {
    return this.#host.marketOpen;
  }

  get sessionDate(): string | null {
    return this.#host.sessionDate;
  }

  readonly submitMarket = (side: Side, qty: number) => {
    assertOrderRequest(side, qty);
    const order: MarketOrder = { id: this.#host.nextOrderId(), side, qty, type: "market", status: "working", filledQty: 0, submittedAtNs: this.#host.nowNs };
    this.#host.submitMarketOrder(order);
    return order;
  };

  readonly submitLimit = (side: Side, qty: number, priceTicks: number, opts?: RestingOrderOptions) => {
    assertOrderRequest(side, qty);
    const order: LimitOrder = withExpiry(
      {
        id: this.#host.nextOrderId(),
        side,
        qty,
        type: "limit",
        status: "working",
        filledQty: 0,
        submittedAtNs: this.#host.nowNs,
        timeInForce: opts?.timeInForce ?? "GTC",
        reduceOnly: opts?.reduceOnly ?? false,
        limitPriceTicks: priceTicks,
        marketable: false,
      },
      opts,
    );
    this.#host.submitRestingOrder(order, priceTicks, priceTicks);
    return order;
  };

  readonly submitStop = (side: Side, qty: number, stopTicks: number, opts?: RestingOrderOptions) => {
    assertOrderRequest(side, qty);
    const order: StopOrder = withExpiry(
      {
        id: this.#host.nextOrderId(),
        side,
        qty,
        type: "stop",
        status: "working",
        filledQty: 0,
        submittedAtNs: this.#host.nowNs,
        timeInForce: opts?.timeInForce ?? "GTC",
        reduceOnly: opts?.reduceOnly ?? false,
        stopPriceTicks: stopTicks,
        trigger: null,
      },
      opts,
    );
    this.#host.submitRestingOrder(order, stopTicks, stopTicks);
    return order;
  };

  readonly submitStopLimit = (side: Side, qty: number, stopTicks: number, limitTicks: number, opts?: RestingOrderOptions) => {
    assertOrderRequest(side, qty);
    const order: StopLimitOrder = withExpiry(
      {
        id: this.#host.nextOrderId(),
        side,
        qty,
        type: "stop-limit",
        status: "working",
        filledQty: 0,
        submittedAtNs: this.#host.nowNs,
        timeInForce: opts?.timeInForce ?? "GTC",
        reduceOnly: opts?.reduceOnly ?? false,
        stopPriceTicks: stopTicks,
        limitPriceTicks: limitTicks,
        trigger: null,
        marketable: false,
      },
      opts,
    );
    this.#host.submitRestingOrder(order, stopTicks, limitTicks);
    return order;
  };

  readonly submitTrailingStop = (side: Side, qty: number, trailTicks: number, opts?: RestingOrderOptions) => {
    assertOrderRequest(side, qty);
    const order: TrailingStopOrder = withExpiry(
      {
        id: this.#host.nextOrderId(),
        side,
        qty,
        type: "trailing-stop",
        status: "working",
        filledQty: 0,
        submittedAtNs: this.#host.nowNs,
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
    this.#host.submitRestingOrder(order, trail, trail);
    return order;
  };

  readonly submitMarketIfTouched = (side: Side, qty: number, triggerTicks: number, opts?: RestingOrderOptions) => {
    assertOrderRequest(side, qty);
    const order: MarketIfTouchedOrder = withExpiry(
      {
        id: this.#host.nextOrderId(),
        side,
        qty,
        type: "market-if-touched",
        status: "working",
        filledQty: 0,
        submittedAtNs: this.#host.nowNs,
        timeInForce: opts?.timeInForce ?? "GTC",
        reduceOnly: opts?.reduceOnly ?? false,
        triggerPriceTicks: triggerTicks,
        trigger: null,
      },
      opts,
    );
    this.#host.submitRestingOrder(order, triggerTicks, triggerTicks);
    return order;
  };

  readonly attachBracket: BookStrategyContext["attachBracket"] = (entryOrderId, exits) => this.#host.attachBracket(entryOrderId, exits);
  readonly linkOco: BookStrategyContext["linkOco"] = (orderIds, mode = "cancel") => this.#host.linkOco(orderIds, mode);
  readonly setTimer: BookStrategyContext["setTimer"] = (atNs, timerId) => this.#host.setTimer(atNs, timerId);
  readonly cancelTimer: BookStrategyContext["cancelTimer"] = (timerId) => this.#host.cancelTimer(timerId);
  readonly cancel: BookStrategyContext["cancel"] = (orderId) => this.#host.cancel(orderId);
  readonly modify: BookStrategyContext["modify"] = (orderId, change) => this.#host.modify(orderId, change);
  readonly workingOrders: BookStrategyContext["workingOrders"] = () => this.#host.workingOrders();
  readonly random: BookStrategyContext["random"] = () => this.#host.random();
  readonly queueAhead: BookStrategyContext["queueAhead"] = (orderId) => this.#host.queueAhead(orderId);
}
