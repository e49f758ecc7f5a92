/**
 * Cost of the sandbox's handler guard (lib/runs/sandbox/handler-probe.ts):
 * `node --import tsx bench/strategy-guard.bench.ts [trades=10000000] [runs=7]`.
 *
 * Same synthetic ~10M MNQ trades as engine.bench.ts (bench/support/synthetic-sessions.ts), then
 * the engine with and without the guard for
 *   (a) sma-cross (one guarded call per bar: the guard's cost is per bar, i.e. nil), and
 *   (b) a strategy with an onTrade handler (one guarded call per trade: the worst case).
 * Target: a guarded per-trade strategy stays >= 30M events/s.
 */
import { createProbe, guardStrategy } from "../lib/runs/sandbox/handler-probe";
import { smaCross } from "../lib/strategies/sma-cross";
import { measure } from "./support/measure";
import { buildSessions, engineRun, perTrade, SMA_PARAMS } from "./support/synthetic-sessions";

const TOTAL_TRADES = Number(process.argv[2] ?? 10_000_000);
const RUNS = Number(process.argv[3] ?? 7);
const WARMUP = 3;

const batches = buildSessions(TOTAL_TRADES, 7);
const events = batches.reduce((sum, b) => sum + b.length, 0);
const smaParams = SMA_PARAMS;
const cases = [
  ["sma-cross", () => engineRun(batches, smaCross, smaParams)],
  ["sma-cross guarded", () => engineRun(batches, guardStrategy(smaCross, createProbe()), smaParams)],
  ["onTrade", () => engineRun(batches, perTrade, {})],
  ["onTrade guarded", () => engineRun(batches, guardStrategy(perTrade, createProbe()), {})],
] as const;
const results = cases.map(([name, run]) => ({ name, ...measure(run, WARMUP, RUNS) }));
const rate = (ms: number) => events / (ms / 1000);
const fmt = (eventsPerSec: number) => `${(eventsPerSec / 1e6).toFixed(1)}M/s`.padStart(10);

console.log(`${events.toLocaleString("en-US")} trades in ${batches.length} sessions; ${RUNS} timed runs after ${WARMUP} warm-ups; node ${process.version}`);
console.log("case                  median ms    best ms  median ev/s   best ev/s   fills");
for (const r of results) {
  console.log(`${r.name.padEnd(20)} ${r.medianMs.toFixed(1).padStart(10)} ${r.bestMs.toFixed(1).padStart(10)}   ${fmt(rate(r.medianMs))}  ${fmt(rate(r.bestMs))}   ${r.value}`);
}
const guardedOnTrade = results[3];
console.log(`target: guarded onTrade >= 30M ev/s (median) ${rate(guardedOnTrade.medianMs) >= 30e6 ? "ok" : "MISSED"}`);
console.log(
  JSON.stringify({
    bench: "strategy-guard",
    events,
    runs: RUNS,
    eventsPerSec: Object.fromEntries(results.map((r) => [r.name, { median: Math.round(rate(r.medianMs)), best: Math.round(rate(r.bestMs)) }])),
    sameFills: results[0].value === results[1].value && results[2].value === results[3].value,
    node: process.version,
  }),
);
