/**
 * The depth feed: a dataset's MBP-10 records (depth-columns.ts, trades included as their T
 * records) turned into one stream of synthetic MBO records, so the ONE book engine
 * (lib/engine/book/book-engine.ts) runs `l2-queue` (every queue model) and `l1-quotes` on MBP-10
 * data with the order handling, queue rules, market-order walking, accounting and results it has
 * on MBO data (as quote-feed.ts does for the top of book).
 *
 * The synthetic book holds ONE order per displayed price level, its size the level's size:
 *   a price that appears among a side's ten levels      A (add) of an order at it,
 *   a displayed level whose size changed                M (modify) to the new size,
 *   a price that left the ten levels (or went empty)    C (cancel) of its order,
 * found by comparing each record's levels with the book's (states, not the record's action, so a
 * level pushed out beyond the tenth by a better one is cancelled, and comes back as an add). The
 * order of a level has the id (hi 1 = bid / 2 = ask, lo = price in ticks as u32): unique while it
 * rests. A record whose action is T (with a price and a size) adds a T record after its level
 * changes: price, size, aggressor side; it leaves the book alone, as on MBO.
 *
 * Events: the records of one source event (Databento's: up to the record with the LAST flag, e.g.
 * a trade and the level changes of the orders it filled) make one book event, whose last synthetic
 * record carries LAST. So a trade and the level decrease it caused meet at one boundary, exactly as
 * on MBO, and the l2 queue estimate does not count that decrease as a cancel. Every source record
 * yields at least one synthetic record at its own receive time (an N record when nothing changed),
 * so a book event starts and ends when its source event does (CME's events span several receive
 * times: the trade summary arrives before the order updates). An event still open at the end of
 * the data is closed there.
 *
 * Counting: a batch's `events` are the book events it holds (its LAST records), which is what the
 * engine counts with `eventUnit: "event"`; `records` the source records consumed.
 *
 * Limits: order counts per level are not replayed (the book shows one order per level); depth
 * beyond the ten levels is unknown, so one of our resting orders at a price that leaves the ten
 * levels sees its level as empty (l2: nothing ahead) until the price comes back, and a market
 * order walks the ten displayed levels at most; `l3-fifo` needs real order ids (MBO) and is refused
 * by the caller (lib/runs/backtest-replay.ts).
 */
import { ACTION, MBO_FLAG, SIDE, allocateMboColumns, type MboColumns } from "../../market/mbo-columns";
import { DEPTH_LEVELS, type DepthColumns } from "./depth-columns";

export interface DepthFeedBatch {
  /** Synthetic MBO records (times exact offsets from `columns.baseNs`), cut at event boundaries. */
  readonly columns: MboColumns;
  /** Book events in the batch (its LAST records). */
  readonly events: number;
  /** Source MBP-10 records consumed into the batch. */
  readonly records: number;
}

/** Largest time offset inside one output batch before it is cut and re-based (exact far below 2^53). */
const MAX_OFFSET_NS = 2 ** 50;
const BID_ID = 1;
const ASK_ID = 2;
const TRADE = 84; // "T"
const { LAST } = MBO_FLAG;

/** The displayed levels of one side of the synthetic book, best first. */
class SideLevels {
  readonly priceTicks = new Float64Array(DEPTH_LEVELS);
  readonly size = new Float64Array(DEPTH_LEVELS);
  length = 0;
  /** Scratch: the next record's present levels. */
  readonly nextPrice = new Float64Array(DEPTH_LEVELS);
  readonly nextSize = new Float64Array(DEPTH_LEVELS);
}

/**
 * Turns MBP-10 batches into `DepthFeedBatch`es: `push` each batch in file order, take the full
 * batches with `takeReady`, and `end` once at the end of the data (what is left, the last batch partial).
 */
export class DepthFeed {
  private out: MboColumns;
  private events = 0;
  private records = 0;
  private readonly ready: DepthFeedBatch[] = [];
  private readonly bids = new SideLevels();
  private readonly asks = new SideLevels();
  /** A source event is in progress (records seen since the last LAST). */
  private open = false;
  /** Synthetic records emitted for the current source record. */
  private emitted = 0;
  /** Receive time (offset in the output batch) and ts_event delta of the current source record. */
  private ts = 0;
  private ev = 0;
  /** Offset of the pushed batch's origin from the output batch's. */
  private shift = 0;

  constructor(
    /** Tick size in 1e-9 units (the MBO price unit). */
    private readonly tickNano: number,
    /** Book events per output batch. */
    private readonly maxEvents = 65_536,
  ) {
    if (!(maxEvents >= 1)) throw new RangeError("maxEvents must be >= 1");
    this.out = allocateMboColumns(Math.min(maxEvents, 65_536) * 2 + 64, 0n);
  }

  /** Appends the synthetic records of every record of `c`; full batches wait in `takeReady()`. */
  push(c: DepthColumns): void {
    if (c.length === 0) return;
    this.shift = Number(c.baseNs - this.out.baseNs);
    const ts = c.tsRecvOffsetNs;
    for (let i = 0; i < c.length; i++) {
      if (!this.open) {
        // A new event: re-base an empty batch on it, or cut a batch whose offsets grow too large.
        if (this.out.length > 0 && ts[i] + this.shift > MAX_OFFSET_NS) this.cut();
        if (this.out.length === 0) {
          this.out.baseNs = c.baseNs + BigInt(ts[i]);
          this.shift = -ts[i];
        }
        this.open = true;
      }
      this.ts = ts[i] + this.shift;
      this.ev = c.tsEventDeltaNs[i];
      this.emitted = 0;
      const row = i * DEPTH_LEVELS;
      this.side(c.bidTicks, c.bidSize, row, this.bids, SIDE.BID, BID_ID, 1);
      this.side(c.askTicks, c.askSize, row, this.asks, SIDE.ASK, ASK_ID, -1);
      const px = c.priceTicks[i];
      if (c.action[i] === TRADE && px === px && c.size[i] > 0) {
        this.record(ACTION.TRADE, c.side[i], 0, 0, px * this.tickNano, c.size[i]);
      }
      if (this.emitted === 0) this.record(ACTION.NONE, SIDE.NONE, 0, 0, Number.NaN, 0);
      this.records++;
      if ((c.flags[i] & LAST) !== 0) this.close();
    }
  }

  /** The full batches so far (ownership passes to the caller). */
  takeReady(): DepthFeedBatch[] {
    return this.ready.splice(0, this.ready.length);
  }

  /** Closes an open event and returns the batches not taken yet (the last one partial); the feed is done. */
  end(): DepthFeedBatch[] {
    if (this.open) this.close();
    this.cut();
    return this.takeReady();
  }

  /** Ends the open event: LAST on its last record (every source record made one at least). */
  private close(): void {
    this.out.flags[this.out.length - 1] = LAST;
    this.open = false;
    this.events++;
    if (this.events >= this.maxEvents) this.cut();
  }

  /** Moves the output batch (ending at an event boundary) to `ready` and starts a new one. */
  private cut(): void {
    if (this.out.length > 0) {
      this.ready.push({ columns: this.out, events: this.events, records: this.records });
      const base = this.out.baseNs;
      this.out = allocateMboColumns(Math.min(this.maxEvents, 65_536) * 2 + 64, base);
    }
    this.events = 0;
    this.records = 0;
    this.out.length = 0;
  }

  /**
   * Brings one side of the synthetic book to record `row`'s levels: a merge of the two best-first
   * lists (`direction` 1 = bids, higher is better; -1 = asks), emitting C / A / M records.
   */
  private side(px: Float64Array, sz: Uint32Array, row: number, book: SideLevels, side: number, idHi: number, direction: number): void {
    const curPx = book.priceTicks;
    const curSz = book.size;
    const m = book.length;
    const nextPx = book.nextPrice;
    const nextSz = book.nextSize;
    // One pass: the record's present levels, and whether they differ from the book's.
    let n = 0;
    let changed = false;
    for (let k = 0; k < DEPTH_LEVELS; k++) {
      const s = sz[row + k];
      if (s === 0) continue;
      const p = px[row + k];
      if (p !== p) continue;
      if (!changed && (n >= m || curPx[n] !== p || curSz[n] !== s)) changed = true;
      nextPx[n] = p;
      nextSz[n++] = s;
    }
    // Most records change one level of the other side.
    if (!changed && n === m) return;
    // The same prices: sizes modified in place (no level appears or leaves).
    if (n === m) {
      let prices = true;
      for (let k = 0; k < n; k++) {
        if (curPx[k] !== nextPx[k]) {
          prices = false;
          break;
        }
      }
      if (prices) {
        for (let k = 0; k < n; k++) {
          if (curSz[k] !== nextSz[k]) {
            this.record(ACTION.MODIFY, side, idHi, nextPx[k], nextPx[k] * this.tickNano, nextSz[k]);
            curSz[k] = nextSz[k];
          }
        }
        return;
      }
    }
    let i = 0;
    let j = 0;
    while (i < m || j < n) {
      if (j >= n || (i < m && (curPx[i] - nextPx[j]) * direction > 0)) {
        this.record(ACTION.CANCEL, side, idHi, curPx[i], curPx[i] * this.tickNano, curSz[i]);
        i++;
      } else if (i >= m || (nextPx[j] - curPx[i]) * direction > 0) {
        this.record(ACTION.ADD, side, idHi, nextPx[j], nextPx[j] * this.tickNano, nextSz[j]);
        j++;
      } else {
        if (curSz[i] !== nextSz[j]) this.record(ACTION.MODIFY, side, idHi, nextPx[j], nextPx[j] * this.tickNano, nextSz[j]);
        i++;
        j++;
      }
    }
    for (let k = 0; k < n; k++) {
      curPx[k] = nextPx[k];
      curSz[k] = nextSz[k];
    }
    book.length = n;
  }

  private record(action: number, side: number, idHi: number, ticks: number, priceNano: number, size: number): void {
    let o = this.out;
    const at = o.length;
    if (at === o.action.length) o = this.grow();
    o.tsRecvOffsetNs[at] = this.ts;
    o.tsEventDeltaNs[at] = this.ev;
    o.action[at] = action;
    o.side[at] = side;
    o.orderIdHi[at] = idHi;
    o.orderIdLo[at] = idHi === 0 ? 0 : ticks >>> 0;
    o.priceNano[at] = priceNano;
    o.size[at] = size;
    o.flags[at] = 0;
    o.length = at + 1;
    this.emitted++;
  }

  private grow(): MboColumns {
    const old = this.out;
    const next = allocateMboColumns(old.action.length * 2, old.baseNs);
    for (const key of ["tsRecvOffsetNs", "tsEventDeltaNs", "instrumentId", "orderIdHi", "orderIdLo", "priceNano", "size", "flags", "channelId", "action", "side", "sequence"] as const) {
      (next[key] as Float64Array | Uint32Array | Uint8Array).set(old[key]);
    }
    next.length = old.length;
    this.out = next;
    return next;
  }
}

/** The whole feed of in-memory batches (tests, benchmarks): the batches `readDepthFeed` would yield. */
export function depthFeed(batches: readonly DepthColumns[], tickNano: number, maxEvents = 65_536): DepthFeedBatch[] {
  const feed = new DepthFeed(tickNano, maxEvents);
  const out: DepthFeedBatch[] = [];
  for (const c of batches) {
    feed.push(c);
    out.push(...feed.takeReady());
  }
  out.push(...feed.end());
  return out;
}
