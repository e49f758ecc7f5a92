/**
 * Exposure: how much of the time a position was open.
 *
 * span = [first entry, last exit). Holding time = length of the UNION of the trips' [entry, exit)
 * intervals (overlapping trips are not double-counted).
 *   wallFraction    = holding time / span length
 *   sessionFraction = (holding time inside CME trading sessions) / (trading-session time in span)
 * Trading-session time is each Globex session [open, close) minus its halts (session-calendar.ts),
 * so the daily break, weekends and holidays count in neither numerator nor denominator of the
 * session fraction. Both are null when their denominator is 0. Times are ms with microsecond
 * resolution; timestamps must lie inside the calendar's covered years.
 */
import { sessionDateNs, sessionsBetween } from "../market/session-calendar";
import { nsToMicrosecondMs } from "./trade-order";
import type { StatisticsRoundTrip } from "./types";

export interface Exposure {
  spanMs: number;
  timeInMarketMs: number;
  wallFraction: number | null;
  sessionTimeMs: number;
  timeInMarketInSessionMs: number;
  sessionFraction: number | null;
}

type Interval = [fromMs: number, toMs: number];

export function computeExposure(trades: readonly StatisticsRoundTrip[]): Exposure {
  if (trades.length === 0) {
    return { spanMs: 0, timeInMarketMs: 0, wallFraction: null, sessionTimeMs: 0, timeInMarketInSessionMs: 0, sessionFraction: null };
  }
  let firstNs = trades[0].entryTimeNs;
  let lastNs = trades[0].exitTimeNs;
  for (const t of trades) {
    if (t.entryTimeNs < firstNs) firstNs = t.entryTimeNs;
    if (t.exitTimeNs > lastNs) lastNs = t.exitTimeNs;
  }
  const holding = unionIntervals(trades.map((t): Interval => [nsToMicrosecondMs(t.entryTimeNs), nsToMicrosecondMs(t.exitTimeNs)]));
  const span: Interval = [nsToMicrosecondMs(firstNs), nsToMicrosecondMs(lastNs)];
  const sessions = clip(sessionIntervals(sessionDateNs(firstNs), sessionDateNs(lastNs)), span);
  const spanMs = span[1] - span[0];
  const timeInMarketMs = totalLength(holding);
  const sessionTimeMs = totalLength(sessions);
  const timeInMarketInSessionMs = intersectionLength(holding, sessions);
  return {
    spanMs,
    timeInMarketMs,
    wallFraction: spanMs > 0 ? timeInMarketMs / spanMs : null,
    sessionTimeMs,
    timeInMarketInSessionMs,
    sessionFraction: sessionTimeMs > 0 ? timeInMarketInSessionMs / sessionTimeMs : null,
  };
}

/** Trading time of the sessions with dates in [fromDate, toDate]: [open, close) minus halts, ascending. */
function sessionIntervals(fromDate: string, toDate: string): Interval[] {
  const out: Interval[] = [];
  for (const s of sessionsBetween(fromDate, toDate)) {
    let from = s.openMs;
    for (const h of s.halts) {
      if (h.fromMs > from) out.push([from, h.fromMs]);
      from = Math.max(from, h.toMs);
    }
    if (s.closeMs > from) out.push([from, s.closeMs]);
  }
  return out;
}

/** Sorted, disjoint union of half-open intervals (empty ones dropped). */
export function unionIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  const out: Interval[] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

function clip(intervals: readonly Interval[], [from, to]: Interval): Interval[] {
  const out: Interval[] = [];
  for (const [a, b] of intervals) {
    const lo = Math.max(a, from);
    const hi = Math.min(b, to);
    if (hi > lo) out.push([lo, hi]);
  }
  return out;
}

function totalLength(intervals: readonly Interval[]): number {
  let s = 0;
  for (const [a, b] of intervals) s += b - a;
  return s;
}

/** Length of the intersection of two sorted, disjoint interval lists (two-pointer sweep). */
export function intersectionLength(xs: readonly Interval[], ys: readonly Interval[]): number {
  let i = 0;
  let j = 0;
  let s = 0;
  while (i < xs.length && j < ys.length) {
    const lo = Math.max(xs[i][0], ys[j][0]);
    const hi = Math.min(xs[i][1], ys[j][1]);
    if (hi > lo) s += hi - lo;
    if (xs[i][1] < ys[j][1]) i++;
    else j++;
  }
  return s;
}
