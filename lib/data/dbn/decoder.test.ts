import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { AppError } from "../../errors";
import { decodeDbn, decodeDbnSync } from "./decode";
import { DbnDecoder } from "./decoder";
import type { DbnRecord } from "./record";
import { chunked, concatBytes, encodeMbo, encodeMetadata, encodeTrade, ESH4_1224, fixture } from "./test-support";
import { zstdDecompress } from "./zstd";

const esh4 = zstdDecompress(readFileSync(fixture(ESH4_1224)));
const full = decodeDbnSync(esh4);
const T0 = 1703545200000000000n;

function catchError(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe("unprocessable");
    return e as AppError;
  }
  throw new Error("expected an AppError");
}

/** Decodes chunk by chunk, collecting records until an error (returned, not thrown). */
function decodeUntilError(chunks: Iterable<Uint8Array>): { records: DbnRecord[]; error: AppError | null } {
  const d = new DbnDecoder();
  const records: DbnRecord[] = [];
  try {
    for (const c of chunks) {
      d.push(c);
      for (let r = d.nextObject(); r; r = d.nextObject()) records.push(r);
    }
    d.finish();
    for (let r = d.nextObject(); r; r = d.nextObject()) records.push(r);
    return { records, error: null };
  } catch (e) {
    return { records, error: e as AppError };
  }
}

describe("DbnDecoder (streaming core)", () => {
  it("gives the same records whatever the chunk boundaries", () => {
    for (const sizes of [[1], [7, 13, 1, 4096], [207], [65_536]]) {
      const { records, error } = decodeUntilError(chunked(esh4, sizes));
      expect(error).toBeNull();
      expect(records.length).toBe(full.records.length);
      expect(records).toEqual(full.records);
    }
  });

  it("buffers input pushed without draining (the window grows instead of losing bytes)", () => {
    const d = new DbnDecoder();
    for (const c of chunked(esh4, [1000, 3])) d.push(c);
    d.finish();
    const records: DbnRecord[] = [];
    for (let r = d.nextObject(); r; r = d.nextObject()) records.push(r);
    expect(records).toEqual(full.records);
  });

  it("streams an async source the same way (async iteration of decodeDbn)", async () => {
    async function* source() {
      for (const c of chunked(esh4, [1000, 33])) yield c;
    }
    const stream = decodeDbn(source());
    const records: DbnRecord[] = [];
    for await (const r of stream) records.push(r);
    expect(records).toEqual(full.records);
    expect(stream.metadata?.symbols).toEqual(["ESH4"]);
    expect(stream.stats).toMatchObject({ records: 8725, byRtype: { 160: 8725 }, unknown: 0 });
  });

  it("reports a file cut mid-record with the record index and byte offset, and no garbage record", () => {
    const recordsOffset = full.metadata.recordsOffset;
    for (const [cut, complete] of [[recordsOffset + 56 * 100 + 20, 100], [esh4.length - 1, 8724], [recordsOffset + 3, 0]]) {
      const { records, error } = decodeUntilError([esh4.subarray(0, cut)]);
      expect(records).toEqual(full.records.slice(0, complete));
      expect(error?.message).toContain(`truncated input: record ${complete} at byte offset ${(recordsOffset + 56 * complete).toLocaleString("en-US")}`);
      expect(error?.details).toEqual({ recordIndex: complete, offset: recordsOffset + 56 * complete });
    }
  });

  it("reports a file cut mid-metadata", () => {
    const { records, error } = decodeUntilError([esh4.subarray(0, 150)]);
    expect(records).toEqual([]);
    expect(error?.message).toMatch(/truncated metadata: the input ends at byte offset 150, the metadata needs 206 bytes/);
  });

  it("rejects empty input", () => {
    expect(decodeUntilError([]).error?.message).toMatch(/empty input/);
    expect(decodeUntilError([new Uint8Array(0)]).error?.message).toMatch(/empty input/);
  });

  it("treats a record length of 0 as corrupt instead of looping forever", () => {
    const bytes = esh4.slice(0, full.metadata.recordsOffset + 56 * 10);
    bytes[full.metadata.recordsOffset + 56 * 3] = 0;
    const { records, error } = decodeUntilError([bytes]);
    expect(records).toHaveLength(3);
    expect(error?.message).toMatch(/record 3 at byte offset 374 declares a length of 0 bytes/);
  });

  it("rejects a known record too short for its layout", () => {
    const rec = encodeMbo({ tsEventNs: T0, tsRecvNs: T0, priceNano: 1n, size: 1, action: "A", side: "B" });
    rec[0] = 40 / 4;
    const bytes = concatBytes(encodeMetadata({ version: 1 }), rec.subarray(0, 40));
    expect(catchError(() => decodeDbnSync(bytes)).message).toMatch(/record 0 \(mbo\) at byte offset 128 is 40 bytes long, shorter than its 56-byte layout/);
  });

  it("steps over unknown record types by their length and counts them", () => {
    const unknown = new Uint8Array(24);
    unknown[0] = 6;
    unknown[1] = 0xb1; // cmbp-1: not decoded here
    const mbo = encodeMbo({ tsEventNs: T0, tsRecvNs: T0 + 5n, priceNano: 4800250000000n, size: 3, action: "A", side: "B" });
    const { records, stats } = decodeDbnSync(concatBytes(encodeMetadata({ version: 2 }), unknown, mbo, unknown));
    expect(records.map((r) => r.kind)).toEqual(["mbo"]);
    expect(stats).toEqual({ records: 3, byRtype: { 0xa0: 1, 0xb1: 2 }, unknown: 2, unknownByRtype: { 0xb1: 2 } });
  });

  it("reads the trailing ts_out when the metadata says so", () => {
    const bytes = concatBytes(
      encodeMetadata({ version: 3, tsOut: true }),
      encodeMbo({ tsEventNs: T0, tsRecvNs: T0 + 10n, priceNano: 4800250000000n, size: 44, action: "T", side: "N", tsOutNs: T0 + 99n }),
    );
    const { records } = decodeDbnSync(bytes);
    expect(records[0]).toMatchObject({ kind: "mbo", tsOutNs: T0 + 99n, size: 44, tsRecvNs: T0 + 10n });
  });

  it("decodes undefined prices and sizes as null", () => {
    const bytes = concatBytes(
      encodeMetadata({ version: 1 }),
      encodeTrade({ tsEventNs: T0, tsRecvNs: T0, priceNano: 0x7fffffffffffffffn, size: 0xffffffff, side: "N" }),
    );
    expect(decodeDbnSync(bytes).records[0]).toMatchObject({ priceNano: null, size: null, side: "N" });
  });

  it("keeps 64-bit fields exact beyond 2^53", () => {
    const bytes = concatBytes(
      encodeMetadata({ version: 1 }),
      encodeMbo({ tsEventNs: 0xfffffffffffffffen, tsRecvNs: T0, orderId: 0x8000000000000001n, priceNano: -9007199254740993n, size: 1, action: "A", side: "A" }),
    );
    expect(decodeDbnSync(bytes).records[0]).toMatchObject({ tsEventNs: 0xfffffffffffffffen, orderId: 0x8000000000000001n, priceNano: -9007199254740993n });
  });
});
