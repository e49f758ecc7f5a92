import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { AppError } from "../../errors";
import { decodeDbnSync } from "./decode";
import { DbnDecoder } from "./decoder";
import { SymbolMap, utcDateOf } from "./symbol-map";
import { concatBytes, encodeMetadata, fixture } from "./test-support";
import { zstdDecompress } from "./zstd";

const TEST_DATA = "databento-dbn/tests/data/";
const raw = (f: string) => zstdDecompress(readFileSync(fixture(f)));

function metadataOf(bytes: Uint8Array) {
  const d = new DbnDecoder();
  d.push(bytes);
  d.finish();
  return d.metadata!;
}

function errorOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return e as AppError;
  }
  throw new Error("expected an AppError");
}

describe("DBN metadata", () => {
  it.each([
    [1, 206],
    [2, 353],
    [3, 360],
  ])("reads the v%i metadata of the ESH1 MBO test file (records start at byte %i)", (version, recordsOffset) => {
    const m = metadataOf(raw(`${TEST_DATA}test_data.mbo.v${version}.dbn.zst`));
    expect(m).toMatchObject({
      version,
      dataset: "GLBX.MDP3",
      schema: "mbo",
      schemaId: 0,
      startNs: 1609160400000000000n,
      endNs: 1609200000000000000n,
      limit: 2n,
      stypeIn: "raw_symbol",
      stypeOut: "instrument_id",
      tsOut: false,
      symbolCstrLen: version === 1 ? 22 : 71,
      symbols: ["ESH1"],
      partial: [],
      notFound: [],
      mappings: [{ rawSymbol: "ESH1", intervals: [{ startDate: 20201228, endDate: 20201229, symbol: "5482" }] }],
      recordsOffset,
    });
    expect(m.recordCount).toBeNull(); // v1 writes u64::MAX (unknown); v2/v3 have no such field
  });

  it("names every schema of the test files", () => {
    const cases: [string, string][] = [
      ["trades.v3", "trades"], ["mbp-1.v2", "mbp-1"], ["mbp-10.v1", "mbp-10"], ["tbbo.v3", "tbbo"], ["ohlcv-1s.v3", "ohlcv-1s"],
      ["ohlcv-1m.v3", "ohlcv-1m"], ["ohlcv-1h.v3", "ohlcv-1h"], ["ohlcv-1d.v3", "ohlcv-1d"], ["definition.v1", "definition"],
      ["statistics.v3", "statistics"], ["status.v3", "status"], ["bbo-1s.v3", "bbo-1s"], ["bbo-1m.v3", "bbo-1m"],
    ];
    for (const [file, schema] of cases) expect(metadataOf(raw(`${TEST_DATA}test_data.${file}.dbn.zst`)).schema).toBe(schema);
  });

  it("reads instrument-id symbology and an empty symbol list (statistics test file)", () => {
    const m = metadataOf(raw(`${TEST_DATA}test_data.statistics.v1.dbn.zst`));
    expect(m).toMatchObject({ stypeIn: "instrument_id", stypeOut: "instrument_id", symbols: [], mappings: [], endNs: null });
  });

  it("reads parent-symbol mappings (ES.FUT with outrights and calendar spreads)", () => {
    const m = metadataOf(raw("nautilus_trader/tests/test_data/databento/definition-glbx-es-futspread.dbn.zst"));
    expect(m.stypeIn).toBe("parent");
    expect(m.symbols).toEqual(["ES.FUT"]);
    const spread = m.mappings.find((x) => x.rawSymbol === "ESZ3-ESM4");
    expect(spread?.intervals).toEqual([{ startDate: 20230801, endDate: 20230901, symbol: "2826" }]);
    expect(m.mappings.find((x) => x.rawSymbol === "ESU3")?.intervals[0].symbol).toBe("3445");
  });

  it("accepts v3 metadata padded to a multiple of 8 after the lists (192 bytes, NautilusTrader writer)", () => {
    const m = metadataOf(raw("nautilus_trader/crates/adapters/databento/test_data/test_data.definition.futures_contract.dbn.zst"));
    expect(m).toMatchObject({ version: 3, symbols: ["ALL_SYMBOLS"], recordsOffset: 200 });
  });

  it.each([1, 2, 3] as const)("agrees byte for byte with an independent v%i encoding", (version) => {
    const bytes = raw(`${TEST_DATA}test_data.mbo.v${version}.dbn.zst`);
    const m = metadataOf(bytes);
    const encoded = encodeMetadata({ version, startNs: m.startNs, endNs: m.endNs!, limit: m.limit!, symbols: m.symbols, mappings: m.mappings });
    expect(Buffer.from(encoded).equals(Buffer.from(bytes.subarray(0, m.recordsOffset)))).toBe(true);
  });

  it("resolves a continuous symbol to the contract of each date (ES.c.0 rolls from ESH4 to ESM4)", () => {
    const bytes = encodeMetadata({
      version: 2,
      stypeIn: 3, // continuous
      stypeOut: 0,
      symbols: ["ES.c.0"],
      mappings: [{ rawSymbol: "ES.c.0", intervals: [{ startDate: 20240310, endDate: 20240314, symbol: "17077" }, { startDate: 20240314, endDate: 20240320, symbol: "5602" }] }],
    });
    const m = metadataOf(bytes);
    expect(m.stypeIn).toBe("continuous");
    const map = SymbolMap.fromMetadata(m);
    expect(map.instrumentIdFor("ES.c.0", 20240313)).toBe(17077);
    expect(map.instrumentIdFor("ES.c.0", 20240314)).toBe(5602); // end dates are exclusive
    expect(map.instrumentIdFor("ES.c.0", 20240320)).toBeNull();
    expect(map.symbolFor(5602, 20240315)).toBe("ES.c.0");
    expect(map.instrumentIds()).toEqual([5602, 17077]);
  });

  it("maps instrument ids to raw symbols per date for the ESU4/NQU4 definitions", () => {
    const { metadata, records } = decodeDbnSync(readFileSync(fixture("nautilus_trader/tests/test_data/databento/historical_bars_catalog/databento/futures_definition.dbn.zst")));
    const map = SymbolMap.fromMetadata(metadata);
    const day = utcDateOf(metadata.startNs);
    expect(day).toBe(20240701);
    for (const r of records) expect(map.symbolFor(r.instrumentId, day)).toBe(r.kind === "definition" ? r.rawSymbol : "not a definition");
    expect(map.symbolFor(118, 20240701)).toBe("ESU4");
    expect(map.symbolFor(4358, 20240701)).toBe("NQU4");
    expect(map.symbolFor(118, 20240702)).toBeNull();
  });

  it("reads the partial and not_found lists", () => {
    const m = metadataOf(encodeMetadata({ version: 1, symbols: ["ESH4", "ESX9"], partial: ["NQH4"], notFound: ["ESX9"] }));
    expect(m).toMatchObject({ symbols: ["ESH4", "ESX9"], partial: ["NQH4"], notFound: ["ESX9"], recordCount: null });
  });

  describe("rejects invalid metadata with an unprocessable AppError", () => {
    it("wrong magic, from the first byte on", () => {
      const e = errorOf(() => new DbnDecoder().push(new Uint8Array([0x50, 0x4b, 0x03, 0x04])));
      expect(e.code).toBe("unprocessable");
      expect(e.message).toMatch(/wrong magic at byte offset 0/);
    });

    it("zstd bytes given to the raw decoder", () => {
      expect(errorOf(() => new DbnDecoder().push(readFileSync(fixture(`${TEST_DATA}test_data.mbo.v3.dbn.zst`)))).message).toMatch(/zstd-compressed/);
    });

    it("an unsupported version", () => {
      const bytes = encodeMetadata({ version: 3 });
      bytes[3] = 4;
      expect(errorOf(() => new DbnDecoder().push(bytes)).message).toMatch(/unsupported DBN version 4/);
    });

    it("a metadata length below the fixed part", () => {
      const bytes = encodeMetadata({ version: 2 });
      new DataView(bytes.buffer).setUint32(4, 50, true);
      expect(errorOf(() => new DbnDecoder().push(bytes)).message).toMatch(/metadata length 50/);
    });

    it("symbol lists that overrun the declared length", () => {
      const bytes = encodeMetadata({ version: 2, symbols: ["ESH4"] });
      const dv = new DataView(bytes.buffer);
      dv.setUint32(8 + 104, 1000, true); // symbol count 1000
      expect(errorOf(() => new DbnDecoder().push(bytes)).message).toMatch(/metadata too short: symbols list \(1000 symbols\)/);
    });

    it("an invalid mapping date", () => {
      const bytes = encodeMetadata({ version: 1, mappings: [{ rawSymbol: "ESH4", intervals: [{ startDate: 20241301, endDate: 20241302, symbol: "1" }] }] });
      expect(errorOf(() => new DbnDecoder().push(bytes)).message).toMatch(/invalid date \(20241301/);
    });

    it("input that ends inside the metadata, and empty input", () => {
      const bytes = concatBytes(encodeMetadata({ version: 3, symbols: ["ESH4"] }));
      for (const cut of [3, 8, 107, bytes.length - 1]) {
        const d = new DbnDecoder();
        d.push(bytes.subarray(0, cut));
        expect(errorOf(() => d.finish()).message).toMatch(/truncated metadata/);
      }
      expect(errorOf(() => new DbnDecoder().finish()).message).toMatch(/empty input/);
    });
  });
});
