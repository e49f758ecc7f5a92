import { describe, expect, it } from "vitest";
import { sessionDays } from "./daily-returns";
import { monthlyReturns } from "./monthly";
import { ct } from "./test-support";

const equityOf = (points: [number, number][]) => ({ tsMs: points.map((p) => p[0]), equityCents: points.map((p) => p[1]) });

describe("monthlyReturns", () => {
  // start 100 000. Feb 29 close 99 000; Mar 28 close 102 000 (Good Friday 03-29 closed);
  // Sunday 2024-03-31 18:00 CT opens the 2024-04-01 session: it belongs to APRIL; Apr 1 close 103 000.
  const days = sessionDays(
    equityOf([
      [ct("2024-02-29 10:00"), 99_000],
      [ct("2024-03-28 10:00"), 102_000],
      [ct("2024-03-31 18:00"), 101_000],
      [ct("2024-04-01 10:00"), 103_000],
    ]),
    100_000,
  );
  const table = monthlyReturns(days, 100_000);

  it("chains month-end closes by session-date month", () => {
    // Feb: 99 000 / 100 000 - 1 = -1%; Mar: 102 000 / 99 000 - 1 = 3.0303%; Apr: 103 000 / 102 000 - 1
    expect(table.months.map((m) => m.month)).toEqual(["2024-02", "2024-03", "2024-04"]);
    expect(table.months[0].return).toBeCloseTo(-0.01, 15);
    expect(table.months[1].return).toBeCloseTo(3000 / 99_000, 15);
    expect(table.months[2].return).toBeCloseTo(1000 / 102_000, 15);
    expect(table.months.map((m) => m.pnlCents)).toEqual([-1000, 3000, 1000]);
  });

  it("counts the sessions of each month from the calendar", () => {
    // March 2024 sessions: 1, 4-8, 11-15, 18-22, 25-28 = 20 (Good Friday closed)
    expect(table.months.map((m) => m.sessions)).toEqual([1, 20, 1]);
  });

  it("builds year rows with compounded returns equal to the chained months", () => {
    expect(table.years).toHaveLength(1);
    const y = table.years[0];
    expect(y.year).toBe(2024);
    expect(y.months.map((m) => (m === null ? null : Number(m.toFixed(6))))).toEqual([null, -0.01, 0.030303, 0.009804, null, null, null, null, null, null, null, null]);
    expect(y.return).toBeCloseTo(0.03, 15); // 103 000 / 100 000 - 1
    expect((1 - 0.01) * (1 + 3000 / 99_000) * (1 + 1000 / 102_000) - 1).toBeCloseTo(y.return!, 14);
    expect(y.pnlUsd).toBe(30);
  });

  it("starts a new year at the previous year's last close", () => {
    const t = monthlyReturns(sessionDays(equityOf([[ct("2023-12-29 10:00"), 110_000], [ct("2024-01-02 10:00"), 99_000]]), 100_000), 100_000);
    expect(t.years.map((y) => [y.year, y.return])).toEqual([[2023, 0.1], [2024, -0.1]]);
  });

  it("is empty without data", () => {
    expect(monthlyReturns([], 100)).toEqual({ months: [], years: [] });
  });
});
