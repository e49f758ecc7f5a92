import { describe, expect, it } from "vitest";
import { barSlots, chartWindowNs, pickInterval, toChartBars } from "./trade-chart";

const S = 1_000_000_000n;

describe("trade chart window", () => {
  it("adds half the duration on each side, at least a minute and at most four hours", () => {
    expect(chartWindowNs(1000n * S, 1020n * S)).toEqual({ fromNs: 940n * S, toNs: 1080n * S + 1n });
    expect(chartWindowNs(0n, 600n * S)).toEqual({ fromNs: -300n * S, toNs: 900n * S + 1n });
    expect(chartWindowNs(0n, 86_400n * S)).toEqual({ fromNs: -14_400n * S, toNs: 100_800n * S + 1n });
  });

  it("counts the grid bars overlapping a window", () => {
    expect(barSlots(0n, 60n * S, "1s")).toBe(60);
    expect(barSlots(0n, 60n * S + 1n, "1s")).toBe(61);
    expect(barSlots(30n * S, 90n * S, "1m")).toBe(2);
  });

  it("picks the finest interval with at most the target number of bars", () => {
    // 140 s window (20 s trade): 141 one-second bars.
    expect(pickInterval(940n * S, 1080n * S + 1n)).toBe("1s");
    // 20 min: 1200 s -> 5 s bars (240).
    expect(pickInterval(0n, 1200n * S)).toBe("5s");
    expect(pickInterval(0n, 1200n * S + 1n)).toBe("10s");
    expect(pickInterval(0n, 86_400n * S)).toBe("15m");
  });

  it("converts tick prices to points and starts to ms", () => {
    const bars = toChartBars([{ instrumentId: 0, tsStartNs: 60n * S, open: 80000n, high: 80004n, low: 79999n, close: 80001n, volume: 12n, trades: 3 }], (t) => t * 0.25);
    expect(bars).toEqual([{ tMs: 60_000, open: 20000, high: 20001, low: 19999.75, close: 20000.25, volume: 12, trades: 3 }]);
  });
});
