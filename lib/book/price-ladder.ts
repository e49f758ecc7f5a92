/**
 * One side's price levels as a sorted array: `keys` ascending, best level LAST (key = price for
 * bids, -price for asks), `levels` the parallel level ids. Activity concentrates at the top of book,
 * which is the end of the arrays, so a lookup probes the last few keys linearly and only then binary
 * searches; inserting or removing a level shifts only the levels better than it.
 *
 * Cost: O(1) for the top ~8 levels, O(log n) lookup elsewhere, O(levels better than it) to insert
 * or remove a level. A level far from the market (ES bids at 100.00) is inserted once at the far
 * end in O(n) and never touched again. No price range is assumed: keys are any doubles (prices in
 * 1e-9 units are exact integers), including negative calendar-spread prices.
 */

const LINEAR_PROBES = 8;

export class PriceLadder {
  keys: Float64Array;
  levels: Int32Array;
  length = 0;

  constructor(initialCapacity = 256) {
    this.keys = new Float64Array(initialCapacity);
    this.levels = new Int32Array(initialCapacity);
  }

  /** Position of `key`, or `~insertionPosition` (negative) when absent. */
  find(key: number): number {
    const keys = this.keys;
    const n = this.length;
    const stop = n > LINEAR_PROBES ? n - LINEAR_PROBES : 0;
    for (let j = n - 1; j >= stop; j--) {
      const k = keys[j];
      if (k === key) return j;
      if (k < key) return ~(j + 1);
    }
    // key < keys[stop]: binary search in [0, stop).
    let lo = 0;
    let hi = stop;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const k = keys[mid];
      if (k < key) lo = mid + 1;
      else if (k > key) hi = mid;
      else return mid;
    }
    return ~lo;
  }

  insertAt(position: number, key: number, level: number): void {
    if (this.length === this.keys.length) this.grow();
    const n = this.length;
    if (position < n) {
      this.keys.copyWithin(position + 1, position, n);
      this.levels.copyWithin(position + 1, position, n);
    }
    this.keys[position] = key;
    this.levels[position] = level;
    this.length = n + 1;
  }

  removeAt(position: number): void {
    const n = this.length - 1;
    if (position < n) {
      this.keys.copyWithin(position, position + 1, n + 1);
      this.levels.copyWithin(position, position + 1, n + 1);
    }
    this.length = n;
  }

  /**
   * Whether `key` is among the best `depth` keys (or would be, were it inserted before the change):
   * key >= the depth-th best key.
   */
  isWithinTop(key: number, depth: number): boolean {
    const n = this.length;
    return n <= depth || key >= this.keys[n - depth];
  }

  clear(): void {
    this.length = 0;
  }

  private grow(): void {
    const keys = new Float64Array(this.keys.length * 2);
    keys.set(this.keys);
    const levels = new Int32Array(this.levels.length * 2);
    levels.set(this.levels);
    this.keys = keys;
    this.levels = levels;
  }
}
