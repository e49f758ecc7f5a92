import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { indicators } from "./indicators";

const bar = (highTicks: number, lowTicks: number, closeTicks: number, volume = 1) => ({ highTicks, lowTicks, closeTicks, volume });

describe("indicators (trading-signals over integer ticks)", () => {
  it("SMA(3): null during warm-up, then the mean of the last 3; replace swaps the last input", () => {
    const sma = indicators.sma(3);
    expect([10, 11, 13].map((p) => sma.add(p))).toEqual([null, null, 34 / 3]);
    expect(sma.add(16)).toBeCloseTo(40 / 3, 12); // (11 + 13 + 16) / 3
    expect(sma.replace(19)).toBeCloseTo(43 / 3, 12); // (11 + 13 + 19) / 3
    expect(sma.result).toBeCloseTo(43 / 3, 12);
    expect(sma.requiredInputs).toBe(3);
  });

  it("EMA(3): k = 1/2, seeded with the first input, reported from the third", () => {
    const ema = indicators.ema(3);
    // 10; 12/2 + 10/2 = 11; 16/2 + 11/2 = 13.5; 8/2 + 13.5/2 = 10.75
    expect([10, 12, 16, 8].map((p) => ema.add(p))).toEqual([null, null, 13.5, 10.75]);
    expect(ema.isStable).toBe(true);
  });

  it("RSI(2): Wilder-smoothed gains and losses", () => {
    const rsi = indicators.rsi(2);
    // Changes +2, -1, +3. After two: gain 1, loss 0.5, RS 2 -> 100 - 100/3. Then gain 1 + (3 - 1)/2 = 2,
    // loss 0.5 + (0 - 0.5)/2 = 0.25, RS 8 -> 100 - 100/9.
    const out = [10, 12, 11, 14].map((p) => rsi.add(p));
    expect(out.slice(0, 2)).toEqual([null, null]);
    expect(out[2]).toBeCloseTo(100 - 100 / 3, 12);
    expect(out[3]).toBeCloseTo(100 - 100 / 9, 12);
  });

  it("ATR(2) and VWAP over bars in ticks", () => {
    const atr = indicators.atr(2);
    // True ranges 4 (no previous close), max(2, 3, 1) = 3, max(1, 3, 2) = 3; WSMA: (4 + 3)/2 = 3.5, 3.5 + (3 - 3.5)/2 = 3.25
    expect([bar(12, 8, 10), bar(13, 11, 12), bar(15, 14, 15)].map((b) => atr.add(b))).toEqual([null, 3.5, 3.25]);
    const vwap = indicators.vwap();
    // Typical prices 10 (x2) and 14 (x1): 20/2, then 34/3.
    expect(vwap.add(bar(12, 9, 9, 2))).toBe(10);
    expect(vwap.add(bar(15, 12, 15, 1))).toBeCloseTo(34 / 3, 12);
  });

  it("refuses prices that are not integer ticks and periods that are not positive integers", () => {
    expect(() => indicators.sma(3).add(10.5)).toThrow(AppError);
    expect(() => indicators.atr(3).add(bar(10, 9.25, 10))).toThrow(/integer ticks/);
    expect(() => indicators.ema(0)).toThrow(/positive integer/);
  });
});
