/**
 * Book engine throughput on real data: `node --import tsx bench/l3-engine.bench.ts [days=146] [runs=5]`.
 *
 * Data: the real ESH4 MBO day (esh4-glbx-mdp3-20231225: 68,792 records - snapshot, crossed
 * pre-open, opening auction, live trading) decoded once, then replayed `days` times back to back as
 * consecutive daily files (each copy shifted by one day, so the clock moves forward and every copy's
 * snapshot replaces the book, as when daily files are replayed in a row): ~10M records by default.
 * Cases, each on a fresh engine/book per run:
 *   (a) OrderBook.applyRange alone, one call per day (the floor the engine builds on);
 *   (b) the book engine on l3-fifo with a strategy that only reads the best bid/ask at every event
 *       boundary (event loop, boundary delivery, no orders);
 *   (c) l3-fifo + passive-market-maker: resting quotes at the best bid and ask all day, re-quoted
 *       whenever the best moves (queue joins, trades checked against our queue, fills) - the goal:
 *       >= 5M events/s on one core;
 *   (d, e) the same strategy on l2-queue and l1-quotes (information).
 * Prints a table and one JSON line: cold first run, then median and best of `runs` timed runs after
 * one warm-up run. `BENCH_CASES=c` (letters) runs only the named cases.
 */
import { z } from "zod";
import { OrderBook } from "../lib/book/order-book";
import { decodeMboFile } from "../lib/data/dbn/dbn-file";
import { BookBacktestEngine } from "../lib/engine/book/book-engine";
import type { BookStrategyHandlers } from "../lib/engine/book/book-strategy";
import type { BookFillModelName } from "../lib/engine/fill";
import { instrumentFromContractSpec } from "../lib/engine/instrument";
import type { BacktestResult } from "../lib/engine/result";
import type { StrategyModule } from "../lib/engine/strategy";
import { getContractSpec } from "../lib/market/contract-spec";
import type { MboColumns } from "../lib/market/mbo-columns";
import { passiveMarketMaker } from "../lib/strategies/passive-market-maker";
import { measure } from "./support/measure";

const DAYS = Number(process.argv[2] ?? 146);
const RUNS = Number(process.argv[3] ?? 5);
const WARMUP = 1;
const FILE = "../shared/fixtures/databento/nautilus_trader/tests/test_data/databento/esh4-glbx-mdp3-20231225.mbo.dbn.zst";
const DAY_NS = 86_400_000_000_000n;
const ES = getContractSpec("ES");

const decoded: MboColumns[] = [];
for await (const batch of decodeMboFile(FILE, { batchSize: 1_000_000 })) decoded.push(batch);
const day = decoded[0];
const days: MboColumns[] = Array.from({ length: DAYS }, (_, k) => ({ ...day, baseNs: day.baseNs + BigInt(k) * DAY_NS }));
const RECORDS = day.length * DAYS;

let sink = 0;
const bestReader: StrategyModule = {
  id: "best-reader",
  name: "best reader",
  description: "reads the best bid and ask at every boundary",
  paramsSchema: z.object({}),
  create(): BookStrategyHandlers {
    return {
      onStart() {},
      onBook(ctx) {
        const spread = ctx.book.bestAskTicks - ctx.book.bestBidTicks;
        if (spread === spread) sink += spread;
      },
    };
  },
};

function bookOnly(): number {
  const book = new OrderBook();
  for (const d of days) book.applyRange(d);
  return book.orderCount;
}

function engineRun(strategy: StrategyModule, fillModel: BookFillModelName): BacktestResult {
  const engine = new BookBacktestEngine({
    instrument: instrumentFromContractSpec(ES, 0),
    strategy,
    params: {},
    fillModel,
    startingCashCents: 10_000_000,
    seed: 1,
    latencyNs: 1_000_000,
    tickSizeNano: ES.tickSizeNano,
  });
  for (const d of days) engine.processBatch(d, 0, d.length);
  return engine.finish();
}

const cases: ReadonlyArray<readonly [string, () => number | BacktestResult]> = [
  ["(a) book applyRange", () => bookOnly()],
  ["(b) l3-fifo, best reader", () => engineRun(bestReader, "l3-fifo")],
  ["(c) l3-fifo, market maker", () => engineRun(passiveMarketMaker, "l3-fifo")],
  ["(d) l2-queue, market maker", () => engineRun(passiveMarketMaker, "l2-queue")],
  ["(e) l1-quotes, market maker", () => engineRun(passiveMarketMaker, "l1-quotes")],
];

const only = process.env.BENCH_CASES;
const selected = only === undefined ? cases : cases.filter(([name]) => only.includes(name[1]));

const rate = (ms: number) => RECORDS / (ms / 1000);
const fmt = (perSec: number) => `${(perSec / 1e6).toFixed(2)}M/s`.padStart(10);
const results: Record<string, { cold: number; median: number; best: number; fills?: number }> = {};
console.log(`${RECORDS.toLocaleString("en-US")} MBO records (ESH4 day x ${DAYS}); ${RUNS} timed runs after ${WARMUP} warm-up; node ${process.version}`);
console.log("case                           cold ms  median ms    best ms  median ev/s   best ev/s  fills");
for (const [name, run] of selected) {
  const m = measure(run, WARMUP, RUNS);
  const fills = typeof m.value === "number" ? undefined : m.value.fills.length;
  results[name] = { cold: Math.round(rate(m.coldMs)), median: Math.round(rate(m.medianMs)), best: Math.round(rate(m.bestMs)), ...(fills === undefined ? {} : { fills }) };
  console.log(
    `${name.padEnd(29)} ${m.coldMs.toFixed(0).padStart(8)} ${m.medianMs.toFixed(0).padStart(10)} ${m.bestMs.toFixed(0).padStart(10)} ` +
      `${fmt(rate(m.medianMs))}  ${fmt(rate(m.bestMs))}  ${fills ?? ""}`,
  );
}
const mm = results["(c) l3-fifo, market maker"];
if (mm !== undefined) console.log(`target l3-fifo + market maker >= 5M events/s: median ${mm.median >= 5e6 ? "ok" : "MISSED"}, best ${mm.best >= 5e6 ? "ok" : "MISSED"} (spread sum ${sink})`);
console.log(JSON.stringify({ bench: "l3-engine", records: RECORDS, days: DAYS, runs: RUNS, eventsPerSec: results, node: process.version }));
