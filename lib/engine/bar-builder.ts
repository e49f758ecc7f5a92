/**
 * Activity bars: tick, volume and range bars built from the trade stream, one trade at a time, for
 * strategies that declare `bars` (strategy.ts). Time bars stay with IntervalClock. Exact rules:
 *
 * - Every trade belongs to exactly one bar; bars are contiguous in the trade stream (the first
 *   trade after a bar's last opens the next one). Equal timestamps change nothing: trades are
 *   counted in stream order.
 * - tick N: a bar closes on its Nth trade (that trade included).
 * - volume N: a bar closes on the trade that brings its cumulative size to N or more; that trade
 *   belongs whole to the bar, so a bar's volume is >= N and the excess is NOT carried into the next
 *   bar, which starts empty at the next trade. (A choice: splitting a trade would put it into two
 *   bars and make one large trade close several identical bars at the same instant.)
 * - range N: a bar stays open while its high - low <= N ticks; the first trade that would take it
 *   past N (p > low + N or p < high - N) does not join it: the bar closes before that trade, which
 *   opens the next bar. So high - low <= N for every range bar.
 * - At the end of the data the open bar closes as it is (partial: fewer trades, less volume).
 *
 * Cost: `breaks` and `add` are a few compares and adds on plain number fields (the same code for all
 * three kinds: unused limits are +-Infinity); no allocation per trade. `take` allocates the bar
 * object and one BigInt per bar.
 *
 * Time bars (IntervalClock) get their open, high, low, volume and trade count from
 * `TimeBarAccumulator` below: the trades engine folds a bar's trades into it in runs (at the bar's
 * close and at the end of each engine call, never per trade on its scan), the book engine adds
 * each trade record as it replays it.
 */
import { z } from "zod";
import { AppError } from "../errors";
import type { ActivityBar, BarSpec, TimeBar } from "./strategy";
import type { TradeColumns } from "../market/trade-columns";

/** Bounds of a bar spec (strategy authors, usually through parameters). */
export const barSpecSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("tick"), count: z.number().int().min(1).max(10_000_000) }),
  z.object({ kind: z.literal("volume"), size: z.number().int().min(1).max(1_000_000_000) }),
  z.object({ kind: z.literal("range"), ticks: z.number().int().min(1).max(10_000_000) }),
]);

export class BarBuilder {
  readonly kind: BarSpec["kind"];
  private readonly maxTrades: number;
  private readonly maxVolume: number;
  private readonly rangeTicks: number;

  /** Trades in the open bar; 0: no bar is open. */
  trades = 0;
  volume = 0;
  openTicks = 0;
  highTicks = 0;
  lowTicks = 0;
  closeTicks = 0;
  /** A trade above `upperTicks` or below `lowerTicks` breaks the open range bar (+-Infinity otherwise). */
  upperTicks = Infinity;
  lowerTicks = -Infinity;
  /** Time of the bar's first trade: offset from `startBaseNs` (the batch origin when it opened). */
  private startOffset = 0;
  private startBaseNs = 0n;

  constructor(spec: BarSpec) {
    const parsed = barSpecSchema.safeParse(spec);
    if (!parsed.success) throw new AppError("bad_request", `Invalid bar spec: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
    const s = parsed.data;
    this.kind = s.kind;
    this.maxTrades = s.kind === "tick" ? s.count : Infinity;
    this.maxVolume = s.kind === "volume" ? s.size : Infinity;
    this.rangeTicks = s.kind === "range" ? s.ticks : Infinity;
  }

  /** Whether a trade at `priceTicks` would break the open range bar (always false for tick and volume bars). */
  breaks(priceTicks: number): boolean {
    return priceTicks > this.upperTicks || priceTicks < this.lowerTicks;
  }

  /**
   * Adds a trade at offset `tsOffset` from `baseNs`; true when it completes the bar (tick, volume).
   * A range bar never completes here: call `breaks` first and `take` the bar before the trade.
   */
  add(tsOffset: number, baseNs: bigint, priceTicks: number, size: number): boolean {
    if (this.trades === 0) {
      this.startOffset = tsOffset;
      this.startBaseNs = baseNs;
      this.openTicks = priceTicks;
      this.highTicks = priceTicks;
      this.lowTicks = priceTicks;
    } else if (priceTicks > this.highTicks) this.highTicks = priceTicks;
    else if (priceTicks < this.lowTicks) this.lowTicks = priceTicks;
    this.closeTicks = priceTicks;
    this.volume += size;
    this.trades++;
    this.upperTicks = this.lowTicks + this.rangeTicks;
    this.lowerTicks = this.highTicks - this.rangeTicks;
    return this.trades >= this.maxTrades || this.volume >= this.maxVolume;
  }

  /** The open bar, closed at `endNs` (the time of its last trade); the builder starts empty again. */
  take(endNs: bigint): ActivityBar {
    const bar: ActivityBar = {
      kind: this.kind,
      startNs: this.startBaseNs + BigInt(this.startOffset),
      endNs,
      openTicks: this.openTicks,
      highTicks: this.highTicks,
      lowTicks: this.lowTicks,
      closeTicks: this.closeTicks,
      volume: this.volume,
      trades: this.trades,
    };
    this.trades = 0;
    this.volume = 0;
    this.upperTicks = Infinity;
    this.lowerTicks = -Infinity;
    return bar;
  }
}

/**
 * The bars of `spec` over whole batches, the last one partial: the reference the engine's bars are
 * tested against (it applies the same rules on its event path).
 */
export function buildBars(spec: BarSpec, batches: readonly TradeColumns[]): ActivityBar[] {
  const builder = new BarBuilder(spec);
  const bars: ActivityBar[] = [];
  let lastNs = 0n;
  for (const batch of batches) {
    for (let i = 0; i < batch.length; i++) {
      const t = batch.tsOffsetNs[i];
      const p = batch.priceTicks[i];
      if (builder.breaks(p)) bars.push(builder.take(lastNs));
      lastNs = batch.baseNs + BigInt(t);
      if (builder.add(t, batch.baseNs, p, batch.size[i])) bars.push(builder.take(lastNs));
    }
  }
  if (builder.trades > 0) bars.push(builder.take(lastNs));
  return bars;
}

/**
 * OHLCV of the trades of one time bar, in stream order: open = first trade, close = last, high and
 * low over all, volume = sum of sizes, trades = count. Empty (trades 0) until a trade is added.
 */
export class TimeBarAccumulator {
  trades = 0;
  volume = 0;
  openTicks = Number.NaN;
  highTicks = Number.NaN;
  lowTicks = Number.NaN;
  closeTicks = Number.NaN;

  add(priceTicks: number, size: number): void {
    if (this.trades === 0) {
      this.openTicks = priceTicks;
      this.highTicks = priceTicks;
      this.lowTicks = priceTicks;
    } else if (priceTicks > this.highTicks) this.highTicks = priceTicks;
    else if (priceTicks < this.lowTicks) this.lowTicks = priceTicks;
    this.closeTicks = priceTicks;
    this.volume += size;
    this.trades++;
  }

  /** Adds trades [from, to) of the columns (one tight loop; nothing when from >= to). */
  fold(priceTicks: Int32Array, size: Int32Array, from: number, to: number): void {
    if (from >= to) return;
    if (this.trades === 0) {
      this.openTicks = priceTicks[from];
      this.highTicks = priceTicks[from];
      this.lowTicks = priceTicks[from];
    }
    let high = this.highTicks;
    let low = this.lowTicks;
    let volume = this.volume;
    for (let i = from; i < to; i++) {
      const p = priceTicks[i];
      if (p > high) high = p;
      else if (p < low) low = p;
      volume += size[i];
    }
    this.highTicks = high;
    this.lowTicks = low;
    this.volume = volume;
    this.closeTicks = priceTicks[to - 1];
    this.trades += to - from;
  }

  /** The bar [startNs, endNs) with the trades added so far; the accumulator starts empty again. */
  take(startNs: bigint, endNs: bigint): TimeBar {
    const bar: TimeBar = {
      kind: "time",
      startNs,
      endNs,
      openTicks: this.openTicks,
      highTicks: this.highTicks,
      lowTicks: this.lowTicks,
      closeTicks: this.closeTicks,
      volume: this.volume,
      trades: this.trades,
    };
    this.trades = 0;
    this.volume = 0;
    return bar;
  }
}
