/**
 * MboColumns fast path: agreement with the object decoder on every MBO fixture, batch bounds,
 * and the ESH4 golden facts (DOMAIN.md section 5): snapshot prefix, opening auction, counts.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ACTION, MBO_FLAG, SIDE, type MboColumns } from "../../market/mbo-columns";
import { decodeMboColumns } from "./columnar-mbo";
import { decodeDbnSync } from "./decode";
import { decodeMboFile } from "./dbn-file";
import type { MboRecord } from "./records-market";
import { chunked, concatBytes, encodeMbo, encodeMetadata, encodeTrade, ESH4_1224, ESH4_1225, fixture } from "./test-support";
import { zstdDecompress } from "./zstd";

const MBO_FILES = [
  ESH4_1224,
  ESH4_1225,
  "nautilus_trader/tests/test_data/databento/order_book_deltas_catalog/databento/orderbooks_mbo_2024-05-08T00-00-00_2024-05-08T00-00-02.dbn.zst",
  "databento-dbn/tests/data/test_data.mbo.v1.dbn.zst",
  "databento-dbn/tests/data/test_data.mbo.v3.dbn",
  "databento-python/tests/data/GLBX.MDP3/test_data.mbo.dbn.zst",
];

const T_OPEN = 1703545200000000000n; // 2023-12-25T23:00:00Z, 17:00 CT: the opening auction

/** One flat row per record, from the columns (absolute times rebuilt from the batch base). */
interface Row {
  tsRecvNs: bigint;
  tsEventNs: bigint;
  instrumentId: number;
  orderId: bigint;
  priceNano: number;
  size: number;
  flags: number;
  channelId: number;
  action: number;
  side: number;
  sequence: number;
}

function rows(batches: Iterable<MboColumns>): Row[] {
  const out: Row[] = [];
  for (const b of batches) {
    for (let i = 0; i < b.length; i++) {
      const tsRecvNs = b.baseNs + BigInt(b.tsRecvOffsetNs[i]);
      out.push({
        tsRecvNs,
        tsEventNs: tsRecvNs + BigInt(b.tsEventDeltaNs[i]),
        instrumentId: b.instrumentId[i],
        orderId: (BigInt(b.orderIdHi[i]) << 32n) | BigInt(b.orderIdLo[i]),
        priceNano: b.priceNano[i],
        size: b.size[i],
        flags: b.flags[i],
        channelId: b.channelId[i],
        action: b.action[i],
        side: b.side[i],
        sequence: b.sequence[i],
      });
    }
  }
  return out;
}

function expectedRows(records: MboRecord[]): Row[] {
  return records.map((r) => ({
    tsRecvNs: r.tsRecvNs,
    tsEventNs: r.tsEventNs,
    instrumentId: r.instrumentId,
    orderId: r.orderId,
    priceNano: r.priceNano === null ? NaN : Number(r.priceNano),
    size: r.size ?? 0xffffffff,
    flags: r.flags,
    channelId: r.channelId,
    action: r.action.charCodeAt(0),
    side: r.side.charCodeAt(0),
    sequence: r.sequence,
  }));
}

describe("decodeMboColumns", () => {
  it.each(MBO_FILES)("agrees field by field with the object decoder on %s", (file) => {
    const bytes = readFileSync(fixture(file));
    const expected = expectedRows(decodeDbnSync(bytes).records as MboRecord[]);
    const stream = decodeMboColumns(bytes, { batchSize: 1000 });
    const batches = [...stream];
    expect(rows(batches)).toEqual(expected);
    expect(stream.stats).toMatchObject({ records: expected.length, unknown: 0 });
    batches.forEach((b, i) => {
      expect(b.length).toBe(i < batches.length - 1 ? 1000 : expected.length - 1000 * (batches.length - 1));
      expect(b.baseNs).toBe(expected[i * 1000].tsRecvNs); // base = first ts_recv of the batch
      expect(b.tsRecvOffsetNs[0]).toBe(0);
    });
  });

  it("streams an async, oddly chunked source into the same batches", async () => {
    const bytes = readFileSync(fixture(ESH4_1225));
    async function* source() {
      yield* chunked(bytes, [4093, 1, 65_536]);
    }
    const batches: MboColumns[] = [];
    for await (const b of decodeMboColumns(source())) batches.push(b);
    expect(batches.map((b) => b.length)).toEqual([65_536, 68_792 - 65_536]);
    expect(rows(batches)).toEqual(rows(decodeMboColumns(bytes)));
  });

  it("refills one batch object with reuseBatch and never exceeds batchSize", () => {
    const seen = new Set<Float64Array>();
    let total = 0;
    for (const b of decodeMboColumns(readFileSync(fixture(ESH4_1225)), { batchSize: 10_000, reuseBatch: true })) {
      expect(b.length).toBeLessThanOrEqual(10_000);
      seen.add(b.priceNano);
      total += b.length;
    }
    expect(total).toBe(68_792);
    expect(seen.size).toBe(1);
  });

  it("reads a file from disk (two zstd frames)", async () => {
    let total = 0;
    for await (const b of decodeMboFile(fixture(ESH4_1225))) total += b.length;
    expect(total).toBe(68_792);
  });

  it("skips other record types, maps undefined prices to NaN and keeps ts_out streams aligned", () => {
    const T = T_OPEN;
    const bytes = concatBytes(
      encodeMetadata({ version: 3, tsOut: true }),
      encodeMbo({ tsEventNs: T - 7n, tsRecvNs: T, priceNano: 0x7fffffffffffffffn, size: 0, action: "R", side: "N", tsOutNs: T + 1n }),
      encodeMbo({ tsEventNs: T - 3n, tsRecvNs: T + 10n, priceNano: 4800250000000n, size: 5, action: "A", side: "B", tsOutNs: T + 11n, orderId: 2n ** 63n + 5n }),
    );
    const [batch] = [...decodeMboColumns(bytes)];
    expect(batch.length).toBe(2);
    expect(batch.priceNano[0]).toBeNaN();
    expect([batch.tsRecvOffsetNs[1], batch.tsEventDeltaNs[1], batch.priceNano[1], batch.orderIdHi[1], batch.orderIdLo[1]]).toEqual([10, -13, 4800250000000, 0x80000000, 5]);
    const mixed = concatBytes(encodeMetadata({ version: 1 }), encodeTrade({ tsEventNs: T, tsRecvNs: T, priceNano: 1n, size: 1, side: "A" }), encodeMbo({ tsEventNs: T, tsRecvNs: T, priceNano: 1n, size: 1, action: "A", side: "A" }));
    const stream = decodeMboColumns(mixed);
    expect([...stream].map((b) => b.length)).toEqual([1]);
    expect(stream.stats.byRtype).toEqual({ 0: 1, 0xa0: 1 });
  });

  it("reports truncation instead of yielding a partial batch", () => {
    const bytes = zstdDecompress(readFileSync(fixture(ESH4_1224)));
    expect(() => [...decodeMboColumns(bytes.subarray(0, bytes.length - 30))]).toThrow(/truncated input: record 8724 at byte offset 488,750 needs 56 bytes but only 26 remain/);
    const corrupt = bytes.slice();
    corrupt[206 + 56 * 5000] = 0;
    expect(() => [...decodeMboColumns(corrupt)]).toThrow(/record 5000 at byte offset 280,206 declares a length of 0 bytes/);
  });
});

describe("the ESH4 MBO sample (2023-12-24 and 2023-12-25)", () => {
  const day1 = rows(decodeMboColumns(readFileSync(fixture(ESH4_1224))));
  const day2 = rows(decodeMboColumns(readFileSync(fixture(ESH4_1225))));

  it("has 77,517 records: 8,725 + 68,792", () => {
    expect([day1.length, day2.length, day1.length + day2.length]).toEqual([8_725, 68_792, 77_517]);
    for (const r of [...day1, ...day2]) expect(r.instrumentId).toBe(17077); // ESH4
  });

  it("starts each file with a snapshot of adds, all at one ts_recv, as a prefix of the file", () => {
    const snapshot = (day: Row[]) => day.filter((r) => r.flags & MBO_FLAG.SNAPSHOT);
    for (const [day, size] of [[day1, 8_725], [day2, 8_725]] as const) {
      const snap = snapshot(day);
      expect(snap).toHaveLength(size);
      expect(day.slice(0, size)).toEqual(snap);
      expect(new Set(snap.map((r) => r.action))).toEqual(new Set([ACTION.ADD]));
      expect(new Set(snap.map((r) => r.tsRecvNs)).size).toBe(1);
      for (const r of snap) expect(r.tsEventNs <= r.tsRecvNs).toBe(true); // ts_event = the order's own time
    }
    // Day 1 is Christmas Eve (closed): the file is only the snapshot, closed by LAST | SNAPSHOT
    // (| BAD_TS_RECV: every snapshot record carries flags 40 = SNAPSHOT | BAD_TS_RECV).
    expect(day1.at(-1)!.flags).toBe(MBO_FLAG.LAST | MBO_FLAG.SNAPSHOT | MBO_FLAG.BAD_TS_RECV);
    expect(day1.slice(0, -1).every((r) => r.flags === (MBO_FLAG.SNAPSHOT | MBO_FLAG.BAD_TS_RECV))).toBe(true);
    // Day 2 re-sends the same resting orders at the file start, with no LAST: the first live record closes it.
    expect(day2[0].tsRecvNs).toBe(1703462400000000000n); // 2023-12-25T00:00:00Z
    expect(snapshot(day2).some((r) => r.flags & MBO_FLAG.LAST)).toBe(false);
    const orders = (rs: Row[]) => rs.map((r) => `${r.orderId}:${r.priceNano}:${r.size}:${r.side}`).sort();
    expect(orders(snapshot(day2))).toEqual(orders(day1));
    expect(day2[8_725].flags & MBO_FLAG.SNAPSHOT).toBe(0);
  });

  it("has increasing sequence numbers and ts_recv in the live part", () => {
    const live = day2.slice(8_725);
    for (let i = 1; i < live.length; i++) {
      expect(live[i].sequence >= live[i - 1].sequence).toBe(true);
      expect(live[i].tsRecvNs >= live[i - 1].tsRecvNs).toBe(true);
    }
    expect(live.at(-1)!.flags & MBO_FLAG.LAST).toBe(MBO_FLAG.LAST); // the file ends on an event boundary
  });

  it("opens with an auction print at 2023-12-25T23:00:00Z: a T with side N, 44 @ 4800.25", () => {
    const auction = day2.filter((r) => r.tsEventNs === T_OPEN);
    expect(auction[0]).toMatchObject({ action: ACTION.TRADE, side: SIDE.NONE, size: 44, priceNano: 4_800_250_000_000, orderId: 0n });
    expect(day2.filter((r) => r.action === ACTION.TRADE && r.side === SIDE.NONE)).toEqual([auction[0]]); // the only side-N trade
    const fills = auction.filter((r) => r.action === ACTION.FILL);
    expect(fills.every((r) => r.side === SIDE.NONE && r.priceNano === 4_800_250_000_000)).toBe(true);
    expect(fills.reduce((s, r) => s + r.size, 0)).toBe(2 * 44); // both sides of the cross are filled
    // The event: the print, its fills, then the cancels that take filled orders off the book,
    // closed by one LAST record.
    const start = day2.indexOf(auction[0]);
    const end = day2.findIndex((r) => r.flags & MBO_FLAG.LAST && r.tsEventNs === T_OPEN);
    const event = day2.slice(start, end + 1);
    expect(event.every((r) => r.tsEventNs === T_OPEN)).toBe(true);
    expect(event.map((r) => String.fromCharCode(r.action)).join("")).toMatch(/^TF{35}C+$/);
    expect(event.at(-1)!.flags).toBe(MBO_FLAG.LAST);
  });

  it("never caps far-away resting prices (bids down to 85.00, asks up to 5792.50)", () => {
    const prices = day2.map((r) => r.priceNano);
    expect(Math.min(...prices)).toBe(85_000_000_000);
    expect(Math.max(...prices)).toBe(5_792_500_000_000);
  });
});
