import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { createFillModel, FILL_MODEL_NAMES, type FillModel, type TradeMatch } from "./fill-model";
import { createMarketOrder, remainingQty } from "./order";
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
    expect(out).toEqual({ qty: 25, priceTicks: 80_000 });
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
