/**
 * Venue: the simulated exchange side of a run - our working orders, their validation, matching
 * against trades through the fill model, fills booked into the account, and order links
 * (brackets = one-triggers-other exits, OCO groups).
 *
 * Ordering invariant: working orders are matched against a trade in submission order; an order
 * that fills on trade i also drives its links at once (an OCO sibling is cancelled or reduced, a
 * bracket's exits are created or grown) before the next order is matched; orders created during
 * a match (bracket exits, orders sent from an immediate onFill) wait for a later trade.
 *
 * Trade size: the fill model's `partialFills` / `marketFillsTradeSize` cap a fill at what is left
 * of the trade after our earlier fills on it (so two of our orders never take more than the print).
 *
 * Brackets (attachBracket): when the entry fills q contracts at P, the exits are a take-profit
 * limit at P + side x takeProfitTicks and a stop-loss stop at P - side x stopLossTicks, opposite
 * side, reduce-only, GTC, q contracts each, linked in a "reduce" OCO group; they are held at the
 * venue (no entry latency) and can fill from the next trade. Later partial fills of the entry grow
 * working exits by their quantity (prices stay those of the first fill); if no exit is working any
 * more, a new pair is created at the new fill's price. Cancelling the entry leaves existing exits.
 * OCO groups: "cancel" - any fill of a member cancels the others (entries such as a breakout pair);
 * "reduce" - a fill of q reduces every other member by q, cancelling it at zero (exits).
 *
 * Fill reports (response leg) travel on one ordered channel: a report is delivered at fill time +
 * the sampled response latency, or with the previous report if that is later.
 *
 * Known limitations: cancels and modifications take effect at once (no latency); rejections are
 * reported synchronously from the request. ctx.position and the account show the venue's state
 * at once; only onFill is delayed by the response leg.
 */
import { AppError } from "../errors";
import type { TradeColumns } from "../market/trade-columns";
import type { Account } from "./account";
import type { Fill, FillReason, FillSource } from "./fill";
import type { FillModel, PriceBand, TradeMatch } from "./fill-model";
import type { LatencyModel } from "./latency-model";
import {
  assertOrderRequest,
  assertSide,
  createMarketOrder,
  isLimitLike,
  isTriggeredMarket,
  isValidPriceTicks,
  isValidQty,
  remainingQty,
  type Order,
  type OrderModification,
  type OrderRejectReason,
  type RestingOrder,
  type RestingOrderOptions,
  type Side,
} from "./order";
import type { SimClock } from "./sim-clock";

export interface WorkingOrder {
  readonly order: Order;
  /** Earliest trade time (offset from the batch origin) the order may fill at. */
  activeAtOffset: number;
  /** Ordinal of the batch the order was submitted in (DAY orders end with it without a calendar). */
  readonly batch: number;
  /** Entry latency applied to the order, ns. */
  entryLatencyNs: number;
}

/** What the venue needs from the engine. */
export interface VenueHost {
  /** A fill was booked: record equity, report it to the strategy (now or after the response latency). */
  fillBooked(order: Order, fill: Fill, t: number): void;
  /** A request was refused: report it to the strategy. */
  rejected(order: Readonly<Order>, reason: OrderRejectReason): void;
  /** Cancel `orderId` at `atNs` if still working (GTD, and DAY with a calendar). */
  scheduleExpiry(orderId: number, atNs: bigint): void;
  /** Close of the session orders are sent in, when a calendar is on (DAY orders expire then). */
  dayCloseNs(): bigint | null;
  /** Wake and band must be recomputed. */
  refreshWake(): void;
  /** A market order needs the next trade at or after `offset`. */
  requestWake(offset: number): void;
}

export interface BracketExits {
  /** Take-profit distance from the entry fill price, ticks (a positive integer). */
  readonly takeProfitTicks?: number;
  /** Stop-loss distance from the entry fill price, ticks (a positive integer). */
  readonly stopLossTicks?: number;
}

export type OcoMode = "cancel" | "reduce";

interface Bracket {
  readonly exits: BracketExits;
  takeProfit: Order | null;
  stopLoss: Order | null;
}

interface OcoGroup {
  readonly mode: OcoMode;
  readonly members: Order[];
}

/** Fields every resting order starts with. */
export interface RestingFields {
  readonly side: Side;
  readonly qty: number;
  readonly status: "working";
  readonly filledQty: 0;
  readonly timeInForce: RestingOrder["timeInForce"];
  readonly reduceOnly: boolean;
  readonly expireAtNs?: bigint;
}

export type MakeResting = (id: number, submittedAtNs: bigint, fields: RestingFields) => RestingOrder;

export class Venue {
  readonly working: WorkingOrder[] = [];
  /** Signed remaining quantity of the working orders. */
  workingQty = 0;
  readonly cancelled: Order[] = [];
  readonly fills: Fill[] = [];
  /** Orders are refused when this is set (market closed, contract expired, run finished). */
  closedReason: OrderRejectReason | null = null;
  /** True after finish: market orders are refused silently (legacy behaviour). */
  finished = false;
  private nextOrderId = 1;
  private nextFillId = 1;
  private nextGroupId = 1;
  /** Time of the latest fill report (response leg). */
  private lastReportNs = 0n;
  private readonly match: TradeMatch = { qty: 0, priceTicks: 0, triggered: false, rule: undefined };
  private readonly brackets = new Map<number, Bracket>();
  private readonly groups = new Map<number, OcoGroup>();

  constructor(
    private readonly clock: SimClock,
    private readonly account: Account,
    private readonly fillModel: FillModel,
    private readonly latency: LatencyModel,
    private readonly host: VenueHost,
  ) {}

  // ---- requests -------------------------------------------------------------------------------

  submitMarket(side: Side, qty: number): Order {
    assertOrderRequest(side, qty);
    const clock = this.clock;
    const order = createMarketOrder(this.nextOrderId++, side, qty, clock.nowNs());
    if (this.finished) {
      order.status = "rejected";
      return order;
    }
    if (this.closedReason !== null) {
      order.status = "rejected";
      this.host.rejected(order, this.closedReason);
      return order;
    }
    const latencyNs = this.latency.entryNs();
    const activeAtOffset = clock.nowOffset + latencyNs;
    this.working.push({ order, activeAtOffset, batch: clock.batchOrdinal, entryLatencyNs: latencyNs });
    this.workingQty += side * qty;
    this.host.requestWake(activeAtOffset);
    return order;
  }

  /** Validates and queues a resting order built by `make`; `held` orders (bracket exits) skip the entry latency. */
  submitResting(side: Side, qty: number, prices: readonly number[], opts: RestingOrderOptions | undefined, make: MakeResting, held = false): RestingOrder {
    assertSide(side);
    const clock = this.clock;
    const timeInForce = opts?.timeInForce ?? "GTC";
    const fields: RestingFields = {
      side,
      qty,
      status: "working",
      filledQty: 0,
      timeInForce,
      reduceOnly: opts?.reduceOnly ?? false,
      ...(opts?.expireAtNs === undefined ? {} : { expireAtNs: opts.expireAtNs }),
    };
    const nowNs = clock.nowNs();
    const order = make(this.nextOrderId++, nowNs, fields);
    const expiry = opts?.expireAtNs;
    const reason: OrderRejectReason | null = this.finished
      ? "not-accepting-orders"
      : !isValidQty(qty)
        ? "invalid-quantity"
        : !prices.every(isValidPriceTicks)
          ? "invalid-price"
          : (timeInForce === "GTD") !== (expiry !== undefined) || (expiry !== undefined && !(typeof expiry === "bigint" && expiry > nowNs))
            ? "invalid-expiry"
            : fields.reduceOnly && !this.reduces(side, qty)
              ? "reduce-only-would-increase"
              : this.closedReason;
    if (reason !== null) {
      order.status = "rejected";
      this.host.rejected(order, reason);
      return order;
    }
    if (order.type === "limit") order.marketable = this.isMarketable(side, order.limitPriceTicks);
    if (order.type === "trailing-stop" && !Number.isNaN(clock.lastPriceTicks)) this.trail(order, clock.lastPriceTicks);
    const latencyNs = held ? 0 : this.latency.entryNs();
    this.working.push({ order, activeAtOffset: clock.nowOffset + latencyNs, batch: clock.batchOrdinal, entryLatencyNs: latencyNs });
    this.workingQty += side * qty;
    if (timeInForce === "GTD") this.host.scheduleExpiry(order.id, expiry!);
    else if (timeInForce === "DAY") {
      const closeNs = this.host.dayCloseNs();
      if (closeNs !== null) this.host.scheduleExpiry(order.id, closeNs);
    }
    this.host.refreshWake();
    return order;
  }

  cancel(orderId: number): boolean {
    const entry = this.findWorking(orderId);
    if (entry === undefined) return false;
    this.cancelOrder(entry.order);
    this.host.refreshWake();
    return true;
  }

  modify(orderId: number, change: OrderModification): boolean {
    const entry = this.findWorking(orderId);
    if (entry === undefined) return false;
    const order = entry.order;
    if (order.type === "market" || this.finished) {
      this.host.rejected(order, order.type === "market" ? "not-modifiable" : "not-accepting-orders");
      return false;
    }
    const qty = change.qty ?? order.qty;
    const price = change.priceTicks;
    const stop = change.stopTicks;
    const trail = change.trailTicks;
    const badPrice =
      (price !== undefined && !isValidPriceTicks(price)) ||
      (stop !== undefined && !isValidPriceTicks(stop)) ||
      (stop !== undefined && (order.type === "limit" || order.type === "trailing-stop" || order.type === "market-if-touched")) ||
      (trail !== undefined && (order.type !== "trailing-stop" || !isValidTrail(trail))) ||
      (price !== undefined && order.type === "trailing-stop");
    const reason: OrderRejectReason | null =
      !isValidQty(qty) || qty <= order.filledQty
        ? "invalid-quantity"
        : badPrice
          ? "invalid-price"
          : order.reduceOnly && !this.reduces(order.side, qty - order.filledQty)
            ? "reduce-only-would-increase"
            : this.closedReason;
    if (reason !== null) {
      this.host.rejected(order, reason);
      return false;
    }
    this.workingQty += order.side * (qty - order.qty);
    order.qty = qty;
    switch (order.type) {
      case "stop": {
        const newStop = stop ?? price;
        if (newStop !== undefined) order.stopPriceTicks = newStop;
        break;
      }
      case "trailing-stop":
        if (trail !== undefined) {
          order.trailTicks = trail;
          if (order.bestPriceTicks !== null) order.stopPriceTicks = order.bestPriceTicks + order.side * trail;
        }
        break;
      case "market-if-touched":
        if (price !== undefined) order.triggerPriceTicks = price;
        break;
      default:
        if (price !== undefined) order.limitPriceTicks = price;
        if (order.type === "stop-limit" && stop !== undefined) order.stopPriceTicks = stop;
        if (isLimitLike(order)) order.marketable = this.isMarketable(order.side, order.limitPriceTicks);
    }
    const latencyNs = this.latency.entryNs();
    entry.activeAtOffset = this.clock.nowOffset + latencyNs;
    entry.entryLatencyNs = latencyNs;
    this.host.refreshWake();
    return true;
  }

  /** Links working orders in an OCO group; false if fewer than two, or one is not working or already linked. */
  linkOco(orderIds: readonly number[], mode: OcoMode): boolean {
    if (orderIds.length < 2 || new Set(orderIds).size !== orderIds.length) return false;
    const members: Order[] = [];
    for (const id of orderIds) {
      const entry = this.findWorking(id);
      if (entry === undefined || entry.order.ocoGroupId !== undefined) return false;
      members.push(entry.order);
    }
    const groupId = this.nextGroupId++;
    for (const order of members) order.ocoGroupId = groupId;
    this.groups.set(groupId, { mode, members });
    return true;
  }

  /** Attaches bracket exits to a working, unfilled entry; false if that is impossible. */
  attachBracket(entryId: number, exits: BracketExits): boolean {
    const entry = this.findWorking(entryId);
    const tp = exits.takeProfitTicks;
    const sl = exits.stopLossTicks;
    if (entry === undefined || entry.order.filledQty > 0 || this.brackets.has(entryId)) return false;
    if ((tp === undefined && sl === undefined) || (tp !== undefined && !isValidTrail(tp)) || (sl !== undefined && !isValidTrail(sl))) return false;
    this.brackets.set(entryId, { exits: { ...exits }, takeProfit: null, stopLoss: null });
    return true;
  }

  /** Cancels every working order (session flattening, contract expiry, end of data). */
  cancelAll(): void {
    for (const { order } of this.working) if (order.status === "working") this.cancelOrder(order);
    this.host.refreshWake();
  }

  /** Cancels working orders that would fill as market orders (at a close or halt: they are day orders). */
  cancelMarketOrders(): void {
    for (const { order } of this.working) {
      if (order.status === "working" && (order.type === "market" || isTriggeredMarket(order))) this.cancelOrder(order);
    }
    this.host.refreshWake();
  }

  /** GTD / DAY expiry. */
  expire(orderId: number): void {
    this.cancel(orderId);
  }

  /** DAY orders of earlier batches end when a batch begins (without a calendar). */
  cancelDayOrdersBefore(batchOrdinal: number): void {
    for (const entry of this.working) {
      const order = entry.order;
      if (order.type !== "market" && order.status === "working" && order.timeInForce === "DAY" && entry.batch < batchOrdinal) this.cancelOrder(order);
    }
  }

  /** Closes the position at the last trade price without the fill model (end of data, contract expiry). */
  closePosition(model: FillSource): void {
    const clock = this.clock;
    const positionQty = this.account.position.qty;
    if (positionQty === 0 || Number.isNaN(clock.lastPriceTicks)) return;
    const side: Side = positionQty > 0 ? -1 : 1;
    const tsNs = clock.baseNs + BigInt(clock.lastTsOffset);
    const order = createMarketOrder(this.nextOrderId++, side, Math.abs(positionQty), tsNs);
    this.applyFill(order, order.qty, clock.lastPriceTicks, clock.lastTsOffset, tsNs, {
      model,
      batch: clock.batchOrdinal,
      tradeIndex: clock.lastIndex,
      tradeTsNs: tsNs,
      latencyNs: 0,
      slippageTicks: 0,
    });
  }

  /**
   * One leg of a contract roll (roll.ts) at offset `t` (= tsNs - baseNs), outside the fill model:
   * a market order of `qty` on `side` filled at once at `priceTicks`, no latency, no slippage;
   * `trade` names the trade the price comes from.
   */
  rollLeg(side: Side, qty: number, priceTicks: number, t: number, tsNs: bigint, trade: Pick<FillReason, "batch" | "tradeIndex" | "tradeTsNs">): Fill {
    const order = createMarketOrder(this.nextOrderId++, side, qty, tsNs);
    this.applyFill(order, qty, priceTicks, t, tsNs, { model: "roll", ...trade, latencyNs: 0, slippageTicks: 0 });
    return this.fills[this.fills.length - 1];
  }

  workingOrders(): Readonly<Order>[] {
    return this.working.filter((entry) => entry.order.status === "working").map((entry) => ({ ...entry.order }));
  }

  // ---- matching -------------------------------------------------------------------------------

  /** Matches trade i (at offset t) against the orders that were active before it. */
  matchTrade(batch: TradeColumns, i: number, t: number): void {
    const working = this.working;
    const model = this.fillModel;
    const p = batch.priceTicks[i];
    let sizeLeft = batch.size[i];
    // Orders submitted while this trade is handled (from onFill, bracket exits) are appended past `n`.
    const n = working.length;
    let kept = 0;
    for (let k = 0; k < n; k++) {
      const entry = working[k];
      const order = entry.order;
      if (entry.activeAtOffset <= t && order.status === "working") {
        const match = this.match;
        match.qty = 0;
        match.triggered = false;
        model.matchTrade(order, batch, i, match);
        if (order.type !== "market") {
          if (match.triggered && order.type !== "limit") {
            order.trigger = { batch: this.clock.batchOrdinal, tradeIndex: i, tradeTsNs: this.clock.baseNs + BigInt(t), tradePriceTicks: p };
          }
          // A limit is an aggressor at one trade at most: its first matchable one (or its electing one).
          if (isLimitLike(order)) order.marketable = false;
          if (order.type === "trailing-stop" && order.trigger === null) this.trail(order, p);
        }
        if (match.qty > 0) {
          if (match.qty > remainingQty(order)) throw new AppError("internal", `Fill model ${model.name} overfilled order ${order.id}`);
          const limitLike = match.rule === "marketable" || match.rule === "limit-through" || match.rule === "limit-touch";
          const capped = limitLike ? model.partialFills : model.marketFillsTradeSize;
          const qty = capped && sizeLeft < match.qty ? Math.max(0, sizeLeft) : match.qty;
          if (order.type !== "market" && order.timeInForce === "FOK" && qty < remainingQty(order)) {
            this.cancelOrder(order);
          } else if (qty > 0) {
            if (order.type !== "market" && order.reduceOnly && !this.reduces(order.side, qty)) {
              this.cancelOrder(order);
            } else {
              sizeLeft -= qty; // uncapped fills use up the print too, for the capped ones after them
              this.fillMatched(entry, batch, i, t, qty, qty < match.qty ? sizeLeft : -1);
            }
          }
        }
        if (order.type !== "market" && order.status === "working" && isImmediate(order) && (isLimitLike(order) || isTriggeredMarket(order))) {
          this.cancelOrder(order);
        }
      }
      if (order.status === "working") working[kept++] = entry;
    }
    for (let k = n; k < working.length; k++) working[kept++] = working[k];
    working.length = kept;
  }

  /** Wake time (min activation of orders that need the next trade) and the price band of the others. */
  wake(initialWake: number, out: PriceBand): number {
    let wake = initialWake;
    let below = -Infinity;
    let above = Infinity;
    const band = out;
    for (const entry of this.working) {
      const order = entry.order;
      if (order.status !== "working") continue;
      if (this.needsNextTrade(entry)) {
        if (entry.activeAtOffset < wake) wake = entry.activeAtOffset;
      } else {
        this.fillModel.wakeBand(order, band);
        if (band.atOrBelow > below) below = band.atOrBelow;
        if (band.atOrAbove < above) above = band.atOrAbove;
      }
    }
    out.atOrBelow = below;
    out.atOrAbove = above;
    return wake;
  }

  /** Orders matched at their first trade whatever its price, or not yet past their latency. */
  private needsNextTrade(entry: WorkingOrder): boolean {
    const order = entry.order;
    if (order.type === "market" || entry.activeAtOffset > this.clock.lastTsOffset) return true;
    if (isTriggeredMarket(order) || (order.type === "trailing-stop" && order.stopPriceTicks === null)) return true;
    return isLimitLike(order) && (order.marketable || isImmediate(order));
  }

  // ---- fills ----------------------------------------------------------------------------------

  /** `sizeLeft` >= 0 when the fill was capped by the trade's size (what was left of it), else -1. */
  private fillMatched(entry: WorkingOrder, batch: TradeColumns, i: number, t: number, qty: number, sizeLeft: number): void {
    const order = entry.order;
    const match = this.match;
    const tsNs = this.clock.baseNs + BigInt(t);
    this.workingQty -= order.side * qty;
    const model = this.fillModel;
    const base: FillReason = {
      model: model.name,
      batch: this.clock.batchOrdinal,
      tradeIndex: i,
      tradeTsNs: tsNs,
      latencyNs: entry.entryLatencyNs,
      slippageTicks: model.slippageTicks,
    };
    const trigger = "trigger" in order ? order.trigger : null;
    // Market fills keep the original reason shape (result hashes of market-only runs are unchanged).
    let reason: FillReason =
      order.type === "market"
        ? base
        : trigger === null
          ? { ...base, rule: match.rule }
          : { ...base, rule: match.rule, trigger: { ...trigger, stopPriceTicks: triggerPriceOf(order) } };
    if (sizeLeft >= 0) reason = { ...reason, partial: { tradeSizeLeft: sizeLeft, remainingQty: remainingQty(order) - qty } };
    this.applyFill(order, qty, match.priceTicks, t, tsNs, reason);
  }

  /** Books a fill of `order` at offset `t` (= tsNs - baseNs), drives its links, then reports it. */
  private applyFill(order: Order, qty: number, priceTicks: number, t: number, tsNs: bigint, reason: FillReason): void {
    order.filledQty += qty;
    if (order.filledQty === order.qty) order.status = "filled";
    const feeCents = this.account.applyFill(order.side, qty, priceTicks, tsNs);
    const fullReason = this.latency.hasResponseLeg ? { ...reason, responseLatencyNs: this.responseDelayNs(tsNs) } : reason;
    const fill: Fill = { id: this.nextFillId++, orderId: order.id, side: order.side, qty, priceTicks, tsNs, feeCents, reason: fullReason };
    this.fills.push(fill);
    if (order.ocoGroupId !== undefined) this.driveOco(order, qty);
    const bracket = this.brackets.get(order.id);
    if (bracket !== undefined) this.driveBracket(order, bracket, qty, priceTicks);
    this.host.fillBooked(order, fill, t);
  }

  private driveOco(order: Order, qty: number): void {
    const group = this.groups.get(order.ocoGroupId!)!;
    for (const other of group.members) {
      if (other === order || other.status !== "working") continue;
      if (group.mode === "cancel" || qty >= remainingQty(other)) this.cancelOrder(other);
      else {
        this.workingQty -= other.side * qty;
        other.qty -= qty;
      }
    }
  }

  private driveBracket(entry: Order, bracket: Bracket, qty: number, priceTicks: number): void {
    const live = workingOf(bracket.takeProfit, bracket.stopLoss);
    if (live.length > 0) {
      for (const exit of live) {
        exit.qty += qty;
        this.workingQty += exit.side * qty;
      }
      return;
    }
    const side: Side = entry.side === 1 ? -1 : 1;
    const opts: RestingOrderOptions = { timeInForce: "GTC", reduceOnly: true };
    const { takeProfitTicks: tp, stopLossTicks: sl } = bracket.exits;
    const parentId = entry.id;
    bracket.takeProfit =
      tp === undefined
        ? null
        : this.submitResting(side, qty, [priceTicks + entry.side * tp], opts, (id, submittedAtNs, f) => ({
            ...f,
            id,
            submittedAtNs,
            parentId,
            type: "limit",
            limitPriceTicks: priceTicks + entry.side * tp,
            marketable: false,
          }), true);
    bracket.stopLoss =
      sl === undefined
        ? null
        : this.submitResting(side, qty, [priceTicks - entry.side * sl], opts, (id, submittedAtNs, f) => ({
            ...f,
            id,
            submittedAtNs,
            parentId,
            type: "stop",
            stopPriceTicks: priceTicks - entry.side * sl,
            trigger: null,
          }), true);
    const exits = workingOf(bracket.takeProfit, bracket.stopLoss);
    if (exits.length === 2) this.linkOco(exits.map((o) => o.id), "reduce");
  }

  // ---- helpers --------------------------------------------------------------------------------

  /**
   * Response delay of a fill at `tsNs`: the sampled leg, stretched so reports stay in fill order
   * (one ordered channel: a report never overtakes an earlier one).
   */
  private responseDelayNs(tsNs: bigint): number {
    let reportNs = tsNs + BigInt(this.latency.responseNs());
    if (reportNs < this.lastReportNs) reportNs = this.lastReportNs;
    this.lastReportNs = reportNs;
    return Number(reportNs - tsNs);
  }

  /** Moves a trailing stop's reference to `p` when p is better (lower for a buy, higher for a sell). */
  private trail(order: Extract<Order, { type: "trailing-stop" }>, p: number): void {
    const best = order.bestPriceTicks;
    if (best === null || order.side * (p - best) < 0) {
      order.bestPriceTicks = p;
      order.stopPriceTicks = p + order.side * order.trailTicks;
    }
  }

  /** Whether a fill of `qty` on `side` reduces |position| without reversing it. */
  reduces(side: Side, qty: number): boolean {
    const position = this.account.position.qty;
    return position * side < 0 && qty <= Math.abs(position);
  }

  /** A limit is marketable when the last trade is at or through it, or when no trade was seen yet. */
  private isMarketable(side: Side, limitTicks: number): boolean {
    const last = this.clock.lastPriceTicks;
    return Number.isNaN(last) || side * (last - limitTicks) <= 0;
  }

  private findWorking(orderId: number): WorkingOrder | undefined {
    return this.working.find((entry) => entry.order.id === orderId && entry.order.status === "working");
  }

  /** Cancels a working order; its entry leaves `working` at the next match or is skipped until then. */
  private cancelOrder(order: Order): void {
    order.status = "cancelled";
    this.workingQty -= order.side * remainingQty(order);
    this.cancelled.push(order);
  }
}

function workingOf(...orders: (Order | null)[]): Order[] {
  const out: Order[] = [];
  for (const order of orders) if (order !== null && order.status === "working") out.push(order);
  return out;
}

function isImmediate(order: RestingOrder): boolean {
  return order.timeInForce === "IOC" || order.timeInForce === "FOK";
}

/** Trail and bracket distances: positive integer ticks. */
export function isValidTrail(ticks: number): boolean {
  return Number.isInteger(ticks) && ticks >= 1 && ticks <= 1_000_000;
}

function triggerPriceOf(order: Order): number {
  switch (order.type) {
    case "stop":
    case "stop-limit":
      return order.stopPriceTicks;
    case "trailing-stop":
      return order.stopPriceTicks ?? Number.NaN;
    case "market-if-touched":
      return order.triggerPriceTicks;
    default:
      return Number.NaN;
  }
}
