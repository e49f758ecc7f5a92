import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { assertOrderRequest, createMarketOrder, remainingQty } from "./order";

describe("order", () => {
  it("starts working with nothing filled", () => {
    const order = createMarketOrder(7, -1, 3, 123n);
    expect(order).toEqual({ id: 7, side: -1, qty: 3, type: "market", status: "working", filledQty: 0, submittedAtNs: 123n });
    expect(remainingQty(order)).toBe(3);
  });

  it("rejects sides other than 1/-1 and non-positive or fractional quantities as strategy failures", () => {
    expect(() => assertOrderRequest(0, 1)).toThrow(AppError);
    expect(() => assertOrderRequest(1, 0)).toThrow(/quantity/);
    expect(() => assertOrderRequest(-1, 1.5)).toThrow(/quantity/);
    try {
      assertOrderRequest(2, 1);
    } catch (error) {
      expect((error as AppError).code).toBe("strategy_failed");
    }
  });
});
