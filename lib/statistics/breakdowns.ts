/**
 * P&L breakdowns of round trips, each trip attributed by its EXIT time (when the P&L is realised):
 * - by hour of exit on the exchange clock (America/Chicago wall time, 0-23; in the November
 *   fall-back hour both 01:xx readings go to hour 1);
 * - by weekday of the CME session date (a Sunday-evening exit counts as Monday);
 * - RTH (08:30-15:00 CT inside a session, session-calendar.ts isRth) vs ETH (everything else);
 * - inside a roll week vs not: exit time in any of the given [fromMs, toMs) ranges.
 * Buckets: winners / losers / profit factor as in trade-stats.ts. Every hour 0-23 and every weekday
 * Monday-Friday is listed, empty or not.
 */
import { isRthNs, sessionDateNs } from "../market/session-calendar";
import { chicagoParts, parseIsoDate, weekdayOfDayNumber } from "../market/time-zone";
import { MoneySum, type MoneyFigure } from "./money";
import { nsToMs } from "./trade-order";
import type { StatisticsInstrument, StatisticsRoundTrip, TimeRangeMs } from "./types";

export interface BucketStats {
  key: string;
  roundTrips: number;
  winners: number;
  losers: number;
  winRate: number | null;
  net: MoneyFigure;
  averageTrade: MoneyFigure | null;
  grossProfitCents: number;
  grossLossCents: number;
  profitFactor: number | null;
  profitFactorInfinite: boolean;
}

export interface Breakdowns {
  /** key "00".."23": hour of exit, CT. */
  byExitHour: BucketStats[];
  /** key "Monday".."Friday": weekday of the session date. */
  bySessionWeekday: BucketStats[];
  /** keys "RTH", "ETH". */
  bySession: BucketStats[];
  /** keys "roll-week", "other". */
  byRollWeek: BucketStats[];
}

export const WEEKDAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"] as const;

export function computeBreakdowns(trades: readonly StatisticsRoundTrip[], instrument: StatisticsInstrument, rollWeeks: readonly TimeRangeMs[]): Breakdowns {
  const hours = Array.from({ length: 24 }, (_, h) => String(h).padStart(2, "0"));
  return {
    byExitHour: bucketise(trades, instrument, hours, (t) => hours[chicagoParts(nsToMs(t.exitTimeNs)).hour]),
    bySessionWeekday: bucketise(trades, instrument, WEEKDAY_NAMES.slice(1, 6), (t) => WEEKDAY_NAMES[weekdayOfDayNumber(parseIsoDate(sessionDateNs(t.exitTimeNs)))]),
    bySession: bucketise(trades, instrument, ["RTH", "ETH"], (t) => (isRthNs(t.exitTimeNs) ? "RTH" : "ETH")),
    byRollWeek: bucketise(trades, instrument, ["roll-week", "other"], (t) => (inAnyRange(nsToMs(t.exitTimeNs), rollWeeks) ? "roll-week" : "other")),
  };
}

export function inAnyRange(tsMs: number, ranges: readonly TimeRangeMs[]): boolean {
  for (const [from, to] of ranges) if (tsMs >= from && tsMs < to) return true;
  return false;
}

/** Buckets in the order of `keys`; a key met that is not listed is appended in order of appearance. */
function bucketise(
  trades: readonly StatisticsRoundTrip[],
  instrument: StatisticsInstrument,
  keys: readonly string[],
  keyOf: (t: StatisticsRoundTrip) => string,
): BucketStats[] {
  const acc = new Map<string, { net: MoneySum; wins: number; losses: number; gp: number; gl: number }>();
  const slot = (key: string) => {
    let a = acc.get(key);
    if (!a) acc.set(key, (a = { net: new MoneySum(instrument), wins: 0, losses: 0, gp: 0, gl: 0 }));
    return a;
  };
  for (const key of keys) slot(key);
  for (const t of trades) {
    const a = slot(keyOf(t));
    a.net.add(t.netCents, t.qty);
    if (t.netCents > 0) {
      a.wins++;
      a.gp += t.netCents;
    } else if (t.netCents < 0) {
      a.losses++;
      a.gl += t.netCents;
    }
  }
  return [...acc].map(([key, a]) => ({
    key,
    roundTrips: a.net.count,
    winners: a.wins,
    losers: a.losses,
    winRate: a.net.count === 0 ? null : a.wins / a.net.count,
    net: a.net.total(),
    averageTrade: a.net.mean(),
    grossProfitCents: a.gp,
    grossLossCents: a.gl,
    profitFactor: a.gl < 0 ? a.gp / -a.gl : null,
    profitFactorInfinite: a.gl === 0 && a.gp > 0,
  }));
}
