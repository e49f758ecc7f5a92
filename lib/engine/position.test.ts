import { describe, expect, it } from "vitest";
import { Position, type PositionChange } from "./position";

const change = (): PositionChange => ({ closedQty: 0, realisedTicks: 0, openedQty: 0 });

describe("Position", () => {
  it("is flat with no average entry at first", () => {
    const position = new Position();
    expect(position.qty).toBe(0);
    expect(position.avgEntryTicks).toBeNull();
    expect(position.unrealisedTicks(100)).toBe(0);
  });

  it("averages entries and marks unrealised P&L in tick-contracts", () => {
    const position = new Position();
    position.apply(1, 1, 100, change());
    position.apply(1, 2, 103, change());
    expect(position.qty).toBe(3);
    expect(position.avgEntryTicks).toBe(102);
    expect(position.unrealisedTicks(104)).toBe(6);
  });

  it("realises closed contracts first in, first out, exactly", () => {
    const position = new Position();
    position.apply(1, 1, 100, change());
    position.apply(1, 1, 101, change());
    position.apply(1, 1, 101, change());
    // Closing one contract at 102 realises the oldest lot (100): 2 ticks, no fractional average.
    expect(position.apply(-1, 1, 102, change())).toEqual({ closedQty: 1, realisedTicks: 2, openedQty: 0 });
    expect(position.qty).toBe(2);
    expect(position.avgEntryTicks).toBe(101);
  });

  it("closes and reopens on a reversal: long 1 then sell 2 leaves short 1 at the fill price", () => {
    const position = new Position();
    position.apply(1, 1, 110, change());
    expect(position.apply(-1, 2, 98, change())).toEqual({ closedQty: 1, realisedTicks: -12, openedQty: 1 });
    expect(position.qty).toBe(-1);
    expect(position.avgEntryTicks).toBe(98);
    expect(position.unrealisedTicks(94)).toBe(4);
  });

  it("realises short positions with the sign of a short", () => {
    const position = new Position();
    position.apply(-1, 2, 200, change());
    expect(position.apply(1, 2, 190, change())).toEqual({ closedQty: 2, realisedTicks: 20, openedQty: 0 });
    expect(position.qty).toBe(0);
    expect(position.avgEntryTicks).toBeNull();
  });
});
