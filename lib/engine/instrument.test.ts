import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { getContractSpec } from "../market/contract-spec";
import { defineInstrument, instrumentFromContractSpec, pointsToTicks, ticksToPoints } from "./instrument";

describe("instrument", () => {
  const mnq = defineInstrument({ symbol: "MNQ", tickSize: 0.25, tickValueCents: 50, feePerSideCents: 57 });

  it("converts between integer ticks and index points at the edges", () => {
    expect(ticksToPoints(mnq, 84_001)).toBe(21_000.25);
    expect(pointsToTicks(mnq, 21_000.25)).toBe(84_001);
  });

  it("rejects a price off the tick grid", () => {
    expect(() => pointsToTicks(mnq, 21_000.1)).toThrow(AppError);
  });

  it("rejects fractional cents and non-positive tick sizes", () => {
    expect(() => defineInstrument({ symbol: "MNQ", tickSize: 0.25, tickValueCents: 50.5, feePerSideCents: 0 })).toThrow(/tickValueCents/);
    expect(() => defineInstrument({ symbol: "MNQ", tickSize: 0, tickValueCents: 50, feePerSideCents: 0 })).toThrow(AppError);
  });

  it("derives MNQ from its contract specification: 0.25 points = 50 cents, default fee overridable", () => {
    expect(instrumentFromContractSpec(getContractSpec("MNQ"))).toEqual({ symbol: "MNQ", tickSize: 0.25, tickValueCents: 50, feePerSideCents: 57 });
    expect(instrumentFromContractSpec(getContractSpec("MNQ"), 0).feePerSideCents).toBe(0);
  });
});
