import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type PgBoss from "pg-boss";
import { createTestDatabase, type TestDatabase } from "./db";
import { bootstrapTestDatabase, inProcessExecutor, runRow, seedDataset } from "./support/system";
import { decodeDbnSync, zstdDecompress } from "../lib/data/dbn";
import { decodeTradeColumns } from "../lib/data/dbn/columnar-trades";
import type { Mbp1Record, Mbp10Record, BboRecord } from "../lib/data/dbn/records-market";
import { importTrades } from "../lib/data/import/import-trades";
import type { QuoteImportReport } from "../lib/data/import/import-dbn-quotes";
import { countQuotes, readQuoteFeed, readQuotes } from "../lib/data/quote-blocks";
import { readTrades } from "../lib/data/tick-blocks";
import { BookBacktestEngine } from "../lib/engine/book/book-engine";
import { instrumentFromContractSpec } from "../lib/engine/instrument";
import { QUOTE_KIND, type QuoteColumns } from "../lib/engine/quotes/quote-columns";
import { resultHash } from "../lib/engine/result-hash";
import { startBoss } from "../lib/jobs/queue";
import { getContractSpec } from "../lib/market/contract-spec";
import { executeRun } from "../lib/runs/run-executor";
import { createRun } from "../lib/runs/run-service";
import type { CreateRunInput } from "../lib/runs/run-config";
import { findStrategy } from "../lib/strategies";
import { bookImbalance } from "../lib/strategies/book-imbalance";
import type { Principal } from "../lib/auth/roles";

const DBN_TESTS = "../shared/fixtures/databento/databento-dbn/tests/data/";
const MBP1 = `${DBN_TESTS}test_data.mbp-1.v3.dbn.zst`;
const TBBO = `${DBN_TESTS}test_data.tbbo.v3.dbn.zst`;
const MBP10 = `${DBN_TESTS}test_data.mbp-10.v3.dbn.zst`;
const BBO1S = `${DBN_TESTS}test_data.bbo-1s.v3.dbn.zst`;
const ESU4 = "../shared/fixtures/databento/nautilus_trader/tests/test_data/databento/historical_bars_catalog/databento/futures_mbp-1_2024-07-01T23-58_2024-07-02T00-02.dbn.zst";
const ES = getContractSpec("ES");
const TICK = ES.tickSizeNano;

type QuoteRecord = Mbp1Record | Mbp10Record | BboRecord;

function decodedQuotes(file: string): QuoteRecord[] {
  return decodeDbnSync(readFileSync(file)).records.filter((r): r is QuoteRecord => r.kind === "mbp-1" || r.kind === "mbp-10" || r.kind === "bbo");
}

interface Row {
  tsNs: bigint;
  tsEventNs: bigint;
  bid: number;
  ask: number;
  bidSize: number;
  askSize: number;
  bidCount: number;
  askCount: number;
  trade: boolean;
}

/** What the store must hold for a decoded record (independent of the importer's code). */
function expectedRow(r: QuoteRecord): Row {
  const l = r.levels[0];
  const ticks = (px: bigint | null) => (px === null ? Number.NaN : Number(px / TICK));
  return {
    tsNs: r.tsRecvNs,
    tsEventNs: r.tsEventNs,
    bid: ticks(l.bidPxNano),
    ask: ticks(l.askPxNano),
    bidSize: l.bidPxNano === null ? 0 : l.bidSize!,
    askSize: l.askPxNano === null ? 0 : l.askSize!,
    bidCount: l.bidCount ?? 0,
    askCount: l.askCount ?? 0,
    trade: r.kind !== "bbo" && r.action === "T",
  };
}

async function storedRows(db: TestDatabase, datasetId: number): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const c of readQuotes(db.pool, { datasetId, blocksPerPage: 1 })) rows.push(...rowsOf(c));
  return rows;
}

function rowsOf(c: QuoteColumns): Row[] {
  const out: Row[] = [];
  for (let i = 0; i < c.length; i++) {
    const tsNs = c.baseNs + BigInt(c.tsRecvOffsetNs[i]);
    out.push({
      tsNs,
      tsEventNs: tsNs + BigInt(c.tsEventDeltaNs[i]),
      bid: c.bidTicks[i],
      ask: c.askTicks[i],
      bidSize: c.bidSize[i],
      askSize: c.askSize[i],
      bidCount: c.bidCount[i],
      askCount: c.askCount[i],
      trade: (c.kind[i] & QUOTE_KIND.TRADE) !== 0,
    });
  }
  return out;
}

describe("quote datasets: DBN MBP-1 / TBBO / BBO / MBP-10 imports store quotes and trades; l1-quotes runs on them (real PostgreSQL)", () => {
  let db: TestDatabase;
  let boss: PgBoss;
  let principal: Principal;

  beforeAll(async () => {
    db = await createTestDatabase();
    await bootstrapTestDatabase(db);
    boss = await startBoss(db.url, "sender");
    const admin = await db.prisma.user.findFirstOrThrow();
    principal = { userId: admin.id, email: admin.email, name: admin.name, role: "admin", via: "token" };
  });
  afterAll(async () => {
    await boss?.stop({ graceful: false, wait: true });
    await db?.drop();
  });

  const datasetOf = (name: string) => db.prisma.dataset.findUniqueOrThrow({ where: { name } });

  it("stores every record of the Databento MBP-1 sample as a quote, exactly (golden values)", async () => {
    const report = (await importTrades(db.prisma, db.pool, { files: [MBP1], dataset: "esh1-mbp1" })) as QuoteImportReport;
    // Both records are adds (no trade): 2 quotes, 0 trades.
    expect(report).toMatchObject({ format: "dbn", schema: "mbp-1", read: 0, accepted: 0, quotes: { read: 2, accepted: 2, rejected: 0 } });
    const ds = await datasetOf("esh1-mbp1");
    expect(ds.schema).toBe("mbp-1");
    const rows = await storedRows(db, ds.id);
    // 3720.25 / 0.25 = 14881 ticks, 3720.50 / 0.25 = 14882.
    expect(rows).toEqual([
      { tsNs: 1609160400006136329n, tsEventNs: 1609160400006001487n, bid: 14881, ask: 14882, bidSize: 24, askSize: 11, bidCount: 15, askCount: 9, trade: false },
      { tsNs: 1609160400006246513n, tsEventNs: 1609160400006146661n, bid: 14881, ask: 14882, bidSize: 24, askSize: 12, bidCount: 15, askCount: 10, trade: false },
    ]);
  });

  it("stores TBBO quotes marked as trades with their trades, BBO quotes without trades, and MBP-10 as an mbp-10 dataset", async () => {
    const tbbo = (await importTrades(db.prisma, db.pool, { files: [TBBO], dataset: "esh1-tbbo" })) as QuoteImportReport;
    expect(tbbo).toMatchObject({ read: 2, accepted: 2, quotes: { accepted: 2 } });
    const tRows = await storedRows(db, (await datasetOf("esh1-tbbo")).id);
    expect(tRows).toEqual(decodedQuotes(TBBO).map(expectedRow));
    expect(tRows.every((r) => r.trade)).toBe(true);

    const bbo = (await importTrades(db.prisma, db.pool, { files: [BBO1S], dataset: "esh1-bbo" })) as QuoteImportReport;
    expect(bbo).toMatchObject({ read: 0, accepted: 0, quotes: { read: 4, accepted: 4 } });
    expect(await storedRows(db, (await datasetOf("esh1-bbo")).id)).toEqual(decodedQuotes(BBO1S).map(expectedRow));

    const mbp10 = (await importTrades(db.prisma, db.pool, { files: [MBP10], dataset: "esh1-mbp10" })) as QuoteImportReport;
    expect(mbp10).toMatchObject({ schema: "mbp-10", quotes: { accepted: 2 } });
    const ds = await datasetOf("esh1-mbp10");
    expect(ds.schema).toBe("mbp-10");
    expect(await storedRows(db, ds.id)).toEqual(decodedQuotes(MBP10).map(expectedRow));
  });

  it("imports the ESU4 MBP-1 file: one quote per record, the same trades as the DBN trade decoder, idempotent", async () => {
    const records = decodedQuotes(ESU4);
    expect(records).toHaveLength(2288);
    const report = (await importTrades(db.prisma, db.pool, { files: [ESU4], dataset: "esu4-quotes", instrument: "ESU4" })) as QuoteImportReport;
    expect(report).toMatchObject({ read: 120, accepted: 120, rejected: 0, instruments: ["ESU4"], quotes: { read: 2288, rejected: 0 } });
    const crossedOrLocked = records.map(expectedRow).filter((r) => r.bid >= r.ask).length;
    expect(report.quotes.flagged).toBe(crossedOrLocked);
    const ds = await datasetOf("esu4-quotes");
    expect(ds.recordCount).toBe(120n);
    expect(await countQuotes(db.pool, ds.id)).toBe(2288);
    expect(await storedRows(db, ds.id)).toEqual(records.map(expectedRow));

    // Trades: exactly those of the columnar trade decoder (the trades import path).
    const expected: Array<[bigint, number, number, number]> = [];
    for await (const b of decodeTradeColumns(readFileSync(ESU4), { tickSizeNano: TICK })) {
      for (let i = 0; i < b.columns.length; i++) expected.push([b.columns.baseNs + BigInt(b.columns.tsOffsetNs[i]), b.columns.priceTicks[i], b.columns.size[i], b.columns.side[i]]);
    }
    const stored: typeof expected = [];
    for await (const b of readTrades(db.pool, { datasetId: ds.id, tickSizeNano: TICK })) {
      for (let i = 0; i < b.length; i++) stored.push([b.baseNs + BigInt(b.tsOffsetNs[i]), b.priceTicks[i], b.size[i], b.side[i]]);
    }
    expect(stored).toHaveLength(120);
    expect(stored).toEqual(expected);

    const again = await importTrades(db.prisma, db.pool, { files: [ESU4], dataset: "esu4-quotes", instrument: "ESU4" });
    expect(again).toMatchObject({ skipped: true, importRunId: report.importRunId });
    expect(await countQuotes(db.pool, ds.id)).toBe(2288);
  });

  it("is all-or-nothing: a truncated second file leaves nothing behind", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tb-quotes-"));
    const plain = join(dir, "esu4.mbp-1.dbn");
    const bytes = zstdDecompress(readFileSync(ESU4));
    writeFileSync(plain, bytes.subarray(0, bytes.length - 17));
    await expect(importTrades(db.prisma, db.pool, { files: [MBP1, plain], dataset: "broken-quotes", instrument: "ESU4" })).rejects.toThrow(/truncated|corrupt/i);
    expect(await db.prisma.dataset.findUnique({ where: { name: "broken-quotes" } })).toBeNull();
    const { rows } = await db.pool.query("SELECT count(*)::int AS n FROM quote_blocks qb LEFT JOIN datasets d ON d.id = qb.dataset_id WHERE d.id IS NULL");
    expect(rows[0].n).toBe(0);
  });

  it("runs book-imbalance on l1-quotes through the run executor, with the result of the same replay in memory", async () => {
    const config = { fillModel: "l1-quotes" as const, latencyMs: 0, feePerSideUsd: 0 };
    const params = { threshold: 0.5, exitTicks: 1, timeoutSeconds: 5 };
    const deps = { db: db.prisma, boss, runTimeLimitSec: 600, stallAfterSec: 2 };
    const run = await createRun(deps, principal, { datasetName: "esu4-quotes", strategyId: "book-imbalance", params, config } as CreateRunInput);
    await executeRun(inProcessExecutor(db, { findStrategy, chunkEvents: 500 }), run.id);
    const row = await runRow(db, run.id);
    expect(row).toMatchObject({ status: "succeeded" });
    expect(row.processed).toBe(2288 + 120);
    const stored = await db.prisma.runResult.findUniqueOrThrow({ where: { runId: run.id } });

    const ds = await datasetOf("esu4-quotes");
    // The same feed replayed in memory (one slice per 500 events, as the run) gives the same fills.
    const replay = new BookBacktestEngine({
      instrument: instrumentFromContractSpec(ES, 0),
      strategy: bookImbalance,
      params: bookImbalance.paramsSchema.parse(params),
      fillModel: "l1-quotes",
      startingCashCents: 10_000_000,
      seed: run.seed,
      tickSizeNano: TICK,
      eventUnit: "event",
    });
    let events = 0;
    for await (const b of readQuoteFeed(db.pool, { datasetId: ds.id, tickSizeNano: TICK, maxEvents: 500 })) {
      replay.processBatch(b.columns, 0, b.columns.length);
      events += b.events;
    }
    expect(events).toBe(2288 + 120);
    const result = replay.finish();
    expect(result.events).toBe(2288 + 120);
    expect(result.fills.length).toBeGreaterThan(2);
    expect(result.fills.every((f) => f.reason.model === "l1-quotes" || f.reason.model === "end-of-data")).toBe(true);
    expect(stored.tradeCount).toBe(result.trades.length);
    expect((stored.metrics as { netPnlCents: number }).netPnlCents).toBe(result.metrics.netPnlCents);
    expect(stored.resultHash).toBe(resultHash(result));

    // The production path: the same run in the worker's sandbox thread gives the same result.
    const sandboxed = await createRun(deps, principal, { datasetName: "esu4-quotes", strategyId: "book-imbalance", params, config } as CreateRunInput);
    const sandbox = { databaseUrl: db.url, memoryMb: 512, handlerBudgetMs: 10_000, testStrategies: false };
    await executeRun(inProcessExecutor(db, { sandbox, chunkEvents: 500 }), sandboxed.id);
    expect(await runRow(db, sandboxed.id)).toMatchObject({ status: "succeeded", processed: 2288 + 120 });
    expect((await db.prisma.runResult.findUniqueOrThrow({ where: { runId: sandboxed.id } })).resultHash).toBe(stored.resultHash);
  });

  it("refuses queue fill models on quote data and l1-quotes on trades-only data, with clear messages", async () => {
    await seedDataset(db, "trades-only");
    const deps = { db: db.prisma, boss, runTimeLimitSec: 600, stallAfterSec: 2 };
    const l2 = await createRun(deps, principal, { datasetName: "esu4-quotes", strategyId: "book-imbalance", params: {}, config: { fillModel: "l2-queue" } } as CreateRunInput);
    await executeRun(inProcessExecutor(db, { findStrategy }), l2.id);
    expect(await runRow(db, l2.id)).toMatchObject({ status: "failed", error: expect.stringMatching(/l2-queue needs order-by-order \(MBO\) data.*top-of-book quotes: choose l1-quotes/) });
    const l1 = await createRun(deps, principal, { datasetName: "trades-only", strategyId: "book-imbalance", params: {}, config: { fillModel: "l1-quotes" } } as CreateRunInput);
    await executeRun(inProcessExecutor(db, { findStrategy }), l1.id);
    expect(await runRow(db, l1.id)).toMatchObject({ status: "failed", error: expect.stringMatching(/l1-quotes needs order-by-order \(MBO\) data.*trades only/) });
  });
});
