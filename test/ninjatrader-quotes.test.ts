import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createTestDatabase, type TestDatabase } from "./db";
import { bootstrapTestDatabase, inProcessExecutor, runRow } from "./support/system";
import type { Principal } from "../lib/auth/roles";
import type { QuoteImportReport } from "../lib/data/import/import-dbn-quotes";
import { importTrades } from "../lib/data/import/import-trades";
import { countQuotes, readQuoteFeed, readQuotes } from "../lib/data/quote-blocks";
import { readTrades } from "../lib/data/tick-blocks";
import { BookBacktestEngine } from "../lib/engine/book/book-engine";
import type { BookStrategyHandlers } from "../lib/engine/book/book-strategy";
import { instrumentFromContractSpec } from "../lib/engine/instrument";
import { QUOTE_KIND } from "../lib/engine/quotes/quote-columns";
import { defineStrategy } from "../lib/engine/strategy";
import { startBoss } from "../lib/jobs/queue";
import { getContractSpec } from "../lib/market/contract-spec";
import { ACTION, MBO_FLAG } from "../lib/market/mbo-columns";
import { executeRun } from "../lib/runs/run-executor";
import type { CreateRunInput } from "../lib/runs/run-config";
import { createRun } from "../lib/runs/run-service";
import { findStrategy } from "../lib/strategies";
import { fillModelsForDataset } from "../lib/ui/workflow-datasets";

const MNQ = getContractSpec("MNQ");
const TICK = MNQ.tickSizeNano;

/** "20250303 143000 1234567" -> ns since the epoch (UTC), independent of the importer's code. */
function lineNs(stamp: string): bigint {
  const [d, t, f] = stamp.split(" ");
  const ms = Date.UTC(Number(d.slice(0, 4)), Number(d.slice(4, 6)) - 1, Number(d.slice(6, 8)), Number(t.slice(0, 2)), Number(t.slice(2, 4)), Number(t.slice(4, 6)));
  return BigInt(ms) * 1_000_000n + BigInt(f) * 100n;
}
/** A decimal MNQ price on the 0.25 grid -> ticks (quarters are exact in binary). */
const ticks = (price: string) => Number(price) * 4;

interface QuoteRow {
  tsNs: bigint;
  tsEventNs: bigint;
  bid: number;
  ask: number;
  bidSize: number;
  askSize: number;
  kind: number;
}

/** The quote a well-formed line must be stored as: sizes unknown (0 + SIZE_UNKNOWN), paired with its trade when `paired`. */
function expectedQuote(line: string, paired = true): QuoteRow {
  const [stamp, , bid, ask] = line.split(";");
  const ts = lineNs(stamp);
  return { tsNs: ts, tsEventNs: ts, bid: ticks(bid), ask: ticks(ask), bidSize: 0, askSize: 0, kind: QUOTE_KIND.SIZE_UNKNOWN | (paired ? QUOTE_KIND.TRADE : 0) };
}

function expectedTrade(line: string): [bigint, number, number, number] {
  const [stamp, last, bid, ask, volume] = line.split(";");
  const side = ticks(last) >= ticks(ask) ? 1 : ticks(last) <= ticks(bid) ? -1 : 0;
  return [lineNs(stamp), ticks(last), Number(volume), side];
}

describe("NinjaTrader last;bid;ask;volume exports: trades and quotes (real PostgreSQL)", () => {
  let db: TestDatabase;
  let boss: PgBoss;
  let principal: Principal;
  const dir = mkdtempSync(path.join(tmpdir(), "tb-nt-quotes-"));
  const write = (name: string, text: string) => {
    const sub = mkdtempSync(path.join(dir, "f-"));
    const file = path.join(sub, name);
    writeFileSync(file, text);
    return file;
  };

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

  async function storedQuotes(datasetId: number): Promise<QuoteRow[]> {
    const rows: QuoteRow[] = [];
    for await (const c of readQuotes(db.pool, { datasetId, blocksPerPage: 1 })) {
      for (let i = 0; i < c.length; i++) {
        const tsNs = c.baseNs + BigInt(c.tsRecvOffsetNs[i]);
        rows.push({ tsNs, tsEventNs: tsNs + BigInt(c.tsEventDeltaNs[i]), bid: c.bidTicks[i], ask: c.askTicks[i], bidSize: c.bidSize[i], askSize: c.askSize[i], kind: c.kind[i] });
      }
    }
    return rows;
  }

  async function storedTrades(datasetId: number): Promise<[bigint, number, number, number][]> {
    const out: [bigint, number, number, number][] = [];
    for await (const b of readTrades(db.pool, { datasetId, tickSizeNano: TICK })) {
      for (let i = 0; i < b.length; i++) out.push([b.baseNs + BigInt(b.tsOffsetNs[i]), b.priceTicks[i], b.size[i], b.side[i]]);
    }
    return out;
  }

  // 2025-03-03 (CST: CT = UTC-6). 14:30 UTC is inside the Globex session; 22:30 UTC (16:30 CT) is the daily break.
  const good = [
    "20250303 143000 1234567;21234.25;21234;21234.25;3",
    "20250303 143000 1234567;21234;21234;21234.25;1",
    "20250303 143000 1234567;21234.25;21234;21234.25;2",
    "20250303 143001 0000000;21234.5;21234.5;21234.25;1", // crossed: bid > ask
    "20250303 143002 0000000;21234.5;21234.5;21234.5;4", // locked: bid = ask
  ];
  const offGridQuote = "20250303 143003 0000000;21234.5;21234.1;21234.75;1";
  const offGridTrade = "20250303 143003 5000000;21234.6;21234.25;21234.75;1";
  const malformed = "20250303 143004 0000000;21234.5;x;21234.75;1";
  const duringBreak = "20250303 223000 0000000;21240;21239.75;21240;1";
  const afterBreak = "20250303 233000 0000000;21241;21240.75;21241;2";
  const truncated = "20250303 233001 00000";
  const file = [...good, offGridQuote, offGridTrade, malformed, duringBreak, afterBreak, truncated].join("\r\n");

  it("stores each line's trade and quote as in the file (sizes unknown), flags crossed/locked quotes, quarantines bad lines, schema mbp-1", async () => {
    const report = (await importTrades(db.prisma, db.pool, { files: [write("MNQ 03-25.txt", file)], dataset: "nt-quotes" })) as QuoteImportReport;
    expect(report).toMatchObject({
      format: "ninjatrader",
      schema: "mbp-1",
      instruments: ["MNQH5"],
      // Trades: 11 lines, 6 + the off-grid quote's trade + after-break stored; off-grid trade, malformed, truncated, break rejected.
      read: 11,
      accepted: 7,
      rejected: 4,
      rejectedByReason: { off_tick_grid: 1, malformed: 2, outside_session: 1 },
      quotes: {
        read: 9,
        accepted: 8,
        rejected: 1,
        rejectedByReason: { quote_off_tick_grid: 1, flag_crossed_quote: 1, flag_locked_quote: 1 },
        flagged: 2,
        flaggedByReason: { flag_crossed_quote: 1, flag_locked_quote: 1 },
      },
    });
    const ds = await datasetOf("nt-quotes");
    expect(ds.schema).toBe("mbp-1");
    expect(ds.recordCount).toBe(7n);
    expect(await storedQuotes(ds.id)).toEqual([
      ...good.map((l) => expectedQuote(l)),
      // The off-grid trade's quote is kept, not paired (its trade was rejected); so is the quote of the trade validation rejects.
      expectedQuote(offGridTrade, false),
      expectedQuote(duringBreak, false),
      expectedQuote(afterBreak),
    ]);
    expect(await storedTrades(ds.id)).toEqual([...good, offGridQuote, afterBreak].map(expectedTrade));
    const { rows } = await db.pool.query("SELECT record_index::int AS i, reason, payload->>'line' AS line FROM quarantined_records WHERE import_run_id = $1 ORDER BY record_index, reason", [report.importRunId]);
    expect(rows.map((r) => [r.i, r.reason, r.line])).toEqual([
      [4, "flag_crossed_quote", good[3]],
      [5, "flag_locked_quote", good[4]],
      [6, "quote_off_tick_grid", offGridQuote],
      [7, "off_tick_grid", offGridTrade],
      [8, "malformed", malformed],
      [9, "outside_session", duringBreak],
      [11, "malformed", truncated],
    ]);
    // The guided workflow offers l1-quotes for it.
    expect(fillModelsForDataset({ kind: ds.kind, schema: ds.schema }, ["l1-trades", "l1-quotes", "l2-queue", "l3-fifo"])).toEqual(["l1-trades", "l1-quotes"]);

    // Idempotent: the same content again changes nothing.
    const again = (await importTrades(db.prisma, db.pool, { files: [write("MNQ 03-25.txt", file)], dataset: "nt-quotes" })) as QuoteImportReport;
    expect(again).toMatchObject({ skipped: true, importRunId: report.importRunId, schema: "mbp-1", quotes: { read: 0 } });
    expect(await countQuotes(db.pool, ds.id)).toBe(8);
    expect((await datasetOf("nt-quotes")).version).toBe(ds.version);
  });

  it("keeps file order over many lines sharing timestamps, across stored blocks (streamed in batches of 65,536)", async () => {
    const n = 150_000;
    const lines: string[] = [];
    for (let i = 0; i < n; i++) {
      // Ten lines per millisecond; prices wander on the grid.
      const ms = Math.floor(i / 10);
      const stamp = `20250304 15${String(Math.floor(ms / 60_000) % 60).padStart(2, "0")}${String(Math.floor(ms / 1000) % 60).padStart(2, "0")} ${String((ms % 1000) * 10_000).padStart(7, "0")}`;
      const bid = 84_000 + (i % 7);
      const last = i % 3 === 0 ? bid : bid + 1;
      lines.push(`${stamp};${last / 4};${bid / 4};${(bid + 1) / 4};${1 + (i % 5)}`);
    }
    const report = (await importTrades(db.prisma, db.pool, { files: [write("MNQ 03-25.big.txt", `${lines.join("\n")}\n`)], dataset: "nt-big" })) as QuoteImportReport;
    expect(report).toMatchObject({ read: n, accepted: n, rejected: 0, quotes: { read: n, accepted: n, rejected: 0, flagged: 0 } });
    const ds = await datasetOf("nt-big");
    const quotes = await storedQuotes(ds.id);
    expect(quotes).toEqual(lines.map((l) => expectedQuote(l)));
    expect(await storedTrades(ds.id)).toEqual(lines.map(expectedTrade));
    // The replayed feed puts every trade right after its own quote: quote, trade, quote, trade...
    let events = 0;
    let trades = 0;
    let outOfTurn = 0;
    let tradeNext = false;
    for await (const b of readQuoteFeed(db.pool, { datasetId: ds.id, tickSizeNano: TICK, maxEvents: 65_536 })) {
      events += b.events;
      const c = b.columns;
      for (let r = 0; r < c.length; r++) {
        if ((c.flags[r] & MBO_FLAG.LAST) === 0) continue;
        const isTrade = c.action[r] === ACTION.TRADE;
        if (isTrade !== tradeNext) outOfTurn++;
        if (isTrade) trades++;
        tradeNext = !isTrade;
      }
    }
    expect(events).toBe(2 * n);
    expect(trades).toBe(n);
    expect(outOfTurn).toBe(0);
  });

  it("runs an l1-quotes backtest over the stored quotes with hand-computed fills (market at the opposite best, limits when the opposite best reaches them)", async () => {
    // price -> ticks: 20000.00 = 80000.
    const lines = [
      "20250303 143000 0000000;20000;19999.75;20000;1", // L1: book 79999 / 80000
      "20250303 143001 0000000;20000.25;20000;20000.25;2", // L2: 80000 / 80001
      "20250303 143002 0000000;19999.5;19999.5;19999.75;1", // L3: 79998 / 79999; a trade AT our buy limit 79998: not enough
      "20250303 143003 0000000;19999.5;19999.25;19999.5;3", // L4: ask 79998 reaches the buy limit
      "20250303 143004 0000000;20000.5;20000.5;20000.75;1", // L5: bid 80002 reaches the sell limit
    ];
    await importTrades(db.prisma, db.pool, { files: [write("MNQ 03-25.run.txt", lines.join("\n"))], dataset: "nt-run" });
    const ds = await datasetOf("nt-run");
    const strategy = defineStrategy({
      id: "nt-script",
      name: "nt-script",
      description: "test",
      paramsSchema: z.object({}),
      create: (): BookStrategyHandlers => {
        let sent = false;
        return {
          onStart() {},
          onQuote(ctx) {
            if (sent) return;
            sent = true;
            // At L1's quote: displayed sizes are unknown, shown as one contract per side.
            expect([ctx.book.bestBidTicks, ctx.book.bestAskTicks, ctx.book.bestBidSize, ctx.book.bestAskSize]).toEqual([79_999, 80_000, 1, 1]);
            ctx.submitMarket(1, 3);
            ctx.submitLimit(1, 1, 79_998);
            ctx.submitLimit(-1, 2, 80_002);
          },
        };
      },
    });
    const engine = new BookBacktestEngine({ instrument: instrumentFromContractSpec(MNQ, 0), strategy, params: {}, fillModel: "l1-quotes", startingCashCents: 10_000_000, seed: 1, tickSizeNano: TICK, feePerSideCents: 0 });
    for await (const b of readQuoteFeed(db.pool, { datasetId: ds.id, tickSizeNano: TICK, maxEvents: 2 })) engine.processBatch(b.columns, 0, b.columns.length);
    const result = engine.finish();
    const t = (line: string) => lineNs(line.split(";")[0]);
    expect(result.fills.map((f) => [f.side, f.qty, f.priceTicks, f.tsNs, f.reason.model, f.reason.rule ?? null])).toEqual([
      [1, 3, 80_000, t(lines[0]), "l1-quotes", "book-walk"], // whole 3 lots at the ask, though 1 is displayed
      [1, 1, 79_998, t(lines[3]), "l1-quotes", "opposite-cross"],
      [-1, 2, 80_002, t(lines[4]), "l1-quotes", "opposite-cross"],
      [-1, 2, 80_002, t(lines[4]), "end-of-data", null], // +3 +1 -2 = +2 closed at the last trade
    ]);
    // Bought 3 @ 80000 + 1 @ 79998, sold 4 @ 80002: (3 x 2 + 1 x 4) ticks x $0.50 = $5.00.
    expect(result.metrics.netPnlCents).toBe(500);
  });

  it("is offered and runs l1-quotes through the run executor (sma-cross on time bars)", async () => {
    const deps = { db: db.prisma, boss, runTimeLimitSec: 600, stallAfterSec: 2 };
    const config = { fillModel: "l1-quotes" as const, latencyMs: 0, feePerSideUsd: 0 };
    const run = await createRun(deps, principal, { datasetName: "nt-big", strategyId: "sma-cross", params: { barSeconds: 1, fast: 2, slow: 3 }, config } as CreateRunInput);
    await executeRun(inProcessExecutor(db, { findStrategy, chunkEvents: 10_000 }), run.id);
    const row = await runRow(db, run.id);
    expect(row).toMatchObject({ status: "succeeded", processed: 300_000 });
    const fills = await db.pool.query("SELECT DISTINCT model FROM run_fills WHERE run_id = $1", [run.id]);
    expect(fills.rows.map((r) => r.model).sort()).toEqual(["end-of-data", "l1-quotes"]);
  });

  it("refuses empty files, imports mixing the two forms and the other form into an existing dataset; a failing file leaves nothing behind", async () => {
    await expect(importTrades(db.prisma, db.pool, { files: [write("MNQ 03-25.empty.txt", "")], dataset: "nt-empty" })).rejects.toThrow(/empty/i);
    expect(await db.prisma.dataset.findUnique({ where: { name: "nt-empty" } })).toBeNull();

    const last = write("MNQ 03-25.Last.txt", "20250303 143010 0000000;21234.25;3\n");
    const quotes = write("MNQ 03-25.q.txt", `${good[0]}\n`);
    await expect(importTrades(db.prisma, db.pool, { files: [quotes, last], dataset: "nt-mixed" })).rejects.toThrow(/both tick forms cannot be imported together/);
    await expect(importTrades(db.prisma, db.pool, { files: [last], dataset: "nt-quotes" })).rejects.toThrow(/Dataset nt-quotes holds quotes \(mbp-1\); this NinjaTrader export has no bid\/ask/);
    await importTrades(db.prisma, db.pool, { files: [last], dataset: "nt-last" });
    expect((await datasetOf("nt-last")).schema).toBe("trades");
    expect(await countQuotes(db.pool, (await datasetOf("nt-last")).id)).toBe(0);
    await expect(importTrades(db.prisma, db.pool, { files: [quotes], dataset: "nt-last" })).rejects.toThrow(/Dataset nt-last holds trades without quotes/);

    // A second file that cannot be imported (minute bars) rolls the whole import back.
    const bars = write("MNQ 03-25.bars.txt", "20250303 143100;21234.25;21240;21230;21235.5;120\n");
    await expect(importTrades(db.prisma, db.pool, { files: [quotes, bars], dataset: "nt-rollback" })).rejects.toThrow(/holds NinjaTrader minute bars/);
    expect(await db.prisma.dataset.findUnique({ where: { name: "nt-rollback" } })).toBeNull();
    const { rows } = await db.pool.query("SELECT count(*)::int AS n FROM quote_blocks qb LEFT JOIN datasets d ON d.id = qb.dataset_id WHERE d.id IS NULL");
    expect(rows[0].n).toBe(0);
  });
});
