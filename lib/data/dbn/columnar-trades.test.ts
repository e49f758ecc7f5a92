import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { AppError } from "../../errors";
import { tsRecvNsAt, type TradeColumns } from "../../market/trade-columns";
import { decodeTradeColumns, type TradeBatch } from "./columnar-trades";
import { decodeDbnSync } from "./decode";
import { decodeTradeFile } from "./dbn-file";
import type { OhlcvRecord, TradeRecord } from "./records-market";
import { concatBytes, encodeMetadata, encodeTrade, fixture } from "./test-support";

const CATALOG = "nautilus_trader/tests/test_data/databento/historical_bars_catalog/databento/";
const TRADES = `${CATALOG}futures_trades_2024-07-01T23-58_2024-07-02T00-02.dbn.zst`;
const MBP1 = `${CATALOG}futures_mbp-1_2024-07-01T23-58_2024-07-02T00-02.dbn.zst`;
const BARS = `${CATALOG}futures_ohlcv-1m_2024-07-01T23-40_2024-07-02T00-10.dbn.zst`;
const ES_TICK = 250_000_000n;
const ESU4 = 118;
const T = 1719878400000000000n;

interface Trade {
  tsRecvNs: bigint;
  tsEventNs: bigint;
  priceTicks: number;
  size: number;
  side: number;
}

function flatten(batches: Iterable<TradeBatch>): Trade[] {
  const out: Trade[] = [];
  for (const { columns: c } of batches) {
    for (let i = 0; i < c.length; i++) {
      const tsRecvNs = tsRecvNsAt(c, i);
      out.push({ tsRecvNs, tsEventNs: tsRecvNs + BigInt(c.eventDeltaNs[i]), priceTicks: c.priceTicks[i], size: c.size[i], side: c.side[i] });
    }
  }
  return out;
}

function fromRecords(records: TradeRecord[]): Trade[] {
  return records.map((r) => ({
    tsRecvNs: r.tsRecvNs,
    tsEventNs: r.tsEventNs,
    priceTicks: Number(r.priceNano! / ES_TICK),
    size: r.size!,
    side: r.side === "B" ? 1 : r.side === "A" ? -1 : 0,
  }));
}

describe("decodeTradeColumns", () => {
  it("agrees with the object decoder on the ESU4 trades file, across batch boundaries", () => {
    const bytes = readFileSync(fixture(TRADES));
    const expected = fromRecords(decodeDbnSync(bytes).records as TradeRecord[]);
    const batches = [...decodeTradeColumns(bytes, { tickSizeNano: ES_TICK, batchSize: 50 })];
    expect(batches.map((b) => b.columns.length)).toEqual([50, 50, 20]);
    expect(batches.every((b) => b.rejected.length === 0)).toBe(true);
    expect(flatten(batches)).toEqual(expected);
    expect(expected[0]).toMatchObject({ priceTicks: 22_115, size: 2 }); // 5528.75
  });

  it("takes exactly the trade records (action T) of MBP-1, which match the trades file", async () => {
    const stream = decodeTradeColumns(readFileSync(fixture(MBP1)), { tickSizeNano: ES_TICK });
    const fromMbp1 = flatten(stream);
    expect(stream.nonTradeRecords).toBe(2288 - 120);
    const trades: Trade[] = [];
    for await (const batch of decodeTradeFile(fixture(TRADES), { tickSizeNano: Number(ES_TICK) })) trades.push(...flatten([batch]));
    expect(fromMbp1).toEqual(trades);
  });

  it("aggregates exactly to Databento's 1-minute bars over the same minutes", () => {
    const trades = flatten(decodeTradeColumns(readFileSync(fixture(TRADES)), { tickSizeNano: ES_TICK, instrumentId: ESU4 }));
    const bars = new Map<bigint, { o: number; h: number; l: number; c: number; v: number }>();
    for (const t of trades) {
      const minute = (t.tsEventNs / 60_000_000_000n) * 60_000_000_000n; // bars are keyed by ts_event
      const b = bars.get(minute);
      if (!b) bars.set(minute, { o: t.priceTicks, h: t.priceTicks, l: t.priceTicks, c: t.priceTicks, v: t.size });
      else Object.assign(b, { h: Math.max(b.h, t.priceTicks), l: Math.min(b.l, t.priceTicks), c: t.priceTicks, v: b.v + t.size });
    }
    const vendor = (decodeDbnSync(readFileSync(fixture(BARS))).records as OhlcvRecord[]).filter((r) => r.instrumentId === ESU4 && bars.has(r.tsEventNs));
    expect(vendor).toHaveLength(4);
    for (const r of vendor) {
      const tick = (p: bigint | null) => Number(p! / ES_TICK);
      expect(bars.get(r.tsEventNs)).toEqual({ o: tick(r.openNano), h: tick(r.highNano), l: tick(r.lowNano), c: tick(r.closeNano), v: Number(r.volume) });
    }
  });

  it("rejects prices off the tick grid instead of rounding them", () => {
    const stream = decodeTradeColumns(readFileSync(fixture(TRADES)), { tickSizeNano: 500_000_000n }); // pretend a 0.50 tick
    const batches = [...stream];
    const kept = batches.reduce((n, b) => n + b.columns.length, 0);
    const rejected = batches.flatMap((b) => b.rejected);
    expect(kept + rejected.length).toBe(120);
    expect(rejected.length).toBeGreaterThan(0);
    for (const r of rejected) {
      expect(r.reason).toBe("off_tick_grid");
      expect(r.priceNano! % 500_000_000n).toBe(250_000_000n);
    }
    expect(rejected[0]).toMatchObject({ instrumentId: ESU4, priceNano: 5_528_750_000_000n, recordIndex: 0, tsRecvNs: 1719878281218485389n });
  });

  it("rejects undefined prices and sizes, keeps sides and filters by instrument", () => {
    const bytes = concatBytes(
      encodeMetadata({ version: 2, schema: 4 }),
      encodeTrade({ tsEventNs: T - 100n, tsRecvNs: T, priceNano: 20_000_250_000_000n, size: 3, side: "B", instrumentId: 42 }),
      encodeTrade({ tsEventNs: T, tsRecvNs: T + 1n, priceNano: 0x7fffffffffffffffn, size: 1, side: "A", instrumentId: 42 }),
      encodeTrade({ tsEventNs: T, tsRecvNs: T + 2n, priceNano: 20_000_000_000_000n, size: 0xffffffff, side: "A", instrumentId: 42 }),
      encodeTrade({ tsEventNs: T, tsRecvNs: T + 3n, priceNano: 20_000_000_000_000n, size: 2, side: "A", instrumentId: 7 }),
      encodeTrade({ tsEventNs: T - 5n, tsRecvNs: T + 2n ** 40n, priceNano: 19_999_750_000_000n, size: 1, side: "N", instrumentId: 42, rtype: 1 }),
      encodeTrade({ tsEventNs: T, tsRecvNs: T + 2n ** 41n, priceNano: 19_999_750_000_000n, size: 9, side: "B", instrumentId: 42, rtype: 1, action: "A" }),
    );
    const [batch] = [...decodeTradeColumns(bytes, { tickSizeNano: ES_TICK, instrumentId: 42 })];
    const c: TradeColumns = batch.columns;
    expect(c.baseNs).toBe(T);
    expect(c.length).toBe(2);
    expect([...c.tsOffsetNs.subarray(0, 2)]).toEqual([0, 2 ** 40]);
    expect([...c.eventDeltaNs.subarray(0, 2)]).toEqual([-100, -5 - 2 ** 40]);
    expect([...c.priceTicks.subarray(0, 2)]).toEqual([80_001, 79_999]);
    expect([...c.side.subarray(0, 2)]).toEqual([1, 0]);
    expect(batch.rejected.map((r) => [r.recordIndex, r.reason, r.priceNano])).toEqual([
      [1, "undefined_price", null],
      [2, "undefined_size", 20_000_000_000_000n],
    ]);
  });

  it("yields a batch that holds only rejected trades", () => {
    const bytes = concatBytes(encodeMetadata({ version: 1 }), encodeTrade({ tsEventNs: T, tsRecvNs: T, priceNano: 1n, size: 1, side: "B" }));
    const batches = [...decodeTradeColumns(bytes, { tickSizeNano: ES_TICK })];
    expect(batches.map((b) => [b.columns.length, b.rejected.length])).toEqual([[0, 1]]);
  });

  it("refuses a tick size that is not a positive integer", () => {
    expect(() => decodeTradeColumns(new Uint8Array(), { tickSizeNano: 0 })).toThrow(AppError);
    expect(() => decodeTradeColumns(new Uint8Array(), { tickSizeNano: 0.25 })).toThrow(/positive integer/);
  });
});
