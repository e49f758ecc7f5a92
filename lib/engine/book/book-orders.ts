/**
 * Our orders at the simulated book venue: their queue state (`VenueOrder`), and the links between
 * them - brackets (one-triggers-other exits) and OCO groups - with the trades venue's semantics
 * (venue.ts), driven by the book engine's fills.
 *
 * `kind` is what the matching loops look at (one integer compare per order): MARKET (a market
 * order, or an elected stop, trailing stop or market-if-touched order), LIMIT (a limit, or an
 * elected stop-limit at its limit price), STOP (a stop, stop-limit, trailing stop or
 * market-if-touched order waiting for its electing trade). `needsJoin`: elected on a trade, the order
 * reaches the book at the event's boundary (join: take liquidity, then rest or cancel).
 *
 * Brackets (attachBracket): when the entry fills q contracts at P, the exits are a take-profit
 * limit at P + side x takeProfitTicks and a stop-loss stop at P - side x stopLossTicks, opposite
 * side, reduce-only, GTC, q contracts each, linked in a "reduce" OCO group; they skip the entry
 * latency (held at the venue) and join the book at the next event (the take-profit takes its place
 * in the real queue then). Later partial fills of the entry grow working exits by their quantity
 * (prices and queue places stay); if no exit is working any more, a new pair is created at the new
 * fill's price. Cancelling the entry leaves existing exits.
 * OCO groups: "cancel" - any fill of a member cancels the others; "reduce" - a fill of q reduces
 * every other member by q, cancelling it at zero.
 */
import { SIDE } from "../../market/mbo-columns";
import type { LimitOrder, MarketIfTouchedOrder, MarketOrder, Order, StopLimitOrder, StopOrder, TrailingStopOrder } from "../order";
import { isValidTrail, type BracketExits, type OcoMode } from "../venue";

/** The order types the book engine simulates. */
export type BookOrder = MarketOrder | LimitOrder | StopOrder | StopLimitOrder | TrailingStopOrder | MarketIfTouchedOrder;

export const PENDING = 0;
export const ACTIVE = 1;
export const DONE = 2;

export const MARKET = 0;
export const LIMIT = 1;
export const STOP = 2;

/** Our order at the simulated venue, with its queue state. */
export interface VenueOrder {
  readonly order: BookOrder;
  state: number;
  /** MARKET / LIMIT / STOP (see the module comment). */
  kind: number;
  /** Elected on a trade: joins the book at the event's boundary. */
  needsJoin: boolean;
  /** Engine-clock offset at which the order reaches the venue. */
  arrival: number;
  /** Entry latency applied to the order (its last submission or modification), ns. */
  entryLatencyNs: number;
  /** Limit price in 1e-9 units (NaN for market orders and stops). */
  priceNano: number;
  /**
   * Electing price in 1e-9 units: the stop of a stop or stop-limit, the current stop of a trailing
   * stop (NaN until it has a reference price), the trigger of a market-if-touched order; else NaN.
   */
  stopNano: number;
  /** Book side of a limit: SIDE.BID for a buy. */
  readonly bookSide: typeof SIDE.BID | typeof SIDE.ASK;
  /** l3: queue priority taken at arrival. */
  priority: number;
  /** Size ahead: l3 cache for `aheadEvent`, l2 running estimate. */
  ahead: number;
  aheadAtJoin: number;
  /** l3: the event the cached `ahead` belongs to; -1 = stale. */
  aheadEvent: number;
  /** l3: trade size at our price seen in `aheadEvent`, and what we filled from it. */
  consumed: number;
  filledInEvent: number;
  /** l2: level size at the last boundary and trades at our price since. */
  levelSize: number;
  traded: number;
}

export function kindOf(order: BookOrder): number {
  if (order.type === "market") return MARKET;
  if (order.type === "limit") return LIMIT;
  return order.trigger === null ? STOP : order.type === "stop-limit" ? LIMIT : MARKET;
}

export function newVenueOrder(order: BookOrder, arrival: number, entryLatencyNs: number, tickNano: number): VenueOrder {
  const limit = order.type === "limit" || order.type === "stop-limit" ? order.limitPriceTicks * tickNano : Number.NaN;
  const stop = electingNano(order, tickNano);
  return {
    order,
    state: PENDING,
    kind: kindOf(order),
    needsJoin: false,
    arrival,
    entryLatencyNs,
    priceNano: limit,
    stopNano: stop,
    bookSide: order.side === 1 ? SIDE.BID : SIDE.ASK,
    priority: 0,
    ahead: Number.NaN,
    aheadAtJoin: Number.NaN,
    aheadEvent: -1,
    consumed: 0,
    filledInEvent: 0,
    levelSize: 0,
    traded: 0,
  };
}

/** The electing price of a stop-like order in 1e-9 units (NaN: none yet, or not stop-like). */
export function electingNano(order: BookOrder, tickNano: number): number {
  switch (order.type) {
    case "stop":
    case "stop-limit":
      return order.stopPriceTicks * tickNano;
    case "trailing-stop":
      return order.stopPriceTicks === null ? Number.NaN : order.stopPriceTicks * tickNano;
    case "market-if-touched":
      return order.triggerPriceTicks * tickNano;
    default:
      return Number.NaN;
  }
}

/**
 * Moves a trailing stop's reference to trade price `p` (ticks) when it is better for the order (a
 * sell: higher, a buy: lower; the first price sets it) and its stop to `p` -+ trail.
 */
export function trailTo(order: TrailingStopOrder, p: number): void {
  const best = order.bestPriceTicks;
  if (best === null || order.side * (p - best) < 0) {
    order.bestPriceTicks = p;
    order.stopPriceTicks = p + order.side * order.trailTicks;
  }
}

/** What the links need from the engine. */
export interface LinkHost {
  /** Cancels a working order (a sibling of a filled OCO member). */
  cancelOrder(o: VenueOrder): void;
  /** Reduces a working order by `qty` contracts (still > 0 after it). */
  reduceOrder(o: VenueOrder, qty: number): void;
  /** Grows a working exit by `qty` contracts, keeping its place. */
  growOrder(o: VenueOrder, qty: number): void;
  /** Creates a held exit (no entry latency) at the fill time. */
  submitExit(order: LimitOrder | StopOrder): VenueOrder;
  nextOrderId(): number;
  readonly nowNs: bigint;
}

interface Bracket {
  readonly exits: BracketExits;
  takeProfit: VenueOrder | null;
  stopLoss: VenueOrder | null;
}

interface OcoGroup {
  readonly mode: OcoMode;
  readonly members: VenueOrder[];
}

export class OrderLinks {
  private readonly brackets = new Map<number, Bracket>();
  private readonly groups = new Map<number, OcoGroup>();
  private nextGroupId = 1;

  constructor(private readonly host: LinkHost) {}

  /** Attaches bracket exits to a working, unfilled entry; false if that is impossible. */
  attachBracket(entry: VenueOrder | undefined, exits: BracketExits): boolean {
    const tp = exits.takeProfitTicks;
    const sl = exits.stopLossTicks;
    if (entry === undefined || entry.state === DONE || entry.order.filledQty > 0 || this.brackets.has(entry.order.id)) return false;
    if ((tp === undefined && sl === undefined) || (tp !== undefined && !isValidTrail(tp)) || (sl !== undefined && !isValidTrail(sl))) return false;
    this.brackets.set(entry.order.id, { exits: { ...exits }, takeProfit: null, stopLoss: null });
    return true;
  }

  /** Links working orders in an OCO group; false if fewer than two, or one is not working or already linked. */
  linkOco(members: readonly (VenueOrder | undefined)[], mode: OcoMode): boolean {
    if (members.length < 2 || new Set(members).size !== members.length) return false;
    for (const o of members) if (o === undefined || o.state === DONE || o.order.ocoGroupId !== undefined) return false;
    const linked = members as VenueOrder[];
    const groupId = this.nextGroupId++;
    for (const o of linked) o.order.ocoGroupId = groupId;
    this.groups.set(groupId, { mode, members: linked.slice() });
    return true;
  }

  /** A fill of `qty` at `priceTicks` was booked for `o`: drives its OCO group and its bracket. */
  filled(o: VenueOrder, qty: number, priceTicks: number): void {
    const order = o.order;
    if (order.ocoGroupId !== undefined) {
      const group = this.groups.get(order.ocoGroupId)!;
      for (const other of group.members) {
        if (other === o || other.state === DONE) continue;
        if (group.mode === "cancel" || qty >= other.order.qty - other.order.filledQty) this.host.cancelOrder(other);
        else this.host.reduceOrder(other, qty);
      }
    }
    const bracket = this.brackets.get(order.id);
    if (bracket !== undefined) this.driveBracket(order, bracket, qty, priceTicks);
  }

  private driveBracket(entry: Order, bracket: Bracket, qty: number, priceTicks: number): void {
    const tpLive = bracket.takeProfit !== null && bracket.takeProfit.state !== DONE;
    const slLive = bracket.stopLoss !== null && bracket.stopLoss.state !== DONE;
    if (tpLive || slLive) {
      if (tpLive) this.host.growOrder(bracket.takeProfit!, qty);
      if (slLive) this.host.growOrder(bracket.stopLoss!, qty);
      return;
    }
    const host = this.host;
    const side = entry.side === 1 ? -1 : 1;
    const { takeProfitTicks: tp, stopLossTicks: sl } = bracket.exits;
    const base = { side, qty, status: "working", filledQty: 0, timeInForce: "GTC", reduceOnly: true, parentId: entry.id } as const;
    bracket.takeProfit =
      tp === undefined
        ? null
        : host.submitExit({ ...base, id: host.nextOrderId(), submittedAtNs: host.nowNs, type: "limit", limitPriceTicks: priceTicks + entry.side * tp, marketable: false });
    bracket.stopLoss =
      sl === undefined
        ? null
        : host.submitExit({ ...base, id: host.nextOrderId(), submittedAtNs: host.nowNs, type: "stop", stopPriceTicks: priceTicks - entry.side * sl, trigger: null });
    if (bracket.takeProfit !== null && bracket.stopLoss !== null) this.linkOco([bracket.takeProfit, bracket.stopLoss], "reduce");
  }
}
