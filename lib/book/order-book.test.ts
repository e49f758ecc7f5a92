import { describe, expect, it } from "vitest";
import { MBO_FLAG, SIDE } from "../market/mbo-columns";
import { OrderBook, type OrderBookOptions } from "./order-book";
import { mboColumns, nano, splitOrderId, type MboLiteral } from "./test-support/mbo-records";

const { LAST, SNAPSHOT, MAYBE_BAD_BOOK } = MBO_FLAG;
const SNAP = SNAPSHOT | MBO_FLAG.BAD_TS_RECV; // flags 40, as in the ESH4 snapshot
const B = SIDE.BID;
const A = SIDE.ASK;

function bookAfter(records: MboLiteral[], options?: OrderBookOptions): OrderBook {
  const book = new OrderBook(options);
  book.applyRange(mboColumns(records));
  book.checkInvariants();
  return book;
}

/** [orderId, size] of a level's queue, front first; undefined when the level does not exist. */
function queue(book: OrderBook, side: typeof B | typeof A, price: number): [number, number][] | undefined {
  return book
    .levels(side)
    .find((l) => l.priceNano === nano(price))
    ?.orders.map((o) => [Number(o.orderId), o.size]);
}

function prices(book: OrderBook, side: typeof B | typeof A): number[] {
  return book.levels(side).map((l) => l.priceNano / 1e9);
}

const add = (id: number, side: "B" | "A", price: number, size: number, flags: number = LAST): MboLiteral => ({ action: "A", id, side, price, size, flags });
const cancel = (id: number, side: "B" | "A", price: number, size: number, flags: number = LAST): MboLiteral => ({ action: "C", id, side, price, size, flags });
const modify = (id: number, side: "B" | "A", price: number, size: number, flags: number = LAST): MboLiteral => ({ action: "M", id, side, price, size, flags });

describe("OrderBook: adds", () => {
  it("appends an add at the back of its price level and orders levels by price, best first", () => {
    const book = bookAfter([add(1, "B", 4800, 2), add(2, "B", 4800, 5), add(3, "B", 4799.75, 1), add(4, "A", 4800.5, 3), add(5, "A", 4800.25, 4), add(6, "B", 4800, 1)]);
    expect(queue(book, B, 4800)).toEqual([[1, 2], [2, 5], [6, 1]]);
    expect(prices(book, B)).toEqual([4800, 4799.75]);
    expect(prices(book, A)).toEqual([4800.25, 4800.5]);
    expect([book.bestPrice(B), book.bestSize(B), book.bestCount(B)]).toEqual([nano(4800), 8, 3]);
    expect([book.bestPrice(A), book.bestSize(A), book.bestCount(A)]).toEqual([nano(4800.25), 4, 1]);
    expect(book.orderCount).toBe(6);
    expect(book.dataQuality().total).toBe(0);
  });

  it("replaces an add for a resting id and sends it to the back (reported outside a snapshot)", () => {
    const book = bookAfter([add(1, "B", 4800, 2), add(2, "B", 4800, 5), add(1, "B", 4800, 9), add(3, "B", 4799, 1), add(3, "A", 4801, 4)]);
    expect(queue(book, B, 4800)).toEqual([[2, 5], [1, 9]]);
    expect(queue(book, B, 4799)).toBeUndefined();
    expect(queue(book, A, 4801)).toEqual([[3, 4]]);
    expect(book.orderCount).toBe(3);
    expect(book.dataQuality().counts.addExistingId).toBe(2);
  });

  it("ignores and reports adds with no side, an undefined price or size 0", () => {
    const book = bookAfter([
      { action: "A", id: 1, side: "N", price: 4800, size: 1 },
      { action: "A", id: 2, side: "B", size: 1 },
      { action: "A", id: 3, side: "B", price: 4800, size: 0 },
    ]);
    expect(book.orderCount).toBe(0);
    const { counts, examples } = book.dataQuality();
    expect([counts.invalidSide, counts.invalidPrice, counts.zeroSize]).toEqual([1, 1, 1]);
    expect(examples.map((e) => [e.kind, e.recordIndex, e.orderId, e.action])).toEqual([
      ["invalidSide", 0, "1", "A"],
      ["invalidPrice", 1, "2", "A"],
      ["zeroSize", 2, "3", "A"],
    ]);
  });
});

describe("OrderBook: cancels", () => {
  it("keeps an order's place on a partial cancel and removes it at zero, and an emptied level with it", () => {
    const book = bookAfter([add(1, "A", 4801, 5), add(2, "A", 4801, 3), add(3, "A", 4802, 1), cancel(1, "A", 4801, 2), cancel(3, "A", 4802, 1)]);
    expect(queue(book, A, 4801)).toEqual([[1, 3], [2, 3]]);
    expect(prices(book, A)).toEqual([4801]);
    expect(book.bestSize(A)).toBe(6);
    const after = bookAfter([add(1, "A", 4801, 5), add(2, "A", 4801, 3), cancel(1, "A", 4801, 5)]);
    expect(queue(after, A, 4801)).toEqual([[2, 3]]);
  });

  it("reports a cancel of an unknown id or of more than rests, never throws, and never leaves a negative size", () => {
    const book = bookAfter([add(1, "B", 4800, 2), cancel(9, "B", 4800, 1), cancel(1, "B", 4800, 5), cancel(1, "B", 4800, 1)]);
    expect(book.orderCount).toBe(0);
    expect(prices(book, B)).toEqual([]);
    const { counts, examples } = book.dataQuality();
    expect([counts.cancelUnknownId, counts.cancelExceedsSize]).toEqual([2, 1]);
    expect(examples.map((e) => [e.kind, e.recordIndex, e.orderId, e.size])).toEqual([
      ["cancelUnknownId", 1, "9", 1],
      ["cancelExceedsSize", 2, "1", 5],
      ["cancelUnknownId", 3, "1", 1],
    ]);
  });

  it("applies a cancel whose price or side disagrees with the resting order to that order, and reports it", () => {
    const book = bookAfter([add(1, "B", 4800, 4), cancel(1, "B", 4799, 1), cancel(1, "A", 4800, 1)]);
    expect(queue(book, B, 4800)).toEqual([[1, 2]]);
    expect(book.dataQuality().counts.cancelMismatch).toBe(2);
  });

  it("treats a cancel of size 0 as no change (reported)", () => {
    const book = bookAfter([add(1, "B", 4800, 4), cancel(1, "B", 4800, 0)]);
    expect(queue(book, B, 4800)).toEqual([[1, 4]]);
    expect(book.dataQuality().counts.zeroSize).toBe(1);
  });
});

describe("OrderBook: modifies and priority", () => {
  const start = [add(1, "B", 4800, 5), add(2, "B", 4800, 5), add(3, "B", 4800, 5)];

  it("keeps priority on a size decrease", () => {
    const book = bookAfter([...start, modify(1, "B", 4800, 2)]);
    expect(queue(book, B, 4800)).toEqual([[1, 2], [2, 5], [3, 5]]);
    expect(book.bestSize(B)).toBe(12);
  });

  it("loses priority on a size increase: back of the same level", () => {
    const book = bookAfter([...start, modify(1, "B", 4800, 6)]);
    expect(queue(book, B, 4800)).toEqual([[2, 5], [3, 5], [1, 6]]);
  });

  it("keeps everything on a modify that changes nothing", () => {
    const book = bookAfter([...start, modify(1, "B", 4800, 5)]);
    expect(queue(book, B, 4800)).toEqual([[1, 5], [2, 5], [3, 5]]);
  });

  it("loses priority on a price change, even with a smaller size: back of the new level", () => {
    const book = bookAfter([...start, add(4, "B", 4799.75, 1), modify(1, "B", 4799.75, 1), modify(3, "B", 4800.25, 5)]);
    expect(queue(book, B, 4800)).toEqual([[2, 5]]);
    expect(queue(book, B, 4799.75)).toEqual([[4, 1], [1, 1]]);
    expect(prices(book, B)).toEqual([4800.25, 4800, 4799.75]);
  });

  it("treats a modify of an unknown id as an add (reported)", () => {
    const book = bookAfter([...start, modify(7, "B", 4800, 3)]);
    expect(queue(book, B, 4800)).toEqual([[1, 5], [2, 5], [3, 5], [7, 3]]);
    expect(book.dataQuality().counts.modifyUnknownId).toBe(1);
  });

  it("treats a side change as cancel + add (reported)", () => {
    const book = bookAfter([...start, add(4, "A", 4800.25, 2), modify(2, "A", 4800.25, 5)]);
    expect(queue(book, B, 4800)).toEqual([[1, 5], [3, 5]]);
    expect(queue(book, A, 4800.25)).toEqual([[4, 2], [2, 5]]);
    expect(book.dataQuality().counts.modifySideChange).toBe(1);
  });

  it("removes an order modified to size 0 (reported) and ignores a modify without side or price", () => {
    const book = bookAfter([...start, modify(2, "B", 4800, 0), { action: "M", id: 1, side: "N", price: 4800, size: 1 }, { action: "M", id: 1, side: "B", size: 1 }]);
    expect(queue(book, B, 4800)).toEqual([[1, 5], [3, 5]]);
    const { counts } = book.dataQuality();
    expect([counts.zeroSize, counts.invalidSide, counts.invalidPrice]).toEqual([1, 1, 1]);
  });

  it("stamps an order with the time it took its queue place", () => {
    const book = bookAfter([
      { ...add(1, "B", 4800, 5), tsNs: 100, eventDeltaNs: -10 },
      { ...modify(1, "B", 4800, 4), tsNs: 200 },
      { ...add(2, "B", 4800, 5), tsNs: 300, eventDeltaNs: -10 },
    ]);
    expect(book.order(0, 1)?.tsEventNs).toBe(90);
    const columns = mboColumns([{ ...modify(1, "B", 4800, 9), tsNs: 50, eventDeltaNs: 0 }], (book.tsBaseNs ?? 0n) + 1000n);
    book.applyRange(columns);
    expect(book.order(0, 1)?.tsEventNs).toBe(1050);
    expect(book.order(0, 2)?.tsEventNs).toBe(290);
  });
});

describe("OrderBook: clear, trades, fills", () => {
  it("empties the book on R", () => {
    const book = bookAfter([add(1, "B", 4800, 5), add(2, "A", 4801, 5), { action: "R" }, add(3, "B", 4700, 1)]);
    expect(book.orderCount).toBe(1);
    expect(prices(book, A)).toEqual([]);
    expect(queue(book, B, 4700)).toEqual([[3, 1]]);
  });

  it("never changes the book on T, F or N: the cancels after a fill do", () => {
    const records: MboLiteral[] = [
      add(1, "A", 4801, 5),
      add(2, "A", 4801, 3),
      { action: "T", side: "B", price: 4801, size: 6, flags: 0 },
      { action: "F", side: "A", price: 4801, size: 5, id: 1, flags: 0 },
      { action: "F", side: "A", price: 4801, size: 1, id: 2, flags: 0 },
      { action: "N", side: "N", flags: 0 },
    ];
    const book = bookAfter(records);
    expect(queue(book, A, 4801)).toEqual([[1, 5], [2, 3]]);
    expect(book.inEvent).toBe(true);
    book.applyRange(mboColumns([cancel(1, "A", 4801, 5, 0), cancel(2, "A", 4801, 1)]));
    expect(queue(book, A, 4801)).toEqual([[2, 2]]);
    expect(book.inEvent).toBe(false);
    expect(book.dataQuality().total).toBe(0);
  });

  it("reports an unknown action byte and skips it", () => {
    const book = bookAfter([add(1, "B", 4800, 1), { action: "X", id: 1, side: "B", price: 4800, size: 1 }]);
    expect(book.orderCount).toBe(1);
    expect(book.dataQuality().counts.unknownAction).toBe(1);
  });
});

describe("OrderBook: event boundaries and crossed books", () => {
  it("is in an event until a record with LAST, and applyEvent stops right after it", () => {
    const columns = mboColumns([add(1, "B", 4800, 1, 0), add(2, "A", 4801, 1, 0), add(3, "A", 4801, 1, LAST | 2), add(4, "B", 4799, 1)]);
    const book = new OrderBook();
    expect(book.inEvent).toBe(false);
    book.applyRange(columns, 0, 1);
    expect(book.inEvent).toBe(true);
    expect(book.applyEvent(columns, 1)).toBe(3);
    expect(book.inEvent).toBe(false);
    expect(book.orderCount).toBe(3);
    expect(book.applyEvent(columns, 3)).toBe(4);
    expect(book.applyEvent(columns, 4)).toBe(4);
  });

  it("keeps a crossed pre-open book as it is", () => {
    const book = bookAfter([add(1, "B", 4801, 2), add(2, "A", 4800, 3), add(3, "B", 4800.5, 1)]);
    expect(book.bestPrice(B)).toBe(nano(4801));
    expect(book.bestPrice(A)).toBe(nano(4800));
    expect(prices(book, B)).toEqual([4801, 4800.5]);
    expect(book.dataQuality().total).toBe(0);
  });
});

describe("OrderBook: snapshots", () => {
  const snapshot = (last: boolean): MboLiteral[] => [add(10, "B", 4799, 2, SNAP), add(11, "B", 4799, 3, SNAP), add(12, "A", 4800, 4, last ? SNAP | LAST : SNAP)];

  it("closes a snapshot at its LAST|SNAPSHOT record", () => {
    const columns = mboColumns(snapshot(true));
    const book = new OrderBook();
    book.applyRange(columns, 0, 2);
    expect([book.inSnapshot, book.inEvent]).toEqual([true, true]);
    book.applyRange(columns, 2, 3);
    expect([book.inSnapshot, book.inEvent]).toEqual([false, false]);
    expect(book.orderCount).toBe(3);
  });

  it("closes a snapshot without a final LAST at the first live record: a boundary before that record", () => {
    const columns = mboColumns([...snapshot(false), add(13, "B", 4799.5, 1, LAST | 2)]);
    const book = new OrderBook();
    expect(book.applyEvent(columns, 0)).toBe(3);
    expect([book.inSnapshot, book.inEvent, book.orderCount]).toEqual([false, false, 3]);
    expect(book.applyEvent(columns, 3)).toBe(4);
    expect(book.orderCount).toBe(4);
    expect(book.dataQuality().total).toBe(0);
  });

  it("replaces the book with a re-sent snapshot: orders not re-sent are dropped (reported), re-sent queues follow the snapshot", () => {
    const book = bookAfter([
      ...snapshot(true),
      add(13, "B", 4799, 1),
      add(14, "A", 4800.25, 1),
      // Next day's snapshot: 11 before 10 (the queue changed), 12 resized, 13 and 14 gone, 15 new.
      add(11, "B", 4799, 3, SNAP),
      add(10, "B", 4799, 2, SNAP),
      add(15, "B", 4798, 7, SNAP),
      add(12, "A", 4800, 1, SNAP),
      add(16, "B", 4797, 1),
    ]);
    expect(queue(book, B, 4799)).toEqual([[11, 3], [10, 2]]);
    expect(queue(book, A, 4800)).toEqual([[12, 1]]);
    expect(prices(book, B)).toEqual([4799, 4798, 4797]);
    expect(prices(book, A)).toEqual([4800]);
    const { counts, examples } = book.dataQuality();
    expect(counts.snapshotDroppedOrder).toBe(2);
    expect(counts.addExistingId).toBe(0);
    expect(examples.map((e) => [e.kind, e.orderId, e.priceNano / 1e9, e.size])).toEqual([
      ["snapshotDroppedOrder", "13", 4799, 1],
      ["snapshotDroppedOrder", "14", 4800.25, 1],
    ]);
  });

  it("reports an id sent twice within one snapshot, and drops nothing from a snapshot on an empty book", () => {
    const book = bookAfter([{ action: "R", flags: SNAP }, add(1, "B", 4799, 2, SNAP), add(1, "B", 4799, 3, SNAP | LAST)]);
    expect(queue(book, B, 4799)).toEqual([[1, 3]]);
    expect(book.dataQuality().counts).toMatchObject({ addExistingId: 1, snapshotDroppedOrder: 0 });
  });
});

describe("OrderBook: views", () => {
  const book = bookAfter([add(1, "B", 4800, 2), add(2, "B", 4800, 1), add(3, "B", 4799.5, 4), add(4, "A", 4800.25, 7), add(5, "B", 100, 1), add(6, "A", 5792.5, 2)]);

  it("writes the top N levels best first into caller arrays and pads missing levels", () => {
    const px = new Float64Array(8).fill(-1);
    const sz = new Uint32Array(8);
    const ct = new Uint32Array(8);
    expect(book.depth(B, 4, px, sz, ct, 2)).toBe(3);
    expect([...px]).toEqual([-1, -1, nano(4800), nano(4799.5), nano(100), Number.NaN, -1, -1]);
    expect([...sz]).toEqual([0, 0, 3, 4, 1, 0, 0, 0]);
    expect([...ct]).toEqual([0, 0, 2, 1, 1, 0, 0, 0]);
    expect(book.depth(A, 1, px, sz, ct)).toBe(1);
    expect([px[0], sz[0], ct[0]]).toEqual([nano(4800.25), 7, 1]);
    expect([book.levelCount(B), book.levelCount(A)]).toEqual([3, 2]);
  });

  it("reports an empty side as NaN price, size 0, count 0", () => {
    const empty = new OrderBook();
    expect([empty.bestPrice(A), empty.bestSize(A), empty.bestCount(A)]).toEqual([Number.NaN, 0, 0]);
    expect(() => empty.bestPrice(78 as typeof B)).toThrow(RangeError);
  });

  it("keeps orders far from the market and any price: no range cap", () => {
    const wide = bookAfter([add(1, "B", 100, 1), add(2, "A", 5792.5, 2), add(3, "B", 4800, 1), add(4, "B", -12.5, 1), add(5, "B", 0, 1), add(6, "A", 9_000_000, 1)]);
    expect(prices(wide, B)).toEqual([4800, 100, 0, -12.5]);
    expect(prices(wide, A)).toEqual([5792.5, 9_000_000]);
  });

  it("handles order ids over the whole u64 range", () => {
    const ids = [2n ** 64n - 1n, 2n ** 53n + 1n, 2n ** 53n, 2n ** 32n, 2n ** 31n, 6_412_777_162_812n];
    const book = new OrderBook();
    book.applyRange(mboColumns(ids.map((id, k) => ({ action: "A", id, side: "B", price: 4800, size: k + 1 }))));
    book.applyRange(mboColumns([{ action: "C", id: 2n ** 53n, side: "B", price: 4800, size: 3 }, { action: "C", id: 2n ** 64n - 2n, side: "B", price: 4800, size: 1 }]));
    expect(book.levels(B)[0].orders.map((o) => o.orderId)).toEqual(ids.filter((id) => id !== 2n ** 53n).map(String));
    expect(book.dataQuality().examples[0].orderId).toBe(String(2n ** 64n - 2n));
    const { hi, lo } = splitOrderId(2n ** 64n - 1n);
    expect(book.queueAhead(hi, lo)).toBe(0);
  });
});

describe("OrderBook: queue position", () => {
  it("gives the size ahead of a real order in its level", () => {
    const book = bookAfter([add(1, "B", 4800, 2), add(2, "B", 4800, 3), add(3, "B", 4800, 4), cancel(1, "B", 4800, 1)]);
    expect([book.queueAhead(0, 1), book.queueAhead(0, 2), book.queueAhead(0, 3), book.queueAhead(0, 9)]).toEqual([0, 1, 4, -1]);
  });

  it("counts for a simulated order only the real orders still ahead of it", () => {
    const book = bookAfter([add(1, "B", 4800, 2), add(2, "B", 4800, 3), add(3, "B", 4800, 4)]);
    const ours = book.queueClock(); // our order joins behind 1, 2, 3
    const ahead = () => book.sizeAhead(B, nano(4800), ours);
    expect(ahead()).toBe(9);
    book.applyRange(mboColumns([add(4, "B", 4800, 10)]));
    expect(ahead()).toBe(9); // later adds queue behind us
    book.applyRange(mboColumns([cancel(4, "B", 4800, 10)]));
    expect(ahead()).toBe(9); // a cancel behind us does not advance us
    book.applyRange(mboColumns([cancel(2, "B", 4800, 1)]));
    expect(ahead()).toBe(8); // a partial cancel ahead does
    book.applyRange(mboColumns([modify(3, "B", 4800, 1)]));
    expect(ahead()).toBe(5); // a size decrease ahead keeps that order ahead, smaller
    book.applyRange(mboColumns([modify(2, "B", 4800, 6)]));
    expect(ahead()).toBe(3); // a size increase ahead sends it behind us
    book.applyRange(mboColumns([
      { action: "T", side: "A", price: 4800, size: 2, flags: 0 },
      { action: "F", side: "B", price: 4800, size: 2, id: 1, flags: 0 },
      cancel(1, "B", 4800, 2),
    ]));
    expect(ahead()).toBe(1); // the fill of the front order, through its cancel
    expect(book.sizeAhead(B, nano(4799), ours)).toBe(0);
  });
});

describe("OrderBook: data-quality log", () => {
  it("counts every anomaly but keeps only the first N examples; a foreign instrument or MAYBE_BAD_BOOK is reported", () => {
    const records: MboLiteral[] = Array.from({ length: 30 }, (_, k) => cancel(k, "B", 4800, 1));
    records.push({ ...add(1, "B", 4800, 1), instrumentId: 99 }, { ...add(2, "B", 4800, 1), flags: LAST | MAYBE_BAD_BOOK });
    const book = bookAfter(records, { maxDataQualityExamples: 5 });
    const report = book.dataQuality();
    expect(report.total).toBe(32);
    expect(report.counts).toMatchObject({ cancelUnknownId: 30, foreignInstrument: 1, maybeBadBook: 1 });
    expect(report.examples).toHaveLength(5);
    expect(book.orderCount).toBe(1);
    expect(book.recordCount).toBe(32);
  });
});
