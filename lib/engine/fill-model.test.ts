import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { createFillModel, FILL_MODEL_NAMES, type FillModel, type TradeMatch } from "./fill-model";
import {
  createMarketOrder,
  remainingQty,
  type LimitOrder,
  type MarketIfTouchedOrder,
  type Order,
  type StopLimitOrder,
  type StopOrder,
  type TrailingStopOrder,
} from "./order";
import { tape, at } from "./test-support/tape";

/** Shared contract every fill model must satisfy (run once per implementation). */
function fillModelContract(name: string, make: () => FillModel) {
  describe(`FillModel contract: ${name}`, () => {
    it("never fills more than the remaining quantity, and a fill has an integer price", () => {
      fc.assert(
        fc.property(
          fc.constantFrom<1 | -1>(1, -1),
          fc.integer({ min: 1, max: 50 }),
          fc.integer({ min: 0, max: 49 }),
          fc.integer({ min: -100_000, max: 100_000 }),
          (side, qty, alreadyFilled, priceTicks) => {
            const order = createMarketOrder(1, side, qty, 0n);
            order.filledQty = Math.min(alreadyFilled, qty - 1);
            const out: TradeMatch = { qty: -1, priceTicks: Number.NaN };
            make().matchTrade(order, tape([{ tsNs: at(1), priceTicks }]), 0, out);
            expect(out.qty).toBeGreaterThanOrEqual(0);
            expect(out.qty).toBeLessThanOrEqual(remainingQty(order));
            if (out.qty > 0) expect(Number.isInteger(out.priceTicks)).toBe(true);
          },
        ),
      );
    });

    it("reports its name, latency and slippage", () => {
      const model = make();
      expect(FILL_MODEL_NAMES).toContain(model.name);
      expect(model.latencyNs).toBeGreaterThanOrEqual(0);
      expect(model.slippageTicks).toBeGreaterThanOrEqual(0);
    });
  });
}

fillModelContract("l1-trades", () => createFillModel("l1-trades"));
fillModelContract("l1-trades with latency and slippage", () => createFillModel("l1-trades", { latencyNs: 5e6, slippageTicks: 2 }));

describe("l1-trades", () => {
  const trades = tape([{ tsNs: at(1), priceTicks: 80_000, size: 1 }]);

  it("fills a market order entirely at the trade price by default, whatever the trade size", () => {
    const out: TradeMatch = { qty: 0, priceTicks: 0 };
    createFillModel("l1-trades").matchTrade(createMarketOrder(1, 1, 25, 0n), trades, 0, out);
    expect(out).toMatchObject({ qty: 25, priceTicks: 80_000 });
  });

  it("applies slippage against the order: buys pay more, sells receive less", () => {
    const model = createFillModel("l1-trades", { slippageTicks: 2 });
    const out: TradeMatch = { qty: 0, priceTicks: 0 };
    model.matchTrade(createMarketOrder(1, 1, 1, 0n), trades, 0, out);
    expect(out.priceTicks).toBe(80_002);
    model.matchTrade(createMarketOrder(2, -1, 1, 0n), trades, 0, out);
    expect(out.priceTicks).toBe(79_998);
  });

  it("defaults latency and slippage to zero and rejects negative or fractional values", () => {
    const model = createFillModel("l1-trades");
    expect([model.latencyNs, model.slippageTicks]).toEqual([0, 0]);
    expect(() => createFillModel("l1-trades", { latencyNs: -1 })).toThrow(AppError);
    expect(() => createFillModel("l1-trades", { slippageTicks: 0.5 })).toThrow(AppError);
  });
});

const base = { id: 1, qty: 2, status: "working", filledQty: 0, submittedAtNs: 0n, timeInForce: "GTC", reduceOnly: false } as const;
const limit = (side: 1 | -1, limitPriceTicks: number, marketable = false): LimitOrder => ({ ...base, side, type: "limit", limitPriceTicks, marketable });
const stop = (side: 1 | -1, stopPriceTicks: number): StopOrder => ({ ...base, side, type: "stop", stopPriceTicks, trigger: null });
const stopLimit = (side: 1 | -1, stopPriceTicks: number, limitPriceTicks: number, triggered = false): StopLimitOrder => ({
  ...base,
  side,
  type: "stop-limit",
  stopPriceTicks,
  limitPriceTicks,
  trigger: triggered ? { batch: 0, tradeIndex: 0, tradeTsNs: 0n, tradePriceTicks: stopPriceTicks } : null,
  marketable: false,
});

function matchAt(order: Order, priceTicks: number, options: Parameters<typeof createFillModel>[1] = {}): TradeMatch {
  const out: TradeMatch = { qty: 0, priceTicks: 0, triggered: false };
  createFillModel("l1-trades", options).matchTrade(order, tape([{ tsNs: at(1), priceTicks }]), 0, out);
  return out;
}

describe("l1-trades resting orders", () => {
  it("fills a resting buy limit at its price only on a trade through it (default), or at it with 'touch'", () => {
    expect(matchAt(limit(1, 100), 100).qty).toBe(0);
    expect(matchAt(limit(1, 100), 99)).toMatchObject({ qty: 2, priceTicks: 100, rule: "limit-through" });
    expect(matchAt(limit(1, 100), 100, { limitFillRule: "touch" })).toMatchObject({ qty: 2, priceTicks: 100, rule: "limit-touch" });
    expect(matchAt(limit(-1, 100), 100).qty).toBe(0);
    expect(matchAt(limit(-1, 100), 101)).toMatchObject({ qty: 2, priceTicks: 100 });
  });

  it("fills a marketable limit at the trade price (plus slippage, capped at the limit), or rests", () => {
    expect(matchAt(limit(1, 100, true), 98)).toMatchObject({ qty: 2, priceTicks: 98, rule: "marketable" });
    expect(matchAt(limit(1, 100, true), 100, { slippageTicks: 3 })).toMatchObject({ qty: 2, priceTicks: 100 });
    expect(matchAt(limit(-1, 100, true), 102, { slippageTicks: 1 })).toMatchObject({ qty: 2, priceTicks: 101 });
    expect(matchAt(limit(1, 100, true), 101).qty).toBe(0);
  });

  it("elects stops at or beyond the stop price and fills at the electing trade", () => {
    expect(matchAt(stop(1, 100), 99)).toMatchObject({ qty: 0, triggered: false });
    expect(matchAt(stop(1, 100), 104)).toMatchObject({ qty: 2, priceTicks: 104, triggered: true, rule: "stop" });
    expect(matchAt(stop(-1, 100), 100)).toMatchObject({ qty: 2, priceTicks: 100, triggered: true });
  });

  it("elects a stop-limit like a stop and then matches it as a limit", () => {
    expect(matchAt(stopLimit(1, 100, 101), 102)).toMatchObject({ qty: 0, triggered: true });
    expect(matchAt(stopLimit(1, 100, 101), 100)).toMatchObject({ qty: 2, priceTicks: 100, triggered: true, rule: "marketable" });
    expect(matchAt(stopLimit(1, 100, 101, true), 101).qty).toBe(0);
    expect(matchAt(stopLimit(1, 100, 101, true), 99)).toMatchObject({ qty: 2, priceTicks: 101, triggered: false });
  });

  it("wakeBand: a trade strictly inside the band never fills or triggers a resting order", () => {
    const orderArbitrary = fc.oneof(
      fc.tuple(fc.constantFrom<1 | -1>(1, -1), fc.integer({ min: 90, max: 110 })).map(([side, l]) => limit(side, l)),
      fc.tuple(fc.constantFrom<1 | -1>(1, -1), fc.integer({ min: 90, max: 110 })).map(([side, s]) => stop(side, s)),
      fc
        .tuple(fc.constantFrom<1 | -1>(1, -1), fc.integer({ min: 90, max: 110 }), fc.integer({ min: 90, max: 110 }), fc.boolean())
        .map(([side, s, l, triggered]) => stopLimit(side, s, l, triggered)),
    );
    fc.assert(
      fc.property(orderArbitrary, fc.integer({ min: 80, max: 120 }), fc.constantFrom("through" as const, "touch" as const), (order, p, limitFillRule) => {
        const model = createFillModel("l1-trades", { limitFillRule });
        const band = { atOrBelow: 0, atOrAbove: 0 };
        model.wakeBand(order, band);
        const out: TradeMatch = { qty: 0, priceTicks: 0, triggered: false };
        model.matchTrade(order, tape([{ tsNs: at(1), priceTicks: p }]), 0, out);
        const touched = out.qty > 0 || out.triggered === true;
        // Exact: the band is the set of trades that touch the order.
        expect(touched).toBe(p <= band.atOrBelow || p >= band.atOrAbove);
      }),
    );
  });
});

describe("l1-trades trailing stops and market-if-touched orders", () => {
  const trailing = (side: 1 | -1, best: number, trail: number): TrailingStopOrder => ({
    ...base,
    side,
    type: "trailing-stop",
    trailTicks: trail,
    bestPriceTicks: best,
    stopPriceTicks: best + side * trail,
    trigger: null,
  });
  const mit = (side: 1 | -1, triggerPriceTicks: number): MarketIfTouchedOrder => ({ ...base, side, type: "market-if-touched", triggerPriceTicks, trigger: null });

  it("elect a trailing stop at or beyond its current stop and fill at the electing trade", () => {
    expect(matchAt(trailing(-1, 110, 3), 108)).toMatchObject({ qty: 0 });
    expect(matchAt(trailing(-1, 110, 3), 107)).toMatchObject({ qty: 2, priceTicks: 107, triggered: true, rule: "trailing-stop" });
    expect(matchAt(trailing(-1, 110, 3), 100, { slippageTicks: 1 })).toMatchObject({ qty: 2, priceTicks: 99 });
    expect(matchAt(trailing(1, 90, 3), 93)).toMatchObject({ qty: 2, priceTicks: 93, rule: "trailing-stop" });
  });

  it("elect a market-if-touched order on a touch at or through its price, the mirror of a stop", () => {
    expect(matchAt(mit(1, 100), 101).qty).toBe(0);
    expect(matchAt(mit(1, 100), 100)).toMatchObject({ qty: 2, priceTicks: 100, triggered: true, rule: "market-if-touched" });
    expect(matchAt(mit(1, 100), 97)).toMatchObject({ qty: 2, priceTicks: 97 });
    expect(matchAt(mit(-1, 100), 99).qty).toBe(0);
    expect(matchAt(mit(-1, 100), 104, { slippageTicks: 1 })).toMatchObject({ qty: 2, priceTicks: 103 });
  });

  it("wakeBand: exactly the trades that elect an MIT; for a trailing stop, those that elect it or set a new best", () => {
    fc.assert(
      fc.property(fc.constantFrom<1 | -1>(1, -1), fc.integer({ min: 90, max: 110 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 80, max: 120 }), (side, price, trail, p) => {
        const model = createFillModel("l1-trades");
        const band = { atOrBelow: 0, atOrAbove: 0 };
        const out: TradeMatch = { qty: 0, priceTicks: 0, triggered: false };
        const m = mit(side, price);
        model.wakeBand(m, band);
        model.matchTrade(m, tape([{ tsNs: at(1), priceTicks: p }]), 0, out);
        expect(out.triggered === true).toBe(p <= band.atOrBelow || p >= band.atOrAbove);

        const t = trailing(side, price, trail);
        model.wakeBand(t, band);
        const out2: TradeMatch = { qty: 0, priceTicks: 0, triggered: false };
        model.matchTrade(t, tape([{ tsNs: at(1), priceTicks: p }]), 0, out2);
        const newBest = side * (p - price) < 0;
        expect(out2.triggered === true || newBest).toBe(p <= band.atOrBelow || p >= band.atOrAbove);
      }),
    );
  });
});
