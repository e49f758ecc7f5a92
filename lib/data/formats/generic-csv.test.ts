import { describe, expect, it } from "vitest";
import { GenericCsvParser, genericCsvOptionsSchema, type GenericCsvOptions } from "./generic-csv";
import { parseText } from "./test-support";
import { WallClock } from "./wall-time";

const ns = (iso: string, extraNs = 0n) => BigInt(Date.parse(iso)) * 1_000_000n + extraNs;
const TICK = 250_000_000n;
const parser = (o: GenericCsvOptions, zone = "UTC") => new GenericCsvParser(genericCsvOptionsSchema.parse(o), new WallClock(zone));

describe("generic CSV with a column mapping", () => {
  it("maps named columns, reads a time pattern in a zone, a price scale and a side column", () => {
    const text = "when;qty;px_cents;aggressor\n2025-03-03 08:30:00.125;2;2123425;B\n2025-03-03 08:30:00.125;1;2123400;sell\n2025-03-03 08:30:01.000;1;2123410;A\n";
    const { trades, rejected } = parseText(
      parser({ columns: { time: "when", price: "px_cents", size: "qty", side: "aggressor" }, timeFormat: "yyyy-MM-dd HH:mm:ss.SSS", priceScale: "0.01", delimiter: ";" }, "America/Chicago"),
      text,
      TICK,
    );
    expect(trades).toEqual([
      { tsRecvNs: ns("2025-03-03T14:30:00.125Z"), tsEventNs: ns("2025-03-03T14:30:00.125Z"), priceTicks: 84_937, size: 2, side: 1 },
      { tsRecvNs: ns("2025-03-03T14:30:00.125Z"), tsEventNs: ns("2025-03-03T14:30:00.125Z"), priceTicks: 84_936, size: 1, side: -1 },
    ]);
    expect(rejected.map((r) => [r.recordIndex, r.reason])).toEqual([[4, "off_tick_grid"]]); // 21234.10
  });

  it("reads numbered columns without a header and epoch times; malformed rows are quarantined", () => {
    const text = "1741012200000,21234.25,5\n1741012200001,21234.5\nxx,21234.5,1\n1741012200002,21234.5,1.5\n";
    const { trades, rejected } = parseText(parser({ columns: { time: 1, price: 2, size: 3 }, timeFormat: "epoch-ms", header: false }), text, TICK, 3);
    expect(trades).toEqual([{ tsRecvNs: ns("2025-03-03T14:30:00Z"), tsEventNs: ns("2025-03-03T14:30:00Z"), priceTicks: 84_937, size: 5, side: 0 }]);
    expect(rejected.map((r) => [r.recordIndex, r.reason])).toEqual([
      [2, "malformed"],
      [3, "malformed"],
      [4, "malformed"],
    ]);
  });

  it("says which mapped column is missing from the header", () => {
    expect(() => parseText(parser({ columns: { time: "ts", price: "price", size: "volume" } }), "ts,price,size\n")).toThrow(/Column size="volume" is not in the header/);
  });
});
