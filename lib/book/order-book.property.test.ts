import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MBO_FLAG, SIDE, type MboColumns } from "../market/mbo-columns";
import { DATA_QUALITY_KINDS } from "./data-quality";
import { OrderBook } from "./order-book";
import { mboColumns, type MboLiteral } from "./test-support/mbo-records";
import { ReferenceBook } from "./test-support/reference-book";
import { generateSyntheticMbo } from "./test-support/synthetic-mbo";

const { LAST, SNAPSHOT, MAYBE_BAD_BOOK } = MBO_FLAG;

/** A small id universe (so re-adds, cancels and modifies hit resting orders), across the u64 range. */
const IDS = [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 6_412_777_162_812n, 2n ** 31n, 2n ** 32n + 5n, 2n ** 53n + 1n, 2n ** 63n, 2n ** 64n - 1n];

const side = fc.constantFrom<"B" | "A" | "N">("B", "B", "B", "A", "A", "A", "N");
/** Ticks around 4800: few levels, long queues, crossed books allowed. */
const price = fc.oneof({ weight: 30, arbitrary: fc.integer({ min: -4, max: 4 }).map((t) => 4800 + t * 0.25) }, { weight: 1, arbitrary: fc.constant(undefined) });
const orderRecord = fc.record({
  action: fc.constantFrom("A", "A", "A", "C", "C", "M", "M", "T", "F", "N"),
  id: fc.constantFrom(...IDS),
  side,
  price,
  size: fc.oneof({ weight: 12, arbitrary: fc.integer({ min: 1, max: 6 }) }, { weight: 1, arbitrary: fc.constant(0) }),
  flags: fc.oneof({ weight: 6, arbitrary: fc.constant(LAST) }, { weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constant(LAST | MAYBE_BAD_BOOK) }),
});
const rare = fc.constantFrom<MboLiteral>({ action: "R", flags: LAST }, { action: "R", flags: 0 }, { action: "X", flags: LAST }, { action: "A", id: 1n, side: "B", price: 4800, size: 1, instrumentId: 7 });
const snapshot = fc
  .tuple(fc.array(fc.record({ id: fc.constantFrom(...IDS), side: fc.constantFrom<"B" | "A">("B", "A"), price: fc.integer({ min: -4, max: 4 }), size: fc.integer({ min: 1, max: 6 }) }), { minLength: 1, maxLength: 8 }), fc.boolean())
  .map(([orders, closedByLast]) =>
    orders.map((o, k): MboLiteral => ({ action: "A", id: o.id, side: o.side, price: 4800 + o.price * 0.25, size: o.size, flags: SNAPSHOT | (closedByLast && k === orders.length - 1 ? LAST : 0) })),
  );
const stream = fc
  .array(fc.oneof({ weight: 40, arbitrary: orderRecord.map((r) => [r as MboLiteral]) }, { weight: 2, arbitrary: rare.map((r) => [r]) }, { weight: 3, arbitrary: snapshot }), { maxLength: 120 })
  .map((chunks) => mboColumns(chunks.flat()));

function expectSameBook(book: OrderBook, ref: ReferenceBook, context: string): void {
  for (const [s, name] of [[SIDE.BID, "B"], [SIDE.ASK, "A"]] as const) {
    const actual = book.levels(s).map((l) => ({ priceNano: l.priceNano, size: l.size, count: l.count, orders: l.orders.map((o) => ({ orderId: o.orderId, size: o.size, priority: o.priority })) }));
    expect(actual, `${name} side ${context}`).toEqual(ref.levels(name));
  }
  expect(book.orderCount).toBe(ref.orderCount);
}

/**
 * Replays record by record the way a boundary-driven consumer does (applyEvent, which stops before a
 * live record that closes a snapshot); checks the invariants after every record and compares the
 * full depth with the reference at every boundary. Returns the boundaries seen.
 */
function replayAgainstReference(columns: MboColumns, everyNthBoundary = 1): number {
  const book = new OrderBook();
  const ref = new ReferenceBook();
  let boundaries = 0;
  let simulated: { side: "B" | "A"; priceNano: number; priority: number } | null = null;
  for (let i = 0; i < columns.length; ) {
    const next = book.applyEvent(columns, i, i + 1);
    if (next === i) ref.endSnapshot();
    else ref.applyRecord(columns, i);
    i = next;
    if (everyNthBoundary === 1) book.checkInvariants();
    expect(book.inEvent).toBe(ref.inEvent);
    expect(book.inSnapshot).toBe(ref.inSnapshot);
    if (book.inEvent) continue;
    boundaries++;
    if (boundaries % everyNthBoundary !== 0) continue;
    if (everyNthBoundary !== 1) book.checkInvariants();
    expectSameBook(book, ref, `after record ${i - 1}`);
    expect(book.queueClock()).toBe(ref.queueClock);
    // A simulated order joins the best bid (or 4800) at this boundary and is followed from then on.
    if (simulated === null) simulated = { side: "B", priceNano: book.bestPrice(SIDE.BID) || 4_800e9, priority: book.queueClock() };
    const s = simulated.side === "B" ? SIDE.BID : SIDE.ASK;
    expect(book.sizeAhead(s, simulated.priceNano, simulated.priority)).toBe(ref.sizeAhead(simulated.side, simulated.priceNano, simulated.priority));
  }
  const report = book.dataQuality();
  for (const kind of DATA_QUALITY_KINDS) expect(report.counts[kind], kind).toBe(ref.dq.get(kind) ?? 0);
  return boundaries;
}

describe("OrderBook against a naive reference book", () => {
  it("keeps its invariants after every record (sizes > 0, level totals and counts = their orders, FIFO stamps) and equals the reference at every event boundary, inconsistent input included", () => {
    fc.assert(
      fc.property(stream, (columns) => {
        replayAgainstReference(columns);
      }),
      { numRuns: 1000 },
    );
  });

  it("never reports or throws on a long valid CME-like stream, and equals the reference throughout", () => {
    const columns = generateSyntheticMbo({ records: 60_000, seed: 3, targetOrders: 600 });
    const boundaries = replayAgainstReference(columns, 97);
    expect(boundaries).toBeGreaterThan(30_000);
    const book = new OrderBook();
    book.applyRange(columns);
    expect(book.dataQuality().total).toBe(0);
    book.checkInvariants();
  });

  it("gives the same book whether a batch is applied at once, event by event, or split anywhere", () => {
    fc.assert(
      fc.property(stream, fc.nat(), (columns, cut) => {
        const whole = new OrderBook();
        whole.applyRange(columns);
        const split = new OrderBook();
        const at = columns.length === 0 ? 0 : cut % columns.length;
        split.applyRange(columns, 0, at);
        for (let i = at; i < columns.length; ) i = split.applyEvent(columns, i);
        for (const s of [SIDE.BID, SIDE.ASK] as const) expect(split.levels(s)).toEqual(whole.levels(s));
        expect(split.dataQuality()).toEqual(whole.dataQuality());
        expect(split.inEvent).toBe(whole.inEvent);
      }),
      { numRuns: 200 },
    );
  });
});
