/**
 * Data-quality log of the L3 book: inconsistent MBO input is counted and sampled, never thrown
 * (DOMAIN.md section 5). Counting is an array increment; only the first `maxExamples` anomalies
 * allocate an example object, so a feed full of anomalies stays on the fast path.
 *
 * What each kind means and what the book did about it is stated next to the kind below; the book
 * module's header gives the rules in context.
 */

export const DATA_QUALITY_KINDS = [
  /** C for an order id that does not rest: ignored. */
  "cancelUnknownId",
  /** C for more than the order's resting size: the order is removed (size never goes negative). */
  "cancelExceedsSize",
  /** C whose price or side differs from the resting order's: applied to the resting order. */
  "cancelMismatch",
  /** M for an order id that does not rest: treated as an add (Databento's rule). */
  "modifyUnknownId",
  /** M that changes the side: treated as cancel + add (back of the queue on the new side). */
  "modifySideChange",
  /** A for an id that already rests, outside a snapshot re-send: replaced, goes to the back. */
  "addExistingId",
  /** A or M whose side is not B/A: ignored. */
  "invalidSide",
  /** A or M with an undefined price: ignored. */
  "invalidPrice",
  /** A with size 0 (ignored), M to size 0 (treated as a full cancel), C of size 0 (no effect). */
  "zeroSize",
  /** An action byte outside A C M R T F N: ignored. */
  "unknownAction",
  /** An order that rested before a snapshot and was not re-sent by it: dropped at snapshot end. */
  "snapshotDroppedOrder",
  /** The publisher flagged the record MAYBE_BAD_BOOK: applied as usual, counted. */
  "maybeBadBook",
  /** A record for another instrument than the book's (one book per instrument): ignored. */
  "foreignInstrument",
] as const;

export type DataQualityKind = (typeof DATA_QUALITY_KINDS)[number];

/** Numeric ids of the kinds (index into DATA_QUALITY_KINDS), for the hot path. */
export const DQ = {
  CANCEL_UNKNOWN_ID: 0,
  CANCEL_EXCEEDS_SIZE: 1,
  CANCEL_MISMATCH: 2,
  MODIFY_UNKNOWN_ID: 3,
  MODIFY_SIDE_CHANGE: 4,
  ADD_EXISTING_ID: 5,
  INVALID_SIDE: 6,
  INVALID_PRICE: 7,
  ZERO_SIZE: 8,
  UNKNOWN_ACTION: 9,
  SNAPSHOT_DROPPED_ORDER: 10,
  MAYBE_BAD_BOOK: 11,
  FOREIGN_INSTRUMENT: 12,
} as const;

export interface DataQualityExample {
  readonly kind: DataQualityKind;
  /** 0-based index of the record among all records applied to the book. */
  readonly recordIndex: number;
  /** Decimal u64 order id ("" when the anomaly concerns no order). */
  readonly orderId: string;
  /** ASCII action of the record ("" when not record-specific, e.g. a snapshot drop). */
  readonly action: string;
  /** Price of the record (1e-9 units, NaN when undefined). */
  readonly priceNano: number;
  readonly size: number;
}

export interface DataQualityReport {
  readonly total: number;
  /** Counts of every kind, zeros included, in DATA_QUALITY_KINDS order. */
  readonly counts: Readonly<Record<DataQualityKind, number>>;
  readonly examples: readonly DataQualityExample[];
}

const TWO_POW_32 = 4294967296;

/** Decimal text of a u64 given as two u32 halves, exact over the whole range. */
export function orderIdText(hi: number, lo: number): string {
  return hi < 0x200000 ? String(hi * TWO_POW_32 + lo) : ((BigInt(hi) << 32n) | BigInt(lo)).toString();
}

export class DataQualityLog {
  private readonly counts = new Float64Array(DATA_QUALITY_KINDS.length);
  private readonly examples: DataQualityExample[] = [];
  private total = 0;
  private latest = -1;

  constructor(private readonly maxExamples = 20) {}

  record(kind: number, recordIndex: number, hi: number, lo: number, action: number, priceNano: number, size: number): void {
    this.counts[kind]++;
    this.latest = kind;
    this.total++;
    if (this.examples.length < this.maxExamples) {
      this.examples.push({
        kind: DATA_QUALITY_KINDS[kind],
        recordIndex,
        orderId: hi < 0 ? "" : orderIdText(hi, lo),
        action: action > 0 ? String.fromCharCode(action) : "",
        priceNano,
        size,
      });
    }
  }

  /** Anomalies counted so far, all kinds. */
  get totalCount(): number {
    return this.total;
  }

  /** Kind of the most recent anomaly (null before the first). */
  get lastKind(): DataQualityKind | null {
    return this.latest < 0 ? null : DATA_QUALITY_KINDS[this.latest];
  }

  count(kind: DataQualityKind): number {
    return this.counts[DATA_QUALITY_KINDS.indexOf(kind)];
  }

  report(): DataQualityReport {
    const counts = {} as Record<DataQualityKind, number>;
    DATA_QUALITY_KINDS.forEach((kind, i) => (counts[kind] = this.counts[i]));
    return { total: this.total, counts, examples: [...this.examples] };
  }

  reset(): void {
    this.counts.fill(0);
    this.examples.length = 0;
    this.total = 0;
    this.latest = -1;
  }
}
