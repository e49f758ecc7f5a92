/**
 * Hand-computed scenarios for trailing stops, market-if-touched orders, GTD, partial fills,
 * brackets and OCO groups on l1-trades. Trades are one second apart unless stated; prices are
 * ticks; MNQ: 50 cents per tick, fee 57 cents per side.
 */
import { describe, expect, it } from "vitest";
import type { TradeColumns } from "../market/trade-columns";
import { BacktestEngine, type BacktestEngineConfig } from "./engine";
import type { Fill } from "./fill";
import { defineInstrument } from "./instrument";
import type { OrderRejectReason } from "./order";
import type { BacktestResult } from "./result";
import type { StrategyContext, StrategyHandlers } from "./strategy";
import { scripted } from "./test-support/strategies";
import { at, tape } from "./test-support/tape";

const MNQ = defineInstrument({ symbol: "MNQ", tickSize: 0.25, tickValueCents: 50, feePerSideCents: 57 });

/** A tape with one trade per second from t = 1 s; a trade is a price or [price, size]. */
function prices(...trades: (number | [number, number])[]): TradeColumns {
  return tape(trades.map((trade, k) => (typeof trade === "number" ? { tsNs: at(k + 1), priceTicks: trade } : { tsNs: at(k + 1), priceTicks: trade[0], size: trade[1] })));
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

/** [orderId, side, qty, price, trade index, rule] of the fills the fill model made. */
function modelFills(result: BacktestResult) {
  return result.fills.filter((f) => f.reason.model === "l1-trades").map((f) => [f.orderId, f.side, f.qty, f.priceTicks, f.reason.tradeIndex, f.reason.rule]);
}

function atTrade(index: number, act: (ctx: StrategyContext) => void): Partial<StrategyHandlers> {
  return { onTrade: (ctx, i) => void (i === index && act(ctx)) };
}

describe("trailing stops", () => {
  it("trail the highest price by the distance and fill a sell at the electing trade", () => {
    // Sent at trade 0 (100), trail 2: stop 98; 101 -> 99; 103 -> 101; 102 holds; 101 elects it.
    const result = run(atTrade(0, (ctx) => ctx.submitTrailingStop(-1, 1, 2)), [prices(100, 101, 103, 102, 101, 100)]);
    expect(modelFills(result)).toEqual([[1, -1, 1, 101, 4, "trailing-stop"]]);
    expect(result.fills[0].reason.trigger).toEqual({ batch: 0, tradeIndex: 4, tradeTsNs: at(5), tradePriceTicks: 101, stopPriceTicks: 101 });
  });

  it("fill at the gap price when a trade gaps through the trailed stop", () => {
    // Best 104 -> stop 102; the next trade prints 99.
    const result = run(atTrade(0, (ctx) => ctx.submitTrailingStop(-1, 1, 2)), [prices(100, 104, 99)]);
    expect(modelFills(result)).toEqual([[1, -1, 1, 99, 2, "trailing-stop"]]);
  });

  it("mirror for buys: trail the lowest price, never move the stop against the order", () => {
    // Buy trail 3 from 100: stop 103; 98 -> 101; 99 and 100 keep 101; 101 elects it.
    const result = run(atTrade(0, (ctx) => ctx.submitTrailingStop(1, 1, 3)), [prices(100, 98, 99, 100, 101)]);
    expect(modelFills(result)).toEqual([[1, 1, 1, 101, 4, "trailing-stop"]]);
  });

  it("work the same in the banded scan (no onTrade), starting from the first trade when no price was known", () => {
    const result = run({ onStart: (ctx) => void ctx.submitTrailingStop(-1, 1, 2) }, [prices(100, 101, 103, 102, 101, 100)]);
    expect(modelFills(result)).toEqual([[1, -1, 1, 101, 4, "trailing-stop"]]);
  });

  it("reject a trail that is not a positive integer", () => {
    const reasons: OrderRejectReason[] = [];
    run({ ...atTrade(0, (ctx) => ctx.submitTrailingStop(-1, 1, 0)), onOrderRejected: (_ctx, _o, reason) => void reasons.push(reason) }, [prices(100, 101)]);
    expect(reasons).toEqual(["invalid-price"]);
  });
});

describe("market-if-touched orders", () => {
  it("fill a buy at the trade that touches the trigger", () => {
    const result = run(atTrade(0, (ctx) => ctx.submitMarketIfTouched(1, 1, 98)), [prices(100, 99, 98, 97)]);
    expect(modelFills(result)).toEqual([[1, 1, 1, 98, 2, "market-if-touched"]]);
  });

  it("fill at the gap price (better than the trigger) on a gap, and mirror for sells", () => {
    expect(modelFills(run(atTrade(0, (ctx) => ctx.submitMarketIfTouched(1, 1, 98)), [prices(100, 99, 95)]))).toEqual([[1, 1, 1, 95, 2, "market-if-touched"]]);
    expect(modelFills(run({ onStart: (ctx) => void ctx.submitMarketIfTouched(-1, 2, 102) }, [prices(100, 101, 103)]))).toEqual([[1, -1, 2, 103, 2, "market-if-touched"]]);
  });
});

describe("good-till-date orders", () => {
  const through = [100, 100, 97, 97];
  it("are cancelled when the clock reaches their expiry, before a trade at that time", () => {
    for (const expiry of [at(2.5), at(3)]) {
      const result = run(atTrade(0, (ctx) => ctx.submitLimit(1, 1, 99, { timeInForce: "GTD", expireAtNs: expiry })), [prices(...through)]);
      expect(result.fills).toEqual([]);
      expect(result.cancelledOrders).toMatchObject([{ id: 1, status: "cancelled", timeInForce: "GTD", expireAtNs: expiry }]);
    }
  });

  it("fill normally before their expiry", () => {
    const result = run(atTrade(0, (ctx) => ctx.submitLimit(1, 1, 99, { timeInForce: "GTD", expireAtNs: at(3.5) })), [prices(...through)]);
    expect(modelFills(result)).toEqual([[1, 1, 1, 99, 2, "limit-through"]]);
  });

  it("are rejected without a future expiry, and an expiry needs GTD", () => {
    const reasons: OrderRejectReason[] = [];
    run(
      {
        ...atTrade(1, (ctx) => {
          ctx.submitLimit(1, 1, 99, { timeInForce: "GTD" });
          ctx.submitLimit(1, 1, 99, { timeInForce: "GTD", expireAtNs: at(2) });
          ctx.submitLimit(1, 1, 99, { expireAtNs: at(9) });
        }),
        onOrderRejected: (_ctx, _o, reason) => void reasons.push(reason),
      },
      [prices(...through)],
    );
    expect(reasons).toEqual(["invalid-expiry", "invalid-expiry", "invalid-expiry"]);
  });
});

describe("partial fills (partialFills: true)", () => {
  it("fill a resting limit by at most each trade's size, with onFill per partial fill", () => {
    const seen: [number, number, number][] = [];
    const result = run(
      { ...atTrade(0, (ctx) => ctx.submitLimit(1, 5, 99)), onFill: (ctx, fill) => void seen.push([fill.qty, ctx.position.qty, ctx.workingQty]) },
      [prices([100, 1], [98, 2], [98, 1], [97, 10], [97, 1])],
      { partialFills: true },
    );
    expect(modelFills(result)).toEqual([
      [1, 1, 2, 99, 1, "limit-through"],
      [1, 1, 1, 99, 2, "limit-through"],
      [1, 1, 2, 99, 3, "limit-through"],
    ]);
    expect(result.fills.slice(0, 3).map((f) => f.reason.partial)).toEqual([{ tradeSizeLeft: 0, remainingQty: 3 }, { tradeSizeLeft: 0, remainingQty: 2 }, undefined]);
    expect(seen).toEqual([
      [2, 2, 3],
      [1, 3, 2],
      [2, 5, 0],
      [5, 0, 0], // the end-of-data close
    ]);
    // Closed at 97: (97 - 99) x 5 x 50, fees 10 sides x 57.
    expect(result.finalEquityCents - 100_000).toBe(-500 - 570);
  });

  it("share one trade between two orders: together they never take more than its size", () => {
    const result = run(
      atTrade(0, (ctx) => {
        ctx.submitLimit(1, 2, 99);
        ctx.submitLimit(1, 2, 99);
      }),
      [prices(100, [98, 3], [98, 5])],
      { partialFills: true },
    );
    expect(modelFills(result)).toEqual([
      [1, 1, 2, 99, 1, "limit-through"],
      [2, 1, 1, 99, 1, "limit-through"],
      [2, 1, 1, 99, 2, "limit-through"],
    ]);
  });

  it("cancel a FOK that one trade cannot fill whole, and fill an IOC partly then cancel the rest", () => {
    const fok = run(atTrade(0, (ctx) => ctx.submitLimit(1, 3, 102, { timeInForce: "FOK" })), [prices(100, [101, 2], [101, 9])], { partialFills: true });
    expect(modelFills(fok)).toEqual([]);
    expect(fok.cancelledOrders).toMatchObject([{ id: 1, filledQty: 0 }]);
    const ioc = run(atTrade(0, (ctx) => ctx.submitLimit(1, 3, 102, { timeInForce: "IOC" })), [prices(100, [101, 2], [101, 9])], { partialFills: true });
    expect(modelFills(ioc)).toEqual([[1, 1, 2, 101, 1, "marketable"]]);
    expect(ioc.cancelledOrders).toMatchObject([{ id: 1, qty: 3, filledQty: 2, status: "cancelled" }]);
  });

  it("leave market orders whole unless marketFillsTradeSize is set", () => {
    const tapeWithSizes = prices([100, 1], [101, 1], [102, 5]);
    expect(modelFills(run({ onStart: (ctx) => void ctx.submitMarket(1, 3) }, [tapeWithSizes], { partialFills: true }))).toEqual([[1, 1, 3, 100, 0, undefined]]);
    expect(modelFills(run({ onStart: (ctx) => void ctx.submitMarket(1, 3) }, [tapeWithSizes], { marketFillsTradeSize: true }))).toEqual([
      [1, 1, 1, 100, 0, undefined],
      [1, 1, 1, 101, 1, undefined],
      [1, 1, 1, 102, 2, undefined],
    ]);
  });
});

describe("brackets", () => {
  it("create exits at the first entry fill and grow them with later partial fills; the take-profit cancels the stop-loss", () => {
    const result = run(
      atTrade(0, (ctx) => {
        const entry = ctx.submitLimit(1, 3, 99);
        expect(ctx.attachBracket(entry.id, { takeProfitTicks: 4, stopLossTicks: 2 })).toBe(true);
      }),
      [prices(100, [98, 2], [98, 1], [104, 10], 105)],
      { partialFills: true },
    );
    // Entry fills 2 at trade 1 -> TP sell limit 103 (id 2) and SL sell stop 97 (id 3), 2 each; 1 more at trade 2 -> 3 each.
    expect(modelFills(result)).toEqual([
      [1, 1, 2, 99, 1, "limit-through"],
      [1, 1, 1, 99, 2, "limit-through"],
      [2, -1, 3, 103, 3, "limit-through"],
    ]);
    expect(result.cancelledOrders).toMatchObject([{ id: 3, type: "stop", side: -1, qty: 3, filledQty: 0, stopPriceTicks: 97, parentId: 1, ocoGroupId: 1 }]);
    expect(result.trades).toMatchObject([{ side: 1, qty: 3, pnlCents: 600, feesCents: 342 }]);
    expect(result.fills.filter((f) => f.reason.model === "end-of-data")).toEqual([]);
  });

  it("survive a session gap: a stop-loss gapped through fills at the first trade of the next batch, not at its price", () => {
    const session1 = prices(100, 99, 98);
    const session2 = tape([{ tsNs: at(3600), priceTicks: 90 }, { tsNs: at(3601), priceTicks: 91 }]);
    const result = run(
      {
        onStart(ctx) {
          const entry = ctx.submitMarket(1, 1);
          ctx.attachBracket(entry.id, { takeProfitTicks: 10, stopLossTicks: 4 });
        },
      },
      [session1, session2],
    );
    expect(modelFills(result)).toEqual([
      [1, 1, 1, 100, 0, undefined],
      [3, -1, 1, 90, 0, "stop"],
    ]);
    expect(result.fills[1].reason).toMatchObject({ batch: 1, trigger: { stopPriceTicks: 96, tradePriceTicks: 90 } });
    expect(result.cancelledOrders).toMatchObject([{ id: 2, type: "limit", limitPriceTicks: 110 }]);
    expect(result.trades).toMatchObject([{ pnlCents: -500 }]);
  });

  it("work as OTO with a single exit, and refuse a bracket on an order that already filled or an invalid distance", () => {
    const answers: boolean[] = [];
    const result = run(
      {
        onStart(ctx) {
          const entry = ctx.submitMarket(-1, 1);
          answers.push(ctx.attachBracket(entry.id, { stopLossTicks: 0 }), ctx.attachBracket(entry.id, { takeProfitTicks: 3 }), ctx.attachBracket(entry.id, { stopLossTicks: 3 }));
        },
        onFill(ctx, fill) {
          if (fill.orderId === 1) answers.push(ctx.attachBracket(1, { stopLossTicks: 3 }));
        },
      },
      [prices(100, 99, 98, 96)],
    );
    expect(answers).toEqual([false, true, false, false]);
    // Short 1 at 100, take-profit buy limit 97 fills on the print through it (96).
    expect(modelFills(result)).toEqual([
      [1, -1, 1, 100, 0, undefined],
      [2, 1, 1, 97, 3, "limit-through"],
    ]);
  });
});

describe("OCO groups", () => {
  it("cancel the sibling when one order fills", () => {
    const result = run(
      {
        onStart(ctx) {
          const up = ctx.submitStop(1, 1, 102);
          const down = ctx.submitStop(-1, 1, 98);
          expect(ctx.linkOco([up.id, down.id])).toBe(true);
          expect(ctx.linkOco([up.id, down.id])).toBe(false);
        },
      },
      [prices(100, 101, 103, 97)],
    );
    expect(modelFills(result)).toEqual([[1, 1, 1, 103, 2, "stop"]]);
    expect(result.cancelledOrders).toMatchObject([{ id: 2, status: "cancelled", ocoGroupId: 1 }]);
  });

  it("in 'reduce' mode, cut the sibling by the filled quantity", () => {
    const fills: Fill[] = [];
    const result = run(
      {
        ...atTrade(0, (ctx) => {
          const a = ctx.submitLimit(1, 3, 99);
          const b = ctx.submitLimit(1, 3, 90);
          ctx.linkOco([a.id, b.id], "reduce");
        }),
        onFill: (_ctx, fill) => void fills.push(fill),
      },
      [prices(100, [98, 2], 89, 89)],
      { partialFills: true },
    );
    // a takes 2 at trade 1 (b cut to 1); at trade 2 (89) a takes its last 1 first, which cancels b.
    expect(modelFills(result)).toEqual([
      [1, 1, 2, 99, 1, "limit-through"],
      [1, 1, 1, 99, 2, "limit-through"],
    ]);
    expect(result.cancelledOrders).toMatchObject([{ id: 2, qty: 1, filledQty: 0 }]);
  });
});
