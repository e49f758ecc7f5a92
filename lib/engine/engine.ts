/**
 * The backtest loop: replays trade batches in time order through a strategy, a fill model and an
 * account. Pure, synchronous, deterministic: no I/O, no wall clock, randomness only from `seed`.
 *
 * Ordering invariant, for each trade i at time t (ts_recv, the local receipt time):
 *   1. clocks that reach their interval end at or before t close first: the strategy's bar
 *      (onBar, which may submit orders), then the equity interval (an equity point);
 *   2. trade i is delivered: working orders that were active before it (submitted at s with
 *      s + latency <= t) are matched against it by the fill model (fills, then onFill);
 *   3. onTrade(ctx, i).
 * Orders submitted in step 2 or 3 wait for a later trade. At end of data (finish): the final bar
 * closes (clock = last trade time), working orders are cancelled (no trade will ever reach them),
 * an open position is closed at the last trade price ("end-of-data" fill), then onEnd.
 * Working orders are matched in submission order. A stop elected by trade i fills on trade i.
 *
 * Order management (see order.ts and fill-model.ts for the price rules): cancel and modify act
 * immediately, without latency; a modification is a replace - it keeps the order id, re-checks
 * whether a limit is marketable against the last trade, and restarts the entry latency. DAY
 * orders are cancelled when the next batch begins or at finish (the engine gets one batch per
 * session). IOC/FOK orders are cancelled after the one trade they are matched against. A
 * reduce-only order is rejected unless it is opposite the position and no larger than it, and is
 * cancelled instead of filled if the position changed so that it no longer would be. Invalid
 * requests (quantity, price off the integer tick grid, reduce-only) are rejected and reported to
 * onOrderRejected; submitMarket keeps throwing on invalid input.
 *
 * Hot loop: times are float offsets (exact integers) from the batch origin; the engine keeps one
 * "wake" offset = min(bar end, equity interval end, activation of orders that need the next
 * trade: market, marketable or IOC limits, orders still inside their latency), and a price band
 * for resting orders: wake when p <= bandBelow (highest buy-limit / sell-stop trigger) or
 * p >= bandAbove (lowest sell-limit / buy-stop trigger). Without onTrade and without resting
 * orders, a trade costs one load and one compare; with resting orders, two loads and three
 * compares. Everything else (bars, fills, BigInt timestamps, allocations) happens only at
 * wake-ups. With onTrade, one handler call per trade.
 *
 * Batches: a batch is one TradeColumns (one session); `processBatch` is resumable in chunks.
 * A call continues the current batch when it passes the same object and origin with `from` equal
 * to where the previous call stopped; otherwise the batch is new (a reader may refill one object).
 * Trades must be in non-decreasing time order within and across batches; the engine checks it
 * across batches only (once per batch), within a batch it trusts the TradeColumns contract.
 *
 * Extension points: new order types add a price rule to the fill model and its `wakeBand`
 * (brackets/OCO would link orders here); quote and book events get their own replay loops feeding
 * the same clock and venue; latency becomes a LatencyModel (entry and response legs); session calendars and rolls sit above
 * the engine, which already handles session gaps between batches.
 */
import { z } from "zod";
import { AppError } from "../errors";
import { SeededRandom } from "../market/random";
import type { TradeColumns } from "../market/trade-columns";
import { Account } from "./account";
import type { Fill, FillReason } from "./fill";
import {
  createFillModel,
  FILL_MODEL_NAMES,
  LIMIT_FILL_RULES,
  type FillModel,
  type FillModelName,
  type LimitFillRule,
  type PriceBand,
  type TradeMatch,
} from "./fill-model";
import { instrumentSchema, type Instrument } from "./instrument";
import { IntervalClock } from "./interval-clock";
import {
  assertOrderRequest,
  assertSide,
  createMarketOrder,
  isLimitLike,
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
import { computeMetrics, type BacktestResult } from "./result";
import type { StrategyContext, StrategyHandlers, StrategyModule, TimeBar } from "./strategy";

export interface BacktestEngineConfig {
  readonly instrument: Instrument;
  readonly strategy: StrategyModule;
  /** Raw strategy parameters; validated (and defaulted) with the strategy's paramsSchema. */
  readonly params: unknown;
  readonly fillModel: FillModelName;
  readonly startingCashCents: number;
  /** Overrides the instrument's fee per contract per side, cents. */
  readonly feePerSideCents?: number;
  /** Seed of ctx.random() (SeededRandom), a non-negative safe integer. */
  readonly seed: number;
  /** Entry latency, ns (default 0). */
  readonly latencyNs?: number;
  /** Adverse slippage, ticks (default 0). */
  readonly slippageTicks?: number;
  /** Equity sampling interval, seconds (default 60). */
  readonly equityIntervalSeconds?: number;
  /** When a resting limit fills on trade-only data (default "through"; see fill-model.ts). */
  readonly limitFillRule?: LimitFillRule;
}

const engineOptionsSchema = z.object({
  instrument: instrumentSchema,
  fillModel: z.enum(FILL_MODEL_NAMES as [FillModelName, ...FillModelName[]]),
  startingCashCents: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  feePerSideCents: z.number().int().min(0).max(1_000_000).optional(),
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  latencyNs: z.number().int().min(0).max(60e9).default(0),
  slippageTicks: z.number().int().min(0).max(10_000).default(0),
  equityIntervalSeconds: z.number().int().min(1).max(86_400).default(60),
  limitFillRule: z.enum(LIMIT_FILL_RULES as [LimitFillRule, ...LimitFillRule[]]).default("through"),
});

export interface EngineSnapshot {
  readonly eventsProcessed: number;
  /** Receive time of the last replayed trade (0n before the first). */
  readonly simTimeNs: bigint;
  readonly equityCents: number;
  readonly positionQty: number;
}

interface WorkingOrder {
  readonly order: Order;
  /** Earliest trade time (offset from the batch origin) the order may fill at. */
  activeAtOffset: number;
  /** Ordinal of the batch the order was submitted in (DAY orders end with it). */
  readonly batch: number;
}

/** "failed": a handler or the data raised an error; the engine refuses further calls. */
type Stage = "idle" | "running" | "ending" | "finished" | "failed";

const NS_PER_MS = 1_000_000n;

/** A closed bar; its bigint times are computed only if a strategy reads them. */
class ClosedTimeBar implements TimeBar {
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

export class BacktestEngine {
  private readonly strategyId: string;
  private readonly handlers: StrategyHandlers;
  private readonly fillModel: FillModel;
  private readonly account: Account;
  private readonly random: SeededRandom;
  private readonly ctx: StrategyContext;
  private readonly barClock: IntervalClock | null;
  private readonly equityClock: IntervalClock;

  private stage: Stage = "idle";
  private batch: TradeColumns = EMPTY_TRADES;
  private baseNs = 0n;
  /** baseNs = baseMs * 1e6 + baseSubMsNs, for ms timestamps without BigInt. */
  private baseMs = 0;
  private baseSubMsNs = 0;
  private batchOrdinal = -1;
  private nextIndex = 0;
  private eventsProcessed = 0;

  /** The next trade at or after this offset needs the slow path (see the module comment). */
  private wakeOffset = -Infinity;
  /** Price band of the resting orders (see the module comment); +-Infinity when there are none. */
  private bandBelow = -Infinity;
  private bandAbove = Infinity;
  private readonly band: PriceBand = { atOrBelow: -Infinity, atOrAbove: Infinity };
  /** Simulation time seen by handlers, offset from the batch origin. */
  private nowOffset = 0;
  private lastTsOffset = 0;
  private lastPriceTicks = Number.NaN;
  private lastIndex = -1;

  private readonly working: WorkingOrder[] = [];
  /** Signed remaining quantity of the working orders. */
  private workingQty = 0;
  private readonly cancelled: Order[] = [];
  private readonly fills: Fill[] = [];
  private readonly equityTsMs: number[] = [];
  private readonly equityCents: number[] = [];
  private nextOrderId = 1;
  private nextFillId = 1;
  private readonly match: TradeMatch = { qty: 0, priceTicks: 0, triggered: false, rule: undefined };

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
    this.fillModel = createFillModel(o.fillModel, { latencyNs: o.latencyNs, slippageTicks: o.slippageTicks, limitFillRule: o.limitFillRule });
    this.account = new Account(o.instrument, o.startingCashCents, o.feePerSideCents ?? o.instrument.feePerSideCents);
    this.random = new SeededRandom(o.seed);
    this.equityClock = new IntervalClock(o.equityIntervalSeconds * 1e9);
    if (this.handlers.onBar !== undefined && this.handlers.barIntervalNs === undefined) {
      throw new AppError("internal", `Strategy "${strategy.id}" handles bars but declares no barIntervalNs`);
    }
    this.barClock = this.handlers.onBar === undefined ? null : new IntervalClock(this.handlers.barIntervalNs!);
    this.ctx = this.createContext();
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
    const sameBatch = batch === this.batch && batch.baseNs === this.baseNs && from !== 0;
    if (sameBatch && from !== this.nextIndex) {
      throw new AppError("internal", `processBatch: chunk starts at ${from}, expected ${this.nextIndex}`);
    }
    try {
      if (!sameBatch) this.beginBatch(batch, from);
      if (this.stage === "idle") this.start(batch.tsOffsetNs[from]);
      if (this.handlers.onTrade === undefined) this.replayScan(batch, from, to);
      else this.replayWithTradeHandler(batch, from, to);
    } catch (error) {
      this.stage = "failed";
      throw error;
    }

    this.nextIndex = to;
    this.lastIndex = to - 1;
    this.lastTsOffset = batch.tsOffsetNs[to - 1];
    this.lastPriceTicks = batch.priceTicks[to - 1];
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
    const hasTrades = this.eventsProcessed > 0;
    this.stage = "ending";
    this.nowOffset = this.lastTsOffset;

    const bars = this.barClock;
    if (bars !== null && bars.isOpen) this.closeBar(bars);

    for (const { order } of this.working) {
      if (order.status !== "working") continue;
      order.status = "cancelled";
      this.cancelled.push(order);
    }
    this.working.length = 0;
    this.workingQty = 0;
    this.stage = "finished";

    const positionQty = this.account.position.qty;
    if (positionQty !== 0) {
      const side: Side = positionQty > 0 ? -1 : 1;
      const tsNs = this.baseNs + BigInt(this.lastTsOffset);
      const order = createMarketOrder(this.nextOrderId++, side, Math.abs(positionQty), tsNs);
      this.applyFill(order, order.qty, this.lastPriceTicks, this.lastTsOffset, tsNs, {
        model: "end-of-data",
        batch: this.batchOrdinal,
        tradeIndex: this.lastIndex,
        tradeTsNs: tsNs,
        latencyNs: 0,
        slippageTicks: 0,
      });
    } else if (hasTrades) {
      this.recordEquity(this.lastTsOffset);
    }

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
      fills: this.fills,
      cancelledOrders: this.cancelled,
      equity: { tsMs: this.equityTsMs, equityCents: this.equityCents },
      metrics: computeMetrics(trades, this.account.realisedCents, this.account.feesCents),
      startingCashCents: this.account.startingCashCents,
      finalEquityCents,
      finalPositionQty: this.account.position.qty,
    };
  }

  snapshot(): EngineSnapshot {
    return {
      eventsProcessed: this.eventsProcessed,
      simTimeNs: this.eventsProcessed === 0 ? 0n : this.baseNs + BigInt(this.lastTsOffset),
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
    for (let i = from; i < to; i++) {
      const t = ts[i];
      const p = px[i];
      if (t >= this.wakeOffset || p <= this.bandBelow || p >= this.bandAbove) this.wakeAt(batch, i, from);
      this.lastIndex = i;
      this.lastTsOffset = t;
      this.lastPriceTicks = p;
      this.nowOffset = t;
      try {
        onTrade(ctx, i);
      } catch (error) {
        throw this.asStrategyError(error, "onTrade");
      }
    }
  }

  /** The slow path for trade i: close due intervals, deliver the trade to working orders. */
  private wakeAt(batch: TradeColumns, i: number, from: number): void {
    const ts = batch.tsOffsetNs;
    const t = ts[i];
    if (i > from) {
      this.lastIndex = i - 1;
      this.lastTsOffset = ts[i - 1];
      this.lastPriceTicks = batch.priceTicks[i - 1];
    }
    const bars = this.barClock;
    if (bars !== null && t >= bars.endOffset) {
      if (bars.isOpen) {
        this.nowOffset = bars.endOffset;
        this.closeBar(bars);
      }
      bars.openAt(t);
    }
    const equity = this.equityClock;
    if (t >= equity.endOffset) {
      if (equity.isOpen) this.recordEquity(equity.endOffset);
      equity.openAt(t);
    }

    this.lastIndex = i;
    this.lastTsOffset = t;
    this.lastPriceTicks = batch.priceTicks[i];
    this.nowOffset = t;
    if (this.working.length > 0) this.matchWorkingOrders(batch, i, t);
    this.updateWake();
  }

  private matchWorkingOrders(batch: TradeColumns, i: number, t: number): void {
    const working = this.working;
    // Orders submitted while this trade is being handled (from onFill) are appended past `n` and
    // wait for a later trade.
    const n = working.length;
    let kept = 0;
    for (let k = 0; k < n; k++) {
      const entry = working[k];
      const order = entry.order;
      if (entry.activeAtOffset <= t && order.status === "working") {
        const match = this.match;
        match.qty = 0;
        match.triggered = false;
        this.fillModel.matchTrade(order, batch, i, match);
        if (order.type !== "market") {
          if (match.triggered && (order.type === "stop" || order.type === "stop-limit")) {
            order.trigger = { batch: this.batchOrdinal, tradeIndex: i, tradeTsNs: this.baseNs + BigInt(t), tradePriceTicks: batch.priceTicks[i] };
          }
          // A limit is an aggressor at one trade at most: its first matchable one (or its electing one).
          if (isLimitLike(order)) order.marketable = false;
        }
        if (match.qty > 0) {
          if (match.qty > remainingQty(order)) {
            throw new AppError("internal", `Fill model ${this.fillModel.name} overfilled order ${order.id}`);
          }
          if (order.type !== "market" && order.reduceOnly && !this.reduces(order.side, match.qty)) {
            this.cancelOrder(order);
          } else {
            this.fillMatched(order, batch, i, t);
          }
        }
        if (order.type !== "market" && order.status === "working" && isImmediate(order) && isLimitLike(order)) this.cancelOrder(order);
      }
      if (order.status === "working") working[kept++] = entry;
    }
    for (let k = n; k < working.length; k++) working[kept++] = working[k];
    working.length = kept;
  }

  private fillMatched(order: Order, batch: TradeColumns, i: number, t: number): void {
    const match = this.match;
    const tsNs = this.baseNs + BigInt(t);
    this.workingQty -= order.side * match.qty;
    const model = this.fillModel;
    const base = { model: model.name, batch: this.batchOrdinal, tradeIndex: i, tradeTsNs: tsNs, latencyNs: model.latencyNs, slippageTicks: model.slippageTicks };
    // Market fills keep the original reason shape (result hashes of market-only runs are unchanged).
    const reason: FillReason =
      order.type === "market"
        ? base
        : order.type === "limit" || order.trigger === null
          ? { ...base, rule: match.rule }
          : { ...base, rule: match.rule, trigger: { ...order.trigger, stopPriceTicks: order.stopPriceTicks } };
    this.applyFill(order, match.qty, match.priceTicks, t, tsNs, reason);
  }

  /** Whether a fill of `qty` on `side` reduces |position| without reversing it. */
  private reduces(side: Side, qty: number): boolean {
    const position = this.account.position.qty;
    return position * side < 0 && qty <= Math.abs(position);
  }

  /** Recomputes the wake offset and the price band from the clocks and the working orders. */
  private updateWake(): void {
    let wake = this.equityClock.endOffset;
    if (this.barClock !== null && this.barClock.endOffset < wake) wake = this.barClock.endOffset;
    let below = -Infinity;
    let above = Infinity;
    const band = this.band;
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
    this.wakeOffset = wake;
    this.bandBelow = below;
    this.bandAbove = above;
  }

  /** Orders matched at their first trade whatever its price, or not yet past their latency. */
  private needsNextTrade(entry: WorkingOrder): boolean {
    const order = entry.order;
    if (order.type === "market" || entry.activeAtOffset > this.lastTsOffset) return true;
    return isLimitLike(order) && (order.marketable || isImmediate(order));
  }

  // ---- events ---------------------------------------------------------------------------------

  private start(firstOffset: number): void {
    this.stage = "running";
    this.nowOffset = firstOffset;
    this.lastTsOffset = firstOffset;
    if (this.batchOrdinal >= 0) this.recordEquity(firstOffset);
    try {
      this.handlers.onStart(this.ctx);
    } catch (error) {
      throw this.asStrategyError(error, "onStart");
    }
  }

  private beginBatch(batch: TradeColumns, from: number): void {
    const previousBaseNs = this.baseNs;
    const baseNs = batch.baseNs;
    if (this.eventsProcessed > 0) {
      const firstNs = baseNs + BigInt(batch.tsOffsetNs[from]);
      const lastNs = previousBaseNs + BigInt(this.lastTsOffset);
      if (firstNs < lastNs) {
        throw new AppError("unprocessable", `Trades out of time order: batch starts at ${firstNs} ns, before the previous trade at ${lastNs} ns`);
      }
    }
    const rebase = (offset: number) => (Number.isFinite(offset) ? Number(BigInt(offset) + previousBaseNs - baseNs) : offset);
    this.lastTsOffset = rebase(this.lastTsOffset);
    this.nowOffset = rebase(this.nowOffset);
    for (const entry of this.working) entry.activeAtOffset = rebase(entry.activeAtOffset);
    this.barClock?.rebase(previousBaseNs, baseNs);
    this.equityClock.rebase(previousBaseNs, baseNs);
    this.batch = batch;
    this.baseNs = baseNs;
    let subMs = baseNs % NS_PER_MS;
    if (subMs < 0n) subMs += NS_PER_MS;
    this.baseMs = Number((baseNs - subMs) / NS_PER_MS);
    this.baseSubMsNs = Number(subMs);
    this.batchOrdinal++;
    this.nextIndex = from;
    for (const entry of this.working) {
      const order = entry.order;
      if (order.type !== "market" && order.status === "working" && order.timeInForce === "DAY" && entry.batch < this.batchOrdinal) {
        this.cancelOrder(order);
      }
    }
    this.updateWake();
  }

  private closeBar(bars: IntervalClock): void {
    const bar = new ClosedTimeBar(this.baseNs, bars.endOffset, bars.periodNs, this.lastPriceTicks);
    bars.isOpen = false;
    try {
      this.handlers.onBar!(this.ctx, bar);
    } catch (error) {
      throw this.asStrategyError(error, "onBar");
    }
  }

  /** Books a fill of `order` at offset `t` (= tsNs - baseNs). */
  private applyFill(order: Order, qty: number, priceTicks: number, t: number, tsNs: bigint, reason: FillReason): void {
    order.filledQty += qty;
    if (order.filledQty === order.qty) order.status = "filled";
    const feeCents = this.account.applyFill(order.side, qty, priceTicks, tsNs);
    const fill: Fill = { id: this.nextFillId++, orderId: order.id, side: order.side, qty, priceTicks, tsNs, feeCents, reason };
    this.fills.push(fill);
    this.recordEquity(t);
    const onFill = this.handlers.onFill;
    if (onFill !== undefined) {
      try {
        onFill(this.ctx, fill);
      } catch (error) {
        throw this.asStrategyError(error, "onFill");
      }
    }
  }

  private submitMarket(side: Side, qty: number): Order {
    assertOrderRequest(side, qty);
    const order = createMarketOrder(this.nextOrderId++, side, qty, this.baseNs + BigInt(this.nowOffset));
    if (this.stage === "finished") {
      order.status = "rejected";
      return order;
    }
    const activeAtOffset = this.nowOffset + this.fillModel.latencyNs;
    this.working.push({ order, activeAtOffset, batch: this.batchOrdinal });
    this.workingQty += side * qty;
    if (activeAtOffset < this.wakeOffset) this.wakeOffset = activeAtOffset;
    return order;
  }

  /** Validates and queues a limit, stop or stop-limit order built by `make`. */
  private submitResting(side: Side, qty: number, prices: readonly number[], opts: RestingOrderOptions | undefined, make: (id: number, submittedAtNs: bigint, fields: RestingFields) => RestingOrder): RestingOrder {
    assertSide(side);
    const fields: RestingFields = { side, qty, status: "working", filledQty: 0, timeInForce: opts?.timeInForce ?? "GTC", reduceOnly: opts?.reduceOnly ?? false };
    const order = make(this.nextOrderId++, this.baseNs + BigInt(this.nowOffset), fields);
    const reason: OrderRejectReason | null =
      this.stage === "finished"
        ? "not-accepting-orders"
        : !isValidQty(qty)
          ? "invalid-quantity"
          : !prices.every(isValidPriceTicks)
            ? "invalid-price"
            : fields.reduceOnly && !this.reduces(side, qty)
              ? "reduce-only-would-increase"
              : null;
    if (reason !== null) {
      order.status = "rejected";
      this.reject(order, reason);
      return order;
    }
    if (order.type !== "stop") order.marketable = order.type === "limit" && this.isMarketable(side, order.limitPriceTicks);
    this.working.push({ order, activeAtOffset: this.nowOffset + this.fillModel.latencyNs, batch: this.batchOrdinal });
    this.workingQty += side * qty;
    this.updateWake();
    return order;
  }

  /** A limit is marketable when the last trade is at or through it, or when no trade was seen yet. */
  private isMarketable(side: Side, limitTicks: number): boolean {
    const last = this.lastPriceTicks;
    return Number.isNaN(last) || side * (last - limitTicks) <= 0;
  }

  private cancel(orderId: number): boolean {
    const entry = this.findWorking(orderId);
    if (entry === undefined) return false;
    this.cancelOrder(entry.order);
    this.updateWake();
    return true;
  }

  private modify(orderId: number, change: OrderModification): boolean {
    const entry = this.findWorking(orderId);
    if (entry === undefined) return false;
    const order = entry.order;
    if (order.type === "market" || this.stage === "finished") {
      this.reject(order, order.type === "market" ? "not-modifiable" : "not-accepting-orders");
      return false;
    }
    const qty = change.qty ?? order.qty;
    const price = change.priceTicks;
    const stop = change.stopTicks;
    const reason: OrderRejectReason | null =
      !isValidQty(qty) || qty <= order.filledQty
        ? "invalid-quantity"
        : (price !== undefined && !isValidPriceTicks(price)) || (stop !== undefined && !isValidPriceTicks(stop)) || (stop !== undefined && order.type === "limit")
          ? "invalid-price"
          : order.reduceOnly && !this.reduces(order.side, qty - order.filledQty)
            ? "reduce-only-would-increase"
            : null;
    if (reason !== null) {
      this.reject(order, reason);
      return false;
    }
    this.workingQty += order.side * (qty - order.qty);
    order.qty = qty;
    if (order.type === "stop") {
      const newStop = stop ?? price;
      if (newStop !== undefined) order.stopPriceTicks = newStop;
    } else {
      if (price !== undefined) order.limitPriceTicks = price;
      if (order.type === "stop-limit" && stop !== undefined) order.stopPriceTicks = stop;
      if (isLimitLike(order)) order.marketable = this.isMarketable(order.side, order.limitPriceTicks);
    }
    entry.activeAtOffset = this.nowOffset + this.fillModel.latencyNs;
    this.updateWake();
    return true;
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

  private reject(order: Readonly<Order>, reason: OrderRejectReason): void {
    const handler = this.handlers.onOrderRejected;
    if (handler === undefined) return;
    try {
      handler(this.ctx, order, reason);
    } catch (error) {
      throw this.asStrategyError(error, "onOrderRejected");
    }
  }

  // ---- helpers --------------------------------------------------------------------------------

  /** Appends an equity point at offset `t` from the batch origin (ms floored, exact below 2^53 ns). */
  private recordEquity(t: number): void {
    this.equityTsMs.push(this.baseMs + Math.floor((this.baseSubMsNs + t) / 1e6));
    this.equityCents.push(this.currentEquityCents());
  }

  private currentEquityCents(): number {
    const mark = this.lastPriceTicks;
    return this.account.equityCents(Number.isNaN(mark) ? 0 : mark);
  }

  private asStrategyError(error: unknown, handler: string): AppError {
    if (error instanceof AppError) return error;
    return new AppError("strategy_failed", `Strategy "${this.strategyId}" failed in ${handler}`, { cause: error });
  }

  private createContext(): StrategyContext {
    // Getters need the engine itself (private fields change as the replay advances).
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const engine = this;
    const account = this.account;
    const position = account.position;
    const markTicks = () => (Number.isNaN(this.lastPriceTicks) ? 0 : this.lastPriceTicks);
    return {
      get timeNs() {
        return engine.baseNs + BigInt(engine.nowOffset);
      },
      instrument: account.instrument,
      get trades() {
        return engine.batch;
      },
      get lastPriceTicks() {
        return engine.lastPriceTicks;
      },
      position: {
        get qty() {
          return position.qty;
        },
        get avgEntryTicks() {
          return position.avgEntryTicks;
        },
      },
      get workingQty() {
        return engine.workingQty;
      },
      account: {
        get equityCents() {
          return account.equityCents(markTicks());
        },
        get realisedCents() {
          return account.realisedCents;
        },
        get unrealisedCents() {
          return account.unrealisedCents(markTicks());
        },
        get feesCents() {
          return account.feesCents;
        },
      },
      submitMarket: (side, qty) => this.submitMarket(side, qty),
      submitLimit: (side, qty, priceTicks, opts) =>
        this.submitResting(side, qty, [priceTicks], opts, (id, submittedAtNs, f) => ({ ...f, id, submittedAtNs, type: "limit", limitPriceTicks: priceTicks, marketable: false })),
      submitStop: (side, qty, stopTicks, opts) =>
        this.submitResting(side, qty, [stopTicks], opts, (id, submittedAtNs, f) => ({ ...f, id, submittedAtNs, type: "stop", stopPriceTicks: stopTicks, trigger: null })),
      submitStopLimit: (side, qty, stopTicks, limitTicks, opts) =>
        this.submitResting(side, qty, [stopTicks, limitTicks], opts, (id, submittedAtNs, f) => ({
          ...f,
          id,
          submittedAtNs,
          type: "stop-limit",
          stopPriceTicks: stopTicks,
          limitPriceTicks: limitTicks,
          trigger: null,
          marketable: false,
        })),
      cancel: (orderId) => this.cancel(orderId),
      modify: (orderId, change) => this.modify(orderId, change),
      workingOrders: () => this.working.filter((entry) => entry.order.status === "working").map((entry) => ({ ...entry.order })),
      random: () => this.random.next(),
    };
  }
}

/** Fields every resting order starts with. */
interface RestingFields {
  readonly side: Side;
  readonly qty: number;
  readonly status: "working";
  readonly filledQty: 0;
  readonly timeInForce: RestingOrder["timeInForce"];
  readonly reduceOnly: boolean;
}

function isImmediate(order: RestingOrder): boolean {
  return order.timeInForce === "IOC" || order.timeInForce === "FOK";
}
