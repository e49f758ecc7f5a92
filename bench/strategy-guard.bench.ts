/**
 * Cost of the sandbox's handler guard (lib/runs/sandbox/handler-probe.ts):
 * `node --import tsx bench/strategy-guard.bench.ts [trades=10000000] [runs=7]`.
 *
 * Same synthetic ~10M MNQ trades as engine.bench.ts (random walk, ~5 trades/s, 23 h sessions), then
 * the engine with and without the guard for
 *   (a) sma-cross (one guarded call per bar: the guard's cost is per bar, i.e. nil), and
 *   (b) a strategy with an onTrade handler (one guarded call per trade: the worst case).
 * Target: a guarded per-trade strategy stays >= 30M events/s.
 */
import { z } from "zod";
import { BacktestEngine } from "../lib/engine/engine";
import { defineInstrument } from "../lib/engine/instrument";
import { defineStrategy, type StrategyModule } from "../lib/engine/strategy";
import { SeededRandom } from "../lib/market/random";
import { allocateTradeColumns, type TradeColumns } from "../lib/market/trade-columns";
import { createProbe, guardStrategy } from "../lib/runs/sandbox/handler-probe";
import { smaCross } from "../lib/strategies/sma-cross";
import { measure } from "./support/measure";

const TOTAL_TRADES = Number(process.argv[2] ?? 10_000_000);
const RUNS = Number(process.argv[3] ?? 7);
const WARMUP = 3;
const CHUNK = 200_000;
const SESSION_NS = 23 * 3600e9;
const GAP_NS = 3600e9;
const MNQ = defineInstrument({ symbol: "MNQ", tickSize: 0.25, tickValueCents: 50, feePerSideCents: 57 });

function buildSessions(total: number, seed: number): TradeColumns[] {
  const random = new SeededRandom(seed);
  const batches: TradeColumns[] = [];
  let startNs = 1_704_150_000_000_000_000n;
  let price = 84_000;
  for (let remaining = total; remaining > 0; ) {
    const batch = allocateTradeColumns(Math.min(Math.ceil(SESSION_NS / 200e6) + 1_000, remaining), startNs);
    let t = 0;
    let n = 0;
    while (n < batch.tsOffsetNs.length) {
      t += Math.floor(random.exponential(200e6));
      if (t >= SESSION_NS) break;
      const u = random.next();
      price += u < 0.3 ? -1 : u > 0.7 ? 1 : 0;
      batch.tsOffsetNs[n] = t;
      batch.priceTicks[n] = price;
      batch.size[n] = 1 + random.int(5);
      batch.side[n] = random.next() < 0.5 ? 1 : -1;
      n++;
    }
    batch.length = n;
    batches.push(batch);
    remaining -= n;
    startNs += BigInt(SESSION_NS + GAP_NS);
  }
  return batches;
}

/** The per-trade strategy of engine.bench.ts. */
const perTrade = defineStrategy({
  id: "bench-per-trade",
  name: "Per-trade bench strategy",
  description: "Reads every trade; flips position on 0.01% of them",
  paramsSchema: z.object({}),
  create: () => ({
    onStart() {},
    onTrade(ctx, i) {
      const price = ctx.trades.priceTicks[i];
      if (price % 10_000 === 0 && ctx.workingQty === 0) ctx.submitMarket(ctx.position.qty > 0 ? -1 : 1, ctx.position.qty === 0 ? 1 : 2);
    },
  }),
});

function engineRun(batches: readonly TradeColumns[], strategy: StrategyModule, params: unknown): number {
  const engine = new BacktestEngine({ instrument: MNQ, strategy, params, fillModel: "l1-trades", startingCashCents: 1_000_000, seed: 1 });
  for (const batch of batches) {
    for (let from = 0; from < batch.length; from += CHUNK) {
      engine.processBatch(batch, from, Math.min(batch.length, from + CHUNK));
      engine.snapshot();
    }
  }
  return engine.finish().fills.length;
}

const batches = buildSessions(TOTAL_TRADES, 7);
const events = batches.reduce((sum, b) => sum + b.length, 0);
const smaParams = { barSeconds: 60, fast: 10, slow: 30, qty: 1 };
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
