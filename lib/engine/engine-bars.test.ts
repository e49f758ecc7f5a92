import { describe, expect, it } from "vitest";
import type { TradeColumns } from "../market/trade-columns";
import { buildBars } from "./bar-builder";
import { BacktestEngine } from "./engine";
import { defineInstrument } from "./instrument";
import type { BacktestResult } from "./result";
import { isActivityBar, type ActivityBar, type Bar, type StrategyHandlers } from "./strategy";
import { scripted } from "./test-support/strategies";
import { at, tape } from "./test-support/tape";
import { OHLCV_BARS, OHLCV_TRADES, timeBarFields } from "./test-support/time-bars";

const MNQ = defineInstrument({ symbol: "MNQ", tickSize: 0.25, tickValueCents: 50, feePerSideCents: 57 });

function engineFor(handlers: Partial<StrategyHandlers>): BacktestEngine {
  return new BacktestEngine({ instrument: MNQ, strategy: scripted(handlers), params: {}, fillModel: "l1-trades", startingCashCents: 100_000, seed: 1 });
}

function run(engine: BacktestEngine, batches: TradeColumns[], chunk = Infinity): BacktestResult {
  for (const batch of batches) {
    for (let from = 0; from < batch.length; from = Math.min(batch.length, from + chunk)) engine.processBatch(batch, from, Math.min(batch.length, from + chunk));
  }
  return engine.finish();
}

const activity = (bar: Bar): ActivityBar => {
  if (!isActivityBar(bar)) throw new Error("expected an activity bar");
  return bar;
};

const tapeA = tape([
  { tsNs: at(1), priceTicks: 100, size: 2 },
  { tsNs: at(2), priceTicks: 102, size: 1 },
  { tsNs: at(2), priceTicks: 99, size: 4 },
  { tsNs: at(2), priceTicks: 101, size: 1 },
  { tsNs: at(3), priceTicks: 103, size: 3 },
]);
const tapeB = tape([
  { tsNs: at(70), priceTicks: 104, size: 1 },
  { tsNs: at(71), priceTicks: 98, size: 2 },
  { tsNs: at(71), priceTicks: 97, size: 6 },
]);

describe("BacktestEngine: tick, volume and range bars", () => {
  for (const barSpec of [{ kind: "tick", count: 3 }, { kind: "volume", size: 5 }, { kind: "range", ticks: 3 }] as const) {
    it(`delivers the ${barSpec.kind} bars of bar-builder's rules across batches and chunks, the last one at the end of data`, () => {
      const expected = buildBars(barSpec, [tapeA, tapeB]);
      for (const chunk of [Infinity, 1, 2]) {
        const seen: ActivityBar[] = [];
        run(engineFor({ barSpec, onBar: (_ctx, bar) => void seen.push(activity(bar)) }), [tapeA, tapeB], chunk);
        expect(seen).toEqual(expected);
      }
    });
  }

  it("closes a tick bar after its last trade reached working orders and before onTrade of that trade; an order from onBar fills at the next trade", () => {
    const log: string[] = [];
    const result = run(
      engineFor({
        barSpec: { kind: "tick", count: 2 },
        onStart: (ctx) => void ctx.submitMarket(1, 1),
        onFill: (ctx, fill) => void log.push(`fill ${fill.priceTicks} @${ctx.timeNs - at(0)}`),
        onBar(ctx, bar) {
          log.push(`bar ${bar.closeTicks} @${ctx.timeNs - at(0)}`);
          if (ctx.position.qty > 0) ctx.submitMarket(-1, 1);
        },
        onTrade: (_ctx, i) => void log.push(`trade ${i}`),
      }),
      [tapeA],
    );
    // Entry fills at trade 0 (100); bar [100, 102] closes at trade 1 (2 s); the exit fills at trade 2 (99).
    expect(log).toEqual(["fill 100 @1000000000", "trade 0", "bar 102 @2000000000", "trade 1", "fill 99 @2000000000", "trade 2", "bar 101 @2000000000", "trade 3", "trade 4", "bar 103 @3000000000"]);
    expect(result.fills.map((f) => [f.side, f.priceTicks, f.reason.tradeIndex])).toEqual([
      [1, 100, 0],
      [-1, 99, 2],
    ]);
  });

  it("closes a range bar before the trade that breaks it (clock = that trade's time); an order from onBar fills at that trade", () => {
    const closes: [number, bigint, bigint][] = [];
    const result = run(
      engineFor({
        barSpec: { kind: "range", ticks: 3 },
        onBar(ctx, bar) {
          closes.push([bar.closeTicks, bar.endNs, ctx.timeNs]);
          if (closes.length === 1) ctx.submitMarket(1, 1);
        },
      }),
      [tapeA],
    );
    // Bar 1 = 100, 102, 99, 101; 103 breaks it (103 - 99 = 4 > 3) at 3 s; the buy fills at 103.
    expect(closes).toEqual([
      [101, at(2), at(3)],
      [103, at(3), at(3)],
    ]);
    expect(result.fills[0]).toMatchObject({ side: 1, priceTicks: 103, tsNs: at(3) });
  });

  it("fires a timer due before the breaking trade before the range bar, and one due at that trade's time after it", () => {
    const log: string[] = [];
    run(
      engineFor({
        barSpec: { kind: "range", ticks: 3 },
        onStart(ctx) {
          ctx.setTimer(at(2.5), 1);
          ctx.setTimer(at(3), 2);
        },
        onTimer: (_ctx, id) => void log.push(`timer ${id}`),
        onBar: (_ctx, bar) => void log.push(`bar ${bar.closeTicks}`),
      }),
      [tapeA],
    );
    expect(log).toEqual(["timer 1", "bar 101", "timer 2", "bar 103"]);
  });

  it("refuses a strategy that declares both barIntervalNs and barSpec, or an invalid spec", () => {
    expect(() => engineFor({ barIntervalNs: 60e9, barSpec: { kind: "tick", count: 5 }, onBar() {} })).toThrow(/both barIntervalNs and barSpec/);
    expect(() => engineFor({ barSpec: { kind: "range", ticks: 0 }, onBar() {} })).toThrow(/Invalid bar spec/);
  });

  it("keeps time bars close-only, marked kind time, [k P, (k+1) P) even for the last bar at the end of data", () => {
    const seen: Bar[] = [];
    run(engineFor({ barIntervalNs: 60e9, onBar: (_ctx, bar) => void seen.push(bar) }), [tapeA, tapeB]);
    expect(seen.map((b) => [b.kind, b.closeTicks, b.startNs, b.endNs])).toEqual([
      ["time", 103, at(0), at(60)],
      ["time", 97, at(60), at(120)],
    ]);
  });
});

describe("BacktestEngine: time bars with OHLCV (timeBarOhlcv)", () => {
  // Split points: one batch; a batch boundary inside bar [0, 10); one between two bars.
  const splits: Record<string, TradeColumns[]> = {
    "one batch": [tape(OHLCV_TRADES)],
    "a batch boundary inside a bar": [tape(OHLCV_TRADES.slice(0, 2)), tape(OHLCV_TRADES.slice(2))],
    "batches between bars": [tape(OHLCV_TRADES.slice(0, 6)), tape(OHLCV_TRADES.slice(6, 8)), tape(OHLCV_TRADES.slice(8))],
  };

  for (const [name, batches] of Object.entries(splits)) {
    it(`gives each bar the hand-computed OHLCV, boundaries at k P opening the next bar, no bar for empty intervals (${name}, any chunking)`, () => {
      for (const chunk of [Infinity, 1, 2, 3]) {
        const seen: unknown[] = [];
        const clocks: bigint[] = [];
        run(
          engineFor({
            barIntervalNs: 10e9,
            timeBarOhlcv: true,
            onBar: (ctx, bar) => {
              seen.push(timeBarFields(bar));
              clocks.push(ctx.timeNs);
            },
          }),
          batches,
          chunk,
        );
        expect(seen).toEqual(OHLCV_BARS);
        // Each bar closes with the clock at its end; the last one at the end of data (last trade).
        expect(clocks).toEqual([at(10), at(20), at(50), at(59.5)]);
      }
    });
  }

  it("gives the same bars with onTrade and with resting orders (every replay loop), and market orders from onBar still fill at the trade that closed the bar", () => {
    const seen: unknown[] = [];
    const result = run(
      engineFor({
        barIntervalNs: 10e9,
        timeBarOhlcv: true,
        onStart: (ctx) => void ctx.submitLimit(1, 1, 50),
        onTrade: () => {},
        onBar: (ctx, bar) => {
          seen.push(timeBarFields(bar));
          if (seen.length === 1) ctx.submitMarket(1, 1);
        },
      }),
      [tape(OHLCV_TRADES)],
      2,
    );
    expect(seen).toEqual(OHLCV_BARS);
    expect(result.fills[0]).toMatchObject({ side: 1, qty: 1, priceTicks: 102, tsNs: at(10) });
  });

  it("without timeBarOhlcv keeps the close (same bars) and refuses reads of the other fields with a clear error", () => {
    const closes: [number, bigint, bigint][] = [];
    run(engineFor({ barIntervalNs: 10e9, onBar: (_ctx, bar) => void closes.push([bar.closeTicks, bar.startNs, bar.endNs]) }), [tape(OHLCV_TRADES)]);
    expect(closes).toEqual(OHLCV_BARS.map((b) => [b.closeTicks, b.startNs, b.endNs]));
    const engine = engineFor({ barIntervalNs: 10e9, onBar: (_ctx, bar) => void bar.highTicks });
    expect(() => run(engine, [tape(OHLCV_TRADES)])).toThrow(/Time bars carry highTicks only for strategies that declare timeBarOhlcv: true/);
  });

  it("refuses timeBarOhlcv without time bars", () => {
    expect(() => engineFor({ barSpec: { kind: "tick", count: 2 }, timeBarOhlcv: true, onBar() {} })).toThrow(/timeBarOhlcv without barIntervalNs/);
  });
});
