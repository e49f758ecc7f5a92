import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./db";
import { bootstrapTestDatabase } from "./support/system";
import { importTrades, type ImportProgress } from "../lib/data/import/import-trades";
import { readTrades } from "../lib/data/tick-blocks";
import { readDbnFile } from "../lib/data/dbn/dbn-file";
import { decodeDbnSync } from "../lib/data/dbn/decode";
import type { Mbp1Record, TradeRecord } from "../lib/data/dbn/records-market";
import { encodeScid, scidUs } from "../lib/data/formats/scid-test-support";

const DBN_TESTS = "../shared/fixtures/databento/databento-dbn/tests/data/";
const CATALOG = "../shared/fixtures/databento/nautilus_trader/tests/test_data/databento/historical_bars_catalog/databento/";
const GOLDEN = [
  { name: "trades", file: `${DBN_TESTS}test_data.trades.v3.dbn.zst`, trades: 2 },
  { name: "tbbo", file: `${DBN_TESTS}test_data.tbbo.v3.dbn.zst`, trades: 2 },
  { name: "mbp1", file: `${DBN_TESTS}test_data.mbp-1.v3.dbn.zst`, trades: 0 },
  { name: "esu4-trades", file: `${CATALOG}futures_trades_2024-07-01T23-58_2024-07-02T00-02.dbn.zst`, trades: 120 },
  { name: "esu4-mbp1", file: `${CATALOG}futures_mbp-1_2024-07-01T23-58_2024-07-02T00-02.dbn.zst`, trades: 120 },
];
const TRADE_COLUMNS = "ts_recv,ts_event,rtype,publisher_id,instrument_id,action,side,depth,price,size,flags,ts_in_delta,sequence";
const LEVEL_COLUMNS = ",bid_px_00,ask_px_00,bid_sz_00,ask_sz_00,bid_ct_00,ask_ct_00";

// ---- A Databento text encoder written for the test, from our DBN decoder's records -----------------

/** "2020-12-28T13:00:00.099150057Z", independent of the importer's code. */
function isoNs(ns: bigint): string {
  const ms = ns / 1_000_000n;
  return `${new Date(Number(ms)).toISOString().slice(0, 19)}.${(ns % 1_000_000_000n).toString().padStart(9, "0")}Z`;
}
/** 3720250000000 -> "3720.250000000" (Databento's pretty price). */
function prettyPx(nano: bigint): string {
  const sign = nano < 0n ? "-" : "";
  const abs = nano < 0n ? -nano : nano;
  return `${sign}${abs / 1_000_000_000n}.${(abs % 1_000_000_000n).toString().padStart(9, "0")}`;
}
type Rec = TradeRecord | Mbp1Record;
const ts = (ns: bigint, pretty: boolean) => (pretty ? isoNs(ns) : ns.toString());
/** An undefined price (null) as Databento writes it unpretty: i64::MAX. */
const px = (nano: bigint | null, pretty: boolean) => (nano === null ? "9223372036854775807" : pretty ? prettyPx(nano) : nano.toString());

function toCsv(records: Rec[], pretty: boolean, symbol: string | null): string {
  const mbp = records.some((r) => r.kind === "mbp-1");
  const lines = [TRADE_COLUMNS + (mbp ? LEVEL_COLUMNS : "") + (symbol ? ",symbol" : "")];
  for (const r of records) {
    const fields = [ts(r.tsRecvNs, pretty), ts(r.tsEventNs, pretty), r.rtype, r.publisherId, r.instrumentId, r.action, r.side, r.depth, px(r.priceNano, pretty), r.size, r.flags, r.tsInDelta, r.sequence];
    if (r.kind === "mbp-1") {
      const l = r.levels[0];
      fields.push(px(l.bidPxNano, pretty), px(l.askPxNano, pretty), l.bidSize, l.askSize, l.bidCount, l.askCount);
    }
    if (symbol) fields.push(symbol);
    lines.push(fields.join(","));
  }
  return `${lines.join("\n")}\n`;
}

function toJson(records: Rec[], pretty: boolean, symbol: string | null): string {
  return records
    .map((r) => {
      const o: Record<string, unknown> = {
        ts_recv: ts(r.tsRecvNs, pretty),
        hd: { ts_event: ts(r.tsEventNs, pretty), rtype: r.rtype, publisher_id: r.publisherId, instrument_id: r.instrumentId },
        action: r.action,
        side: r.side,
        depth: r.depth,
        price: px(r.priceNano, pretty),
        size: r.size,
        flags: r.flags,
        ts_in_delta: r.tsInDelta,
        sequence: r.sequence,
      };
      if (r.kind === "mbp-1") {
        const l = r.levels[0];
        o.levels = [{ bid_px: px(l.bidPxNano, pretty), ask_px: px(l.askPxNano, pretty), bid_sz: l.bidSize, ask_sz: l.askSize, bid_ct: l.bidCount, ask_ct: l.askCount }];
      }
      if (symbol) o.symbol = symbol;
      return JSON.stringify(o);
    })
    .join("\n"); // no final newline: the last line ends the file
}

// ---- helpers ---------------------------------------------------------------------------------------

interface Tick {
  tsRecvNs: bigint;
  tsEventNs: bigint;
  priceTicks: number;
  size: number;
  side: number;
}

async function storedTicks(db: TestDatabase, dataset: string): Promise<Tick[]> {
  const d = await db.prisma.dataset.findUniqueOrThrow({ where: { name: dataset } });
  const ticks: Tick[] = [];
  for await (const b of readTrades(db.pool, { datasetId: d.id, tickSizeNano: 250_000_000n })) {
    for (let i = 0; i < b.length; i++) {
      const tsRecvNs = b.baseNs + BigInt(b.tsOffsetNs[i]);
      ticks.push({ tsRecvNs, tsEventNs: tsRecvNs + BigInt(b.eventDeltaNs[i]), priceTicks: b.priceTicks[i], size: b.size[i], side: b.side[i] });
    }
  }
  return ticks;
}

const ns = (iso: string, extraNs = 0n) => BigInt(Date.parse(iso)) * 1_000_000n + extraNs;

describe("import of vendor formats", () => {
  let db: TestDatabase;
  const tmp = mkdtempSync(path.join(tmpdir(), "tickbench-formats-"));
  const write = (name: string, content: string | Uint8Array) => {
    const file = path.join(tmp, name);
    writeFileSync(file, content);
    return file;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    await bootstrapTestDatabase(db);
  });
  afterAll(() => db.drop());

  describe("Databento CSV and JSON: the same ticks as the DBN file they encode", () => {
    for (const g of GOLDEN) {
      it(`${g.name}: CSV and JSON, raw and pretty, store exactly the DBN import's ticks`, async () => {
        const decoded = decodeDbnSync(await readDbnFile(g.file));
        const symbol = decoded.metadata.symbols[0];
        const records = decoded.records.filter((r): r is Rec => r.kind === "trade" || r.kind === "mbp-1");
        expect(records.length).toBe(decoded.records.length);
        const dbn = await importTrades(db.prisma, db.pool, { files: [g.file], dataset: `${g.name}-dbn` });
        expect(dbn).toMatchObject({ format: "dbn", accepted: g.trades, rejected: 0, instruments: [symbol] });
        const expected = await storedTicks(db, `${g.name}-dbn`);
        expect(expected).toHaveLength(g.trades);

        const variants = [
          { format: "databento-csv", pretty: false, sym: null, text: toCsv(records, false, null) },
          { format: "databento-csv", pretty: true, sym: symbol, text: toCsv(records, true, symbol) },
          { format: "databento-json", pretty: false, sym: symbol, text: toJson(records, false, symbol) },
          { format: "databento-json", pretty: true, sym: null, text: toJson(records, true, null) },
        ] as const;
        for (const [i, v] of variants.entries()) {
          const file = write(`${g.name}-${i}.${v.format === "databento-csv" ? "csv" : "json"}`, v.text);
          const dataset = `${g.name}-${v.format}-${v.pretty ? "pretty" : "raw"}`;
          // Without a symbol column the instrument must be given; with one it comes from the file.
          const report = await importTrades(db.prisma, db.pool, { files: [file], dataset, instrument: v.sym ? undefined : symbol });
          expect(report, dataset).toMatchObject({ format: v.format, read: g.trades, accepted: g.trades, rejected: 0, instruments: [symbol] });
          expect(await storedTicks(db, dataset), dataset).toEqual(expected);
        }
      });
    }

    it("asks for the instrument when a Databento CSV names none", async () => {
      const decoded = decodeDbnSync(await readDbnFile(GOLDEN[0].file));
      const file = write("nosymbol.csv", toCsv(decoded.records as Rec[], false, null));
      await expect(importTrades(db.prisma, db.pool, { files: [file], dataset: "nosymbol" })).rejects.toThrow(/Cannot tell the instrument from the files \(symbols: none\); give the instrument \(CLI: --instrument\)/);
    });
  });

  describe("NinjaTrader", () => {
    // 2025-03-03 09:30 New York = 14:30 UTC (EST), inside the Globex session; MNQH5 expires 2025-03-21.
    const ticks = [
      "20250303 093000 1234567;21234.25;3",
      "20250303 093000 1234567;21234.25;3",
      "20250303 093000 2000000;21234.1;1",
      "garbage",
      "20250303 093001 0000000;21234.5;2",
    ].join("\r\n");

    it("takes the instrument from the file name, reads times in the given zone and quarantines bad lines with the raw line", async () => {
      const file = write("MNQ 03-25.Last.txt", ticks);
      const progress: ImportProgress[] = [];
      const report = await importTrades(db.prisma, db.pool, {
        files: [file],
        dataset: "nt-mnq",
        formatOptions: { timezone: "America/New_York" },
        onProgress: (p) => progress.push(p),
      });
      expect(report).toMatchObject({ format: "ninjatrader", instruments: ["MNQH5"], read: 5, accepted: 3, rejected: 2, rejectedByReason: { off_tick_grid: 1, malformed: 1 } });
      expect(report.from).toBe("2025-03-03T14:30:00.123Z");
      expect(await storedTicks(db, "nt-mnq")).toEqual([
        { tsRecvNs: ns("2025-03-03T14:30:00.123Z", 456_700n), tsEventNs: ns("2025-03-03T14:30:00.123Z", 456_700n), priceTicks: 84_937, size: 3, side: 0 },
        { tsRecvNs: ns("2025-03-03T14:30:00.123Z", 456_700n), tsEventNs: ns("2025-03-03T14:30:00.123Z", 456_700n), priceTicks: 84_937, size: 3, side: 0 },
        { tsRecvNs: ns("2025-03-03T14:30:01Z"), tsEventNs: ns("2025-03-03T14:30:01Z"), priceTicks: 84_938, size: 2, side: 0 },
      ]);
      const { rows } = await db.pool.query("SELECT record_index::int AS i, reason, payload FROM quarantined_records WHERE import_run_id = $1 ORDER BY record_index", [report.importRunId]);
      expect(rows.map((r) => [r.i, r.reason, r.payload.line, r.payload.file])).toEqual([
        [3, "off_tick_grid", "20250303 093000 2000000;21234.1;1", "MNQ 03-25.Last.txt"],
        [4, "malformed", "garbage", "MNQ 03-25.Last.txt"],
      ]);
      const bytes = Buffer.byteLength(ticks);
      expect(progress.at(-1)).toEqual({ bytesRead: bytes, totalBytes: bytes, read: 5, accepted: 3, rejected: 2 });
    });

    it("keeps the raw line of trades that validation rejects (outside the session)", async () => {
      // Saturday 2025-03-08: CME closed.
      const file = write("MNQ 03-25.saturday.txt", "20250308 120000 0000000;21000;1\n");
      const report = await importTrades(db.prisma, db.pool, { files: [file], dataset: "nt-saturday" });
      expect(report).toMatchObject({ accepted: 0, rejectedByReason: { outside_session: 1 } });
      const { rows } = await db.pool.query("SELECT record_index::int AS i, payload FROM quarantined_records WHERE import_run_id = $1", [report.importRunId]);
      expect(rows).toEqual([{ i: 1, payload: { file: "MNQ 03-25.saturday.txt", line: "20250308 120000 0000000;21000;1", price: 21000, size: 1, side: 0 } }]);
    });

    it("imports minute bars as a bar dataset (test/bar-import.test.ts) and refuses empty files with a clear error", async () => {
      const bars = write("MNQ 03-25.bars.txt", "20250303 143000;21234.25;21240;21230;21235.5;120\n20250303 143100;21235.5;21236;21230;21231;80\n20250303 143200;21231;21232;21229;21230;50\n");
      expect(await importTrades(db.prisma, db.pool, { files: [bars], dataset: "nt-bars" })).toMatchObject({ schema: "ohlcv-1m", read: 3, accepted: 3 });
      const empty = write("MNQ 03-25.empty.txt", "");
      await expect(importTrades(db.prisma, db.pool, { files: [empty], dataset: "nt-empty" })).rejects.toThrow(/MNQ 03-25.empty.txt is empty: nothing to import/);
      expect(await db.prisma.dataset.count({ where: { name: { in: ["nt-bars", "nt-empty"] } } })).toBe(1);
    });

    it("cancels cleanly: nothing written, the attempt recorded as cancelled", async () => {
      const lines: string[] = [];
      for (let i = 0; i < 400_000; i++) lines.push(`20250303 ${String(100000 + Math.floor(i / 100)).padStart(6, "0")} ${String(i % 100).padStart(7, "0")};21234.25;1`);
      const big = write("MNQ 03-25.big.txt", lines.join("\n"));
      const before = await importTrades(db.prisma, db.pool, { files: [write("MNQ 03-25.one.txt", "20250303 090000 0000000;21000;1\n")], dataset: "nt-cancel" });
      expect(before.accepted).toBe(1);
      const controller = new AbortController();
      await expect(
        importTrades(db.prisma, db.pool, { files: [big], dataset: "nt-cancel", onProgress: () => controller.abort(), signal: controller.signal }),
      ).rejects.toMatchObject({ code: "cancelled", message: "Import cancelled" });
      const dataset = await db.prisma.dataset.findUniqueOrThrow({ where: { name: "nt-cancel" } });
      expect(dataset.recordCount).toBe(1n);
      expect(await storedTicks(db, "nt-cancel")).toHaveLength(1);
      const failed = await db.prisma.importRun.findFirstOrThrow({ where: { datasetId: dataset.id, status: "failed" } });
      expect(failed.error).toBe("cancelled");
    });
  });

  describe("Sierra Chart", () => {
    it("imports a .scid file, instrument from the name, and leaves the dataset as it was when a file is truncated", async () => {
      const scid = encodeScid([
        { us: scidUs("2025-03-03T14:30:00.123Z", 456n), close: 21234.25, volume: 3, askVolume: 3 },
        { us: scidUs("2025-03-03T14:30:00.124Z"), close: 21234, volume: 2, bidVolume: 2 },
        { us: scidUs("2025-03-03T14:30:01Z"), close: 21234.1, volume: 1 },
      ]);
      const file = write("MNQH5-CME.scid", scid);
      const report = await importTrades(db.prisma, db.pool, { files: [file], dataset: "scid-mnq" });
      expect(report).toMatchObject({ format: "scid", instruments: ["MNQH5"], read: 3, accepted: 2, rejectedByReason: { off_tick_grid: 1 } });
      expect(await storedTicks(db, "scid-mnq")).toEqual([
        { tsRecvNs: ns("2025-03-03T14:30:00.123Z", 456_000n), tsEventNs: ns("2025-03-03T14:30:00.123Z", 456_000n), priceTicks: 84_937, size: 3, side: 1 },
        { tsRecvNs: ns("2025-03-03T14:30:00.124Z"), tsEventNs: ns("2025-03-03T14:30:00.124Z"), priceTicks: 84_936, size: 2, side: -1 },
      ]);
      const later = encodeScid([{ us: scidUs("2025-03-03T15:00:00Z"), close: 21300, volume: 1 }]);
      const truncated = write("MNQH5-CME.2.scid", later.subarray(0, later.length - 5));
      await expect(importTrades(db.prisma, db.pool, { files: [truncated], dataset: "scid-mnq" })).rejects.toThrow(/truncated .scid file/);
      expect(await storedTicks(db, "scid-mnq")).toHaveLength(2);
    });
  });

  describe("generic CSV", () => {
    it("imports with a column mapping, a time pattern in a zone and a price scale", async () => {
      const file = write("export.csv", "when,px,qty,aggr\n2025-03-03 08:30:00.125,2123425,2,B\n2025-03-03 08:30:00.250,2123450,1,S\n");
      const report = await importTrades(db.prisma, db.pool, {
        files: [file],
        dataset: "csv-mnq",
        instrument: "MNQH5",
        formatOptions: { timezone: "America/Chicago", csv: { columns: { time: "when", price: "px", size: "qty", side: "aggr" }, timeFormat: "yyyy-MM-dd HH:mm:ss.SSS", priceScale: "0.01" } },
      });
      expect(report).toMatchObject({ format: "csv", accepted: 2, rejected: 0 });
      expect(await storedTicks(db, "csv-mnq")).toEqual([
        { tsRecvNs: ns("2025-03-03T14:30:00.125Z"), tsEventNs: ns("2025-03-03T14:30:00.125Z"), priceTicks: 84_937, size: 2, side: 1 },
        { tsRecvNs: ns("2025-03-03T14:30:00.250Z"), tsEventNs: ns("2025-03-03T14:30:00.250Z"), priceTicks: 84_938, size: 1, side: -1 },
      ]);
    });

    it("is never guessed without a mapping", async () => {
      const file = write("mystery.csv", "a,b,c\n1,2,3\n");
      await expect(importTrades(db.prisma, db.pool, { files: [file], dataset: "mystery", instrument: "MNQH5" })).rejects.toThrow(/Cannot tell the format of mystery.csv: first line "a,b,c"; choose the format \(CLI: --format/);
    });
  });

  describe("CLI --json", () => {
    const cli = (args: string[]) => spawnSync(process.execPath, ["bin/tickbench.mjs", "import", ...args, "--json"], { encoding: "utf8", env: { ...process.env, DATABASE_URL: db.url } });
    const keys = ["read", "accepted", "rejected", "rejectedByReason", "from", "to", "instruments"];

    it("prints one JSON object for a NinjaTrader file", () => {
      const file = write("MNQ 03-25.cli.txt", "20250303 143000 0000000;21234.25;3\n20250303 143001 0000000;21234.5;1\n");
      const r = cli([file, "--dataset", "cli-nt", "--format", "ninjatrader"]);
      expect(r.status, r.stderr).toBe(0);
      const report = JSON.parse(r.stdout);
      for (const key of keys) expect(report).toHaveProperty(key);
      expect(report).toMatchObject({ format: "ninjatrader", read: 2, accepted: 2, rejected: 0, instruments: ["MNQH5"], from: "2025-03-03T14:30:00.000Z", to: "2025-03-03T14:30:01.000Z" });
    });

    it("prints one JSON object for a generic CSV with --columns", () => {
      const file = write("cli.csv", "t;p;s\n1741012200000;21234.25;5\n");
      const r = cli([file, "--dataset", "cli-csv", "--instrument", "MNQH5", "--columns", "time=t,price=p,size=s", "--time-format", "epoch-ms", "--delimiter", ";"]);
      expect(r.status, r.stderr).toBe(0);
      const report = JSON.parse(r.stdout);
      for (const key of keys) expect(report).toHaveProperty(key);
      expect(report).toMatchObject({ format: "csv", read: 1, accepted: 1, instruments: ["MNQH5"], from: "2025-03-03T14:30:00.000Z" });
    });
  });
});
