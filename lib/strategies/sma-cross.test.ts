import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { BacktestEngine } from "../engine/engine";
import { defineInstrument } from "../engine/instrument";
import type { BacktestResult } from "../engine/result";
import { at, tape, T0_NS } from "../engine/test-support/tape";
import type { TradeColumns } from "../market/trade-columns";
import { smaCross, smaCrossParamsSchema } from "./sma-cross";

const MNQ = defineInstrument({ symbol: "MNQ", tickSize: 0.25, tickValueCents: 50, feePerSideCents: 57 });
const T0_MS = Number(T0_NS / 1_000_000n);

function run(batches: TradeColumns[], params: unknown, extra: { latencyNs?: number; slippageTicks?: number } = {}): BacktestResult {
  const engine = new BacktestEngine({
    instrument: MNQ,
    strategy: smaCross,
    params,
    fillModel: "l1-trades",
    startingCashCents: 1_000_000,
    seed: 1,
    ...extra,
  });
  for (const batch of batches) engine.processBatch(batch, 0, batch.length);
  return engine.finish();
}

// Session 1: bars [0,60) close 102, [60,120) close 104, [120,180) close 108, [180,240) open.
const session1 = tape([
  { tsNs: at(10), priceTicks: 100 },
  { tsNs: at(50), priceTicks: 102 },
  { tsNs: at(70), priceTicks: 104 },
  { tsNs: at(130), priceTicks: 106 },
  { tsNs: at(170), priceTicks: 108 },
  { tsNs: at(190), priceTicks: 110 },
  { tsNs: at(200), priceTicks: 100 },
]);
// Session 2, origin 37.5 s off the minute grid: bar [180,240) closes at its first trade.
const session2 = tape(
  [
    { tsNs: at(250), priceTicks: 96 },
    { tsNs: at(310), priceTicks: 98 },
    { tsNs: at(320), priceTicks: 94 },
  ],
  at(237.5),
);
const params = { barSeconds: 60, fast: 2, slow: 3, qty: 1 };

describe("sma-cross parameters", () => {
  it("defaults to 60 s bars, fast 10, slow 30, qty 1", () => {
    expect(smaCrossParamsSchema.parse({})).toEqual({ barSeconds: 60, fast: 10, slow: 30, qty: 1 });
  });

  it("requires fast < slow and integer bounds", () => {
    expect(smaCrossParamsSchema.safeParse({ fast: 30, slow: 30 }).success).toBe(false);
    expect(smaCrossParamsSchema.safeParse({ qty: 0 }).success).toBe(false);
    expect(smaCrossParamsSchema.safeParse({ barSeconds: 1.5 }).success).toBe(false);
  });

  it("is rejected by the engine with a bad_request error", () => {
    expect(() => run([], { fast: 5, slow: 3 })).toThrow(AppError);
    expect(() => run([], { fast: 5, slow: 3 })).toThrow(/fast must be smaller than slow/);
  });
});

describe("sma-cross reference scenario (fast 2, slow 3, 60 s bars, fee 57 c/side)", () => {
  const result = run([session1, session2], params);

  it("buys at the trade that closes the first bar with a signal, and ignores an exact tie", () => {
    // Bar 3 close [102,104,108]: fast 106 > slow 104.67 -> buy 1 at the t=190 trade (110).
    // Bar 4 close [104,108,100]: fast 104 == slow 104 -> no order.
    // Bar 5 close [108,100,96]: fast 98 < slow 101.33 -> sell 2 at the t=310 trade (98).
    // End of data: final bar [100,96,94] keeps the short; it is closed at the last trade (94).
    expect(result.fills.map((f) => [f.side, f.qty, f.priceTicks, f.tsNs, f.feeCents])).toEqual([
      [1, 1, 110, at(190), 57],
      [-1, 2, 98, at(310), 114],
      [1, 1, 94, at(320), 57],
    ]);
    expect(result.fills.map((f) => f.reason)).toEqual([
      { model: "l1-trades", batch: 0, tradeIndex: 5, tradeTsNs: at(190), latencyNs: 0, slippageTicks: 0 },
      { model: "l1-trades", batch: 1, tradeIndex: 1, tradeTsNs: at(310), latencyNs: 0, slippageTicks: 0 },
      { model: "end-of-data", batch: 1, tradeIndex: 2, tradeTsNs: at(320), latencyNs: 0, slippageTicks: 0 },
    ]);
    expect(result.fills.map((f) => f.orderId)).toEqual([1, 2, 3]);
  });

  it("records the reversal as two round trips with exact cents", () => {
    expect(result.trades).toEqual([
      { side: 1, qty: 1, entryTimeNs: at(190), exitTimeNs: at(310), entryPrice: 27.5, exitPrice: 24.5, pnlCents: -600, feesCents: 114, netCents: -714 },
      { side: -1, qty: 1, entryTimeNs: at(310), exitTimeNs: at(320), entryPrice: 24.5, exitPrice: 23.5, pnlCents: 200, feesCents: 114, netCents: 86 },
    ]);
    expect(result.metrics).toEqual({
      netPnlCents: -628,
      grossPnlCents: -400,
      feesCents: 228,
      roundTrips: 2,
      winners: 1,
      losers: 1,
      netPnlUsd: -6.28,
      grossPnlUsd: -4,
      feesUsd: 2.28,
    });
    expect(result.finalEquityCents).toBe(1_000_000 - 628);
    expect(result.finalPositionQty).toBe(0);
    expect(result.events).toBe(10);
    expect(result.cancelledOrders).toEqual([]);
  });

  it("samples equity at the start, at each minute that held trades, after each fill and at the end", () => {
    const s = (seconds: number) => T0_MS + seconds * 1000;
    expect(result.equity.tsMs).toEqual([s(10), s(60), s(120), s(180), s(190), s(240), s(300), s(310), s(320)]);
    expect(result.equity.equityCents).toEqual([1_000_000, 1_000_000, 1_000_000, 1_000_000, 999_943, 999_443, 999_243, 999_229, 999_372]);
  });
});

describe("sma-cross at the end of data", () => {
  it("cannot trade the final bar's signal: the order is cancelled and the position closed at the last trade", () => {
    const session = tape([
      { tsNs: at(10), priceTicks: 100 },
      { tsNs: at(50), priceTicks: 102 },
      { tsNs: at(70), priceTicks: 104 },
      { tsNs: at(130), priceTicks: 106 },
      { tsNs: at(170), priceTicks: 108 },
      { tsNs: at(190), priceTicks: 110 },
      { tsNs: at(200), priceTicks: 90 },
    ]);
    const result = run([session], params);
    // Final bar [104,108,90]: fast 99 < slow 100.67 -> sell 2 is sent but no trade follows.
    expect(result.cancelledOrders).toMatchObject([{ id: 2, side: -1, qty: 2, status: "cancelled", filledQty: 0, submittedAtNs: at(200) }]);
    expect(result.fills.map((f) => [f.side, f.qty, f.priceTicks, f.reason.model])).toEqual([
      [1, 1, 110, "l1-trades"],
      [-1, 1, 90, "end-of-data"],
    ]);
    expect(result.trades).toMatchObject([{ side: 1, qty: 1, pnlCents: -1000, feesCents: 114, netCents: -1114 }]);
  });

  it("makes no trade before `slow` closes exist", () => {
    const result = run([session1], { barSeconds: 60, fast: 3, slow: 4 });
    expect(result.fills).toEqual([]);
    expect(result.equity.equityCents.every((e) => e === 1_000_000)).toBe(true);
  });
});

describe("sma-cross with latency and slippage", () => {
  it("fills at the first trade at or after bar end + latency", () => {
    const result = run([session1], params, { latencyNs: 15e9 });
    expect(result.fills[0]).toMatchObject({ side: 1, priceTicks: 100, tsNs: at(200) });
    expect(result.fills[0].reason).toMatchObject({ tradeIndex: 6, latencyNs: 15e9 });
  });

  it("fills at the trade price moved against the order by the slippage", () => {
    const result = run([session1], params, { slippageTicks: 1 });
    expect(result.fills[0]).toMatchObject({ side: 1, priceTicks: 111 });
    expect(result.fills[0].reason.slippageTicks).toBe(1);
  });
});

// ---- differential test against a deliberately naive reference (BigInt, one flat pass) ----------

interface RefFill {
  side: number;
  qty: number;
  priceTicks: number;
  tsNs: bigint;
}

function referenceSmaCross(batches: TradeColumns[], p: { barSeconds: number; fast: number; slow: number; qty: number }): RefFill[] {
  const periodNs = BigInt(p.barSeconds) * 1_000_000_000n;
  const closes: number[] = [];
  const fills: RefFill[] = [];
  let position = 0;
  let pending = 0;
  let bar: bigint | null = null;
  let lastPrice = 0;
  let lastNs = 0n;
  const closeBar = () => {
    closes.push(lastPrice);
    if (closes.length < p.slow) return;
    const sum = (n: number) => closes.slice(-n).reduce((a, b) => a + BigInt(b), 0n);
    const left = sum(p.fast) * BigInt(p.slow);
    const right = sum(p.slow) * BigInt(p.fast);
    const target = left > right ? p.qty : left < right ? -p.qty : position;
    pending = target - position;
  };
  for (const batch of batches) {
    for (let i = 0; i < batch.length; i++) {
      const tsNs = batch.baseNs + BigInt(batch.tsOffsetNs[i]);
      const k = tsNs / periodNs;
      if (bar !== null && k !== bar) closeBar();
      if (pending !== 0) {
        fills.push({ side: Math.sign(pending), qty: Math.abs(pending), priceTicks: batch.priceTicks[i], tsNs });
        position += pending;
        pending = 0;
      }
      bar = k;
      lastPrice = batch.priceTicks[i];
      lastNs = tsNs;
    }
  }
  if (bar !== null) closeBar();
  if (position !== 0) fills.push({ side: -Math.sign(position), qty: Math.abs(position), priceTicks: lastPrice, tsNs: lastNs });
  return fills;
}

const tapesArbitrary = fc
  .array(
    fc.record({
      gapNs: fc.integer({ min: 0, max: 20_000_000_000 }),
      originBeforeNs: fc.integer({ min: 0, max: 5_000_000_000 }),
      steps: fc.array(fc.record({ dtNs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 2_000_000_000 })), dTicks: fc.integer({ min: -3, max: 3 }) }), {
        minLength: 1,
        maxLength: 300,
        size: "max",
      }),
    }),
    { minLength: 1, maxLength: 3 },
  )
  .map((sessions) => {
    let t = T0_NS + 123_456_789n;
    let price = 80_000;
    return sessions.map((session) => {
      t += BigInt(session.gapNs);
      const trades = session.steps.map((step) => {
        t += BigInt(step.dtNs);
        price += step.dTicks;
        return { tsNs: t, priceTicks: price };
      });
      return tape(trades, trades[0].tsNs - BigInt(session.originBeforeNs));
    });
  });

describe("sma-cross against a naive reference", () => {
  it("produces exactly the reference fills on random tapes, whatever the chunking", () => {
    fc.assert(
      fc.property(
        tapesArbitrary,
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 40 }),
        (batches, barSeconds, fast, extra, qty, chunk) => {
          const p = { barSeconds, fast, slow: fast + extra, qty };
          const engine = new BacktestEngine({ instrument: MNQ, strategy: smaCross, params: p, fillModel: "l1-trades", startingCashCents: 0, seed: 0 });
          for (const batch of batches) {
            for (let from = 0; from < batch.length; from += chunk) engine.processBatch(batch, from, Math.min(batch.length, from + chunk));
          }
          const result = engine.finish();
          const expected = referenceSmaCross(batches, p);
          expect(result.fills.map((f) => ({ side: f.side, qty: f.qty, priceTicks: f.priceTicks, tsNs: f.tsNs }))).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});
