/**
 * One side's price levels as a sorted array: keys ascending, best level LAST (key = price for
 * bids, -price for asks), with the parallel level ids. Positions are logical, 0 = worst.
 *
 * Activity concentrates at the top of book, the end of the array, so a lookup probes the last few
 * keys linearly and only then binary searches. The entries sit in the middle of their buffers with
 * free room at both ends (a gap on each side), so inserting or removing a level shifts only the
 * shorter part: O(1) at either end - the top of book, and the far end where a snapshot listing
 * levels best-first keeps appending (the ESH4 snapshot adds ~1,400 levels that way) - and
 * O(min(position, length - position)) in between. Far-out levels (ES bids at 100.00) cost nothing
 * special. No price range is assumed: keys are any doubles (1e-9 price units are exact integers),
 * negative calendar-spread prices included.
 */

const LINEAR_PROBES = 8;

export class PriceLadder {
  private keys: Float64Array;
  private ids: Int32Array;
  private start: number;
  length = 0;

  constructor(initialCapacity = 256) {
    this.keys = new Float64Array(initialCapacity);
    this.ids = new Int32Array(initialCapacity);
    this.start = initialCapacity >> 1;
  }

  keyAt(position: number): number {
    return this.keys[this.start + position];
  }

  levelAt(position: number): number {
    return this.ids[this.start + position];
  }

  /** Position of `key`, or `~insertionPosition` (negative) when absent. */
  find(key: number): number {
    const keys = this.keys;
    const start = this.start;
    const n = this.length;
    const stop = n > LINEAR_PROBES ? n - LINEAR_PROBES : 0;
    for (let j = n - 1; j >= stop; j--) {
      const k = keys[start + j];
      if (k === key) return j;
      if (k < key) return ~(j + 1);
    }
    // key < the key at `stop`: binary search in [0, stop).
    let lo = 0;
    let hi = stop;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const k = keys[start + mid];
      if (k < key) lo = mid + 1;
      else if (k > key) hi = mid;
      else return mid;
    }
    return ~lo;
  }

  insertAt(position: number, key: number, level: number): void {
    const n = this.length;
    const shiftLeft = position < n - position;
    // Out of room on the side to shift into: re-centre, doubling when at least half full.
    if (shiftLeft ? this.start === 0 : this.start + n === this.keys.length) this.recentre(2 * (n + 1) > this.keys.length ? this.keys.length * 2 : this.keys.length);
    const s = this.start;
    if (shiftLeft) {
      // Shift [0, position) one to the left.
      this.keys.copyWithin(s - 1, s, s + position);
      this.ids.copyWithin(s - 1, s, s + position);
      this.start = s - 1;
    } else {
      // Shift [position, n) one to the right.
      this.keys.copyWithin(s + position + 1, s + position, s + n);
      this.ids.copyWithin(s + position + 1, s + position, s + n);
    }
    this.keys[this.start + position] = key;
    this.ids[this.start + position] = level;
    this.length = n + 1;
  }

  removeAt(position: number): void {
    const n = this.length;
    const s = this.start;
    if (position < n - 1 - position) {
      // Shift [0, position) one to the right.
      this.keys.copyWithin(s + 1, s, s + position);
      this.ids.copyWithin(s + 1, s, s + position);
      this.start = s + 1;
    } else {
      // Shift (position, n) one to the left.
      this.keys.copyWithin(s + position, s + position + 1, s + n);
      this.ids.copyWithin(s + position, s + position + 1, s + n);
    }
    this.length = n - 1;
  }

  /** Whether `key` is >= the depth-th best key (always true while the side has <= depth levels). */
  isWithinTop(key: number, depth: number): boolean {
    const n = this.length;
    return n <= depth || key >= this.keys[this.start + n - depth];
  }

  clear(): void {
    this.length = 0;
    this.start = this.keys.length >> 1;
  }

  /** Moves the entries to the middle of buffers of `capacity` entries. */
  private recentre(capacity: number): void {
    const n = this.length;
    const start = (capacity - n) >> 1;
    const keys = new Float64Array(capacity);
    const ids = new Int32Array(capacity);
    keys.set(this.keys.subarray(this.start, this.start + n), start);
    ids.set(this.ids.subarray(this.start, this.start + n), start);
    this.keys = keys;
    this.ids = ids;
    this.start = start;
  }
}
