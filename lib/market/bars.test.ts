import { describe, expect, it } from "vitest";
import { BarAggregator, parseInterval } from "./bars";

const MIN = 60_000_000_000n;

describe("BarAggregator", () => {
  it("builds OHLCV bars on the UTC epoch grid per instrument, in trade order", () => {
    const bars = new BarAggregator(MIN);
    const t0 = 1_700_000_080_000_000_000n; // 40 s into a minute (1,700,000,040 s is on the grid)
    bars.add(1, t0, 100n, 2);
    bars.add(1, t0 + 5n, 103n, 1);
    bars.add(2, t0 + 6n, 50n, 7);
    bars.add(1, t0 + 10n, 99n, 3);
    bars.add(1, t0 + 20_000_000_000n, 101n, 1); // next minute
    const out = bars.result();
    const start = t0 - 40_000_000_000n;
    expect(out).toEqual([
      { instrumentId: 1, tsStartNs: start, open: 100n, high: 103n, low: 99n, close: 99n, volume: 6n, trades: 3 },
      { instrumentId: 2, tsStartNs: start, open: 50n, high: 50n, low: 50n, close: 50n, volume: 7n, trades: 1 },
      { instrumentId: 1, tsStartNs: start + MIN, open: 101n, high: 101n, low: 101n, close: 101n, volume: 1n, trades: 1 },
    ]);
  });

  it("puts a trade exactly on a boundary into the bar that starts there", () => {
    const bars = new BarAggregator(MIN);
    bars.add(1, 2n * MIN, 1n, 1);
    expect(bars.result()[0].tsStartNs).toBe(2n * MIN);
  });

  it("parses intervals and rejects nonsense", () => {
    expect(parseInterval("1m")).toBe(MIN);
    expect(parseInterval("30s")).toBe(30_000_000_000n);
    expect(parseInterval("4h")).toBe(4n * 3_600_000_000_000n);
    expect(() => parseInterval("0m")).toThrow(/Invalid interval/);
    expect(() => parseInterval("1w")).toThrow(/Invalid interval/);
  });
});
