/**
 * The synthetic trades and engine runs shared by engine.bench.ts and strategy-guard.bench.ts:
 * ~5 MNQ trades/s (exponential inter-arrival times of mean 200 ms, a random walk on the tick grid)
 * in one TradeColumns batch per 23 h session with a 1 h gap, from a Globex open; the engine fed in
 * chunks of 200k trades with a snapshot between them, as the worker does.
 */
import { z } from "zod";
import { BacktestEngine } from "../../lib/engine/engine";
import { defineInstrument } from "../../lib/engine/instrument";
import { defineStrategy, type StrategyModule } from "../../lib/engine/strategy";
import { SeededRandom } from "../../lib/market/random";
import { allocateTradeColumns, type TradeColumns } from "../../lib/market/trade-columns";
import { smaCross } from "../../lib/strategies/sma-cross";

const CHUNK = 200_000;
const SESSION_NS = 23 * 3600e9;
const GAP_NS = 3600e9;
const MEAN_INTERARRIVAL_NS = 200e6;
const START_NS = 1_704_150_000_000_000_000n; // 2024-01-01T23:00:00Z, a Globex open

export const MNQ = defineInstrument({ symbol: "MNQ", tickSize: 0.25, tickValueCents: 50, feePerSideCents: 57 });

/** sma-cross on 60 s bars, 10/30, one contract: the engine benchmarks' reference strategy. */
export const SMA_PARAMS = { barSeconds: 60, fast: 10, slow: 30, qty: 1 };

/** About `total` trades (whole sessions), the same for the same seed. */
export function buildSessions(total: number, seed: number): TradeColumns[] {
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

/** Per-trade handler that reads each price and trades on a rare condition. */
export const perTrade = defineStrategy({
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

/** One l1-trades backtest over the batches; returns the number of fills. */
export function engineRun(batches: readonly TradeColumns[], strategy: StrategyModule = smaCross, params: unknown = SMA_PARAMS): number {
  const engine = new BacktestEngine({
    instrument: MNQ,
    strategy,
    params,
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
