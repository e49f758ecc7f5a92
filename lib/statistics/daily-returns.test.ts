import { describe, expect, it } from "vitest";
import { dailyReturns, pnlCalendar, sessionDays } from "./daily-returns";
import { ct, trip, utc } from "./test-support";

const equityOf = (points: [number, number][]) => ({ tsMs: points.map((p) => p[0]), equityCents: points.map((p) => p[1]) });

describe("sessionDays around 17:00 CT and the March 2024 DST change", () => {
  // US DST began Sunday 2024-03-10: before it CT = UTC-6, after it UTC-5.
  const points: [number, number][] = [
    [ct("2024-03-07 10:00"), 101_000], //                      Thu session 03-07
    [utc("2024-03-07T21:30:00Z"), 102_000], // 15:30 CST   -> session 03-07 (its close)
    [ct("2024-03-07 17:00"), 101_500], //   = 23:00 UTC, the open -> session 03-08
    [utc("2024-03-08T21:30:00Z"), 103_000], // 15:30 CST Fri -> session 03-08 (close)
    [utc("2024-03-10T22:00:00Z"), 103_500], // Sun 17:00 CDT -> session 03-11 (Monday)
    [utc("2024-03-11T20:00:00Z"), 102_000], // 15:00 CDT     -> session 03-11 (close)
    [utc("2024-03-11T21:30:00Z"), 102_500], // 16:30 CDT, in the daily break -> session 03-12
    // no point for sessions 03-13 (filled) ...
    [ct("2024-03-13 16:30"), 104_000], //   daily break Wed -> session 03-14
  ];
  const days = sessionDays(equityOf(points), 100_000);

  it("groups by session date, never by UTC date", () => {
    expect(days.map((d) => [d.sessionDate, d.closeEquityCents, d.filled])).toEqual([
      ["2024-03-07", 102_000, false],
      ["2024-03-08", 103_000, false],
      ["2024-03-11", 102_000, false],
      ["2024-03-12", 102_500, false], // 21:30 UTC: same session in winter (03-08) but the next one in summer
      ["2024-03-13", 102_500, true],
      ["2024-03-14", 104_000, false],
    ]);
  });

  it("computes returns against the previous session's close, the first against starting cash", () => {
    const expected = [102_000 / 100_000 - 1, 103_000 / 102_000 - 1, 102_000 / 103_000 - 1, 102_500 / 102_000 - 1, 0, 104_000 / 102_500 - 1];
    days.forEach((d, i) => expect(d.return).toBeCloseTo(expected[i], 15));
    expect(days.map((d) => d.pnlCents)).toEqual([2000, 1000, -1000, 500, 0, 1500]);
    expect(dailyReturns(days)).toHaveLength(6);
  });
});

describe("sessionDays across the November 2024 DST change", () => {
  // DST ended Sunday 2024-11-03: CT = UTC-5 before, UTC-6 after.
  const points: [number, number][] = [
    [utc("2024-11-01T20:30:00Z"), 100_500], // Fri 15:30 CDT -> session 11-01
    [utc("2024-11-01T21:30:00Z"), 100_700], // Fri 16:30 CDT, after the close -> next session, Mon 11-04
    [utc("2024-11-03T22:30:00Z"), 100_800], // Sun 16:30 CST, before the open -> session 11-04
    [utc("2024-11-03T23:00:00Z"), 100_900], // Sun 17:00 CST, the open -> session 11-04
    [utc("2024-11-04T21:30:00Z"), 101_000], // Mon 15:30 CST -> session 11-04 (close)
    [utc("2024-11-04T23:00:00Z"), 101_100], // Mon 17:00 CST -> session 11-05
  ];
  it("lands every point in its session", () => {
    const days = sessionDays(equityOf(points), 100_000);
    expect(days.map((d) => [d.sessionDate, d.closeEquityCents])).toEqual([
      ["2024-11-01", 100_500],
      ["2024-11-04", 101_000],
      ["2024-11-05", 101_100],
    ]);
  });
});

describe("sessionDays details", () => {
  it("skips holidays and weekends when filling (Good Friday 2024-03-29 is closed)", () => {
    const days = sessionDays(equityOf([[ct("2024-03-28 10:00"), 100_000], [ct("2024-04-01 10:00"), 101_000]]), 100_000);
    expect(days.map((d) => d.sessionDate)).toEqual(["2024-03-28", "2024-04-01"]);
  });

  it("has a null return after a non-positive close and nothing for an empty series", () => {
    const days = sessionDays(equityOf([[ct("2024-03-05 10:00"), 0], [ct("2024-03-06 10:00"), 100]]), 100);
    expect(days.map((d) => d.return)).toEqual([-1, null]);
    expect(dailyReturns(days)).toEqual([-1]);
    expect(sessionDays(equityOf([]), 100)).toEqual([]);
  });
});

describe("pnlCalendar", () => {
  it("attaches the round trips closed in each session", () => {
    const days = sessionDays(equityOf([[ct("2024-03-05 10:00"), 100_400], [ct("2024-03-06 10:00"), 100_100]]), 100_000);
    const trades = [
      trip({ entryMs: ct("2024-03-05 09:00"), exitMs: ct("2024-03-05 09:30"), pnlCents: 500, feesCents: 100 }),
      // exits Tue 18:00 CT: counts for Wednesday's session
      trip({ entryMs: ct("2024-03-05 17:30"), exitMs: ct("2024-03-05 18:00"), pnlCents: -200, feesCents: 100 }),
    ];
    expect(pnlCalendar(days, trades)).toEqual([
      { sessionDate: "2024-03-05", netPnlCents: 400, netPnlUsd: 4, return: 0.004, roundTrips: 1, realisedNetCents: 400 },
      { sessionDate: "2024-03-06", netPnlCents: -300, netPnlUsd: -3, return: -300 / 100_400, roundTrips: 1, realisedNetCents: -300 },
    ]);
  });
});
