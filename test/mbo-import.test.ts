import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type PgBoss from "pg-boss";
import { createTestDatabase, type TestDatabase } from "./db";
import { bootstrapTestDatabase, inProcessExecutor, runRow, seedDataset } from "./support/system";
import { decodeMboFile } from "../lib/data/dbn/dbn-file";
import { zstdDecompress } from "../lib/data/dbn/zstd";
import { importDbnMbo, isDbnMbo } from "../lib/data/import/import-dbn-mbo";
import { importTrades } from "../lib/data/import/import-trades";
import { countMbo, readMbo } from "../lib/data/mbo-blocks";
import { countTrades, readTrades } from "../lib/data/tick-blocks";
import { BookBacktestEngine } from "../lib/engine/book/book-engine";
import { instrumentFromContractSpec } from "../lib/engine/instrument";
import { resultHash } from "../lib/engine/result-hash";
import { startBoss } from "../lib/jobs/queue";
import { getContractSpec } from "../lib/market/contract-spec";
import { ACTION, MBO_FLAG, type MboColumns } from "../lib/market/mbo-columns";
import { executeRun } from "../lib/runs/run-executor";
import { createRun } from "../lib/runs/run-service";
import type { CreateRunInput } from "../lib/runs/run-config";
import { findStrategy } from "../lib/strategies";
import { passiveMarketMaker } from "../lib/strategies/passive-market-maker";
import type { Principal } from "../lib/auth/roles";

const DIR = "../shared/fixtures/databento/nautilus_trader/tests/test_data/databento/";
const ESH4 = `${DIR}esh4-glbx-mdp3-20231225.mbo.dbn.zst`;
const TRADES_FILE = "../shared/fixtures/databento/databento-dbn/tests/data/test_data.trades.v3.dbn.zst";
const ES = getContractSpec("ES");

async function decoded(): Promise<MboColumns> {
  const batches: MboColumns[] = [];
  for await (const batch of decodeMboFile(ESH4, { batchSize: 1_000_000 })) batches.push(batch);
  expect(batches).toHaveLength(1);
  return batches[0];
}

describe("MBO datasets: import of Databento MBO files, storage and a book backtest (real PostgreSQL)", () => {
  let db: TestDatabase;
  let boss: PgBoss;
  let principal: Principal;
  let day: MboColumns;

  beforeAll(async () => {
    db = await createTestDatabase();
    await bootstrapTestDatabase(db);
    boss = await startBoss(db.url, "sender");
    const admin = await db.prisma.user.findFirstOrThrow();
    principal = { userId: admin.id, email: admin.email, name: admin.name, role: "admin", via: "token" };
    day = await decoded();
  });
  afterAll(async () => {
    await boss?.stop({ graceful: false, wait: true });
    await db?.drop();
  });

  it("imports every record, flags sequence gaps without rejecting them, and derives the trades", async () => {
    expect(await isDbnMbo([ESH4])).toBe(true);
    const report = await importDbnMbo(db.prisma, db.pool, { files: [ESH4], dataset: "esh4-mbo", instrument: "ESH4" });
    // Expected figures computed from the decoded file, independently of the importer.
    let gaps = 0;
    let last = -1;
    let trades = 0;
    let tradeSize = 0;
    for (let i = 0; i < day.length; i++) {
      if ((day.flags[i] & MBO_FLAG.SNAPSHOT) === 0) {
        if (last >= 0 && day.sequence[i] > last + 1) gaps++;
        last = Math.max(last, day.sequence[i]);
      }
      if (day.action[i] === ACTION.TRADE && day.size[i] > 0 && !Number.isNaN(day.priceNano[i])) {
        trades++;
        tradeSize += day.size[i];
      }
    }
    expect(gaps).toBeGreaterThan(0);
    expect(report).toMatchObject({ skipped: false, schema: "mbo", read: 68_792, accepted: 68_792, rejected: 0, flagged: gaps });
    expect(report.flaggedByReason).toEqual({ flag_sequence_gap: gaps });
    expect(report.trades).toEqual({ accepted: trades, rejected: 0, rejectedByReason: {} });
    const dataset = await db.prisma.dataset.findUniqueOrThrow({ where: { name: "esh4-mbo" } });
    expect(dataset).toMatchObject({ schema: "mbo", status: "ready", recordCount: 68_792n });
    expect(await db.prisma.quarantinedRecord.count({ where: { importRunId: report.importRunId!, reason: "flag_sequence_gap" } })).toBe(gaps);
    // The dataset's trades exist, so trade-based strategies and coverage work on it.
    expect(await countTrades(db.pool, dataset.id)).toBe(trades);
    let size = 0;
    for await (const batch of readTrades(db.pool, { datasetId: dataset.id, tickSizeNano: ES.tickSizeNano })) for (let i = 0; i < batch.length; i++) size += batch.size[i];
    expect(size).toBe(tradeSize);
  });

  it("is idempotent: the same file again changes nothing", async () => {
    const dataset = await db.prisma.dataset.findUniqueOrThrow({ where: { name: "esh4-mbo" } });
    const again = await importDbnMbo(db.prisma, db.pool, { files: [ESH4], dataset: "esh4-mbo", instrument: "ESH4" });
    expect(again.skipped).toBe(true);
    expect(await countMbo(db.pool, dataset.id)).toBe(68_792);
    expect(await db.prisma.mboBlock.count({ where: { datasetId: dataset.id } })).toBe(Math.ceil(68_792 / 65_536));
    // The format-neutral entry point (CLI, browser uploads) sends an MBO file to the MBO importer.
    const viaImportTrades = await importTrades(db.prisma, db.pool, { files: [ESH4], dataset: "esh4-mbo", instrument: "ESH4" });
    expect(viaImportTrades.skipped).toBe(true);
    expect(viaImportTrades.importRunId).toBe(again.importRunId);
    await expect(importTrades(db.prisma, db.pool, { files: [ESH4, TRADES_FILE], dataset: "esh4-mbo" })).rejects.toThrow(/cannot be imported together/);
  });

  it("a failed MBO import into a new dataset leaves no dataset and records the attempt under its name", async () => {
    // The decompressed ESH4 file cut in the middle of a record: decoding fails after many batches.
    const whole = zstdDecompress(new Uint8Array(await readFile(ESH4)));
    const cut = path.join(await mkdtemp(path.join(tmpdir(), "mbo-cut-")), "esh4-cut.mbo.dbn");
    await writeFile(cut, whole.subarray(0, Math.floor(whole.length * 0.9) + 3));
    await expect(importTrades(db.prisma, db.pool, { files: [cut], dataset: "esh4-cut", instrument: "ESH4" })).rejects.toThrow();
    expect(await db.prisma.dataset.findUnique({ where: { name: "esh4-cut" } })).toBeNull();
    const failed = await db.prisma.failedImport.findMany({ where: { datasetName: "esh4-cut" } });
    expect(failed).toHaveLength(1);
    expect(failed[0].error).not.toBe("");
  });

  it("reads back exactly what the decoder produced (times, order ids, prices, every column)", async () => {
    const dataset = await db.prisma.dataset.findUniqueOrThrow({ where: { name: "esh4-mbo" } });
    let at = 0;
    let mismatches = 0;
    for await (const batch of readMbo(db.pool, { datasetId: dataset.id })) {
      for (let i = 0; i < batch.length; i++, at++) {
        const same =
          batch.baseNs + BigInt(batch.tsRecvOffsetNs[i]) === day.baseNs + BigInt(day.tsRecvOffsetNs[at]) &&
          batch.tsEventDeltaNs[i] === day.tsEventDeltaNs[at] &&
          batch.orderIdHi[i] === day.orderIdHi[at] &&
          batch.orderIdLo[i] === day.orderIdLo[at] &&
          Object.is(batch.priceNano[i], day.priceNano[at]) &&
          batch.size[i] === day.size[at] &&
          batch.flags[i] === day.flags[at] &&
          batch.action[i] === day.action[at] &&
          batch.side[i] === day.side[at] &&
          batch.channelId[i] === day.channelId[at] &&
          batch.sequence[i] === day.sequence[at] &&
          batch.instrumentId[i] === day.instrumentId[at];
        if (!same) mismatches++;
      }
    }
    expect(at).toBe(day.length);
    expect(mismatches).toBe(0);
  });

  it("runs passive-market-maker on l3-fifo through the run executor, with the result of the same replay in memory", async () => {
    const config = { fillModel: "l3-fifo" as const, latencyMs: 1, feePerSideUsd: 0 };
    const run = await createRun({ db: db.prisma, boss, runTimeLimitSec: 600, stallAfterSec: 2 }, principal, {
      datasetName: "esh4-mbo",
      strategyId: "passive-market-maker",
      params: {},
      config,
    } as CreateRunInput);
    await executeRun(inProcessExecutor(db, { findStrategy, chunkEvents: 10_000 }), run.id);
    const row = await runRow(db, run.id);
    expect(row).toMatchObject({ status: "succeeded" });
    expect(row.processed).toBe(68_792);
    const stored = await db.prisma.runResult.findUniqueOrThrow({ where: { runId: run.id } });
    expect(stored.tradeCount).toBeGreaterThan(10);

    const replay = async (batches: AsyncIterable<MboColumns> | MboColumns[]) => {
      const engine = new BookBacktestEngine({
        instrument: instrumentFromContractSpec(ES, 0),
        strategy: passiveMarketMaker,
        params: {},
        fillModel: "l3-fifo",
        startingCashCents: 100_000 * 100,
        seed: 0, // the run's config seed (default)
        latencyNs: 1_000_000,
        tickSizeNano: ES.tickSizeNano,
      });
      for await (const batch of batches) engine.processBatch(batch, 0, batch.length);
      return engine.finish();
    };
    const dataset = await db.prisma.dataset.findUniqueOrThrow({ where: { name: "esh4-mbo" } });
    // The same blocks in memory: the identical result (fill reasons name block and record index).
    const fromBlocks = await replay(readMbo(db.pool, { datasetId: dataset.id }));
    expect(stored.resultHash).toBe(resultHash(fromBlocks));
    // The decoded file as one batch: the same fills at the same prices and times (block cuts do not matter).
    const direct = await replay([day]);
    const key = (f: { side: number; qty: number; priceTicks: number; tsNs: bigint }) => [f.side, f.qty, f.priceTicks, f.tsNs];
    expect(direct.fills.length).toBeGreaterThan(20);
    expect(fromBlocks.fills.map(key)).toEqual(direct.fills.map(key));
    expect(stored.tradeCount).toBe(direct.trades.length);
    expect((stored.metrics as { netPnlCents: number }).netPnlCents).toBe(direct.metrics.netPnlCents);

    // The production path: the same run in the worker's sandbox thread gives the same result.
    const sandboxed = await createRun({ db: db.prisma, boss, runTimeLimitSec: 600, stallAfterSec: 2 }, principal, {
      datasetName: "esh4-mbo",
      strategyId: "passive-market-maker",
      params: {},
      config,
    } as CreateRunInput);
    const sandbox = { databaseUrl: db.url, memoryMb: 512, handlerBudgetMs: 10_000, testStrategies: false };
    await executeRun(inProcessExecutor(db, { sandbox, chunkEvents: 10_000 }), sandboxed.id);
    expect(await runRow(db, sandboxed.id)).toMatchObject({ status: "succeeded", processed: 68_792 });
    expect((await db.prisma.runResult.findUniqueOrThrow({ where: { runId: sandboxed.id } })).resultHash).toBe(stored.resultHash);
  });

  it("refuses a book fill model on a dataset without MBO data, and a book strategy on l1-trades", async () => {
    await seedDataset(db, "trades-only");
    const deps = { db: db.prisma, boss, runTimeLimitSec: 600, stallAfterSec: 2 };
    const bookOnTrades = await createRun(deps, principal, { datasetName: "trades-only", strategyId: "sma-cross", params: {}, config: { fillModel: "l3-fifo" } } as CreateRunInput);
    await executeRun(inProcessExecutor(db, { findStrategy }), bookOnTrades.id);
    expect(await runRow(db, bookOnTrades.id)).toMatchObject({ status: "failed", error: expect.stringMatching(/needs order-by-order \(MBO\) data/) });
    const mmOnTrades = await createRun(deps, principal, { datasetName: "esh4-mbo", strategyId: "passive-market-maker", params: {} } as CreateRunInput);
    await executeRun(inProcessExecutor(db, { findStrategy }), mmOnTrades.id);
    expect(await runRow(db, mmOnTrades.id)).toMatchObject({ status: "failed", error: expect.stringMatching(/needs order-book data/) });
  });
});
