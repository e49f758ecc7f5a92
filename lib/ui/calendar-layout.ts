/**
 * Layout of the daily P&L heatmap: one block per calendar month, rows = weeks (Monday first),
 * columns = Monday..Friday - CME equity sessions are dated Monday to Friday (the Sunday-evening
 * open belongs to Monday's session). Cells are keyed by SESSION date (lib/statistics/daily-returns.ts),
 * never by the viewer's time zone. A weekday without a session in the data (a holiday, or outside
 * the run) is an empty cell, so weeks keep their shape.
 */
import { civilFromDayNumber, formatDayNumber, parseIsoDate, weekdayOfDayNumber } from "../market/time-zone";

export interface HeatmapDay {
  sessionDate: string;
  netPnlCents: number;
  roundTrips: number;
}

export interface HeatmapCell {
  date: string;
  dayOfMonth: number;
  /** The session's figures; null when there was no session in the data that day. */
  day: HeatmapDay | null;
  /** -4..4: colour intensity, sign = P&L sign, 0 = flat or no session. */
  level: number;
  /** Between the first and the last session of the data (a day without session there is a holiday). */
  inRange: boolean;
}

export interface HeatmapMonth {
  /** "YYYY-MM". */
  month: string;
  label: string;
  /** Each week: 5 slots Monday..Friday; null where the date belongs to another month. */
  weeks: (HeatmapCell | null)[][];
  netPnlCents: number;
}

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** Intensity 1..4 proportional to |value| / maxAbs (rounded up), signed; 0 for zero. */
export function heatLevel(valueCents: number, maxAbsCents: number): number {
  if (valueCents === 0 || !(maxAbsCents > 0)) return 0;
  const level = Math.min(4, Math.max(1, Math.ceil((4 * Math.abs(valueCents)) / maxAbsCents)));
  return valueCents > 0 ? level : -level;
}

export function heatmapMonths(days: readonly HeatmapDay[]): HeatmapMonth[] {
  if (days.length === 0) return [];
  const byDate = new Map(days.map((d) => [d.sessionDate, d]));
  const maxAbs = days.reduce((m, d) => Math.max(m, Math.abs(d.netPnlCents)), 0);
  const sorted = [...byDate.keys()].sort();
  const first = parseIsoDate(sorted[0]);
  const last = parseIsoDate(sorted[sorted.length - 1]);
  const months: HeatmapMonth[] = [];
  let current: HeatmapMonth | null = null;
  let week: (HeatmapCell | null)[] | null = null;
  const firstCivil = civilFromDayNumber(first);
  const lastCivil = civilFromDayNumber(last);
  // Every day of every month touched by the data.
  const start = parseIsoDate(`${firstCivil.year}-${String(firstCivil.month).padStart(2, "0")}-01`);
  const endMonthNext = lastCivil.month === 12 ? `${lastCivil.year + 1}-01-01` : `${lastCivil.year}-${String(lastCivil.month + 1).padStart(2, "0")}-01`;
  const end = parseIsoDate(endMonthNext);
  for (let n = start; n < end; n++) {
    const date = formatDayNumber(n);
    const { year, month, day } = civilFromDayNumber(n);
    const key = date.slice(0, 7);
    if (!current || current.month !== key) {
      current = { month: key, label: `${MONTHS[month - 1]} ${year}`, weeks: [], netPnlCents: 0 };
      months.push(current);
      week = null;
    }
    const weekday = weekdayOfDayNumber(n);
    if (weekday === 0 || weekday === 6) {
      week = weekday === 6 ? null : week;
      continue;
    }
    if (!week || weekday === 1) {
      week = [null, null, null, null, null];
      current.weeks.push(week);
    }
    const entry = byDate.get(date) ?? null;
    if (entry) current.netPnlCents += entry.netPnlCents;
    week[weekday - 1] = { date, dayOfMonth: day, day: entry, level: entry ? heatLevel(entry.netPnlCents, maxAbs) : 0, inRange: n >= first && n <= last };
  }
  return months;
}
