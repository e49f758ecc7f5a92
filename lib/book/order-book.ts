/**
 * L3 (market-by-order) order book of ONE instrument, built from Databento MBO records
 * (DOMAIN.md section 5). Pure, synchronous, allocation-free per record except when a pool doubles.
 * The structure (levels, FIFO queues, id index) and its invariants live in order-queues.ts; this
 * module owns the MBO rules, event boundaries, snapshots and data quality.
 *
 * Ordering invariants: levels strictly ordered by price per side; each level a FIFO queue whose
 * orders carry strictly increasing priority stamps from one book-wide clock; level size and count
 * equal the sum and number of its orders; every size > 0 (see order-queues.ts, `checkInvariants`).
 *
 * Record rules: A appends at the back of its level (an A for a resting id replaces it and goes to
 * the back); C subtracts its size and removes the order at zero; M moves the order to the back of
 * its new level when the price changes or the size grows, and changes it in place (keeping its
 * place) when only the size shrinks; R empties the book; T, F and N never change it (fills reach
 * the book through the cancels that follow them). Inconsistent input never throws: it is counted
 * and sampled in the data-quality log (data-quality.ts lists each kind and what the book does).
 *
 * Events: the book is consistent only after a record carrying the LAST flag (`inEvent === false`);
 * read views only then. Crossed books (pre-open) are kept as they are.
 *
 * Snapshots (records with the SNAPSHOT flag): a run of snapshot records is one full image of the
 * book. It starts at the first SNAPSHOT record after a non-snapshot record and ends after a record
 * with LAST, or - when the snapshot has no final LAST (second ESH4 file) - just before the first
 * non-snapshot record, which then closes it (an event boundary). A snapshot REPLACES the book: an
 * order it re-sends is re-added at the back (the snapshot lists each level in queue order, so the
 * queues come out in the snapshot's order); an order whose queue place predates the snapshot and
 * that is not re-sent is dropped when the snapshot ends and counted as `snapshotDroppedOrder` (when
 * daily files are replayed back to back, these are cancels the previous file missed). A snapshot
 * on an empty book (a file start, after an R) drops nothing.
 *
 * Queue position (for an L3 FIFO fill model): `queueClock()` is the priority a queue entry made now
 * would get. A simulated order joining level (side, price) at an event boundary takes
 * `queueClock()` as its priority; `sizeAhead(side, price, priority)` is then the size of the real
 * orders still ahead of it: those that were ahead and kept their place. Cancels behind it, adds
 * after it, and orders ahead that lose priority (size up, price change, re-add) do not count.
 *
 * Known limitations: one instrument per book (other instruments' records are counted and skipped);
 * prices stay in Databento's 1e-9 units (no tick size needed, no price range assumed; the caller
 * converts to ticks at the edge); level sizes are exact up to 2^53; `sizeAhead`/`queueAhead` walk
 * the queue, O(orders ahead); order times are ns offsets from `tsBaseNs` (the first batch's baseNs).
 */
import { ACTION, MBO_FLAG, SIDE, type MboColumns } from "../market/mbo-columns";
import { DataQualityLog, DQ, type DataQualityKind, type DataQualityReport } from "./data-quality";
import { ASK, BID, NONE, OrderQueues, type QueuedLevel, type QueuedOrder } from "./order-queues";

export type BookSide = typeof SIDE.BID | typeof SIDE.ASK;
export type OrderView = QueuedOrder;
export type LevelView = QueuedLevel;

export interface OrderBookOptions {
  /** Levels per side whose changes move `topVersion` (default 10: MBP-10). */
  readonly watchDepth?: number;
  /** Data-quality examples kept (default 20). */
  readonly maxDataQualityExamples?: number;
  /** Initial order-pool capacity (grows by doubling). */
  readonly initialOrders?: number;
}

const { ADD, CANCEL, MODIFY, CLEAR, TRADE, FILL, NONE: ACTION_NONE } = ACTION;
const { LAST, SNAPSHOT, MAYBE_BAD_BOOK } = MBO_FLAG;
const SIDE_BID = SIDE.BID;
const SIDE_ASK = SIDE.ASK;
/** Where `run` stops: at `to` only, also after an event boundary, also before a trade record. */
const STOP_NEVER = 0;
const STOP_AT_BOUNDARY = 1;
const STOP_AT_TRADE = 2;

export class OrderBook {
  private readonly queues: OrderQueues;
  private readonly quality: DataQualityLog;
  /** Orders with an earlier priority rested before the open snapshot began. */
  private snapshotStartPriority = 0;
  private staleAtSnapshotStart = 0;
  private recordsApplied = 0;
  private eventOpen = false;
  private tradeStop = false;
  private snapshotOpen = false;
  private instrument = NONE;
  private boundColumns: MboColumns | null = null;
  private boundBaseNs = 0n;
  private tsShiftNs = 0;
  private baseNs: bigint | null = null;

  constructor(options: OrderBookOptions = {}) {
    this.queues = new OrderQueues(Math.max(16, options.initialOrders ?? 4096), options.watchDepth ?? 10);
    this.quality = new DataQualityLog(options.maxDataQualityExamples ?? 20);
  }

  // ---- applying records -------------------------------------------------------------------------

  /** Applies records [from, to) of a batch. */
  applyRange(columns: MboColumns, from = 0, to = columns.length): void {
    this.run(columns, from, to, STOP_NEVER);
  }

  /**
   * Applies records from `from` up to and including the next event boundary (or up to `to`), and
   * returns the index of the next record to apply. When it stops at a boundary `inEvent` is false;
   * a snapshot closed by a live record stops BEFORE that record (returns its index).
   */
  applyEvent(columns: MboColumns, from: number, to = columns.length): number {
    return this.run(columns, from, to, STOP_AT_BOUNDARY);
  }

  /**
   * As `applyEvent`, but also stops BEFORE a trade record (T) after `from` and before a record
   * whose SNAPSHOT flag differs from record `from`'s; `stoppedAtTrade` tells whether it stopped at a
   * trade. The replay driver matches that trade against the book as the event's earlier records
   * left it, then calls again from the trade's index (the record `from` is always applied). One pass
   * over the records: the driver does not scan each event for trades before applying it.
   */
  applyUntilTrade(columns: MboColumns, from: number, to = columns.length): number {
    return this.run(columns, from, to, STOP_AT_TRADE);
  }

  /** Whether the last `applyUntilTrade` stopped before a trade record (at the index it returned). */
  get stoppedAtTrade(): boolean {
    return this.tradeStop;
  }

  private run(columns: MboColumns, from: number, to: number, stop: number): number {
    if (columns !== this.boundColumns || columns.baseNs !== this.boundBaseNs) this.bind(columns);
    const { action, flags, priceNano, size, orderIdHi, orderIdLo, instrumentId } = columns;
    const stopAtBoundary = stop !== STOP_NEVER;
    const stopAtTrade = stop === STOP_AT_TRADE;
    const snap = from < to ? flags[from] & SNAPSHOT : 0;
    this.tradeStop = false;
    if (this.instrument === NONE && from < to) this.instrument = instrumentId[from];
    for (let i = from; i < to; i++) {
      const f = flags[i];
      if (stopAtTrade && i > from && ((f & SNAPSHOT) !== snap || action[i] === TRADE)) {
        this.tradeStop = (f & SNAPSHOT) === snap;
        return i;
      }
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
        // The record's fields are read by the callee: passing prices and times (doubles, not Smis)
        // to a call that is not inlined boxed them on the heap, at every record.
        const a = action[i];
        if (a === CANCEL) this.cancel(columns, i, record);
        else if (a === ADD) this.add(columns, i, record);
        else if (a === MODIFY) this.modify(columns, i, record);
        else if (a === CLEAR) this.queues.clear();
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

  /** Record i of `columns`: an A. */
  private add(columns: MboColumns, i: number, record: number): void {
    const sideCode = columns.side[i];
    const price = columns.priceNano[i];
    const size = columns.size[i];
    const hi = columns.orderIdHi[i];
    const lo = columns.orderIdLo[i];
    const s = sideCode === SIDE_BID ? BID : sideCode === SIDE_ASK ? ASK : NONE;
    if (s === NONE || price !== price || size === 0) {
      this.quality.record(s === NONE ? DQ.INVALID_SIDE : price !== price ? DQ.INVALID_PRICE : DQ.ZERO_SIZE, record, hi, lo, ADD, price, size);
      return;
    }
    const queues = this.queues;
    const position = queues.find(hi, lo);
    const ts = columns.tsRecvOffsetNs[i] + columns.tsEventDeltaNs[i] + this.tsShiftNs;
    if (position < 0) {
      queues.add(position, hi, lo, s, price, size, ts);
      return;
    }
    const slot = queues.slotAt(position);
    // A snapshot re-sending an order that rested before it is the expected way to replace it.
    if (!this.snapshotOpen || queues.priorityOf(slot) >= this.snapshotStartPriority) this.quality.record(DQ.ADD_EXISTING_ID, record, hi, lo, ADD, price, size);
    queues.requeue(slot, s, price, size, ts);
  }

  /** Record i of `columns`: a C. */
  private cancel(columns: MboColumns, i: number, record: number): void {
    const sideCode = columns.side[i];
    const price = columns.priceNano[i];
    const size = columns.size[i];
    const hi = columns.orderIdHi[i];
    const lo = columns.orderIdLo[i];
    const queues = this.queues;
    const position = queues.find(hi, lo);
    if (position < 0) {
      this.quality.record(DQ.CANCEL_UNKNOWN_ID, record, hi, lo, CANCEL, price, size);
      return;
    }
    const slot = queues.slotAt(position);
    const level = queues.levelOf(slot);
    if (queues.priceOf(level) !== price || queues.sideOf(level) !== (sideCode === SIDE_BID ? BID : sideCode === SIDE_ASK ? ASK : NONE)) {
      this.quality.record(DQ.CANCEL_MISMATCH, record, hi, lo, CANCEL, price, size);
    }
    const resting = queues.sizeOf(slot);
    if (size < resting) {
      if (size === 0) this.quality.record(DQ.ZERO_SIZE, record, hi, lo, CANCEL, price, size);
      else queues.reduce(slot, resting - size);
      return;
    }
    if (size > resting) this.quality.record(DQ.CANCEL_EXCEEDS_SIZE, record, hi, lo, CANCEL, price, size);
    queues.remove(slot, position);
  }

  /** Record i of `columns`: an M. */
  private modify(columns: MboColumns, i: number, record: number): void {
    const sideCode = columns.side[i];
    const price = columns.priceNano[i];
    const size = columns.size[i];
    const hi = columns.orderIdHi[i];
    const lo = columns.orderIdLo[i];
    const ts = columns.tsRecvOffsetNs[i] + columns.tsEventDeltaNs[i] + this.tsShiftNs;
    const s = sideCode === SIDE_BID ? BID : sideCode === SIDE_ASK ? ASK : NONE;
    if (s === NONE || price !== price) {
      this.quality.record(s === NONE ? DQ.INVALID_SIDE : DQ.INVALID_PRICE, record, hi, lo, MODIFY, price, size);
      return;
    }
    const queues = this.queues;
    const position = queues.find(hi, lo);
    if (position < 0) {
      this.quality.record(DQ.MODIFY_UNKNOWN_ID, record, hi, lo, MODIFY, price, size);
      if (size === 0) this.quality.record(DQ.ZERO_SIZE, record, hi, lo, MODIFY, price, size);
      else queues.add(position, hi, lo, s, price, size, ts);
      return;
    }
    const slot = queues.slotAt(position);
    if (size === 0) {
      this.quality.record(DQ.ZERO_SIZE, record, hi, lo, MODIFY, price, size);
      queues.remove(slot, position);
      return;
    }
    const level = queues.levelOf(slot);
    const resting = queues.sizeOf(slot);
    if (queues.sideOf(level) !== s) {
      this.quality.record(DQ.MODIFY_SIDE_CHANGE, record, hi, lo, MODIFY, price, size);
      queues.requeue(slot, s, price, size, ts);
    } else if (queues.priceOf(level) !== price || size > resting) {
      queues.requeue(slot, s, price, size, ts);
    } else if (size < resting) {
      queues.reduce(slot, size);
    }
  }

  private beginSnapshot(): void {
    this.snapshotOpen = true;
    this.snapshotStartPriority = this.queues.clock;
    this.staleAtSnapshotStart = this.queues.orderCount;
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
    const queues = this.queues;
    const stale = queues.slotsBefore(this.snapshotStartPriority);
    const ids = queues.slotIds();
    for (const slot of stale) {
      const hi = ids[slot << 1];
      const lo = ids[(slot << 1) + 1];
      this.quality.record(DQ.SNAPSHOT_DROPPED_ORDER, this.recordsApplied - 1, hi, lo, 0, queues.priceOf(queues.levelOf(slot)), queues.sizeOf(slot));
      queues.remove(slot, queues.find(hi, lo));
    }
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
    return this.queues.orderCount;
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
    return this.queues.topChanges[sideIndex(side)];
  }

  levelCount(side: BookSide): number {
    return this.queues.ladder(sideIndex(side)).length;
  }

  /** Best price (1e-9 units), NaN when the side is empty. */
  bestPrice(side: BookSide): number {
    const level = this.queues.bestLevel(sideIndex(side));
    return level === NONE ? Number.NaN : this.queues.priceOf(level);
  }

  /** Total size at the best price, 0 when the side is empty. */
  bestSize(side: BookSide): number {
    const level = this.queues.bestLevel(sideIndex(side));
    return level === NONE ? 0 : this.queues.levelSizeOf(level);
  }

  /** Number of orders at the best price, 0 when the side is empty. */
  bestCount(side: BookSide): number {
    const level = this.queues.bestLevel(sideIndex(side));
    return level === NONE ? 0 : this.queues.countOf(level);
  }

  /**
   * Writes the best `maxLevels` levels of a side, best first, into the caller's arrays from
   * `offset` (no allocation); missing levels are written as price NaN, size 0, count 0. Returns the
   * number of levels present.
   */
  depth(side: BookSide, maxLevels: number, outPrice: Float64Array, outSize: Float64Array | Uint32Array, outCount: Uint32Array | Int32Array, offset = 0): number {
    return this.queues.depth(sideIndex(side), maxLevels, outPrice, outSize, outCount, offset);
  }

  /** Total size resting at (side, price), 0 when the level is empty. O(log levels), no allocation. */
  sizeAt(side: BookSide, priceNano: number): number {
    return this.queues.levelSizeAt(sideIndex(side), priceNano);
  }

  /** Data-quality events counted so far (cheap: no report is built). */
  get dataQualityCount(): number {
    return this.quality.totalCount;
  }

  /** Kind of the most recent data-quality event (null before the first). */
  get lastDataQualityKind(): DataQualityKind | null {
    return this.quality.lastKind;
  }

  /** Size resting ahead of a real order at its level; -1 when the id does not rest. */
  queueAhead(orderIdHi: number, orderIdLo: number): number {
    const position = this.queues.find(orderIdHi, orderIdLo);
    return position < 0 ? -1 : this.queues.sizeBefore(this.queues.slotAt(position));
  }

  /** The priority stamp an order queued now would get: every resting order is ahead of it. */
  queueClock(): number {
    return this.queues.clock;
  }

  /**
   * Size of the real orders at (side, price) whose priority is earlier than `priority` (a value of
   * `queueClock()` taken when a simulated order joined): exactly the orders still ahead of it.
   */
  sizeAhead(side: BookSide, priceNano: number, priority: number): number {
    return this.queues.sizeBeforePriority(sideIndex(side), priceNano, priority);
  }

  dataQuality(): DataQualityReport {
    return this.quality.report();
  }

  // ---- inspection (allocates; tests, debugging, reports) ---------------------------------------

  /** All levels of a side, best first, with their queues. */
  levels(side: BookSide): LevelView[] {
    return this.queues.levels(sideIndex(side));
  }

  order(orderIdHi: number, orderIdLo: number): OrderView | undefined {
    const position = this.queues.find(orderIdHi, orderIdLo);
    return position < 0 ? undefined : this.queues.view(this.queues.slotAt(position), [orderIdHi, orderIdLo]);
  }

  /** Verifies the structure's invariants; throws an Error naming the first violation. O(book). */
  checkInvariants(): void {
    this.queues.checkInvariants();
  }
}

function sideIndex(side: BookSide): number {
  if (side === SIDE_BID) return BID;
  if (side === SIDE_ASK) return ASK;
  throw new RangeError(`Book side must be SIDE.BID or SIDE.ASK, got ${side}`);
}
