/**
 * Hand-computed scenarios for limit, stop and stop-limit orders on l1-trades (trade prints only).
 * Trades are one second apart; prices are ticks; MNQ: 50 cents per tick, fee 57 cents per side.
 */
import { describe, expect, it } from "vitest";
import { BacktestEngine, type BacktestEngineConfig } from "./engine";
import { defineInstrument } from "./instrument";
import type { Order, OrderRejectReason } from "./order";
import type { BacktestResult } from "./result";
import type { StrategyContext, StrategyHandlers } from "./strategy";
import { scripted } from "./test-support/strategies";
import { at, tape } from "./test-support/tape";
import type { TradeColumns } from "../market/trade-columns";

const MNQ = defineInstrument({ symbol: "MNQ", tickSize: 0.25, tickValueCents: 50, feePerSideCents: 57 });

/** A tape with one trade per second from t = 1 s. */
function prices(...ticks: number[]): TradeColumns {
  return tape(ticks.map((priceTicks, k) => ({ tsNs: at(k + 1), priceTicks })));
}

function run(handlers: Partial<StrategyHandlers>, batches: TradeColumns[], overrides: Partial<BacktestEngineConfig> = {}): BacktestResult {
  const engine = new BacktestEngine({
    instrument: MNQ,
    strategy: scripted(handlers),
    params: {},
    fillModel: "l1-trades",
    startingCashCents: 100_000,
    seed: 1,
    ...overrides,
  });
  for (const batch of batches) engine.processBatch(batch, 0, batch.length);
  return engine.finish();
}

/** [orderId, side, qty, price, trade index, rule] of the fills the fill model made (not end-of-data). */
function modelFills(result: BacktestResult) {
  return result.fills.filter((f) => f.reason.model === "l1-trades").map((f) => [f.orderId, f.side, f.qty, f.priceTicks, f.reason.tradeIndex, f.reason.rule]);
}

/** onTrade(i) runs `act` once at trade `index`. */
function atTrade(index: number, act: (ctx: StrategyContext) => void): Partial<StrategyHandlers> {
  return { onTrade: (ctx, i) => void (i === index && act(ctx)) };
}

describe("limit orders", () => {
  it("do not fill when a trade prints exactly at the limit, and fill at the limit on a trade through it", () => {
    // Buy limit 99 sent at trade 0 (100): trades 1 and 2 touch 99, trade 3 prints 97 through it.
    const result = run(atTrade(0, (ctx) => ctx.submitLimit(1, 2, 99)), [prices(100, 99, 99, 97, 98)]);
    expect(modelFills(result)).toEqual([[1, 1, 2, 99, 3, "limit-through"]]);
    // Closed at 98 at the end: (98 - 99) x 2 x 50 - 4 x 57.
    expect(result.finalEquityCents - 100_000).toBe(-100 - 228);
  });

  it("fill at the touch with limitFillRule 'touch'", () => {
    const result = run(atTrade(0, (ctx) => ctx.submitLimit(1, 1, 99)), [prices(100, 99, 97)], { limitFillRule: "touch" });
    expect(modelFills(result)).toEqual([[1, 1, 1, 99, 1, "limit-touch"]]);
  });

  it("mirror for sells: a sell limit fills at its price on a print above it", () => {
    const result = run(atTrade(0, (ctx) => ctx.submitLimit(-1, 1, 102)), [prices(100, 102, 104)]);
    expect(modelFills(result)).toEqual([[1, -1, 1, 102, 2, "limit-through"]]);
  });

  it("work the same without onTrade (the engine's banded scan): sent from onStart, first checked as marketable", () => {
    // No trade seen at onStart, so the order is an aggressor at trade 0 (100 > 99: no fill), then rests.
    const result = run({ onStart: (ctx) => void ctx.submitLimit(1, 1, 99) }, [prices(100, 99, 99, 97, 98)]);
    expect(modelFills(result)).toEqual([[1, 1, 1, 99, 3, "limit-through"]]);
  });

  it("fill at the trade price, better than the limit, when marketable at submission", () => {
    // Last trade 100 <= limit 102: the next trade (101) fills it at 101.
    const result = run(atTrade(0, (ctx) => ctx.submitLimit(1, 1, 102)), [prices(100, 101, 95)]);
    expect(modelFills(result)).toEqual([[1, 1, 1, 101, 1, "marketable"]]);
  });

  it("cap a marketable fill at the limit when slippage would push it beyond", () => {
    const result = run(atTrade(0, (ctx) => ctx.submitLimit(1, 1, 102)), [prices(100, 101)], { slippageTicks: 2 });
    expect(modelFills(result)).toEqual([[1, 1, 1, 102, 1, "marketable"]]);
  });

  it("rest at the limit when the market moves away before a marketable order arrives", () => {
    // Marketable at 100, but the next trade is 103 > 102: it now rests; 101 prints through 102 -> fills at 102.
    const result = run(atTrade(0, (ctx) => ctx.submitLimit(1, 1, 102)), [prices(100, 103, 101)]);
    expect(modelFills(result)).toEqual([[1, 1, 1, 102, 2, "limit-through"]]);
  });

  it("respect entry latency: no fill before submission + latency", () => {
    const trades = tape([
      { tsNs: at(1), priceTicks: 100 },
      { tsNs: at(1.5), priceTicks: 97 },
      { tsNs: at(3), priceTicks: 98 },
    ]);
    const result = run(atTrade(0, (ctx) => ctx.submitLimit(1, 1, 99)), [trades], { latencyNs: 1e9 });
    expect(modelFills(result)).toEqual([[1, 1, 1, 99, 2, "limit-through"]]);
  });
});

describe("stop orders", () => {
  it("fill a buy stop gapped through at the gap price, not at the stop, with the trigger recorded", () => {
    const result = run(atTrade(0, (ctx) => ctx.submitStop(1, 1, 103)), [prices(100, 102, 106, 104)]);
    expect(modelFills(result)).toEqual([[1, 1, 1, 106, 2, "stop"]]);
    expect(result.fills[0].reason.trigger).toEqual({ batch: 0, tradeIndex: 2, tradeTsNs: at(3), tradePriceTicks: 106, stopPriceTicks: 103 });
  });

  it("fill at the stop price only when the electing trade is at the stop; slippage applies", () => {
    expect(modelFills(run(atTrade(0, (ctx) => ctx.submitStop(1, 1, 103)), [prices(100, 103, 110)]))).toEqual([[1, 1, 1, 103, 1, "stop"]]);
    expect(modelFills(run(atTrade(0, (ctx) => ctx.submitStop(1, 1, 103)), [prices(100, 103)], { slippageTicks: 1 }))).toEqual([[1, 1, 1, 104, 1, "stop"]]);
  });

  it("mirror for sells: a sell stop gapped through fills at the gap price", () => {
    const result = run({ onStart: (ctx) => void ctx.submitStop(-1, 1, 98) }, [prices(100, 99, 95, 97)]);
    expect(modelFills(result)).toEqual([[1, -1, 1, 95, 2, "stop"]]);
  });

  it("accept a stop on the 'wrong' side of the market: it is elected by the next trade", () => {
    const result = run(atTrade(0, (ctx) => ctx.submitStop(1, 1, 90)), [prices(100, 101)]);
    expect(modelFills(result)).toEqual([[1, 1, 1, 101, 1, "stop"]]);
  });
});

describe("stop-limit orders", () => {
  it("trigger but do not fill when the market runs away past the limit, and are cancelled at the end", () => {
    // Buy stop 103 limit 104: elected at 106 (not within 104), then 105 and 104 (a touch) do not fill it.
    const result = run(atTrade(0, (ctx) => ctx.submitStopLimit(1, 1, 103, 104)), [prices(100, 102, 106, 105, 104, 105)]);
    expect(result.fills).toEqual([]);
    expect(result.cancelledOrders).toMatchObject([{ id: 1, status: "cancelled", trigger: { tradeIndex: 2, tradePriceTicks: 106 } }]);
  });

  it("rest as a limit after the trigger and fill at the limit on a trade through it, keeping the trigger in the reason", () => {
    const result = run(atTrade(0, (ctx) => ctx.submitStopLimit(1, 1, 103, 104)), [prices(100, 106, 103)]);
    expect(modelFills(result)).toEqual([[1, 1, 1, 104, 2, "limit-through"]]);
    expect(result.fills[0].reason.trigger).toMatchObject({ tradeIndex: 1, tradePriceTicks: 106, stopPriceTicks: 103 });
  });

  it("fill on the electing trade at its price when it is within the limit", () => {
    const result = run(atTrade(0, (ctx) => ctx.submitStopLimit(1, 1, 103, 105)), [prices(100, 104)]);
    expect(modelFills(result)).toEqual([[1, 1, 1, 104, 1, "marketable"]]);
  });
});

describe("time in force", () => {
  it("IOC: a limit meets one trade only, the remainder is cancelled", () => {
    const seen: number[] = [];
    const result = run(
      {
        onTrade(ctx, i) {
          if (i === 0) ctx.submitLimit(1, 1, 99, { timeInForce: "IOC" });
          if (i === 1) seen.push(ctx.workingOrders().length);
        },
      },
      [prices(100, 99, 97)],
    );
    expect(result.fills).toEqual([]);
    expect(seen).toEqual([0]);
    expect(result.cancelledOrders).toMatchObject([{ id: 1, type: "limit", status: "cancelled", timeInForce: "IOC" }]);
  });

  it("IOC and FOK: a marketable limit fills against the next trade", () => {
    for (const timeInForce of ["IOC", "FOK"] as const) {
      const result = run(atTrade(0, (ctx) => ctx.submitLimit(1, 3, 101, { timeInForce })), [prices(100, 100, 90)]);
      expect(modelFills(result)).toEqual([[1, 1, 3, 100, 1, "marketable"]]);
    }
  });

  it("IOC stop-limit: cancelled when the electing trade does not fill it", () => {
    const result = run(atTrade(0, (ctx) => ctx.submitStopLimit(1, 1, 103, 104, { timeInForce: "IOC" })), [prices(100, 101, 106, 103)]);
    expect(result.fills).toEqual([]);
    expect(result.cancelledOrders).toMatchObject([{ id: 1, status: "cancelled", trigger: { tradeIndex: 2 } }]);
  });

  it("DAY: cancelled when its batch (session) ends; GTC carries over", () => {
    const session2 = tape([{ tsNs: at(100), priceTicks: 85 }]);
    const result = run(
      {
        onStart(ctx) {
          ctx.submitLimit(1, 1, 90, { timeInForce: "DAY" });
          ctx.submitLimit(1, 1, 90);
        },
      },
      [prices(100, 95), session2],
    );
    expect(modelFills(result)).toEqual([[2, 1, 1, 90, 0, "limit-through"]]);
    expect(result.fills[0].reason.batch).toBe(1);
    expect(result.cancelledOrders).toMatchObject([{ id: 1, status: "cancelled", timeInForce: "DAY" }]);
  });
});

describe("cancel and modify", () => {
  it("a cancelled order never fills; cancelling twice or an unknown id returns false", () => {
    const answers: boolean[] = [];
    const result = run(
      {
        onTrade(ctx, i) {
          if (i === 0) ctx.submitStop(-1, 1, 95);
          if (i === 1) answers.push(ctx.cancel(1), ctx.cancel(1), ctx.cancel(42));
        },
      },
      [prices(100, 99, 90)],
    );
    expect(answers).toEqual([true, false, false]);
    expect(result.fills).toEqual([]);
    expect(result.cancelledOrders).toMatchObject([{ id: 1, status: "cancelled" }]);
  });

  it("a modification changes price and quantity, keeps the id and updates the working quantity", () => {
    const working: unknown[] = [];
    const result = run(
      {
        onTrade(ctx, i) {
          if (i === 0) ctx.submitLimit(1, 1, 95);
          if (i === 1) {
            expect(ctx.modify(1, { priceTicks: 99, qty: 2 })).toBe(true);
            working.push(ctx.workingQty, ctx.workingOrders().map((o) => [o.id, o.qty, o.type === "limit" ? o.limitPriceTicks : null]));
          }
        },
      },
      [prices(100, 100, 98, 90)],
    );
    expect(working).toEqual([2, [[1, 2, 99]]]);
    expect(modelFills(result)).toEqual([[1, 1, 2, 99, 2, "limit-through"]]);
  });

  it("a modification moves a stop and rejects invalid changes, leaving the order as it was", () => {
    const rejected: [number, OrderRejectReason][] = [];
    const result = run(
      {
        onTrade(ctx, i) {
          if (i === 0) ctx.submitStop(1, 1, 110);
          if (i === 1) {
            expect(ctx.modify(1, { qty: 0 })).toBe(false);
            expect(ctx.modify(1, { priceTicks: 101.5 })).toBe(false);
            expect(ctx.modify(1, { stopTicks: 102 })).toBe(true);
          }
        },
        onOrderRejected: (_ctx, order, reason) => void rejected.push([order.id, reason]),
      },
      [prices(100, 100, 103)],
    );
    expect(rejected).toEqual([
      [1, "invalid-quantity"],
      [1, "invalid-price"],
    ]);
    expect(modelFills(result)).toEqual([[1, 1, 1, 103, 2, "stop"]]);
  });
});

describe("reduce-only and validation", () => {
  it("rejects a reduce-only order that would open or grow a position, or reverse it", () => {
    const rejected: [number, OrderRejectReason][] = [];
    const statuses: string[] = [];
    run(
      {
        onStart: (ctx) => void ctx.submitMarket(1, 1),
        onFill(ctx, fill) {
          if (fill.orderId !== 1) return;
          statuses.push(ctx.submitLimit(1, 1, 90, { reduceOnly: true }).status); // same side: grows
          statuses.push(ctx.submitLimit(-1, 2, 110, { reduceOnly: true }).status); // would reverse
          statuses.push(ctx.submitStop(-1, 1, 90, { reduceOnly: true }).status); // reduces: accepted
        },
        onOrderRejected: (_ctx, order, reason) => void rejected.push([order.id, reason]),
      },
      [prices(100, 101)],
    );
    expect(statuses).toEqual(["rejected", "rejected", "working"]);
    expect(rejected).toEqual([
      [2, "reduce-only-would-increase"],
      [3, "reduce-only-would-increase"],
    ]);
  });

  it("rejects a reduce-only order sent while flat", () => {
    const rejected: OrderRejectReason[] = [];
    run({ onStart: (ctx) => void ctx.submitLimit(-1, 1, 100, { reduceOnly: true }), onOrderRejected: (_c, _o, r) => void rejected.push(r) }, [prices(100)]);
    expect(rejected).toEqual(["reduce-only-would-increase"]);
  });

  it("cancels a reduce-only order instead of filling it once the position it reduced is gone", () => {
    const result = run(
      {
        onStart: (ctx) => void ctx.submitMarket(1, 1),
        onTrade(ctx, i) {
          if (i === 0) ctx.submitStop(-1, 1, 95, { reduceOnly: true });
          if (i === 1) ctx.submitMarket(-1, 1);
        },
      },
      [prices(100, 100, 100, 94)],
    );
    expect(result.fills.map((f) => [f.orderId, f.side, f.priceTicks])).toEqual([
      [1, 1, 100],
      [3, -1, 100],
    ]);
    expect(result.cancelledOrders).toMatchObject([{ id: 2, type: "stop", status: "cancelled" }]);
  });

  it("rejects non-integer or non-positive quantities and prices off the tick grid", () => {
    const rejected: [string, OrderRejectReason][] = [];
    const orders: Readonly<Order>[] = [];
    run(
      {
        onStart(ctx) {
          orders.push(ctx.submitLimit(1, 0, 100), ctx.submitLimit(1, 1.5, 100), ctx.submitStop(1, 1, 100.25), ctx.submitStopLimit(1, 1, 100, Number.NaN));
        },
        onOrderRejected: (_ctx, order, reason) => void rejected.push([order.type, reason]),
      },
      [prices(100)],
    );
    expect(orders.map((o) => o.status)).toEqual(["rejected", "rejected", "rejected", "rejected"]);
    expect(rejected).toEqual([
      ["limit", "invalid-quantity"],
      ["limit", "invalid-quantity"],
      ["stop", "invalid-price"],
      ["stop-limit", "invalid-price"],
    ]);
  });

  it("rejects resting orders sent after the end of data", () => {
    const rejected: OrderRejectReason[] = [];
    run({ onEnd: (ctx) => void ctx.submitLimit(1, 1, 100), onOrderRejected: (_c, _o, r) => void rejected.push(r) }, [prices(100)]);
    expect(rejected).toEqual(["not-accepting-orders"]);
  });
});
