import { describe, expect, it } from "vitest";
import { barFromNano } from "../bar-store";
import { NINJATRADER_BAR_LINE, parseNinjaTraderBar } from "./ninjatrader";
import { WallClock } from "./wall-time";

const ns = (iso: string) => BigInt(Date.parse(iso)) * 1_000_000n;
const TICK = 250_000_000n; // MNQ 0.25

describe("NinjaTrader 8 minute bars", () => {
  it("stores a bar by its start: the stamped END time minus one minute, read in UTC by default", () => {
    const r = parseNinjaTraderBar("20250303 143100;21234.25;21240;21230;21235.5;120", new WallClock());
    // 21234.25 = 21234 * 1e9 + 0.25 * 1e9 in 1e-9 units
    expect(r).toEqual({ kind: "bar", tsStartNs: ns("2025-03-03T14:30:00Z"), openNano: 21_234_250_000_000, highNano: 21_240_000_000_000, lowNano: 21_230_000_000_000, closeNano: 21_235_500_000_000, volume: 120 });
    if (r.kind !== "bar") throw new Error("not a bar");
    const checked = barFromNano(r.tsStartNs, 60, { open: r.openNano, high: r.highNano, low: r.lowNano, close: r.closeNano }, r.volume, TICK);
    // 21234.25 / 0.25 = 84937; 21240 / 0.25 = 84960; 21230 / 0.25 = 84920; 21235.5 / 0.25 = 84942
    expect(checked).toEqual({ bar: { tsStartNs: ns("2025-03-03T14:30:00Z"), intervalS: 60, openTicks: 84_937, highTicks: 84_960, lowTicks: 84_920, closeTicks: 84_942, volume: 120n } });
  });

  it("reads the exporting machine's zone across the spring-forward change without a gap or overlap", () => {
    const chicago = new WallClock("America/Chicago");
    // 2025-03-09: 01:59 CST (UTC-6) is 07:59Z; the next wall minute is 03:00 CDT (UTC-5) = 08:00Z.
    const before = parseNinjaTraderBar("20250309 015900;1;1;1;1;1", chicago);
    const after = parseNinjaTraderBar("20250309 030000;1;1;1;1;1", chicago);
    expect(before).toMatchObject({ kind: "bar", tsStartNs: ns("2025-03-09T07:58:00Z") });
    expect(after).toMatchObject({ kind: "bar", tsStartNs: ns("2025-03-09T07:59:00Z") });
    // Summer (CDT, UTC-5): 2025-07-01 09:31 CT ends the bar starting 14:30Z.
    expect(parseNinjaTraderBar("20250701 093100;1;1;1;1;1", chicago)).toMatchObject({ tsStartNs: ns("2025-07-01T14:30:00Z") });
  });

  it("rejects malformed lines with a reason and detail", () => {
    const utc = new WallClock();
    expect(parseNinjaTraderBar("20250303 143100;1;2;0.5;1", utc)).toMatchObject({ kind: "reject", reason: "malformed", detail: expect.stringMatching(/5 fields/) });
    expect(parseNinjaTraderBar("20250303 143100 0000000;1;2;0.5;1;3", utc)).toMatchObject({ kind: "reject", reason: "malformed" });
    expect(parseNinjaTraderBar("20250230 120000;1;2;0.5;1;3", utc)).toMatchObject({ kind: "reject", reason: "malformed", detail: expect.stringMatching(/not a valid time/) });
    expect(parseNinjaTraderBar("20250303 143100;1;x;0.5;1;3", utc)).toMatchObject({ kind: "reject", reason: "malformed", detail: 'high "x" is not a number', tsStartNs: ns("2025-03-03T14:30:00Z") });
    expect(parseNinjaTraderBar("20250303 143100;1;2;0.5;1;1.5", utc)).toMatchObject({ kind: "reject", reason: "malformed", detail: 'volume "1.5" is not a count' });
  });

  it("tells bar lines from tick lines", () => {
    expect(NINJATRADER_BAR_LINE.test("20250303 143100;21234.25;21240;21230;21235.5;120")).toBe(true);
    expect(NINJATRADER_BAR_LINE.test("20250303 143000 1234567;21234.25;3")).toBe(false);
    expect(NINJATRADER_BAR_LINE.test("20250303 143000 1234567;21234.25;21234;21234.5;3")).toBe(false);
  });
});

describe("bar checks (barFromNano)", () => {
  const at = ns("2025-03-03T14:30:00Z");
  const px = (o: number, h: number, l: number, c: number) => ({ open: BigInt(o) * TICK, high: BigInt(h) * TICK, low: BigInt(l) * TICK, close: BigInt(c) * TICK });

  it("quarantines high < low and open/close outside [low, high] as inconsistent_bar", () => {
    expect(barFromNano(at, 60, px(10, 9, 11, 10), 1, TICK)).toMatchObject({ reason: "inconsistent_bar", detail: "high 9 < low 11 (ticks)" });
    expect(barFromNano(at, 60, px(12, 11, 9, 10), 1, TICK)).toMatchObject({ reason: "inconsistent_bar" });
    expect(barFromNano(at, 60, px(10, 11, 9, 8), 1, TICK)).toMatchObject({ reason: "inconsistent_bar" });
    // open = high and close = low are consistent
    expect(barFromNano(at, 60, px(11, 11, 9, 9), 1, TICK)).toMatchObject({ bar: { openTicks: 11, highTicks: 11, lowTicks: 9, closeTicks: 9 } });
  });

  it("never rounds a price off the tick grid and refuses undefined prices", () => {
    expect(barFromNano(at, 60, { ...px(10, 11, 9, 10), high: 11n * TICK + 100_000_000n }, 1, TICK)).toMatchObject({ reason: "off_tick_grid" });
    expect(barFromNano(at, 60, { ...px(10, 11, 9, 10), close: null }, 1, TICK)).toMatchObject({ reason: "undefined_price" });
    expect(barFromNano(at, 60, px(2 ** 31, 2 ** 31, 2 ** 31, 2 ** 31), 1, TICK)).toMatchObject({ reason: "out_of_range" });
  });
});
