import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MBO_FLAG, type MboColumns } from "../market/mbo-columns";
import { allocateMbpColumns, mbpFromMbo, MbpFromMbo, type MbpColumns } from "./mbp-from-mbo";
import { mboColumns, type MboLiteral } from "./test-support/mbo-records";
import { ReferenceBook } from "./test-support/reference-book";
import { generateSyntheticMbo } from "./test-support/synthetic-mbo";

const { LAST, SNAPSHOT } = MBO_FLAG;

type Level = [price: number, size: number, count: number];
interface Row {
  recordEnd: number;
  bids: Level[];
  asks: Level[];
}

/** Rows as objects, present levels only, prices in index points. */
function rows(mbp: MbpColumns): Row[] {
  const out: Row[] = [];
  for (let r = 0; r < mbp.length; r++) {
    const side = (px: Float64Array, sz: Uint32Array, ct: Uint32Array): Level[] => {
      const levels: Level[] = [];
      for (let k = 0; k < mbp.depth; k++) {
        const i = r * mbp.depth + k;
        if (ct[i] === 0) {
          expect([px[i], sz[i]]).toEqual([Number.NaN, 0]);
          continue;
        }
        levels.push([px[i] / 1e9, sz[i], ct[i]]);
      }
      return levels;
    };
    out.push({ recordEnd: mbp.recordEnd[r], bids: side(mbp.bidPx, mbp.bidSz, mbp.bidCt), asks: side(mbp.askPx, mbp.askSz, mbp.askCt) });
  }
  return out;
}

const add = (id: number, side: "B" | "A", price: number, size: number, flags: number = LAST): MboLiteral => ({ action: "A", id, side, price, size, flags });
const cancel = (id: number, side: "B" | "A", price: number, size: number, flags: number = LAST): MboLiteral => ({ action: "C", id, side, price, size, flags });

describe("mbpFromMbo", () => {
  it("emits one row per completed event that changes the visible top N, with the closing record's times", () => {
    const columns = mboColumns([
      add(1, "B", 4800, 2), // row: bid 4800 x2
      add(2, "A", 4800.25, 3, 0), // inside an event: no row yet
      add(3, "A", 4800.5, 1), // row: both asks
      add(4, "B", 4799.75, 5, 0),
      cancel(4, "B", 4799.75, 5), // event that restores the state: no row
      { action: "T", side: "B", price: 4800.25, size: 1, flags: 0 },
      { action: "F", side: "A", price: 4800.25, size: 1, id: 2, flags: 0 },
      cancel(2, "A", 4800.25, 1), // row: ask 4800.25 x2
      { action: "N", side: "N" }, // no change: no row
      add(5, "B", 4799.5, 1), // row: 2 levels deep
    ]);
    const { mbp } = mbpFromMbo(columns, 3);
    expect(rows(mbp)).toEqual([
      { recordEnd: 1, bids: [[4800, 2, 1]], asks: [] },
      { recordEnd: 3, bids: [[4800, 2, 1]], asks: [[4800.25, 3, 1], [4800.5, 1, 1]] },
      { recordEnd: 8, bids: [[4800, 2, 1]], asks: [[4800.25, 2, 1], [4800.5, 1, 1]] },
      { recordEnd: 10, bids: [[4800, 2, 1], [4799.5, 1, 1]], asks: [[4800.25, 2, 1], [4800.5, 1, 1]] },
    ]);
    expect([...mbp.tsRecvOffsetNs.subarray(0, 4)]).toEqual([0, 2000, 7000, 9000]);
    expect([...mbp.sequence.subarray(0, 4)]).toEqual([1, 3, 8, 10]);
    expect(mbp.baseNs).toBe(columns.baseNs);
  });

  it("emits nothing for a change below the top N", () => {
    const columns = mboColumns([add(1, "B", 4800, 1), add(2, "B", 4799, 1), add(3, "B", 4798, 1), add(4, "B", 4798, 2), cancel(3, "B", 4798, 1), add(5, "B", 4799.5, 1)]);
    expect(rows(mbpFromMbo(columns, 2).mbp).map((r) => r.recordEnd)).toEqual([1, 2, 6]);
  });

  it("emits the state of a snapshot closed by the first live record, before that record", () => {
    const columns = mboColumns([add(1, "B", 4800, 2, SNAPSHOT), add(2, "A", 4801, 1, SNAPSHOT), add(3, "B", 4800, 1)]);
    expect(rows(mbpFromMbo(columns, 1).mbp)).toEqual([
      { recordEnd: 2, bids: [[4800, 2, 1]], asks: [[4801, 1, 1]] },
      { recordEnd: 3, bids: [[4800, 3, 2]], asks: [[4801, 1, 1]] },
    ]);
  });

  it("streams into a small output: stops when full and resumes where it stopped, with the same rows", () => {
    const columns = generateSyntheticMbo({ records: 5_000, seed: 11, targetOrders: 300 });
    const whole = rows(mbpFromMbo(columns).mbp);
    const extractor = new MbpFromMbo(10);
    const out = allocateMbpColumns(7, 10);
    const streamed: Row[] = [];
    for (let i = 0; i < columns.length; ) {
      out.length = 0;
      i = extractor.replay(columns, out, i);
      expect(out.length).toBeLessThanOrEqual(7);
      streamed.push(...rows(out));
    }
    expect(streamed).toEqual(whole);
    expect(whole.length).toBeGreaterThan(1_000);
  });

  it("refuses an output of another depth or holding another batch's rows", () => {
    const columns = mboColumns([add(1, "B", 4800, 2)]);
    const extractor = new MbpFromMbo(10);
    expect(() => extractor.replay(columns, allocateMbpColumns(4, 5))).toThrow(RangeError);
    const out = allocateMbpColumns(4, 10);
    extractor.replay(columns, out);
    expect(() => extractor.replay(mboColumns([add(2, "B", 4800, 2)], 5n), out)).toThrow(RangeError);
  });
});

/** The naive extractor: top N from the reference book at every boundary, kept when it differs. */
function naiveRows(columns: MboColumns, depth: number): Row[] {
  const ref = new ReferenceBook();
  const out: Row[] = [];
  let last = JSON.stringify({ bids: [], asks: [] });
  const boundary = (end: number) => {
    const top = (s: "B" | "A"): Level[] => ref.levels(s).slice(0, depth).map((l): Level => [l.priceNano / 1e9, l.size, l.count]);
    const state = { bids: top("B"), asks: top("A") };
    const key = JSON.stringify(state);
    if (key !== last) out.push({ recordEnd: end, ...state });
    last = key;
  };
  for (let i = 0; i < columns.length; i++) {
    if (ref.inSnapshot && !(columns.flags[i] & SNAPSHOT)) {
      ref.endSnapshot();
      boundary(i);
    }
    ref.applyRecord(columns, i);
    if (!ref.inEvent) boundary(i + 1);
  }
  return out;
}

describe("mbpFromMbo against the naive extractor", () => {
  const record = fc.record({
    action: fc.constantFrom("A", "A", "A", "C", "C", "M", "T", "R"),
    id: fc.integer({ min: 1, max: 12 }),
    side: fc.constantFrom<"B" | "A">("B", "A"),
    tick: fc.integer({ min: -6, max: 6 }),
    size: fc.integer({ min: 1, max: 4 }),
    flags: fc.constantFrom(LAST, LAST, 0, SNAPSHOT, SNAPSHOT | LAST),
  });

  it("emits exactly the rows of a state comparison at every boundary", () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 150 }), fc.integer({ min: 1, max: 4 }), (records, depth) => {
        const columns = mboColumns(records.map((r) => ({ ...r, price: 4800 + r.tick * 0.25 })));
        expect(rows(mbpFromMbo(columns, depth).mbp)).toEqual(naiveRows(columns, depth));
      }),
      { numRuns: 300 },
    );
  });

  it("matches on a CME-like stream", () => {
    const columns = generateSyntheticMbo({ records: 4_000, seed: 5, targetOrders: 400 });
    expect(rows(mbpFromMbo(columns, 10).mbp)).toEqual(naiveRows(columns, 10));
  });
});
