/**
 * Columnar MBP-10 records (market by price, ten levels a side): the in-memory form shared by the
 * DBN quote importer (MBP-10 files), the depth store (lib/data/depth-blocks.ts) and the depth feed
 * of the book engine (depth-feed.ts). Struct-of-arrays, no per-record objects.
 *
 * One record = one Databento MBP-10 record: the update it reports (action, side, depth = the level
 * it touched, price, size, flags) and the ten best levels of each side AFTER it (for a trade, T:
 * the book it printed against - the cancels that remove the filled orders follow it). Times as in
 * QuoteColumns: a bigint origin `baseNs` and exact float offsets. Prices are integer ticks, NaN
 * when undefined.
 *
 * Levels are row-major: record i, level k (0 = best) at `i * DEPTH_LEVELS + k`. A level is present
 * when its price is defined; an empty level is price NaN, size 0, count 0, and empty levels only
 * follow the present ones (Databento fills the unused tail of the ten with undefined prices).
 * `depthLevelsProblem` checks a record against that shape and the price order (bids strictly
 * descending, asks strictly ascending), which the importer requires.
 */

export const DEPTH_LEVELS = 10;

export interface DepthColumns {
  length: number;
  baseNs: bigint;
  /** ts_recv - baseNs, ascending in file order (ties keep file order). */
  tsRecvOffsetNs: Float64Array;
  /** ts_event - ts_recv. */
  tsEventDeltaNs: Float64Array;
  /** ASCII: A add, C cancel, M modify, R clear, T trade, F fill, N none. */
  action: Uint8Array;
  /** ASCII: B bid, A ask, N none (for a trade: the aggressor). */
  side: Uint8Array;
  /** The level the record updated (Databento `depth`). */
  depth: Uint8Array;
  /** Databento flags (bit 128 LAST: the last record of an exchange event). */
  flags: Uint8Array;
  /** The record's own price in ticks (the trade's for T), NaN when undefined. */
  priceTicks: Float64Array;
  size: Uint32Array;
  /** Ten levels per record, row-major (see the module comment). */
  bidTicks: Float64Array;
  askTicks: Float64Array;
  bidSize: Uint32Array;
  askSize: Uint32Array;
  bidCount: Uint32Array;
  askCount: Uint32Array;
}

export function allocateDepthColumns(capacity: number, baseNs: bigint): DepthColumns {
  const cells = capacity * DEPTH_LEVELS;
  return {
    length: 0,
    baseNs,
    tsRecvOffsetNs: new Float64Array(capacity),
    tsEventDeltaNs: new Float64Array(capacity),
    action: new Uint8Array(capacity),
    side: new Uint8Array(capacity),
    depth: new Uint8Array(capacity),
    flags: new Uint8Array(capacity),
    priceTicks: new Float64Array(capacity),
    size: new Uint32Array(capacity),
    bidTicks: new Float64Array(cells),
    askTicks: new Float64Array(cells),
    bidSize: new Uint32Array(cells),
    askSize: new Uint32Array(cells),
    bidCount: new Uint32Array(cells),
    askCount: new Uint32Array(cells),
  };
}

/** Records a batch of `capacity` holds in memory, bytes (the ten-level rows dominate: 320 bytes a record). */
export const DEPTH_RECORD_BYTES = 8 + 8 + 1 + 1 + 1 + 1 + 8 + 4 + DEPTH_LEVELS * (8 + 8 + 4 + 4 + 4 + 4);

/**
 * Why record i's levels break the shape the store and the feed rely on, or null: a present level
 * after an empty one, an empty level with a size or count, or prices not strictly ordered best
 * first on a side.
 */
export function depthLevelsProblem(c: DepthColumns, i: number): string | null {
  return sideProblem(c.bidTicks, c.bidSize, c.bidCount, i * DEPTH_LEVELS, 1) ?? sideProblem(c.askTicks, c.askSize, c.askCount, i * DEPTH_LEVELS, -1);
}

function sideProblem(px: Float64Array, size: Uint32Array, count: Uint32Array, at: number, direction: 1 | -1): string | null {
  let present = true;
  for (let k = 0; k < DEPTH_LEVELS; k++) {
    const p = px[at + k];
    if (p !== p) {
      if (size[at + k] !== 0 || count[at + k] !== 0) return `level ${k} has a size or count but no price`;
      present = false;
      continue;
    }
    if (!present) return `level ${k} follows an empty level`;
    if (k > 0 && !((px[at + k - 1] - p) * direction > 0)) return `level ${k} is not ${direction === 1 ? "below" : "above"} level ${k - 1}`;
  }
  return null;
}

/** Number of present levels of a side of record i (they come first). */
export function presentLevels(px: Float64Array, i: number): number {
  const at = i * DEPTH_LEVELS;
  let n = 0;
  while (n < DEPTH_LEVELS && px[at + n] === px[at + n]) n++;
  return n;
}
