/**
 * Engine throughput benchmark: `node --import tsx bench/engine.bench.ts [trades=10000000] [runs=5]`.
 *
 * Builds ~10M synthetic MNQ trades as TradeColumns, one batch per 23 h session with a 1 h gap
 * (random walk on the tick grid, exponential inter-arrival times of mean 200 ms, i.e. ~5 trades/s),
 * then times
 *   (a) a plain loop over the same typed arrays (sum of price x size): the memory-bound floor;
 *   (b) BacktestEngine with sma-cross (60 s bars, 10/30) and l1-trades, fed in chunks of 200k trades
 *       as the worker does.
 * Prints a table (median of `runs` timed runs after one warm-up) and one JSON line.
 * Targets: engine >= 30M events/s and >= 0.3x the plain loop.
 */
import { BacktestEngine } from "../lib/engine/engine";
import { defineInstrument } from "../lib/engine/instrument";
import { SeededRandom } from "../lib/market/random";
import { allocateTradeColumns, type TradeColumns } from "../lib/market/trade-columns";
import { smaCross } from "../lib/strategies/sma-cross";

const TOTAL_TRADES = Number(process.argv[2] ?? 10_000_000);
const RUNS = Number(process.argv[3] ?? 5);
const CHUNK = 200_000;
const SESSION_NS = 23 * 3600e9;
const GAP_NS = 3600e9;
const MEAN_INTERARRIVAL_NS = 200e6;
const START_NS = 1_704_150_000_000_000_000n; // 2024-01-01T23:00:00Z, a Globex open

const MNQ = defineInstrument({ symbol: "MNQ", tickSize: 0.25, tickValueCents: 50, feePerSideCents: 57 });

function buildSessions(total: number, seed: number): TradeColumns[] {
  const random = new SeededRandom(seed);
  const perSession = Math.ceil(SESSION_NS / MEAN_INTERARRIVAL_NS) + 1_000;
  const batches: TradeColumns[] = [];
  let sessionStartNs = START_NS;
  let price = 84_000; // 21,000.00 points
  let remaining = total;
  while (remaining > 0) {
    const batch = allocateTradeColumns(Math.min(perSession, remaining), sessionStartNs);
    let t = 0;
    let n = 0;
    while (n < batch.tsOffsetNs.length) {
      t += Math.floor(random.exponential(MEAN_INTERARRIVAL_NS));
      if (t >= SESSION_NS) break;
      const u = random.next();
      if (u < 0.3) price -= 1;
      else if (u > 0.7) price += 1;
      batch.tsOffsetNs[n] = t;
      batch.priceTicks[n] = price;
      batch.size[n] = 1 + random.int(5);
      batch.side[n] = random.next() < 0.5 ? 1 : -1;
      n++;
    }
    batch.length = n;
    batches.push(batch);
    remaining -= n;
    sessionStartNs += BigInt(SESSION_NS + GAP_NS);
  }
  return batches;
}

function plainLoop(batches: readonly TradeColumns[]): number {
  let sum = 0;
  for (const batch of batches) {
    const price = batch.priceTicks;
    const size = batch.size;
    for (let i = 0, n = batch.length; i < n; i++) sum += price[i] * size[i];
  }
  return sum;
}

function engineRun(batches: readonly TradeColumns[]): number {
  const engine = new BacktestEngine({
    instrument: MNQ,
    strategy: smaCross,
    params: { barSeconds: 60, fast: 10, slow: 30, qty: 1 },
    fillModel: "l1-trades",
    startingCashCents: 1_000_000,
    seed: 1,
  });
  for (const batch of batches) {
    for (let from = 0; from < batch.length; from += CHUNK) {
      engine.processBatch(batch, from, Math.min(batch.length, from + CHUNK));
      engine.snapshot(); // what the worker does between chunks
    }
  }
  return engine.finish().fills.length;
}

function time<T>(run: () => T): { ms: number; value: T } {
  const start = performance.now();
  const value = run();
  return { ms: performance.now() - start, value };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function measure<T>(run: () => T): { medianMs: number; bestMs: number; value: T } {
  let value = run(); // warm-up
  const times: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const timed = time(run);
    times.push(timed.ms);
    value = timed.value;
  }
  return { medianMs: median(times), bestMs: Math.min(...times), value };
}

const built = time(() => buildSessions(TOTAL_TRADES, 7));
const batches = built.value;
const events = batches.reduce((sum, b) => sum + b.length, 0);

const plain = measure(() => plainLoop(batches));
const engine = measure(() => engineRun(batches));

const plainRate = events / (plain.medianMs / 1000);
const engineRate = events / (engine.medianMs / 1000);
const ratio = engineRate / plainRate;

const fmt = (rate: number) => `${(rate / 1e6).toFixed(1)}M/s`;
console.log(`events ${events.toLocaleString("en-US")} in ${batches.length} session batches (built in ${built.ms.toFixed(0)} ms), ${RUNS} runs, node ${process.version}`);
console.log("case            median ms   best ms   events/s");
console.log(`plain loop      ${plain.medianMs.toFixed(1).padStart(9)} ${plain.bestMs.toFixed(1).padStart(9)}   ${fmt(plainRate)}`);
console.log(`engine sma-x    ${engine.medianMs.toFixed(1).padStart(9)} ${engine.bestMs.toFixed(1).padStart(9)}   ${fmt(engineRate)}   (${engine.value} fills)`);
console.log(`ratio engine/plain ${ratio.toFixed(2)}x   targets: >= 30M/s ${engineRate >= 30e6 ? "ok" : "MISSED"}, >= 0.3x ${ratio >= 0.3 ? "ok" : "MISSED"}`);
console.log(
  JSON.stringify({
    bench: "engine",
    events,
    batches: batches.length,
    runs: RUNS,
    plainEventsPerSec: Math.round(plainRate),
    engineEventsPerSec: Math.round(engineRate),
    ratio: Number(ratio.toFixed(3)),
    engineFills: engine.value,
    plainChecksum: plain.value,
    node: process.version,
  }),
);
