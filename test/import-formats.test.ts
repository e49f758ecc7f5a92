import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
import { encodeDbn } from "../lib/data/dbn/encoder";
import { PartialTranscodingError, registerTranscodedImport } from "../lib/data/import/import-files";
import type { ImportReport } from "../lib/data/import/import-run";
import { renderCsv, renderJson } from "../lib/data/formats/databento-text-test-support";
import { encodeScid, scidUs } from "../lib/data/formats/scid-test-support";

const DBN_TESTS = "../shared/fixtures/databento/databento-dbn/tests/data/";
const CATALOG = "../shared/fixtures/databento/nautilus_trader/tests/test_data/databento/historical_bars_catalog/databento/";
const NT = "../shared/fixtures/databento/nautilus_trader/tests/test_data/databento/";
const PY = "../shared/fixtures/databento/databento-python/tests/data/GLBX.MDP3/";
const TRADES_ESH1 = `${DBN_TESTS}test_data.trades.v3.dbn.zst`;
/** One fixture per schema the DBN importers take (`onto`: a file imported first: status and reference data go into an existing dataset). */
const SCHEMA_CASES: Array<{ name: string; file: string; instrument?: string; several?: boolean; onto?: { file: string; instrument?: string } }> = [
  { name: "mbp-1", file: `${DBN_TESTS}test_data.mbp-1.v3.dbn.zst` },
  { name: "esu4-mbp-1", file: `${CATALOG}futures_mbp-1_2024-07-01T23-58_2024-07-02T00-02.dbn.zst` },
  { name: "tbbo", file: `${PY}test_data.tbbo.dbn.zst` },
  { name: "bbo-1s", file: `${DBN_TESTS}test_data.bbo-1s.v3.dbn.zst` },
  { name: "mbp-10", file: `${PY}test_data.mbp-10.dbn.zst` },
  { name: "mbo", file: `${NT}esh4-glbx-mdp3-20231224.mbo.dbn.zst` },
  { name: "ohlcv-1m", file: `${PY}test_data.ohlcv-1m.dbn.zst` },
  { name: "esu4-ohlcv-1m", file: `${CATALOG}futures_ohlcv-1m_2024-07-01T23-40_2024-07-02T00-10.dbn.zst`, instrument: "ESU4", several: true },
  { name: "status", file: `${DBN_TESTS}test_data.status.v3.dbn.zst`, onto: { file: TRADES_ESH1 } },
  { name: "definition", file: `${PY}test_data.definition.dbn.zst`, onto: { file: TRADES_ESH1 } },
  { name: "definition-v1", file: `${NT}definition-glbx-es-fut.dbn.zst`, onto: { file: TRADES_ESH1, instrument: "ES" } },
  { name: "statistics", file: `${PY}test_data.statistics.dbn.zst`, onto: { file: TRADES_ESH1 } },
];
const TEXT_VARIANTS = [
  { format: "databento-csv", pretty: false, symbols: false },
  { format: "databento-csv", pretty: true, symbols: true },
  { format: "databento-json", pretty: false, symbols: true },
  { format: "databento-json", pretty: true, symbols: false },
  { format: "databento-json", pretty: false, symbols: true, metadata: true },
] as const;
const GOLDEN = [
  { name: "trades", file: `${DBN_TESTS}test_data.trades.v3.dbn.zst`, trades: 2 },
  { name: "tbbo", file: `${DBN_TESTS}test_data.tbbo.v3.dbn.zst`, trades: 2 },
  { name: "mbp1", file: `${DBN_TESTS}test_data.mbp-1.v3.dbn.zst`, trades: 0 },
  { name: "esu4-trades", file: `${CATALOG}futures_trades_2024-07-01T23-58_2024-07-02T00-02.dbn.zst`, trades: 120 },
  { name: "esu4-mbp1", file: `${CATALOG}futures_mbp-1_2024-07-01T23-58_2024-07-02T00-02.dbn.zst`, trades: 120 },
];
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

/** A zstd frame of stored (raw) blocks: a .zst file without needing a compressor. */
function zstdStored(bytes: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x38)]; // magic; no content size, window 128 KiB
  for (let at = 0; ; at += 65_536) {
    const block = bytes.subarray(at, at + 65_536);
    const last = at + 65_536 >= bytes.length ? 1 : 0;
    const header = (block.length << 3) | last; // block type 0: raw
    parts.push(Uint8Array.of(header & 0xff, (header >> 8) & 0xff, header >> 16), block);
    if (last) return Buffer.concat(parts);
  }
}

/** Tables with a dataset_id that are not data (runs, jobs): every other such table is compared. */
const NOT_DATA = new Set(["import_runs", "runs", "backtest_definitions", "import_jobs"]);
const TIMESTAMPTZ = 1184;

/**
 * Everything stored for a dataset: its row's data fields and the rows of every data table (blocks,
 * bars, flags, reference data...) without ids, import run ids and timestamps, in a stable order.
 */
async function storedData(db: TestDatabase, dataset: string): Promise<Record<string, unknown>> {
  const d = await db.prisma.dataset.findUniqueOrThrow({ where: { name: dataset }, select: { id: true, schema: true, status: true, recordCount: true, startNs: true, endNs: true, version: true } });
  const { rows: tables } = await db.pool.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'dataset_id' AND NOT a.attisdropped
      WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1`,
  );
  const out: Record<string, unknown> = { dataset: { ...d, id: undefined } };
  for (const { name } of tables) {
    if (NOT_DATA.has(name)) continue;
    const { rows, fields } = await db.pool.query(`SELECT * FROM ${name} WHERE dataset_id = $1`, [d.id]);
    const drop = fields.filter((f) => ["id", "dataset_id", "import_run_id"].includes(f.name) || f.dataTypeID === TIMESTAMPTZ).map((f) => f.name);
    const clean = rows.map((row) => JSON.stringify(Object.fromEntries(Object.entries(row).filter(([k]) => !drop.includes(k))), (_, v) => (typeof v === "bigint" ? v.toString() : v))).sort();
    if (clean.length > 0) out[name] = clean;
  }
  return out;
}

/** An import's quarantine rows as reason and receive time (record indexes differ: DBN counts records, text lines). */
async function quarantinedRows(db: TestDatabase, importRunId: string | null): Promise<string[]> {
  const { rows } = await db.pool.query<{ reason: string; ts: string | null }>("SELECT reason, ts_recv_ns::text AS ts FROM quarantined_records WHERE import_run_id = $1", [importRunId]);
  return rows.map((r) => `${r.reason} ${r.ts}`).sort();
}

/** A report without what differs between two imports of the same data (dataset, run, format, hash, time). */
function comparable(report: ImportReport): Record<string, unknown> {
  const { dataset: _dataset, importRunId: _run, format: _format, contentHash: _hash, ms: _ms, ...rest } = report;
  return rest;
}

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
        const records = decoded.records.filter((r) => r.kind === "trade" || r.kind === "mbp-1");
        expect(records.length).toBe(decoded.records.length);
        const toCsv = (pretty: boolean, sym: string | null) => renderCsv(decoded.metadata, records, { pretty, symbols: sym !== null });
        const toJson = (pretty: boolean, sym: string | null) => renderJson(decoded.metadata, records, { pretty, symbols: sym !== null });
        const dbn = await importTrades(db.prisma, db.pool, { files: [g.file], dataset: `${g.name}-dbn` });
        expect(dbn).toMatchObject({ format: "dbn", accepted: g.trades, rejected: 0, instruments: [symbol] });
        const expected = await storedTicks(db, `${g.name}-dbn`);
        expect(expected).toHaveLength(g.trades);

        const variants = [
          { format: "databento-csv", pretty: false, sym: null, text: toCsv(false, null) },
          { format: "databento-csv", pretty: true, sym: symbol, text: toCsv(true, symbol) },
          { format: "databento-json", pretty: false, sym: symbol, text: toJson(false, symbol).trimEnd() }, // no final newline: the last line ends the file
          { format: "databento-json", pretty: true, sym: null, text: toJson(true, null) },
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
      const file = write("nosymbol.csv", renderCsv(decoded.metadata, decoded.records, { pretty: false, symbols: false }));
      await expect(importTrades(db.prisma, db.pool, { files: [file], dataset: "nosymbol" })).rejects.toThrow(/Cannot tell the instrument from the files \(symbols: none\); give the instrument \(CLI: --instrument\)/);
    });
  });

  describe("Databento CSV and JSON of every schema: what the DBN import of the same file stores", () => {
    const onto = async (dataset: string, first?: { file: string; instrument?: string }) => {
      if (first) await importTrades(db.prisma, db.pool, { files: [first.file], dataset, instrument: first.instrument });
    };
    for (const c of SCHEMA_CASES) {
      it(`${c.name}: CSV and JSON, raw and pretty, with and without symbols`, async () => {
        const decoded = decodeDbnSync(await readDbnFile(c.file));
        const records = decoded.records;
        const symbol = c.instrument ?? decoded.metadata.symbols[0];
        await onto(`s-${c.name}-dbn`, c.onto);
        const dbn = await importTrades(db.prisma, db.pool, { files: [c.file], dataset: `s-${c.name}-dbn`, instrument: c.instrument });
        const want = await storedData(db, `s-${c.name}-dbn`);
        expect(Object.keys(want).length, "the fixture stores rows").toBeGreaterThan(c.onto ? 2 : 1);
        const wantQuarantine = await quarantinedRows(db, dbn.importRunId);
        for (const [i, v] of TEXT_VARIANTS.entries()) {
          if (c.several && !v.symbols) continue; // without symbols the import's instrument names the file's first instrument (as for trades): not this fixture's
          const render = v.format === "databento-csv" ? renderCsv : renderJson;
          const file = write(`${c.name}-${i}.${v.format === "databento-csv" ? "csv" : "json"}`, render(decoded.metadata, records, v));
          const dataset = `s-${c.name}-${i}`;
          await onto(dataset, c.onto);
          // Without symbols the instrument must be given: the dataset's for reference and status files.
          const report = await importTrades(db.prisma, db.pool, { files: [file], dataset, instrument: v.symbols ? c.instrument : (c.onto?.instrument ?? symbol) });
          const label = `${dataset} (${v.format}, pretty ${v.pretty}, symbols ${v.symbols})`;
          expect(report.format, label).toBe(v.format);
          expect(comparable(report), label).toEqual(comparable(dbn));
          expect(await storedData(db, dataset), label).toEqual(want);
          expect(await quarantinedRows(db, report.importRunId), label).toEqual(wantQuarantine);
          const run = await db.prisma.importRun.findUniqueOrThrow({ where: { id: report.importRunId as string } });
          expect(run.source, label).toMatchObject({ files: [file], format: v.format });
          expect([run.readCount, run.acceptedCount, run.rejectedCount], label).toEqual([BigInt(report.read), BigInt(report.accepted), BigInt(report.rejected)]);
          const { provenance } = await db.prisma.dataset.findUniqueOrThrow({ where: { name: dataset }, select: { provenance: true } });
          if (!c.onto) expect((provenance as { lastImport?: unknown }).lastImport, label).toMatchObject({ files: [path.basename(file)], format: v.format, contentHash: report.contentHash });
        }
      });
    }
  });

  describe("Databento CSV and JSON of other schemas: bad input", () => {
    const PY_MBP1 = `${PY}test_data.mbp-1.dbn.zst`;
    let tmpRoot = "";
    const savedTmp = process.env.TMPDIR;
    beforeAll(() => {
      tmpRoot = mkdtempSync(path.join(tmpdir(), "tickbench-tmpdir-"));
      process.env.TMPDIR = tmpRoot; // the transcoder's temporary files go here: it must be empty after every import
    });
    afterAll(() => {
      if (savedTmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = savedTmp;
      rmSync(tmpRoot, { recursive: true, force: true });
    });
    const noTemporaryFiles = () => expect(readdirSync(tmpRoot)).toEqual([]);

    it("quarantines malformed and cut lines with their line number and raw line, and stores the rest as the DBN import does", async () => {
      const decoded = decodeDbnSync(await readDbnFile(PY_MBP1));
      const dbn = await importTrades(db.prisma, db.pool, { files: [PY_MBP1], dataset: "bad-dbn" });
      const want = await storedData(db, "bad-dbn");
      const csvLines = renderCsv(decoded.metadata, decoded.records, { pretty: true, symbols: true }).trimEnd().split("\n");
      const badTs = csvLines[2].split(",");
      badTs[1] = "12x"; // ts_event
      const cut = csvLines[1].slice(0, 40);
      const jsonLines = renderJson(decoded.metadata, decoded.records, { pretty: false, symbols: true }).trimEnd().split("\n");
      const cases = [
        {
          format: "databento-csv",
          name: "bad.csv",
          lines: [csvLines[0], csvLines[1], "garbage", badTs.join(","), csvLines[2], csvLines[3], "", csvLines[4], cut],
          rejects: [[3, "1 fields, the header has 20"], [4, 'ts_event "12x" is not a timestamp'], [9, `${cut.split(",").length} fields, the header has 20`]],
        },
        {
          format: "databento-json",
          name: "bad.json",
          lines: [jsonLines[0], '{"ts_recv":"1"}', jsonLines[1], "[]", jsonLines[2], jsonLines[3], jsonLines[0].slice(0, 60)],
          rejects: [[2, 'no "hd" record header'], [4, "not a JSON object"], [7, "not a JSON object"]],
        },
      ] as const;
      for (const c of cases) {
        const file = write(c.name, c.lines.join("\n"));
        const dataset = `bad-${c.format}`;
        const report = await importTrades(db.prisma, db.pool, { files: [file], dataset });
        expect(report, c.name).toMatchObject({
          format: c.format,
          read: dbn.read + 3,
          accepted: dbn.accepted,
          rejected: dbn.rejected + 3,
          rejectedByReason: { ...dbn.rejectedByReason, malformed: 3 },
        });
        expect(await storedData(db, dataset), c.name).toEqual(want);
        const { rows } = await db.pool.query("SELECT record_index::int AS line, reason, ts_recv_ns, payload FROM quarantined_records WHERE import_run_id = $1 AND reason = 'malformed' ORDER BY record_index", [report.importRunId]);
        expect(rows.map((r) => [r.line, r.payload.detail]), c.name).toEqual(c.rejects);
        expect(rows.map((r) => [r.reason, r.ts_recv_ns, r.payload.file, r.payload.line]), c.name).toEqual(c.rejects.map(([line]) => ["malformed", null, c.name, c.lines[line - 1]]));
        noTemporaryFiles();
      }
    });

    it("points the DBN importer's own quarantine rows at the text lines", async () => {
      const decoded = decodeDbnSync(await readDbnFile(PY_MBP1));
      const records = decoded.records.map((r, i) => (r.kind === "mbp-1" && i === 2 ? { ...r, levels: [{ ...r.levels[0], bidPxNano: (r.levels[0].bidPxNano ?? 0n) + 100_000_000n }] } : r));
      const dbnFile = write("offgrid.dbn", encodeDbn(decoded.metadata, records));
      const dbn = await importTrades(db.prisma, db.pool, { files: [dbnFile], dataset: "offgrid-dbn" });
      const text = write("offgrid.csv", `\n${renderCsv(decoded.metadata, records, { pretty: false, symbols: true })}`);
      const report = await importTrades(db.prisma, db.pool, { files: [text], dataset: "offgrid-csv" });
      expect(comparable(report)).toEqual(comparable(dbn));
      const rows = async (runId: string | null) => (await db.pool.query("SELECT record_index::int AS i, reason, payload FROM quarantined_records WHERE import_run_id = $1 ORDER BY record_index", [runId])).rows;
      const [fromDbn] = await rows(dbn.importRunId);
      const [fromText] = await rows(report.importRunId);
      expect(fromDbn).toMatchObject({ i: 2, reason: "quote_off_tick_grid" });
      expect(fromText).toEqual({ ...fromDbn, i: 5, payload: { ...fromDbn.payload, file: "offgrid.csv" } }); // blank line 1, header line 2, records from line 3
    });

    it("reads zstd-compressed text (.csv.zst, told by its content) and fails cleanly on a truncated one", async () => {
      const decoded = decodeDbnSync(await readDbnFile(PY_MBP1));
      await importTrades(db.prisma, db.pool, { files: [PY_MBP1], dataset: "zst-dbn" });
      const text = new TextEncoder().encode(renderCsv(decoded.metadata, decoded.records, { pretty: true, symbols: true }));
      const zst = zstdStored(text);
      const report = await importTrades(db.prisma, db.pool, { files: [write("quotes.csv.zst", zst)], dataset: "zst-csv" });
      expect(report).toMatchObject({ format: "databento-csv", schema: "mbp-1" });
      const stored = await storedData(db, "zst-csv");
      expect(stored).toEqual(await storedData(db, "zst-dbn"));
      const cut = write("cut.csv.zst", zst.subarray(0, zst.length - 10));
      await expect(importTrades(db.prisma, db.pool, { files: [cut], dataset: "zst-csv" })).rejects.toMatchObject({ code: "unprocessable" }); // auto: its head does not decompress
      await expect(importTrades(db.prisma, db.pool, { files: [cut], dataset: "zst-csv", format: "databento-csv" })).rejects.toMatchObject({ code: "unprocessable", message: expect.stringMatching(/zstd|truncated/i) });
      expect(await storedData(db, "zst-csv")).toEqual(stored);
      noTemporaryFiles();
    });

    it("refuses empty files and files whose schema cannot be told; a header alone imports nothing", async () => {
      for (const name of ["empty.csv", "empty.json"]) {
        const file = write(name, "");
        await expect(importTrades(db.prisma, db.pool, { files: [file], dataset: `void-${name}`, format: name.endsWith("csv") ? "databento-csv" : "databento-json" })).rejects.toThrow(`${name} is empty: nothing to import`);
      }
      const unknown = write("unknown.csv", "ts_recv,ts_event,rtype,publisher_id,instrument_id,ref_price,auction_time\n1,1,20,1,1,1,1\n");
      await expect(importTrades(db.prisma, db.pool, { files: [unknown], dataset: "void-unknown", format: "databento-csv", instrument: "ESH1" })).rejects.toMatchObject({
        code: "unprocessable",
        message: expect.stringMatching(/^Cannot tell the Databento schema of unknown.csv: the header "ts_recv,.*auction_time" is not that of trades/),
      });
      const noRecord = write("unknown.json", "not json\n[1]\n");
      await expect(importTrades(db.prisma, db.pool, { files: [noRecord], dataset: "void-unknown", format: "databento-json", instrument: "ESH1" })).rejects.toThrow(
        "Cannot tell the Databento schema of unknown.json: no line is a record of a schema Tickbench imports",
      );
      expect(await db.prisma.dataset.count({ where: { name: { startsWith: "void-" } } })).toBe(0);
      expect(await db.prisma.failedImport.count({ where: { datasetName: "void-unknown" } })).toBe(2);
      const decoded = decodeDbnSync(await readDbnFile(PY_MBP1));
      const header = write("header-only.csv", renderCsv(decoded.metadata, decoded.records, { pretty: false, symbols: true }).split("\n")[0]);
      expect(await importTrades(db.prisma, db.pool, { files: [header], dataset: "header-only", instrument: "ESH1" })).toMatchObject({ format: "databento-csv", read: 0, accepted: 0, schema: "mbp-1", quotes: { read: 0 } });
      noTemporaryFiles();
    });

    it("leaves the dataset as it was when the DBN import fails or is cancelled while transcoding, and deletes its temporary files", async () => {
      const base = await importTrades(db.prisma, db.pool, { files: [`${DBN_TESTS}test_data.trades.v3.dbn.zst`], dataset: "keep" });
      expect(base.accepted).toBe(2);
      const before = await storedData(db, "keep");
      const mbo = decodeDbnSync(await readDbnFile(`${PY}test_data.mbo.dbn.zst`));
      const mboCsv = write("into-trades.mbo.csv", renderCsv(mbo.metadata, mbo.records, { pretty: false, symbols: true }));
      await expect(importTrades(db.prisma, db.pool, { files: [mboCsv], dataset: "keep" })).rejects.toMatchObject({ code: "conflict" });
      expect(await storedData(db, "keep")).toEqual(before);
      noTemporaryFiles();

      const mbp = decodeDbnSync(await readDbnFile(PY_MBP1));
      const first = mbp.records[0] as Extract<(typeof mbp.records)[number], { kind: "mbp-1" }>;
      const many = Array.from({ length: 150_000 }, (_, i) => ({ ...first, tsRecvNs: first.tsRecvNs + BigInt(i), sequence: i }));
      const big = write("big.mbp-1.csv", renderCsv(mbp.metadata, many, { pretty: false, symbols: true }));
      const controller = new AbortController();
      const seen: ImportProgress[] = [];
      await expect(
        importTrades(db.prisma, db.pool, { files: [big], dataset: "keep", signal: controller.signal, onProgress: (p) => (seen.push(p), controller.abort()) }),
      ).rejects.toMatchObject({ code: "cancelled" });
      expect(seen[0].bytesRead).toBeLessThan(seen[0].totalBytes / 2); // still transcoding
      expect(await storedData(db, "keep")).toEqual(before);
      const dataset = await db.prisma.dataset.findUniqueOrThrow({ where: { name: "keep" } });
      const failed = await db.prisma.importRun.findFirstOrThrow({ where: { datasetId: dataset.id, status: "failed" }, orderBy: { startedAt: "desc" } });
      expect(failed.error).toBe("cancelled");
      expect(failed.source).toMatchObject({ files: [big], format: "databento-csv" });
      noTemporaryFiles();
    });

    it("is idempotent: the same text again is skipped with the same answer as the DBN file again", async () => {
      const decoded = decodeDbnSync(await readDbnFile(PY_MBP1));
      const file = write("again.json", renderJson(decoded.metadata, decoded.records, { pretty: true, symbols: true }));
      const first = await importTrades(db.prisma, db.pool, { files: [file], dataset: "again-json" });
      const again = await importTrades(db.prisma, db.pool, { files: [file], dataset: "again-json" });
      expect(again).toMatchObject({ skipped: true, importRunId: first.importRunId, contentHash: first.contentHash, format: "databento-json" });
      await importTrades(db.prisma, db.pool, { files: [PY_MBP1], dataset: "again-dbn" });
      const dbnAgain = await importTrades(db.prisma, db.pool, { files: [PY_MBP1], dataset: "again-dbn" });
      expect(comparable(again)).toEqual(comparable(dbnAgain));
      expect(await db.prisma.importRun.count({ where: { dataset: { name: "again-json" } } })).toBe(1);
      noTemporaryFiles();
    });

    it("never stores a head-only transcoding: the import run refuses it and nothing is recorded", async () => {
      const dir = mkdtempSync(path.join(tmpRoot, "head-"));
      const dbnFile = path.join(dir, "head.dbn");
      writeFileSync(dbnFile, readFileSync(PY_MBP1));
      const unregister = registerTranscodedImport({
        format: "databento-csv", files: ["/x/head.csv"], dbnFiles: [dbnFile], contentHash: "h", rejectsFile: "", rejected: 0, rejectedByReason: {}, lineMaps: [], partial: true,
      });
      try {
        await expect(importTrades(db.prisma, db.pool, { files: [dbnFile], dataset: "head-only" })).rejects.toBeInstanceOf(PartialTranscodingError);
      } finally {
        unregister();
        rmSync(dir, { recursive: true });
      }
      expect(await db.prisma.dataset.count({ where: { name: "head-only" } })).toBe(0);
      expect(await db.prisma.failedImport.count({ where: { datasetName: "head-only" } })).toBe(0);
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
