import { describe, expect, it } from "vitest";
import { instrumentFromFileName, NinjaTraderParser } from "./ninjatrader";
import { parseText } from "./test-support";
import { WallClock } from "./wall-time";

const ns = (iso: string, extraNs = 0n) => BigInt(Date.parse(iso)) * 1_000_000n + extraNs;
const TICK = 250_000_000n; // MNQ 0.25

describe("NinjaTrader 8 tick exports", () => {
  const last = "20250303 143000 1234567;21234.25;3\r\n20250303 143000 1234567;21234.25;3\r\n20250303 143001 0000000;21234.5;1";

  it("reads Last ticks in UTC by default, 100 ns fractions exact, duplicates kept in file order", () => {
    const { trades, rejected } = parseText(new NinjaTraderParser(new WallClock()), last, TICK);
    expect(rejected).toEqual([]);
    expect(trades).toEqual([
      { tsRecvNs: ns("2025-03-03T14:30:00.123Z", 456_700n), tsEventNs: ns("2025-03-03T14:30:00.123Z", 456_700n), priceTicks: 84_937, size: 3, side: 0 },
      { tsRecvNs: ns("2025-03-03T14:30:00.123Z", 456_700n), tsEventNs: ns("2025-03-03T14:30:00.123Z", 456_700n), priceTicks: 84_937, size: 3, side: 0 },
      { tsRecvNs: ns("2025-03-03T14:30:01Z"), tsEventNs: ns("2025-03-03T14:30:01Z"), priceTicks: 84_938, size: 1, side: 0 },
    ]);
  });

  it("gives the same trades when fed one byte at a time", () => {
    const whole = parseText(new NinjaTraderParser(new WallClock()), last, TICK);
    expect(parseText(new NinjaTraderParser(new WallClock()), last, TICK, 1)).toEqual(whole);
  });

  it("reads local-time exports in the given zone across DST (New York: UTC-5 in winter, UTC-4 in summer)", () => {
    const text = "20250307 093000 0000000;21000;1\n20250310 093000 0000000;21000;1\n";
    const { trades } = parseText(new NinjaTraderParser(new WallClock("America/New_York")), text, TICK);
    expect(trades.map((t) => t.tsRecvNs)).toEqual([ns("2025-03-07T14:30:00Z"), ns("2025-03-10T13:30:00Z")]);
  });

  it("takes the aggressor side from bid/ask when the export has them (quote rule)", () => {
    const text = ["20250303 143000 0000000;100.25;100;100.25;2", "20250303 143000 0000000;100;100;100.25;2", "20250303 143000 0000000;100.25;100;100.5;2"].join("\n");
    const { trades } = parseText(new NinjaTraderParser(new WallClock()), text, TICK);
    expect(trades.map((t) => t.side)).toEqual([1, -1, 0]);
  });

  it("quarantines malformed, truncated and off-grid lines with the raw line and its number", () => {
    const text = "20250303 143000 0000000;21234.25;3\nnot a tick\n20250303 1430;21234.25;3\n20250303 143000 0000000;21234.1;3\n20250303 143000 00000";
    const { trades, rejected } = parseText(new NinjaTraderParser(new WallClock()), text, TICK);
    expect(trades).toHaveLength(1);
    expect(rejected.map((r) => [r.recordIndex, r.reason, r.payload.line])).toEqual([
      [2, "malformed", "not a tick"],
      [3, "malformed", "20250303 1430;21234.25;3"],
      [4, "off_tick_grid", "20250303 143000 0000000;21234.1;3"],
      [5, "malformed", "20250303 143000 00000"],
    ]);
  });

  it("refuses a minute-bar file with the number of bars: bars are not tick data", () => {
    const bars = "20250303 143000;21234.25;21240;21230;21235.5;120\n20250303 143100;21235.5;21236;21230;21231;80\n";
    expect(() => parseText(new NinjaTraderParser(new WallClock()), bars, TICK, 1 << 20, "MNQ 03-25.txt")).toThrow(/MNQ 03-25.txt holds NinjaTrader minute bars \(2 bar lines\), not tick data/);
  });
});

describe("instrument from a vendor file name", () => {
  it("reads NinjaTrader and CME-style names", () => {
    expect(instrumentFromFileName("MNQ 12-25.Last.txt")).toBe("MNQZ5");
    expect(instrumentFromFileName("/data/ES 09-24.Last.txt")).toBe("ESU4");
    expect(instrumentFromFileName("MNQZ25-CME.scid")).toBe("MNQZ5");
    expect(instrumentFromFileName("ESH4_FUT_CME.scid")).toBe("ESH4");
    expect(instrumentFromFileName("ticks.txt")).toBeNull();
  });
});
