/**
 * CME Globex equity-index (ES, NQ, MES, MNQ) trading calendar as versioned data. Bump `version`
 * whenever anything below changes: runs record it, so a result can always be traced to the
 * calendar it used. Rules are declarative; lib/market/session-calendar.ts evaluates them.
 *
 * Sources: CME Globex trading hours and holiday calendars (cmegroup.com/trading-hours.html,
 * cmegroup.com/tools-information/holiday-calendar.html), the rules used by public market
 * calendars (pandas_market_calendars CME Globex Equities), docs/DOMAIN.md section 2. Confirm each
 * year against CME's published holiday schedule.
 *
 * Known candidates not encoded (verify before adding): the 2025-01-09 national day of mourning;
 * a 12:15 CT early close on July 3 when July 4 falls Tuesday-Friday (listed by some calendars);
 * abbreviated Good Friday sessions in years other than 2021 and 2023 (e.g. 2026-04-03 if the
 * jobs report is published that day).
 */

export const version = "cme-equity-2026.1";

export const timeZone = "America/Chicago";

/** Session dates outside these years are refused rather than guessed. */
export const coveredYears = { first: 2019, last: 2027 } as const;

/**
 * Weekly schedule, wall clock in America/Chicago. Trading days are Monday-Friday; the session of
 * trading day D opens at `openCt` on the calendar day before D (Sunday for Monday) and closes at
 * `closeCt` on D. The 16:00-17:00 daily break and the weekend follow from that.
 */
export const weeklySchedule = {
  tradingWeekdays: [1, 2, 3, 4, 5],
  openCt: "17:00",
  closeCt: "16:00",
} as const;

/** Regular trading hours, for analytics only (the market trades all session long). */
export const rthCt = { from: "08:30", to: "15:00" } as const;

/** Pauses inside every session whose date lies in [firstSessionDate, lastSessionDate]. */
export interface IntradayHalt {
  fromCt: string;
  toCt: string;
  firstSessionDate: string | null;
  lastSessionDate: string | null;
  source: string;
}

export const intradayHalts: readonly IntradayHalt[] = [
  {
    fromCt: "15:15",
    toCt: "15:30",
    firstSessionDate: null,
    lastSessionDate: "2021-06-25",
    source: "CME Globex notice 20210621: the 15:15-15:30 CT equity-index pause ends with trade date 2021-06-28",
  },
];

/**
 * - closed: no session for that trading day.
 * - halt: trading halts at `closeCt` (12:00) and resumes at 17:00 for the next trading day.
 * - early-close: the session ends at `closeCt` (12:15, or 08:15 for abbreviated Good Fridays).
 */
export type HolidayKind = "closed" | "halt" | "early-close";

/**
 * How a holiday's date is found each year.
 * - fixed: month/day, then `observance` when it falls on a weekend: "nearest-weekday" (Saturday ->
 *   Friday, Sunday -> Monday), "sunday-to-monday" (Saturday is not observed: New Year's Day, whose
 *   Friday would be in the previous year), "none" (skipped on weekends).
 * - nth-weekday: the n-th `weekday` (0 = Sunday) of the month; n = -1 is the last one; optional
 *   `offsetDays` (the day after Thanksgiving is the 4th Thursday + 1).
 * - easter: Easter Sunday (Gregorian computus) + `offsetDays` (Good Friday = -2).
 */
export type DateRule =
  | { type: "fixed"; month: number; day: number; observance: "nearest-weekday" | "sunday-to-monday" | "none" }
  | { type: "nth-weekday"; month: number; weekday: number; n: number; offsetDays?: number }
  | { type: "easter"; offsetDays: number };

export interface HolidayRule {
  name: string;
  kind: HolidayKind;
  /** Wall clock close in America/Chicago for halt and early-close. */
  closeCt?: string;
  rule: DateRule;
  fromYear?: number;
  toYear?: number;
}

export const holidayRules: readonly HolidayRule[] = [
  { name: "New Year's Day", kind: "closed", rule: { type: "fixed", month: 1, day: 1, observance: "sunday-to-monday" } },
  { name: "Martin Luther King Jr. Day", kind: "halt", closeCt: "12:00", rule: { type: "nth-weekday", month: 1, weekday: 1, n: 3 } },
  { name: "Presidents' Day", kind: "halt", closeCt: "12:00", rule: { type: "nth-weekday", month: 2, weekday: 1, n: 3 } },
  { name: "Good Friday", kind: "closed", rule: { type: "easter", offsetDays: -2 } },
  { name: "Memorial Day", kind: "halt", closeCt: "12:00", rule: { type: "nth-weekday", month: 5, weekday: 1, n: -1 } },
  { name: "Juneteenth", kind: "halt", closeCt: "12:00", rule: { type: "fixed", month: 6, day: 19, observance: "nearest-weekday" }, fromYear: 2022 },
  { name: "Independence Day", kind: "halt", closeCt: "12:00", rule: { type: "fixed", month: 7, day: 4, observance: "nearest-weekday" } },
  { name: "Labor Day", kind: "halt", closeCt: "12:00", rule: { type: "nth-weekday", month: 9, weekday: 1, n: 1 } },
  { name: "Thanksgiving Day", kind: "halt", closeCt: "12:00", rule: { type: "nth-weekday", month: 11, weekday: 4, n: 4 } },
  { name: "Day after Thanksgiving", kind: "early-close", closeCt: "12:15", rule: { type: "nth-weekday", month: 11, weekday: 4, n: 4, offsetDays: 1 } },
  { name: "Christmas Eve", kind: "early-close", closeCt: "12:15", rule: { type: "fixed", month: 12, day: 24, observance: "none" } },
  { name: "Christmas Day", kind: "closed", rule: { type: "fixed", month: 12, day: 25, observance: "nearest-weekday" } },
];

/**
 * Dated exceptions; on their date they replace whatever the rules say. On Good Friday 2021 and
 * 2023 the jobs report was published and equity-index futures traded an abbreviated session
 * closing at 08:15 CT.
 */
export interface HolidayOverride {
  date: string;
  name: string;
  kind: HolidayKind;
  closeCt?: string;
  source: string;
}

export const holidayOverrides: readonly HolidayOverride[] = [
  { date: "2021-04-02", name: "Good Friday (abbreviated session)", kind: "early-close", closeCt: "08:15", source: "CME holiday schedule 2021 (verify)" },
  { date: "2023-04-07", name: "Good Friday (abbreviated session)", kind: "early-close", closeCt: "08:15", source: "CME holiday schedule 2023 (verify)" },
];
