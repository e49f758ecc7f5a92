import { describe, expect, it } from "vitest";
import { barsCommand } from "./bars-command";
import { decodeDbnFile } from "../data/dbn/dbn-file";

const CATALOG = "../shared/fixtures/databento/nautilus_trader/tests/test_data/databento/historical_bars_catalog/databento/";
const TRADES = `${CATALOG}futures_trades_2024-07-01T23-58_2024-07-02T00-02.dbn.zst`;
const MBP1 = `${CATALOG}futures_mbp-1_2024-07-01T23-58_2024-07-02T00-02.dbn.zst`;
const OHLCV = `${CATALOG}futures_ohlcv-1m_2024-07-01T23-40_2024-07-02T00-10.dbn.zst`;

describe("tickbench bars (real Databento files)", () => {
  it("aggregates the ESU4 trades into exactly Databento's own 1-minute bars", async () => {
    const bars = await barsCommand([TRADES], { interval: "1m" });
    expect(bars.length).toBeGreaterThan(0);
    const vendor = new Map<string, { open: number; high: number; low: number; close: number; volume: number }>();
    for await (const r of decodeDbnFile(OHLCV)) {
      if (r.kind !== "ohlcv") continue;
      vendor.set(`${r.instrumentId}:${r.tsEventNs}`, {
        open: Number(r.openNano) / 1e9,
        high: Number(r.highNano) / 1e9,
        low: Number(r.lowNano) / 1e9,
        close: Number(r.closeNano) / 1e9,
        volume: Number(r.volume),
      });
    }
    for (const bar of bars) {
      const expected = vendor.get(`${bar.instrumentId}:${bar.tsStartNs}`);
      expect(expected, `vendor bar for ${bar.instrumentId} at ${bar.tsStart}`).toBeDefined();
      expect({ open: bar.open, high: bar.high, low: bar.low, close: bar.close, volume: bar.volume }).toEqual(expected);
    }
  });

  it("gives the same bars from the trade records of the MBP-1 file", async () => {
    expect(await barsCommand([MBP1], { interval: "1m" })).toEqual(await barsCommand([TRADES], { interval: "1m" }));
  });

  it("rejects a bad interval and a missing file with clear errors", async () => {
    await expect(barsCommand([TRADES], { interval: "1w" })).rejects.toThrow(/Invalid interval/);
    await expect(barsCommand(["../shared/fixtures/nope.dbn"], { interval: "1m" })).rejects.toThrow();
  });
});
