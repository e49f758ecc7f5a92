/**
 * The book backtest engine: replays MBO columns through the L3 order book (lib/book/order-book.ts)
 * and simulates our orders against it with a book fill model (queue-model.ts). Pure, synchronous,
 * deterministic; per record it only reads flags and actions (plus the trade rules on T records
 * while we have orders in the book); allocations happen at our orders and fills only.
 *
 * Ordering invariant, per event of the feed (records up to and including one with LAST):
 *   1. orders whose entry latency has elapsed (submitted at s, s + latency <= ts_recv of the
 *      event's first record) reach the venue, in submission order, against the book as it stood
 *      at the previous boundary: aggressive ones take liquidity, the rest join their queue behind
 *      every order resting then (l3-fifo: `queueClock()`);
 *   2. the event's trade records (T) are matched against our resting orders - with the book as
 *      the event's earlier records left it (CME sends T/F first, the cancels that remove the filled
 *      orders come after them), the size ahead of us taken once per event at its first trade at
 *      our price - then onTrade;
 *   3. the event's records reach the book; at its boundary: crosses of the opposite side, l2
 *      queue updates and the remainders of market orders are matched, an equity point is taken
 *      when an interval ended, then onBook.
 * One clock: ts_recv (the local receipt time). Latency is the constant entry leg.
 *
 * Our orders never change the real book (no market impact): a market order takes the displayed
 * depth at its arrival; what the depth could not fill waits and is matched again at the next
 * boundary against the then-current book. Limits fill at their own price when resting, at the
 * level prices when aggressive. Slippage does not apply (the book gives the prices). A crossed
 * real book (pre-open) is not matching: nothing aggressive fills and no cross fills a resting
 * limit until it uncrosses (trades - the opening auction print - still count).
 *
 * Every fill records its model, rule (queue / trade-through / opposite-cross / book-walk), the
 * record it happened at (batch ordinal, index) and, for resting limits on l2/l3, `queuePosition`:
 * the size ahead of it just before the fill. Equity points: at the strategy's start, at the first
 * boundary of every equity interval, after every fill (marked at the fill price) and at the end;
 * the mark is the last trade price (the best bid before the first trade). `cancelledOrders` lists
 * the orders cancelled at the end of data only (a strategy's own cancels are not results).
 *
 * Supported orders: market, limit (GTC; DAY = GTC until the end of data; IOC and FOK matched at
 * arrival only), reduce-only, cancel (immediate), modify (a price change or size increase loses
 * the queue place and restarts the latency; a size decrease keeps the place, as on CME). Stops and
 * bars are not supported by this engine and throw. At the end of data working orders are
 * cancelled and a position is closed at the last trade price ("end-of-data"), as in
 * BacktestEngine, so results have the same shape and meaning.
 *
 * `strategyFromNs`: records before it only build the book (the strategy starts at the first
 * boundary at or after it), so a run on a time window still starts from a complete book.
 */
import { z } from "zod";
import { AppError } from "../../errors";
import { SeededRandom } from "../../market/random";
import { ACTION, MBO_FLAG, SIDE, type MboColumns } from "../../market/mbo-columns";
import type { TradeColumns } from "../../market/trade-columns";
import { OrderBook } from "../../book/order-book";
import { Account } from "../account";
import type { BookFillModelName, BookFillRule, Fill, FillReason } from "../fill";
import { instrumentSchema, type Instrument } from "../instrument";
import { assertOrderRequest, isValidPriceTicks, isValidQty, type LimitOrder, type MarketOrder, type Order, type OrderModification, type OrderRejectReason, type RestingOrderOptions, type Side } from "../order";
import { computeMetrics, type BacktestResult } from "../result";
import type { StrategyContext, StrategyModule } from "../strategy";
import type { BookStrategyContext, BookStrategyHandlers } from "./book-strategy";
import { LiveBookView } from "./book-view";
import { BOOK_FILL_MODELS, probQueueFront, type QueueProbability } from "./queue-model";

export interface BookEngineConfig {
  readonly instrument: Instrument;
  readonly strategy: StrategyModule;
  readonly params: unknown;
  readonly fillModel: BookFillModelName;
  readonly startingCashCents: number;
  readonly feePerSideCents?: number;
  readonly seed: number;
  /** Entry latency, ns (default 0). */
  readonly latencyNs?: number;
  /** Equity sampling interval, seconds (default 60). */
  readonly equityIntervalSeconds?: number;
  /** Tick size in 1e-9 units (the MBO price unit), e.g. 250000000n for 0.25. */
  readonly tickSizeNano: bigint;
  /** l2-queue: how a size decrease at our level is split (default risk-averse: the conservative one). */
  readonly queueModel?: QueueProbability;
  /** The strategy starts at the first boundary at or after this time (default: the first one). */
  readonly strategyFromNs?: bigint;
  /**
   * What `events` (progress, result) counts: "record" (default) every MBO record; "event" the
   * records that close an event (LAST) - one per quote or trade of the quote feed (lib/engine/quotes).
   */
  readonly eventUnit?: "record" | "event";
}

const configSchema = z.object({
  instrument: instrumentSchema,
  fillModel: z.enum(BOOK_FILL_MODELS),
  startingCashCents: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  feePerSideCents: z.number().int().min(0).max(1_000_000).optional(),
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  latencyNs: z.number().int().min(0).max(60e9).default(0),
  equityIntervalSeconds: z.number().int().min(1).max(86_400).default(60),
  tickSizeNano: z.bigint().positive(),
  queueModel: z
    .discriminatedUnion("kind", [z.object({ kind: z.literal("risk-averse") }), z.object({ kind: z.literal("power"), n: z.number().min(0.1).max(10) }), z.object({ kind: z.literal("log") })])
    .default({ kind: "risk-averse" }),
});

export interface BookEngineSnapshot {
  readonly eventsProcessed: number;
  readonly simTimeNs: bigint;
  readonly equityCents: number;
  readonly positionQty: number;
}

const PENDING = 0;
const ACTIVE = 1;
const DONE = 2;

/** Our order at the simulated venue, with its queue state. */
interface VenueOrder {
  readonly order: MarketOrder | LimitOrder;
  state: number;
  /** Engine-clock offset at which the order reaches the venue. */
  arrival: number;
  /** Limit price in 1e-9 units (NaN for market orders). */
  priceNano: number;
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

const { LAST, SNAPSHOT } = MBO_FLAG;
const TRADE = ACTION.TRADE;
const MAX_WALK = 64;
const NS_PER_MS = 1_000_000n;

export class BookBacktestEngine {
  readonly fillModel: BookFillModelName;
  private readonly handlers: BookStrategyHandlers;
  private readonly account: Account;
  private readonly random: SeededRandom;
  private readonly book = new OrderBook();
  private readonly view: LiveBookView;
  private readonly ctx: BookStrategyContext;
  private readonly tickNano: number;
  private readonly latencyNs: number;
  private readonly equityIntervalNs: number;
  private readonly queueProbability: QueueProbability;
  private readonly strategyFromNs: bigint | null;
  private readonly countLastOnly: boolean;

  private originNs: bigint | null = null;
  private batch: MboColumns | null = null;
  private batchBaseNs = 0n;
  private shift = 0;
  private batchOrdinal = -1;
  private nextIndex = 0;
  private stage: "idle" | "running" | "finished" | "failed" = "idle";
  private started = false;
  private startOffset = -Infinity;

  private events = 0;
  private eventSerial = 0;
  private now = 0;
  private lastRecordOffset = 0;
  private lastRecordIndex = -1;
  private lastTradeTicks = Number.NaN;
  private nextEquityOffset = -Infinity;

  private readonly orders: VenueOrder[] = [];
  private pendingCount = 0;
  /** Some order reached DONE since the last compaction. */
  private dirty = false;
  private activeCount = 0;
  private nextArrival = Infinity;
  private workingQtySigned = 0;
  private nextOrderId = 1;
  private nextFillId = 1;
  private readonly fills: Fill[] = [];
  private readonly cancelled: Order[] = [];
  private readonly equityTsMs: number[] = [];
  private readonly equityCents: number[] = [];

  /** Top of book last delivered to onQuote: bid, ask (1e-9), bid size, ask size. */
  private readonly lastQuote = new Float64Array([Number.NaN, Number.NaN, -1, -1]);
  private readonly walkPrice = new Float64Array(MAX_WALK);
  private readonly walkSize = new Float64Array(MAX_WALK);
  private readonly walkCount = new Uint32Array(MAX_WALK);
  private readonly tradeTape: TradeColumns = {
    length: 1,
    baseNs: 0n,
    tsOffsetNs: new Float64Array(1),
    eventDeltaNs: new Float64Array(1),
    priceTicks: new Int32Array(1),
    size: new Int32Array(1),
    side: new Int8Array(1),
  };

  constructor(config: BookEngineConfig) {
    const parsed = configSchema.safeParse(config);
    if (!parsed.success) throw new AppError("bad_request", `Invalid book backtest configuration: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
    const { strategy } = config;
    const params = strategy.paramsSchema.safeParse(config.params);
    if (!params.success) {
      throw new AppError("bad_request", `Invalid parameters for strategy "${strategy.id}": ${z.prettifyError(params.error)}`, { cause: params.error });
    }
    const o = parsed.data;
    this.fillModel = o.fillModel;
    this.handlers = strategy.create(params.data) as BookStrategyHandlers;
    if (this.handlers.onBar !== undefined) {
      throw new AppError("unprocessable", `Strategy "${strategy.id}" uses time bars, which the book engine (${o.fillModel}) does not deliver`);
    }
    this.account = new Account(o.instrument, o.startingCashCents, o.feePerSideCents ?? o.instrument.feePerSideCents);
    this.random = new SeededRandom(o.seed);
    this.tickNano = Number(o.tickSizeNano);
    this.latencyNs = o.latencyNs;
    this.equityIntervalNs = o.equityIntervalSeconds * 1e9;
    this.queueProbability = o.queueModel;
    this.strategyFromNs = config.strategyFromNs ?? null;
    this.countLastOnly = config.eventUnit === "event";
    this.view = new LiveBookView(this.book, this.tickNano);
    this.ctx = this.createContext();
  }

  /** Replays records [from, to) of an MBO batch; call with consecutive chunks, then the next batch. */
  processBatch(batch: MboColumns, from: number, to: number): void {
    if (this.stage !== "idle" && this.stage !== "running") throw new AppError("internal", `processBatch called on a ${this.stage} engine`);
    if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to < from || to > batch.length) {
      throw new AppError("internal", `processBatch: invalid range [${from}, ${to}) for a batch of ${batch.length} records`);
    }
    if (from === to) return;
    const same = batch === this.batch && batch.baseNs === this.batchBaseNs && from !== 0;
    if (same && from !== this.nextIndex) throw new AppError("internal", `processBatch: chunk starts at ${from}, expected ${this.nextIndex}`);
    try {
      if (!same) this.bind(batch);
      this.stage = "running";
      this.replay(batch, from, to);
    } catch (error) {
      this.stage = "failed";
      throw error;
    }
    this.nextIndex = to;
    if (this.countLastOnly) {
      const flags = batch.flags;
      let n = 0;
      for (let i = from; i < to; i++) if ((flags[i] & LAST) !== 0) n++;
      this.events += n;
    } else {
      this.events += to - from;
    }
  }

  private bind(batch: MboColumns): void {
    if (this.originNs === null) {
      this.originNs = batch.baseNs;
      if (this.strategyFromNs !== null) this.startOffset = Number(this.strategyFromNs - batch.baseNs);
    }
    this.batch = batch;
    this.batchBaseNs = batch.baseNs;
    this.shift = Number(batch.baseNs - this.originNs);
    this.batchOrdinal++;
  }

  private replay(c: MboColumns, from: number, to: number): void {
    const flags = c.flags;
    const action = c.action;
    const ts = c.tsRecvOffsetNs;
    const book = this.book;
    const shift = this.shift;
    let i = from;
    while (i < to) {
      // A snapshot sent without a final LAST ends just before the first live record: a boundary.
      if (book.inSnapshot && (flags[i] & SNAPSHOT) === 0) {
        book.endSnapshot();
        this.boundary();
      }
      if (this.pendingCount > 0 && !book.inEvent && ts[i] + shift >= this.nextArrival) this.arrive(ts[i] + shift);
      const snap = flags[i] & SNAPSHOT;
      let e = i;
      let applied = i;
      if (this.activeCount > 0 || this.handlers.onTrade !== undefined) {
        for (; e < to; e++) {
          const f = flags[e];
          if ((f & SNAPSHOT) !== snap) break;
          if (action[e] === TRADE) {
            // The event's earlier records reach the book first, so the state a trade sees does not
            // depend on where a chunk or block boundary cut the event.
            if (e > applied) book.applyRange(c, applied, e);
            applied = e;
            this.trade(c, e);
          }
          if ((f & LAST) !== 0) {
            e++;
            break;
          }
        }
      } else {
        // Nothing of ours in the book: the book finds the boundary itself (one pass over the event).
        e = applied = book.applyEvent(c, i, to);
      }
      if (e > applied) book.applyRange(c, applied, e);
      i = e;
      this.lastRecordIndex = e - 1;
      this.lastRecordOffset = ts[e - 1] + shift;
      if (!book.inEvent) this.boundary();
    }
  }

  // ---- market events ------------------------------------------------------------------------

  /** A trade record: our resting orders at or through its price, then onTrade. */
  private trade(c: MboColumns, k: number): void {
    const p = c.priceNano[k];
    if (p !== p) return;
    const size = c.size[k];
    const aggressor = c.side[k];
    const t = c.tsRecvOffsetNs[k] + this.shift;
    this.lastTradeTicks = p / this.tickNano;
    if (this.activeCount > 0 && this.fillModel !== "l1-quotes") {
      const orders = this.orders;
      for (let n = 0; n < orders.length; n++) {
        const o = orders[n];
        if (o.state !== ACTIVE || o.order.type !== "limit") continue;
        const buy = o.order.side === 1;
        const L = o.priceNano;
        if (buy ? p < L : p > L) {
          this.fill(o, this.remaining(o), L / this.tickNano, t, k, "trade-through", this.currentAhead(o));
          continue;
        }
        // Only an aggressor on the other side consumes our queue (side N - auction prints - does not).
        if (p !== L || aggressor !== (buy ? SIDE.ASK : SIDE.BID)) continue;
        if (this.fillModel === "l3-fifo") {
          if (o.aheadEvent !== this.eventSerial) {
            o.ahead = this.book.sizeAhead(o.bookSide, L, o.priority);
            o.aheadEvent = this.eventSerial;
            o.consumed = 0;
            o.filledInEvent = 0;
          }
          o.consumed += size;
          const reach = o.consumed - o.ahead - o.filledInEvent;
          if (reach > 0) {
            const q = Math.min(reach, this.remaining(o));
            o.filledInEvent += q;
            this.fill(o, q, L / this.tickNano, t, k, "queue", Math.max(0, o.ahead - (o.consumed - size)));
          }
        } else {
          const before = o.ahead;
          o.ahead -= size;
          o.traded += size;
          if (o.ahead < 0) {
            const q = Math.min(Math.floor(-o.ahead + 1e-9), this.remaining(o));
            o.ahead = 0;
            if (q > 0) this.fill(o, q, L / this.tickNano, t, k, "queue", Math.max(0, before));
          }
        }
      }
      this.compact();
    }
    if (this.handlers.onTrade !== undefined && this.isStrategyLive(t)) {
      const tape = this.tradeTape;
      tape.baseNs = (this.originNs ?? 0n) + BigInt(t);
      tape.tsOffsetNs[0] = 0;
      tape.eventDeltaNs[0] = c.tsEventDeltaNs[k];
      tape.priceTicks[0] = this.lastTradeTicks;
      tape.size[0] = size;
      tape.side[0] = aggressor === SIDE.BID ? 1 : aggressor === SIDE.ASK ? -1 : 0;
      this.now = t;
      try {
        this.handlers.onTrade(this.ctx, 0);
      } catch (error) {
        throw strategyError("onTrade", error);
      }
    }
  }

  /** An event boundary: crosses, l2 queue updates, market remainders, equity, onBook. */
  private boundary(): void {
    this.eventSerial++;
    const t = this.lastRecordOffset;
    this.now = t;
    this.view.refresh();
    if (this.activeCount > 0) this.matchBoundary(t);
    if (t >= this.nextEquityOffset) this.sampleEquity(t);
    if (!this.started) {
      if (t < this.startOffset) return;
      this.started = true;
      this.nextEquityOffset = (Math.floor(t / this.equityIntervalNs) + 1) * this.equityIntervalNs;
      this.recordEquity(t, this.markTicks());
      this.call("onStart", () => this.handlers.onStart(this.ctx));
    }
    if (this.handlers.onQuote !== undefined) this.deliverQuote();
    const onBook = this.handlers.onBook;
    if (onBook !== undefined) {
      try {
        onBook(this.ctx);
      } catch (error) {
        throw strategyError("onBook", error);
      }
    }
  }

  /** onQuote when the top of book differs from the one last delivered (NaN = side empty). */
  private deliverQuote(): void {
    const v = this.view;
    const bid = v.bidNano;
    const ask = v.askNano;
    const bidSize = this.book.bestSize(SIDE.BID);
    const askSize = this.book.bestSize(SIDE.ASK);
    const q = this.lastQuote;
    const same = (a: number, b: number) => a === b || (a !== a && b !== b);
    if (same(q[0], bid) && same(q[1], ask) && q[2] === bidSize && q[3] === askSize) return;
    q[0] = bid;
    q[1] = ask;
    q[2] = bidSize;
    q[3] = askSize;
    this.call("onQuote", () => this.handlers.onQuote!(this.ctx));
  }

  private matchBoundary(t: number): void {
    const book = this.book;
    const orders = this.orders;
    const bid = this.view.bidNano;
    const ask = this.view.askNano;
    // A crossed real book is not matching (pre-open): the opposite side reaching us fills nothing.
    const open = !(bid >= ask);
    for (let n = 0; n < orders.length; n++) {
      const o = orders[n];
      if (o.state !== ACTIVE) continue;
      if (o.order.type === "market") {
        this.take(o, Number.NaN, t);
        continue;
      }
      const buy = o.order.side === 1;
      const opposite = buy ? ask : bid;
      if (open && (buy ? opposite <= o.priceNano : opposite >= o.priceNano)) {
        this.fill(o, this.remaining(o), o.priceNano / this.tickNano, t, this.lastRecordIndex, "opposite-cross", this.currentAhead(o));
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
    this.compact();
  }

  // ---- our orders at the venue --------------------------------------------------------------

  /** Orders whose latency elapsed reach the venue (book at the last boundary), in submission order. */
  private arrive(t: number): void {
    let next = Infinity;
    const orders = this.orders;
    for (let n = 0; n < orders.length; n++) {
      const o = orders[n];
      if (o.state !== PENDING) continue;
      if (o.arrival > t) {
        if (o.arrival < next) next = o.arrival;
        continue;
      }
      this.pendingCount--;
      o.state = ACTIVE;
      this.activeCount++;
      this.join(o, o.arrival);
    }
    this.nextArrival = next;
    this.compact();
  }

  private join(o: VenueOrder, t: number): void {
    const order = o.order;
    if (order.type === "market") {
      this.take(o, Number.NaN, t);
      return;
    }
    const tif = order.timeInForce;
    if (tif === "FOK" && this.available(o) < this.remaining(o)) {
      this.cancelOrder(o);
      return;
    }
    const book = this.book;
    const opposite = book.bestPrice(order.side === 1 ? SIDE.ASK : SIDE.BID);
    if (order.side === 1 ? opposite <= o.priceNano : opposite >= o.priceNano) this.take(o, o.priceNano, t);
    if (o.state !== ACTIVE) return;
    if (tif === "IOC" || tif === "FOK") {
      this.cancelOrder(o);
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

  /** Contracts the opposite side offers within the order's limit (FOK check). */
  private available(o: VenueOrder): number {
    const buy = o.order.side === 1;
    if (this.fillModel === "l1-quotes") {
      const best = this.book.bestPrice(buy ? SIDE.ASK : SIDE.BID);
      return best === best && (buy ? best <= o.priceNano : best >= o.priceNano) ? Infinity : 0;
    }
    const n = this.book.depth(buy ? SIDE.ASK : SIDE.BID, MAX_WALK, this.walkPrice, this.walkSize, this.walkCount);
    let total = 0;
    for (let k = 0; k < n; k++) {
      const px = this.walkPrice[k];
      if (buy ? px > o.priceNano : px < o.priceNano) break;
      total += this.walkSize[k];
    }
    return total;
  }

  /** Takes liquidity from the opposite side within `limitNano` (NaN: no limit). */
  private take(o: VenueOrder, limitNano: number, t: number): void {
    const buy = o.order.side === 1;
    const opposite = buy ? SIDE.ASK : SIDE.BID;
    const index = this.lastRecordIndex;
    // A crossed real book is not matching (pre-open): aggressive orders wait for it to uncross.
    if (this.book.bestPrice(SIDE.BID) >= this.book.bestPrice(SIDE.ASK)) return;
    if (this.fillModel === "l1-quotes") {
      const best = this.book.bestPrice(opposite);
      if (best !== best || (limitNano === limitNano && (buy ? best > limitNano : best < limitNano))) return;
      this.fill(o, this.remaining(o), best / this.tickNano, t, index, "book-walk", Number.NaN);
      return;
    }
    const n = this.book.depth(opposite, MAX_WALK, this.walkPrice, this.walkSize, this.walkCount);
    for (let k = 0; k < n && o.state === ACTIVE; k++) {
      const px = this.walkPrice[k];
      if (limitNano === limitNano && (buy ? px > limitNano : px < limitNano)) break;
      const q = Math.min(this.walkSize[k], this.remaining(o));
      if (q > 0) this.fill(o, q, px / this.tickNano, t, index, "book-walk", Number.NaN);
    }
  }

  private remaining(o: VenueOrder): number {
    return o.order.qty - o.order.filledQty;
  }

  private currentAhead(o: VenueOrder): number {
    if (this.fillModel === "l3-fifo") return this.book.sizeAhead(o.bookSide, o.priceNano, o.priority);
    return o.ahead;
  }

  private fill(o: VenueOrder, qty: number, priceTicks: number, t: number, recordIndex: number, rule: BookFillRule, ahead: number): void {
    const order = o.order;
    if (qty <= 0 || o.state !== ACTIVE) return;
    if (!Number.isInteger(priceTicks)) throw new AppError("unprocessable", `Book price ${priceTicks * this.tickNano} (1e-9) is off the tick grid`);
    if (order.type === "limit" && order.reduceOnly) {
      const pos = this.account.position.qty;
      if (Math.sign(pos) !== -order.side || qty > Math.abs(pos)) {
        this.cancelOrder(o);
        return;
      }
    }
    order.filledQty += qty;
    this.workingQtySigned -= order.side * qty;
    if (order.filledQty === order.qty) {
      order.status = "filled";
      o.state = DONE;
      this.dirty = true;
      this.activeCount--;
    }
    const tsNs = this.originNs! + BigInt(t);
    const fee = this.account.applyFill(order.side, qty, priceTicks, tsNs);
    const reason: FillReason = {
      model: this.fillModel,
      batch: this.batchOrdinal,
      tradeIndex: recordIndex,
      tradeTsNs: tsNs,
      latencyNs: this.latencyNs,
      slippageTicks: 0,
      rule,
      ...(Number.isNaN(ahead) ? {} : { queuePosition: ahead }),
    };
    const fill: Fill = { id: this.nextFillId++, orderId: order.id, side: order.side, qty, priceTicks, tsNs, feeCents: fee, reason };
    this.fills.push(fill);
    this.recordEquity(t, priceTicks);
    if (this.handlers.onFill !== undefined) this.call("onFill", () => this.handlers.onFill!(this.ctx, fill));
  }

  /** Cancels an order; `atEnd`: the end-of-data cancellation, recorded in the result. */
  private cancelOrder(o: VenueOrder, atEnd = false): void {
    if (o.state === DONE) return;
    if (o.state === PENDING) this.pendingCount--;
    else this.activeCount--;
    o.state = DONE;
    this.dirty = true;
    o.order.status = "cancelled";
    this.workingQtySigned -= o.order.side * this.remaining(o);
    if (atEnd) this.cancelled.push(o.order);
  }

  /** Drops finished orders (kept in place while loops may be iterating). */
  private compact(): void {
    if (!this.dirty) return;
    this.dirty = false;
    const orders = this.orders;
    let w = 0;
    for (let r = 0; r < orders.length; r++) {
      const o = orders[r];
      if (o.state !== DONE) orders[w++] = o;
    }
    orders.length = w;
  }

  /** Our order by id among the working ones (a strategy keeps few: a scan beats a map here). */
  private find(orderId: number): VenueOrder | undefined {
    const orders = this.orders;
    for (let n = 0; n < orders.length; n++) if (orders[n].order.id === orderId) return orders[n];
    return undefined;
  }

  private submit(order: MarketOrder | LimitOrder, priceNano: number): VenueOrder {
    const o: VenueOrder = {
      order,
      state: PENDING,
      arrival: this.now + this.latencyNs,
      priceNano,
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
    this.orders.push(o);
    this.pendingCount++;
    if (o.arrival < this.nextArrival) this.nextArrival = o.arrival;
    this.workingQtySigned += order.side * order.qty;
    return o;
  }

  private reject(order: LimitOrder, reason: OrderRejectReason): Readonly<Order> {
    order.status = "rejected";
    this.call("onOrderRejected", () => this.handlers.onOrderRejected?.(this.ctx, order, reason));
    return order;
  }

  // ---- results ------------------------------------------------------------------------------

  private markTicks(): number {
    if (this.lastTradeTicks === this.lastTradeTicks) return this.lastTradeTicks;
    const bid = this.book.bestPrice(SIDE.BID);
    return bid === bid ? bid / this.tickNano : 0;
  }

  private sampleEquity(t: number): void {
    if (!this.started) return;
    this.recordEquity(t, this.markTicks());
    this.nextEquityOffset = (Math.floor(t / this.equityIntervalNs) + 1) * this.equityIntervalNs;
  }

  private recordEquity(t: number, markTicks: number): void {
    this.equityTsMs.push(Number((this.originNs! + BigInt(t)) / NS_PER_MS));
    this.equityCents.push(this.account.equityCents(markTicks));
  }

  private isStrategyLive(t: number): boolean {
    return this.started || t >= this.startOffset;
  }

  private call(handler: string, run: () => void): void {
    try {
      run();
    } catch (error) {
      throw strategyError(handler, error);
    }
  }

  snapshot(): BookEngineSnapshot {
    const mark = this.markTicks();
    return {
      eventsProcessed: this.events,
      simTimeNs: this.originNs === null ? 0n : this.originNs + BigInt(this.lastRecordOffset),
      equityCents: this.account.equityCents(mark),
      positionQty: this.account.position.qty,
    };
  }

  /** Ends the run: cancels working orders, closes a position at the last trade price, onEnd. */
  finish(): BacktestResult {
    if (this.stage !== "idle" && this.stage !== "running") throw new AppError("internal", `finish() called on a ${this.stage} engine`);
    try {
      return this.end();
    } catch (error) {
      this.stage = "failed";
      throw error;
    }
  }

  private end(): BacktestResult {
    this.stage = "finished";
    for (const o of this.orders) this.cancelOrder(o, true);
    this.compact();
    const t = this.lastRecordOffset;
    this.now = t;
    const qty = this.account.position.qty;
    if (qty !== 0) {
      const side: Side = qty > 0 ? -1 : 1;
      const tsNs = this.originNs! + BigInt(t);
      const order: MarketOrder = { id: this.nextOrderId++, side, qty: Math.abs(qty), type: "market", status: "filled", filledQty: Math.abs(qty), submittedAtNs: tsNs };
      const priceTicks = this.markTicks();
      const fee = this.account.applyFill(side, order.qty, priceTicks, tsNs);
      this.fills.push({
        id: this.nextFillId++,
        orderId: order.id,
        side,
        qty: order.qty,
        priceTicks,
        tsNs,
        feeCents: fee,
        reason: { model: "end-of-data", batch: this.batchOrdinal, tradeIndex: this.lastRecordIndex, tradeTsNs: tsNs, latencyNs: 0, slippageTicks: 0 },
      });
      this.recordEquity(t, priceTicks);
    } else if (this.started) {
      this.recordEquity(t, this.markTicks());
    }
    if (this.started) this.call("onEnd", () => this.handlers.onEnd?.(this.ctx));
    const trades = this.account.roundTrips.closed;
    return {
      events: this.events,
      trades,
      fills: this.fills,
      cancelledOrders: this.cancelled,
      equity: { tsMs: this.equityTsMs, equityCents: this.equityCents },
      metrics: computeMetrics(trades, this.account.realisedCents, this.account.feesCents),
      startingCashCents: this.account.startingCashCents,
      finalEquityCents: this.account.equityCents(this.markTicks()),
      finalPositionQty: this.account.position.qty,
    };
  }

  // ---- strategy context ---------------------------------------------------------------------

  private createContext(): BookStrategyContext {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the context is a facade over the engine
    const engine = this;
    const account = this.account;
    const position = {
      get qty() {
        return account.position.qty;
      },
      get avgEntryTicks() {
        return account.position.avgEntryTicks;
      },
    };
    const accountView = {
      get equityCents() {
        return account.equityCents(engine.markTicks());
      },
      get realisedCents() {
        return account.realisedCents;
      },
      get unrealisedCents() {
        return account.unrealisedCents(engine.markTicks());
      },
      get feesCents() {
        return account.feesCents;
      },
    };
    const unsupported = (what: string): never => {
      throw new AppError("strategy_failed", `${what} is not supported by the book fill models yet`);
    };
    const ctx: BookStrategyContext = {
      get timeNs() {
        return (engine.originNs ?? 0n) + BigInt(engine.now);
      },
      instrument: account.instrument,
      get trades() {
        return engine.tradeTape;
      },
      get lastPriceTicks() {
        return engine.lastTradeTicks;
      },
      position,
      get workingQty() {
        return engine.workingQtySigned;
      },
      account: accountView,
      book: this.view,
      submitMarket(side: Side, qty: number) {
        assertOrderRequest(side, qty);
        if (engine.stage === "finished") throw new AppError("strategy_failed", "Orders cannot be sent after the end of data");
        const order: MarketOrder = { id: engine.nextOrderId++, side, qty, type: "market", status: "working", filledQty: 0, submittedAtNs: ctx.timeNs };
        engine.submit(order, Number.NaN);
        return order;
      },
      submitLimit(side: Side, qty: number, priceTicks: number, opts?: RestingOrderOptions) {
        assertOrderRequest(side, qty);
        const order: LimitOrder = {
          id: engine.nextOrderId++,
          side,
          qty,
          type: "limit",
          status: "working",
          filledQty: 0,
          submittedAtNs: ctx.timeNs,
          timeInForce: opts?.timeInForce ?? "GTC",
          reduceOnly: opts?.reduceOnly ?? false,
          limitPriceTicks: priceTicks,
          marketable: false,
        };
        if (engine.stage === "finished") return engine.reject(order, "not-accepting-orders");
        if (!isValidPriceTicks(priceTicks)) return engine.reject(order, "invalid-price");
        if (order.timeInForce === "GTD") return engine.reject(order, "invalid-expiry");
        if (order.reduceOnly) {
          const pos = account.position.qty;
          if (Math.sign(pos) !== -side || qty > Math.abs(pos)) return engine.reject(order, "reduce-only-would-increase");
        }
        engine.submit(order, priceTicks * engine.tickNano);
        return order;
      },
      submitStop: () => unsupported("Stop orders"),
      submitStopLimit: () => unsupported("Stop-limit orders"),
      submitTrailingStop: () => unsupported("Trailing-stop orders"),
      submitMarketIfTouched: () => unsupported("Market-if-touched orders"),
      attachBracket: () => unsupported("Brackets"),
      linkOco: () => unsupported("OCO links"),
      setTimer: () => unsupported("Timer (setTimer)"),
      cancelTimer: () => false,
      marketOpen: true,
      sessionDate: null,
      cancel(orderId: number) {
        const o = engine.find(orderId);
        if (o === undefined || o.state === DONE) return false;
        engine.cancelOrder(o);
        return true;
      },
      modify(orderId: number, change: OrderModification) {
        const o = engine.find(orderId);
        if (o === undefined || o.state === DONE || o.order.type !== "limit") return false;
        const order = o.order;
        const price = change.priceTicks ?? order.limitPriceTicks;
        const qty = change.qty ?? order.qty;
        if (!isValidPriceTicks(price) || !isValidQty(qty) || qty <= order.filledQty) {
          engine.call("onOrderRejected", () => engine.handlers.onOrderRejected?.(ctx, order, !isValidPriceTicks(price) ? "invalid-price" : "invalid-quantity"));
          return false;
        }
        engine.workingQtySigned += order.side * (qty - order.qty);
        const losesPlace = price !== order.limitPriceTicks || qty > order.qty;
        order.qty = qty;
        if (losesPlace) {
          order.limitPriceTicks = price;
          o.priceNano = price * engine.tickNano;
          if (o.state === ACTIVE) {
            o.state = PENDING;
            engine.activeCount--;
            engine.pendingCount++;
          }
          o.arrival = engine.now + engine.latencyNs;
          if (o.arrival < engine.nextArrival) engine.nextArrival = o.arrival;
        } else if (o.state === ACTIVE && engine.fillModel === "l2-queue") {
          o.levelSize = engine.book.sizeAt(o.bookSide, o.priceNano);
        }
        return true;
      },
      workingOrders() {
        return engine.orders.filter((o) => o.state !== DONE).map((o) => ({ ...o.order }));
      },
      random: () => this.random.next(),
      queueAhead(orderId: number) {
        const o = engine.find(orderId);
        if (o === undefined || o.state !== ACTIVE || o.order.type !== "limit") return Number.NaN;
        return engine.currentAhead(o);
      },
    };
    return ctx as BookStrategyContext & StrategyContext;
  }
}

function strategyError(handler: string, error: unknown): AppError {
  if (error instanceof AppError) return error;
  return new AppError("strategy_failed", `Strategy handler ${handler} failed: ${(error as Error)?.message ?? String(error)}`, { cause: error });
}
