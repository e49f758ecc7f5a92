/**
 * L3 (market-by-order) order book of ONE instrument, built from Databento MBO records
 * (DOMAIN.md section 5). Pure, synchronous, allocation-free per record except when a pool doubles.
 *
 * Ordering invariants (checked by `checkInvariants`, guarded by property tests):
 * - each side's price levels are strictly ordered by price; every level holds >= 1 order;
 * - each level's queue is FIFO: orders carry a priority stamp from one book-wide counter, strictly
 *   increasing from the front to the back of the queue; a level's size and count equal the sum and
 *   number of its orders; every order size is > 0;
 * - every resting order is in exactly one level and in the id index, nothing else is.
 *
 * Record rules: A appends at the back of its level (an A for a resting id replaces it and goes to
 * the back); C subtracts its size and removes the order at zero; M moves the order to the back of
 * its new level when the price changes or the size grows, and changes it in place (keeping its
 * place) when only the size shrinks; R empties the book; T, F and N never change it (fills reach
 * the book through the cancels that follow them). Inconsistent input never throws: see
 * data-quality.ts for each kind and what the book does.
 *
 * Events: the book is consistent only after a record carrying the LAST flag (`inEvent === false`);
 * read views only then. Crossed books (pre-open) are kept as they are.
 *
 * Snapshots (records with the SNAPSHOT flag): a run of snapshot records is one full image of the
 * book. It starts at the first SNAPSHOT record after a non-snapshot record and ends after a record
 * with LAST, or - when the snapshot has no final LAST (second ESH4 file) - just before the first
 * non-snapshot record, which then closes it (an event boundary). A snapshot REPLACES the book: an
 * order it re-sends is re-added at the back (the snapshot lists each level in queue order, so the
 * re-sent queues come out in the snapshot's order); an order that rested before the snapshot and
 * is not re-sent is dropped at the end of the snapshot and counted as `snapshotDroppedOrder` (when
 * daily files are replayed back to back, these are cancels the previous file missed). A snapshot
 * starting on an empty book (a file start, after an R) drops nothing.
 *
 * Queue position (for an L3 FIFO fill model): `queueClock()` is the priority stamp a queue entry
 * made now would get. A simulated order that joins level (side, price) at an event boundary takes
 * `queueClock()` as its priority; `sizeAhead(side, price, priority)` is then the size of the real
 * orders still ahead of it: orders that were ahead and keep their place. Cancels behind it, adds
 * after it, and orders ahead that lose priority (size up, price change, re-add) do not count.
 *
 * Known limitations: one instrument per book (other instruments' records are counted and skipped);
 * prices stay in Databento's 1e-9 units (no tick size needed, any price works, the caller converts
 * to ticks at the edge); sizes are exact up to 2^53; `sizeAhead`/`queueAhead` walk the queue, O(orders
 * ahead); order times are offsets in ns from `tsBaseNs` (the first applied batch's baseNs).
 */
import { ACTION, MBO_FLAG, SIDE, type MboColumns } from "../market/mbo-columns";
import { DataQualityLog, DQ, orderIdText, type DataQualityReport } from "./data-quality";
import { OrderIdIndex } from "./order-id-index";
import { PriceLadder } from "./price-ladder";

export type BookSide = typeof SIDE.BID | typeof SIDE.ASK;

export interface OrderBookOptions {
  /** Levels per side whose changes bump `topVersion` (default 10: MBP-10). */
  readonly watchDepth?: number;
  /** Data-quality examples kept (default 20). */
  readonly maxDataQualityExamples?: number;
  /** Initial order-pool capacity (grows by doubling). */
  readonly initialOrders?: number;
}

export interface OrderView {
  readonly orderId: string;
  readonly side: "B" | "A";
  readonly priceNano: number;
  readonly size: number;
  /** ts_event of the record that gave the order its queue place, offset from `tsBaseNs`. */
  readonly tsEventNs: number;
  readonly priority: number;
}

export interface LevelView {
  readonly priceNano: number;
  readonly size: number;
  readonly count: number;
  /** Front of the queue first. */
  readonly orders: readonly OrderView[];
}

const NONE = -1;
// Field offsets of an order in `links` (size is a u32 stored as its int32 bit pattern: read >>> 0).
const SIZE = 0;
const PREV = 1;
const NEXT = 2;
const LEVEL = 3;
// Field offsets of an order in `stamps`.
const TS = 0;
const PRIORITY = 1;
const BID = 0;
const ASK = 1;
const { ADD, CANCEL, MODIFY, CLEAR, TRADE, FILL, NONE: ACTION_NONE } = ACTION;
const { LAST, SNAPSHOT, MAYBE_BAD_BOOK } = MBO_FLAG;
const SIDE_BID = SIDE.BID;
const SIDE_ASK = SIDE.ASK;

function grown<T extends Int32Array | Uint32Array | Float64Array | Uint8Array>(array: T, length: number): T {
  const next = new (array.constructor as new (n: number) => T)(length);
  next.set(array);
  return next;
}

export class OrderBook {
  // Order pool, laid out for few cache lines per record: the fields every queue operation touches
  // in one Int32Array (`links`, 16 bytes per order at slot * 4 + SIZE | PREV | NEXT | LEVEL; free
  // slots are chained through NEXT), the time and priority stamps in one Float64Array (`stamps`, at
  // slot * 2 + TS | PRIORITY). Order ids live only in the id index (inspection scans it).
  private links: Int32Array;
  private stamps: Float64Array;
  private orderTop = 0;
  private freeOrder = NONE;
  // Level pool (free levels chained through lHead).
  private lPrice: Float64Array;
  private lSize: Float64Array;
  private lCount: Int32Array;
  private lHead: Int32Array;
  private lTail: Int32Array;
  private lSide: Uint8Array;
  private levelTop = 0;
  private freeLevel = NONE;

  private readonly bids = new PriceLadder();
  private readonly asks = new PriceLadder();
  private readonly index: OrderIdIndex;
  private readonly quality: DataQualityLog;
  private readonly watchDepth: number;

  private nextPriority = 0;
  /** Orders with an earlier priority rested before the open snapshot began. */
  private snapshotStartPriority = 0;
  private staleAtSnapshotStart = 0;
  private recordsApplied = 0;
  private eventOpen = false;
  private snapshotOpen = false;
  private instrument = NONE;
  private boundColumns: MboColumns | null = null;
  private boundBaseNs = 0n;
  private tsShiftNs = 0;
  private baseNs: bigint | null = null;

  /** Incremented by every change that may alter the best `watchDepth` levels of either side. */
  topVersion = 0;

  constructor(options: OrderBookOptions = {}) {
    const orders = Math.max(16, options.initialOrders ?? 4096);
    this.watchDepth = options.watchDepth ?? 10;
    this.quality = new DataQualityLog(options.maxDataQualityExamples ?? 20);
    this.index = new OrderIdIndex(orders);
    this.links = new Int32Array(orders * 4);
    this.stamps = new Float64Array(orders * 2);
    const levels = 256;
    this.lPrice = new Float64Array(levels);
    this.lSize = new Float64Array(levels);
    this.lCount = new Int32Array(levels);
    this.lHead = new Int32Array(levels);
    this.lTail = new Int32Array(levels);
    this.lSide = new Uint8Array(levels);
  }

  // ---- applying records -------------------------------------------------------------------------

  /** Applies records [from, to) of a batch. */
  applyRange(columns: MboColumns, from = 0, to = columns.length): void {
    this.run(columns, from, to, false);
  }

  /**
   * Applies records from `from` up to and including the next event boundary (or up to `to`), and
   * returns the index of the next record to apply. When it stops at a boundary `inEvent` is false;
   * a snapshot closed by a live record stops BEFORE that record (returns its index).
   */
  applyEvent(columns: MboColumns, from: number, to = columns.length): number {
    return this.run(columns, from, to, true);
  }

  private run(columns: MboColumns, from: number, to: number, stopAtBoundary: boolean): number {
    if (columns !== this.boundColumns || columns.baseNs !== this.boundBaseNs) this.bind(columns);
    const { action, flags, side, priceNano, size, orderIdHi, orderIdLo, tsRecvOffsetNs, tsEventDeltaNs, instrumentId } = columns;
    const shift = this.tsShiftNs;
    if (this.instrument === NONE && from < to) this.instrument = instrumentId[from];
    for (let i = from; i < to; i++) {
      const f = flags[i];
      if ((f & SNAPSHOT) !== 0) {
        if (!this.snapshotOpen) this.beginSnapshot();
      } else if (this.snapshotOpen) {
        this.endSnapshot();
        if (stopAtBoundary) return i;
      }
      const record = this.recordsApplied++;
      if ((f & MAYBE_BAD_BOOK) !== 0) this.quality.record(DQ.MAYBE_BAD_BOOK, record, orderIdHi[i], orderIdLo[i], action[i], priceNano[i], size[i]);
      if (instrumentId[i] !== this.instrument) {
        this.quality.record(DQ.FOREIGN_INSTRUMENT, record, orderIdHi[i], orderIdLo[i], action[i], priceNano[i], size[i]);
      } else {
        const a = action[i];
        if (a === ADD) this.add(side[i], priceNano[i], size[i], orderIdHi[i], orderIdLo[i], tsRecvOffsetNs[i] + tsEventDeltaNs[i] + shift, record);
        else if (a === CANCEL) this.cancel(side[i], priceNano[i], size[i], orderIdHi[i], orderIdLo[i], record);
        else if (a === MODIFY) this.modify(side[i], priceNano[i], size[i], orderIdHi[i], orderIdLo[i], tsRecvOffsetNs[i] + tsEventDeltaNs[i] + shift, record);
        else if (a === CLEAR) this.clear();
        else if (a !== TRADE && a !== FILL && a !== ACTION_NONE) this.quality.record(DQ.UNKNOWN_ACTION, record, orderIdHi[i], orderIdLo[i], a, priceNano[i], size[i]);
      }
      if ((f & LAST) !== 0) {
        this.eventOpen = false;
        if (this.snapshotOpen) this.endSnapshot();
        if (stopAtBoundary) return i + 1;
      } else {
        this.eventOpen = true;
      }
    }
    return to;
  }

  private bind(columns: MboColumns): void {
    if (this.baseNs === null) this.baseNs = columns.baseNs;
    this.tsShiftNs = Number(columns.baseNs - this.baseNs);
    this.boundColumns = columns;
    this.boundBaseNs = columns.baseNs;
  }

  private add(sideCode: number, price: number, size: number, hi: number, lo: number, ts: number, record: number): void {
    const s = sideCode === SIDE_BID ? BID : sideCode === SIDE_ASK ? ASK : NONE;
    if (s === NONE || price !== price || size === 0) {
      this.quality.record(s === NONE ? DQ.INVALID_SIDE : price !== price ? DQ.INVALID_PRICE : DQ.ZERO_SIZE, record, hi, lo, ADD, price, size);
      return;
    }
    const position = this.index.find(hi, lo);
    if (position < 0) {
      this.insertOrder(hi, lo, s, price, size, ts);
      return;
    }
    const slot = this.index.slotAt(position);
    // A snapshot re-sending an order that rested before it is the expected way to replace it.
    if (!this.snapshotOpen || this.stamps[(slot << 1) + PRIORITY] >= this.snapshotStartPriority) this.quality.record(DQ.ADD_EXISTING_ID, record, hi, lo, ADD, price, size);
    this.unlink(slot);
    this.link(slot, s, price, size, ts);
  }

  private cancel(sideCode: number, price: number, size: number, hi: number, lo: number, record: number): void {
    const position = this.index.find(hi, lo);
    if (position < 0) {
      this.quality.record(DQ.CANCEL_UNKNOWN_ID, record, hi, lo, CANCEL, price, size);
      return;
    }
    const slot = this.index.slotAt(position);
    const links = this.links;
    const at = slot << 2;
    const level = links[at + LEVEL];
    if (this.lPrice[level] !== price || this.lSide[level] !== (sideCode === SIDE_BID ? BID : sideCode === SIDE_ASK ? ASK : NONE)) {
      this.quality.record(DQ.CANCEL_MISMATCH, record, hi, lo, CANCEL, price, size);
    }
    const resting = links[at + SIZE] >>> 0;
    if (size < resting) {
      if (size === 0) {
        this.quality.record(DQ.ZERO_SIZE, record, hi, lo, CANCEL, price, size);
        return;
      }
      links[at + SIZE] = resting - size;
      this.lSize[level] -= size;
      this.touch(level);
      return;
    }
    if (size > resting) this.quality.record(DQ.CANCEL_EXCEEDS_SIZE, record, hi, lo, CANCEL, price, size);
    this.unlink(slot);
    this.index.removeAt(position);
    this.releaseOrder(slot);
  }

  private modify(sideCode: number, price: number, size: number, hi: number, lo: number, ts: number, record: number): void {
    const s = sideCode === SIDE_BID ? BID : sideCode === SIDE_ASK ? ASK : NONE;
    if (s === NONE || price !== price) {
      this.quality.record(s === NONE ? DQ.INVALID_SIDE : DQ.INVALID_PRICE, record, hi, lo, MODIFY, price, size);
      return;
    }
    const position = this.index.find(hi, lo);
    if (position < 0) {
      this.quality.record(DQ.MODIFY_UNKNOWN_ID, record, hi, lo, MODIFY, price, size);
      if (size === 0) this.quality.record(DQ.ZERO_SIZE, record, hi, lo, MODIFY, price, size);
      else this.insertOrder(hi, lo, s, price, size, ts);
      return;
    }
    const slot = this.index.slotAt(position);
    const at = slot << 2;
    const level = this.links[at + LEVEL];
    if (size === 0) {
      this.quality.record(DQ.ZERO_SIZE, record, hi, lo, MODIFY, price, size);
      this.unlink(slot);
      this.index.removeAt(position);
      this.releaseOrder(slot);
      return;
    }
    const resting = this.links[at + SIZE] >>> 0;
    if (this.lSide[level] !== s || this.lPrice[level] !== price || size > resting) {
      if (this.lSide[level] !== s) this.quality.record(DQ.MODIFY_SIDE_CHANGE, record, hi, lo, MODIFY, price, size);
      this.unlink(slot);
      this.link(slot, s, price, size, ts);
    } else if (size < resting) {
      this.links[at + SIZE] = size;
      this.lSize[level] -= resting - size;
      this.touch(level);
    }
  }

  /** Empties the book (R record); statistics and clocks are kept. */
  private clear(): void {
    this.bids.clear();
    this.asks.clear();
    this.index.clear();
    this.orderTop = 0;
    this.freeOrder = NONE;
    this.levelTop = 0;
    this.freeLevel = NONE;
    this.topVersion++;
  }

  private beginSnapshot(): void {
    this.snapshotOpen = true;
    this.snapshotStartPriority = this.nextPriority;
    this.staleAtSnapshotStart = this.index.size;
  }

  /**
   * Closes an open snapshot: drops the orders that rested before it and were not re-sent. Called by
   * the replay loop; public for replay drivers that want the boundary before a live record.
   */
  endSnapshot(): void {
    if (!this.snapshotOpen) return;
    this.snapshotOpen = false;
    this.eventOpen = false;
    if (this.staleAtSnapshotStart === 0) return;
    this.staleAtSnapshotStart = 0;
    const stale: number[] = [];
    for (const ladder of [this.bids, this.asks]) {
      for (let p = 0; p < ladder.length; p++) {
        for (let o = this.lHead[ladder.levels[p]]; o !== NONE; o = this.links[(o << 2) + NEXT]) {
          if (this.stamps[(o << 1) + PRIORITY] < this.snapshotStartPriority) stale.push(o);
        }
      }
    }
    const ids = this.idsBySlot();
    for (const slot of stale) {
      const [hi, lo] = ids.get(slot)!;
      this.quality.record(DQ.SNAPSHOT_DROPPED_ORDER, this.recordsApplied - 1, hi, lo, 0, this.lPrice[this.links[(slot << 2) + LEVEL]], this.links[(slot << 2) + SIZE] >>> 0);
      this.unlink(slot);
      this.index.removeAt(this.index.find(hi, lo));
      this.releaseOrder(slot);
    }
  }

  // ---- pools, queues and levels -----------------------------------------------------------------

  private insertOrder(hi: number, lo: number, s: number, price: number, size: number, ts: number): void {
    let slot = this.freeOrder;
    if (slot !== NONE) this.freeOrder = this.links[(slot << 2) + NEXT];
    else {
      if (this.orderTop << 2 === this.links.length) this.growOrders();
      slot = this.orderTop++;
    }
    this.index.insert(hi, lo, slot);
    this.link(slot, s, price, size, ts);
  }

  private releaseOrder(slot: number): void {
    this.links[(slot << 2) + LEVEL] = NONE;
    this.links[(slot << 2) + NEXT] = this.freeOrder;
    this.freeOrder = slot;
  }

  /** Appends the order at the back of level (s, price), creating the level if needed. */
  private link(slot: number, s: number, price: number, size: number, ts: number): void {
    const ladder = s === BID ? this.bids : this.asks;
    const key = s === BID ? price : -price;
    let position = ladder.find(key);
    let level: number;
    if (position >= 0) {
      level = ladder.levels[position];
    } else {
      level = this.newLevel(s, price);
      position = ~position;
      ladder.insertAt(position, key, level);
    }
    if (position >= ladder.length - this.watchDepth) this.topVersion++;
    const links = this.links;
    const at = slot << 2;
    const tail = this.lTail[level];
    links[at + SIZE] = size;
    links[at + PREV] = tail;
    links[at + NEXT] = NONE;
    links[at + LEVEL] = level;
    if (tail === NONE) this.lHead[level] = slot;
    else links[(tail << 2) + NEXT] = slot;
    this.lTail[level] = slot;
    this.lSize[level] += size;
    this.lCount[level]++;
    this.stamps[slot << 1] = ts;
    this.stamps[(slot << 1) + PRIORITY] = this.nextPriority++;
  }

  /** Takes the order out of its level's queue, removing the level when it empties. */
  private unlink(slot: number): void {
    const links = this.links;
    const at = slot << 2;
    const level = links[at + LEVEL];
    const prev = links[at + PREV];
    const next = links[at + NEXT];
    if (prev === NONE) this.lHead[level] = next;
    else links[(prev << 2) + NEXT] = next;
    if (next === NONE) this.lTail[level] = prev;
    else links[(next << 2) + PREV] = prev;
    if (--this.lCount[level] === 0) {
      const s = this.lSide[level];
      const ladder = s === BID ? this.bids : this.asks;
      const position = ladder.find(s === BID ? this.lPrice[level] : -this.lPrice[level]);
      if (position >= ladder.length - this.watchDepth) this.topVersion++;
      ladder.removeAt(position);
      this.lSize[level] = 0;
      this.lHead[level] = this.freeLevel;
      this.freeLevel = level;
    } else {
      this.lSize[level] -= links[at + SIZE] >>> 0;
      this.touch(level);
    }
  }

  private touch(level: number): void {
    const s = this.lSide[level];
    const within = s === BID ? this.bids.isWithinTop(this.lPrice[level], this.watchDepth) : this.asks.isWithinTop(-this.lPrice[level], this.watchDepth);
    if (within) this.topVersion++;
  }

  private newLevel(s: number, price: number): number {
    let level = this.freeLevel;
    if (level !== NONE) this.freeLevel = this.lHead[level];
    else {
      if (this.levelTop === this.lPrice.length) this.growLevels();
      level = this.levelTop++;
    }
    this.lPrice[level] = price;
    this.lSize[level] = 0;
    this.lCount[level] = 0;
    this.lHead[level] = NONE;
    this.lTail[level] = NONE;
    this.lSide[level] = s;
    return level;
  }

  private growOrders(): void {
    this.links = grown(this.links, this.links.length * 2);
    this.stamps = grown(this.stamps, this.stamps.length * 2);
  }

  private growLevels(): void {
    const n = this.lPrice.length * 2;
    this.lPrice = grown(this.lPrice, n);
    this.lSize = grown(this.lSize, n);
    this.lCount = grown(this.lCount, n);
    this.lHead = grown(this.lHead, n);
    this.lTail = grown(this.lTail, n);
    this.lSide = grown(this.lSide, n);
  }

  // ---- views (read them at event boundaries) ---------------------------------------------------

  /** False at an event boundary (the last record applied carried LAST, or closed a snapshot). */
  get inEvent(): boolean {
    return this.eventOpen;
  }

  get inSnapshot(): boolean {
    return this.snapshotOpen;
  }

  get orderCount(): number {
    return this.index.size;
  }

  /** Number of records applied so far (the next record's index in data-quality examples). */
  get recordCount(): number {
    return this.recordsApplied;
  }

  /** Origin of order times (`tsEventNs` offsets): the baseNs of the first batch applied. */
  get tsBaseNs(): bigint | null {
    return this.baseNs;
  }

  levelCount(side: BookSide): number {
    return this.ladder(side).length;
  }

  /** Best price (1e-9 units), NaN when the side is empty. */
  bestPrice(side: BookSide): number {
    const ladder = this.ladder(side);
    return ladder.length === 0 ? Number.NaN : this.lPrice[ladder.levels[ladder.length - 1]];
  }

  /** Total size at the best price, 0 when the side is empty. */
  bestSize(side: BookSide): number {
    const ladder = this.ladder(side);
    return ladder.length === 0 ? 0 : this.lSize[ladder.levels[ladder.length - 1]];
  }

  /** Number of orders at the best price, 0 when the side is empty. */
  bestCount(side: BookSide): number {
    const ladder = this.ladder(side);
    return ladder.length === 0 ? 0 : this.lCount[ladder.levels[ladder.length - 1]];
  }

  /**
   * Writes the best `maxLevels` levels of a side, best first, into the arrays from `offset`; levels
   * beyond the side's depth are written as price NaN, size 0, count 0. Returns the levels present.
   */
  depth(side: BookSide, maxLevels: number, outPrice: Float64Array, outSize: Float64Array | Uint32Array, outCount: Uint32Array | Int32Array, offset = 0): number {
    const ladder = this.ladder(side);
    const levels = ladder.levels;
    const n = ladder.length;
    const present = n < maxLevels ? n : maxLevels;
    for (let k = 0; k < present; k++) {
      const level = levels[n - 1 - k];
      outPrice[offset + k] = this.lPrice[level];
      outSize[offset + k] = this.lSize[level];
      outCount[offset + k] = this.lCount[level];
    }
    for (let k = present; k < maxLevels; k++) {
      outPrice[offset + k] = Number.NaN;
      outSize[offset + k] = 0;
      outCount[offset + k] = 0;
    }
    return present;
  }

  /** Size resting ahead of a real order at its level; -1 when the id does not rest. */
  queueAhead(orderIdHi: number, orderIdLo: number): number {
    const position = this.index.find(orderIdHi, orderIdLo);
    if (position < 0) return -1;
    const slot = this.index.slotAt(position);
    let ahead = 0;
    const links = this.links;
    for (let o = this.lHead[links[(slot << 2) + LEVEL]]; o !== slot; o = links[(o << 2) + NEXT]) ahead += links[(o << 2) + SIZE] >>> 0;
    return ahead;
  }

  /** The priority stamp an order queued now would get: every resting order is ahead of it. */
  queueClock(): number {
    return this.nextPriority;
  }

  /**
   * Size of the real orders at (side, price) whose priority is earlier than `priority` (a value of
   * `queueClock()` taken when a simulated order joined): exactly the orders still ahead of it.
   */
  sizeAhead(side: BookSide, priceNano: number, priority: number): number {
    const ladder = this.ladder(side);
    const position = ladder.find(side === SIDE_BID ? priceNano : -priceNano);
    if (position < 0) return 0;
    let ahead = 0;
    const links = this.links;
    for (let o = this.lHead[ladder.levels[position]]; o !== NONE && this.stamps[(o << 1) + PRIORITY] < priority; o = links[(o << 2) + NEXT]) ahead += links[(o << 2) + SIZE] >>> 0;
    return ahead;
  }

  dataQuality(): DataQualityReport {
    return this.quality.report();
  }

  private ladder(side: BookSide): PriceLadder {
    if (side === SIDE_BID) return this.bids;
    if (side === SIDE_ASK) return this.asks;
    throw new RangeError(`Book side must be SIDE.BID or SIDE.ASK, got ${side}`);
  }

  // ---- inspection (allocates; tests, debugging, reports) ---------------------------------------

  /** All levels of a side, best first, with their queues. */
  levels(side: BookSide): LevelView[] {
    const ladder = this.ladder(side);
    const ids = this.idsBySlot();
    const out: LevelView[] = [];
    for (let p = ladder.length - 1; p >= 0; p--) {
      const level = ladder.levels[p];
      const orders: OrderView[] = [];
      for (let o = this.lHead[level]; o !== NONE; o = this.links[(o << 2) + NEXT]) orders.push(this.view(o, ids.get(o)!));
      out.push({ priceNano: this.lPrice[level], size: this.lSize[level], count: this.lCount[level], orders });
    }
    return out;
  }

  order(orderIdHi: number, orderIdLo: number): OrderView | undefined {
    const position = this.index.find(orderIdHi, orderIdLo);
    return position < 0 ? undefined : this.view(this.index.slotAt(position), [orderIdHi, orderIdLo]);
  }

  private view(slot: number, [hi, lo]: readonly [number, number]): OrderView {
    const level = this.links[(slot << 2) + LEVEL];
    return {
      orderId: orderIdText(hi, lo),
      side: this.lSide[level] === BID ? "B" : "A",
      priceNano: this.lPrice[level],
      size: this.links[(slot << 2) + SIZE] >>> 0,
      tsEventNs: this.stamps[(slot << 1) + TS],
      priority: this.stamps[(slot << 1) + PRIORITY],
    };
  }

  /** Order id halves by slot, from the id index (the pool does not keep ids). */
  private idsBySlot(): Map<number, readonly [number, number]> {
    const ids = new Map<number, readonly [number, number]>();
    this.index.forEach((slot, hi, lo) => ids.set(slot, [hi, lo]));
    return ids;
  }

  /** Verifies every invariant of the header; throws an Error naming the first violation. O(book). */
  checkInvariants(): void {
    const ids = this.idsBySlot();
    let orders = 0;
    for (const [s, ladder] of [[BID, this.bids], [ASK, this.asks]] as const) {
      for (let p = 0; p < ladder.length; p++) {
        const level = ladder.levels[p];
        const price = this.lPrice[level];
        const fail = (what: string) => {
          throw new Error(`Book invariant violated at ${s === BID ? "bid" : "ask"} level ${price}: ${what}`);
        };
        if (ladder.keys[p] !== (s === BID ? price : -price) || this.lSide[level] !== s) fail("ladder key/side");
        if (p > 0 && !(ladder.keys[p - 1] < ladder.keys[p])) fail("levels not strictly ordered");
        let size = 0;
        let count = 0;
        let lastPriority = -1;
        let prev = NONE;
        for (let o = this.lHead[level]; o !== NONE; o = this.links[(o << 2) + NEXT]) {
          const orderSize = this.links[(o << 2) + SIZE] >>> 0;
          const priority = this.stamps[(o << 1) + PRIORITY];
          if (this.links[(o << 2) + LEVEL] !== level || this.links[(o << 2) + PREV] !== prev) fail("queue links");
          if (!(orderSize > 0)) fail(`order size ${orderSize}`);
          if (!(priority > lastPriority)) fail("queue not FIFO by priority");
          const id = ids.get(o);
          if (id === undefined || this.index.slotAt(this.index.find(id[0], id[1])) !== o) fail("order missing from the id index");
          lastPriority = priority;
          size += orderSize;
          count++;
          prev = o;
        }
        if (this.lTail[level] !== prev) fail("tail link");
        if (count === 0 || count !== this.lCount[level]) fail(`count ${this.lCount[level]} != ${count} orders`);
        if (size !== this.lSize[level]) fail(`size ${this.lSize[level]} != sum ${size}`);
        orders += count;
      }
    }
    if (orders !== this.index.size || ids.size !== orders) throw new Error(`Book invariant violated: ${this.index.size} ids indexed, ${orders} orders queued`);
  }
}
