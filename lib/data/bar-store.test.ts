import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { decodeDbnSync } from "./dbn/decode";
import type { OhlcvRecord } from "./dbn/records-market";
import { barFromNano, barIntervalOf } from "./bar-store";

const DATA = path.resolve(import.meta.dirname, "../../../shared/fixtures/databento/databento-dbn/tests/data");
const ES_TICK = 250_000_000n; // ES 0.25 in 1e-9 units

const barsOf = (schema: string) => {
  const { metadata, records } = decodeDbnSync(readFileSync(path.join(DATA, `test_data.${schema}.v3.dbn.zst`)));
  expect(metadata.schema).toBe(schema);
  const ohlcv = records.filter((r): r is OhlcvRecord => r.kind === "ohlcv");
  return { ohlcv, bars: ohlcv.map((r) => barFromNano(r.tsEventNs, barIntervalOf(schema) as number, { open: r.openNano, high: r.highNano, low: r.lowNano, close: r.closeNano }, r.volume, ES_TICK)) };
};

describe("Databento OHLCV records as stored bars", () => {
  it("the ohlcv-1m fixture gives its two minutes exactly (hand-checked ticks)", () => {
    const { bars } = barsOf("ohlcv-1m");
    // 2020-12-28T13:00:00Z; the fixture's raw prices are 372025000000000 (1e-9) = 372025.00 points,
    // / 0.25 = 1488100 ticks; 372150000000000 -> 1488600; 372100000000000 -> 1488400
    expect(bars).toEqual([
      { bar: { tsStartNs: 1_609_160_400_000_000_000n, intervalS: 60, openTicks: 1_488_100, highTicks: 1_488_600, lowTicks: 1_488_100, closeTicks: 1_488_400, volume: 353n } },
      { bar: { tsStartNs: 1_609_160_460_000_000_000n, intervalS: 60, openTicks: 1_488_400, highTicks: 1_488_600, lowTicks: 1_488_400, closeTicks: 1_488_600, volume: 152n } },
    ]);
  });

  it.each(["ohlcv-1s", "ohlcv-1m", "ohlcv-1h"])("every %s record becomes a bar equal to the decoder's record", (schema) => {
    const { ohlcv, bars } = barsOf(schema);
    expect(ohlcv.length).toBeGreaterThan(0);
    bars.forEach((b, i) => {
      if (!("bar" in b)) throw new Error(`record ${i}: ${b.reason}`);
      const r = ohlcv[i];
      expect(b.bar.tsStartNs).toBe(r.tsEventNs);
      expect(b.bar.intervalS).toBe({ "ohlcv-1s": 1, "ohlcv-1m": 60, "ohlcv-1h": 3600 }[schema]);
      expect([b.bar.openTicks, b.bar.highTicks, b.bar.lowTicks, b.bar.closeTicks].map((t) => BigInt(t) * ES_TICK)).toEqual([r.openNano, r.highNano, r.lowNano, r.closeNano]);
      expect(b.bar.volume).toBe(r.volume);
    });
  });

  it("knows the bar schemas and their intervals", () => {
    expect([barIntervalOf("ohlcv-1s"), barIntervalOf("ohlcv-1m"), barIntervalOf("ohlcv-1h"), barIntervalOf("ohlcv-1d"), barIntervalOf("trades")]).toEqual([1, 60, 3600, 86_400, null]);
  });
});
