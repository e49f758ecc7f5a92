/**
 * SessionCalendar for CME Globex equity-index futures, evaluated from the versioned data in
 * cme-equity-calendar-data.ts.
 *
 * Model: one session per trading day D (its "session date"). It opens at 17:00 CT on the calendar
 * day before D and closes at 16:00 CT on D, or earlier on holiday halts and early closes; closed
 * holidays have no session. A session is the half-open interval [openMs, closeMs) minus its
 * `halts`. All wall-clock work happens in America/Chicago, so DST is handled once, here.
 *
 * Times: `...Ms` are numbers (ms since the epoch) for hot loops; `...Ns` variants take bigint ns.
 * Lookups are O(1) through per-day tables built once. Session dates outside the data's covered
 * years throw an `unprocessable` AppError instead of guessing (older years had other hours).
 */
import { AppError } from "../errors";
import * as data from "./cme-equity-calendar-data";
import type { DateRule, HolidayKind } from "./cme-equity-calendar-data";
import {
  CHICAGO,
  MS_PER_DAY,
  MS_PER_MINUTE,
  civilFromDayNumber,
  dayNumberFromCivil,
  formatDayNumber,
  fromWallMs,
  parseIsoDate,
  toWallMs,
  weekdayOfDayNumber,
} from "./time-zone";

export const calendarVersion = data.version;

export type SessionKind = "regular" | "early-close" | "holiday-halt";

export interface TimeRangeMs {
  fromMs: number;
  toMs: number;
}

export interface TradingSession {
  sessionDate: string;
  kind: SessionKind;
  /** Holiday name for early-close and holiday-halt sessions. */
  holiday: string | null;
  openMs: number;
  closeMs: number;
  openNs: bigint;
  closeNs: bigint;
  /** Pauses inside [openMs, closeMs), ascending. */
  halts: TimeRangeMs[];
  /** RTH window (08:30-15:00 CT) clipped to the session; empty (from = to) when it closes before. */
  rthFromMs: number;
  rthToMs: number;
}

export interface Holiday {
  date: string;
  name: string;
  kind: HolidayKind;
  /** Close time (CT, "HH:MM") for halt and early-close; null when closed all day. */
  closeCt: string | null;
}

const minutesOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(":").map(Number);
  return h * 60 + m;
};

const OPEN_MS_OF_DAY = minutesOf(data.weeklySchedule.openCt) * MS_PER_MINUTE;
const CLOSE_MS_OF_DAY = minutesOf(data.weeklySchedule.closeCt) * MS_PER_MINUTE;
const RTH_FROM_MS_OF_DAY = minutesOf(data.rthCt.from) * MS_PER_MINUTE;
const RTH_TO_MS_OF_DAY = minutesOf(data.rthCt.to) * MS_PER_MINUTE;
const TRADING_WEEKDAYS: readonly number[] = data.weeklySchedule.tradingWeekdays;

// ---------------------------------------------------------------------------------------------
// Holiday rules -> dates.

/** Easter Sunday, anonymous Gregorian computus (Meeus/Jones/Butcher). */
export function easterSunday(year: number): { month: number; day: number } {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const n = h + l - 7 * m + 114;
  return { month: Math.floor(n / 31), day: (n % 31) + 1 };
}

/** Day number on which a rule falls in `year`, or null when it is not observed that year. */
function ruleDay(rule: DateRule, year: number): number | null {
  switch (rule.type) {
    case "fixed": {
      const day = dayNumberFromCivil(year, rule.month, rule.day);
      const weekday = weekdayOfDayNumber(day);
      if (weekday !== 0 && weekday !== 6) return day;
      if (rule.observance === "none") return null;
      if (weekday === 0) return day + 1;
      return rule.observance === "nearest-weekday" ? day - 1 : null;
    }
    case "nth-weekday": {
      let day: number;
      if (rule.n > 0) {
        const first = dayNumberFromCivil(year, rule.month, 1);
        day = first + ((rule.weekday - weekdayOfDayNumber(first) + 7) % 7) + 7 * (rule.n - 1);
      } else {
        const last = dayNumberFromCivil(year, rule.month + 1, 1) - 1;
        day = last - ((weekdayOfDayNumber(last) - rule.weekday + 7) % 7);
      }
      return day + (rule.offsetDays ?? 0);
    }
    case "easter": {
      const e = easterSunday(year);
      return dayNumberFromCivil(year, e.month, e.day) + rule.offsetDays;
    }
  }
}

interface ResolvedHoliday {
  name: string;
  kind: HolidayKind;
  closeMinutes: number | null;
}

const KIND_RANK: Record<HolidayKind, number> = { closed: 0, halt: 1, "early-close": 2 };

/** Holidays by day number for the covered years. On a clash "closed" wins, then the earliest close. */
function resolveHolidays(): Map<number, ResolvedHoliday> {
  const byDay = new Map<number, ResolvedHoliday>();
  for (let year = data.coveredYears.first; year <= data.coveredYears.last; year++) {
    for (const r of data.holidayRules) {
      if ((r.fromYear !== undefined && year < r.fromYear) || (r.toYear !== undefined && year > r.toYear)) continue;
      const day = ruleDay(r.rule, year);
      if (day === null) continue;
      const candidate: ResolvedHoliday = { name: r.name, kind: r.kind, closeMinutes: r.closeCt ? minutesOf(r.closeCt) : null };
      const existing = byDay.get(day);
      if (!existing || wins(candidate, existing)) byDay.set(day, candidate);
    }
  }
  for (const o of data.holidayOverrides) {
    byDay.set(parseIsoDate(o.date), { name: o.name, kind: o.kind, closeMinutes: o.closeCt ? minutesOf(o.closeCt) : null });
  }
  return byDay;
}

function wins(a: ResolvedHoliday, b: ResolvedHoliday): boolean {
  if (a.kind === "closed" || b.kind === "closed") return a.kind === "closed" && b.kind !== "closed";
  return (a.closeMinutes ?? Infinity) < (b.closeMinutes ?? Infinity) || (a.closeMinutes === b.closeMinutes && KIND_RANK[a.kind] < KIND_RANK[b.kind]);
}

// ---------------------------------------------------------------------------------------------
// Per-day session tables, built once.

const FIRST_DAY = dayNumberFromCivil(data.coveredYears.first, 1, 1);
const LAST_DAY = dayNumberFromCivil(data.coveredYears.last, 12, 31);

interface Tables {
  holidays: Map<number, ResolvedHoliday>;
  sessions: (TradingSession | null)[];
  openMs: Float64Array;
  closeMs: Float64Array;
  hasHalts: Uint8Array;
}

let tables: Tables | undefined;

function getTables(): Tables {
  if (tables) return tables;
  const holidays = resolveHolidays();
  const n = LAST_DAY - FIRST_DAY + 1;
  const t: Tables = { holidays, sessions: new Array(n).fill(null), openMs: new Float64Array(n).fill(Number.NaN), closeMs: new Float64Array(n).fill(Number.NaN), hasHalts: new Uint8Array(n) };
  for (let day = FIRST_DAY; day <= LAST_DAY; day++) {
    const session = buildSession(day, holidays.get(day));
    if (!session) continue;
    const i = day - FIRST_DAY;
    t.sessions[i] = session;
    t.openMs[i] = session.openMs;
    t.closeMs[i] = session.closeMs;
    t.hasHalts[i] = session.halts.length > 0 ? 1 : 0;
  }
  return (tables = t);
}

const chicagoAt = (day: number, msOfDay: number) => fromWallMs(CHICAGO, day * MS_PER_DAY + msOfDay);

function buildSession(day: number, holiday: ResolvedHoliday | undefined): TradingSession | null {
  if (!TRADING_WEEKDAYS.includes(weekdayOfDayNumber(day))) return null;
  if (holiday?.kind === "closed") return null;
  const sessionDate = formatDayNumber(day);
  const openMs = chicagoAt(day - 1, OPEN_MS_OF_DAY);
  const closeMs = chicagoAt(day, holiday?.closeMinutes != null ? holiday.closeMinutes * MS_PER_MINUTE : CLOSE_MS_OF_DAY);
  const halts: TimeRangeMs[] = [];
  for (const h of data.intradayHalts) {
    if ((h.firstSessionDate && sessionDate < h.firstSessionDate) || (h.lastSessionDate && sessionDate > h.lastSessionDate)) continue;
    const fromMs = chicagoAt(day, minutesOf(h.fromCt) * MS_PER_MINUTE);
    const toMs = chicagoAt(day, minutesOf(h.toCt) * MS_PER_MINUTE);
    if (fromMs >= openMs && toMs <= closeMs) halts.push({ fromMs, toMs });
  }
  halts.sort((a, b) => a.fromMs - b.fromMs);
  const rthFromMs = Math.min(chicagoAt(day, RTH_FROM_MS_OF_DAY), closeMs);
  const rthToMs = Math.min(chicagoAt(day, RTH_TO_MS_OF_DAY), closeMs);
  const kind: SessionKind = !holiday ? "regular" : holiday.kind === "halt" ? "holiday-halt" : "early-close";
  return {
    sessionDate,
    kind,
    holiday: holiday?.name ?? null,
    openMs,
    closeMs,
    openNs: BigInt(openMs) * 1_000_000n,
    closeNs: BigInt(closeMs) * 1_000_000n,
    halts,
    rthFromMs,
    rthToMs,
  };
}

function outOfRange(what: string): AppError {
  return new AppError(
    "unprocessable",
    `${what} is outside the CME equity calendar (${data.version}), which covers ${data.coveredYears.first}-${data.coveredYears.last}`,
  );
}

function checkedDay(day: number, what: () => string): number {
  if (day < FIRST_DAY || day > LAST_DAY) throw outOfRange(what());
  return day - FIRST_DAY;
}

/** Index of the only session that can contain `tsMs`: the CT date, +1 from 17:00 CT on. */
function candidateIndex(tsMs: number): number {
  const wallMs = toWallMs(CHICAGO, tsMs);
  const day = Math.floor(wallMs / MS_PER_DAY);
  const next = wallMs - day * MS_PER_DAY >= OPEN_MS_OF_DAY ? day + 1 : day;
  return checkedDay(next, () => new Date(tsMs).toISOString());
}

// ---------------------------------------------------------------------------------------------
// Public API.

/** Holidays (closures, halts, early closes) with session dates in [fromYear, toYear], ascending. */
export function listHolidays(fromYear: number = data.coveredYears.first, toYear: number = data.coveredYears.last): Holiday[] {
  const out: Holiday[] = [];
  for (const [day, h] of getTables().holidays) {
    const { year } = civilFromDayNumber(day);
    if (year < fromYear || year > toYear) continue;
    const closeCt = h.closeMinutes === null ? null : `${String(Math.floor(h.closeMinutes / 60)).padStart(2, "0")}:${String(h.closeMinutes % 60).padStart(2, "0")}`;
    out.push({ date: formatDayNumber(day), name: h.name, kind: h.kind, closeCt });
  }
  return out.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

/** The session of a trading day ("YYYY-MM-DD"), or null on weekends and closed holidays. */
export function sessionFor(sessionDate: string): TradingSession | null {
  const t = getTables();
  return t.sessions[checkedDay(parseIsoDate(sessionDate), () => sessionDate)];
}

/** Every session whose session date is in [fromDate, toDate] (inclusive), ascending. */
export function sessionsBetween(fromDate: string, toDate: string): TradingSession[] {
  const from = parseIsoDate(fromDate);
  const to = parseIsoDate(toDate);
  if (from > to) return [];
  const t = getTables();
  const first = checkedDay(from, () => fromDate);
  const last = checkedDay(to, () => toDate);
  const out: TradingSession[] = [];
  for (let i = first; i <= last; i++) {
    const s = t.sessions[i];
    if (s) out.push(s);
  }
  return out;
}

/** True when the market trades at `tsMs` (inside a session, not in a halt or the daily break). */
export function isInSession(tsMs: number): boolean {
  const t = getTables();
  const i = candidateIndex(tsMs);
  if (!(tsMs >= t.openMs[i] && tsMs < t.closeMs[i])) return false; // NaN (no session) is false too
  if (t.hasHalts[i] === 0) return true;
  for (const h of t.sessions[i]!.halts) if (tsMs >= h.fromMs && tsMs < h.toMs) return false;
  return true;
}

/**
 * The session containing `tsMs` (halts count as inside), or null when the market is closed.
 */
export function sessionAt(tsMs: number): TradingSession | null {
  const t = getTables();
  const i = candidateIndex(tsMs);
  return tsMs >= t.openMs[i] && tsMs < t.closeMs[i] ? t.sessions[i] : null;
}

/**
 * Trading day of `tsMs` as "YYYY-MM-DD": the session containing it (Sunday 18:00 CT belongs to
 * Monday's session), or, when the market is closed, the next session to open (a Saturday maps to
 * Monday, the daily break to the next day's session, Christmas Day to the session opening that
 * evening).
 */
export function sessionDate(tsMs: number): string {
  const t = getTables();
  let i = candidateIndex(tsMs);
  while (!(tsMs < t.closeMs[i])) {
    i++;
    if (i >= t.closeMs.length) throw outOfRange(new Date(tsMs).toISOString());
  }
  return t.sessions[i]!.sessionDate;
}

/** True inside a session and within 08:30-15:00 CT of its session date. */
export function isRth(tsMs: number): boolean {
  if (!isInSession(tsMs)) return false;
  const s = getTables().sessions[candidateIndex(tsMs)]!;
  return tsMs >= s.rthFromMs && tsMs < s.rthToMs;
}

const nsToMs = (tsNs: bigint): number => Number(tsNs / 1_000_000n) - (tsNs % 1_000_000n < 0n ? 1 : 0);

export const isInSessionNs = (tsNs: bigint): boolean => isInSession(nsToMs(tsNs));
export const sessionAtNs = (tsNs: bigint): TradingSession | null => sessionAt(nsToMs(tsNs));
export const sessionDateNs = (tsNs: bigint): string => sessionDate(nsToMs(tsNs));
export const isRthNs = (tsNs: bigint): boolean => isRth(nsToMs(tsNs));
