import { describe, expect, it } from "vitest";
import { assignRoundTrips, qtyInTrade } from "./run-fills";

const f = (side: 1 | -1, qty: number) => ({ side, qty });

describe("assignRoundTrips", () => {
  it("numbers round trips from flat to flat, a scale-in staying in its trip", () => {
    // +1, +1 (long 2), -2 (flat) | -1 (short 1), +1 (flat)
    const fills = [f(1, 1), f(1, 1), f(-1, 2), f(-1, 1), f(1, 1)];
    expect(assignRoundTrips(fills)).toEqual({ tradeSeq: [1, 1, 1, 2, 2], positionAfter: [1, 2, 0, -1, 0] });
  });

  it("gives a reversal fill to the trip it closes; the next trip starts with it", () => {
    // +2 (long 2), -4 (short 2: closes trip 1, opens trip 2), +2 (flat), +1 (trip 3), -1
    const fills = [f(1, 2), f(-1, 4), f(1, 2), f(1, 1), f(-1, 1)];
    const { tradeSeq, positionAfter } = assignRoundTrips(fills);
    expect(tradeSeq).toEqual([1, 1, 2, 3, 3]);
    expect(positionAfter).toEqual([2, -2, 0, 1, 0]);
  });
});

describe("qtyInTrade", () => {
  const reversal = { tradeSeq: 1, side: -1, qty: 5, positionAfter: -3 }; // long 2 -> short 3
  it("splits a reversal fill between the trip it closes and the one it opens", () => {
    expect(qtyInTrade(reversal, 1)).toBe(2);
    expect(qtyInTrade(reversal, 2)).toBe(3);
    expect(qtyInTrade(reversal, 3)).toBe(0);
  });

  it("gives a plain fill wholly to its own trip only", () => {
    const closing = { tradeSeq: 4, side: 1, qty: 2, positionAfter: 0 };
    expect(qtyInTrade(closing, 4)).toBe(2);
    expect(qtyInTrade(closing, 5)).toBe(0);
    const adding = { tradeSeq: 4, side: 1, qty: 1, positionAfter: 3 };
    expect(qtyInTrade(adding, 4)).toBe(1);
    expect(qtyInTrade(adding, 5)).toBe(0);
  });
});
