/**
 * L3 order-book throughput: `node --import tsx bench/book.bench.ts [records=10000000] [runs=5]`.
 *
 * Builds a seeded synthetic CME-like MBO stream (lib/book/test-support/synthetic-mbo.ts: snapshot
 * with far-out ES orders at 100.00 / 5792.50, adds near the top at geometric distances, cancels of
 * random resting orders, modifies, T + F + C trade events, LAST on event boundaries) as one
 * MboColumns batch, then times
 *   (a) a plain loop over the columns the book reads (the memory-bound floor);
 *   (b) OrderBook.applyRange over every record (a fresh book per run);
 *   (c) MbpFromMbo: the same replay with an MBP-10 row per event that changes the top 10, into a
 *       64k-row output flushed (reset) when full, as a streaming consumer would.
 * Prints a table and one JSON line: cold first run, then median and best of `runs` timed runs after
 * 2 warm-up runs (on a shared machine interference only adds time, so best is the cleaner figure).
 * Target: >= 10M MBO records/s on one core for (b). (c) is reported for information: it is bound by
 * writing a 10-level row for most events.
 */
import { OrderBook } from "../lib/book/order-book";
import { MbpFromMbo, allocateMbpColumns } from "../lib/book/mbp-from-mbo";
import { generateSyntheticMbo } from "../lib/book/test-support/synthetic-mbo";
import type { MboColumns } from "../lib/market/mbo-columns";
import { measure, time } from "./support/measure";

const RECORDS = Number(process.argv[2] ?? 10_000_000);
const RUNS = Number(process.argv[3] ?? 5);
const WARMUP = 2;
const MBP_ROWS = 65_536;

function plainLoop(columns: MboColumns): number {
  const { action, priceNano, size, orderIdLo, flags } = columns;
  let sum = 0;
  for (let i = 0, n = columns.length; i < n; i++) sum += (action[i] + flags[i] + (orderIdLo[i] & 7)) * size[i] + (priceNano[i] > 0 ? 1 : 0);
  return sum;
}

function bookRun(columns: MboColumns): OrderBook {
  const book = new OrderBook();
  book.applyRange(columns);
  return book;
}

const mbpOut = allocateMbpColumns(MBP_ROWS, 10);
function mbpRun(columns: MboColumns): number {
  const extractor = new MbpFromMbo(10);
  let rows = 0;
  let i = 0;
  while (i < columns.length) {
    mbpOut.length = 0;
    i = extractor.replay(columns, mbpOut, i);
    rows += mbpOut.length;
  }
  return rows;
}

const built = time(() => generateSyntheticMbo({ records: RECORDS, seed: 7 }));
const columns = built.value;
const counts: Record<string, number> = {};
for (let i = 0; i < columns.length; i++) {
  const a = String.fromCharCode(columns.action[i]);
  counts[a] = (counts[a] ?? 0) + 1;
}

const plain = measure(() => plainLoop(columns), WARMUP, RUNS);
const book = measure(() => bookRun(columns), WARMUP, RUNS);
const mbp = measure(() => mbpRun(columns), WARMUP, RUNS);

const finalBook = book.value;
const quality = finalBook.dataQuality();
const rate = (ms: number) => RECORDS / (ms / 1000);
const fmt = (perSec: number) => `${(perSec / 1e6).toFixed(1)}M/s`.padStart(10);
const verdict = (ok: boolean) => (ok ? "ok" : "MISSED");

console.log(
  `${RECORDS.toLocaleString("en-US")} MBO records (built in ${built.ms.toFixed(0)} ms; ${Object.entries(counts)
    .map(([a, c]) => `${a} ${((100 * c) / RECORDS).toFixed(1)}%`)
    .join(", ")}); ${RUNS} timed runs after ${WARMUP} warm-up runs; node ${process.version}`,
);
console.log(
  `final book: ${finalBook.orderCount} orders, ${finalBook.levelCount(66)} bid / ${finalBook.levelCount(65)} ask levels; ` +
    `data-quality events ${quality.total}; MBP-10 rows ${mbp.value.toLocaleString("en-US")}`,
);
console.log("case                   cold ms  median ms    best ms  cold rec/s median rec/s  best rec/s");
for (const [name, m] of [["plain loop (floor)", plain], ["book applyRange", book], ["book + MBP-10", mbp]] as const) {
  console.log(
    `${name.padEnd(21)} ${m.coldMs.toFixed(1).padStart(8)} ${m.medianMs.toFixed(1).padStart(10)} ${m.bestMs.toFixed(1).padStart(10)} ` +
      `${fmt(rate(m.coldMs))}   ${fmt(rate(m.medianMs))}  ${fmt(rate(m.bestMs))}`,
  );
}
console.log(
  `target book >= 10M rec/s: median ${verdict(rate(book.medianMs) >= 10e6)}, best ${verdict(rate(book.bestMs) >= 10e6)} ` +
    `(MBP-10 extraction has no target: ${((100 * mbp.value) / RECORDS).toFixed(0)}% of records emit a 10-level row)`,
);
const perSec = (m: { coldMs: number; medianMs: number; bestMs: number }) => ({
  cold: Math.round(rate(m.coldMs)),
  median: Math.round(rate(m.medianMs)),
  best: Math.round(rate(m.bestMs)),
});
console.log(
  JSON.stringify({
    bench: "book",
    records: RECORDS,
    runs: RUNS,
    plainRecordsPerSec: perSec(plain),
    bookRecordsPerSec: perSec(book),
    mbp10RecordsPerSec: perSec(mbp),
    mbp10Rows: mbp.value,
    finalOrders: finalBook.orderCount,
    dataQualityEvents: quality.total,
    node: process.version,
  }),
);
