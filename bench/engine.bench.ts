/**
 * Engine throughput benchmark: `node --import tsx bench/engine.bench.ts [trades=10000000] [runs=7]`.
 *
 * Builds ~10M synthetic MNQ trades as TradeColumns, one batch per 23 h session with a 1 h gap
 * (random walk on the tick grid, exponential inter-arrival times of mean 200 ms, i.e. ~5 trades/s;
 * bench/support/synthetic-sessions.ts), then times
 *   (a) a plain loop over the same typed arrays (sum of price x size): the memory-bound floor;
 *   (b) BacktestEngine with sma-cross (60 s bars, 10/30) and l1-trades, fed in chunks of 200k trades
 *       as the worker does;
 *   (c) for information, the engine with a strategy that has an onTrade handler (one call per trade
 *       reading the trade's price), to show what per-trade strategies cost;
 *   (d) for information, orb-bracket: onTrade, the CME session clock (sessions, timers), stop
 *       entries with brackets and OCO (the synthetic sessions follow the Globex open and break but
 *       also cover weekends, where orders are rejected as market-closed).
 * Prints a table and one JSON line: the cold first run, then the median and best of `runs` timed
 * runs after 3 warm-up runs (steady state, JIT warm; on a shared machine interference only adds
 * time, so best is the cleaner figure).
 * Targets: engine >= 30M events/s and >= 0.3x the plain loop.
 */
import { orbBracket } from "../lib/strategies/orb-bracket";
import type { TradeColumns } from "../lib/market/trade-columns";
import { measure, time } from "./support/measure";
import { buildSessions, engineRun, perTrade } from "./support/synthetic-sessions";

const TOTAL_TRADES = Number(process.argv[2] ?? 10_000_000);
const RUNS = Number(process.argv[3] ?? 7);
const WARMUP = 3;

function plainLoop(batches: readonly TradeColumns[]): number {
  let sum = 0;
  for (const batch of batches) {
    const price = batch.priceTicks;
    const size = batch.size;
    for (let i = 0, n = batch.length; i < n; i++) sum += price[i] * size[i];
  }
  return sum;
}

const built = time(() => buildSessions(TOTAL_TRADES, 7));
const batches = built.value;
const events = batches.reduce((sum, b) => sum + b.length, 0);

const plain = measure(() => plainLoop(batches), WARMUP, RUNS);
const engine = measure(() => engineRun(batches), WARMUP, RUNS);
const withOnTrade = measure(() => engineRun(batches, perTrade, {}), WARMUP, RUNS);
const orb = measure(() => engineRun(batches, orbBracket, {}), WARMUP, RUNS);

const rate = (ms: number) => events / (ms / 1000);
const fmt = (eventsPerSec: number) => `${(eventsPerSec / 1e6).toFixed(1)}M/s`.padStart(10);
const ratioMedian = plain.medianMs / engine.medianMs;
const ratioBest = plain.bestMs / engine.bestMs;
const verdict = (ok: boolean) => (ok ? "ok" : "MISSED");

console.log(
  `${events.toLocaleString("en-US")} trades in ${batches.length} session batches (built in ${built.ms.toFixed(0)} ms); ` +
    `${RUNS} timed runs after ${WARMUP} warm-up runs; node ${process.version}`,
);
console.log("case                   cold ms  median ms    best ms   cold ev/s  median ev/s   best ev/s");
for (const [name, m] of [["plain loop (p x s)", plain], ["engine sma-cross", engine], ["engine onTrade (info)", withOnTrade], ["orb-bracket (info)", orb]] as const) {
  console.log(
    `${name.padEnd(21)} ${m.coldMs.toFixed(1).padStart(8)} ${m.medianMs.toFixed(1).padStart(10)} ${m.bestMs.toFixed(1).padStart(10)} ` +
      `${fmt(rate(m.coldMs))}   ${fmt(rate(m.medianMs))}  ${fmt(rate(m.bestMs))}`,
  );
}
console.log(`engine/plain ratio   median ${ratioMedian.toFixed(2)}x, best ${ratioBest.toFixed(2)}x; engine fills ${engine.value}`);
console.log(
  `targets (median): >= 30M ev/s ${verdict(rate(engine.medianMs) >= 30e6)}, >= 0.3x plain ${verdict(ratioMedian >= 0.3)}` +
    ` | (best): ${verdict(rate(engine.bestMs) >= 30e6)}, ${verdict(ratioBest >= 0.3)}`,
);
console.log(
  JSON.stringify({
    bench: "engine",
    events,
    batches: batches.length,
    runs: RUNS,
    plainEventsPerSec: { cold: Math.round(rate(plain.coldMs)), median: Math.round(rate(plain.medianMs)), best: Math.round(rate(plain.bestMs)) },
    engineEventsPerSec: { cold: Math.round(rate(engine.coldMs)), median: Math.round(rate(engine.medianMs)), best: Math.round(rate(engine.bestMs)) },
    ratio: { median: Number(ratioMedian.toFixed(3)), best: Number(ratioBest.toFixed(3)) },
    engineFills: engine.value,
    onTradeEventsPerSec: { median: Math.round(rate(withOnTrade.medianMs)), best: Math.round(rate(withOnTrade.bestMs)) },
    orbBracketEventsPerSec: { median: Math.round(rate(orb.medianMs)), best: Math.round(rate(orb.bestMs)) },
    orbBracketFills: orb.value,
    plainChecksum: plain.value,
    node: process.version,
  }),
);
