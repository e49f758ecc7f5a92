import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { version } from "./cme-equity-calendar-data";
import {
  calendarVersion,
  easterSunday,
  isInSession,
  isInSessionNs,
  isRth,
  listHolidays,
  sessionAt,
  sessionDate,
  sessionDateNs,
  sessionFor,
  sessionsBetween,
} from "./session-calendar";
import { chicagoToUtcMs } from "./time-zone";

const utc = (iso: string) => Date.parse(iso);
/** Instant of a Chicago wall-clock time "YYYY-MM-DD HH:MM[:SS[.mmm]]". */
const ct = (text: string) => {
  const [date, time] = text.split(" ");
  const [y, mo, d] = date.split("-").map(Number);
  const [h, mi, s = "0"] = time.split(":");
  const [sec, ms = "0"] = s.split(".");
  return chicagoToUtcMs(y, mo, d, Number(h), Number(mi), Number(sec), Number(ms.padEnd(3, "0")));
};
const iso = (ms: number) => new Date(ms).toISOString();

describe("calendar data", () => {
  it("is versioned", () => {
    expect(calendarVersion).toBe(version);
    expect(version).toMatch(/^cme-equity-\d{4}\.\d+$/);
  });

  it("computes Easter by the Gregorian computus", () => {
    expect(easterSunday(2024)).toEqual({ month: 3, day: 31 });
    expect(easterSunday(2025)).toEqual({ month: 4, day: 20 });
    expect(easterSunday(2019)).toEqual({ month: 4, day: 21 });
    expect(easterSunday(2027)).toEqual({ month: 3, day: 28 });
  });

  it("lists the 2025 holidays with their kinds and close times", () => {
    expect(listHolidays(2025, 2025).map((h) => [h.date, h.kind, h.closeCt])).toEqual([
      ["2025-01-01", "closed", null],
      ["2025-01-20", "halt", "12:00"],
      ["2025-02-17", "halt", "12:00"],
      ["2025-04-18", "closed", null],
      ["2025-05-26", "halt", "12:00"],
      ["2025-06-19", "halt", "12:00"],
      ["2025-07-04", "halt", "12:00"],
      ["2025-09-01", "halt", "12:00"],
      ["2025-11-27", "halt", "12:00"],
      ["2025-11-28", "early-close", "12:15"],
      ["2025-12-24", "early-close", "12:15"],
      ["2025-12-25", "closed", null],
    ]);
  });

  it("shifts weekend holidays to the observed weekday", () => {
    const dates = (year: number) => listHolidays(year, year).map((h) => `${h.date} ${h.name}`);
    expect(dates(2020)).toContain("2020-07-03 Independence Day"); // Saturday -> Friday
    expect(dates(2021)).toContain("2021-07-05 Independence Day"); // Sunday -> Monday
    expect(dates(2022)).toContain("2022-06-20 Juneteenth"); // Sunday -> Monday
    expect(dates(2022)).toContain("2022-12-26 Christmas Day"); // Sunday -> Monday
    expect(dates(2023)).toContain("2023-01-02 New Year's Day"); // Sunday -> Monday
    expect(dates(2021)).toContain("2021-12-24 Christmas Day"); // Saturday -> Friday, replacing Christmas Eve
    expect(dates(2027)).toContain("2027-06-18 Juneteenth"); // Saturday -> Friday
  });

  it("does not observe New Year's Day on the Friday before when January 1 is a Saturday", () => {
    expect(listHolidays(2021, 2022).some((h) => h.date === "2021-12-31")).toBe(false);
    expect(sessionFor("2021-12-31")?.kind).toBe("regular");
  });

  it("observes Juneteenth only from 2022", () => {
    expect(listHolidays(2021, 2021).some((h) => h.name === "Juneteenth")).toBe(false);
    expect(sessionFor("2026-06-19")?.kind).toBe("holiday-halt");
  });

  it("covers 2019 to 2027 and refuses other years with an unprocessable error", () => {
    expect(sessionsBetween("2019-01-02", "2019-01-02")).toHaveLength(1);
    expect(sessionsBetween("2027-12-31", "2027-12-31")).toHaveLength(1);
    expect(() => sessionsBetween("2018-12-31", "2019-01-04")).toThrow(AppError);
    expect(() => isInSession(utc("2028-01-04T15:00:00Z"))).toThrow(/outside the CME equity calendar/);
  });
});

describe("weekly schedule", () => {
  it("opens Monday's session at 17:00 CT on Sunday and closes it at 16:00 CT on Monday", () => {
    const s = sessionFor("2025-06-16")!;
    expect(s).toMatchObject({ kind: "regular", holiday: null, halts: [] });
    expect(iso(s.openMs)).toBe("2025-06-15T22:00:00.000Z");
    expect(iso(s.closeMs)).toBe("2025-06-16T21:00:00.000Z");
    expect(s.openNs).toBe(BigInt(s.openMs) * 1_000_000n);
  });

  it("has no session on Saturdays and Sundays", () => {
    expect(sessionFor("2025-06-14")).toBeNull();
    expect(sessionFor("2025-06-15")).toBeNull();
    expect(sessionsBetween("2025-06-13", "2025-06-16").map((s) => s.sessionDate)).toEqual(["2025-06-13", "2025-06-16"]);
  });

  it("is closed over the weekend from Friday 16:00 CT to Sunday 17:00 CT", () => {
    expect(isInSession(ct("2025-06-13 15:59:59.999"))).toBe(true);
    expect(isInSession(ct("2025-06-13 16:00"))).toBe(false);
    expect(isInSession(ct("2025-06-14 12:00"))).toBe(false);
    expect(isInSession(ct("2025-06-15 16:59:59.999"))).toBe(false);
    expect(isInSession(ct("2025-06-15 17:00"))).toBe(true);
  });

  it("pauses for the daily break from 16:00 to 17:00 CT Monday to Thursday", () => {
    expect(isInSession(ct("2025-06-17 15:59:59.999"))).toBe(true);
    expect(isInSession(ct("2025-06-17 16:00"))).toBe(false);
    expect(isInSession(ct("2025-06-17 16:59:59.999"))).toBe(false);
    expect(isInSession(ct("2025-06-17 17:00"))).toBe(true);
  });

  it("assigns evening trading to the next day's session: Sunday 18:00 CT belongs to Monday", () => {
    expect(sessionDate(ct("2025-06-15 18:00"))).toBe("2025-06-16");
    expect(sessionDate(ct("2025-06-17 17:00"))).toBe("2025-06-18");
    expect(sessionDate(ct("2025-06-17 15:59"))).toBe("2025-06-17");
    expect(sessionAt(ct("2025-06-15 18:00"))?.sessionDate).toBe("2025-06-16");
  });

  it("maps closed times to the next session to open", () => {
    expect(sessionDate(ct("2025-06-17 16:30"))).toBe("2025-06-18");
    expect(sessionDate(ct("2025-06-14 12:00"))).toBe("2025-06-16");
    expect(sessionDate(ct("2025-06-13 16:00"))).toBe("2025-06-16");
    expect(sessionAt(ct("2025-06-14 12:00"))).toBeNull();
  });

  it("agrees between millisecond and nanosecond variants", () => {
    const t = ct("2025-06-15 18:00");
    expect(isInSessionNs(BigInt(t) * 1_000_000n + 999_999n)).toBe(true);
    expect(sessionDateNs(BigInt(t) * 1_000_000n)).toBe("2025-06-16");
    expect(isInSessionNs(BigInt(ct("2025-06-17 16:00")) * 1_000_000n - 1n)).toBe(true);
  });

  it("marks regular trading hours 08:30-15:00 CT", () => {
    expect(isRth(ct("2025-06-17 08:29:59.999"))).toBe(false);
    expect(isRth(ct("2025-06-17 08:30"))).toBe(true);
    expect(isRth(ct("2025-06-17 14:59:59.999"))).toBe(true);
    expect(isRth(ct("2025-06-17 15:00"))).toBe(false);
    expect(isRth(ct("2025-06-16 20:00"))).toBe(false);
  });
});

describe("daylight saving time", () => {
  it("opens at 23:00Z before and 22:00Z after the March change", () => {
    expect(iso(sessionFor("2025-03-07")!.openMs)).toBe("2025-03-06T23:00:00.000Z");
    expect(iso(sessionFor("2025-03-07")!.closeMs)).toBe("2025-03-07T22:00:00.000Z");
    expect(iso(sessionFor("2025-03-10")!.openMs)).toBe("2025-03-09T22:00:00.000Z");
    expect(iso(sessionFor("2025-03-10")!.closeMs)).toBe("2025-03-10T21:00:00.000Z");
    expect(isInSession(utc("2025-03-09T21:59:59.999Z"))).toBe(false);
    expect(isInSession(utc("2025-03-09T22:00:00Z"))).toBe(true);
  });

  it("opens at 22:00Z before and 23:00Z after the November change", () => {
    expect(iso(sessionFor("2025-10-31")!.closeMs)).toBe("2025-10-31T21:00:00.000Z");
    expect(iso(sessionFor("2025-11-03")!.openMs)).toBe("2025-11-02T23:00:00.000Z");
    expect(isInSession(utc("2025-11-02T22:30:00Z"))).toBe(false);
    expect(isInSession(utc("2025-11-02T23:00:00Z"))).toBe(true);
    expect(sessionDate(utc("2025-11-02T23:30:00Z"))).toBe("2025-11-03");
  });

  it("keeps the RTH window at 08:30 CT on both sides of a change", () => {
    expect(iso(sessionFor("2025-03-07")!.rthFromMs)).toBe("2025-03-07T14:30:00.000Z");
    expect(iso(sessionFor("2025-03-10")!.rthFromMs)).toBe("2025-03-10T13:30:00.000Z");
  });
});

describe("holidays", () => {
  it("closes early at 12:15 CT on Christmas Eve and stays closed on Christmas Day", () => {
    const eve = sessionFor("2025-12-24")!;
    expect(eve).toMatchObject({ kind: "early-close", holiday: "Christmas Eve" });
    expect(iso(eve.closeMs)).toBe("2025-12-24T18:15:00.000Z");
    expect(sessionFor("2025-12-25")).toBeNull();
    expect(isInSession(ct("2025-12-24 12:14:59.999"))).toBe(true);
    expect(isInSession(ct("2025-12-24 12:15"))).toBe(false);
    expect(isInSession(ct("2025-12-25 10:00"))).toBe(false);
    expect(sessionDate(ct("2025-12-25 10:00"))).toBe("2025-12-26");
  });

  it("reopens at 17:00 CT on Christmas Day for the next trading day", () => {
    expect(iso(sessionFor("2025-12-26")!.openMs)).toBe("2025-12-25T23:00:00.000Z");
    expect(isInSession(ct("2025-12-25 17:00"))).toBe(true);
  });

  it("closes on New Year's Day and reopens that evening", () => {
    expect(sessionFor("2025-12-31")!.kind).toBe("regular");
    expect(sessionFor("2026-01-01")).toBeNull();
    expect(isInSession(ct("2025-12-31 17:30"))).toBe(false);
    expect(isInSession(ct("2026-01-01 17:00"))).toBe(true);
    expect(sessionDate(ct("2026-01-01 17:00"))).toBe("2026-01-02");
  });

  it("halts at 12:00 CT on Thanksgiving and closes at 12:15 CT the day after", () => {
    const thanksgiving = sessionFor("2025-11-27")!;
    expect(thanksgiving).toMatchObject({ kind: "holiday-halt", holiday: "Thanksgiving Day" });
    expect(iso(thanksgiving.closeMs)).toBe("2025-11-27T18:00:00.000Z");
    expect(isInSession(ct("2025-11-27 11:59"))).toBe(true);
    expect(isInSession(ct("2025-11-27 12:30"))).toBe(false);
    expect(isInSession(ct("2025-11-27 17:00"))).toBe(true);
    const friday = sessionFor("2025-11-28")!;
    expect(friday.kind).toBe("early-close");
    expect(iso(friday.closeMs)).toBe("2025-11-28T18:15:00.000Z");
    expect(isRth(ct("2025-11-28 12:00"))).toBe(true);
    expect(isRth(ct("2025-11-28 13:00"))).toBe(false);
  });

  it("is closed on Good Friday from Thursday's close to Sunday's open", () => {
    expect(sessionFor("2025-04-18")).toBeNull();
    expect(iso(sessionFor("2025-04-17")!.closeMs)).toBe("2025-04-17T21:00:00.000Z");
    expect(isInSession(ct("2025-04-18 10:00"))).toBe(false);
    expect(isInSession(ct("2025-04-17 17:00"))).toBe(false);
    expect(iso(sessionFor("2025-04-21")!.openMs)).toBe("2025-04-20T22:00:00.000Z");
    expect(sessionDate(ct("2025-04-18 10:00"))).toBe("2025-04-21");
  });

  it("knows the abbreviated Good Friday session of 2021 that closed at 08:15 CT", () => {
    const s = sessionFor("2021-04-02")!;
    expect(s.kind).toBe("early-close");
    expect(iso(s.closeMs)).toBe("2021-04-02T13:15:00.000Z");
    expect(s.rthFromMs).toBe(s.rthToMs);
  });

  it("halts at 12:00 CT on Monday holidays and reopens at 17:00 CT for Tuesday", () => {
    const mlk = sessionFor("2025-01-20")!;
    expect(mlk.kind).toBe("holiday-halt");
    expect(iso(mlk.openMs)).toBe("2025-01-19T23:00:00.000Z");
    expect(iso(mlk.closeMs)).toBe("2025-01-20T18:00:00.000Z");
    expect(sessionDate(ct("2025-01-20 13:00"))).toBe("2025-01-21");
    expect(iso(sessionFor("2025-01-21")!.openMs)).toBe("2025-01-20T23:00:00.000Z");
  });

  it("includes every session of the inclusive range with its kind", () => {
    expect(sessionsBetween("2025-12-22", "2026-01-05").map((s) => `${s.sessionDate} ${s.kind}`)).toEqual([
      "2025-12-22 regular",
      "2025-12-23 regular",
      "2025-12-24 early-close",
      "2025-12-26 regular",
      "2025-12-29 regular",
      "2025-12-30 regular",
      "2025-12-31 regular",
      "2026-01-02 regular",
      "2026-01-05 regular",
    ]);
    expect(sessionsBetween("2025-12-26", "2025-12-22")).toEqual([]);
  });
});

describe("historical 15:15-15:30 CT pause", () => {
  it("pauses trading through trade date 2021-06-25 and not from 2021-06-28", () => {
    const before = sessionFor("2021-06-25")!;
    expect(before.halts.map((h) => [iso(h.fromMs), iso(h.toMs)])).toEqual([["2021-06-25T20:15:00.000Z", "2021-06-25T20:30:00.000Z"]]);
    expect(isInSession(ct("2021-06-25 15:20"))).toBe(false);
    expect(sessionDate(ct("2021-06-25 15:20"))).toBe("2021-06-25");
    expect(sessionAt(ct("2021-06-25 15:20"))?.sessionDate).toBe("2021-06-25");
    expect(isInSession(ct("2021-06-25 15:30"))).toBe(true);
    expect(sessionFor("2021-06-28")!.halts).toEqual([]);
    expect(isInSession(ct("2021-06-28 15:20"))).toBe(true);
  });
});

describe("invariants over 2019-2027", () => {
  const from = utc("2019-01-05T00:00:00Z");
  const to = utc("2027-12-27T00:00:00Z");

  it("is in session exactly inside a listed session and outside its halts", () => {
    fc.assert(
      fc.property(fc.integer({ min: from, max: to }), (t) => {
        // Brute force over the sessions dated within three days of t.
        const nearby = sessionsBetween(iso(t - 3 * 86_400_000).slice(0, 10), iso(t + 3 * 86_400_000).slice(0, 10));
        const containing = nearby.find((s) => t >= s.openMs && t < s.closeMs) ?? null;
        const trading = containing !== null && !containing.halts.some((h) => t >= h.fromMs && t < h.toMs);
        expect(isInSession(t)).toBe(trading);
        expect(sessionAt(t)).toBe(containing);
      }),
      { numRuns: 5000 },
    );
  });

  it("dates every instant to the session containing it or the next one to open", () => {
    fc.assert(
      fc.property(fc.integer({ min: from, max: to }), (t) => {
        const date = sessionDate(t);
        const s = sessionFor(date)!;
        expect(t < s.closeMs).toBe(true);
        if (t < s.openMs) expect(isInSession(t)).toBe(false);
        const previous = sessionsBetween("2019-01-01", date).at(-2);
        if (previous) expect(t >= previous.closeMs).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("never overlaps sessions and opens each one after the previous closed", () => {
    const all = sessionsBetween("2019-01-01", "2027-12-31");
    for (let i = 1; i < all.length; i++) expect(all[i].openMs).toBeGreaterThan(all[i - 1].closeMs);
    expect(all.length).toBeGreaterThan(9 * 245);
  });
});
