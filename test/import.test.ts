import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./db";
import { bootstrapTestDatabase } from "./support/system";
import { importDbnTrades } from "../lib/data/import/import-dbn-trades";
import { parseImportFormat } from "../lib/cli/import-format";
import { detectFormat } from "../lib/data/formats";
import { readTrades } from "../lib/data/tick-blocks";
import { readDbnFile } from "../lib/data/dbn/dbn-file";

const CATALOG = "../shared/fixtures/databento/nautilus_trader/tests/test_data/databento/historical_bars_catalog/databento/";
const TRADES = `${CATALOG}futures_trades_2024-07-01T23-58_2024-07-02T00-02.dbn.zst`;
const MBP1 = `${CATALOG}futures_mbp-1_2024-07-01T23-58_2024-07-02T00-02.dbn.zst`;

/** Importing real Databento files into datasets, against a real PostgreSQL. */
describe("import of DBN trades", () => {
  let db: TestDatabase;
  const tmp = mkdtempSync(path.join(tmpdir(), "tickbench-import-"));

  beforeAll(async () => {
    db = await createTestDatabase();
    await bootstrapTestDatabase(db);
  });
  afterAll(() => db.drop());

  it("stores every trade of the ESU4 sample, with exact prices and times", async () => {
    const report = await importDbnTrades(db.prisma, db.pool, { files: [TRADES], dataset: "esu4" });
    expect(report).toMatchObject({ read: 120, accepted: 120, rejected: 0, rejectedByReason: {}, instruments: ["ESU4"], skipped: false });
    expect(report.from).toMatch(/^2024-07-01T23:58/);
    expect(report.to).toMatch(/^2024-07-02T00:0[01]/);
    const dataset = await db.prisma.dataset.findUniqueOrThrow({ where: { name: "esu4" } });
    expect(dataset).toMatchObject({ status: "ready", recordCount: 120n, schema: "trades" });
    let stored = 0;
    let firstPrice = 0;
    for await (const batch of readTrades(db.pool, { datasetId: dataset.id, tickSizeNano: 250_000_000n })) {
      if (stored === 0) firstPrice = batch.priceTicks[0] * 0.25;
      stored += batch.length;
    }
    expect(stored).toBe(120);
    expect(firstPrice).toBe(5528.75);
  });

  it("is idempotent: the same content again changes nothing", async () => {
    const again = await importDbnTrades(db.prisma, db.pool, { files: [TRADES], dataset: "esu4" });
    expect(again.skipped).toBe(true);
    expect((await db.prisma.dataset.findUniqueOrThrow({ where: { name: "esu4" } })).recordCount).toBe(120n);
  });

  it("takes the trades out of an MBP-1 file", async () => {
    const report = await importDbnTrades(db.prisma, db.pool, { files: [MBP1], dataset: "esu4-from-mbp1" });
    expect(report.accepted).toBe(120);
  });

  it("quarantines trades after the contract's expiry, with the reason, and keeps them for inspection", async () => {
    const report = await importDbnTrades(db.prisma, db.pool, { files: [TRADES], dataset: "esm4-wrong", instrument: "ESM4" });
    expect(report).toMatchObject({ read: 120, accepted: 0, rejected: 120, rejectedByReason: { after_expiry: 120 } });
    const { rows } = await db.pool.query("SELECT reason, count(*)::int AS n FROM quarantined_records WHERE import_run_id = $1 GROUP BY reason", [report.importRunId]);
    expect(rows).toEqual([{ reason: "after_expiry", n: 120 }]);
    const run = await db.prisma.importRun.findUniqueOrThrow({ where: { id: report.importRunId! } });
    expect(run).toMatchObject({ status: "succeeded", readCount: 120n, acceptedCount: 0n, rejectedCount: 120n });
  });

  it("leaves the dataset exactly as before when a file is truncated, and records the failed attempt", async () => {
    const bytes = await readDbnFile(TRADES);
    const truncated = path.join(tmp, "truncated.dbn");
    writeFileSync(truncated, bytes.subarray(0, bytes.length - 20));
    await expect(importDbnTrades(db.prisma, db.pool, { files: [MBP1, truncated], dataset: "esu4", instrument: "ESU4" })).rejects.toThrow(/truncated|corrupt/);
    const dataset = await db.prisma.dataset.findUniqueOrThrow({ where: { name: "esu4" } });
    expect(dataset.recordCount).toBe(120n);
    const { rows } = await db.pool.query("SELECT coalesce(sum(tick_count), 0)::int AS n FROM trade_blocks WHERE dataset_id = $1", [dataset.id]);
    expect(rows[0].n).toBe(120);
    const failed = await db.prisma.importRun.findFirst({ where: { datasetId: dataset.id, status: "failed" } });
    expect(failed?.error).toMatch(/truncated|corrupt/);
  });

  it("refuses files it cannot recognise, with a clear message", async () => {
    const text = path.join(tmp, "notes.txt");
    writeFileSync(text, "dear diary, today the market went up\n");
    await expect(detectFormat(text)).rejects.toThrow(/Cannot tell the format of notes.txt: first line "dear diary, today the market went up"; choose the format \(CLI: --format/);
    expect(() => parseImportFormat("metastock")).toThrow(/Unknown format "metastock"/);
    await expect(detectFormat(path.join(tmp, "missing.dbn"))).rejects.toThrow(/not found/);
  });

  it("prints exactly one JSON object with --json", () => {
    const r = spawnSync(process.execPath, ["bin/tickbench.mjs", "import", TRADES, "--dataset", "cli-esu4", "--json"], {
      encoding: "utf8",
      env: { ...process.env, DATABASE_URL: db.url },
    });
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout);
    for (const key of ["read", "accepted", "rejected", "rejectedByReason", "from", "to", "instruments"]) expect(report).toHaveProperty(key);
    expect(report.accepted).toBe(120);
  });
});
