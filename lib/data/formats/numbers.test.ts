import { describe, expect, it } from "vitest";
import { decimalToNano, parseUint, scaledDecimalToNano } from "./numbers";

describe("exact decimal conversions", () => {
  it("reads decimal prices into 1e-9 units without binary rounding", () => {
    expect(decimalToNano("3720.25")).toBe(3_720_250_000_000);
    expect(decimalToNano("3720.250000000")).toBe(3_720_250_000_000);
    expect(decimalToNano("0.1")).toBe(100_000_000);
    expect(decimalToNano("-0.5")).toBe(-500_000_000);
    expect(decimalToNano("21234")).toBe(21_234_000_000_000);
    expect(decimalToNano("1.0000000001")).toBeNaN(); // a 10th decimal that is not zero
    expect(decimalToNano("1.0000000000")).toBe(1_000_000_000);
    expect(decimalToNano("12a")).toBeNaN();
    expect(decimalToNano("")).toBeNaN();
    expect(decimalToNano("99999999999")).toBeNaN(); // beyond 2^53 in 1e-9 units
  });

  it("scales exactly: 2123425 x 0.01 = 21234.25", () => {
    expect(scaledDecimalToNano("2123425", "0.01")).toBe(21_234_250_000_000);
    expect(scaledDecimalToNano("21234.25", "1")).toBe(21_234_250_000_000);
    expect(scaledDecimalToNano("1", "0.0000000001")).toBeNaN();
  });

  it("reads counts strictly", () => {
    expect(parseUint("42")).toBe(42);
    expect(parseUint("4.2")).toBeNaN();
    expect(parseUint("-1")).toBeNaN();
    expect(parseUint("")).toBeNaN();
  });
});
