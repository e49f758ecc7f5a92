import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CHICAGO,
  NEW_YORK,
  chicagoParts,
  chicagoToUtcMs,
  civilFromDayNumber,
  dayNumberFromCivil,
  formatDayNumber,
  newYorkParts,
  newYorkToUtcMs,
  parseIsoDate,
  utcOffsetMs,
  weekdayOfDayNumber,
  zonedParts,
  zonedToUtcMs,
} from "./time-zone";

const utc = (iso: string) => Date.parse(iso);
const HOUR = 3_600_000;
const FROM_2019 = utc("2019-01-01T00:00:00Z");
const TO_2028 = utc("2028-01-01T00:00:00Z");

describe("civil dates", () => {
  it("counts days from 1970-01-01, a Thursday", () => {
    expect(dayNumberFromCivil(1970, 1, 1)).toBe(0);
    expect(weekdayOfDayNumber(0)).toBe(4);
    expect(formatDayNumber(dayNumberFromCivil(2024, 2, 29))).toBe("2024-02-29");
    expect(weekdayOfDayNumber(parseIsoDate("2025-12-25"))).toBe(4);
  });

  it("round-trips every day number through the civil date", () => {
    fc.assert(
      fc.property(fc.integer({ min: -100_000, max: 100_000 }), (n) => {
        const { year, month, day } = civilFromDayNumber(n);
        return dayNumberFromCivil(year, month, day) === n && formatDayNumber(n) === new Date(n * 86_400_000).toISOString().slice(0, 10);
      }),
    );
  });

  it("rejects malformed and impossible dates", () => {
    expect(() => parseIsoDate("2025-02-30")).toThrow(RangeError);
    expect(() => parseIsoDate("2025-13-01")).toThrow(RangeError);
    expect(() => parseIsoDate("25-01-01")).toThrow(RangeError);
  });
});

describe("America/Chicago", () => {
  it("is UTC-6 in winter and UTC-5 in summer", () => {
    expect(utcOffsetMs(CHICAGO, utc("2025-01-15T12:00:00Z"))).toBe(-6 * HOUR);
    expect(utcOffsetMs(CHICAGO, utc("2025-07-15T12:00:00Z"))).toBe(-5 * HOUR);
    expect(chicagoToUtcMs(2025, 1, 15, 17, 0)).toBe(utc("2025-01-15T23:00:00Z"));
    expect(chicagoToUtcMs(2025, 7, 15, 17, 0)).toBe(utc("2025-07-15T22:00:00Z"));
  });

  it("springs forward at 02:00 CST on the second Sunday of March", () => {
    expect(chicagoParts(utc("2025-03-09T07:59:59Z"))).toMatchObject({ hour: 1, minute: 59, second: 59, day: 9, weekday: 0 });
    expect(chicagoParts(utc("2025-03-09T08:00:00Z"))).toMatchObject({ hour: 3, minute: 0, second: 0, day: 9 });
  });

  it("falls back at 02:00 CDT on the first Sunday of November", () => {
    expect(chicagoParts(utc("2025-11-02T06:59:59Z"))).toMatchObject({ hour: 1, minute: 59, second: 59 });
    expect(chicagoParts(utc("2025-11-02T07:00:00Z"))).toMatchObject({ hour: 1, minute: 0, second: 0 });
  });

  it("resolves a wall time inside the spring-forward gap forward, as 03:30 CDT", () => {
    expect(chicagoToUtcMs(2025, 3, 9, 2, 30)).toBe(utc("2025-03-09T08:30:00Z"));
  });

  it("resolves an ambiguous fall-back wall time to the earlier instant", () => {
    expect(chicagoToUtcMs(2025, 11, 2, 1, 30)).toBe(utc("2025-11-02T06:30:00Z"));
  });

  it("keeps milliseconds and reports weekdays", () => {
    expect(chicagoParts(utc("2024-12-25T18:00:00.123Z"))).toEqual({ year: 2024, month: 12, day: 25, hour: 12, minute: 0, second: 0, millisecond: 123, weekday: 3 });
  });
});

describe("America/New_York", () => {
  it("places 09:30 ET on expiry Fridays at 13:30Z in summer and 14:30Z in winter", () => {
    expect(newYorkToUtcMs(2024, 9, 20, 9, 30)).toBe(utc("2024-09-20T13:30:00Z"));
    expect(newYorkToUtcMs(2025, 12, 19, 9, 30)).toBe(utc("2025-12-19T14:30:00Z"));
    expect(newYorkParts(utc("2025-12-19T14:30:00Z"))).toMatchObject({ hour: 9, minute: 30, weekday: 5 });
  });
});

describe("agreement with Intl across 2019-2027", () => {
  const reference = (zone: string, ms: number) => {
    const f = new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" });
    const p = Object.fromEntries(f.formatToParts(ms).map((x) => [x.type, x.value]));
    return { year: +p.year, month: +p.month, day: +p.day, hour: +p.hour, minute: +p.minute, second: +p.second };
  };

  it("gives the same wall clock as Intl for any instant", () => {
    fc.assert(
      fc.property(fc.integer({ min: FROM_2019, max: TO_2028 }), fc.constantFrom(CHICAGO, NEW_YORK), (ms, zone) => {
        const { year, month, day, hour, minute, second } = zonedParts(zone, ms);
        expect({ year, month, day, hour, minute, second }).toEqual(reference(zone, ms));
      }),
      { numRuns: 2000 },
    );
  });

  it("maps a wall clock back to an instant showing the same wall clock", () => {
    fc.assert(
      fc.property(fc.integer({ min: FROM_2019, max: TO_2028 }), fc.constantFrom(CHICAGO, NEW_YORK), (ms, zone) => {
        const p = zonedParts(zone, ms);
        const back = zonedToUtcMs(zone, p.year, p.month, p.day, p.hour, p.minute, p.second, p.millisecond);
        expect(zonedParts(zone, back)).toEqual(p);
        expect(back === ms || Math.abs(back - ms) === HOUR).toBe(true); // only the fall-back hour is ambiguous
      }),
      { numRuns: 2000 },
    );
  });
});
