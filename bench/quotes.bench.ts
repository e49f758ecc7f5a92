/**
 * Quote-data throughput: `node --import tsx bench/quotes.bench.ts [copies=1000] [runs=5]`.
 *
 * Data: the real ESU4 MBP-1 file (futures_mbp-1_2024-07-01T23-58...: 2,288 quotes, 120 trades)
 * decoded once into quote and trade columns, then repeated `copies` times back to back (each copy
 * one hour later): ~2.4M source events by default. Cases:
 *   (a) quote block codec: encode + decode every quote (lib/data/quote-blocks.ts);
 *   (b) the quote feed merge alone (quotes + trades -> synthetic book records, quote-feed.ts);
 *   (c) merge + book engine on l1-quotes with a strategy reading the best bid/ask at every onQuote;
 *   (d) merge + book engine on l1-quotes with book-imbalance (market orders, fills).
 * Rates are source events (quotes + trades) per second. Prints a table and one JSON line.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { decodeDbnSync } from "../lib/data/dbn";
import type { Mbp1Record } from "../lib/data/dbn/records-market";
import { decodeQuoteBlock, encodeQuoteBlock, QUOTE_BLOCK_MAX_RECORDS } from "../lib/data/quote-blocks";
import { BookBacktestEngine } from "../lib/engine/book/book-engine";
import type { BookStrategyHandlers } from "../lib/engine/book/book-strategy";
import { instrumentFromContractSpec } from "../lib/engine/instrument";
import { allocateQuoteColumns, QUOTE_KIND, type QuoteColumns } from "../lib/engine/quotes/quote-columns";
import { mergeQuoteFeed } from "../lib/engine/quotes/quote-feed";
import type { BacktestResult } from "../lib/engine/result";
import type { StrategyModule } from "../lib/engine/strategy";
import { getContractSpec } from "../lib/market/contract-spec";
import { allocateTradeColumns, type TradeColumns } from "../lib/market/trade-columns";
import { bookImbalance } from "../lib/strategies/book-imbalance";
import { measure } from "./support/measure";

const COPIES = Number(process.argv[2] ?? 1000);
const RUNS = Number(process.argv[3] ?? 5);
const FILE = "../shared/fixtures/databento/nautilus_trader/tests/test_data/databento/historical_bars_catalog/databento/futures_mbp-1_2024-07-01T23-58_2024-07-02T00-02.dbn.zst";
const HOUR_NS = 3_600_000_000_000n;
const ES = getContractSpec("ES");
const TICK = ES.tickSizeNano;

const records = decodeDbnSync(readFileSync(FILE)).records.filter((r): r is Mbp1Record => r.kind === "mbp-1");
const base = records[0].tsRecvNs;
const q = allocateQuoteColumns(records.length, base);
const t = allocateTradeColumns(records.length, base);
for (const r of records) {
  const l = r.levels[0];
  const i = q.length++;
  q.tsRecvOffsetNs[i] = Number(r.tsRecvNs - base);
  q.tsEventDeltaNs[i] = Number(r.tsEventNs - r.tsRecvNs);
  q.bidTicks[i] = l.bidPxNano === null ? Number.NaN : Number(l.bidPxNano / TICK);
  q.askTicks[i] = l.askPxNano === null ? Number.NaN : Number(l.askPxNano / TICK);
  q.bidSize[i] = l.bidSize ?? 0;
  q.askSize[i] = l.askSize ?? 0;
  q.bidCount[i] = l.bidCount ?? 0;
  q.askCount[i] = l.askCount ?? 0;
  q.kind[i] = r.action === "T" ? QUOTE_KIND.TRADE : 0;
  if (r.action === "T") {
    const k = t.length++;
    t.tsOffsetNs[k] = q.tsRecvOffsetNs[i];
    t.eventDeltaNs[k] = q.tsEventDeltaNs[i];
    t.priceTicks[k] = Number(r.priceNano! / TICK);
    t.size[k] = r.size!;
    t.side[k] = r.side === "B" ? 1 : r.side === "A" ? -1 : 0;
  }
}
const quoteCopies: QuoteColumns[] = Array.from({ length: COPIES }, (_, k) => ({ ...q, baseNs: base + BigInt(k) * HOUR_NS }));
const tradeCopies: TradeColumns[] = Array.from({ length: COPIES }, (_, k) => ({ ...t, baseNs: base + BigInt(k) * HOUR_NS }));
const EVENTS = (q.length + t.length) * COPIES;

let sink = 0;
const bestReader: StrategyModule = {
  id: "best-reader",
  name: "best reader",
  description: "reads the best bid and ask at every onQuote",
  paramsSchema: z.object({}),
  create(): BookStrategyHandlers {
    return {
      onStart() {},
      onQuote(ctx) {
        sink += ctx.book.bestAskTicks - ctx.book.bestBidTicks + ctx.book.bestBidSize;
      },
    };
  },
};

function codec(): number {
  const out = allocateQuoteColumns(QUOTE_BLOCK_MAX_RECORDS, 0n);
  let n = 0;
  for (const c of quoteCopies) {
    const block = encodeQuoteBlock(c, 0, c.length);
    decodeQuoteBlock(block.columns, block.count, out);
    n += out.length;
  }
  return n;
}

function merge(): number {
  let n = 0;
  for (const b of mergeQuoteFeed(quoteCopies, tradeCopies, Number(TICK))) n += b.columns.length;
  return n;
}

function engineRun(strategy: StrategyModule, params: unknown): BacktestResult {
  const engine = new BookBacktestEngine({
    instrument: instrumentFromContractSpec(ES, 0),
    strategy,
    params,
    fillModel: "l1-quotes",
    startingCashCents: 10_000_000,
    seed: 1,
    latencyNs: 1_000_000,
    tickSizeNano: TICK,
    eventUnit: "event",
  });
  for (const b of mergeQuoteFeed(quoteCopies, tradeCopies, Number(TICK))) engine.processBatch(b.columns, 0, b.columns.length);
  return engine.finish();
}

const cases: ReadonlyArray<readonly [string, number, () => number | BacktestResult]> = [
  ["(a) quote block codec", q.length * COPIES, codec],
  ["(b) quote feed merge", EVENTS, merge],
  ["(c) l1-quotes, onQuote reader", EVENTS, () => engineRun(bestReader, {})],
  ["(d) l1-quotes, book-imbalance", EVENTS, () => engineRun(bookImbalance, bookImbalance.paramsSchema.parse({ threshold: 0.5, exitTicks: 1 }))],
];

const fmt = (perSec: number) => `${(perSec / 1e6).toFixed(2)}M/s`.padStart(10);
const results: Record<string, { cold: number; median: number; best: number; fills?: number }> = {};
console.log(`${EVENTS.toLocaleString("en-US")} events (ESU4 MBP-1: ${q.length} quotes + ${t.length} trades, x ${COPIES}); ${RUNS} timed runs after 1 warm-up; node ${process.version}`);
console.log("case                              cold ms  median ms    best ms  median ev/s   best ev/s  fills");
for (const [name, count, run] of cases) {
  const m = measure(run, 1, RUNS);
  const rate = (ms: number) => count / (ms / 1000);
  const fills = typeof m.value === "number" ? undefined : m.value.fills.length;
  results[name] = { cold: Math.round(rate(m.coldMs)), median: Math.round(rate(m.medianMs)), best: Math.round(rate(m.bestMs)), ...(fills === undefined ? {} : { fills }) };
  console.log(
    `${name.padEnd(32)} ${m.coldMs.toFixed(0).padStart(8)} ${m.medianMs.toFixed(0).padStart(10)} ${m.bestMs.toFixed(0).padStart(10)} ` +
      `${fmt(rate(m.medianMs))}  ${fmt(rate(m.bestMs))}  ${fills ?? ""}`,
  );
}
// Packed size of a stored quote (the columns of one block holding every copy's quotes, as an import writes them).
const packedBytes = quoteCopies.reduce((sum, c) => sum + encodeQuoteBlock(c, 0, c.length).columns.reduce((s, col) => s + col.length, 0), 0);
const bytesPerQuote = packedBytes / (q.length * COPIES);
console.log(`packed quote columns: ${bytesPerQuote.toFixed(2)} bytes per quote (before the row's header and TOAST)`);
console.log(`(sink ${sink})`);
console.log(JSON.stringify({ bench: "quotes", events: EVENTS, copies: COPIES, runs: RUNS, eventsPerSec: results, packedBytesPerQuote: +bytesPerQuote.toFixed(2), node: process.version }));
