/**
 * Price-band flags: extreme moves are KEPT but marked (issue 3). A trade is outside the band when
 * it is further than `percent` from the session's reference price, strictly:
 * |price - reference| * 10000 > basisPoints(percent) * reference, in integer ticks (exact; exactly
 * at the band edge is inside). This stands in for CME's dynamic price limits and limit up/down,
 * which the trade data alone cannot reproduce exactly.
 *
 * Reference ("prior-session-last"): the last accepted trade of the latest earlier session date
 * that has trades (session dates per the CME calendar: a trading day starts at 17:00 CT the
 * evening before; times the calendar does not cover fall back to the UTC date). The first session
 * of the data uses its first trade, unless `seed` gave the last trade stored before it (an append
 * to a dataset). The reference is fixed for a whole session: a session change resets it.
 *
 * Consecutive outside trades (in accepted-trade order, inside one session) merge into one range
 * with its count and min/max price; an inside trade or a session change closes the range.
 * Identical trades at one timestamp are two trades (both counted). Pure: no I/O.
 */
import { z } from "zod";
import { sessionDate, sessionFor, sessionsBetween } from "../../market/session-calendar";
import type { TradeColumns } from "../../market/trade-columns";

export const DEFAULT_PRICE_BAND = { percent: 7, reference: "prior-session-last" } as const;

/** A band rule, or null / "off" for none (normalised to null). */
export const priceBandRuleSchema = z
  .union([
    z
      .object({
        /** Band half-width in percent of the reference (0.01 steps: 0.01..100). */
        percent: z.number().min(0.01).max(100).multipleOf(0.01),
        reference: z.literal("prior-session-last").default("prior-session-last"),
      })
      .strict(),
    z.literal("off"),
    z.null(),
  ])
  .transform((rule) => (rule === "off" ? null : rule));
export type PriceBandRule = z.output<typeof priceBandRuleSchema>;

/** One range of consecutive trades outside the band (prices in ticks, times in ns). */
export interface PriceBandRange {
  fromNs: bigint;
  toNs: bigint;
  count: number;
  minTicks: number;
  maxTicks: number;
  referenceTicks: number;
  sessionDate: string;
}

const NS_PER_MS = 1_000_000n;
const DAY_MS = 86_400_000;

/** Session date of `tsNs` and the exclusive end of that session date (ns). */
export function sessionWindowOf(tsNs: bigint): { date: string; startNs: bigint; endNs: bigint } {
  const ms = Number(tsNs / NS_PER_MS);
  try {
    const date = sessionDate(ms);
    const closeNs = sessionFor(date)!.closeNs;
    const from = new Date(Date.parse(`${date}T00:00:00Z`) - 10 * DAY_MS).toISOString().slice(0, 10);
    const previous = sessionsBetween(from, date).filter((s) => s.sessionDate < date).pop();
    return { date, startNs: previous?.closeNs ?? closeNs - BigInt(DAY_MS) * NS_PER_MS, endNs: closeNs };
  } catch {
    // Outside the calendar's years: the UTC date.
    const dayStart = Math.floor(ms / DAY_MS) * DAY_MS;
    return { date: new Date(dayStart).toISOString().slice(0, 10), startNs: BigInt(dayStart) * NS_PER_MS, endNs: BigInt(dayStart + DAY_MS) * NS_PER_MS };
  }
}

export class PriceBand {
  private readonly basisPoints: number;
  private readonly closed: PriceBandRange[] = [];
  private open: PriceBandRange | null = null;
  /** Current session date window [startNs, endNs) and its reference. */
  private session: { date: string; startNs: bigint; endNs: bigint } | null = null;
  private referenceTicks = 0;
  /** |d| * 10000 > bandLimit means outside (bandLimit = basisPoints * reference). */
  private bandLimit = 0;
  /** Last accepted trade price seen (the next session's reference). */
  private lastTicks: number | null = null;
  private flaggedTrades = 0;

  constructor(rule: { percent: number }) {
    this.basisPoints = Math.round(rule.percent * 100);
  }

  /** The last trade stored before the data (an append): the first session's reference. */
  seed(lastTicks: number): void {
    if (this.session === null) this.lastTicks = lastTicks;
  }

  /** Trades outside the band so far. */
  get flagged(): number {
    return this.flaggedTrades;
  }

  /** Observes accepted trades (ascending ts_recv, across calls). */
  observe(columns: TradeColumns): void {
    const n = columns.length;
    if (n === 0) return;
    const base = columns.baseNs;
    const offsets = columns.tsOffsetNs;
    const prices = columns.priceTicks;
    // Session bounds as offsets of this batch: the hot loop compares floats only.
    let startOff = -Infinity;
    let endOff = -Infinity;
    if (this.session) ({ startOff, endOff } = this.windowOffsets(base));
    for (let i = 0; i < n; i++) {
      const off = offsets[i];
      if (off >= endOff || off < startOff) {
        this.enterSession(base + BigInt(off), prices[i]);
        ({ startOff, endOff } = this.windowOffsets(base));
      }
      const p = prices[i];
      const d = p - this.referenceTicks;
      if ((d < 0 ? -d : d) * 10000 > this.bandLimit) {
        this.flaggedTrades++;
        const o = this.open;
        if (o) {
          o.toNs = base + BigInt(off);
          o.count++;
          if (p < o.minTicks) o.minTicks = p;
          if (p > o.maxTicks) o.maxTicks = p;
        } else {
          const ts = base + BigInt(off);
          this.open = { fromNs: ts, toNs: ts, count: 1, minTicks: p, maxTicks: p, referenceTicks: this.referenceTicks, sessionDate: this.session!.date };
        }
      } else if (this.open) {
        this.closeOpen();
      }
      this.lastTicks = p;
    }
  }

  /** Ranges closed so far (removed from the band: each is returned once). */
  drainClosed(): PriceBandRange[] {
    return this.closed.splice(0, this.closed.length);
  }

  /** Closes the open range and returns every range not drained yet. */
  finish(): PriceBandRange[] {
    this.closeOpen();
    return this.drainClosed();
  }

  private closeOpen(): void {
    if (this.open) this.closed.push(this.open);
    this.open = null;
  }

  private enterSession(tsNs: bigint, priceTicks: number): void {
    this.closeOpen();
    this.session = sessionWindowOf(tsNs);
    this.referenceTicks = this.lastTicks ?? priceTicks;
    this.bandLimit = this.basisPoints * this.referenceTicks;
  }

  private windowOffsets(base: bigint): { startOff: number; endOff: number } {
    const s = this.session!;
    return { startOff: Number(s.startNs - base), endOff: Number(s.endNs - base) };
  }
}
