import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./db";
import { bootstrapTestDatabase } from "./support/system";
import { importTrades } from "../lib/data/import/import-trades";
import { getImportReport, listImports } from "../lib/data/import/import-report";
import { readDataFlags } from "../lib/data/data-flags";
import { concatBytes, encodeMetadata, encodeTrade } from "../lib/data/dbn/test-support";

const TRADES =
  "../shared/fixtures/databento/nautilus_trader/tests/test_data/databento/historical_bars_catalog/databento/futures_trades_2024-07-01T23-58_2024-07-02T00-02.dbn.zst";
const STATUS = "../shared/fixtures/databento/databento-dbn/tests/data/test_data.status.v3.dbn.zst";

const ns = (iso: string) => BigInt(Date.parse(iso)) * 1_000_000n;
const SEC = 1_000_000_000n;
// Tuesday 2025-03-04 09:00 CT: inside the session of 2025-03-04.
const T0 = ns("2025-03-04T15:00:00Z");
/** MNQ ticks (0.25) -> DBN fixed-point price (1e-9). */
const px = (ticks: number) => BigInt(ticks) * 250_000_000n;

/** A DBN v3 trades file of MNQH5: [ts offset in s, price in ticks]. */
function tradesFile(dir: string, name: string, trades: Array<[bigint, number]>, tail: Uint8Array = new Uint8Array()): string {
  const file = path.join(dir, name);
  const records = trades.map(([s, ticks], i) => encodeTrade({ tsEventNs: T0 + s * SEC - 1000n, tsRecvNs: T0 + s * SEC, priceNano: px(ticks), size: 1, side: "A", sequence: i + 1 }));
  writeFileSync(file, concatBytes(encodeMetadata({ version: 3, schema: 4, symbols: ["MNQH5"] }), ...records, tail));
  return file;
}

/** A DBN v3 status record (40 bytes). */
function statusRecord(r: { instrumentId: number; tsNs: bigint; action: number; reason: number; isTrading: string }): Uint8Array {
  const out = new Uint8Array(40);
  const dv = new DataView(out.buffer);
  out[0] = 10;
  out[1] = 0x12;
  dv.setUint16(2, 1, true);
  dv.setUint32(4, r.instrumentId, true);
  dv.setBigUint64(8, r.tsNs, true);
  dv.setBigUint64(16, r.tsNs + 5000n, true);
  dv.setUint16(24, r.action, true);
  dv.setUint16(26, r.reason, true);
  out[30] = r.isTrading.charCodeAt(0);
  out[31] = "Y".charCodeAt(0);
  out[32] = "~".charCodeAt(0);
  return out;
}

describe("data flags: price bands and halts", () => {
  let db: TestDatabase;
  const tmp = mkdtempSync(path.join(tmpdir(), "tickbench-flags-"));

  beforeAll(async () => {
    db = await createTestDatabase();
    await bootstrapTestDatabase(db);
  });
  afterAll(() => db.drop());

  const datasetId = async (name: string) => (await db.prisma.dataset.findUniqueOrThrow({ where: { name } })).id;

  it("keeps trades outside the 7% band, stores their ranges as flags with the import and reports them", async () => {
    // Reference: the first trade, 80000 ticks (20000.00). 73600 is 8% below (flagged, twice at one
    // timestamp: both kept); 75200 is 6% below (inside); 86400 is 8% above (flagged).
    const file = tradesFile(tmp, "band.dbn", [[0n, 80000], [1n, 73600], [1n, 73600], [2n, 75200], [3n, 86400], [4n, 80000]]);
    const report = await importTrades(db.prisma, db.pool, { files: [file], dataset: "band" });
    expect(report).toMatchObject({ read: 6, accepted: 6, rejected: 0, flags: { price_band: { flags: 2, records: 3 } } });
    const flags = await readDataFlags(db.pool, await datasetId("band"));
    expect(flags.map((f) => [f.kind, f.fromNs, f.toNs, f.count, f.importRunId])).toEqual([
      ["price_band", T0 + SEC, T0 + SEC, 2, report.importRunId],
      ["price_band", T0 + 3n * SEC, T0 + 3n * SEC, 1, report.importRunId],
    ]);
    expect(flags[0].detail).toMatchObject({ percent: 7, referenceTicks: 80000, minTicks: 73600, maxTicks: 73600, referencePrice: 20000, minPrice: 18400, sessionDate: "2025-03-04" });

    const dto = await getImportReport(db.prisma, report.importRunId!);
    expect(dto.flags.totals).toEqual({ price_band: { flags: 2, records: 3 } });
    expect(dto.flags.items.map((f) => [f.kind, f.from, f.count])).toEqual([
      ["price_band", "2025-03-04T15:00:01.000000000Z", 2],
      ["price_band", "2025-03-04T15:00:03.000000000Z", 1],
    ]);
    expect((await listImports(db.prisma, "band"))[0].flags.totals).toEqual({ price_band: { flags: 2, records: 3 } });
  });

  it("takes the last stored trade of the prior session as the reference of an append", async () => {
    // Wednesday's reference is Tuesday's last stored trade (80000): 74000 is 7.5% below it.
    const file = path.join(tmp, "band-wed.dbn");
    const wed = T0 + 86_400n * SEC;
    writeFileSync(file, concatBytes(encodeMetadata({ version: 3, schema: 4, symbols: ["MNQH5"] }), encodeTrade({ tsEventNs: wed, tsRecvNs: wed, priceNano: px(74000), size: 1, side: "B" })));
    const report = await importTrades(db.prisma, db.pool, { files: [file], dataset: "band" });
    expect(report.flags).toEqual({ price_band: { flags: 1, records: 1 } });
    const [flag] = await readDataFlags(db.pool, await datasetId("band"), { importRunId: report.importRunId! });
    expect(flag.detail).toMatchObject({ referenceTicks: 80000, minTicks: 74000, sessionDate: "2025-03-05" });
  });

  it("can switch the band off", async () => {
    const file = tradesFile(tmp, "band-off.dbn", [[0n, 80000], [1n, 60000]]);
    const report = await importTrades(db.prisma, db.pool, { files: [file], dataset: "band-off", rules: { priceBand: "off" } });
    expect(report).toMatchObject({ accepted: 2, flags: {} });
    expect(await readDataFlags(db.pool, await datasetId("band-off"))).toEqual([]);
  });

  it("filters flags by time range and kind", async () => {
    const id = await datasetId("band");
    const all = await readDataFlags(db.pool, id);
    expect(all).toHaveLength(3);
    // [T0 + 2s, T0 + 3s) overlaps nothing: the flags are at +1s, +3s and the next day.
    expect(await readDataFlags(db.pool, id, { fromNs: T0 + 2n * SEC, toNs: T0 + 3n * SEC })).toEqual([]);
    expect((await readDataFlags(db.pool, id, { fromNs: T0 + SEC, toNs: T0 + 3n * SEC + 1n })).map((f) => f.fromNs)).toEqual([T0 + SEC, T0 + 3n * SEC]);
    expect((await readDataFlags(db.pool, id, { fromNs: T0 + 3n * SEC + 1n })).map((f) => f.detail.sessionDate)).toEqual(["2025-03-05"]);
    expect(await readDataFlags(db.pool, id, { kinds: ["halt"] })).toEqual([]);
    expect(await readDataFlags(db.pool, id, { kinds: ["price_band"], limit: 1 })).toHaveLength(1);
  });

  it("writes no flag when the import fails after writing them (one transaction), and records the failure", async () => {
    // Fail at the very end of the transaction, after trades and flags were written.
    await db.pool.query(`CREATE FUNCTION fail_import() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full (test)'; END $$`);
    await db.pool.query(`CREATE TRIGGER fail_import BEFORE UPDATE OF status ON import_runs FOR EACH ROW WHEN (NEW.status = 'succeeded') EXECUTE FUNCTION fail_import()`);
    try {
      const file = tradesFile(tmp, "band-fail.dbn", [[10n, 80000], [11n, 70000]]);
      // Into an existing dataset: a failed import run, no new flag or trade.
      const id = await datasetId("band");
      await expect(importTrades(db.prisma, db.pool, { files: [file], dataset: "band" })).rejects.toThrow(/disk full \(test\)/);
      expect(await readDataFlags(db.pool, id)).toHaveLength(3);
      expect((await db.prisma.dataset.findUniqueOrThrow({ where: { id } })).recordCount).toBe(7n);
      const failedRun = await db.prisma.importRun.findFirstOrThrow({ where: { datasetId: id, status: "failed" } });
      expect(failedRun.error).toMatch(/disk full/);
      expect(await db.prisma.dataFlag.count({ where: { importRunId: failedRun.id } })).toBe(0);

      // Into a new dataset: nothing is left but the trace in failed_imports, shown by the report.
      await expect(importTrades(db.prisma, db.pool, { files: [file], dataset: "band-new" })).rejects.toThrow(/disk full/);
      expect(await db.prisma.dataset.findUnique({ where: { name: "band-new" } })).toBeNull();
      expect(await db.prisma.dataFlag.count()).toBe(3);
      const [failed] = await db.prisma.failedImport.findMany({ where: { datasetName: "band-new" } });
      expect(failed).toMatchObject({ datasetName: "band-new", error: expect.stringMatching(/disk full/) });
      const listed = await listImports(db.prisma, "band-new");
      expect(listed.map((r) => [r.id, r.status, r.dataset, r.sourceFiles, r.format])).toEqual([[failed.id, "failed", "band-new", ["band-fail.dbn"], "dbn"]]);
      expect(await getImportReport(db.prisma, failed.id)).toMatchObject({ id: failed.id, status: "failed", error: expect.stringMatching(/disk full/), read: 0 });
    } finally {
      await db.pool.query("DROP TRIGGER fail_import ON import_runs");
      await db.pool.query("DROP FUNCTION fail_import()");
    }
  });

  it("imports a Databento status file into an existing dataset as halt intervals, without trades", async () => {
    // The ESU4 sample makes an ES dataset; the status sample is ESH1 on 2020-12-28 (instrument 5482):
    // Trading at the open, PreOpen (is_trading N) at 15:15 CT, again at 15:29:30 CT (no-cancel),
    // NewPriceIndication (is_trading Y) at 15:30 CT: the 15:15-15:30 CT pause of those years.
    await importTrades(db.prisma, db.pool, { files: [TRADES], dataset: "es" });
    const before = (await db.prisma.dataset.findUniqueOrThrow({ where: { name: "es" } })).recordCount;
    const report = await importTrades(db.prisma, db.pool, { files: [STATUS], dataset: "es" });
    expect(report).toMatchObject({ format: "dbn", read: 4, accepted: 4, rejected: 0, instruments: ["ESH1"], flags: { halt: { flags: 1, records: 2 } } });
    expect((await db.prisma.dataset.findUniqueOrThrow({ where: { name: "es" } })).recordCount).toBe(before);
    const halts = await readDataFlags(db.pool, await datasetId("es"), { kinds: ["halt"] });
    expect(halts.map((h) => [h.fromNs, h.toNs, h.count])).toEqual([[1609190100007055917n, 1609191000007282029n, 2]]);
    expect(halts[0].detail).toEqual({
      symbol: "ESH1",
      instrumentId: 5482,
      action: "pre_open",
      reason: "scheduled",
      eventFromNs: "1609190100000000000",
      eventToNs: "1609191000000000000",
      calendarHalt: true,
      openAtEnd: false,
    });
    expect((await getImportReport(db.prisma, report.importRunId!)).flags.items.map((f) => [f.kind, f.from, f.to])).toEqual([
      ["halt", "2020-12-28T21:15:00.007055917Z", "2020-12-28T21:30:00.007282029Z"],
    ]);
    expect((await importTrades(db.prisma, db.pool, { files: [STATUS], dataset: "es" })).skipped).toBe(true);
  });

  it("ends a halt still open at the end of the file at the file's end, and ignores other instruments and the daily break", async () => {
    const file = path.join(tmp, "status.dbn");
    const end = ns("2025-03-04T16:00:00Z");
    writeFileSync(
      file,
      concatBytes(
        encodeMetadata({ version: 3, schema: 11, startNs: ns("2025-03-04T00:00:00Z"), endNs: end, stypeOut: 0, symbols: ["MNQH5", "MNQM5"], mappings: [
          { rawSymbol: "MNQH5", intervals: [{ startDate: 20250303, endDate: 20250305, symbol: "42" }] },
          { rawSymbol: "ESH5", intervals: [{ startDate: 20250304, endDate: 20250305, symbol: "7" }] },
        ] }),
        // 16:30 CT on Monday = the daily break: closed by the schedule, not a halt.
        statusRecord({ instrumentId: 42, tsNs: ns("2025-03-03T22:30:00Z"), action: 1, reason: 1, isTrading: "N" }),
        statusRecord({ instrumentId: 42, tsNs: ns("2025-03-03T23:00:00Z"), action: 7, reason: 1, isTrading: "Y" }),
        statusRecord({ instrumentId: 7, tsNs: ns("2025-03-04T14:00:00Z"), action: 8, reason: 3, isTrading: "N" }), // ES: not ours
        statusRecord({ instrumentId: 42, tsNs: ns("2025-03-04T15:00:00Z"), action: 8, reason: 3, isTrading: "N" }), // halt, market event
      ),
    );
    const report = await importTrades(db.prisma, db.pool, { files: [file], dataset: "band" });
    expect(report).toMatchObject({ read: 4, accepted: 3, rejected: 1, rejectedByReason: { other_instrument: 1 }, flags: { halt: { flags: 1, records: 1 } } });
    const [halt] = await readDataFlags(db.pool, await datasetId("band"), { kinds: ["halt"] });
    expect([halt.fromNs, halt.toNs]).toEqual([ns("2025-03-04T15:00:00Z") + 5000n, end]);
    expect(halt.detail).toMatchObject({ action: "halt", reason: "market_event", openAtEnd: true, calendarHalt: false, eventToNs: null });
  });

  it("imports a status file from the command line and prints its flags", async () => {
    await importTrades(db.prisma, db.pool, { files: [TRADES], dataset: "es-cli" });
    const r = spawnSync(process.execPath, ["bin/tickbench.mjs", "import", STATUS, "--dataset", "es-cli"], { encoding: "utf8", env: { ...process.env, DATABASE_URL: db.url } });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/read 4, accepted 4, rejected 0/);
    expect(r.stderr).toMatch(/flagged \(kept\): halt 1 ranges \(2 records\)/);
    expect(await readDataFlags(db.pool, await datasetId("es-cli"), { kinds: ["halt"] })).toHaveLength(1);
  });

  it("refuses a status file for a dataset that does not exist", async () => {
    await expect(importTrades(db.prisma, db.pool, { files: [STATUS], dataset: "nothing-yet" })).rejects.toThrow(/import its trades first/);
  });

  it("deletes flags with their dataset", async () => {
    const id = await datasetId("band");
    await db.pool.query("DELETE FROM datasets WHERE id = $1", [id]);
    expect(await db.prisma.dataFlag.count({ where: { datasetId: id } })).toBe(0);
  });
});
