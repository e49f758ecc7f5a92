/**
 * Matching of our orders against the replayed book, per fill model (queue-model.ts states the
 * rules): trades against our resting limits (l3-fifo: the exact FIFO queue; l2-queue: the level
 * estimate), orders reaching the book (take, then rest with a queue place), the boundary checks
 * (opposite crosses, l2 queue updates, market remainders) and market-order walking of the
 * displayed depth. The matcher decides quantities and prices only; fills and cancels are booked
 * by the engine through `MatchSink` (accounting, links, reports). No allocation: the depth is read
 * into preallocated arrays.
 */
import { SIDE } from "../../market/mbo-columns";
import type { OrderBook } from "../../book/order-book";
import type { LiveBookView } from "./book-view";
import type { BookFillModelName, BookFillRule } from "../fill";
import { ACTIVE, LIMIT, MARKET, STOP, type VenueOrder } from "./book-orders";
import { probQueueFront, type QueueProbability } from "./queue-model";

const MAX_WALK = 64;

/** Where the matcher's decisions go (the engine). */
export interface MatchSink {
  /** Fills `qty` of `o` at `priceTicks` at offset `t`; `ahead` = the queue position (NaN: none). */
  fill(o: VenueOrder, qty: number, priceTicks: number, t: number, recordIndex: number, rule: BookFillRule, ahead: number): void;
  cancelOrder(o: VenueOrder): void;
  /** The engine's clock (ns offset from its origin): the boundary's time in `matchBoundary`. */
  readonly now: number;
}

export class BookMatcher {
  private readonly walkPrice = new Float64Array(MAX_WALK);
  private readonly walkSize = new Float64Array(MAX_WALK);
  private readonly walkCount = new Uint32Array(MAX_WALK);

  constructor(
    private readonly book: OrderBook,
    /** The best prices taken at each boundary. */
    private readonly view: LiveBookView,
    private readonly fillModel: BookFillModelName,
    /** Tick size in 1e-9 units (the book's price unit). */
    private readonly tickNano: number,
    private readonly queueProbability: QueueProbability,
    /** The market's state: nothing aggressive fills while it is closed. */
    private readonly market: { readonly open: boolean },
    private readonly sink: MatchSink,
  ) {}

  /**
   * l2/l3: a trade at `p` (1e-9) of `size` by `aggressor` against our active resting limits; `event`
   * is the serial of the event it belongs to (l3 takes the size ahead once per event).
   */
  matchTrade(orders: readonly VenueOrder[], p: number, size: number, aggressor: number, t: number, k: number, event: number): void {
    const sink = this.sink;
    for (let n = 0; n < orders.length; n++) {
      const o = orders[n];
      if (o.state !== ACTIVE || o.kind !== LIMIT || o.needsJoin) continue;
      const buy = o.order.side === 1;
      const L = o.priceNano;
      if (buy ? p < L : p > L) {
        sink.fill(o, remaining(o), L / this.tickNano, t, k, "trade-through", this.currentAhead(o));
        continue;
      }
      // Only an aggressor on the other side consumes our queue (side N - auction prints - does not).
      if (p !== L || aggressor !== (buy ? SIDE.ASK : SIDE.BID)) continue;
      if (this.fillModel === "l3-fifo") {
        if (o.aheadEvent !== event) {
          o.ahead = this.book.sizeAhead(o.bookSide, L, o.priority);
          o.aheadEvent = event;
          o.consumed = 0;
          o.filledInEvent = 0;
        }
        o.consumed += size;
        const reach = o.consumed - o.ahead - o.filledInEvent;
        if (reach > 0) {
          const q = Math.min(reach, remaining(o));
          o.filledInEvent += q;
          sink.fill(o, q, L / this.tickNano, t, k, "queue", Math.max(0, o.ahead - (o.consumed - size)));
        }
      } else {
        const before = o.ahead;
        o.ahead -= size;
        o.traded += size;
        if (o.ahead < 0) {
          const q = Math.min(Math.floor(-o.ahead + 1e-9), remaining(o));
          o.ahead = 0;
          if (q > 0) sink.fill(o, q, L / this.tickNano, t, k, "queue", Math.max(0, before));
        }
      }
    }
  }

  /**
   * An event boundary at the engine's time `now` (record `index`) with the view's best prices
   * (1e-9, taken at this boundary): elected stops join the book, market remainders take, the
   * opposite side reaching a resting limit fills it, l2 queue estimates follow the level sizes.
   * The times and prices are read here, not passed: a call at every boundary with double
   * arguments (not Smis) boxed each of them on the heap when it was not inlined.
   */
  matchBoundary(orders: readonly VenueOrder[], index: number): void {
    const book = this.book;
    const t = this.sink.now;
    const bid = this.view.bidNano;
    const ask = this.view.askNano;
    // A crossed real book is not matching (pre-open): the opposite side reaching us fills nothing.
    const open = !(bid >= ask);
    for (let n = 0; n < orders.length; n++) {
      const o = orders[n];
      if (o.state !== ACTIVE || o.kind === STOP) continue;
      if (o.needsJoin) {
        o.needsJoin = false;
        this.join(o, t, index);
        continue;
      }
      if (o.kind === MARKET) {
        this.take(o, Number.NaN, t, index);
        continue;
      }
      const buy = o.order.side === 1;
      const opposite = buy ? ask : bid;
      if (open && (buy ? opposite <= o.priceNano : opposite >= o.priceNano)) {
        this.sink.fill(o, remaining(o), o.priceNano / this.tickNano, t, index, "opposite-cross", this.currentAhead(o));
        continue;
      }
      if (this.fillModel === "l2-queue") {
        const size = book.sizeAt(o.bookSide, o.priceNano);
        const decrease = o.levelSize - size - o.traded;
        if (decrease > 0) o.ahead = probQueueFront(this.queueProbability, o.ahead, o.levelSize - o.traded, decrease);
        if (o.ahead > size) o.ahead = size;
        o.levelSize = size;
        o.traded = 0;
      }
    }
  }

  /**
   * A market or limit order reaches the book at `t` (the book as it stands): a market order takes,
   * a limit takes within its price, then IOC/FOK end and the rest joins its queue behind every
   * order resting now (l3: the book's `queueClock()`; l2: the displayed level size).
   */
  join(o: VenueOrder, t: number, index: number): void {
    const order = o.order;
    if (order.type === "market") {
      this.take(o, Number.NaN, t, index);
      return;
    }
    const tif = order.timeInForce;
    if (o.kind === MARKET) {
      // An elected stop: a market order, IOC/FOK matched against the book it meets only.
      if (tif === "FOK" && this.available(o) < remaining(o)) this.sink.cancelOrder(o);
      else this.take(o, Number.NaN, t, index);
      if (o.state === ACTIVE && (tif === "IOC" || tif === "FOK")) this.sink.cancelOrder(o);
      return;
    }
    if (tif === "FOK" && this.available(o) < remaining(o)) {
      this.sink.cancelOrder(o);
      return;
    }
    const book = this.book;
    const opposite = book.bestPrice(order.side === 1 ? SIDE.ASK : SIDE.BID);
    if (order.side === 1 ? opposite <= o.priceNano : opposite >= o.priceNano) this.take(o, o.priceNano, t, index);
    if (o.state !== ACTIVE) return;
    if (tif === "IOC" || tif === "FOK") {
      this.sink.cancelOrder(o);
      return;
    }
    if (this.fillModel === "l3-fifo") {
      o.priority = book.queueClock();
      // Every order resting now is ahead of a new priority: the whole level (no queue walk).
      o.ahead = book.sizeAt(o.bookSide, o.priceNano);
      o.aheadEvent = -1;
    } else if (this.fillModel === "l2-queue") {
      o.ahead = book.sizeAt(o.bookSide, o.priceNano);
      o.levelSize = o.ahead;
      o.traded = 0;
    } else {
      o.ahead = Number.NaN;
    }
    o.aheadAtJoin = o.ahead;
  }

  /** Contracts the opposite side offers within the order's limit (NaN: any price) - the FOK check. */
  private available(o: VenueOrder): number {
    const buy = o.order.side === 1;
    const limit = o.priceNano;
    if (this.fillModel === "l1-quotes") {
      const best = this.book.bestPrice(buy ? SIDE.ASK : SIDE.BID);
      return best === best && (limit !== limit || (buy ? best <= limit : best >= limit)) ? Infinity : 0;
    }
    const n = this.book.depth(buy ? SIDE.ASK : SIDE.BID, MAX_WALK, this.walkPrice, this.walkSize, this.walkCount);
    let total = 0;
    for (let k = 0; k < n; k++) {
      const px = this.walkPrice[k];
      if (buy ? px > limit : px < limit) break; // never with a NaN limit
      total += this.walkSize[k];
    }
    return total;
  }

  /**
   * Takes liquidity from the opposite side within `limitNano` (NaN: no limit): the displayed levels
   * best first (l1-quotes: the whole quantity at the opposite best). What the depth cannot fill waits.
   */
  private take(o: VenueOrder, limitNano: number, t: number, index: number): void {
    const buy = o.order.side === 1;
    const opposite = buy ? SIDE.ASK : SIDE.BID;
    // A closed market, or a crossed real book (pre-open), is not matching: aggressive orders wait.
    if (!this.market.open || this.book.bestPrice(SIDE.BID) >= this.book.bestPrice(SIDE.ASK)) return;
    if (this.fillModel === "l1-quotes") {
      const best = this.book.bestPrice(opposite);
      if (best !== best || (limitNano === limitNano && (buy ? best > limitNano : best < limitNano))) return;
      this.sink.fill(o, remaining(o), best / this.tickNano, t, index, "book-walk", Number.NaN);
      return;
    }
    const n = this.book.depth(opposite, MAX_WALK, this.walkPrice, this.walkSize, this.walkCount);
    for (let k = 0; k < n && o.state === ACTIVE; k++) {
      const px = this.walkPrice[k];
      if (limitNano === limitNano && (buy ? px > limitNano : px < limitNano)) break;
      const q = Math.min(this.walkSize[k], remaining(o));
      if (q > 0) this.sink.fill(o, q, px / this.tickNano, t, index, "book-walk", Number.NaN);
    }
  }

  /** Contracts ahead of a resting limit: exact on l3 (real orders still ahead), the estimate on l2, NaN on l1. */
  currentAhead(o: VenueOrder): number {
    if (this.fillModel === "l3-fifo") return this.book.sizeAhead(o.bookSide, o.priceNano, o.priority);
    return o.ahead;
  }
}

export function remaining(o: VenueOrder): number {
  return o.order.qty - o.order.filledQty;
}
