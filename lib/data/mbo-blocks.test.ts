import { describe, expect, it } from "vitest";
import { mboColumns, type MboLiteral } from "../book/test-support/mbo-records";
import { generateSyntheticMbo } from "../book/test-support/synthetic-mbo";
import { allocateMboColumns, type MboColumns } from "../market/mbo-columns";
import { AppError } from "../errors";
import { decodeMboBlock, encodeMboBlock } from "./mbo-blocks";

const TICK = 250_000_000n;

function roundTrip(c: MboColumns, start = 0, end = c.length): MboColumns {
  const block = encodeMboBlock(c, start, end, TICK);
  const out = allocateMboColumns(block.count, block.baseNs);
  decodeMboBlock(block.columns, block.count, TICK, out, 0, 0);
  out.length = block.count;
  return out;
}

/** Every field of record i as exact values (absolute ts_recv as a bigint). */
function record(c: MboColumns, i: number) {
  return [
    c.baseNs + BigInt(c.tsRecvOffsetNs[i]),
    c.tsEventDeltaNs[i],
    c.instrumentId[i],
    c.orderIdHi[i],
    c.orderIdLo[i],
    Number.isNaN(c.priceNano[i]) ? "NaN" : c.priceNano[i],
    c.size[i],
    c.flags[i],
    c.channelId[i],
    c.action[i],
    c.side[i],
    c.sequence[i],
  ];
}

describe("MBO block codec", () => {
  it("round-trips edge values exactly: u64 order ids, undefined prices, far-out prices, snapshot times, sequence jumps", () => {
    const literals: MboLiteral[] = [
      { action: "R", flags: 8 + 32, tsNs: 0, eventDeltaNs: 0, sequence: 0 },
      // A snapshot order placed days before its ts_recv, a u64 id above 2^53, a far bid at 100.00.
      { action: "A", side: "B", price: 100, size: 1, id: 18_446_744_073_709_551_615n, tsNs: 0, eventDeltaNs: -3 * 86_400e9, flags: 32, sequence: 4_000_000_000 },
      { action: "A", side: "A", price: 5792.5, size: 4_294_967_295, id: 6_412_777_162_812, tsNs: 0, flags: 168, sequence: 12 },
      { action: "C", side: "A", price: 5792.5, size: 3, id: 6_412_777_162_812, tsNs: 86_399e9, eventDeltaNs: 1_000, instrumentId: 42, sequence: 13 },
      { action: "T", side: "N", price: 4800.25, size: 44, id: 0, tsNs: 86_399e9 + 1, flags: 130, sequence: 13 },
      { action: "N", tsNs: 86_399e9 + 1, sequence: 1 },
    ];
    const c = mboColumns(literals);
    const back = roundTrip(c);
    expect(back.length).toBe(c.length);
    for (let i = 0; i < c.length; i++) expect(record(back, i)).toEqual(record(c, i));
  });

  it("round-trips a synthetic stream cut into blocks at arbitrary records", () => {
    const c = generateSyntheticMbo({ records: 5_000, seed: 3, targetOrders: 500 });
    for (const [start, end] of [
      [0, 5_000],
      [17, 2_345],
      [4_999, 5_000],
    ]) {
      const back = roundTrip(c, start, end);
      for (let i = start; i < end; i++) expect(record(back, i - start)).toEqual(record(c, i));
    }
  });

  it("stores about 16 bytes per synthetic CME-like record (DBN: 56)", () => {
    const c = generateSyntheticMbo({ records: 20_000, seed: 5 });
    const block = encodeMboBlock(c, 0, c.length, TICK);
    const bytes = block.columns.reduce((sum, col) => sum + col.length, 0);
    expect(bytes / c.length).toBeLessThan(20);
  });

  it("refuses a price off the tick grid instead of rounding it", () => {
    const c = mboColumns([{ action: "A", side: "B", price: 4800.1, size: 1, id: 1 }]);
    expect(() => encodeMboBlock(c, 0, 1, TICK)).toThrow(AppError);
  });

  it("detects a corrupt block", () => {
    const c = mboColumns([{ action: "A", side: "B", price: 4800, size: 1, id: 1 }]);
    const block = encodeMboBlock(c, 0, 1, TICK);
    const out = allocateMboColumns(2, block.baseNs);
    const truncated = block.columns.map((col, k) => (k === 5 ? new Uint8Array(0) : col));
    expect(() => decodeMboBlock(truncated, 1, TICK, out, 0, 0)).toThrow(/Corrupt MBO block/);
  });
});
