/**
 * The price window around one round trip, for the trade chart (pure: no database).
 *
 * Window: [entry - margin, exit + margin) with margin = half the trip's duration, at least one
 * minute and at most four hours, so a 20-second scalp and a two-day swing both show their
 * context. Interval: the finest of CHART_INTERVALS giving at most `maxBars` bars over the window
 * (a caller may ask for a specific one; more than MAX_CHART_BARS is refused). Bars are built on
 * the UTC epoch grid of the engine's clock (ts_recv), the same clock as the trip's entry and exit
 * times, so the markers sit in the bars they happened in.
 */
import type { Bar } from "../market/bars";

export const CHART_INTERVALS = { "1s": 1, "5s": 5, "10s": 10, "30s": 30, "1m": 60, "5m": 300, "15m": 900, "1h": 3600, "4h": 14_400, "1d": 86_400 } as const;
export type ChartInterval = keyof typeof CHART_INTERVALS;
export const CHART_INTERVAL_NAMES = Object.keys(CHART_INTERVALS) as ChartInterval[];
export const DEFAULT_TARGET_BARS = 240;
export const MAX_CHART_BARS = 5000;

const NS_PER_S = 1_000_000_000n;
const MIN_MARGIN_NS = 60n * NS_PER_S;
const MAX_MARGIN_NS = 4n * 3600n * NS_PER_S;

export const intervalNs = (interval: ChartInterval): bigint => BigInt(CHART_INTERVALS[interval]) * NS_PER_S;

export function chartWindowNs(entryNs: bigint, exitNs: bigint): { fromNs: bigint; toNs: bigint } {
  const duration = exitNs > entryNs ? exitNs - entryNs : 0n;
  let margin = duration / 2n;
  if (margin < MIN_MARGIN_NS) margin = MIN_MARGIN_NS;
  if (margin > MAX_MARGIN_NS) margin = MAX_MARGIN_NS;
  return { fromNs: entryNs - margin, toNs: exitNs + margin + 1n };
}

/** Bars of `interval` touching [fromNs, toNs): a bar per grid step that overlaps the window. */
export function barSlots(fromNs: bigint, toNs: bigint, interval: ChartInterval): number {
  const step = intervalNs(interval);
  const first = fromNs - (((fromNs % step) + step) % step);
  return Number((toNs - first + step - 1n) / step);
}

export function pickInterval(fromNs: bigint, toNs: bigint, maxBars = DEFAULT_TARGET_BARS): ChartInterval {
  for (const name of CHART_INTERVAL_NAMES) if (barSlots(fromNs, toNs, name) <= maxBars) return name;
  return CHART_INTERVAL_NAMES[CHART_INTERVAL_NAMES.length - 1];
}

/** One OHLCV bar for the browser: start in ms, prices in index points. */
export interface ChartBarDto {
  tMs: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  trades: number;
}

/** Bars with prices in integer ticks -> points, with the contract's conversion (ticksToPrice). */
export function toChartBars(bars: readonly Bar[], ticksToPoints: (ticks: number) => number): ChartBarDto[] {
  const points = (ticks: bigint) => ticksToPoints(Number(ticks));
  return bars.map((b) => ({
    tMs: Number(b.tsStartNs / 1_000_000n),
    open: points(b.open),
    high: points(b.high),
    low: points(b.low),
    close: points(b.close),
    volume: Number(b.volume),
    trades: b.trades,
  }));
}
