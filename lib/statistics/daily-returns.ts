/**
 * Daily figures by CME SESSION date (America/Chicago; a session starts at 17:00 CT the evening
 * before, so Sunday 18:00 CT belongs to Monday), never by UTC midnight.
 *
 * - close of a session = the last equity point whose sessionDate (session-calendar.ts) is that
 *   date. A point in the daily break or a weekend belongs to the NEXT session, as the calendar says.
 * - every trading session of the calendar between the first and the last session seen is present:
 *   a session without an equity point repeats the previous close (`filled`, return 0) - a flat day
 *   is a zero return, not a missing one, or Sharpe would be overstated.
 * - return_d = close_d / close_(d-1) - 1 (computed as P&L_d / close_(d-1)), the first session
 *   relative to the starting cash; null when the previous close is <= 0. P&L_d = close_d - close_(d-1), cents (mark to market).
 * Timestamps must lie inside the calendar's covered years.
 */
import { sessionDate, sessionDateNs, sessionsBetween } from "../market/session-calendar";
import type { EquitySeriesInput, StatisticsRoundTrip } from "./types";

export interface SessionDay {
  /** "YYYY-MM-DD". */
  sessionDate: string;
  closeEquityCents: number;
  pnlCents: number;
  return: number | null;
  /** True when no equity point fell in this session (close carried forward). */
  filled: boolean;
}

export function sessionDays(equity: EquitySeriesInput, startingCashCents: number): SessionDay[] {
  const { tsMs, equityCents } = equity;
  if (tsMs.length === 0) return [];
  const closes = new Map<string, number>();
  for (let i = 0; i < tsMs.length; i++) closes.set(sessionDate(tsMs[i]), equityCents[i]);
  const first = sessionDate(tsMs[0]);
  const last = sessionDate(tsMs[tsMs.length - 1]);
  const days: SessionDay[] = [];
  let prev = startingCashCents;
  for (const s of sessionsBetween(first, last)) {
    const close = closes.get(s.sessionDate);
    const value = close ?? prev;
    days.push({ sessionDate: s.sessionDate, closeEquityCents: value, pnlCents: value - prev, return: prev > 0 ? (value - prev) / prev : null, filled: close === undefined });
    prev = value;
  }
  return days;
}

/** The defined daily returns, in session order. */
export function dailyReturns(days: readonly SessionDay[]): number[] {
  const out: number[] = [];
  for (const d of days) if (d.return !== null) out.push(d.return);
  return out;
}

export interface CalendarDay {
  sessionDate: string;
  /** Mark-to-market P&L of the session (equity change), cents and USD. */
  netPnlCents: number;
  netPnlUsd: number;
  return: number | null;
  /** Round trips whose exit falls in this session. */
  roundTrips: number;
  /** Net P&L of those round trips (realised), cents. */
  realisedNetCents: number;
}

/** P&L calendar data: one entry per session day, with the round trips closed that session. */
export function pnlCalendar(days: readonly SessionDay[], trades: readonly StatisticsRoundTrip[]): CalendarDay[] {
  const byDate = new Map<string, { n: number; net: number }>();
  for (const t of trades) {
    const key = sessionDateNs(t.exitTimeNs);
    const acc = byDate.get(key) ?? { n: 0, net: 0 };
    acc.n++;
    acc.net += t.netCents;
    byDate.set(key, acc);
  }
  return days.map((d) => {
    const acc = byDate.get(d.sessionDate);
    return { sessionDate: d.sessionDate, netPnlCents: d.pnlCents, netPnlUsd: d.pnlCents / 100, return: d.return, roundTrips: acc?.n ?? 0, realisedNetCents: acc?.net ?? 0 };
  });
}
