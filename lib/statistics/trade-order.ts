/**
 * The one trade order used wherever sequence matters (streaks, trade-by-trade equity): by exit
 * time, then entry time, then input position (stable sort). Totals never depend on it. Also the
 * bigint ns -> number ms conversions of trade times.
 */
import type { StatisticsRoundTrip } from "./types";

export function byExitTime<T extends StatisticsRoundTrip>(trades: readonly T[]): T[] {
  return [...trades].sort((a, b) => cmp(a.exitTimeNs, b.exitTimeNs) || cmp(a.entryTimeNs, b.entryTimeNs));
}

const cmp = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

/** ns -> ms, floored (same rounding as the session calendar's ns helpers). */
export function nsToMs(tsNs: bigint): number {
  return Number(tsNs / 1_000_000n) - (tsNs % 1_000_000n < 0n ? 1 : 0);
}

/**
 * ns -> fractional ms truncated to the microsecond: exact for epoch times (ms since 1970 with three
 * decimals stay below 2^53) and for durations.
 */
export function nsToMicrosecondMs(ns: bigint): number {
  return Number(ns / 1000n) / 1000;
}
