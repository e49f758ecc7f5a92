/**
 * MBP-10 (market by price, top N levels) derived from MBO: MBO records are replayed through an
 * OrderBook and one MBP row is emitted per completed event whose visible top N (price, size, count
 * of each level on both sides) differs from the last emitted row (DOMAIN.md section 5). States are
 * compared, not deltas: an event that adds and removes the same size emits nothing; a change below
 * level N emits nothing. The book's `topVersion` is only a pre-filter that skips the comparison
 * when no change touched the top N.
 *
 * Event boundaries are the book's: after a record with LAST, and before the live record that closes
 * a snapshot sent without a final LAST. Row i holds the book after applying the batch's records
 * [0, recordEnd[i]); its times and sequence are those of record recordEnd[i] - 1 (of record 0 when
 * a snapshot carried over from the previous batch is closed by record 0).
 *
 * Output: MbpColumns, row-major levels (row r level k at r * depth + k, level 0 best), empty levels
 * as price NaN, size 0, count 0. Sizes are u32 like DBN MBP-10 (a level above 2^32 - 1 contracts
 * would wrap; not a real-world concern). `replay` streams into a fixed-capacity output and stops
 * when it is full, so a long day never holds all rows in memory.
 */
import type { MboColumns } from "../market/mbo-columns";
import { OrderBook, type OrderBookOptions } from "./order-book";
import { SIDE } from "../market/mbo-columns";

export interface MbpColumns {
  length: number;
  readonly depth: number;
  /** Origin of the time offsets; set from the input batch when a replay starts on an empty output. */
  baseNs: bigint;
  tsRecvOffsetNs: Float64Array;
  tsEventDeltaNs: Float64Array;
  sequence: Uint32Array;
  /** Exclusive end, in the input batch, of the records included in the row's book state. */
  recordEnd: Uint32Array;
  bidPx: Float64Array;
  askPx: Float64Array;
  bidSz: Uint32Array;
  askSz: Uint32Array;
  bidCt: Uint32Array;
  askCt: Uint32Array;
}

export function allocateMbpColumns(capacity: number, depth = 10, baseNs = 0n): MbpColumns {
  const cells = capacity * depth;
  return {
    length: 0,
    depth,
    baseNs,
    tsRecvOffsetNs: new Float64Array(capacity),
    tsEventDeltaNs: new Float64Array(capacity),
    sequence: new Uint32Array(capacity),
    recordEnd: new Uint32Array(capacity),
    bidPx: new Float64Array(cells),
    askPx: new Float64Array(cells),
    bidSz: new Uint32Array(cells),
    askSz: new Uint32Array(cells),
    bidCt: new Uint32Array(cells),
    askCt: new Uint32Array(cells),
  };
}

/** One side's top N: price, size, count per level, best first. */
class TopLevels {
  readonly px: Float64Array;
  readonly sz: Uint32Array;
  readonly ct: Uint32Array;
  constructor(depth: number) {
    this.px = new Float64Array(depth).fill(Number.NaN);
    this.sz = new Uint32Array(depth);
    this.ct = new Uint32Array(depth);
  }
}

export class MbpFromMbo {
  readonly book: OrderBook;
  readonly depth: number;
  // The candidate state and the last emitted one (kept here: the output may be flushed between
  // calls); swapped on emission, so comparing happens in small arrays and only emitted rows are
  // written to the output.
  private bids: TopLevels;
  private asks: TopLevels;
  private lastBids: TopLevels;
  private lastAsks: TopLevels;
  private seenVersion: number;

  constructor(depth = 10, bookOptions: OrderBookOptions = {}) {
    this.depth = depth;
    this.book = new OrderBook({ ...bookOptions, watchDepth: depth });
    this.bids = new TopLevels(depth);
    this.asks = new TopLevels(depth);
    this.lastBids = new TopLevels(depth);
    this.lastAsks = new TopLevels(depth);
    this.seenVersion = this.book.topVersion;
  }

  /**
   * Replays records [from, to) and appends a row to `out` for every event boundary where the top N
   * changed. Returns the index of the next record to replay: `to`, or less when `out` filled up
   * (flush it, reset `out.length = 0` and call again from there).
   */
  replay(columns: MboColumns, out: MbpColumns, from = 0, to = columns.length): number {
    if (out.depth !== this.depth) throw new RangeError(`Output depth ${out.depth} differs from the extractor's ${this.depth}`);
    if (out.length === 0) out.baseNs = columns.baseNs;
    else if (out.baseNs !== columns.baseNs) throw new RangeError("Output rows already hold another batch's times: flush it first");
    const capacity = out.recordEnd.length;
    const book = this.book;
    let i = from;
    while (i < to) {
      if (out.length === capacity) return i;
      i = book.applyEvent(columns, i, to);
      if (!book.inEvent && book.topVersion !== this.seenVersion) {
        this.seenVersion = book.topVersion;
        if (this.topChanged()) this.emit(columns, out, i);
      }
    }
    return i;
  }

  /** Reads the book's top N into the candidate state and compares it with the last emitted one. */
  private topChanged(): boolean {
    const { bids, asks, lastBids, lastAsks, depth } = this;
    this.book.depth(SIDE.BID, depth, bids.px, bids.sz, bids.ct);
    this.book.depth(SIDE.ASK, depth, asks.px, asks.sz, asks.ct);
    return differs(bids, lastBids, depth) || differs(asks, lastAsks, depth);
  }

  private emit(columns: MboColumns, out: MbpColumns, end: number): void {
    [this.bids, this.lastBids] = [this.lastBids, this.bids];
    [this.asks, this.lastAsks] = [this.lastAsks, this.asks];
    const { lastBids: bids, lastAsks: asks, depth } = this;
    const row = out.length;
    const offset = row * depth;
    for (let k = 0; k < depth; k++) {
      out.bidPx[offset + k] = bids.px[k];
      out.bidSz[offset + k] = bids.sz[k];
      out.bidCt[offset + k] = bids.ct[k];
      out.askPx[offset + k] = asks.px[k];
      out.askSz[offset + k] = asks.sz[k];
      out.askCt[offset + k] = asks.ct[k];
    }
    const source = end > 0 ? end - 1 : 0;
    out.tsRecvOffsetNs[row] = columns.tsRecvOffsetNs[source];
    out.tsEventDeltaNs[row] = columns.tsEventDeltaNs[source];
    out.sequence[row] = columns.sequence[source];
    out.recordEnd[row] = end;
    out.length = row + 1;
  }
}

/** Empty levels have count 0; prices and sizes are compared only for present levels (NaN-safe). */
function differs(a: TopLevels, b: TopLevels, depth: number): boolean {
  for (let k = 0; k < depth; k++) {
    const count = a.ct[k];
    if (count !== b.ct[k]) return true;
    if (count !== 0 && (a.px[k] !== b.px[k] || a.sz[k] !== b.sz[k])) return true;
  }
  return false;
}

/** Convenience for tests and small batches: every row of one batch in one growing output. */
export function mbpFromMbo(columns: MboColumns, depth = 10, bookOptions: OrderBookOptions = {}): { mbp: MbpColumns; book: OrderBook } {
  const extractor = new MbpFromMbo(depth, bookOptions);
  let out = allocateMbpColumns(Math.max(16, columns.length >>> 3), depth, columns.baseNs);
  let i = 0;
  while ((i = extractor.replay(columns, out, i)) < columns.length) out = grownMbp(out);
  return { mbp: out, book: extractor.book };
}

function grownMbp(out: MbpColumns): MbpColumns {
  const bigger = allocateMbpColumns(out.recordEnd.length * 2, out.depth, out.baseNs);
  for (const key of ["tsRecvOffsetNs", "tsEventDeltaNs", "sequence", "recordEnd", "bidPx", "askPx", "bidSz", "askSz", "bidCt", "askCt"] as const) {
    (bigger[key] as Float64Array | Uint32Array).set(out[key]);
  }
  bigger.length = out.length;
  return bigger;
}
