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
// An order's record: Int32 fields at slot * 8 + (size is a u32 kept as its int32 bits: read >>> 0)
const SIZE = 0;
const PREV = 1;
const NEXT = 2;
const LEVEL = 3;
// ... and Float64 fields at slot * 4 + (bytes 16-31 of the record)
const TS = 2;
const PRIORITY = 3;
// A level's record: Float64 fields at level * 4 + ...
const L_PRICE = 0;
const L_SIZE = 1;
// ... and Int32 fields at level * 8 + (bytes 16-31)
const L_COUNT = 4;
const L_HEAD = 5;
const L_TAIL = 6;
const L_SIDE = 7;
const BID = 0;
const ASK = 1;
const { ADD, CANCEL, MODIFY, CLEAR, TRADE, FILL, NONE: ACTION_NONE } = ACTION;
const { LAST, SNAPSHOT, MAYBE_BAD_BOOK } = MBO_FLAG;
const SIDE_BID = SIDE.BID;
const SIDE_ASK = SIDE.ASK;

function grown<T extends Int32Array>(array: T, length: number): T {
  const next = new (array.constructor as new (n: number) => T)(length);
  next.set(array);
  return next;
}

export class OrderBook {
  // Order pool: one 32-byte record per order slot (half a cache line, so one miss per order) in
  // one buffer seen through two views: `links` (Int32, at slot * 8 + SIZE | PREV | NEXT | LEVEL; free
  // slots are chained through NEXT) and `stamps` (Float64, at slot * 4 + TS | PRIORITY). Order ids
  // live only in the id index (inspection scans it).
  private links: Int32Array;
  private stamps: Float64Array;
  private orderTop = 0;
  private freeOrder = NONE;
  // Level pool: one 32-byte record per level in one buffer seen through two views, `levelValues`
  // (Float64, at level * 4 + L_PRICE | L_SIZE) and `levelLinks` (Int32, at level * 8 + L_COUNT |
  // L_HEAD | L_TAIL | L_SIDE). Free levels are chained through L_HEAD.
  private levelValues: Float64Array;
  private levelLinks: Int32Array;
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

  /** Per side (bid, ask): incremented by every change that may alter its best `watchDepth` levels. */
  private readonly topChanges = new Uint32Array(2);

  constructor(options: OrderBookOptions = {}) {
    const orders = Math.max(16, options.initialOrders ?? 4096);
    this.watchDepth = options.watchDepth ?? 10;
    this.quality = new DataQualityLog(options.maxDataQualityExamples ?? 20);
    this.index = new OrderIdIndex(orders);
    this.links = new Int32Array(orders * 8);
    this.stamps = new Float64Array(this.links.buffer);
    this.levelLinks = new Int32Array(256 * 8);
    this.levelValues = new Float64Array(this.levelLinks.buffer);
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
    if (!this.snapshotOpen || this.stamps[(slot << 2) + PRIORITY] >= this.snapshotStartPriority) this.quality.record(DQ.ADD_EXISTING_ID, record, hi, lo, ADD, price, size);
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
    const at = slot << 3;
    const level = links[at + LEVEL];
    if (this.levelValues[(level << 2) + L_PRICE] !== price || this.levelLinks[(level << 3) + L_SIDE] !== (sideCode === SIDE_BID ? BID : sideCode === SIDE_ASK ? ASK : NONE)) {
      this.quality.record(DQ.CANCEL_MISMATCH, record, hi, lo, CANCEL, price, size);
    }
    const resting = links[at + SIZE] >>> 0;
    if (size < resting) {
      if (size === 0) {
        this.quality.record(DQ.ZERO_SIZE, record, hi, lo, CANCEL, price, size);
        return;
      }
      links[at + SIZE] = resting - size;
      this.levelValues[(level << 2) + L_SIZE] -= size;
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
    const at = slot << 3;
    const level = this.links[at + LEVEL];
    if (size === 0) {
      this.quality.record(DQ.ZERO_SIZE, record, hi, lo, MODIFY, price, size);
      this.unlink(slot);
      this.index.removeAt(position);
      this.releaseOrder(slot);
      return;
    }
    const resting = this.links[at + SIZE] >>> 0;
    if (this.levelLinks[(level << 3) + L_SIDE] !== s || this.levelValues[(level << 2) + L_PRICE] !== price || size > resting) {
      if (this.levelLinks[(level << 3) + L_SIDE] !== s) this.quality.record(DQ.MODIFY_SIDE_CHANGE, record, hi, lo, MODIFY, price, size);
      this.unlink(slot);
      this.link(slot, s, price, size, ts);
    } else if (size < resting) {
      this.links[at + SIZE] = size;
      this.levelValues[(level << 2) + L_SIZE] -= resting - size;
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
    this.topChanges[BID]++;
    this.topChanges[ASK]++;
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
        for (let o = this.levelLinks[((ladder.levels[p]) << 3) + L_HEAD]; o !== NONE; o = this.links[(o << 3) + NEXT]) {
          if (this.stamps[(o << 2) + PRIORITY] < this.snapshotStartPriority) stale.push(o);
        }
      }
    }
    const ids = this.idsBySlot();
    for (const slot of stale) {
      const [hi, lo] = ids.get(slot)!;
      this.quality.record(DQ.SNAPSHOT_DROPPED_ORDER, this.recordsApplied - 1, hi, lo, 0, this.levelValues[((this.links[(slot << 3) + LEVEL]) << 2) + L_PRICE], this.links[(slot << 3) + SIZE] >>> 0);
      this.unlink(slot);
      this.index.removeAt(this.index.find(hi, lo));
      this.releaseOrder(slot);
    }
  }

  // ---- pools, queues and levels -----------------------------------------------------------------

  private insertOrder(hi: number, lo: number, s: number, price: number, size: number, ts: number): void {
    let slot = this.freeOrder;
    if (slot !== NONE) this.freeOrder = this.links[(slot << 3) + NEXT];
    else {
      if (this.orderTop << 3 === this.links.length) this.growOrders();
      slot = this.orderTop++;
    }
    this.index.insert(hi, lo, slot);
    this.link(slot, s, price, size, ts);
  }

  private releaseOrder(slot: number): void {
    this.links[(slot << 3) + LEVEL] = NONE;
    this.links[(slot << 3) + NEXT] = this.freeOrder;
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
    if (position >= ladder.length - this.watchDepth) this.topChanges[s]++;
    const links = this.links;
    const at = slot << 3;
    const tail = this.levelLinks[(level << 3) + L_TAIL];
    links[at + SIZE] = size;
    links[at + PREV] = tail;
    links[at + NEXT] = NONE;
    links[at + LEVEL] = level;
    if (tail === NONE) this.levelLinks[(level << 3) + L_HEAD] = slot;
    else links[(tail << 3) + NEXT] = slot;
    this.levelLinks[(level << 3) + L_TAIL] = slot;
    this.levelValues[(level << 2) + L_SIZE] += size;
    this.levelLinks[(level << 3) + L_COUNT]++;
    this.stamps[(slot << 2) + TS] = ts;
    this.stamps[(slot << 2) + PRIORITY] = this.nextPriority++;
  }

  /** Takes the order out of its level's queue, removing the level when it empties. */
  private unlink(slot: number): void {
    const links = this.links;
    const at = slot << 3;
    const level = links[at + LEVEL];
    const prev = links[at + PREV];
    const next = links[at + NEXT];
    if (prev === NONE) this.levelLinks[(level << 3) + L_HEAD] = next;
    else links[(prev << 3) + NEXT] = next;
    if (next === NONE) this.levelLinks[(level << 3) + L_TAIL] = prev;
    else links[(next << 3) + PREV] = prev;
    if (--this.levelLinks[(level << 3) + L_COUNT] === 0) {
      const s = this.levelLinks[(level << 3) + L_SIDE];
      const ladder = s === BID ? this.bids : this.asks;
      const position = ladder.find(s === BID ? this.levelValues[(level << 2) + L_PRICE] : -this.levelValues[(level << 2) + L_PRICE]);
      if (position >= ladder.length - this.watchDepth) this.topChanges[s]++;
      ladder.removeAt(position);
      this.levelValues[(level << 2) + L_SIZE] = 0;
      this.levelLinks[(level << 3) + L_HEAD] = this.freeLevel;
      this.freeLevel = level;
    } else {
      this.levelValues[(level << 2) + L_SIZE] -= links[at + SIZE] >>> 0;
      this.touch(level);
    }
  }

  private touch(level: number): void {
    const s = this.levelLinks[(level << 3) + L_SIDE];
    const within = s === BID ? this.bids.isWithinTop(this.levelValues[(level << 2) + L_PRICE], this.watchDepth) : this.asks.isWithinTop(-this.levelValues[(level << 2) + L_PRICE], this.watchDepth);
    if (within) this.topChanges[s]++;
  }

  private newLevel(s: number, price: number): number {
    let level = this.freeLevel;
    if (level !== NONE) this.freeLevel = this.levelLinks[(level << 3) + L_HEAD];
    else {
      if (this.levelTop << 3 === this.levelLinks.length) this.growLevels();
      level = this.levelTop++;
    }
    this.levelValues[(level << 2) + L_PRICE] = price;
    this.levelValues[(level << 2) + L_SIZE] = 0;
    this.levelLinks[(level << 3) + L_COUNT] = 0;
    this.levelLinks[(level << 3) + L_HEAD] = NONE;
    this.levelLinks[(level << 3) + L_TAIL] = NONE;
    this.levelLinks[(level << 3) + L_SIDE] = s;
    return level;
  }

  private growOrders(): void {
    this.links = grown(this.links, this.links.length * 2);
    this.stamps = new Float64Array(this.links.buffer);
  }

  private growLevels(): void {
    this.levelLinks = grown(this.levelLinks, this.levelLinks.length * 2);
    this.levelValues = new Float64Array(this.levelLinks.buffer);
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

  /**
   * A counter of the changes that may have altered the side's best `watchDepth` levels: equal values
   * at two boundaries mean the visible top is unchanged (a pre-filter; compare states to be sure).
   */
  topVersion(side: BookSide): number {
    return this.topChanges[side === SIDE_BID ? BID : ASK];
  }

  levelCount(side: BookSide): number {
    return this.ladder(side).length;
  }

  /** Best price (1e-9 units), NaN when the side is empty. */
  bestPrice(side: BookSide): number {
    const ladder = this.ladder(side);
    return ladder.length === 0 ? Number.NaN : this.levelValues[((ladder.levels[ladder.length - 1]) << 2) + L_PRICE];
  }

  /** Total size at the best price, 0 when the side is empty. */
  bestSize(side: BookSide): number {
    const ladder = this.ladder(side);
    return ladder.length === 0 ? 0 : this.levelValues[((ladder.levels[ladder.length - 1]) << 2) + L_SIZE];
  }

  /** Number of orders at the best price, 0 when the side is empty. */
  bestCount(side: BookSide): number {
    const ladder = this.ladder(side);
    return ladder.length === 0 ? 0 : this.levelLinks[((ladder.levels[ladder.length - 1]) << 3) + L_COUNT];
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
      outPrice[offset + k] = this.levelValues[(level << 2) + L_PRICE];
      outSize[offset + k] = this.levelValues[(level << 2) + L_SIZE];
      outCount[offset + k] = this.levelLinks[(level << 3) + L_COUNT];
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
    for (let o = this.levelLinks[((links[(slot << 3) + LEVEL]) << 3) + L_HEAD]; o !== slot; o = links[(o << 3) + NEXT]) ahead += links[(o << 3) + SIZE] >>> 0;
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
    for (let o = this.levelLinks[((ladder.levels[position]) << 3) + L_HEAD]; o !== NONE && this.stamps[(o << 2) + PRIORITY] < priority; o = links[(o << 3) + NEXT]) ahead += links[(o << 3) + SIZE] >>> 0;
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
      for (let o = this.levelLinks[(level << 3) + L_HEAD]; o !== NONE; o = this.links[(o << 3) + NEXT]) orders.push(this.view(o, ids.get(o)!));
      out.push({ priceNano: this.levelValues[(level << 2) + L_PRICE], size: this.levelValues[(level << 2) + L_SIZE], count: this.levelLinks[(level << 3) + L_COUNT], orders });
    }
    return out;
  }

  order(orderIdHi: number, orderIdLo: number): OrderView | undefined {
    const position = this.index.find(orderIdHi, orderIdLo);
    return position < 0 ? undefined : this.view(this.index.slotAt(position), [orderIdHi, orderIdLo]);
  }

  private view(slot: number, [hi, lo]: readonly [number, number]): OrderView {
    const level = this.links[(slot << 3) + LEVEL];
    return {
      orderId: orderIdText(hi, lo),
      side: this.levelLinks[(level << 3) + L_SIDE] === BID ? "B" : "A",
      priceNano: this.levelValues[(level << 2) + L_PRICE],
      size: this.links[(slot << 3) + SIZE] >>> 0,
      tsEventNs: this.stamps[(slot << 2) + TS],
      priority: this.stamps[(slot << 2) + PRIORITY],
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
        const price = this.levelValues[(level << 2) + L_PRICE];
        const fail = (what: string) => {
          throw new Error(`Book invariant violated at ${s === BID ? "bid" : "ask"} level ${price}: ${what}`);
        };
        if (ladder.keys[p] !== (s === BID ? price : -price) || this.levelLinks[(level << 3) + L_SIDE] !== s) fail("ladder key/side");
        if (p > 0 && !(ladder.keys[p - 1] < ladder.keys[p])) fail("levels not strictly ordered");
        let size = 0;
        let count = 0;
        let lastPriority = -1;
        let prev = NONE;
        for (let o = this.levelLinks[(level << 3) + L_HEAD]; o !== NONE; o = this.links[(o << 3) + NEXT]) {
          const orderSize = this.links[(o << 3) + SIZE] >>> 0;
          const priority = this.stamps[(o << 2) + PRIORITY];
          if (this.links[(o << 3) + LEVEL] !== level || this.links[(o << 3) + PREV] !== prev) fail("queue links");
          if (!(orderSize > 0)) fail(`order size ${orderSize}`);
          if (!(priority > lastPriority)) fail("queue not FIFO by priority");
          const id = ids.get(o);
          if (id === undefined || this.index.slotAt(this.index.find(id[0], id[1])) !== o) fail("order missing from the id index");
          lastPriority = priority;
          size += orderSize;
          count++;
          prev = o;
        }
        if (this.levelLinks[(level << 3) + L_TAIL] !== prev) fail("tail link");
        if (count === 0 || count !== this.levelLinks[(level << 3) + L_COUNT]) fail(`count ${this.levelLinks[(level << 3) + L_COUNT]} != ${count} orders`);
        if (size !== this.levelValues[(level << 2) + L_SIZE]) fail(`size ${this.levelValues[(level << 2) + L_SIZE]} != sum ${size}`);
        orders += count;
      }
    }
    if (orders !== this.index.size || ids.size !== orders) throw new Error(`Book invariant violated: ${this.index.size} ids indexed, ${orders} orders queued`);
  }
}
