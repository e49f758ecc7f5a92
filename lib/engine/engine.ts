/**
 * The backtest loop: replays trade batches in time order through a strategy, a simulated venue
 * (venue.ts: working orders, fill model, links, account) and a clock of scheduled events
 * (event-queue.ts: timers, delayed fill reports, order expiries, session boundaries). Pure,
 * synchronous, deterministic: no I/O, no wall clock, randomness only from `seed`.
 *
 * Ordering invariant, for each trade i at time t (ts_recv, the local receipt time):
 *   1. everything due at or before t happens first, in time order (ties: bar, equity point,
 *      scheduled events in scheduling order): the strategy's bar closes (onBar, which may submit
 *      orders), equity points, timers (onTimer), fill reports delayed by the response latency
 *      (onFill), GTD/DAY expiries, session opens/closes (onSessionOpen/onSessionClose, settlement),
 *      session-end flattening, contract expiry;
 *   2. trade i is delivered: working orders that were active before it (submitted at s with
 *      s + entry latency <= t) are matched against it by the fill model (fills, then onFill unless
 *      delayed) - unless the market is closed or the contract expired: then nothing fills;
 *   3. onTrade(ctx, i).
 * Orders submitted in step 2 or 3 wait for a later trade. At end of data (finish): events due at or
 * before the last trade fire, the final bar closes (clock = last trade time), working orders are
 * cancelled, an open position is closed at the last trade price ("end-of-data" fill), delayed fill
 * reports still pending are delivered, then onEnd. Events after the last trade never fire.
 *
 * Market hours (option `calendar`, see engine-config.ts): with the CME calendar, orders sent while
 * the market is closed (outside a session, in the daily break, in a halt) are rejected with
 * "market-closed" (a choice: the venue has no pre-open queue in this model), nothing fills while it
 * is closed, working market orders are cancelled at a close or halt, DAY orders expire at their
 * session's close. Without it (the default for strategies without session handlers), DAY orders
 * are cancelled when the next batch begins and the market is always open. Futures lifecycle:
 * optional daily settlement at each close (mark-to-market at the session's last trade), optional
 * flattening N seconds before each close, and the contract's last trading time (instrument
 * `lastTradeNs`): working orders are cancelled, the position is closed at the last trade before it
 * ("expiry" fill) and later orders are rejected ("contract-expired"). Contract rolls of continuous
 * datasets: `roll(point)` between batches (roll.ts) closes the position in the old contract and
 * reopens it in the new one, then the new contract's last trading time applies.
 *
 * Hot loop: times are float offsets (exact integers) from the batch origin; the engine keeps one
 * "wake" offset = min(bar end, equity interval end, next scheduled event, activation of orders
 * that need the next trade: market, marketable or IOC limits, elected stops, orders still inside
 * their latency), and a price band for resting orders: wake when p <= bandBelow or p >= bandAbove.
 * Without onTrade and without resting orders, a trade costs one load and one compare; with resting
 * orders, two loads and three compares. Everything else (bars, fills, events, BigInt timestamps,
 * allocations) happens only at wake-ups. With onTrade, one handler call per trade. With activity
 * bars (`barSpec`: tick, volume, range; bar-builder.ts), every trade also passes the bar builder
 * (a few compares and adds, no allocation); time bars stay on the scan. Time bars with OHLCV
 * (`timeBarOhlcv`) stay on it too: a bar's trades are folded in one tight loop at its close (and at
 * the end of each processBatch call for the open bar), so only strategies that ask pay for it.
 *
 * Batches: a batch is one TradeColumns (one session); `processBatch` is resumable in chunks.
 * A call continues the current batch when it passes the same object and origin with `from` equal
 * to where the previous call stopped; otherwise the batch is new (a reader may refill one object).
 * Trades must be in non-decreasing time order within and across batches; the engine checks it
 * across batches only (once per batch), within a batch it trusts the TradeColumns contract.
 */
import { z } from "zod";
import { AppError } from "../errors";
import { SeededRandom } from "../market/random";
import type { TradeColumns } from "../market/trade-columns";
import { Account } from "./account";
import { BarBuilder, TimeBarAccumulator } from "./bar-builder";
import { engineOptionsSchema, type BacktestEngineConfig } from "./engine-config";
import { EventQueue, type ScheduledEvent } from "./event-queue";
import type { Fill } from "./fill";
import { createFillModel, type PriceBand } from "./fill-model";
import { IntervalClock } from "./interval-clock";
import { LatencyModel, latencyConfigSchema } from "./latency-model";
import type { Order, OrderRejectReason } from "./order";
import { MarketHours, type SessionListener } from "./market-hours";
import { computeMetrics, type BacktestResult } from "./result";
import { SimClock } from "./sim-clock";
import type { ExecutedRoll, RollPoint } from "./roll";
import { createStrategyContext } from "./strategy-context";
import type { ActivityBar, StrategyContext, StrategyHandlers, TimeBar } from "./strategy";
import { Venue, type VenueHost } from "./venue";

export type { BacktestEngineConfig } from "./engine-config";

export interface EngineSnapshot {
  readonly eventsProcessed: number;
  /** Receive time of the last replayed trade (0n before the first). */
  readonly simTimeNs: bigint;
  readonly equityCents: number;
  readonly positionQty: number;
}

/** "failed": a handler or the data raised an error; the engine refuses further calls. */
type Stage = "idle" | "running" | "ending" | "finished" | "failed";

const NS_PER_MS = 1_000_000n;

/**
 * A closed close-only time bar (the strategy did not ask for `timeBarOhlcv`); its bigint times are
 * computed only if a strategy reads them, its OHLCV fields throw.
 */
class ClosedTimeBar implements TimeBar {
  readonly kind = "time";
  constructor(
    private readonly baseNs: bigint,
    private readonly endOffset: number,
    private readonly periodNs: number,
    readonly closeTicks: number,
  ) {}

  get endNs(): bigint {
    return this.baseNs + BigInt(this.endOffset);
  }

  get startNs(): bigint {
    return this.baseNs + BigInt(this.endOffset - this.periodNs);
  }

  get openTicks(): number {
    throw closeOnly("openTicks");
  }

  get highTicks(): number {
    throw closeOnly("highTicks");
  }

  get lowTicks(): number {
    throw closeOnly("lowTicks");
  }

  get volume(): number {
    throw closeOnly("volume");
  }

  get trades(): number {
    throw closeOnly("trades");
  }
}

function closeOnly(field: string): AppError {
  return new AppError("strategy_failed", `Time bars carry ${field} only for strategies that declare timeBarOhlcv: true (the close is always there)`);
}

const EMPTY_TRADES: TradeColumns = {
  length: 0,
  baseNs: 0n,
  tsOffsetNs: new Float64Array(0),
  eventDeltaNs: new Float64Array(0),
  priceTicks: new Int32Array(0),
  size: new Int32Array(0),
  side: new Int8Array(0),
};

export class BacktestEngine implements VenueHost, SessionListener {
  private readonly strategyId: string;
  private readonly handlers: StrategyHandlers;
  private readonly account: Account;
  private readonly venue: Venue;
  private readonly latency: LatencyModel;
  private readonly random: SeededRandom;
  private readonly ctx: StrategyContext;
  private readonly barClock: IntervalClock | null;
  /** Tick, volume or range bars (`barSpec`); then barClock is null. */
  private readonly barBuilder: BarBuilder | null;
  /**
   * OHLCV of the open time bar (`timeBarOhlcv`), else null. Trades [barFoldFrom, barFoldTo) of the
   * current batch belong to the open bar but are not folded yet; they are folded at the bar's close
   * and at the end of each processBatch call (so the bar never needs an earlier batch's arrays).
   */
  private readonly barOhlcv: TimeBarAccumulator | null;
  private barFoldFrom = 0;
  private barFoldTo = 0;
  private readonly equityClock: IntervalClock;
  private readonly clock = new SimClock();
  private readonly queue = new EventQueue();

  private stage: Stage = "idle";
  batch: TradeColumns = EMPTY_TRADES;
  /** clock.baseNs = baseMs * 1e6 + baseSubMsNs, for ms timestamps without BigInt. */
  private baseMs = 0;
  private baseSubMsNs = 0;
  private nextIndex = 0;
  private eventsProcessed = 0;

  /** The next trade at or after this offset needs the slow path (see the module comment). */
  private wakeOffset = -Infinity;
  /** Price band of the resting orders (see the module comment); +-Infinity when there are none. */
  private bandBelow = -Infinity;
  private bandAbove = Infinity;
  private readonly band: PriceBand = { atOrBelow: -Infinity, atOrAbove: Infinity };

  private readonly equityTsMs: number[] = [];
  private readonly equityCents: number[] = [];

  private readonly hours: MarketHours;
  private readonly dailySettlement: boolean;
  /** Pending timers: id -> time. */
  private readonly timers = new Map<number, bigint>();
  /** Last trading time of the contract traded now (the instrument's, until a roll replaces it). */
  private contractLastTradeNs: bigint | undefined;
  private readonly rolls: ExecutedRoll[] = [];

  constructor(config: BacktestEngineConfig) {
    const options = engineOptionsSchema.safeParse(config);
    if (!options.success) {
      throw new AppError("bad_request", `Invalid backtest configuration: ${z.prettifyError(options.error)}`, { cause: options.error });
    }
    const { strategy } = config;
    const params = strategy.paramsSchema.safeParse(config.params);
    if (!params.success) {
      throw new AppError("bad_request", `Invalid parameters for strategy "${strategy.id}": ${z.prettifyError(params.error)}`, {
        cause: params.error,
      });
    }
    const o = options.data;
    this.strategyId = strategy.id;
    this.handlers = strategy.create(params.data);
    const latency = latencyConfigSchema.parse(o.latency ?? { entry: { kind: "constant", ns: o.latencyNs } });
    this.latency = new LatencyModel(latency.entry, latency.response, o.seed);
    const fillModel = createFillModel(o.fillModel, {
      latencyNs: latency.entry.kind === "constant" ? latency.entry.ns : 0,
      slippageTicks: o.slippageTicks,
      limitFillRule: o.limitFillRule,
      partialFills: o.partialFills,
      marketFillsTradeSize: o.marketFillsTradeSize,
    });
    this.account = new Account(o.instrument, o.startingCashCents, o.feePerSideCents ?? o.instrument.feePerSideCents);
    this.venue = new Venue(this.clock, this.account, fillModel, this.latency, this);
    this.random = new SeededRandom(o.seed);
    this.equityClock = new IntervalClock(o.equityIntervalSeconds * 1e9);
    const { onBar, barIntervalNs, barSpec, timeBarOhlcv } = this.handlers;
    if (onBar !== undefined && (barIntervalNs === undefined) === (barSpec === undefined)) {
      throw new AppError("internal", `Strategy "${strategy.id}" handles bars but declares ${barSpec === undefined ? "no barIntervalNs (nor barSpec)" : "both barIntervalNs and barSpec"}`);
    }
    if (timeBarOhlcv === true && barIntervalNs === undefined) throw new AppError("internal", `Strategy "${strategy.id}" declares timeBarOhlcv without barIntervalNs (time bars)`);
    this.barClock = onBar === undefined || barSpec !== undefined ? null : new IntervalClock(barIntervalNs!);
    this.barBuilder = onBar === undefined || barSpec === undefined ? null : new BarBuilder(barSpec);
    this.barOhlcv = this.barClock !== null && timeBarOhlcv === true ? new TimeBarAccumulator() : null;
    const wantsSessions = this.handlers.onSessionOpen !== undefined || this.handlers.onSessionClose !== undefined;
    // Data halts (market-hours.ts) turn the calendar on by default, as session handlers do.
    const calendar = o.calendar === undefined ? wantsSessions || o.dailySettlement || o.flattenAtSessionEnd !== undefined || o.halts.length > 0 : o.calendar !== "none";
    if (!calendar && (o.dailySettlement || o.flattenAtSessionEnd !== undefined || wantsSessions)) {
      throw new AppError("bad_request", "Session handlers, daily settlement and flattening need a calendar (calendar: \"cme-equity\")");
    }
    this.dailySettlement = o.dailySettlement;
    const flattenNs = o.flattenAtSessionEnd === undefined ? null : BigInt(o.flattenAtSessionEnd.secondsBeforeClose) * 1_000_000_000n;
    this.hours = new MarketHours({ calendar, dailySettlement: o.dailySettlement, flattenNs, halts: o.halts }, this.clock, this.queue, this.venue, this.account, this);
    this.ctx = createStrategyContext(this, this.clock, this.venue, this.account, this.random);
    this.contractLastTradeNs = o.instrument.lastTradeNs;
  }

  /**
   * Replays trades [from, to) of `batch`. Call repeatedly with consecutive chunks of a batch, then
   * with the next batch; between calls `snapshot()` reports progress.
   */
  processBatch(batch: TradeColumns, from: number, to: number): void {
    if (this.stage !== "idle" && this.stage !== "running") {
      throw new AppError("internal", `processBatch called on a ${this.stage} engine`);
    }
    if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to < from || to > batch.length) {
      throw new AppError("internal", `processBatch: invalid range [${from}, ${to}) for a batch of ${batch.length} trades`);
    }
    if (from === to) return;
    const sameBatch = batch === this.batch && batch.baseNs === this.clock.baseNs && from !== 0;
    if (sameBatch && from !== this.nextIndex) {
      throw new AppError("internal", `processBatch: chunk starts at ${from}, expected ${this.nextIndex}`);
    }
    try {
      if (!sameBatch) this.beginBatch(batch, from);
      if (this.stage === "idle") this.start(batch.tsOffsetNs[from]);
      if (this.barBuilder !== null) this.replayWithBars(batch, from, to, this.barBuilder);
      else if (this.handlers.onTrade === undefined) this.replayScan(batch, from, to);
      else this.replayWithTradeHandler(batch, from, to);
      if (this.barOhlcv !== null) this.foldOpenBar(batch, to);
    } catch (error) {
      this.stage = "failed";
      throw error;
    }

    const clock = this.clock;
    this.nextIndex = to;
    clock.lastIndex = to - 1;
    clock.lastTsOffset = batch.tsOffsetNs[to - 1];
    clock.lastPriceTicks = batch.priceTicks[to - 1];
    this.eventsProcessed += to - from;
  }

  /** Ends the run (see the module comment for the end-of-data sequence) and returns its result. */
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
    if (this.stage === "idle") this.start(0);
    const clock = this.clock;
    const hasTrades = this.eventsProcessed > 0;
    if (hasTrades) this.fireDue(clock.lastTsOffset, false);
    this.stage = "ending";
    clock.nowOffset = clock.lastTsOffset;

    const bars = this.barClock;
    if (bars !== null && bars.isOpen) this.closeBar(bars);
    if (hasTrades && this.barBuilder !== null && this.barBuilder.trades > 0) this.deliverBar(this.barBuilder.take(clock.nowNs()));

    const venue = this.venue;
    venue.cancelAll();
    venue.working.length = 0;
    venue.finished = true;
    this.stage = "finished";

    const positionQty = this.account.position.qty;
    if (positionQty !== 0) venue.closePosition("end-of-data");
    else if (hasTrades) this.recordEquity(clock.lastTsOffset);

    // Fill reports still in flight reach the strategy now, in order; nothing else fires any more.
    while (this.queue.size > 0) {
      const { atNs, event } = this.queue.pop();
      if (event.kind !== "fill-report") continue;
      clock.nowOffset = clock.offsetOf(atNs);
      this.deliverFill(venue.fills[event.fillIndex]);
    }
    clock.nowOffset = clock.lastTsOffset;

    try {
      this.handlers.onEnd?.(this.ctx);
    } catch (error) {
      throw this.asStrategyError(error, "onEnd");
    }

    const trades = this.account.roundTrips.closed;
    const finalEquityCents = this.currentEquityCents();
    return {
      events: this.eventsProcessed,
      trades,
      fills: venue.fills,
      cancelledOrders: venue.cancelled,
      equity: { tsMs: this.equityTsMs, equityCents: this.equityCents },
      metrics: computeMetrics(trades, this.account.realisedCents, this.account.feesCents),
      startingCashCents: this.account.startingCashCents,
      finalEquityCents,
      finalPositionQty: this.account.position.qty,
      ...(this.dailySettlement ? { settlements: this.hours.settlements } : {}),
      ...(this.rolls.length > 0 ? { rolls: this.rolls } : {}),
    };
  }

  /**
   * Rolls from `point.fromContract` to `point.toContract` at `point.atNs` (see roll.ts for the
   * sequence). Call it between batches: after the old contract's last trade at or before `atNs`,
   * before the new contract's first trade (at or after `atNs`, index 0 of the next batch).
   */
  roll(point: RollPoint): void {
    if (this.stage !== "idle" && this.stage !== "running") throw new AppError("internal", `roll() called on a ${this.stage} engine`);
    if (!Number.isInteger(point.toPriceTicks) || point.toTradeTsNs < point.atNs) {
      throw new AppError("internal", `roll: invalid first trade of ${point.toContract} (${point.toPriceTicks} ticks at ${point.toTradeTsNs} ns)`);
    }
    if (this.stage === "idle") {
      // The strategy has not started: the run simply starts in the new contract.
      this.contractLastTradeNs = point.toLastTradeNs;
      return;
    }
    try {
      this.executeRoll(point);
    } catch (error) {
      this.stage = "failed";
      throw error;
    }
  }

  private executeRoll(point: RollPoint): void {
    const clock = this.clock;
    const t = clock.offsetOf(point.atNs);
    if (t < clock.lastTsOffset) {
      throw new AppError("internal", `roll at ${point.atNs} ns is before the last replayed trade at ${clock.baseNs + BigInt(clock.lastTsOffset)} ns`);
    }
    this.fireDue(t - 1, true);
    clock.nowOffset = t;
    const cancelledBefore = this.venue.cancelled.length;
    this.venue.cancelAll();
    const cancelledOrderIds = this.venue.cancelled.slice(cancelledBefore).map((order) => order.id);
    const closedQty = this.account.position.qty;
    const fromPriceTicks = clock.lastPriceTicks;
    const fillIds: number[] = [];
    if (closedQty !== 0) {
      const qty = Math.abs(closedQty);
      const lastTradeTsNs = clock.baseNs + BigInt(clock.lastTsOffset);
      const close = this.venue.rollLeg(closedQty > 0 ? -1 : 1, qty, fromPriceTicks, t, point.atNs, {
        batch: clock.batchOrdinal,
        tradeIndex: clock.lastIndex,
        tradeTsNs: lastTradeTsNs,
      });
      // From here on the position is marked at the new contract's price (equity points included).
      clock.lastPriceTicks = point.toPriceTicks;
      const open = this.venue.rollLeg(closedQty > 0 ? 1 : -1, qty, point.toPriceTicks, t, point.atNs, {
        batch: clock.batchOrdinal + 1,
        tradeIndex: 0,
        tradeTsNs: point.toTradeTsNs,
      });
      fillIds.push(close.id, open.id);
    }
    clock.lastPriceTicks = point.toPriceTicks;
    this.contractLastTradeNs = point.toLastTradeNs;
    this.hours.rollTo(point.toLastTradeNs);
    const event = { atNs: point.atNs, fromContract: point.fromContract, toContract: point.toContract, closedQty, fromPriceTicks, toPriceTicks: point.toPriceTicks };
    this.rolls.push({ ...event, fillIds, cancelledOrderIds });
    const handler = this.handlers.onRoll;
    if (handler !== undefined) {
      try {
        handler(this.ctx, event);
      } catch (error) {
        throw this.asStrategyError(error, "onRoll");
      }
    }
    this.updateWake();
  }

  snapshot(): EngineSnapshot {
    return {
      eventsProcessed: this.eventsProcessed,
      simTimeNs: this.eventsProcessed === 0 ? 0n : this.clock.baseNs + BigInt(this.clock.lastTsOffset),
      equityCents: this.currentEquityCents(),
      positionQty: this.account.position.qty,
    };
  }

  // ---- replay loops -------------------------------------------------------------------------

  /** Without onTrade: alternates between the time-only scan and the banded scan as resting orders come and go. */
  private replayScan(batch: TradeColumns, from: number, to: number): void {
    let i = from;
    while (i < to) i = this.hasBand() ? this.scanBanded(batch, i, to, from) : this.scanTimeOnly(batch, i, to, from);
  }

  private hasBand(): boolean {
    return this.bandBelow !== -Infinity || this.bandAbove !== Infinity;
  }

  /** One compare per trade. (A plain for/if beats nested while loops in V8 here.) Returns where it stopped. */
  private scanTimeOnly(batch: TradeColumns, start: number, to: number, from: number): number {
    const ts = batch.tsOffsetNs;
    let wake = this.wakeOffset;
    for (let i = start; i < to; i++) {
      if (ts[i] >= wake) {
        this.wakeAt(batch, i, from);
        if (this.hasBand()) return i + 1;
        wake = this.wakeOffset;
      }
    }
    return to;
  }

  private scanBanded(batch: TradeColumns, start: number, to: number, from: number): number {
    const ts = batch.tsOffsetNs;
    const px = batch.priceTicks;
    let wake = this.wakeOffset;
    let below = this.bandBelow;
    let above = this.bandAbove;
    for (let i = start; i < to; i++) {
      const p = px[i];
      if (ts[i] >= wake || p <= below || p >= above) {
        this.wakeAt(batch, i, from);
        if (!this.hasBand()) return i + 1;
        wake = this.wakeOffset;
        below = this.bandBelow;
        above = this.bandAbove;
      }
    }
    return to;
  }

  private replayWithTradeHandler(batch: TradeColumns, from: number, to: number): void {
    const ts = batch.tsOffsetNs;
    const px = batch.priceTicks;
    const onTrade = this.handlers.onTrade!;
    const ctx = this.ctx;
    const clock = this.clock;
    for (let i = from; i < to; i++) {
      const t = ts[i];
      const p = px[i];
      if (t >= this.wakeOffset || p <= this.bandBelow || p >= this.bandAbove) this.wakeAt(batch, i, from);
      clock.lastIndex = i;
      clock.lastTsOffset = t;
      clock.lastPriceTicks = p;
      clock.nowOffset = t;
      try {
        onTrade(ctx, i);
      } catch (error) {
        throw this.asStrategyError(error, "onTrade");
      }
    }
  }

  /**
   * With activity bars (`barSpec`): every trade goes through the bar builder; a range bar closes before
   * the trade that breaks it, a tick or volume bar after the trade that completes it (the ordering
   * in strategy.ts). The rest is replayWithTradeHandler's loop.
   */
  private replayWithBars(batch: TradeColumns, from: number, to: number, builder: BarBuilder): void {
    const ts = batch.tsOffsetNs;
    const px = batch.priceTicks;
    const sz = batch.size;
    const baseNs = batch.baseNs;
    const onTrade = this.handlers.onTrade;
    const ctx = this.ctx;
    const clock = this.clock;
    for (let i = from; i < to; i++) {
      const t = ts[i];
      const p = px[i];
      if (builder.breaks(p)) {
        // Events due before t first; the bar ends at its last trade, the one the clock holds.
        if (i > from) {
          clock.lastIndex = i - 1;
          clock.lastTsOffset = ts[i - 1];
          clock.lastPriceTicks = px[i - 1];
        }
        this.fireDue(t - 1, true);
        const endNs = clock.baseNs + BigInt(clock.lastTsOffset);
        clock.nowOffset = t;
        this.deliverBar(builder.take(endNs));
      }
      if (t >= this.wakeOffset || p <= this.bandBelow || p >= this.bandAbove) this.wakeAt(batch, i, from);
      clock.lastIndex = i;
      clock.lastTsOffset = t;
      clock.lastPriceTicks = p;
      clock.nowOffset = t;
      if (builder.add(t, baseNs, p, sz[i])) this.deliverBar(builder.take(baseNs + BigInt(t)));
      if (onTrade !== undefined) {
        try {
          onTrade(ctx, i);
        } catch (error) {
          throw this.asStrategyError(error, "onTrade");
        }
      }
    }
  }

  /** The slow path for trade i: fire what is due, deliver the trade to working orders. */
  private wakeAt(batch: TradeColumns, i: number, from: number): void {
    const ts = batch.tsOffsetNs;
    const t = ts[i];
    const clock = this.clock;
    if (i > from) {
      clock.lastIndex = i - 1;
      clock.lastTsOffset = ts[i - 1];
      clock.lastPriceTicks = batch.priceTicks[i - 1];
    }
    this.barFoldTo = i;
    this.fireDue(t, true);
    const bars = this.barClock;
    if (bars !== null && t >= bars.endOffset) {
      bars.openAt(t);
      this.barFoldFrom = i;
    }
    const equity = this.equityClock;
    if (t >= equity.endOffset) equity.openAt(t);

    clock.lastIndex = i;
    clock.lastTsOffset = t;
    clock.lastPriceTicks = batch.priceTicks[i];
    clock.nowOffset = t;
    if (this.venue.working.length > 0 && this.hours.open) this.venue.matchTrade(batch, i, t);
    this.updateWake();
  }

  /**
   * Closes bars and equity intervals and fires scheduled events due at or before offset `t`, in
   * time order (ties: bar, equity, events). `closeIntervals` is false at the end of data.
   */
  private fireDue(t: number, closeIntervals: boolean): void {
    const clock = this.clock;
    const bars = this.barClock;
    const equity = this.equityClock;
    const queue = this.queue;
    for (;;) {
      const barEnd = closeIntervals && bars !== null && bars.isOpen && bars.endOffset <= t ? bars.endOffset : Infinity;
      const equityEnd = closeIntervals && equity.isOpen && equity.endOffset <= t ? equity.endOffset : Infinity;
      const eventAt = queue.headOffset <= t ? queue.headOffset : Infinity;
      const next = Math.min(barEnd, equityEnd, eventAt);
      if (next === Infinity) return;
      if (barEnd === next) {
        clock.nowOffset = barEnd;
        this.closeBar(bars!);
      } else if (equityEnd === next) {
        this.recordEquity(equityEnd);
        equity.isOpen = false;
      } else {
        const { atNs, event } = queue.pop();
        clock.nowOffset = clock.offsetOf(atNs);
        this.fire(atNs, event);
      }
    }
  }

  private fire(atNs: bigint, event: ScheduledEvent): void {
    switch (event.kind) {
      case "timer":
        this.timers.delete(event.timerId);
        try {
          this.handlers.onTimer!(this.ctx, event.timerId);
        } catch (error) {
          throw this.asStrategyError(error, "onTimer");
        }
        return;
      case "fill-report":
        this.deliverFill(this.venue.fills[event.fillIndex]);
        return;
      case "order-expiry":
        this.venue.expire(event.orderId);
        return;
      case "session-boundary":
        this.hours.cross(atNs);
        return;
      case "session-flatten":
        this.hours.flatten(event.sessionDate);
        return;
      case "contract-expiry":
        this.hours.expire();
        return;
    }
  }

  // ---- SessionListener --------------------------------------------------------------------

  sessionOpened(sessionDate: string): void {
    const handler = this.handlers.onSessionOpen;
    if (handler === undefined) return;
    try {
      handler(this.ctx, sessionDate);
    } catch (error) {
      throw this.asStrategyError(error, "onSessionOpen");
    }
  }

  sessionClosed(sessionDate: string): void {
    const handler = this.handlers.onSessionClose;
    if (handler === undefined) return;
    try {
      handler(this.ctx, sessionDate);
    } catch (error) {
      throw this.asStrategyError(error, "onSessionClose");
    }
  }

  // ---- VenueHost ----------------------------------------------------------------------------

  fillBooked(_order: Order, fill: Fill, t: number): void {
    this.recordEquity(t);
    const response = fill.reason.responseLatencyNs;
    if (response === undefined) {
      this.deliverFill(fill);
      return;
    }
    this.queue.schedule(fill.tsNs + BigInt(response), { kind: "fill-report", fillIndex: fill.id - 1 });
    this.requestWake(this.queue.headOffset);
  }

  rejected(order: Readonly<Order>, reason: OrderRejectReason): void {
    const handler = this.handlers.onOrderRejected;
    if (handler === undefined) return;
    try {
      handler(this.ctx, order, reason);
    } catch (error) {
      throw this.asStrategyError(error, "onOrderRejected");
    }
  }

  scheduleExpiry(orderId: number, atNs: bigint): void {
    this.queue.schedule(atNs, { kind: "order-expiry", orderId });
    this.requestWake(this.queue.headOffset);
  }

  dayCloseNs(): bigint | null {
    return this.hours.dayCloseNs();
  }

  // ---- ContextHost --------------------------------------------------------------------------

  get marketOpen(): boolean {
    return this.hours.open;
  }

  get sessionDate(): string | null {
    return this.hours.sessionDate;
  }

  refreshWake(): void {
    this.updateWake();
  }

  // ---- timers -------------------------------------------------------------------------------

  setTimer(atNs: bigint, timerId: number): void {
    if (this.handlers.onTimer === undefined) throw new AppError("strategy_failed", `Strategy "${this.strategyId}" sets a timer but has no onTimer handler`);
    if (typeof atNs !== "bigint" || atNs < this.clock.nowNs()) {
      throw new AppError("strategy_failed", `Timer ${timerId} is set in the past (${String(atNs)} < ${this.clock.nowNs()})`);
    }
    if (this.stage !== "running") return;
    if (this.timers.has(timerId)) this.cancelTimer(timerId);
    this.timers.set(timerId, atNs);
    this.queue.schedule(atNs, { kind: "timer", timerId });
    this.requestWake(this.queue.headOffset);
  }

  cancelTimer(timerId: number): boolean {
    if (!this.timers.delete(timerId)) return false;
    this.queue.remove((event) => event.kind === "timer" && event.timerId === timerId);
    return true;
  }

  // ---- wake ---------------------------------------------------------------------------------

  /** The next trade at or after `offset` must take the slow path. */
  requestWake(offset: number): void {
    if (offset < this.wakeOffset) this.wakeOffset = offset;
  }

  /** Recomputes the wake offset and the price band from the clocks, the queue and the working orders. */
  private updateWake(): void {
    let wake = this.equityClock.endOffset;
    if (this.barClock !== null && this.barClock.endOffset < wake) wake = this.barClock.endOffset;
    if (this.queue.headOffset < wake) wake = this.queue.headOffset;
    const band = this.band;
    wake = this.venue.wake(wake, band);
    this.wakeOffset = wake;
    this.bandBelow = band.atOrBelow;
    this.bandAbove = band.atOrAbove;
  }

  // ---- events ---------------------------------------------------------------------------------

  private start(firstOffset: number): void {
    const clock = this.clock;
    this.stage = "running";
    clock.nowOffset = firstOffset;
    clock.lastTsOffset = firstOffset;
    if (clock.batchOrdinal >= 0) this.recordEquity(firstOffset);
    // An empty run (no batch) has no clock to place on the calendar.
    const session = clock.batchOrdinal >= 0 ? this.hours.start(clock.nowNs(), this.contractLastTradeNs) : null;
    this.updateWake();
    try {
      this.handlers.onStart(this.ctx);
    } catch (error) {
      throw this.asStrategyError(error, "onStart");
    }
    if (session !== null) this.hours.openSession(session);
  }

  private beginBatch(batch: TradeColumns, from: number): void {
    const clock = this.clock;
    const previousBaseNs = clock.baseNs;
    const baseNs = batch.baseNs;
    if (this.eventsProcessed > 0) {
      const firstNs = baseNs + BigInt(batch.tsOffsetNs[from]);
      const lastNs = previousBaseNs + BigInt(clock.lastTsOffset);
      if (firstNs < lastNs) {
        throw new AppError("unprocessable", `Trades out of time order: batch starts at ${firstNs} ns, before the previous trade at ${lastNs} ns`);
      }
    }
    const rebase = (offset: number) => (Number.isFinite(offset) ? Number(BigInt(offset) + previousBaseNs - baseNs) : offset);
    clock.lastTsOffset = rebase(clock.lastTsOffset);
    clock.nowOffset = rebase(clock.nowOffset);
    for (const entry of this.venue.working) entry.activeAtOffset = rebase(entry.activeAtOffset);
    this.barClock?.rebase(previousBaseNs, baseNs);
    this.equityClock.rebase(previousBaseNs, baseNs);
    this.queue.rebase(baseNs);
    this.batch = batch;
    clock.baseNs = baseNs;
    let subMs = baseNs % NS_PER_MS;
    if (subMs < 0n) subMs += NS_PER_MS;
    this.baseMs = Number((baseNs - subMs) / NS_PER_MS);
    this.baseSubMsNs = Number(subMs);
    clock.batchOrdinal++;
    this.nextIndex = from;
    this.barFoldFrom = from;
    this.barFoldTo = from;
    if (!this.hours.usesCalendar) this.venue.cancelDayOrdersBefore(clock.batchOrdinal);
    this.updateWake();
  }

  private closeBar(bars: IntervalClock): void {
    const ohlcv = this.barOhlcv;
    let bar: TimeBar;
    if (ohlcv === null) bar = new ClosedTimeBar(this.clock.baseNs, bars.endOffset, bars.periodNs, this.clock.lastPriceTicks);
    else {
      // The bar's trades not folded yet: those of this batch before the trade being woken.
      ohlcv.fold(this.batch.priceTicks, this.batch.size, this.barFoldFrom, this.barFoldTo);
      this.barFoldFrom = this.barFoldTo;
      bar = ohlcv.take(bars.startNs(this.clock.baseNs), bars.endNs(this.clock.baseNs));
    }
    bars.isOpen = false;
    try {
      this.handlers.onBar!(this.ctx, bar);
    } catch (error) {
      throw this.asStrategyError(error, "onBar");
    }
  }

  /** End of a processBatch call: the open time bar takes the rest of the call's trades (see barOhlcv). */
  private foldOpenBar(batch: TradeColumns, to: number): void {
    if (this.barClock!.isOpen) this.barOhlcv!.fold(batch.priceTicks, batch.size, this.barFoldFrom, to);
    this.barFoldFrom = to;
    this.barFoldTo = to;
  }

  private deliverBar(bar: ActivityBar): void {
    try {
      this.handlers.onBar!(this.ctx, bar);
    } catch (error) {
      throw this.asStrategyError(error, "onBar");
    }
  }

  private deliverFill(fill: Fill): void {
    const onFill = this.handlers.onFill;
    if (onFill === undefined) return;
    try {
      onFill(this.ctx, fill);
    } catch (error) {
      throw this.asStrategyError(error, "onFill");
    }
  }

  // ---- helpers --------------------------------------------------------------------------------

  /** Appends an equity point at offset `t` from the batch origin (ms floored, exact below 2^53 ns). */
  private recordEquity(t: number): void {
    this.equityTsMs.push(this.baseMs + Math.floor((this.baseSubMsNs + t) / 1e6));
    this.equityCents.push(this.currentEquityCents());
  }

  private currentEquityCents(): number {
    const mark = this.clock.lastPriceTicks;
    return this.account.equityCents(Number.isNaN(mark) ? 0 : mark);
  }

  private asStrategyError(error: unknown, handler: string): AppError {
    if (error instanceof AppError) return error;
    return new AppError("strategy_failed", `Strategy "${this.strategyId}" failed in ${handler}`, { cause: error });
  }
}
