import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { decodeDbnSync } from "../dbn/decode";
import { readDbnFile } from "../dbn/dbn-file";
import type { DbnRecord } from "../dbn/record";
import { fixture } from "../dbn/test-support";
import { DatabentoTextTranscoder, detectTextFamily, LineMap, needsTranscoding, transcodeFile, type DatabentoTextFormat, type TextReject } from "./databento-transcode";
import { renderCsv, renderJson } from "./databento-text-test-support";
import { LineSplitter } from "./line-splitter";

const TD = "databento-dbn/tests/data/test_data.";
const PY = "databento-python/tests/data/GLBX.MDP3/test_data.";
const NT = "nautilus_trader/tests/test_data/databento/";

/** Fixtures of every schema the transcoder takes (v1-v3; several instruments; definitions of futures and spreads). */
const FIXTURES = [
  `${TD}trades.v1.dbn.zst`, `${TD}mbp-1.v3.dbn.zst`, `${TD}tbbo.v3.dbn.zst`, `${TD}mbp-10.v2.dbn.zst`, `${TD}mbp-10.v3.dbn.zst`, `${TD}bbo-1s.v3.dbn.zst`,
  `${TD}bbo-1m.v3.dbn.zst`, `${TD}mbo.v3.dbn.zst`, `${PY}mbo.dbn.zst`, `${TD}ohlcv-1m.v3.dbn.zst`, `${PY}ohlcv-1d.dbn.zst`, `${TD}status.v3.dbn.zst`,
  `${TD}definition.v1.dbn.zst`, `${TD}definition.v2.dbn.zst`, `${TD}definition.v3.dbn.zst`, `${PY}definition.dbn.zst`, `${NT}definition-glbx-es-futspread.dbn.zst`,
  `${TD}statistics.v1.dbn.zst`, `${TD}statistics.v3.dbn.zst`, `${PY}statistics.dbn.zst`,
  `${NT}historical_bars_catalog/databento/futures_ohlcv-1m_2024-07-01T23-40_2024-07-02T00-10.dbn.zst`,
  `${NT}historical_bars_catalog/databento/futures_mbp-1_2024-07-01T23-58_2024-07-02T00-02.dbn.zst`,
];

const VARIANTS: Array<{ format: DatabentoTextFormat; pretty: boolean; symbols: boolean; metadata?: boolean }> = [
  { format: "databento-csv", pretty: false, symbols: false },
  { format: "databento-csv", pretty: true, symbols: true },
  { format: "databento-json", pretty: false, symbols: true },
  { format: "databento-json", pretty: true, symbols: false },
  { format: "databento-json", pretty: true, symbols: true, metadata: true },
];

/** Runs the pure transcoder over `text` (fed in small chunks) and decodes what it wrote. */
function transcode(text: string, format: DatabentoTextFormat, assumeSymbol?: string) {
  const t = new DatabentoTextTranscoder(format, "test", assumeSymbol);
  const splitter = new LineSplitter("test");
  const bytes = new TextEncoder().encode(text);
  const chunks: Uint8Array[] = [];
  const rejects: TextReject[] = [];
  for (let i = 0; i < bytes.length; i += 997) {
    for (const line of splitter.push(bytes.subarray(i, i + 997))) t.line(line);
    chunks.push(...t.takeBytes());
  }
  for (const line of splitter.finish()) t.line(line);
  t.finish();
  chunks.push(...t.takeBytes(true));
  rejects.push(...t.takeRejects());
  const head = t.metadata();
  const all = new Uint8Array(head.length + chunks.reduce((n, c) => n + c.length, 0));
  all.set(head);
  let at = head.length;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return { decoded: decodeDbnSync(all), rejects, transcoder: t };
}

async function decodeFixture(name: string) {
  return decodeDbnSync(await readDbnFile(fixture(name)));
}

describe("Databento text -> DBN transcoder", () => {
  for (const name of FIXTURES) {
    it(`${name.split("/").pop()}: CSV and JSON, raw and pretty, with and without symbols, decode to the fixture's records`, async () => {
      const original = await decodeFixture(name);
      const records = original.records.filter((r) => r.kind !== "symbol-mapping");
      expect(records.length).toBeGreaterThan(0);
      for (const v of VARIANTS) {
        const render = v.format === "databento-csv" ? renderCsv : renderJson;
        const text = render(original.metadata, records, v);
        const label = `${v.format} pretty=${v.pretty} symbols=${v.symbols} metadata=${v.metadata ?? false}`;
        const { decoded, rejects } = transcode(text, v.format);
        expect(rejects, label).toEqual([]);
        expect(decoded.records, label).toEqual(records);
        const m = decoded.metadata;
        expect(m.schema, label).toBe(original.metadata.schema);
        if (v.metadata) {
          expect({ ...m, version: 0, recordsOffset: 0, symbolCstrLen: 0, tsOut: false }, label).toEqual({ ...original.metadata, version: 0, recordsOffset: 0, symbolCstrLen: 0, tsOut: false, recordCount: null });
        } else if (v.symbols) {
          // The symbols the records name, mapped to their ids per date as in the fixture's mappings.
          const named = original.metadata.mappings.filter((mp) => records.some((r) => mp.intervals.some((iv) => iv.symbol === String(r.instrumentId))));
          expect(m.symbols.sort(), label).toEqual(named.map((mp) => mp.rawSymbol).sort());
          for (const mp of m.mappings) {
            const want = original.metadata.mappings.find((o) => o.rawSymbol === mp.rawSymbol);
            for (const iv of mp.intervals) expect(want?.intervals.some((w) => w.symbol === iv.symbol && w.startDate <= iv.startDate && iv.endDate <= w.endDate), label).toBe(true);
          }
        } else expect(m.symbols, label).toEqual([]);
      }
    });
  }

  it("maps undefined and empty pretty values to DBN's undefined values", () => {
    const header = "ts_recv,ts_event,rtype,publisher_id,instrument_id,action,side,depth,price,size,flags,ts_in_delta,sequence,bid_px_00,ask_px_00,bid_sz_00,ask_sz_00,bid_ct_00,ask_ct_00";
    const lines = [
      header,
      "2020-12-28T13:00:00.000000001Z,,1,1,5482,A,,0,,4294967295,128,0,1,3720.250000000,,5,0,1,0",
      "1609160400000000002,1609160400000000001,1,1,5482,C,B,0,9223372036854775807,1,128,0,2,UNDEF_PRICE,3720.5,0,4294967295,0,4294967295",
    ];
    const { decoded, rejects } = transcode(lines.join("\n"), "databento-csv");
    expect(rejects).toEqual([]);
    const [a, b] = decoded.records as Array<Extract<DbnRecord, { kind: "mbp-1" }>>;
    expect(a).toMatchObject({ tsRecvNs: 1_609_160_400_000_000_001n, tsEventNs: 0xffff_ffff_ffff_ffffn, side: "", priceNano: null, size: null });
    expect(a.levels[0]).toEqual({ bidPxNano: 3_720_250_000_000n, askPxNano: null, bidSize: 5, askSize: 0, bidCount: 1, askCount: 0 });
    expect(b).toMatchObject({ priceNano: null, size: 1 });
    expect(b.levels[0]).toEqual({ bidPxNano: null, askPxNano: 3_720_500_000_000n, bidSize: 0, askSize: null, bidCount: 0, askCount: null });
  });

  it("gives missing non-essential columns DBN's defaults and names the first instrument after the import's when the file has no symbols", () => {
    const text = ["ts_recv,ts_event,rtype,instrument_id,raw_symbol,min_price_increment", "1,1,19,42,ESH4,0.250000000", "2,2,19,43,NQH4,0.250000000"].join("\n");
    const { decoded } = transcode(text, "databento-csv", "ESH4");
    expect(decoded.metadata).toMatchObject({ version: 3, schema: "definition", symbols: ["ESH4"], mappings: [{ rawSymbol: "ESH4", intervals: [{ startDate: 19700101, endDate: 19700102, symbol: "42" }] }] });
    expect(decoded.records[0]).toMatchObject({
      kind: "definition", publisherId: 0, instrumentId: 42, rawSymbol: "ESH4", minPriceIncrementNano: 250_000_000n, displayFactor: 0x7fff_ffff_ffff_ffffn,
      expirationNs: null, contractMultiplier: null, marketDepth: 0x7fff_ffff, maturityYear: 0xffff, securityUpdateAction: "A", matchAlgorithm: "F", userDefinedInstrument: "N", legCount: 0,
    });
  });

  it("makes up instrument ids for a file with symbols but no ids", () => {
    const text = ["ts_recv,action,side,price,size,symbol", "1,T,A,1.25,1,ESH4", "2,T,B,1.5,2,NQH4", "3,T,B,1.5,2,ESH4"].join("\n");
    const { decoded } = transcode(text, "databento-csv");
    expect(decoded.records.map((r) => r.instrumentId)).toEqual([1, 2, 1]);
    expect(decoded.metadata.mappings.map((m) => [m.rawSymbol, m.intervals[0].symbol])).toEqual([["ESH4", "1"], ["NQH4", "2"]]);
  });

  it("rejects every line it cannot encode with a detail and keeps the rest, line numbers exact", () => {
    const lines = [
      "ts_recv,ts_event,rtype,publisher_id,instrument_id,open,high,low,close,volume",
      "",
      "2,2,33,1,5,1.0,2.0,0.5,1.5,10",
      "3,3,33,1,5,1.0,2.0",
      "4,4,33,1,5,abc,2.0,0.5,1.5,10",
      "5,5,32,1,5,1.0,2.0,0.5,1.5,10",
      '6,6,33,1,5,"1.0,2.0,0.5,1.5,10',
      "7,7,33,1,5,1.0000000001,2.0,0.5,1.5,10",
      "8,8,33,1,5,1.0,2.0,0.5,1.5,10",
      "9,2020-13-01T00:00:00Z,33,1,5,1.0,2.0,0.5,1.5,10",
      "10,10,33,1,99999999999,1.0,2.0,0.5,1.5,10",
      "11,11,33,1,5,1.0,2.0,0.5,1.5,1",
    ];
    const csv = lines.join("\n").replace("ts_recv,", "").replaceAll(/\n(\d+),/g, "\n"); // OHLCV has no ts_recv: drop the first column
    const { decoded, rejects, transcoder } = transcode(csv, "databento-csv");
    expect(decoded.metadata.schema).toBe("ohlcv-1m");
    expect(decoded.records.map((r) => r.tsEventNs)).toEqual([2n, 8n, 11n]);
    expect(rejects.map((r) => [r.line, r.detail])).toEqual([
      [4, "6 fields, the header has 9"],
      [5, 'open "abc" is not a price'],
      [6, "rtype 32 differs from the file's first record (rtype 33)"],
      [7, "unterminated quoted field"],
      [8, 'open "1.0000000001" has more than 9 decimals'],
      [10, 'ts_event "2020-13-01T00:00:00Z" is not a timestamp'],
      [11, 'instrument_id "99999999999" is out of range for u32'],
    ]);
    expect(rejects[0].text).toBe("3,33,1,5,1.0,2.0");
    expect([0, 1, 2].map((i) => transcoder.lineMap.lineOf(i))).toEqual([3, 9, 12]);
  });

  it("reads JSON lines: metadata first, records with nested header and levels; refuses metadata later, non-objects and cut lines", () => {
    const lines = [
      '{"version":3,"dataset":"GLBX.MDP3","schema":"mbp-1","start":"1","end":"100","limit":null,"stype_in":"raw_symbol","stype_out":"instrument_id","ts_out":false,"symbol_cstr_len":71,"symbols":["ESH1"],"partial":[],"not_found":[],"mappings":[{"raw_symbol":"ESH1","intervals":[{"start_date":"2020-12-28","end_date":"2020-12-29","symbol":"5482"}]}]}',
      '{"ts_recv":"2","hd":{"ts_event":"1","rtype":1,"publisher_id":1,"instrument_id":5482},"action":"A","side":"B","depth":0,"price":"3720250000000","size":1,"flags":128,"ts_in_delta":0,"sequence":1,"levels":[{"bid_px":"3720250000000","ask_px":"3720500000000","bid_sz":1,"ask_sz":2,"bid_ct":1,"ask_ct":1}]}',
      '{"version":3,"dataset":"GLBX.MDP3","schema":"mbp-1"}',
      "[1,2]",
      '{"ts_recv":"3","hd":{"ts_event":"1","rtype":0,"publisher_id":1,"instrument_id":5482},"action":"T","side":"B","price":"1","size":1}',
      '{"ts_recv":"4","hd":{"ts_event":"1","rtype":1,"publisher_id":1,"instrument_id":5482},"action":"T","side":"B","price":"1","size":1}',
      '{"ts_recv":"5","hd":{"ts_event":"1","rtype":1,"publisher_id":1,"instrument',
    ];
    const { decoded, rejects } = transcode(lines.join("\n"), "databento-json");
    expect(decoded.metadata).toMatchObject({ schema: "mbp-1", dataset: "GLBX.MDP3", startNs: 1n, endNs: 100n, symbols: ["ESH1"], mappings: [{ rawSymbol: "ESH1", intervals: [{ startDate: 20201228, endDate: 20201229, symbol: "5482" }] }] });
    expect(decoded.records).toHaveLength(1);
    expect(rejects.map((r) => [r.line, r.detail])).toEqual([
      [3, "a metadata object after the first line"],
      [4, "not a JSON object"],
      [5, "rtype 0 is not a mbp-1 record"],
      [6, "no bid_px_00 field"],
      [7, "not a JSON object"],
    ]);
  });

  it("refuses files whose schema cannot be told, with a clear error", () => {
    expect(() => transcode("time,price,size\n1,2,3\n", "databento-csv")).toThrow(/Cannot tell the Databento schema of test: the header "time,price,size" is not that of trades/);
    expect(() => transcode("ts_recv,ts_event,rtype,price,size,action\n", "databento-csv")).toThrow(/test is not a Databento CSV of trades: the header .* lacks side/);
    expect(() => transcode("\n\n", "databento-json")).toThrow(/Cannot tell the Databento schema of test: it holds no line of text/);
    expect(() => transcode('{"ts_recv":"1","hd":{"rtype":20}}\nnot json\n', "databento-json")).toThrow(/no line is a record of a schema Tickbench imports/);
    expect(() => transcode('{"dataset":"XNAS.ITCH","schema":"imbalance"}\n', "databento-json")).toThrow(/holds Databento imbalance records, which Tickbench does not import/);
    expect(() => transcode("ts_event,rtype,publisher_id,instrument_id,open,high,low,close,volume\n", "databento-csv")).toThrow(/holds no bar, so its bar interval cannot be told/);
  });

  it("maps record indexes back to line numbers across runs of non-record lines", () => {
    const map = new LineMap();
    for (const kind of "GRRGGRGRR") {
      if (kind === "G") map.gap();
      else map.record();
    }
    expect([0, 1, 2, 3, 4, 5].map((i) => map.lineOf(i))).toEqual([2, 3, 6, 8, 9, 10]);
    expect(new LineMap().lineOf(4)).toBe(5);
  });
});

describe("Databento text files", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "tickbench-transcode-test-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it("transcodes a file to DBN on disk, the metadata in its reserved space or, when larger, in front of the records", async () => {
    const original = await decodeFixture(`${NT}definition-glbx-es-futspread.dbn.zst`);
    const file = write("spreads.csv", renderCsv(original.metadata, original.records, { pretty: true, symbols: true }));
    for (const reserveBytes of [65536, 256]) {
      const out = path.join(dir, `spreads-${reserveBytes}.dbn`);
      const rejects: TextReject[] = [];
      const done = await transcodeFile(file, out, "databento-csv", { reserveBytes, onRejects: async (r) => void rejects.push(...r) });
      expect(done).toMatchObject({ schema: "definition", records: original.records.length, rejected: 0, partial: false });
      const decoded = decodeDbnSync(readFileSync(out));
      expect(decoded.records).toEqual(original.records);
      expect(decoded.metadata.symbols.length).toBeGreaterThan(1);
      expect(decoded.metadata.recordsOffset === 65536).toBe(reserveBytes === 65536);
    }
  });

  it("reads only the head when asked, and reports rejects as they come", async () => {
    const lines = ["ts_recv,action,side,price,size", ...Array.from({ length: 50 }, (_, i) => (i % 10 === 3 ? "bad" : `${i + 1},T,B,1.25,1`))];
    const file = write("head.csv", lines.join("\n"));
    const rejects: TextReject[] = [];
    const done = await transcodeFile(file, path.join(dir, "head.dbn"), "databento-csv", { maxLines: 20, onRejects: async (r) => void rejects.push(...r) });
    expect(done).toMatchObject({ schema: "trades", records: 17, rejected: 2, partial: true });
    expect(rejects.map((r) => r.line)).toEqual([5, 15]);
  });

  it("detects each file's schema family from its head and sends all but trades imports to the transcoder", async () => {
    const mbp = await decodeFixture(`${TD}mbp-1.v3.dbn.zst`);
    const trades = await decodeFixture(`${TD}trades.v3.dbn.zst`);
    const status = await decodeFixture(`${TD}status.v3.dbn.zst`);
    const mbpCsv = write("mbp.csv", renderCsv(mbp.metadata, mbp.records, { pretty: false, symbols: false }));
    const tradesCsv = write("trades.csv", renderCsv(trades.metadata, trades.records, { pretty: true, symbols: true }));
    const statusJson = write("status.json", renderJson(status.metadata, status.records, { pretty: false, symbols: true, metadata: true }));
    expect(await detectTextFamily(mbpCsv, "databento-csv")).toBe("mbp-1");
    expect(await detectTextFamily(statusJson, "databento-json")).toBe("status");
    expect(await needsTranscoding([tradesCsv], "databento-csv")).toBe(false);
    expect(await needsTranscoding([tradesCsv, mbpCsv], "databento-csv")).toBe(false);
    expect(await needsTranscoding([mbpCsv], "databento-csv")).toBe(true);
    expect(await needsTranscoding([statusJson], "databento-json")).toBe(true);
  });
});
