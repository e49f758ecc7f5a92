import { describe, expect, it } from "vitest";
import { heatLevel, heatmapMonths } from "./calendar-layout";

describe("heatLevel", () => {
  it("scales |P&L| to 1..4 against the largest day, keeping the sign", () => {
    expect(heatLevel(0, 1000)).toBe(0);
    expect(heatLevel(1, 1000)).toBe(1);
    expect(heatLevel(250, 1000)).toBe(1);
    expect(heatLevel(251, 1000)).toBe(2);
    expect(heatLevel(-750, 1000)).toBe(-3);
    expect(heatLevel(-1000, 1000)).toBe(-4);
    expect(heatLevel(5, 0)).toBe(0);
  });
});

describe("heatmapMonths", () => {
  it("lays session dates out Monday..Friday, week by week, with empty slots outside the month", () => {
    // 2025-03-03 is a Monday; March 2025 starts on a Saturday.
    const months = heatmapMonths([
      { sessionDate: "2025-03-03", netPnlCents: 1000, roundTrips: 4 },
      { sessionDate: "2025-03-04", netPnlCents: -500, roundTrips: 2 },
      { sessionDate: "2025-03-07", netPnlCents: 0, roundTrips: 0 },
    ]);
    expect(months).toHaveLength(1);
    const march = months[0];
    expect(march.month).toBe("2025-03");
    expect(march.label).toBe("March 2025");
    expect(march.netPnlCents).toBe(500);
    // Weeks starting 3, 10, 17, 24, 31 March.
    expect(march.weeks.map((w) => w.map((c) => c?.dayOfMonth ?? null))).toEqual([
      [3, 4, 5, 6, 7],
      [10, 11, 12, 13, 14],
      [17, 18, 19, 20, 21],
      [24, 25, 26, 27, 28],
      [31, null, null, null, null],
    ]);
    const first = march.weeks[0];
    expect(first.map((c) => c!.level)).toEqual([4, -2, 0, 0, 0]);
    expect(first[2]!.day).toBeNull();
    expect(first.map((c) => c!.inRange)).toEqual([true, true, true, true, true]);
    expect(march.weeks[1][0]!.inRange).toBe(false);
    expect(first[4]!.day).toEqual({ sessionDate: "2025-03-07", netPnlCents: 0, roundTrips: 0 });
  });

  it("spans every month between the first and last session, starting mid-week where the month does", () => {
    const months = heatmapMonths([
      { sessionDate: "2025-01-31", netPnlCents: 100, roundTrips: 1 },
      { sessionDate: "2025-03-03", netPnlCents: -300, roundTrips: 1 },
    ]);
    expect(months.map((m) => m.month)).toEqual(["2025-01", "2025-02", "2025-03"]);
    // January 2025 starts on a Wednesday.
    expect(months[0].weeks[0].map((c) => c?.dayOfMonth ?? null)).toEqual([null, null, 1, 2, 3]);
    expect(months[1].netPnlCents).toBe(0);
    expect(heatmapMonths([])).toEqual([]);
  });
});
