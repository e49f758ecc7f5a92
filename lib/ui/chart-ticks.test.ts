import { describe, expect, it } from "vitest";
import { niceStep, priceTicks, timeTicks } from "./chart-ticks";

describe("chart ticks", () => {
  it("rounds steps up to 1, 2, 2.5 or 5 times a power of ten", () => {
    expect([0.2, 0.25, 0.3, 1.1, 2.4, 3, 7, 10, 11].map(niceStep)).toEqual([0.2, 0.25, 0.5, 2, 2.5, 5, 10, 10, 20]);
  });

  it("puts price ticks on multiples of the step inside the range", () => {
    // Range 56.54 / 5 = 11.3 -> step 20.
    expect(priceTicks(21_614.11, 21_670.65)).toEqual([21_620, 21_640, 21_660]);
    expect(priceTicks(100, 101, 4)).toEqual([100, 100.25, 100.5, 100.75, 101]);
  });

  it("puts time ticks on clock steps", () => {
    const base = Date.UTC(2025, 2, 3, 18, 33, 17);
    // 62 minutes, at most 6 ticks: 15-minute steps at :45, :00, :15, :30.
    expect(timeTicks(base, base + 62 * 60_000).map((t) => new Date(t).toISOString().slice(11, 16))).toEqual(["18:45", "19:00", "19:15", "19:30"]);
    expect(timeTicks(0, 3000)).toEqual([0, 1000, 2000, 3000]);
  });
});
