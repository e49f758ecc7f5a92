/**
 * Monthly returns table by SESSION-date month (a session dated 2024-04-01 that opened on Sunday
 * 2024-03-31 17:00 CT belongs to April).
 *
 * month return = close of its last session / close of the previous month's last session - 1
 *   (the first month relative to the starting cash) = the compounded daily returns;
 * month P&L = the difference of those closes (cents).
 * year return = last close of the year / last close of the previous year (or starting cash) - 1.
 * Returns are null when the reference close is <= 0. Months without a session in the covered range
 * are null in the year rows.
 */
import type { SessionDay } from "./daily-returns";

export interface MonthReturn {
  /** "YYYY-MM". */
  month: string;
  year: number;
  /** 1-12. */
  monthOfYear: number;
  return: number | null;
  pnlCents: number;
  pnlUsd: number;
  sessions: number;
}

export interface YearReturns {
  year: number;
  /** Index 0 = January; null when the month has no session in the data. */
  months: (number | null)[];
  return: number | null;
  pnlCents: number;
  pnlUsd: number;
}

export interface MonthlyTable {
  months: MonthReturn[];
  years: YearReturns[];
}

export function monthlyReturns(days: readonly SessionDay[], startingCashCents: number): MonthlyTable {
  const months = closesBy(days, (date) => date.slice(0, 7), startingCashCents).map(({ key, open, close, sessions }): MonthReturn => ({
    month: key,
    year: Number(key.slice(0, 4)),
    monthOfYear: Number(key.slice(5, 7)),
    return: open > 0 ? (close - open) / open : null,
    pnlCents: close - open,
    pnlUsd: (close - open) / 100,
    sessions,
  }));
  const years = closesBy(days, (date) => date.slice(0, 4), startingCashCents).map(({ key, open, close }): YearReturns => {
    const year = Number(key);
    const row: (number | null)[] = new Array(12).fill(null);
    for (const m of months) if (m.year === year) row[m.monthOfYear - 1] = m.return;
    return { year, months: row, return: open > 0 ? (close - open) / open : null, pnlCents: close - open, pnlUsd: (close - open) / 100 };
  });
  return { months, years };
}

/** Consecutive groups of session days by key: the close before the group and the group's last close. */
function closesBy(days: readonly SessionDay[], keyOf: (sessionDate: string) => string, startingCashCents: number) {
  const out: { key: string; open: number; close: number; sessions: number }[] = [];
  let prevClose = startingCashCents;
  for (const d of days) {
    const key = keyOf(d.sessionDate);
    const last = out[out.length - 1];
    if (last && last.key === key) {
      last.close = d.closeEquityCents;
      last.sessions++;
    } else {
      if (last) prevClose = last.close;
      out.push({ key, open: prevClose, close: d.closeEquityCents, sessions: 1 });
    }
  }
  return out;
}
