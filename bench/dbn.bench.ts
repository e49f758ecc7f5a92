/**
 * DBN decoder throughput: `node --import tsx bench/dbn.bench.ts [records=10000000] [runs=5]`.
 *
 * Cases (each timed run decodes about `records` records on one core):
 *   (a) MBO -> MboColumns: the ESH4 2023-12-25 MBO file (68,792 records), decompressed once into
 *       memory, decoded over and over in batches of 65,536; fresh batch arrays per batch, and
 *       with `reuseBatch` (one set of arrays refilled);
 *   (b) trades -> TradeColumns (ES tick 0.25): a plain 2M-record trades DBN stream synthesised by
 *       repeating the 120 ESU4 fixture trades with shifted timestamps, fed in 1 MiB chunks as a file
 *       stream would be;
 *   (c) for information, the per-record object API over the MBO file (allocates one object each).
 * Also reports the zstd decompression time of the file (fzstd, pure JS), cold and warm.
 * Prints a table and one JSON line (median and best of `runs` after 2 warm-up runs). Goal:
 * >= 10M records/s for the columnar paths.
 */
import { performance } from "node:perf_hooks";
import { readFileSync } from "node:fs";
import path from "node:path";
import { decodeMboColumns } from "../lib/data/dbn/columnar-mbo";
import { decodeTradeColumns } from "../lib/data/dbn/columnar-trades";
import { decodeDbnSync } from "../lib/data/dbn/decode";
import { zstdDecompress } from "../lib/data/dbn/zstd";

const TARGET_RECORDS = Number(process.argv[2] ?? 10_000_000);
const RUNS = Number(process.argv[3] ?? 5);
const WARMUP = 2;
const FIXTURES = path.resolve(import.meta.dirname, "../../shared/fixtures/databento/nautilus_trader/tests/test_data/databento");
const MBO_FILE = path.join(FIXTURES, "esh4-glbx-mdp3-20231225.mbo.dbn.zst");
const TRADES_FILE = path.join(FIXTURES, "historical_bars_catalog/databento/futures_trades_2024-07-01T23-58_2024-07-02T00-02.dbn.zst");
const SYNTH_TRADES = 2_000_000;
const CHUNK = 1 << 20;

interface Measure {
  medianMs: number;
  bestMs: number;
  records: number;
}

function measure(run: () => number): Measure {
  for (let i = 0; i < WARMUP; i++) run();
  const times: number[] = [];
  let records = 0;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    records = run();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { medianMs: times[Math.floor(times.length / 2)], bestMs: times[0], records };
}

// --- inputs -------------------------------------------------------------------------------
const compressed = readFileSync(MBO_FILE);
const t0 = performance.now();
const mboBytes = zstdDecompress(compressed);
const zstdMs = performance.now() - t0;
const zstdWarmMs = measure(() => zstdDecompress(compressed).length).bestMs;
const mboPerPass = decodeDbnSync(mboBytes).records.length;
const mboPasses = Math.max(1, Math.round(TARGET_RECORDS / mboPerPass));

/** The fixture's metadata followed by its 120 trades repeated, each copy shifted past the previous. */
function synthTrades(count: number): Uint8Array {
  const src = zstdDecompress(readFileSync(TRADES_FILE));
  const { metadata, records } = decodeDbnSync(src);
  const head = src.subarray(0, metadata.recordsOffset);
  const body = src.subarray(metadata.recordsOffset);
  const n = records.length;
  const recLen = body.length / n;
  const first = records[0] as { tsRecvNs: bigint };
  const last = records[n - 1] as { tsRecvNs: bigint };
  const spanNs = last.tsRecvNs - first.tsRecvNs + 1_000_000n;
  const out = new Uint8Array(head.length + count * recLen);
  out.set(head);
  const dv = new DataView(out.buffer);
  for (let copy = 0, at = head.length; copy * n < count; copy++) {
    const shift = BigInt(copy) * spanNs;
    for (let i = 0; i < n && copy * n + i < count; i++, at += recLen) {
      out.set(body.subarray(i * recLen, (i + 1) * recLen), at);
      dv.setBigUint64(at + 8, dv.getBigUint64(at + 8, true) + shift, true); // ts_event
      dv.setBigUint64(at + 32, dv.getBigUint64(at + 32, true) + shift, true); // ts_recv
    }
  }
  return out;
}
const tradeBytes = synthTrades(SYNTH_TRADES);
const tradePasses = Math.max(1, Math.round(TARGET_RECORDS / SYNTH_TRADES));
function* tradeChunks(): Generator<Uint8Array> {
  for (let at = 0; at < tradeBytes.length; at += CHUNK) yield tradeBytes.subarray(at, at + CHUNK);
}

// --- cases --------------------------------------------------------------------------------
function mboColumns(reuseBatch: boolean): number {
  let n = 0;
  for (let pass = 0; pass < mboPasses; pass++) for (const batch of decodeMboColumns(mboBytes, { reuseBatch })) n += batch.length;
  return n;
}

function tradeColumns(): number {
  let n = 0;
  for (let pass = 0; pass < tradePasses; pass++) {
    for (const batch of decodeTradeColumns(tradeChunks(), { tickSizeNano: 250_000_000n, reuseBatch: true })) {
      if (batch.rejected.length > 0) throw new Error("unexpected rejected trades");
      n += batch.columns.length;
    }
  }
  return n;
}

const objectPasses = Math.max(1, Math.round(mboPasses / 10));
function objects(): number {
  let n = 0;
  for (let pass = 0; pass < objectPasses; pass++) n += decodeDbnSync(mboBytes).records.length;
  return n;
}

const cases: [string, Measure][] = [
  ["mbo -> MboColumns", measure(() => mboColumns(false))],
  ["mbo -> MboColumns (reuse)", measure(() => mboColumns(true))],
  ["trades -> TradeColumns", measure(tradeColumns)],
  ["mbo -> objects (info)", measure(objects)],
];
if (cases[0][1].records !== mboPasses * mboPerPass || cases[2][1].records !== tradePasses * SYNTH_TRADES) throw new Error("record count mismatch");

const rate = (m: Measure, ms: number) => m.records / (ms / 1000);
const fmt = (perSec: number) => `${(perSec / 1e6).toFixed(1)}M/s`.padStart(10);
console.log(
  `ESH4 MBO ${mboPerPass.toLocaleString("en-US")} records x ${mboPasses} passes; synthetic trades ${SYNTH_TRADES.toLocaleString("en-US")} x ${tradePasses}; ` +
    `${RUNS} timed runs after ${WARMUP} warm-up runs; node ${process.version}`,
);
console.log(`zstd (fzstd): ${(compressed.length / 1e6).toFixed(2)} MB -> ${(mboBytes.length / 1e6).toFixed(2)} MB in ${zstdMs.toFixed(1)} ms cold, ${zstdWarmMs.toFixed(1)} ms warm`);
console.log("case                          records   median ms    best ms  median rec/s  best rec/s");
for (const [name, m] of cases) {
  console.log(
    `${name.padEnd(26)} ${m.records.toLocaleString("en-US").padStart(11)} ${m.medianMs.toFixed(1).padStart(10)} ${m.bestMs.toFixed(1).padStart(10)}` +
      `    ${fmt(rate(m, m.medianMs))}  ${fmt(rate(m, m.bestMs))}`,
  );
}
const verdict = (m: Measure) => (rate(m, m.medianMs) >= 10e6 ? "ok" : "MISSED");
console.log(`goal >= 10M rec/s (median): mbo ${verdict(cases[0][1])}, mbo reuse ${verdict(cases[1][1])}, trades ${verdict(cases[2][1])}`);
const summary = (m: Measure) => ({ records: m.records, median: Math.round(rate(m, m.medianMs)), best: Math.round(rate(m, m.bestMs)) });
console.log(
  JSON.stringify({
    bench: "dbn",
    runs: RUNS,
    zstdMBPerSec: { cold: Number((mboBytes.length / 1e6 / (zstdMs / 1000)).toFixed(1)), warm: Number((mboBytes.length / 1e6 / (zstdWarmMs / 1000)).toFixed(1)) },
    mboColumnsRecordsPerSec: summary(cases[0][1]),
    mboColumnsReuseRecordsPerSec: summary(cases[1][1]),
    tradeColumnsRecordsPerSec: summary(cases[2][1]),
    objectRecordsPerSec: summary(cases[3][1]),
    goalRecordsPerSec: 10_000_000,
  }),
);
