import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import type { TradeColumns } from "../market/trade-columns";
import { smaCross } from "../strategies/sma-cross";
import { BacktestEngine, type BacktestEngineConfig } from "./engine";
import { defineInstrument } from "./instrument";
import type { Fill } from "./fill";
import type { BacktestResult } from "./result";
import { resultHash } from "./result-hash";
import type { StrategyContext, TimeBar } from "./strategy";
import { scripted } from "./test-support/strategies";
import { at, tape } from "./test-support/tape";

const MNQ = defineInstrument({ symbol: "MNQ", tickSize: 0.25, tickValueCents: 50, feePerSideCents: 57 });

function engineWith(overrides: Partial<BacktestEngineConfig>): BacktestEngine {
  return new BacktestEngine({
    instrument: MNQ,
    strategy: smaCross,
    params: {},
    fillModel: "l1-trades",
    startingCashCents: 100_000,
    seed: 42,
    ...overrides,
  });
}

const fiveTrades = tape([
  { tsNs: at(1), priceTicks: 100 },
  { tsNs: at(2), priceTicks: 101 },
  { tsNs: at(2), priceTicks: 102 },
  { tsNs: at(3), priceTicks: 103 },
  { tsNs: at(4), priceTicks: 104 },
]);

describe("BacktestEngine: order timing", () => {
  it("fills an order sent from onTrade(i) at a later trade, never at trade i itself, even at the same timestamp", () => {
    const strategy = scripted({
      onTrade(ctx, i) {
        if (i === 1) ctx.submitMarket(1, 2);
      },
    });
    const result = runAll(engineWith({ strategy }), [fiveTrades]);
    expect(result.fills[0]).toMatchObject({ side: 1, qty: 2, priceTicks: 102, tsNs: at(2) });
    expect(result.fills[0].reason.tradeIndex).toBe(2);
  });

  it("fills an order sent from onStart at the first trade", () => {
    const strategy = scripted({ onStart: (ctx) => void ctx.submitMarket(-1, 1) });
    const result = runAll(engineWith({ strategy }), [fiveTrades]);
    expect(result.fills.map((f) => [f.side, f.priceTicks, f.reason.tradeIndex])).toEqual([
      [-1, 100, 0],
      [1, 104, 4],
    ]);
  });

  it("fills an order sent from onFill at the next trade", () => {
    const strategy = scripted({
      onStart: (ctx) => void ctx.submitMarket(1, 1),
      onFill(ctx, fill) {
        if (fill.orderId === 1) ctx.submitMarket(-1, 1);
      },
    });
    const result = runAll(engineWith({ strategy }), [fiveTrades]);
    expect(result.fills.map((f) => [f.orderId, f.priceTicks, f.reason.tradeIndex])).toEqual([
      [1, 100, 0],
      [2, 101, 1],
    ]);
  });

  it("exposes the clock, position, working quantity and account to handlers", () => {
    const seen: unknown[] = [];
    const strategy = scripted({
      onStart(ctx) {
        seen.push(["start", ctx.timeNs, ctx.lastPriceTicks]);
        ctx.submitMarket(1, 3);
        seen.push(["working", ctx.workingQty, ctx.position.qty]);
      },
      onFill(ctx: StrategyContext, fill: Fill) {
        seen.push(["fill", ctx.timeNs, fill.priceTicks, ctx.position.qty, ctx.position.avgEntryTicks, ctx.workingQty, ctx.account.feesCents]);
      },
      onTrade(ctx, i) {
        if (i === 3) seen.push(["trade", ctx.timeNs, ctx.lastPriceTicks, ctx.trades.priceTicks[i], ctx.account.unrealisedCents, ctx.account.equityCents]);
      },
      onEnd(ctx) {
        seen.push(["end", ctx.timeNs, ctx.position.qty, ctx.account.realisedCents]);
      },
    });
    runAll(engineWith({ strategy }), [fiveTrades]);
    expect(seen).toEqual([
      ["start", at(1), Number.NaN],
      ["working", 3, 0],
      ["fill", at(1), 100, 3, 100, 0, 171],
      ["trade", at(3), 103, 103, 3 * 3 * 50, 100_000 + 450 - 171],
      ["fill", at(4), 104, 0, null, 0, 342],
      ["end", at(4), 0, 3 * 4 * 50],
    ]);
  });
});

describe("BacktestEngine: bars", () => {
  it("closes a bar before delivering the first trade at or after its end, with the clock at the bar end", () => {
    const bars: [Pick<TimeBar, "startNs" | "endNs" | "closeTicks">, bigint, number][] = [];
    const strategy = scripted({
      barIntervalNs: 10e9,
      onBar: (ctx, bar) => void bars.push([{ startNs: bar.startNs, endNs: bar.endNs, closeTicks: bar.closeTicks }, ctx.timeNs, ctx.lastPriceTicks]),
    });
    const trades = tape([
      { tsNs: at(1), priceTicks: 1 },
      { tsNs: at(9.999999999), priceTicks: 2 },
      { tsNs: at(10), priceTicks: 3 },
      { tsNs: at(35), priceTicks: 4 },
    ]);
    runAll(engineWith({ strategy }), [trades]);
    expect(bars).toEqual([
      [{ startNs: at(0), endNs: at(10), closeTicks: 2 }, at(10), 2],
      [{ startNs: at(10), endNs: at(20), closeTicks: 3 }, at(20), 3],
      // The final bar closes at the end of data, with the clock at the last trade.
      [{ startNs: at(30), endNs: at(40), closeTicks: 4 }, at(35), 4],
    ]);
  });

  it("closes the last bar of a session when the next session's first trade arrives", () => {
    const closes: bigint[] = [];
    const strategy = scripted({ barIntervalNs: 60e9, onBar: (_ctx, bar) => void closes.push(bar.endNs) });
    const engine = engineWith({ strategy });
    engine.processBatch(tape([{ tsNs: at(30), priceTicks: 1 }]), 0, 1);
    expect(closes).toEqual([]);
    engine.processBatch(tape([{ tsNs: at(3_630), priceTicks: 2 }], at(3_600)), 0, 1);
    expect(closes).toEqual([at(60)]);
  });

  it("requires a bar interval from strategies that handle bars", () => {
    const strategy = scripted({ onBar: () => {} });
    expect(() => engineWith({ strategy })).toThrow(/barIntervalNs/);
  });
});

describe("BacktestEngine: runs", () => {
  const session1 = tape(Array.from({ length: 400 }, (_, i) => ({ tsNs: at(i * 1.7), priceTicks: 80_000 + Math.round(20 * Math.sin(i / 9)) })));
  const session2 = tape(
    Array.from({ length: 300 }, (_, i) => ({ tsNs: at(4_000 + i * 2.3), priceTicks: 80_010 + Math.round(25 * Math.cos(i / 7)) })),
    at(3_999.1234),
  );
  const params = { barSeconds: 5, fast: 3, slow: 7, qty: 2 };

  it("is deterministic: two runs give the same result hash", () => {
    const a = runAll(engineWith({ params }), [session1, session2]);
    const b = runAll(engineWith({ params }), [session1, session2]);
    expect(a.fills.length).toBeGreaterThan(4);
    expect(resultHash(a)).toBe(resultHash(b));
    expect(resultHash(runAll(engineWith({ params, startingCashCents: 1 }), [session1, session2]))).not.toBe(resultHash(a));
  });

  it("gives the same result whatever the chunk size", () => {
    const whole = resultHash(runAll(engineWith({ params }), [session1, session2]));
    for (const chunk of [1, 7, 64]) {
      const engine = engineWith({ params });
      for (const batch of [session1, session2]) {
        for (let from = 0; from < batch.length; from += chunk) engine.processBatch(batch, from, Math.min(batch.length, from + chunk));
      }
      expect(resultHash(engine.finish())).toBe(whole);
    }
  });

  it("reports progress between chunks", () => {
    const engine = engineWith({ params: { barSeconds: 5, fast: 1, slow: 2, qty: 1 } });
    expect(engine.snapshot()).toEqual({ eventsProcessed: 0, simTimeNs: 0n, equityCents: 100_000, positionQty: 0 });
    engine.processBatch(session1, 0, 100);
    const snapshot = engine.snapshot();
    expect(snapshot.eventsProcessed).toBe(100);
    expect(snapshot.simTimeNs).toBe(at(99 * 1.7));
    expect(Math.abs(snapshot.positionQty)).toBe(1);
  });

  it("treats a refilled batch object with a new origin as a new batch", () => {
    const reused = tape([{ tsNs: at(1), priceTicks: 5 }]);
    const strategy = scripted({ onStart: (ctx) => void ctx.submitMarket(1, 1) });
    const engine = engineWith({ strategy });
    engine.processBatch(reused, 0, 1);
    reused.baseNs = at(100);
    reused.priceTicks[0] = 9;
    engine.processBatch(reused, 0, 1);
    const result = engine.finish();
    expect(result.events).toBe(2);
    expect(result.fills.map((f) => [f.priceTicks, f.reason.batch, f.tsNs])).toEqual([
      [5, 0, at(1)],
      [9, 1, at(100)],
    ]);
  });

  it("finishes an empty run flat with starting equity", () => {
    const result = engineWith({}).finish();
    expect(result).toMatchObject({ events: 0, fills: [], trades: [], finalEquityCents: 100_000, finalPositionQty: 0 });
    expect(result.equity).toEqual({ tsMs: [], equityCents: [] });
  });

  it("overrides the instrument fee when the run says so", () => {
    const strategy = scripted({ onStart: (ctx) => void ctx.submitMarket(1, 2) });
    const result = runAll(engineWith({ strategy, feePerSideCents: 10 }), [fiveTrades]);
    expect(result.metrics.feesCents).toBe(40);
  });
});

describe("BacktestEngine: errors", () => {
  it("rejects an invalid configuration as bad_request", () => {
    expect(() => engineWith({ startingCashCents: 1.5 })).toThrow(AppError);
    expect(() => engineWith({ fillModel: "l3-fifo" as never })).toThrow(/fillModel/);
    expect(() => engineWith({ latencyNs: -1 })).toThrow(/latencyNs/);
  });

  it("rejects trades that go back in time across batches as unprocessable", () => {
    const engine = engineWith({});
    engine.processBatch(tape([{ tsNs: at(10), priceTicks: 1 }]), 0, 1);
    const error = catchError(() => engine.processBatch(tape([{ tsNs: at(9), priceTicks: 1 }]), 0, 1));
    expect(error).toMatchObject({ code: "unprocessable" });
  });

  it("rejects a chunk that does not continue the current batch", () => {
    const engine = engineWith({});
    engine.processBatch(fiveTrades, 0, 2);
    expect(() => engine.processBatch(fiveTrades, 3, 5)).toThrow(/expected 2/);
    expect(() => engine.processBatch(fiveTrades, 2, 6)).toThrow(/invalid range/);
  });

  it("reports exceptions thrown by a strategy as strategy_failed, and invalid orders too", () => {
    const throwing = scripted({
      onTrade() {
        throw new Error("boom");
      },
    });
    expect(catchError(() => engineWith({ strategy: throwing }).processBatch(fiveTrades, 0, 5))).toMatchObject({ code: "strategy_failed" });
    const invalid = scripted({ onStart: (ctx) => void ctx.submitMarket(1, 0) });
    expect(catchError(() => engineWith({ strategy: invalid }).processBatch(fiveTrades, 0, 5))).toMatchObject({ code: "strategy_failed" });
  });

  it("refuses further calls once a run has failed", () => {
    const engine = engineWith({ strategy: scripted({ onBar: () => { throw new Error("bad bar"); }, barIntervalNs: 1e9 }) });
    expect(catchError(() => engine.processBatch(fiveTrades, 0, 5))).toMatchObject({ code: "strategy_failed", message: expect.stringMatching(/onBar/) });
    expect(() => engine.processBatch(fiveTrades, 0, 5)).toThrow(/failed engine/);
    expect(() => engine.finish()).toThrow(/failed engine/);
  });

  it("rejects orders sent after the end of data, and any use after finish", () => {
    let late: unknown;
    const strategy = scripted({ onEnd: (ctx) => void (late = ctx.submitMarket(1, 1)) });
    const engine = engineWith({ strategy });
    engine.processBatch(fiveTrades, 0, 5);
    expect(engine.finish().fills).toEqual([]);
    expect(late).toMatchObject({ status: "rejected" });
    expect(() => engine.finish()).toThrow(AppError);
    expect(() => engine.processBatch(fiveTrades, 0, 5)).toThrow(AppError);
  });
});

function catchError(run: () => void): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}

/** Replays whole batches, then finishes. */
function runAll(engine: BacktestEngine, batches: TradeColumns[]): BacktestResult {
  for (const batch of batches) engine.processBatch(batch, 0, batch.length);
  return engine.finish();
}
