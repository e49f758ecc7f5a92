/**
 * MBP-10 (market by price, top N levels) derived from MBO: MBO records are replayed through an
 * OrderBook and one MBP row is emitted per completed event whose visible top N (price, size, count
 * of each level on both sides) differs from the last emitted row (DOMAIN.md section 5). States are
 * compared, not deltas: an event that adds and removes the same size emits nothing; a change below
 * level N emits nothing. The book's per-side `topVersion` is only a pre-filter: a side whose
 * version did not move is not re-read (it is copied from the previous row) nor compared.
 *
 * Event boundaries are the book's: after a record with LAST, and before the live record that closes
 * a snapshot sent without a final LAST. Row i holds the book after the batch's records before
 * recordEnd[i] (and all earlier batches); its times and sequence are those of record recordEnd[i] - 1 (of record 0 when
 * a snapshot carried over from the previous batch is closed by record 0).
 *
 * Output: MbpColumns, row-major levels (row r level k at r * depth + k, level 0 best), empty levels
 * as price NaN, size 0, count 0. Sizes are u32 like DBN MBP-10 (a level above 2^32 - 1 contracts
 * would wrap; not a real-world concern). `replay` streams into a fixed-capacity output and stops
 * when it is full, so a long day never holds all rows in memory.
 */
import { SIDE, type MboColumns } from "../market/mbo-columns";
import { OrderBook, type OrderBookOptions } from "./order-book";

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

export class MbpFromMbo {
  readonly book: OrderBook;
  readonly depth: number;
  /** Row 0: the last emitted state, for when the output is flushed between calls. */
  private readonly last: MbpColumns;
  private seenBid: number;
  private seenAsk: number;

  constructor(depth = 10, bookOptions: OrderBookOptions = {}) {
    this.depth = depth;
    this.book = new OrderBook({ ...bookOptions, watchDepth: depth });
    this.last = allocateMbpColumns(1, depth);
    this.last.bidPx.fill(Number.NaN);
    this.last.askPx.fill(Number.NaN);
    this.seenBid = this.book.topVersion(SIDE.BID);
    this.seenAsk = this.book.topVersion(SIDE.ASK);
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
    while (i < to && out.length < capacity) {
      i = book.applyEvent(columns, i, to);
      if (book.inEvent) continue;
      const bid = book.topVersion(SIDE.BID);
      const ask = book.topVersion(SIDE.ASK);
      if (bid === this.seenBid && ask === this.seenAsk) continue;
      if (this.writeCandidate(out, bid !== this.seenBid, ask !== this.seenAsk)) this.commit(columns, out, i);
      this.seenBid = bid;
      this.seenAsk = ask;
    }
    if (out.length > 0) copyRow(out, out.length - 1, this.last, 0, this.depth);
    return i;
  }

  /**
   * Writes the current top N into the free row `out.length` (re-reading only the sides whose
   * version moved, copying the others from the previous row) and tells whether it differs from the
   * previous row. An uncommitted candidate is simply overwritten by the next one.
   */
  private writeCandidate(out: MbpColumns, bidMoved: boolean, askMoved: boolean): boolean {
    const depth = this.depth;
    const row = out.length;
    const at = row * depth;
    const prev = row > 0 ? out : this.last;
    const prevAt = row > 0 ? at - depth : 0;
    let changed = false;
    if (bidMoved) {
      this.book.depth(SIDE.BID, depth, out.bidPx, out.bidSz, out.bidCt, at);
      changed = differs(out.bidPx, out.bidSz, out.bidCt, at, prev.bidPx, prev.bidSz, prev.bidCt, prevAt, depth);
    }
    if (askMoved) {
      this.book.depth(SIDE.ASK, depth, out.askPx, out.askSz, out.askCt, at);
      changed = changed || differs(out.askPx, out.askSz, out.askCt, at, prev.askPx, prev.askSz, prev.askCt, prevAt, depth);
    }
    if (!changed) return false;
    if (!bidMoved) copyLevels(prev.bidPx, prev.bidSz, prev.bidCt, prevAt, out.bidPx, out.bidSz, out.bidCt, at, depth);
    if (!askMoved) copyLevels(prev.askPx, prev.askSz, prev.askCt, prevAt, out.askPx, out.askSz, out.askCt, at, depth);
    return true;
  }

  private commit(columns: MboColumns, out: MbpColumns, end: number): void {
    const row = out.length;
    const source = end > 0 ? end - 1 : 0;
    out.tsRecvOffsetNs[row] = columns.tsRecvOffsetNs[source];
    out.tsEventDeltaNs[row] = columns.tsEventDeltaNs[source];
    out.sequence[row] = columns.sequence[source];
    out.recordEnd[row] = end;
    out.length = row + 1;
  }
}

/** Empty levels have count 0; prices and sizes are compared only for present levels (NaN-safe). */
function differs(px: Float64Array, sz: Uint32Array, ct: Uint32Array, at: number, prevPx: Float64Array, prevSz: Uint32Array, prevCt: Uint32Array, prevAt: number, depth: number): boolean {
  for (let k = 0; k < depth; k++) {
    const count = ct[at + k];
    if (count !== prevCt[prevAt + k]) return true;
    if (count !== 0 && (px[at + k] !== prevPx[prevAt + k] || sz[at + k] !== prevSz[prevAt + k])) return true;
  }
  return false;
}

function copyLevels(px: Float64Array, sz: Uint32Array, ct: Uint32Array, at: number, toPx: Float64Array, toSz: Uint32Array, toCt: Uint32Array, toAt: number, depth: number): void {
  for (let k = 0; k < depth; k++) {
    toPx[toAt + k] = px[at + k];
    toSz[toAt + k] = sz[at + k];
    toCt[toAt + k] = ct[at + k];
  }
}

function copyRow(from: MbpColumns, row: number, to: MbpColumns, toRow: number, depth: number): void {
  copyLevels(from.bidPx, from.bidSz, from.bidCt, row * depth, to.bidPx, to.bidSz, to.bidCt, toRow * depth, depth);
  copyLevels(from.askPx, from.askSz, from.askCt, row * depth, to.askPx, to.askSz, to.askCt, toRow * depth, depth);
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
