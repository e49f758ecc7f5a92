import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type PgBoss from "pg-boss";
import { createTestDatabase, type TestDatabase } from "./db";
import { bootstrapTestDatabase, inProcessExecutor, runRow } from "./support/system";
import { decodeDbnSync } from "../lib/data/dbn";
import { decodeMboFile } from "../lib/data/dbn/dbn-file";
import type { Mbp10Record } from "../lib/data/dbn/records-market";
import { encodeMetadata } from "../lib/data/dbn/test-support";
import { countDepth, countDepthEvents, readDepth } from "../lib/data/depth-blocks";
import type { QuoteImportReport } from "../lib/data/import/import-dbn-quotes";
import { importDbnMbo } from "../lib/data/import/import-dbn-mbo";
import { importTrades } from "../lib/data/import/import-trades";
import { countQuotes } from "../lib/data/quote-blocks";
import { countTrades } from "../lib/data/tick-blocks";
import { DEPTH_LEVELS, type DepthColumns } from "../lib/engine/depth/depth-columns";
import { depthFromMbo } from "../lib/engine/depth/depth-from-mbo";
import { QUEUE_MODEL_NAMES, type QueueModelName } from "../lib/engine/book/queue-model";
import type { Fill } from "../lib/engine/fill";
import type { BacktestResult } from "../lib/engine/result";
import { resultHash } from "../lib/engine/result-hash";
import { startBoss } from "../lib/jobs/queue";
import { getContractSpec } from "../lib/market/contract-spec";
import type { MboColumns } from "../lib/market/mbo-columns";
import { finishBacktest, prepareBacktest, replaySlices } from "../lib/runs/backtest-replay";
import { executeRun } from "../lib/runs/run-executor";
import { createRun } from "../lib/runs/run-service";
import type { CreateRunInput } from "../lib/runs/run-config";
import { findStrategy } from "../lib/strategies";
import { fillModelsForDataset } from "../lib/ui/workflow-datasets";
import type { Principal } from "../lib/auth/roles";

const DBN_TESTS = "../shared/fixtures/databento/databento-dbn/tests/data/";
const MBP10 = `${DBN_TESTS}test_data.mbp-10.v3.dbn.zst`;
const MBP10_PY = "../shared/fixtures/databento/databento-python/tests/data/GLBX.MDP3/test_data.mbp-10.dbn.zst";
const ESH4_MBO = "../shared/fixtures/databento/nautilus_trader/tests/test_data/databento/esh4-glbx-mdp3-20231225.mbo.dbn.zst";
const ES = getContractSpec("ES");
const TICK = ES.tickSizeNano;
const UNDEF_PRICE = 0x7fffffffffffffffn;
const DAY_NS = 86_400_000_000_000n;

/** One stored or decoded MBP-10 record, prices in ticks (NaN: undefined), levels best first. */
interface Row {
  tsNs: bigint;
  tsEventNs: bigint;
  action: string;
  side: string;
  depth: number;
  flags: number;
  price: number;
  size: number;
  bids: number[][];
  asks: number[][];
}

/** What the store must hold for a decoded record (independent of the importer's code). */
function expectedRow(r: Mbp10Record): Row {
  const ticks = (px: bigint | null) => (px === null ? Number.NaN : Number(px / TICK));
  const side = (px: bigint | null, size: number | null, count: number | null) => (px === null ? [Number.NaN, 0, 0] : [ticks(px), size ?? 0, count ?? 0]);
  return {
    tsNs: r.tsRecvNs,
    tsEventNs: r.tsEventNs,
    action: r.action,
    side: r.side,
    depth: r.depth,
    flags: r.flags,
    price: ticks(r.priceNano),
    size: r.size ?? 0,
    bids: r.levels.map((l) => side(l.bidPxNano, l.bidSize, l.bidCount)),
    asks: r.levels.map((l) => side(l.askPxNano, l.askSize, l.askCount)),
  };
}

function rowsOf(c: DepthColumns): Row[] {
  const out: Row[] = [];
  for (let i = 0; i < c.length; i++) {
    const tsNs = c.baseNs + BigInt(c.tsRecvOffsetNs[i]);
    const levels = (px: Float64Array, size: Uint32Array, count: Uint32Array) =>
      Array.from({ length: DEPTH_LEVELS }, (_, k) => [px[i * DEPTH_LEVELS + k], size[i * DEPTH_LEVELS + k], count[i * DEPTH_LEVELS + k]]);
    out.push({
      tsNs,
      tsEventNs: tsNs + BigInt(c.tsEventDeltaNs[i]),
      action: String.fromCharCode(c.action[i]),
      side: String.fromCharCode(c.side[i]),
      depth: c.depth[i],
      flags: c.flags[i],
      price: c.priceTicks[i],
      size: c.size[i],
      bids: levels(c.bidTicks, c.bidSize, c.bidCount),
      asks: levels(c.askTicks, c.askSize, c.askCount),
    });
  }
  return out;
}

async function storedDepth(db: TestDatabase, datasetId: number): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const c of readDepth(db.pool, { datasetId, blocksPerPage: 1 })) rows.push(...rowsOf(c));
  return rows;
}

/** A DBN MBP-10 record (368 bytes, layout: DOMAIN.md section 4). */
function encodeMbp10(r: Row, instrumentId: number, sequence: number): Uint8Array {
  const out = new Uint8Array(368);
  const dv = new DataView(out.buffer);
  const nano = (ticks: number) => (ticks === ticks ? BigInt(ticks) * TICK : UNDEF_PRICE);
  out[0] = 368 / 4;
  out[1] = 0x0a;
  dv.setUint16(2, 1, true);
  dv.setUint32(4, instrumentId, true);
  dv.setBigUint64(8, r.tsEventNs, true);
  dv.setBigInt64(16, nano(r.price), true);
  dv.setUint32(24, r.size, true);
  out[28] = r.action.charCodeAt(0);
  out[29] = r.side.charCodeAt(0);
  out[30] = r.flags;
  out[31] = r.depth;
  dv.setBigUint64(32, r.tsNs, true);
  dv.setInt32(40, 1000, true);
  dv.setUint32(44, sequence, true);
  for (let k = 0; k < DEPTH_LEVELS; k++) {
    const at = 48 + 32 * k;
    dv.setBigInt64(at, nano(r.bids[k][0]), true);
    dv.setBigInt64(at + 8, nano(r.asks[k][0]), true);
    dv.setUint32(at + 16, r.bids[k][1], true);
    dv.setUint32(at + 20, r.asks[k][1], true);
    dv.setUint32(at + 24, r.bids[k][2], true);
    dv.setUint32(at + 28, r.asks[k][2], true);
  }
  return out;
}

const DIR = mkdtempSync(join(tmpdir(), "tb-depth-"));

/** Writes an ESH4 MBP-10 DBN file (v3, instrument 17077) of `rows`; returns its path. */
function mbp10File(name: string, rows: readonly Row[]): string {
  const meta = encodeMetadata({
    version: 3,
    schema: 2,
    symbols: ["ESH4"],
    mappings: [{ rawSymbol: "ESH4", intervals: [{ startDate: 20231224, endDate: 20240101, symbol: "17077" }] }],
  });
  const path = join(DIR, name);
  const bytes = new Uint8Array(meta.length + 368 * rows.length);
  bytes.set(meta);
  rows.forEach((r, i) => bytes.set(encodeMbp10(r, 17077, i + 1), meta.length + 368 * i));
  writeFileSync(path, bytes);
  return path;
}

/** A hand-made record: ESH4 around 4800.00 (19200 ticks), levels as [ticks, size, count]. */
function row(t: number, bids: number[][], asks: number[][], fields: Partial<Row> = {}): Row {
  const pad = (levels: number[][]) => [...levels, ...Array.from({ length: DEPTH_LEVELS - levels.length }, () => [Number.NaN, 0, 0])];
  const tsNs = 1_703_545_200_000_000_000n + BigInt(t) * 1_000_000n; // 2023-12-25T23:00Z + t ms
  return { tsNs, tsEventNs: tsNs - 5_000n, action: "A", side: "B", depth: 0, flags: 128, price: bids[0]?.[0] ?? Number.NaN, size: 1, bids: pad(bids), asks: pad(asks), ...fields };
}

const fillKey = (f: Fill) => [f.orderId, f.side, f.qty, f.priceTicks, f.tsNs, f.reason.rule ?? null, f.reason.queuePosition ?? null, f.reason.model];

describe("MBP-10 depth: import, storage and l2-queue runs on it (real PostgreSQL)", () => {
  let db: TestDatabase;
  let boss: PgBoss;
  let principal: Principal;
  let mbo: MboColumns;
  /** MBP-10 with its trades derived from the real ESH4 MBO day (depth-from-mbo.ts). */
  let derived: Row[];

  beforeAll(async () => {
    db = await createTestDatabase();
    await bootstrapTestDatabase(db);
    boss = await startBoss(db.url, "sender");
    const admin = await db.prisma.user.findFirstOrThrow();
    principal = { userId: admin.id, email: admin.email, name: admin.name, role: "admin", via: "token" };
    const batches: MboColumns[] = [];
    for await (const b of decodeMboFile(ESH4_MBO, { batchSize: 1_000_000 })) batches.push(b);
    mbo = batches[0];
    derived = rowsOf(depthFromMbo(mbo, Number(TICK)));
  });
  afterAll(async () => {
    await boss?.stop({ graceful: false, wait: true });
    await db?.drop();
  });

  const datasetOf = (name: string) => db.prisma.dataset.findUniqueOrThrow({ where: { name } });

  it("stores the ten levels of Databento's MBP-10 samples exactly as decoded, next to their quotes", async () => {
    for (const [file, name] of [
      [MBP10, "esh1-mbp10"],
      [MBP10_PY, "esh1-mbp10-py"],
    ] as const) {
      const records = decodeDbnSync(readFileSync(file)).records.filter((r): r is Mbp10Record => r.kind === "mbp-10");
      const report = (await importTrades(db.prisma, db.pool, { files: [file], dataset: name })) as QuoteImportReport;
      expect(report).toMatchObject({ schema: "mbp-10", quotes: { read: records.length, accepted: records.length, rejected: 0 }, depth: { accepted: records.length } });
      const ds = await datasetOf(name);
      expect(ds.schema).toBe("mbp-10");
      const stored = await storedDepth(db, ds.id);
      expect(stored).toEqual(records.map(expectedRow));
      // Ten present levels a side in both samples (e.g. 3720.25 / 0.25 = 14881 ticks, 24 lots, 15 orders).
      expect(stored[0].bids[0]).toEqual(file === MBP10 ? [14881, 24, 15] : [14809, 19, 11]);
      expect(stored.every((r) => r.bids.every((l) => !Number.isNaN(l[0])) && r.asks.every((l) => !Number.isNaN(l[0])))).toBe(true);
      expect(await countDepth(db.pool, ds.id)).toBe(await countQuotes(db.pool, ds.id));
    }
  });

  it("extends the quote rules to the ten levels: off-grid and priceless levels and disordered sides reject the record, crossed tops are flagged", async () => {
    const good = row(0, [[19200, 5, 2], [19199, 7, 3]], [[19201, 4, 1], [19202, 9, 2]]);
    const rows = [
      good,
      row(1, [[19200, 5, 2], [19199, 7, 3], [19198.5, 1, 1]], [[19201, 4, 1]]), // level 2 off the 0.25 grid
      row(2, [[19200, 5, 2]], [[19201, 4, 1], [Number.NaN, 3, 1]]), // level 1 ask: a size, no price
      row(3, [[19200, 5, 2], [19201, 1, 1]], [[19202, 4, 1]]), // bids not descending
      row(4, [[19202, 5, 2]], [[19201, 4, 1]], { action: "T", side: "A", price: 19202, size: 2, flags: 0 }), // crossed top: kept, flagged
      row(5, [[19200, 5, 2]], [[19201, 4, 1]], { action: "T", side: "B", price: 19201.5, size: 1 }), // the trade is off the grid, the book is fine
    ];
    // Level 2 off the grid needs a price the encoder cannot write in ticks: patch the bytes.
    const file = mbp10File("rules.mbp-10.dbn", rows.map((r) => ({ ...r, bids: r.bids.map((l) => [Number.isInteger(l[0]) || Number.isNaN(l[0]) ? l[0] : Math.floor(l[0]), l[1], l[2]]), price: Number.isInteger(r.price) || Number.isNaN(r.price) ? r.price : Math.floor(r.price) })));
    const bytes = readFileSync(file);
    const dv = new DataView(bytes.buffer, bytes.byteOffset);
    const recordAt = (k: number) => bytes.length - 368 * (rows.length - k);
    dv.setBigInt64(recordAt(1) + 48 + 32 * 2, 19198n * TICK + TICK / 2n, true);
    dv.setBigInt64(recordAt(5) + 16, 19201n * TICK + TICK / 2n, true);
    writeFileSync(file, bytes);

    const report = (await importTrades(db.prisma, db.pool, { files: [file], dataset: "rules-mbp10" })) as QuoteImportReport;
    expect(report.quotes).toMatchObject({
      read: 6,
      accepted: 3,
      rejected: 3,
      rejectedByReason: { depth_off_tick_grid: 1, depth_undefined_price: 1, depth_inconsistent_levels: 1, flag_crossed_quote: 1 },
      flagged: 1,
    });
    expect(report.depth).toEqual({ accepted: 3 });
    // The trades: the crossed record's is stored, the off-grid one quarantined (as before).
    expect(report).toMatchObject({ read: 2, accepted: 1, rejectedByReason: { off_tick_grid: 1 } });
    const ds = await datasetOf("rules-mbp10");
    const stored = await storedDepth(db, ds.id);
    expect(stored.map((r) => [r.tsNs, r.action, r.price])).toEqual([
      [rows[0].tsNs, "A", 19200],
      [rows[4].tsNs, "T", 19202],
      [rows[5].tsNs, "T", Number.NaN], // its price off the grid: kept as undefined
    ]);
    expect(stored[0]).toEqual(rows[0]);
    const reasons = await db.prisma.quarantinedRecord.findMany({ where: { importRunId: report.importRunId! }, orderBy: { recordIndex: "asc" }, select: { recordIndex: true, reason: true } });
    expect(reasons.map((r) => [Number(r.recordIndex), r.reason])).toEqual([
      [1, "depth_off_tick_grid"],
      [2, "depth_undefined_price"],
      [3, "depth_inconsistent_levels"],
      [4, "flag_crossed_quote"],
      [5, "off_tick_grid"],
    ]);
    expect(await countQuotes(db.pool, ds.id)).toBe(3);
  });

  it("is all-or-nothing: a failed or cancelled import leaves no depth, quotes or trades behind", async () => {
    const first = mbp10File("esh4-a.mbp-10.dbn", derived);
    // A truncated second file fails the whole import.
    const whole = readFileSync(first);
    const cut = join(DIR, "esh4-cut.mbp-10.dbn");
    writeFileSync(cut, whole.subarray(0, whole.length - 100));
    await expect(importTrades(db.prisma, db.pool, { files: [first, cut], dataset: "broken-depth" })).rejects.toThrow(/truncated|corrupt/i);
    expect(await db.prisma.dataset.findUnique({ where: { name: "broken-depth" } })).toBeNull();
    const orphans = await db.pool.query("SELECT count(*)::int AS n FROM depth_blocks d LEFT JOIN datasets s ON s.id = d.dataset_id WHERE s.id IS NULL");
    expect(orphans.rows[0].n).toBe(0);

    // A cancel into an existing dataset rolls back everything it wrote (four shifted copies of the
    // day: more than one depth block is written before the cancel is seen).
    const before = (await importTrades(db.prisma, db.pool, { files: [MBP10], dataset: "cancel-depth" })) as QuoteImportReport;
    expect(before.depth?.accepted).toBe(2);
    const version = (await datasetOf("cancel-depth")).version;
    const copies = [1n, 2n, 3n, 4n].flatMap((k) => derived.map((r) => ({ ...r, tsNs: r.tsNs + k * DAY_NS, tsEventNs: r.tsEventNs + k * DAY_NS })));
    const big = mbp10File("esh4-x4.mbp-10.dbn", copies);
    const controller = new AbortController();
    await expect(
      importTrades(db.prisma, db.pool, { files: [big], dataset: "cancel-depth", instrument: "ESH1", onProgress: () => controller.abort(), signal: controller.signal }),
    ).rejects.toMatchObject({ code: "cancelled" });
    const ds = await datasetOf("cancel-depth");
    expect(await countDepth(db.pool, ds.id)).toBe(2);
    expect(await countQuotes(db.pool, ds.id)).toBe(2);
    expect(await db.prisma.depthBlock.count({ where: { datasetId: ds.id } })).toBe(1);
    expect(ds.version).toBe(version);
    const failed = await db.prisma.importRun.findFirstOrThrow({ where: { datasetId: ds.id, status: "failed" } });
    expect(failed.error).toBe("cancelled");
  });

  describe("golden: l2-queue on MBP-10 derived from the ESH4 MBO day against l2-queue on the MBO itself", () => {
    beforeAll(async () => {
      await importDbnMbo(db.prisma, db.pool, { files: [ESH4_MBO], dataset: "esh4-mbo", instrument: "ESH4" });
      const report = (await importTrades(db.prisma, db.pool, { files: [mbp10File("esh4.mbp-10.dbn", derived)], dataset: "esh4-mbp10" })) as QuoteImportReport;
      expect(report.quotes.rejected).toBe(0);
      expect(report.depth?.accepted).toBe(derived.length);
    });

    it("stores the derived records exactly (40 k records for 68,792 MBO records)", async () => {
      const ds = await datasetOf("esh4-mbp10");
      expect(derived.length).toBeGreaterThan(30_000);
      expect(await storedDepth(db, ds.id)).toEqual(derived);
      expect(ds.schema).toBe("mbp-10");
      // Its trades are the MBO file's trades (the T records).
      expect(await countTrades(db.pool, ds.id)).toBe(await countTrades(db.pool, (await datasetOf("esh4-mbo")).id));
    });

    /** A backtest through the production replay (backtest-replay.ts), in-process. */
    async function backtest(dataset: string, queueModel: QueueModelName, fillModel = "l2-queue", window: { from?: string; to?: string } = {}): Promise<{ result: BacktestResult; events: number }> {
      const ds = await datasetOf(dataset);
      const prepared = await prepareBacktest(db.prisma, {
        strategyId: "passive-market-maker",
        params: {},
        config: { fillModel, queueModel, latencyMs: 1, feePerSideUsd: 0, ...window },
        datasetId: ds.id,
        datasetName: dataset,
        seed: 0,
      });
      let events = 0;
      for await (const n of replaySlices(db.pool, prepared, 5_000)) events += n;
      return { result: finishBacktest(prepared), events };
    }

    // Why identical: the depth events are the MBO events that traded or changed the ten levels,
    // with the same first and last receive times (depth-from-mbo.ts), so the trades, the level
    // sizes at our price and every change of the best prices reach the engine at the same times;
    // the MBO events missing from the depth change nothing within ten levels, so an order arriving
    // at one of them meets the same displayed size as at the next depth event; and this strategy
    // only acts when the best moves or after a fill (both in the two streams). Orders stay at the
    // best, far inside ten levels.
    it.each(QUEUE_MODEL_NAMES)("passive-market-maker fills identically on both (%s)", async (queueModel) => {
      const onMbo = await backtest("esh4-mbo", queueModel);
      const onDepth = await backtest("esh4-mbp10", queueModel);
      expect(onDepth.result.fills.length).toBeGreaterThan(200);
      expect(onDepth.result.fills.map(fillKey)).toEqual(onMbo.result.fills.map(fillKey));
      expect(onDepth.result.fills.some((f) => f.reason.rule === "queue")).toBe(true);
      expect(onDepth.result.metrics.netPnlCents).toBe(onMbo.result.metrics.netPnlCents);
      expect(onDepth.result.trades.length).toBe(onMbo.result.trades.length);
      // The depth replay counts book events (one per MBP-10 record with LAST), as its count does.
      expect(onDepth.events).toBe(onDepth.result.events);
      expect(onDepth.events).toBe(await countDepthEvents(db.pool, (await datasetOf("esh4-mbp10")).id));
      expect(onDepth.events).toBe(derived.filter((r) => (r.flags & 128) !== 0).length);
    });

    it("replays a from/to window as on MBO: the whole book history before `from`, the strategy inside the window", async () => {
      const window = { from: "2023-12-25T23:10:00Z", to: "2023-12-25T23:40:00Z" };
      const onMbo = await backtest("esh4-mbo", "power-2", "l2-queue", window);
      const onDepth = await backtest("esh4-mbp10", "power-2", "l2-queue", window);
      const [fromNs, toNs] = [BigInt(Date.parse(window.from)) * 1_000_000n, BigInt(Date.parse(window.to)) * 1_000_000n];
      const traded = (r: BacktestResult) => r.fills.filter((f) => f.reason.model !== "end-of-data");
      expect(traded(onDepth.result).length).toBeGreaterThan(50);
      expect(traded(onDepth.result).every((f) => f.tsNs >= fromNs && f.tsNs < toNs)).toBe(true);
      expect(traded(onDepth.result).map(fillKey)).toEqual(traded(onMbo.result).map(fillKey));
      // The end-of-data close happens at the last record before `to`: an MBO record that changed
      // nothing within ten levels has no MBP-10 record, so only its time may differ.
      const closes = (r: BacktestResult) => r.fills.filter((f) => f.reason.model === "end-of-data").map((f) => [f.side, f.qty, f.priceTicks]);
      expect(closes(onDepth.result)).toEqual(closes(onMbo.result));
      expect(onDepth.result.metrics.netPnlCents).toBe(onMbo.result.metrics.netPnlCents);
      // The replay stops at `to`: the book events before it (the strategy's window starts inside).
      expect(onDepth.events).toBe(derived.filter((r) => (r.flags & 128) !== 0 && r.tsNs < toNs).length);
    });

    it("runs through the run executor with the replay's result; l1-quotes runs on the depth too", async () => {
      const deps = { db: db.prisma, boss, runTimeLimitSec: 600, stallAfterSec: 2 };
      const config = { fillModel: "l2-queue" as const, queueModel: "power-2" as const, latencyMs: 1, feePerSideUsd: 0 };
      const run = await createRun(deps, principal, { datasetName: "esh4-mbp10", strategyId: "passive-market-maker", params: {}, config } as CreateRunInput);
      await executeRun(inProcessExecutor(db, { findStrategy, chunkEvents: 5_000 }), run.id);
      const events = derived.filter((r) => (r.flags & 128) !== 0).length;
      const done = await runRow(db, run.id);
      expect(done.error).toBeNull();
      expect(done).toMatchObject({ status: "succeeded", processed: events, progress: 1 });
      const stored = await db.prisma.runResult.findUniqueOrThrow({ where: { runId: run.id } });
      const replayed = (await backtest("esh4-mbp10", "power-2")).result;
      expect(stored.resultHash).toBe(resultHash(replayed));
      // power-2 estimates fractional sizes ahead: run_fills keeps them as the engine reported them.
      const { rows: fills } = await db.pool.query<{ queue_position: number | null }>("SELECT queue_position FROM run_fills WHERE run_id = $1 ORDER BY seq", [run.id]);
      expect(fills.map((f) => f.queue_position)).toEqual(replayed.fills.map((f) => f.reason.queuePosition ?? null));
      expect(fills.some((f) => f.queue_position !== null && !Number.isInteger(f.queue_position))).toBe(true);

      const l1 = await backtest("esh4-mbp10", "risk-averse", "l1-quotes");
      expect(l1.result.fills.length).toBeGreaterThan(10);
      expect(l1.result.fills.every((f) => f.reason.model === "l1-quotes" || f.reason.model === "end-of-data")).toBe(true);
    });

    it("refuses l3-fifo on MBP-10 data with a clear message (422 at creation), and offers l1-trades, l1-quotes and l2-queue", async () => {
      const deps = { db: db.prisma, boss, runTimeLimitSec: 600, stallAfterSec: 2 };
      const input = { datasetName: "esh4-mbp10", strategyId: "passive-market-maker", params: {}, config: { fillModel: "l3-fifo" } } as CreateRunInput;
      await expect(createRun(deps, principal, input)).rejects.toMatchObject({ code: "unprocessable", message: expect.stringMatching(/l3-fifo needs order-by-order \(MBO\) data; dataset esh4-mbp10 holds mbp-10 price levels: choose l2-queue or l1-quotes/) });
      await expect(backtest("esh4-mbp10", "risk-averse", "l3-fifo")).rejects.toThrow(/l3-fifo needs order-by-order \(MBO\) data.*MBP-10 price levels/);
      const ds = await datasetOf("esh4-mbp10");
      expect(fillModelsForDataset({ kind: ds.kind as "single", schema: ds.schema }, ["l1-trades", "l1-quotes", "l2-queue", "l3-fifo"])).toEqual(["l1-trades", "l1-quotes", "l2-queue"]);
    });
  });
});
