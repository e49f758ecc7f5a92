/**
 * MBP-10 depth throughput: `node --import tsx bench/depth.bench.ts [copies=100] [runs=3]`.
 *
 * Data: the real ESH4 MBO day (esh4-glbx-mdp3-20231225: 68,792 records) turned into MBP-10 records
 * with their trades (lib/engine/depth/depth-from-mbo.ts: 40,088 records, 37,115 book events; there
 * is no sizeable public MBP-10 file), packed once per copy into a depth block (lib/data/depth-blocks.ts),
 * then replayed `copies` times back to back (each copy one day later): ~4M records by default.
 * Cases ("stored": every run decodes the packed blocks, as a replay of the table does without the
 * SQL round trips):
 *   (a) depth block codec: decode every block (records/s);
 *   (b) stored depth -> depth feed (synthetic book records, depth-feed.ts);
 *   (c) stored depth -> feed -> book engine on l2-queue (risk-averse) with passive-market-maker;
 *   (d) the same with the power-2 queue model; (e) on l1-quotes.
 * Rates are book events per second (and MBP-10 records per second). Prints the packed size per
 * record (DBN MBP-10: 368 bytes), a table and one JSON line.
 */
import { decodeMboFile } from "../lib/data/dbn/dbn-file";
import { decodeDepthBlock, encodeDepthBlock, type EncodedDepthBlock } from "../lib/data/depth-blocks";
import { BookBacktestEngine } from "../lib/engine/book/book-engine";
import { queueProbability, type QueueModelName } from "../lib/engine/book/queue-model";
import { allocateDepthColumns, type DepthColumns } from "../lib/engine/depth/depth-columns";
import { DepthFeed } from "../lib/engine/depth/depth-feed";
import { depthFromMbo } from "../lib/engine/depth/depth-from-mbo";
import type { BookFillModelName } from "../lib/engine/fill";
import { instrumentFromContractSpec } from "../lib/engine/instrument";
import type { BacktestResult } from "../lib/engine/result";
import { getContractSpec } from "../lib/market/contract-spec";
import type { MboColumns } from "../lib/market/mbo-columns";
import { passiveMarketMaker } from "../lib/strategies/passive-market-maker";
import { measure } from "./support/measure";

const COPIES = Number(process.argv[2] ?? 100);
const RUNS = Number(process.argv[3] ?? 3);
const FILE = "../shared/fixtures/databento/nautilus_trader/tests/test_data/databento/esh4-glbx-mdp3-20231225.mbo.dbn.zst";
const DAY_NS = 86_400_000_000_000n;
const ES = getContractSpec("ES");
const TICK = Number(ES.tickSizeNano);

const decoded: MboColumns[] = [];
for await (const batch of decodeMboFile(FILE, { batchSize: 1_000_000 })) decoded.push(batch);
const day = depthFromMbo(decoded[0], TICK);
let dayEvents = 0;
for (let i = 0; i < day.length; i++) if ((day.flags[i] & 128) !== 0) dayEvents++;
const blocks: EncodedDepthBlock[] = Array.from({ length: COPIES }, (_, k) => encodeDepthBlock({ ...day, baseNs: day.baseNs + BigInt(k) * DAY_NS }, 0, day.length));
const RECORDS = day.length * COPIES;
const EVENTS = dayEvents * COPIES;
const packedBytes = blocks.reduce((sum, b) => sum + b.columns.reduce((s, col) => s + col.length, 0), 0);
const bytesPerRecord = packedBytes / RECORDS;

/** Decodes every stored block into one reused batch, handing each to `consume`. */
function decodeAll(consume: (c: DepthColumns) => void): void {
  const out = allocateDepthColumns(day.length, 0n);
  for (const b of blocks) {
    out.baseNs = b.baseNs;
    decodeDepthBlock(b.columns, b.count, out);
    consume(out);
  }
}

function codec(): number {
  let n = 0;
  decodeAll((c) => (n += c.length));
  return n;
}

function feedOnly(): number {
  const feed = new DepthFeed(TICK);
  let n = 0;
  decodeAll((c) => {
    feed.push(c);
    for (const b of feed.takeReady()) n += b.columns.length;
  });
  for (const b of feed.end()) n += b.columns.length;
  return n;
}

function engineRun(fillModel: BookFillModelName, queueModel: QueueModelName): BacktestResult {
  const engine = new BookBacktestEngine({
    instrument: instrumentFromContractSpec(ES, 0),
    strategy: passiveMarketMaker,
    params: {},
    fillModel,
    startingCashCents: 10_000_000,
    seed: 1,
    latencyNs: 1_000_000,
    tickSizeNano: ES.tickSizeNano,
    queueModel: queueProbability(queueModel),
    eventUnit: "event",
  });
  const feed = new DepthFeed(TICK);
  decodeAll((c) => {
    feed.push(c);
    for (const b of feed.takeReady()) engine.processBatch(b.columns, 0, b.columns.length);
  });
  for (const b of feed.end()) engine.processBatch(b.columns, 0, b.columns.length);
  return engine.finish();
}

const cases: ReadonlyArray<readonly [string, () => number | BacktestResult]> = [
  ["(a) depth block decode", codec],
  ["(b) stored depth -> feed", feedOnly],
  ["(c) l2-queue risk-averse + maker", () => engineRun("l2-queue", "risk-averse")],
  ["(d) l2-queue power-2 + maker", () => engineRun("l2-queue", "power-2")],
  ["(e) l1-quotes + maker", () => engineRun("l1-quotes", "risk-averse")],
];

const fmt = (perSec: number) => `${(perSec / 1e6).toFixed(2)}M/s`.padStart(10);
const results: Record<string, { events: { median: number; best: number }; records: { median: number; best: number }; fills?: number }> = {};
console.log(
  `${RECORDS.toLocaleString("en-US")} MBP-10 records, ${EVENTS.toLocaleString("en-US")} book events (ESH4 MBO day -> MBP-10: ${day.length} records, x ${COPIES}); ` +
    `${RUNS} timed runs after 1 warm-up; node ${process.version}`,
);
console.log(`packed depth columns: ${bytesPerRecord.toFixed(2)} bytes per MBP-10 record (DBN: 368; before the row's header and TOAST)`);
console.log("case                              cold ms  median ms    best ms  median ev/s   best ev/s  median rec/s  fills");
for (const [name, run] of cases) {
  const m = measure(run, 1, RUNS);
  const rate = (count: number, ms: number) => Math.round(count / (ms / 1000));
  const fills = typeof m.value === "number" ? undefined : m.value.fills.length;
  results[name] = {
    events: { median: rate(EVENTS, m.medianMs), best: rate(EVENTS, m.bestMs) },
    records: { median: rate(RECORDS, m.medianMs), best: rate(RECORDS, m.bestMs) },
    ...(fills === undefined ? {} : { fills }),
  };
  console.log(
    `${name.padEnd(32)} ${m.coldMs.toFixed(0).padStart(8)} ${m.medianMs.toFixed(0).padStart(10)} ${m.bestMs.toFixed(0).padStart(10)} ` +
      `${fmt(rate(EVENTS, m.medianMs))}  ${fmt(rate(EVENTS, m.bestMs))}    ${fmt(rate(RECORDS, m.medianMs))}  ${fills ?? ""}`,
  );
}
console.log(JSON.stringify({ bench: "depth", records: RECORDS, events: EVENTS, copies: COPIES, runs: RUNS, packedBytesPerRecord: +bytesPerRecord.toFixed(2), rates: results, node: process.version }));
