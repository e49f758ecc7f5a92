import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./db";
import { bootstrapTestDatabase } from "./support/system";
import { importTrades } from "../lib/data/import/import-trades";
import type { BarImportReport } from "../lib/data/import/import-bars";
import { readBars } from "../lib/data/bar-store";
import { getDatasetDetail, listDatasets } from "../lib/data/datasets";
import { prepareBacktest } from "../lib/runs/backtest-replay";

const ESU4_BARS = "../shared/fixtures/databento/nautilus_trader/tests/test_data/databento/historical_bars_catalog/databento/futures_ohlcv-1m_2024-07-01T23-40_2024-07-02T00-10.dbn.zst";
const ns = (iso: string) => BigInt(Date.parse(iso)) * 1_000_000n;

// NinjaTrader stamps a bar with its END time (UTC here): 143100 is the bar [14:30, 14:31).
const NT_BARS = [
  "20250303 143100;21234.25;21240;21230;21235.5;120", // 1 ok
  "20250303 143200;21235.5;21236;21230;21231;80", // 2 ok
  "20250303 143300;21231;21232;21229;21230;50", // 3 ok
  "", // 4 blank: skipped, not a record
  "20250303 143400;21230;21229;21231;21230;10", // 5 high < low
  "20250303 143500;21230.1;21231;21229;21230;10", // 6 off the 0.25 grid
  "garbage;1;2", // 7 malformed
  "20250303 143200;21235.5;21236;21230;21231;80", // 8 the bar of line 2 again
  "20250304 150000;21300;21301;21299;21300.25;7", // 9 ok, next session
].join("\n");

describe("bar datasets: NinjaTrader minute bars and Databento OHLCV stored and shown (real PostgreSQL)", () => {
  let db: TestDatabase;
  let dir: string;
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    await bootstrapTestDatabase(db);
    dir = mkdtempSync(path.join(tmpdir(), "tickbench-bars-"));
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("imports a NinjaTrader minute-bar file into an ohlcv-1m dataset, quarantining bad bars with reasons", async () => {
    const file = write("MNQ 03-25.bars.txt", NT_BARS);
    const report = (await importTrades(db.prisma, db.pool, { files: [file], dataset: "nt-bars" })) as BarImportReport;
    expect(report).toMatchObject({
      format: "ninjatrader",
      schema: "ohlcv-1m",
      intervalS: 60,
      instruments: ["MNQH5"],
      read: 8,
      accepted: 4,
      rejected: 4,
      rejectedByReason: { inconsistent_bar: 1, off_tick_grid: 1, malformed: 1, duplicate_bar: 1 },
      from: "2025-03-03T14:30:00.000Z",
      to: "2025-03-04T14:59:00.000Z",
      skipped: false,
    });
    const { rows } = await db.pool.query("SELECT record_index::int AS i, reason FROM quarantined_records WHERE import_run_id = $1 ORDER BY record_index", [report.importRunId]);
    expect(rows).toEqual([
      { i: 5, reason: "inconsistent_bar" },
      { i: 6, reason: "off_tick_grid" },
      { i: 7, reason: "malformed" },
      { i: 8, reason: "duplicate_bar" },
    ]);
    const ds = await db.prisma.dataset.findUniqueOrThrow({ where: { name: "nt-bars" } });
    expect(ds).toMatchObject({ schema: "ohlcv-1m", status: "ready", recordCount: 4n, startNs: ns("2025-03-03T14:30:00Z"), endNs: ns("2025-03-04T15:00:00Z") });
    // MNQ tick 0.25: 21234.25 -> 84937, 21240 -> 84960, 21230 -> 84920, 21235.5 -> 84942 ...
    expect(await readBars(db.pool, ds.id)).toEqual([
      { tsStartNs: ns("2025-03-03T14:30:00Z"), intervalS: 60, openTicks: 84_937, highTicks: 84_960, lowTicks: 84_920, closeTicks: 84_942, volume: 120n },
      { tsStartNs: ns("2025-03-03T14:31:00Z"), intervalS: 60, openTicks: 84_942, highTicks: 84_944, lowTicks: 84_920, closeTicks: 84_924, volume: 80n },
      { tsStartNs: ns("2025-03-03T14:32:00Z"), intervalS: 60, openTicks: 84_924, highTicks: 84_928, lowTicks: 84_916, closeTicks: 84_920, volume: 50n },
      { tsStartNs: ns("2025-03-04T14:59:00Z"), intervalS: 60, openTicks: 85_200, highTicks: 85_204, lowTicks: 85_196, closeTicks: 85_201, volume: 7n },
    ]);
  });

  it("is idempotent by content, appends new bars and quarantines a start it already holds", async () => {
    const again = await importTrades(db.prisma, db.pool, { files: [write("MNQ 03-25.bars.txt", NT_BARS)], dataset: "nt-bars" });
    expect(again).toMatchObject({ skipped: true, read: 0, accepted: 0 });
    const more = write("MNQ 03-25.more.txt", "20250304 150000;21300;21301;21299;21300.25;7\n20250304 150100;21300.25;21302;21300;21301;9\n");
    expect(await importTrades(db.prisma, db.pool, { files: [more], dataset: "nt-bars" })).toMatchObject({ read: 2, accepted: 1, rejectedByReason: { duplicate_bar: 1 } });
    const ds = await db.prisma.dataset.findUniqueOrThrow({ where: { name: "nt-bars" } });
    expect(ds).toMatchObject({ recordCount: 5n, version: 2, endNs: ns("2025-03-04T15:01:00Z") });
    expect(await readBars(db.pool, ds.id, { fromNs: ns("2025-03-04T15:00:00Z") })).toEqual([
      { tsStartNs: ns("2025-03-04T15:00:00Z"), intervalS: 60, openTicks: 85_201, highTicks: 85_208, lowTicks: 85_200, closeTicks: 85_204, volume: 9n },
    ]);
  });

  it("shows the schema and bar interval, and counts bars per CME session in the coverage calendar", async () => {
    const detail = await getDatasetDetail(db.prisma, db.pool, "nt-bars");
    expect(detail).toMatchObject({ schema: "ohlcv-1m", barIntervalS: 60, recordCount: 5 });
    // 2025-03-03 14:30Z is 08:30 CT (session 2025-03-03): 3 bars; 2025-03-04: 2 bars.
    expect(detail.coverage.sessions.map((s) => [s.sessionDate, s.ticks])).toEqual([
      ["2025-03-03", 3],
      ["2025-03-04", 2],
    ]);
    expect(detail.coverage).toMatchObject({ gaps: 0, outsideSessions: 0 });
    expect((await listDatasets(db.prisma)).find((d) => d.name === "nt-bars")).toMatchObject({ schema: "ohlcv-1m", barIntervalS: 60 });
  });

  it("imports Databento ohlcv-1m bars of the chosen contract exactly as the decoder read them", async () => {
    const report = (await importTrades(db.prisma, db.pool, { files: [ESU4_BARS], dataset: "esu4-bars", instrument: "ESU4" })) as BarImportReport;
    // 30 minutes of ESU4 (id 118) and 30 of NQU4 (id 4358) in the file.
    expect(report).toMatchObject({ format: "dbn", schema: "ohlcv-1m", read: 60, accepted: 30, rejectedByReason: { other_instrument: 30 }, from: "2024-07-01T23:40:00.000Z", to: "2024-07-02T00:09:00.000Z" });
    const ds = await db.prisma.dataset.findUniqueOrThrow({ where: { name: "esu4-bars" } });
    const bars = await readBars(db.pool, ds.id);
    expect(bars).toHaveLength(30);
    // First record: 5527.25 / 5527.50 / 5527.00 / 5527.50, volume 180 (ES tick 0.25).
    expect(bars[0]).toEqual({ tsStartNs: ns("2024-07-01T23:40:00Z"), intervalS: 60, openTicks: 22_109, highTicks: 22_110, lowTicks: 22_108, closeTicks: 22_110, volume: 180n });
    const detail = await getDatasetDetail(db.prisma, db.pool, "esu4-bars");
    // 18:40 CT on 2024-07-01 belongs to session 2024-07-02.
    expect(detail.coverage.sessions.map((s) => [s.sessionDate, s.ticks])).toEqual([["2024-07-02", 30]]);
  });

  it("refuses bars of another contract or another interval than the dataset's, leaving it as it was", async () => {
    await expect(importTrades(db.prisma, db.pool, { files: [ESU4_BARS], dataset: "nt-bars", instrument: "MNQH5" })).rejects.toThrow("The files hold bars of ESU4, NQU4, not of MNQH5");
    expect((await db.prisma.dataset.findUniqueOrThrow({ where: { name: "nt-bars" } })).recordCount).toBe(5n);
    const hourly = "../shared/fixtures/databento/databento-dbn/tests/data/test_data.ohlcv-1h.v3.dbn.zst";
    await expect(importTrades(db.prisma, db.pool, { files: [hourly], dataset: "esu4-bars", instrument: "ES" })).rejects.toThrow(/holds ohlcv-1m data; ohlcv-1h bars go into a new dataset/);
    expect((await db.prisma.dataset.findUniqueOrThrow({ where: { name: "esu4-bars" } })).recordCount).toBe(30n);
    // Tick files do not go into a bar dataset either.
    const trades = "../shared/fixtures/databento/databento-dbn/tests/data/test_data.trades.v3.dbn.zst";
    await expect(importTrades(db.prisma, db.pool, { files: [trades], dataset: "esu4-bars", instrument: "ESU4" })).rejects.toThrow(/holds ohlcv-1m data; import trades into a trades or quote dataset/);
    expect((await db.prisma.dataset.findUniqueOrThrow({ where: { name: "esu4-bars" } })).recordCount).toBe(30n);
  });

  it("refuses to run a backtest on a bar dataset with a clear message", async () => {
    const ds = await db.prisma.dataset.findUniqueOrThrow({ where: { name: "nt-bars" } });
    await expect(
      prepareBacktest(db.prisma, { strategyId: "sma-cross", params: {}, config: {}, datasetId: ds.id, datasetName: "nt-bars", seed: 1 }),
    ).rejects.toThrow("Dataset nt-bars holds ohlcv-1m bars: bar datasets cannot drive the tick engine; import the instrument's trades (tick data) to backtest");
  });
});
