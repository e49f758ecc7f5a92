/**
 * Golden tests over the real Databento fixtures (../shared/fixtures/databento, see SOURCES.txt):
 * every file decodes, exact record counts, v1/v2/v3 agreement, and known values.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decodeDbnSync } from "./decode";
import { readDbnFile, decodeDbnFile } from "./dbn-file";
import type { DbnRecord } from "./record";
import type { DefinitionRecord } from "./records-definition";
import { fixture, listDbnFixtures } from "./test-support";

const TD = "databento-dbn/tests/data/test_data.";
const PY = "databento-python/tests/data/GLBX.MDP3/test_data.";
const NT = "nautilus_trader/tests/test_data/databento/";
const decode = (f: string) => decodeDbnSync(readFileSync(fixture(f)));
const iso = (ns: bigint | null) => (ns === null ? null : new Date(Number(ns / 1_000_000n)).toISOString());

/** Exact record counts (and the kind of every record) per fixture. */
const EXPECTED: Record<string, [number, DbnRecord["kind"] | null]> = {
  [`${TD}bbo-1m.v3.dbn.zst`]: [4, "bbo"],
  [`${TD}bbo-1s.v3.dbn.zst`]: [4, "bbo"],
  [`${TD}definition.v1.dbn.zst`]: [2, "definition"],
  [`${TD}definition.v2.dbn.zst`]: [2, "definition"],
  [`${TD}definition.v3.dbn.zst`]: [2, "definition"],
  [`${TD}mbo.dbn`]: [2, "mbo"],
  [`${TD}mbo.v1.dbn.zst`]: [2, "mbo"],
  [`${TD}mbo.v2.dbn.zst`]: [2, "mbo"],
  [`${TD}mbo.v3.dbn`]: [2, "mbo"],
  [`${TD}mbo.v3.dbn.zst`]: [2, "mbo"],
  [`${TD}mbp-1.v1.dbn.zst`]: [2, "mbp-1"],
  [`${TD}mbp-1.v2.dbn.zst`]: [2, "mbp-1"],
  [`${TD}mbp-1.v3.dbn.zst`]: [2, "mbp-1"],
  [`${TD}mbp-10.dbn`]: [2, "mbp-10"],
  [`${TD}mbp-10.v1.dbn.zst`]: [2, "mbp-10"],
  [`${TD}mbp-10.v2.dbn.zst`]: [2, "mbp-10"],
  [`${TD}mbp-10.v3.dbn.zst`]: [2, "mbp-10"],
  [`${TD}ohlcv-1d.v3.dbn.zst`]: [0, null],
  [`${TD}ohlcv-1h.v3.dbn.zst`]: [2, "ohlcv"],
  [`${TD}ohlcv-1m.v3.dbn.zst`]: [2, "ohlcv"],
  [`${TD}ohlcv-1s.v3.dbn.zst`]: [2, "ohlcv"],
  [`${TD}statistics.v1.dbn.zst`]: [2, "statistics"],
  [`${TD}statistics.v3.dbn.zst`]: [2, "statistics"],
  [`${TD}status.v3.dbn.zst`]: [4, "status"],
  [`${TD}tbbo.v3.dbn.zst`]: [2, "mbp-1"],
  [`${TD}trades.v1.dbn.zst`]: [2, "trade"],
  [`${TD}trades.v2.dbn.zst`]: [2, "trade"],
  [`${TD}trades.v3.dbn.zst`]: [2, "trade"],
  [`${PY}bbo-1m.dbn.zst`]: [4, "bbo"],
  [`${PY}bbo-1s.dbn.zst`]: [4, "bbo"],
  [`${PY}definition.dbn.zst`]: [1, "definition"],
  [`${PY}mbo.dbn.zst`]: [4, "mbo"],
  [`${PY}mbp-1.dbn.zst`]: [4, "mbp-1"],
  [`${PY}mbp-10.dbn.zst`]: [4, "mbp-10"],
  [`${PY}ohlcv-1d.dbn.zst`]: [1, "ohlcv"],
  [`${PY}ohlcv-1h.dbn.zst`]: [4, "ohlcv"],
  [`${PY}ohlcv-1m.dbn.zst`]: [4, "ohlcv"],
  [`${PY}ohlcv-1s.dbn.zst`]: [4, "ohlcv"],
  [`${PY}statistics.dbn.zst`]: [4, "statistics"],
  [`${PY}status.dbn.zst`]: [4, "status"],
  [`${PY}tbbo.dbn.zst`]: [4, "mbp-1"],
  [`${PY}trades.dbn.zst`]: [4, "trade"],
  ["nautilus_trader/crates/adapters/databento/test_data/test_data.definition.futures_contract.dbn.zst"]: [1, "definition"],
  ["nautilus_trader/crates/adapters/databento/test_data/test_data.definition.futures_spread.dbn.zst"]: [1, "definition"],
  [`${NT}definition-glbx-es-fut.dbn.zst`]: [2, "definition"],
  [`${NT}definition-glbx-es-futspread.dbn.zst`]: [2, "definition"],
  [`${NT}esh4-glbx-mdp3-20231224.mbo.dbn.zst`]: [8725, "mbo"],
  [`${NT}esh4-glbx-mdp3-20231225.mbo.dbn.zst`]: [68792, "mbo"],
  [`${NT}futures_settlement/databento/futures_settlement_bbo-1m_2025-12-19T14-25-00_2025-12-19T14-35-00.dbn.zst`]: [20, "bbo"],
  [`${NT}futures_settlement/databento/futures_settlement_definition.dbn.zst`]: [2, "definition"],
  [`${NT}historical_bars_catalog/databento/futures_definition.dbn.zst`]: [2, "definition"],
  [`${NT}historical_bars_catalog/databento/futures_mbp-1_2024-07-01T23-58_2024-07-02T00-02.dbn.zst`]: [2288, "mbp-1"],
  [`${NT}historical_bars_catalog/databento/futures_ohlcv-1m_2024-07-01T23-40_2024-07-02T00-10.dbn.zst`]: [60, "ohlcv"],
  [`${NT}historical_bars_catalog/databento/futures_trades_2024-07-01T23-58_2024-07-02T00-02.dbn.zst`]: [120, "trade"],
  [`${NT}options_catalog/databento/futures_bbo-1m_2024-05-09T09-55_2024-05-09T10-05.dbn.zst`]: [20, "bbo"],
  [`${NT}options_catalog/databento/futures_definition.dbn.zst`]: [2, "definition"],
  [`${NT}options_catalog/databento/futures_ohlcv-1m_2024-05-09T09-55_2024-05-09T10-05.dbn.zst`]: [20, "ohlcv"],
  [`${NT}options_exercise/databento/futures_definition.dbn.zst`]: [1, "definition"],
  [`${NT}options_exercise/databento/futures_ohlcv-1m_2026-01-09T20-55_2026-01-09T21-05.dbn.zst`]: [10, "ohlcv"],
  [`${NT}order_book_deltas_catalog/databento/orderbooks_definition.dbn.zst`]: [1, "definition"],
  [`${NT}order_book_deltas_catalog/databento/orderbooks_mbo_2024-05-08T00-00-00_2024-05-08T00-00-02.dbn.zst`]: [13796, "mbo"],
};

describe("every Databento fixture", () => {
  const files = listDbnFixtures();

  it("is listed with its expected record count", () => {
    expect(files).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(files)("%s decodes completely, every record of the expected kind", (file) => {
    const { metadata, records, stats } = decode(file);
    const [count, kind] = EXPECTED[file];
    expect(metadata.dataset).toBe(file.startsWith(`${TD}definition.v`) ? "XNAS.ITCH" : "GLBX.MDP3"); // MSFT test definitions
    expect(records).toHaveLength(count);
    expect(stats).toMatchObject({ records: count, unknown: 0 });
    for (const r of records) expect(r.kind).toBe(kind);
    // ts_recv never goes backwards inside a file (Databento orders files by ts_recv)
    let last = 0n;
    for (const r of records) {
      if (!("tsRecvNs" in r)) continue;
      expect(r.tsRecvNs >= last).toBe(true);
      last = r.tsRecvNs;
    }
  });

  it("streams from disk with the same result (zstd frames decoded one after the other)", async () => {
    const file = `${NT}esh4-glbx-mdp3-20231225.mbo.dbn.zst`; // two zstd frames
    expect((await readDbnFile(fixture(file))).length).toBe(3_852_558);
    const stream = decodeDbnFile(fixture(file));
    let n = 0;
    for await (const r of stream) if (r.kind === "mbo") n++;
    expect(n).toBe(68_792);
  });

  it("reports a missing file as not_found", async () => {
    await expect(async () => {
      for await (const r of decodeDbnFile(fixture("no-such-file.dbn.zst"))) expect(r).toBeUndefined();
    }).rejects.toMatchObject({ code: "not_found", message: expect.stringMatching(/DBN file not found/) });
  });
});

describe("v1, v2 and v3 of the same data", () => {
  it.each(["mbo", "trades", "mbp-1", "mbp-10"])("give identical %s records", (schema) => {
    const [v1, v2, v3] = [1, 2, 3].map((v) => decode(`${TD}${schema}.v${v}.dbn.zst`).records);
    expect(v1.length).toBeGreaterThan(0);
    expect(v2).toEqual(v1);
    expect(v3).toEqual(v1);
  });

  it("give identical records uncompressed and compressed", () => {
    expect(decode(`${TD}mbo.dbn`).records).toEqual(decode(`${TD}mbo.v2.dbn.zst`).records);
    expect(decode(`${TD}mbo.v3.dbn`).records).toEqual(decode(`${TD}mbo.v3.dbn.zst`).records);
    expect(decode(`${TD}mbp-10.dbn`).records).toEqual(decode(`${TD}mbp-10.v2.dbn.zst`).records);
  });

  it("give identical statistics (i32 quantity in v1, i64 in v3)", () => {
    expect(decode(`${TD}statistics.v3.dbn.zst`).records).toEqual(decode(`${TD}statistics.v1.dbn.zst`).records);
  });

  it("give identical definitions for the fields every version has", () => {
    const versionSpecific = [
      "tradingReferencePriceNano", "tradingReferenceDate", "mdSecurityTradingStatus", "settlPriceType", "legCount", "legIndex",
      "legInstrumentId", "legRawSymbol", "legSide", "legInstrumentClass", "legPriceNano", "legDeltaNano", "legRatioPriceNumerator",
      "legRatioPriceDenominator", "legRatioQtyNumerator", "legRatioQtyDenominator", "legUnderlyingId",
    ];
    const shared = (r: DbnRecord) => Object.fromEntries(Object.entries(r).filter(([k]) => !versionSpecific.includes(k)));
    const [v1, v2, v3] = [1, 2, 3].map((v) => decode(`${TD}definition.v${v}.dbn.zst`).records.map(shared));
    expect(v1.map((r) => r.rawSymbol)).toEqual(["MSFT", "MSFT"]);
    expect(v2).toEqual(v1);
    expect(v3).toEqual(v1);
    const [d1, d2] = [1, 2].map((v) => decode(`${TD}definition.v${v}.dbn.zst`).records[0] as DefinitionRecord);
    expect([d1.tradingReferenceDate, d1.mdSecurityTradingStatus]).toEqual([d2.tradingReferenceDate, d2.mdSecurityTradingStatus]);
  });
});

describe("known values", () => {
  it("MBO: the first ESH1 record (Databento's CSV example)", () => {
    expect(decode(`${TD}mbo.v3.dbn.zst`).records[0]).toEqual({
      kind: "mbo", rtype: 0xa0, publisherId: 1, instrumentId: 5482, tsEventNs: 1609160400000429831n, orderId: 647784973705n,
      priceNano: 3722750000000n, size: 1, flags: 128, channelId: 0, action: "C", side: "A", tsRecvNs: 1609160400000704060n,
      tsInDelta: 22993, sequence: 1170352,
    });
  });

  it("trades, mbp-1 and mbp-10 records", () => {
    expect(decode(`${TD}trades.v1.dbn.zst`).records[0]).toMatchObject({
      kind: "trade", priceNano: 3720250000000n, size: 5, action: "T", side: "A", flags: 129, depth: 0,
      tsEventNs: 1609160400098821953n, tsRecvNs: 1609160400099150057n, tsInDelta: 19251, sequence: 1170380,
    });
    expect(decode(`${TD}mbp-1.v2.dbn.zst`).records[0]).toMatchObject({
      kind: "mbp-1", priceNano: 3720500000000n, size: 1, action: "A", side: "A",
      levels: [{ bidPxNano: 3720250000000n, askPxNano: 3720500000000n, bidSize: 24, askSize: 11, bidCount: 15, askCount: 9 }],
    });
    const mbp10 = decode(`${TD}mbp-10.v3.dbn.zst`).records[0];
    expect(mbp10.kind === "mbp-10" && mbp10.levels).toHaveLength(10);
    if (mbp10.kind === "mbp-10") for (const l of mbp10.levels) expect(l.bidPxNano! < l.askPxNano!).toBe(true);
  });

  it("status, statistics, bbo and ohlcv records", () => {
    expect(decode(`${TD}status.v3.dbn.zst`).records[0]).toMatchObject({
      kind: "status", tsRecvNs: 1609113600000000000n, action: 7, reason: 1, tradingEvent: 0, isTrading: "Y", isQuoting: "Y", isShortSellRestricted: "~",
    });
    expect(decode(`${TD}statistics.v3.dbn.zst`).records[0]).toMatchObject({
      kind: "statistics", instrumentId: 146945, priceNano: 100000000000n, quantity: null, tsRefNs: null, sequence: 2, tsInDelta: 26961, statType: 7, channelId: 13, updateAction: 1,
    });
    expect(decode(`${TD}bbo-1s.v3.dbn.zst`).records[0]).toMatchObject({
      kind: "bbo", rtype: 0xc3, priceNano: 3702500000000n, size: 2, side: "A", flags: 168, tsRecvNs: 1609113600000000000n, sequence: 145799,
      levels: [{ bidPxNano: 3702250000000n, askPxNano: 3702750000000n, bidSize: 18, askSize: 13, bidCount: 10, askCount: 13 }],
    });
    expect(decode(`${TD}ohlcv-1s.v3.dbn.zst`).records[1]).toMatchObject({ kind: "ohlcv", rtype: 0x20, tsEventNs: 1609160401000000000n, volume: 13n });
  });

  it("definitions: ES and NQ contracts and their expirations", () => {
    const defs = [
      ...decode(`${NT}historical_bars_catalog/databento/futures_definition.dbn.zst`).records,
      ...decode(`${NT}futures_settlement/databento/futures_settlement_definition.dbn.zst`).records,
      ...decode(`${PY}definition.dbn.zst`).records,
    ] as DefinitionRecord[];
    const bySymbol = new Map(defs.map((d) => [d.rawSymbol, d]));
    expect(iso(bySymbol.get("ESU4")!.expirationNs)).toBe("2024-09-20T13:30:00.000Z");
    expect(iso(bySymbol.get("NQU4")!.expirationNs)).toBe("2024-09-20T13:30:00.000Z");
    expect(iso(bySymbol.get("ESZ5")!.expirationNs)).toBe("2025-12-19T14:30:00.000Z");
    expect(bySymbol.get("ESU4")).toMatchObject({
      instrumentId: 118, instrumentClass: "F", minPriceIncrementNano: 250_000_000n, currency: "USD", asset: "ES", group: "ES",
      exchange: "XCME", securityType: "FUT", cfi: "FFIXSX", unitOfMeasure: "IPNT", unitOfMeasureQtyNano: 50_000_000_000n,
      contractMultiplier: null, maturityYear: 2024, maturityMonth: 9, securityUpdateAction: "A",
    });
    expect(bySymbol.get("NQU4")).toMatchObject({ instrumentId: 4358, asset: "NQ", unitOfMeasureQtyNano: 20_000_000_000n });
    expect(bySymbol.get("ESH1")).toMatchObject({ instrumentId: 5482, activationNs: 1576852200000000000n, expirationNs: 1616160600000000000n });
  });

  it("definitions: a calendar spread (v3 layout with leg fields)", () => {
    const [spread] = decode("nautilus_trader/crates/adapters/databento/test_data/test_data.definition.futures_spread.dbn.zst").records as DefinitionRecord[];
    expect(spread).toMatchObject({ rawSymbol: "ESU6-ESM7", instrumentClass: "S", minPriceIncrementNano: 50_000_000n, securityType: "FUT", rawInstrumentId: 42009453n });
    expect(iso(spread.expirationNs)).toBe("2026-09-18T13:30:00.000Z");
  });
});
