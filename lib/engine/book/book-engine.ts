/**
 * The book backtest engine: replays MBO columns through the L3 order book (lib/book/order-book.ts)
 * and simulates our orders against it with a book fill model (queue-model.ts). Pure, synchronous,
 * deterministic; per record it only reads flags and actions (plus the trade rules on T records
 * while we have orders in the book); allocations happen at our orders, fills and scheduled events.
 *
 * Modules: book-config.ts (options), book-orders.ts (our orders' queue state, brackets and OCO
 * links), book-matching.ts (matching per fill model, market-order walking), book-context.ts (the
 * strategy's context), book-view.ts (ctx.book), queue-model.ts (the queue rules and l2 estimates);
 * this file is the event loop, stop elections, the fills' booking and the results. Shared with
 * the trades engine by import: latency-model.ts (entry/response legs), event-queue.ts (timers, fill
 * reports, expiries, session boundaries), market-hours.ts + session-clock.ts (the CME calendar).
 *
 * Ordering invariant, per event of the feed (records up to and including one with LAST):
 *   0. everything due at or before ts_recv of the event's first record happens first, in time
 *      order: orders whose entry latency elapsed reach the venue (step 1), timers (onTimer), fill
 *      reports delayed by the response leg (onFill), GTD/DAY expiries, session opens/closes
 *      (onSessionOpen/onSessionClose, settlement), flattening, contract expiry; at equal times
 *      arrivals come first, then events in the event queue's order (event-queue.ts);
 *   1. an order reaching the venue (submitted at s, s + entry latency <= that time) meets the book
 *      as it stood at the previous boundary: aggressive ones take liquidity, the rest join their
 *      queue behind every order resting then (l3-fifo: `queueClock()`); stops wait for a trade;
 *   2. the event's trade records (T) are matched against our resting orders - with the book as
 *      the event's earlier records left it (CME sends T/F first, the cancels that remove the filled
 *      orders come after them), the size ahead of us taken once per event at its first trade at
 *      our price - then stops are elected (below), then onTrade;
 *   3. the event's records reach the book; at its boundary: elected stops join the book, crosses of
 *      the opposite side, l2 queue updates and the remainders of market orders are matched, an
 *      equity point is taken when an interval ended, then onQuote/onBook.
 * One clock: ts_recv (the local receipt time).
 *
 * Stops (all three models): a buy stop (or stop-limit) is elected by a trade record at or above its
 * stop price, a sell stop by one at or below it, once the order reached the venue (entry latency);
 * quotes never elect (quote data without trades elects nothing). The elected order reaches the
 * book at the boundary of the electing trade's event - after the trade and the records that came
 * with it: a stop-market walks the then-displayed depth like a market order (a gap through the stop
 * fills at the first prices the book offers after it, never at a stop price it did not offer), a
 * stop-limit becomes a limit at its limit price (aggressive within it, the rest joins its queue
 * there); IOC/FOK stops are matched against that book only. The fill's reason carries the electing
 * trade (`trigger`).
 *
 * Trailing stops and market-if-touched orders (all three models), with the trades engine's
 * semantics (order.ts): a trailing stop's reference is the last trade price at its submission (or
 * the first trade it sees at the venue when none was known), then every trade record after it
 * reached the venue that does not elect it moves the reference in its favour (a sell: up, a buy:
 * down) and the stop to reference -+ trail; a trade at or through the current stop elects it. A
 * buy market-if-touched order is elected by a trade at or below its trigger, a sell by one at or
 * above it. Once elected both act as an elected stop-market: they walk the book at the boundary of
 * the electing trade's event (never at the trigger or stop price unless the book offers it). The
 * fill's `trigger` carries the electing trade and the stop (trigger) price it crossed.
 *
 * Our orders never change the real book (no market impact): a market order takes the displayed
 * depth at its arrival; what the depth could not fill waits and is matched again at the next
 * boundary against the then-current book. Limits fill at their own price when resting, at the
 * level prices when aggressive. Slippage does not apply (the book gives the prices). A crossed
 * real book (pre-open) is not matching: nothing aggressive fills and no cross fills a resting
 * limit until it uncrosses (trades - the opening auction print - still count).
 *
 * Every fill records its model, rule (queue / trade-through / opposite-cross / book-walk), the
 * record it happened at (batch ordinal, index), its entry latency and, with a response leg,
 * `responseLatencyNs`; for resting limits on l2/l3 `queuePosition`: the size ahead of it just
 * before the fill (aggressive fills and l1-quotes have no queue: absent). Equity points: at the
 * strategy's start, at the first boundary of every equity interval, after every fill (marked at
 * the fill price) and at the end; the mark is the last trade price (the best bid before the first
 * trade). `cancelledOrders` lists the orders cancelled at the end of data only (a strategy's own
 * cancels, OCO siblings and expiries are not results).
 *
 * Supported orders: market, limit, stop, stop-limit, trailing stop, market-if-touched (TIF GTC;
 * DAY = until the session close with a calendar, else until the end of data; GTD until its time;
 * IOC and FOK matched when they reach the book only), reduce-only, brackets and OCO groups (book-orders.ts), cancel (immediate),
 * modify (a price change or size increase loses the queue place and restarts the entry latency; a
 * size decrease keeps the place, as on CME; a trailing stop's `trailTicks` moves its stop from
 * the reference at once and restarts the latency, a market-if-touched order's `priceTicks` is its
 * trigger). Time bars (`barIntervalNs`; activity bars - `barSpec` - are refused): [k*P, (k+1)*P)
 * on the UTC epoch grid over the trade records (T, with a price) from the strategy's start, with
 * full OHLCV (TimeBar); a bar exists only when it has a trade and closes when the clock reaches its
 * end - at step 0 of the first event starting at or after it, before the arrivals and scheduled
 * events due at the same time (clock = the bar end), or at the end of data (clock = the last
 * record's time), so a market order sent from onBar with no latency meets the book as it stood at
 * the bar end. An event is never split: a trade of an event that began before the end stays in
 * that bar (MBO events and the quote feed's events share one ts_recv). Timers (ctx.setTimer) fire with the clock at their
 * exact time, before the first event that starts at or after it (an event of the feed is never
 * split). Market hours (option `calendar`, as in the trades engine): orders sent while the market
 * is closed are rejected ("market-closed"), nothing of ours fills or is elected while it is closed,
 * working market orders (and elected stops) are cancelled at a close or halt. At the end of data
 * working orders are cancelled, a position is closed at the last trade price ("end-of-data"),
 * fill reports still in flight are delivered, then onEnd - as in BacktestEngine, so results have
 * the same shape and meaning. Events due after the last record never fire.
 *
 * `strategyFromNs`: records before it only build the book (the strategy starts at the first
 * boundary at or after it), so a run on a time window still starts from a complete book.
 */
import { z } from "zod";
import { AppError } from "../../errors";
import { SeededRandom } from "../../market/random";
import { ACTION, MBO_FLAG, SIDE, type MboColumns } from "../../market/mbo-columns";
import type { TradeColumns } from "../../market/trade-columns";
import type { TradingSession } from "../../market/session-calendar";
import { OrderBook } from "../../book/order-book";
import { Account } from "../account";
import { EventQueue, type ScheduledEvent } from "../event-queue";
import type { BookFillModelName, BookFillRule, Fill, FillReason, FillSource } from "../fill";
import { LatencyModel, latencyConfigSchema } from "../latency-model";
import { MarketHours, type SessionListener } from "../market-hours";
import { isValidPriceTicks, isValidQty, type LimitOrder, type MarketOrder, type Order, type OrderModification, type OrderRejectReason, type Side, type StopLimitOrder, type StopOrder } from "../order";
import { computeMetrics, type BacktestResult } from "../result";
import { SimClock } from "../sim-clock";
import { isValidTrail, type BracketExits, type OcoMode, type Venue } from "../venue";
import { bookConfigSchema, type BookEngineConfig, type BookEngineSnapshot } from "./book-config";
import { createBookContext, type BookContextHost, type RestingBookOrder } from "./book-context";
import { ACTIVE, DONE, electingNano, LIMIT, MARKET, newVenueOrder, OrderLinks, PENDING, STOP, trailTo, type BookOrder, type LinkHost, type VenueOrder } from "./book-orders";
import type { BookStrategyContext, BookStrategyHandlers } from "./book-strategy";
import { LiveBookView } from "./book-view";
import { BookMatcher, remaining, type MatchSink } from "./book-matching";
import { IntervalClock } from "../interval-clock";
import { TimeBarAccumulator } from "../bar-builder";

export type { BookEngineConfig, BookEngineSnapshot } from "./book-config";

const { LAST, SNAPSHOT } = MBO_FLAG;
const TRADE = ACTION.TRADE;
const NS_PER_MS = 1_000_000n;

export class BookBacktestEngine implements BookContextHost, LinkHost, MatchSink, SessionListener {
  readonly fillModel: BookFillModelName;
  private readonly strategyId: string;
  private readonly handlers: BookStrategyHandlers;
  private readonly account: Account;
  private readonly rng: SeededRandom;
  private readonly latency: LatencyModel;
  private readonly book = new OrderBook();
  private readonly view: LiveBookView;
  private readonly ctx: BookStrategyContext;
  private readonly links: OrderLinks;
  private readonly matcher: BookMatcher;
  private readonly queue = new EventQueue();
  private readonly hours: MarketHours;
  /** The trades engine's clock, kept in step for MarketHours (written before each scheduled event). */
  private readonly clock = new SimClock();
  private readonly tickNano: number;
  private readonly equityIntervalNs: number;
  private readonly strategyFromNs: bigint | null;
  private readonly countLastOnly: boolean;
  private readonly dailySettlement: boolean;
  /** Time bars (`barIntervalNs`): the open bar's interval and its OHLCV; null without onBar. */
  private readonly barClock: IntervalClock | null;
  private readonly barOhlcv = new TimeBarAccumulator();

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
  /** The clock: ns offset from the origin (read by the matcher at a boundary). */
  now = 0;
  private lastRecordOffset = 0;
  private lastRecordIndex = -1;
  lastTradeTicks = Number.NaN;
  private nextEquityOffset = -Infinity;

  private readonly orders: VenueOrder[] = [];
  private pendingCount = 0;
  /** Some order reached DONE since the last compaction. */
  private dirty = false;
  private activeCount = 0;
  /** Active stops not elected yet. */
  private stopCount = 0;
  private nextArrival = Infinity;
  /** min(nextArrival, head of the event queue): the next event start at or after it runs step 0. */
  private wake = Infinity;
  workingQtySigned = 0;
  private orderIds = 1;
  private nextFillId = 1;
  /** Orders are refused when set (market closed, contract expired). */
  private closedReason: OrderRejectReason | null = null;
  private readonly timers = new Map<number, bigint>();
  /** Time of the latest fill report (response leg: one ordered channel). */
  private lastReportNs = 0n;
  private readonly fills: Fill[] = [];
  private readonly cancelled: Order[] = [];
  private readonly equityTsMs: number[] = [];
  private readonly equityCents: number[] = [];

  /** Top of book last delivered to onQuote: bid, ask (1e-9), bid size, ask size. */
  private readonly lastQuote = new Float64Array([Number.NaN, Number.NaN, -1, -1]);
  readonly tradeTape: TradeColumns = {
    length: 1,
    baseNs: 0n,
    tsOffsetNs: new Float64Array(1),
    eventDeltaNs: new Float64Array(1),
    priceTicks: new Int32Array(1),
    size: new Int32Array(1),
    side: new Int8Array(1),
  };

  constructor(config: BookEngineConfig) {
    const parsed = bookConfigSchema.safeParse(config);
    if (!parsed.success) throw new AppError("bad_request", `Invalid book backtest configuration: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
    const { strategy } = config;
    const params = strategy.paramsSchema.safeParse(config.params);
    if (!params.success) {
      throw new AppError("bad_request", `Invalid parameters for strategy "${strategy.id}": ${z.prettifyError(params.error)}`, { cause: params.error });
    }
    const o = parsed.data;
    this.fillModel = o.fillModel;
    this.strategyId = strategy.id;
    this.handlers = strategy.create(params.data) as BookStrategyHandlers;
    const { onBar, barIntervalNs, barSpec } = this.handlers;
    if (onBar !== undefined && barSpec !== undefined) {
      throw new AppError("unprocessable", `Strategy "${strategy.id}" uses ${barSpec.kind} bars, which the book engine (${o.fillModel}) does not deliver (time bars, barIntervalNs, it does)`);
    }
    if (onBar !== undefined && barIntervalNs === undefined) throw new AppError("internal", `Strategy "${strategy.id}" handles bars but declares no barIntervalNs`);
    this.barClock = onBar === undefined ? null : new IntervalClock(barIntervalNs!);
    this.account = new Account(o.instrument, o.startingCashCents, o.feePerSideCents ?? o.instrument.feePerSideCents);
    this.rng = new SeededRandom(o.seed);
    const latency = latencyConfigSchema.parse(o.latency ?? { entry: { kind: "constant", ns: o.latencyNs } });
    this.latency = new LatencyModel(latency.entry, latency.response, o.seed);
    this.tickNano = Number(o.tickSizeNano);
    this.equityIntervalNs = o.equityIntervalSeconds * 1e9;
    this.strategyFromNs = config.strategyFromNs ?? null;
    this.countLastOnly = config.eventUnit === "event";
    const wantsSessions = this.handlers.onSessionOpen !== undefined || this.handlers.onSessionClose !== undefined;
    // Data halts (market-hours.ts) turn the calendar on by default, as session handlers do.
    const calendar = o.calendar === undefined ? wantsSessions || o.dailySettlement || o.flattenAtSessionEnd !== undefined || o.halts.length > 0 : o.calendar !== "none";
    if (!calendar && (o.dailySettlement || o.flattenAtSessionEnd !== undefined || wantsSessions)) {
      throw new AppError("bad_request", "Session handlers, daily settlement and flattening need a calendar (calendar: \"cme-equity\")");
    }
    this.dailySettlement = o.dailySettlement;
    const flattenNs = o.flattenAtSessionEnd === undefined ? null : BigInt(o.flattenAtSessionEnd.secondsBeforeClose) * 1_000_000_000n;
    this.hours = new MarketHours({ calendar, dailySettlement: o.dailySettlement, flattenNs, halts: o.halts }, this.clock, this.queue, this.hoursVenue(), this.account, this);
    this.view = new LiveBookView(this.book, this.tickNano);
    this.links = new OrderLinks(this);
    this.matcher = new BookMatcher(this.book, this.view, o.fillModel, this.tickNano, o.queueModel, this.hours, this);
    this.ctx = createBookContext(this, this.account, this.view);
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
      this.clock.baseNs = batch.baseNs;
      this.queue.rebase(batch.baseNs);
      // One origin for the whole run: the bar grid's phase is set once.
      this.barClock?.rebase(batch.baseNs, batch.baseNs);
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
      if (ts[i] + shift >= this.wake && !book.inEvent) this.due(ts[i] + shift);
      let e: number;
      if (this.activeCount > 0 || this.handlers.onTrade !== undefined || this.barClock !== null) {
        // The event's records up to a trade reach the book first (the book stops before each trade
        // after the first record), so the state a trade sees does not depend on where a chunk or
        // block boundary cut the event. The event ends at its LAST record or where the SNAPSHOT
        // flag changes.
        if (action[i] === TRADE) this.trade(c, i);
        e = book.applyUntilTrade(c, i, to);
        while (book.stoppedAtTrade) {
          this.trade(c, e);
          e = book.applyUntilTrade(c, e, to);
        }
      } else {
        // Nothing of ours in the book: the book finds the boundary itself (one pass over the event);
        // the event's last trade still sets the mark (ctx.lastPriceTicks, equity, the end-of-data close).
        e = book.applyEvent(c, i, to);
        for (let r = e - 1; r >= i; r--) {
          if (action[r] === TRADE && c.priceNano[r] === c.priceNano[r]) {
            this.lastTradeTicks = c.priceNano[r] / this.tickNano;
            break;
          }
        }
      }
      i = e;
      this.lastRecordIndex = e - 1;
      this.lastRecordOffset = ts[e - 1] + shift;
      if (!book.inEvent) this.boundary();
    }
  }

  // ---- scheduled events (step 0) ------------------------------------------------------------

  /** A time bar's end, arrivals and scheduled events due at or before offset `t`, in time order (ties: bar, arrivals, events). */
  private due(t: number): void {
    const queue = this.queue;
    const bars = this.barClock;
    for (;;) {
      const arrival = this.pendingCount > 0 ? this.nextArrival : Infinity;
      const event = queue.headOffset;
      const barEnd = bars !== null && bars.isOpen ? bars.endOffset : Infinity;
      if (barEnd <= t && barEnd <= arrival && barEnd <= event) {
        this.now = barEnd;
        this.closeBar(bars!);
      } else if (arrival <= t && arrival <= event) {
        this.now = arrival;
        this.arrive(arrival);
      } else if (event <= t) {
        const { atNs, event: scheduled } = queue.pop();
        this.now = event;
        this.fire(atNs, scheduled);
      } else {
        break;
      }
    }
    this.updateWake();
  }

  private updateWake(): void {
    const arrival = this.pendingCount > 0 ? this.nextArrival : Infinity;
    const head = this.queue.headOffset;
    this.wake = arrival < head ? arrival : head;
    const bars = this.barClock;
    if (bars !== null && bars.isOpen && bars.endOffset < this.wake) this.wake = bars.endOffset;
  }

  /** Delivers the open time bar (clock already at its end, or at the last record at the end of data). */
  private closeBar(bars: IntervalClock): void {
    const origin = this.originNs!;
    const bar = this.barOhlcv.take(bars.startNs(origin), bars.endNs(origin));
    bars.isOpen = false;
    this.call("onBar", () => this.handlers.onBar!(this.ctx, bar));
  }

  private fire(atNs: bigint, event: ScheduledEvent): void {
    switch (event.kind) {
      case "timer":
        this.timers.delete(event.timerId);
        this.call("onTimer", () => this.handlers.onTimer!(this.ctx, event.timerId));
        return;
      case "fill-report":
        this.deliverFill(this.fills[event.fillIndex]);
        return;
      case "order-expiry": {
        const o = this.find(event.orderId);
        if (o !== undefined) this.cancelOrder(o);
        return;
      }
      case "session-boundary":
        this.syncClock();
        this.hours.cross(atNs);
        return;
      case "session-flatten":
        this.syncClock();
        this.hours.flatten(event.sessionDate);
        return;
      case "contract-expiry":
        this.syncClock();
        this.hours.expire();
        return;
    }
  }

  /** Writes the engine's clock into the SimClock MarketHours reads. */
  private syncClock(): void {
    const clock = this.clock;
    clock.batchOrdinal = this.batchOrdinal;
    clock.nowOffset = this.now;
    clock.lastTsOffset = this.lastRecordOffset;
    clock.lastIndex = this.lastRecordIndex;
    clock.lastPriceTicks = this.lastTradeTicks;
  }

  /** The part of the trades venue MarketHours drives (cancels, flattening, expiry), over our orders. */
  private hoursVenue(): Venue {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the adapter is a facade over the engine
    const engine = this;
    const adapter = {
      get closedReason() {
        return engine.closedReason;
      },
      set closedReason(reason: OrderRejectReason | null) {
        engine.closedReason = reason;
      },
      cancelAll: () => engine.cancelWorking(false),
      cancelMarketOrders: () => engine.cancelWorking(true),
      submitMarket: (side: Side, qty: number) => engine.ctx.submitMarket(side, qty),
      closePosition: (model: FillSource) => engine.closePosition(model),
    };
    // MarketHours only calls the members above (market-hours.ts).
    return adapter as unknown as Venue;
  }

  // ---- SessionListener ----------------------------------------------------------------------

  sessionOpened(sessionDate: string): void {
    if (this.handlers.onSessionOpen !== undefined) this.call("onSessionOpen", () => this.handlers.onSessionOpen!(this.ctx, sessionDate));
  }

  sessionClosed(sessionDate: string): void {
    if (this.handlers.onSessionClose !== undefined) this.call("onSessionClose", () => this.handlers.onSessionClose!(this.ctx, sessionDate));
  }

  get marketOpen(): boolean {
    return this.hours.open;
  }

  get sessionDate(): string | null {
    return this.hours.sessionDate;
  }

  // ---- market events ------------------------------------------------------------------------

  /** A trade record: our resting orders at or through its price, stop elections, then onTrade. */
  private trade(c: MboColumns, k: number): void {
    const p = c.priceNano[k];
    if (p !== p) return;
    const size = c.size[k];
    const aggressor = c.side[k];
    const t = c.tsRecvOffsetNs[k] + this.shift;
    this.lastTradeTicks = p / this.tickNano;
    const bars = this.barClock;
    if (bars !== null && this.isStrategyLive(t)) {
      if (!bars.isOpen) {
        bars.openAt(t);
        if (bars.endOffset < this.wake) this.wake = bars.endOffset;
      }
      this.barOhlcv.add(this.lastTradeTicks, size);
    }
    if (this.activeCount > 0 && this.hours.open) {
      if (this.fillModel !== "l1-quotes") this.matcher.matchTrade(this.orders, p, size, aggressor, t, k, this.eventSerial);
      if (this.stopCount > 0) this.elect(p, t, k);
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
        throw this.strategyError("onTrade", error);
      }
    }
  }

  /**
   * Elects the active stops a trade at `p` (1e-9) reaches: they join the book at the boundary. A
   * trailing stop the trade does not elect trails it; a market-if-touched order is elected from the
   * other side (a buy at or below its trigger).
   */
  private elect(p: number, t: number, k: number): void {
    const orders = this.orders;
    for (let n = 0; n < orders.length; n++) {
      const o = orders[n];
      if (o.state !== ACTIVE || o.kind !== STOP) continue;
      const order = o.order;
      // Comparisons with a NaN stop (a trailing stop without a reference yet) are false: not elected.
      const elected = order.type === "market-if-touched" ? (order.side === 1 ? p <= o.stopNano : p >= o.stopNano) : order.side === 1 ? p >= o.stopNano : p <= o.stopNano;
      if (!elected) {
        if (order.type === "trailing-stop") {
          trailTo(order, p / this.tickNano);
          o.stopNano = electingNano(order, this.tickNano);
        }
        continue;
      }
      if (order.type === "market" || order.type === "limit") continue;
      order.trigger = { batch: this.batchOrdinal, tradeIndex: k, tradeTsNs: this.originNs! + BigInt(t), tradePriceTicks: p / this.tickNano };
      o.kind = order.type === "stop-limit" ? LIMIT : MARKET;
      o.needsJoin = true;
      this.stopCount--;
    }
  }

  /** An event boundary: elected stops, crosses, l2 queue updates, market remainders, equity, onBook. */
  private boundary(): void {
    this.eventSerial++;
    const t = this.lastRecordOffset;
    this.now = t;
    this.view.refresh();
    if (this.activeCount > 0 && this.hours.open) {
      this.matcher.matchBoundary(this.orders, this.lastRecordIndex);
      this.compact();
    }
    if (t >= this.nextEquityOffset) this.sampleEquity(t);
    if (!this.started) {
      if (t < this.startOffset) return;
      this.start(t);
    }
    if (this.handlers.onQuote !== undefined) this.deliverQuote();
    const onBook = this.handlers.onBook;
    if (onBook !== undefined) {
      try {
        onBook(this.ctx);
      } catch (error) {
        throw this.strategyError("onBook", error);
      }
    }
  }

  /** The strategy starts at the boundary at `t`: equity, the calendar, onStart, onSessionOpen. */
  private start(t: number): void {
    this.started = true;
    this.nextEquityOffset = (Math.floor(t / this.equityIntervalNs) + 1) * this.equityIntervalNs;
    this.recordEquity(t, this.markTicks());
    this.syncClock();
    const session: TradingSession | null = this.hours.start(this.nowNs, this.account.instrument.lastTradeNs);
    this.updateWake();
    this.call("onStart", () => this.handlers.onStart(this.ctx));
    if (session !== null) {
      this.syncClock();
      this.hours.openSession(session);
    }
    this.updateWake();
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

  // ---- our orders at the venue --------------------------------------------------------------

  /** Orders whose latency elapsed by `t` reach the venue (book at the last boundary), in submission order. */
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
      // A stop waits for its electing trade; market orders and limits meet the book.
      if (o.kind === STOP) this.stopCount++;
      else this.matcher.join(o, o.arrival, this.lastRecordIndex);
    }
    this.nextArrival = next;
    this.compact();
  }

  fill(o: VenueOrder, qty: number, priceTicks: number, t: number, recordIndex: number, rule: BookFillRule, ahead: number): void {
    const order = o.order;
    if (qty <= 0 || o.state !== ACTIVE) return;
    if (!Number.isInteger(priceTicks)) throw new AppError("unprocessable", `Book price ${priceTicks * this.tickNano} (1e-9) is off the tick grid`);
    if (order.type !== "market" && order.reduceOnly) {
      const pos = this.account.position.qty;
      if (Math.sign(pos) !== -order.side || qty > Math.abs(pos)) {
        this.cancelOrder(o);
        return;
      }
    }
    this.now = t;
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
    const trigger = order.type === "market" || order.type === "limit" ? null : order.trigger;
    let reportNs = tsNs;
    if (this.latency.hasResponseLeg) {
      // One ordered channel: a report never overtakes an earlier one.
      reportNs = tsNs + BigInt(this.latency.responseNs());
      if (reportNs < this.lastReportNs) reportNs = this.lastReportNs;
      this.lastReportNs = reportNs;
    }
    const reason: FillReason = {
      model: this.fillModel,
      batch: this.batchOrdinal,
      tradeIndex: recordIndex,
      tradeTsNs: tsNs,
      latencyNs: o.entryLatencyNs,
      slippageTicks: 0,
      rule,
      ...(trigger === null ? {} : { trigger: { ...trigger, stopPriceTicks: electingNano(order, this.tickNano) / this.tickNano } }),
      ...(this.latency.hasResponseLeg ? { responseLatencyNs: Number(reportNs - tsNs) } : {}),
      ...(Number.isNaN(ahead) ? {} : { queuePosition: ahead }),
    };
    const fill: Fill = { id: this.nextFillId++, orderId: order.id, side: order.side, qty, priceTicks, tsNs, feeCents: fee, reason };
    this.fills.push(fill);
    this.links.filled(o, qty, priceTicks);
    this.recordEquity(t, priceTicks);
    if (this.latency.hasResponseLeg) {
      this.queue.schedule(reportNs, { kind: "fill-report", fillIndex: this.fills.length - 1 });
      this.updateWake();
    } else {
      this.deliverFill(fill);
    }
  }

  private deliverFill(fill: Fill): void {
    if (this.handlers.onFill !== undefined) this.call("onFill", () => this.handlers.onFill!(this.ctx, fill));
  }

  /** Cancels an order; `atEnd`: the end-of-data cancellation, recorded in the result. */
  cancelOrder(o: VenueOrder, atEnd = false): void {
    if (o.state === DONE) return;
    if (o.state === PENDING) this.pendingCount--;
    else {
      this.activeCount--;
      if (o.kind === STOP) this.stopCount--;
    }
    o.state = DONE;
    this.dirty = true;
    o.order.status = "cancelled";
    this.workingQtySigned -= o.order.side * remaining(o);
    if (atEnd) this.cancelled.push(o.order);
  }

  /** Cancels every working order, or only those that would fill as market orders (a close or halt). */
  private cancelWorking(marketOnly: boolean): void {
    for (const o of this.orders) if (!marketOnly || o.kind === MARKET) this.cancelOrder(o);
    this.compact();
  }

  reduceOrder(o: VenueOrder, qty: number): void {
    o.order.qty -= qty;
    this.workingQtySigned -= o.order.side * qty;
  }

  growOrder(o: VenueOrder, qty: number): void {
    o.order.qty += qty;
    this.workingQtySigned += o.order.side * qty;
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
    for (let n = 0; n < orders.length; n++) if (orders[n].order.id === orderId && orders[n].state !== DONE) return orders[n];
    return undefined;
  }

  /** Queues an order for the venue at `now + latencyNs`. */
  private submit(order: BookOrder, latencyNs: number): VenueOrder {
    const o = newVenueOrder(order, this.now + latencyNs, latencyNs, this.tickNano);
    this.orders.push(o);
    this.pendingCount++;
    if (o.arrival < this.nextArrival) this.nextArrival = o.arrival;
    if (o.arrival < this.wake) this.wake = o.arrival;
    this.workingQtySigned += order.side * order.qty;
    return o;
  }

  private reject(order: Order, reason: OrderRejectReason): void {
    order.status = "rejected";
    this.rejected(order, reason);
  }

  /** Reports a refused request (a new order, or a modification: the order stays as it was). */
  private rejected(order: Readonly<Order>, reason: OrderRejectReason): void {
    this.call("onOrderRejected", () => this.handlers.onOrderRejected?.(this.ctx, order, reason));
  }

  // ---- BookContextHost / LinkHost -----------------------------------------------------------

  get nowNs(): bigint {
    return (this.originNs ?? 0n) + BigInt(this.now);
  }

  nextOrderId(): number {
    return this.orderIds++;
  }

  submitMarketOrder(order: MarketOrder): void {
    if (this.stage === "finished") throw new AppError("strategy_failed", "Orders cannot be sent after the end of data");
    if (this.closedReason !== null) this.reject(order, this.closedReason);
    else this.submit(order, this.latency.entryNs());
  }

  submitRestingOrder(order: RestingBookOrder, price1: number, price2: number): void {
    const expiry = order.expireAtNs;
    const nowNs = this.nowNs;
    const reason: OrderRejectReason | null =
      this.stage === "finished"
        ? "not-accepting-orders"
        : !isValidPriceTicks(price1) || !isValidPriceTicks(price2)
          ? "invalid-price"
          : (order.timeInForce === "GTD") !== (expiry !== undefined) || (expiry !== undefined && !(typeof expiry === "bigint" && expiry > nowNs))
            ? "invalid-expiry"
            : order.reduceOnly && !this.reduces(order.side, order.qty)
              ? "reduce-only-would-increase"
              : this.closedReason;
    if (reason !== null) {
      this.reject(order, reason);
      return;
    }
    // A trailing stop's reference starts at the last trade price known now (if any).
    if (order.type === "trailing-stop" && this.lastTradeTicks === this.lastTradeTicks) trailTo(order, this.lastTradeTicks);
    this.submit(order, this.latency.entryNs());
    if (order.timeInForce === "GTD") this.scheduleExpiry(order.id, expiry!);
    else if (order.timeInForce === "DAY") {
      const closeNs = this.hours.dayCloseNs();
      if (closeNs !== null) this.scheduleExpiry(order.id, closeNs);
    }
  }

  submitExit(order: RestingBookOrder): VenueOrder {
    return this.submit(order, 0);
  }

  private scheduleExpiry(orderId: number, atNs: bigint): void {
    this.queue.schedule(atNs, { kind: "order-expiry", orderId });
    this.updateWake();
  }

  /** Whether a fill of `qty` on `side` reduces |position| without reversing it. */
  private reduces(side: Side, qty: number): boolean {
    const position = this.account.position.qty;
    return position * side < 0 && qty <= Math.abs(position);
  }

  cancel(orderId: number): boolean {
    const o = this.find(orderId);
    if (o === undefined) return false;
    this.cancelOrder(o);
    return true;
  }

  modify(orderId: number, change: OrderModification): boolean {
    const o = this.find(orderId);
    if (o === undefined || o.kind === MARKET) return false;
    if (o.order.type === "trailing-stop" || o.order.type === "market-if-touched") return this.modifyTouch(o, change);
    if (change.trailTicks !== undefined) {
      this.rejected(o.order, "invalid-price");
      return false;
    }
    const order = o.order as LimitOrder | StopOrder | StopLimitOrder;
    const elected = o.kind !== STOP;
    const oldLimit = order.type === "stop" ? Number.NaN : order.limitPriceTicks;
    const oldStop = order.type === "limit" ? Number.NaN : order.stopPriceTicks;
    const limit = order.type === "stop" ? oldLimit : (change.priceTicks ?? oldLimit);
    const stop = order.type === "limit" || elected ? oldStop : order.type === "stop" ? (change.stopTicks ?? change.priceTicks ?? oldStop) : (change.stopTicks ?? oldStop);
    const qty = change.qty ?? order.qty;
    const badPrice = (order.type !== "stop" && !isValidPriceTicks(limit)) || (order.type !== "limit" && !isValidPriceTicks(stop)) || (order.type === "limit" && change.stopTicks !== undefined);
    if (badPrice || !isValidQty(qty) || qty <= order.filledQty) {
      this.rejected(order, badPrice ? "invalid-price" : "invalid-quantity");
      return false;
    }
    this.workingQtySigned += order.side * (qty - order.qty);
    const losesPlace = (limit !== oldLimit && limit === limit) || (stop !== oldStop && stop === stop) || qty > order.qty;
    order.qty = qty;
    if (!losesPlace) {
      if (o.state === ACTIVE && o.kind === LIMIT && this.fillModel === "l2-queue") o.levelSize = this.book.sizeAt(o.bookSide, o.priceNano);
      return true;
    }
    if (order.type !== "stop") {
      order.limitPriceTicks = limit;
      o.priceNano = limit * this.tickNano;
    }
    if (order.type !== "limit") {
      order.stopPriceTicks = stop;
      o.stopNano = stop * this.tickNano;
    }
    this.restartEntry(o);
    return true;
  }

  /**
   * Modifies a trailing stop (`trailTicks`: the stop moves from the reference at once) or a
   * market-if-touched order (`priceTicks`: its trigger), not yet elected, as the trades venue does:
   * a stop price, or a limit price on a trailing stop, is an invalid price. A change of trail or
   * trigger, or a size increase, restarts the entry latency; a size decrease keeps it.
   */
  private modifyTouch(o: VenueOrder, change: OrderModification): boolean {
    const order = o.order;
    if (order.type !== "trailing-stop" && order.type !== "market-if-touched") return false;
    const qty = change.qty ?? order.qty;
    const trail = change.trailTicks;
    const price = change.priceTicks;
    const badPrice =
      change.stopTicks !== undefined ||
      (order.type === "trailing-stop" ? price !== undefined || (trail !== undefined && !isValidTrail(trail)) : trail !== undefined || (price !== undefined && !isValidPriceTicks(price)));
    if (badPrice || !isValidQty(qty) || qty <= order.filledQty) {
      this.rejected(order, badPrice ? "invalid-price" : "invalid-quantity");
      return false;
    }
    this.workingQtySigned += order.side * (qty - order.qty);
    const losesPlace = qty > order.qty || (order.type === "trailing-stop" ? trail !== undefined && trail !== order.trailTicks : price !== undefined && price !== order.triggerPriceTicks);
    order.qty = qty;
    if (!losesPlace) return true;
    if (order.type === "trailing-stop") {
      if (trail !== undefined) {
        order.trailTicks = trail;
        if (order.bestPriceTicks !== null) order.stopPriceTicks = order.bestPriceTicks + order.side * trail;
      }
    } else if (price !== undefined) {
      order.triggerPriceTicks = price;
    }
    o.stopNano = electingNano(order, this.tickNano);
    this.restartEntry(o);
    return true;
  }

  /** A modified order leaves the venue and reaches it again after a new entry latency. */
  private restartEntry(o: VenueOrder): void {
    if (o.state === ACTIVE) {
      o.state = PENDING;
      this.activeCount--;
      if (o.kind === STOP) this.stopCount--;
      this.pendingCount++;
    }
    o.needsJoin = false;
    const latencyNs = this.latency.entryNs();
    o.entryLatencyNs = latencyNs;
    o.arrival = this.now + latencyNs;
    if (o.arrival < this.nextArrival) this.nextArrival = o.arrival;
    if (o.arrival < this.wake) this.wake = o.arrival;
  }

  attachBracket(entryOrderId: number, exits: BracketExits): boolean {
    return this.links.attachBracket(this.find(entryOrderId), exits);
  }

  linkOco(orderIds: readonly number[], mode: OcoMode): boolean {
    return this.links.linkOco(orderIds.map((id) => this.find(id)), mode);
  }

  setTimer(atNs: bigint, timerId: number): void {
    if (this.handlers.onTimer === undefined) throw new AppError("strategy_failed", `Strategy "${this.strategyId}" sets a timer but has no onTimer handler`);
    if (typeof atNs !== "bigint" || atNs < this.nowNs) throw new AppError("strategy_failed", `Timer ${timerId} is set in the past (${String(atNs)} < ${this.nowNs})`);
    if (this.stage !== "running") return;
    if (this.timers.has(timerId)) this.cancelTimer(timerId);
    this.timers.set(timerId, atNs);
    this.queue.schedule(atNs, { kind: "timer", timerId });
    this.updateWake();
  }

  cancelTimer(timerId: number): boolean {
    if (!this.timers.delete(timerId)) return false;
    this.queue.remove((event) => event.kind === "timer" && event.timerId === timerId);
    this.updateWake();
    return true;
  }

  workingOrders(): Readonly<Order>[] {
    return this.orders.filter((o) => o.state !== DONE).map((o) => ({ ...o.order }));
  }

  queueAhead(orderId: number): number {
    const o = this.find(orderId);
    if (o === undefined || o.state !== ACTIVE || o.kind !== LIMIT || o.needsJoin) return Number.NaN;
    return this.matcher.currentAhead(o);
  }

  random(): number {
    return this.rng.next();
  }

  // ---- results ------------------------------------------------------------------------------

  markTicks(): number {
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
      throw this.strategyError(handler, error);
    }
  }

  private strategyError(handler: string, error: unknown): AppError {
    if (error instanceof AppError) return error;
    return new AppError("strategy_failed", `Strategy handler ${handler} failed: ${(error as Error)?.message ?? String(error)}`, { cause: error });
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

  /** Closes the position at the mark (last trade price) outside the fill model: end of data, contract expiry. */
  private closePosition(model: FillSource): void {
    const qty = this.account.position.qty;
    if (qty === 0) return;
    const t = this.now;
    const side: Side = qty > 0 ? -1 : 1;
    const tsNs = this.originNs! + BigInt(t);
    const order: MarketOrder = { id: this.orderIds++, side, qty: Math.abs(qty), type: "market", status: "filled", filledQty: Math.abs(qty), submittedAtNs: tsNs };
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
      reason: { model, batch: this.batchOrdinal, tradeIndex: this.lastRecordIndex, tradeTsNs: tsNs, latencyNs: 0, slippageTicks: 0 },
    });
    this.recordEquity(t, priceTicks);
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
    const t = this.lastRecordOffset;
    // Scheduled events due at or before the last record still fire (not later ones).
    while (this.queue.headOffset <= t) {
      const { atNs, event } = this.queue.pop();
      this.now = Number(atNs - this.originNs!);
      this.fire(atNs, event);
    }
    // The final time bar closes at the last record's time; orders it sends are cancelled below.
    if (this.barClock !== null && this.barClock.isOpen && this.started) {
      this.now = t;
      this.closeBar(this.barClock);
    }
    this.stage = "finished";
    for (const o of this.orders) this.cancelOrder(o, true);
    this.compact();
    this.now = t;
    if (this.account.position.qty !== 0) this.closePosition("end-of-data");
    else if (this.started) this.recordEquity(t, this.markTicks());
    // Fill reports still in flight reach the strategy now, in order; nothing else fires any more.
    while (this.queue.size > 0) {
      const { atNs, event } = this.queue.pop();
      if (event.kind !== "fill-report") continue;
      this.now = Number(atNs - this.originNs!);
      this.deliverFill(this.fills[event.fillIndex]);
    }
    this.now = t;
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
      ...(this.dailySettlement ? { settlements: this.hours.settlements } : {}),
    };
  }
}
