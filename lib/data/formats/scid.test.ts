import { describe, expect, it } from "vitest";
import { decodeScidRecord, ScidReader } from "./scid";
import { encodeScid, scidUs } from "./scid-test-support";
import { TradeBatcher } from "./trade-batcher";
import { chunked, flatten } from "./test-support";
import { emptyParsedTrade } from "./types";

const ns = (iso: string, extraNs = 0n) => BigInt(Date.parse(iso)) * 1_000_000n + extraNs;
const TICK = 250_000_000n;

function read(bytes: Uint8Array, chunkSize: number) {
  const batcher = new TradeBatcher(TICK);
  const reader = new ScidReader("MNQZ5.scid");
  const out = emptyParsedTrade();
  for (const chunk of chunked(bytes, chunkSize)) {
    reader.push(chunk, (view, offset, index) => {
      const origin = { recordIndex: index, file: "MNQZ5.scid", text: null };
      const outcome = decodeScidRecord(view, offset, TICK, out);
      if (outcome === "trade") batcher.add(out, origin);
      else batcher.reject(origin, outcome.reason, outcome.tsRecvNs, { detail: outcome.detail });
    });
  }
  reader.finish();
  batcher.cut();
  return flatten(batcher.takeReady());
}

describe("Sierra Chart .scid", () => {
  const file = encodeScid([
    { us: scidUs("2025-03-03T14:30:00.123Z", 456n), close: 21234.25, volume: 3, askVolume: 3 },
    { us: scidUs("2025-03-03T14:30:00.123Z", 457n), close: 21234, volume: 2, bidVolume: 2 },
    { days: 45719.5, close: 21234.5, volume: 1, bidVolume: 1, askVolume: 0 }, // old layout: 2025-03-03 12:00 UTC
    { us: scidUs("2025-03-03T14:30:01Z"), close: 21234.1, volume: 1 },
    { us: scidUs("2025-03-03T14:31:00Z"), close: 21234.25, numTrades: 17, volume: 40 },
  ]);

  it("reads trades (time, float32 close on the tick grid, volume, side from bid/ask volume) and rejects the rest", () => {
    const { trades, rejected } = read(file, 1 << 16);
    expect(trades).toEqual([
      { tsRecvNs: ns("2025-03-03T14:30:00.123Z", 456_000n), tsEventNs: ns("2025-03-03T14:30:00.123Z", 456_000n), priceTicks: 84_937, size: 3, side: 1 },
      { tsRecvNs: ns("2025-03-03T14:30:00.123Z", 457_000n), tsEventNs: ns("2025-03-03T14:30:00.123Z", 457_000n), priceTicks: 84_936, size: 2, side: -1 },
      { tsRecvNs: ns("2025-03-03T12:00:00Z"), tsEventNs: ns("2025-03-03T12:00:00Z"), priceTicks: 84_938, size: 1, side: -1 },
    ]);
    expect(rejected.map((r) => [r.recordIndex, r.reason])).toEqual([
      [3, "off_tick_grid"],
      [4, "aggregated_record"],
    ]);
  });

  it("gives the same result when fed one byte at a time (records straddling chunks)", () => {
    expect(read(file, 1)).toEqual(read(file, 1 << 16));
  });

  it("fails on a truncated file and on a file that is not SCID", () => {
    expect(() => read(file.subarray(0, file.length - 7), 64)).toThrow(/truncated .scid file \(33 bytes after record 4/);
    expect(() => read(file.subarray(0, 30), 64)).toThrow(/truncated .scid file/);
    expect(() => read(new TextEncoder().encode("hello world, this is text"), 64)).toThrow(/not a Sierra Chart .scid file/);
  });
});
