/**
 * Wall-clock conversion for the two zones CME equity futures need: America/Chicago (sessions,
 * holidays) and America/New_York (expiries). Pure and allocation-light so hot loops can call it.
 *
 * Intl.DateTimeFormat is the only source of zone rules (so the IANA database shipped with Node
 * decides DST); it is asked once per UTC day and zone, and the answer - the UTC offset at the start
 * of that day plus, on the rare day with a DST change, the instant of the change and the new
 * offset - is cached. Invariant: US zones change offset at most once per UTC day.
 *
 * Vocabulary: `utcMs` is an instant (ms since the epoch); "wall ms" is the same wall-clock reading
 * expressed as if it were UTC (wallMs = utcMs + offsetMs), which makes day and minute arithmetic
 * plain integer arithmetic. A "day number" counts civil days since 1970-01-01.
 */

export type TimeZoneName = "America/Chicago" | "America/New_York";

export const CHICAGO: TimeZoneName = "America/Chicago";
export const NEW_YORK: TimeZoneName = "America/New_York";

export const MS_PER_MINUTE = 60_000;
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;

/** Wall-clock fields. month 1-12, weekday 0 = Sunday .. 6 = Saturday. */
export interface WallClockParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  weekday: number;
}

// ---------------------------------------------------------------------------------------------
// Civil calendar arithmetic (proleptic Gregorian; H. Hinnant, "chrono-Compatible Low-Level Date
// Algorithms"). No Date objects, no allocation except the returned object.

/** Civil date -> days since 1970-01-01. */
export function dayNumberFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Days since 1970-01-01 -> civil date. */
export function civilFromDayNumber(dayNumber: number): { year: number; month: number; day: number } {
  const z = dayNumber + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** 0 = Sunday .. 6 = Saturday (1970-01-01 was a Thursday). */
export function weekdayOfDayNumber(dayNumber: number): number {
  return (((dayNumber + 4) % 7) + 7) % 7;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/** Day number -> "YYYY-MM-DD". */
export function formatDayNumber(dayNumber: number): string {
  const { year, month, day } = civilFromDayNumber(dayNumber);
  return `${year}-${pad2(month)}-${pad2(day)}`;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** "YYYY-MM-DD" -> day number. Throws RangeError on anything that is not a real calendar date. */
export function parseIsoDate(date: string): number {
  const m = ISO_DATE.exec(date);
  if (!m) throw new RangeError(`Expected a date as YYYY-MM-DD, got "${date}"`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const n = dayNumberFromCivil(year, month, day);
  const back = civilFromDayNumber(n);
  if (month < 1 || month > 12 || back.month !== month || back.day !== day) {
    throw new RangeError(`"${date}" is not a valid calendar date`);
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// UTC offsets from Intl, cached per UTC day.

interface DayOffsets {
  /** Offset (wall - utc) in ms at the start of the UTC day. */
  startOffsetMs: number;
  /** First instant with `endOffsetMs`; +Infinity when the offset does not change that day. */
  changeAtMs: number;
  endOffsetMs: number;
}

interface ZoneCache {
  formatter: Intl.DateTimeFormat;
  days: Map<number, DayOffsets>;
  lastDay: number;
  last: DayOffsets | undefined;
}

const zones = new Map<TimeZoneName, ZoneCache>();

function zoneCache(zone: TimeZoneName): ZoneCache {
  let cache = zones.get(zone);
  if (!cache) {
    const formatter = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    cache = { formatter, days: new Map(), lastDay: Number.NaN, last: undefined };
    zones.set(zone, cache);
  }
  return cache;
}

/** The offset at a whole-second instant, straight from Intl (slow: used only to fill the cache). */
function intlOffsetMs(formatter: Intl.DateTimeFormat, utcMs: number): number {
  const wholeSecondMs = Math.floor(utcMs / 1000) * 1000;
  let year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  for (const part of formatter.formatToParts(wholeSecondMs)) {
    switch (part.type) {
      case "year": year = Number(part.value); break;
      case "month": month = Number(part.value); break;
      case "day": day = Number(part.value); break;
      case "hour": hour = Number(part.value); break;
      case "minute": minute = Number(part.value); break;
      case "second": second = Number(part.value); break;
    }
  }
  const wallMs = dayNumberFromCivil(year, month, day) * MS_PER_DAY + hour * MS_PER_HOUR + minute * MS_PER_MINUTE + second * 1000;
  return wallMs - wholeSecondMs;
}

function dayOffsets(cache: ZoneCache, day: number): DayOffsets {
  if (day === cache.lastDay) return cache.last!;
  let entry = cache.days.get(day);
  if (!entry) {
    const start = day * MS_PER_DAY;
    const startOffsetMs = intlOffsetMs(cache.formatter, start);
    const endOffsetMs = intlOffsetMs(cache.formatter, start + MS_PER_DAY - 1000);
    let changeAtMs = Number.POSITIVE_INFINITY;
    if (endOffsetMs !== startOffsetMs) {
      // Binary search (whole seconds) for the first instant carrying the new offset.
      let lo = start; // old offset
      let hi = start + MS_PER_DAY - 1000; // new offset
      while (hi - lo > 1000) {
        const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
        if (intlOffsetMs(cache.formatter, mid) === startOffsetMs) lo = mid;
        else hi = mid;
      }
      changeAtMs = hi;
    }
    entry = { startOffsetMs, changeAtMs, endOffsetMs };
    cache.days.set(day, entry);
  }
  cache.lastDay = day;
  cache.last = entry;
  return entry;
}

/** UTC offset of `zone` at instant `utcMs`, in ms (wall minus UTC; -21_600_000 for CST). */
export function utcOffsetMs(zone: TimeZoneName, utcMs: number): number {
  const entry = dayOffsets(zoneCache(zone), Math.floor(utcMs / MS_PER_DAY));
  return utcMs < entry.changeAtMs ? entry.startOffsetMs : entry.endOffsetMs;
}

/** The wall-clock reading at `utcMs`, as ms on a UTC-like axis (utcMs + offset). */
export function toWallMs(zone: TimeZoneName, utcMs: number): number {
  return utcMs + utcOffsetMs(zone, utcMs);
}

/**
 * Wall-clock ms -> instant. Times that do not exist (spring-forward gap) resolve with the offset
 * in force before the gap, i.e. 02:30 becomes 03:30 daylight time; ambiguous times (fall-back
 * overlap) resolve to the earlier instant. Same as Temporal's "compatible" disambiguation.
 */
export function fromWallMs(zone: TimeZoneName, wallMs: number): number {
  const before = utcOffsetMs(zone, wallMs - MS_PER_DAY);
  const after = utcOffsetMs(zone, wallMs + MS_PER_DAY);
  const a = wallMs - before;
  if (before === after) return a;
  const b = wallMs - after;
  const aValid = utcOffsetMs(zone, a) === before;
  const bValid = utcOffsetMs(zone, b) === after;
  if (aValid && bValid) return Math.min(a, b);
  if (bValid) return b;
  return a;
}

/** Wall-clock fields of `zone` at instant `utcMs`. */
export function zonedParts(zone: TimeZoneName, utcMs: number): WallClockParts {
  const wallMs = toWallMs(zone, utcMs);
  const dayNumber = Math.floor(wallMs / MS_PER_DAY);
  let msOfDay = wallMs - dayNumber * MS_PER_DAY;
  const { year, month, day } = civilFromDayNumber(dayNumber);
  const hour = Math.floor(msOfDay / MS_PER_HOUR);
  msOfDay -= hour * MS_PER_HOUR;
  const minute = Math.floor(msOfDay / MS_PER_MINUTE);
  msOfDay -= minute * MS_PER_MINUTE;
  const second = Math.floor(msOfDay / 1000);
  return { year, month, day, hour, minute, second, millisecond: msOfDay - second * 1000, weekday: weekdayOfDayNumber(dayNumber) };
}

/** Instant of a wall-clock time in `zone` (see `fromWallMs` for gaps and overlaps). */
export function zonedToUtcMs(zone: TimeZoneName, year: number, month: number, day: number, hour = 0, minute = 0, second = 0, millisecond = 0): number {
  const wallMs = dayNumberFromCivil(year, month, day) * MS_PER_DAY + hour * MS_PER_HOUR + minute * MS_PER_MINUTE + second * 1000 + millisecond;
  return fromWallMs(zone, wallMs);
}

export const chicagoParts = (utcMs: number): WallClockParts => zonedParts(CHICAGO, utcMs);
export const newYorkParts = (utcMs: number): WallClockParts => zonedParts(NEW_YORK, utcMs);

export function chicagoToUtcMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, millisecond = 0): number {
  return zonedToUtcMs(CHICAGO, year, month, day, hour, minute, second, millisecond);
}

export function newYorkToUtcMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, millisecond = 0): number {
  return zonedToUtcMs(NEW_YORK, year, month, day, hour, minute, second, millisecond);
}
