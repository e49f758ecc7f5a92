/**
 * Columnar trade ticks: the one in-memory representation of trades shared by the generator, the
 * tick store, importers and the engine. Struct-of-arrays, no per-tick objects.
 *
 * Times: nanosecond timestamps do not fit a float64 (2^53 ns is ~104 days), so a batch carries a
 * `baseNs` (bigint) and per-tick offsets from it in a Float64Array. Offsets are exact integers as
 * long as a batch spans less than 2^53 ns; batches are cut per session (about a day), far below.
 * Absolute time of tick i: baseNs + BigInt(tsOffsetNs[i]).
 */
export interface TradeColumns {
  /** Number of valid ticks (arrays may be longer). */
  length: number;
  /** Receive time origin, ns since the UNIX epoch. */
  baseNs: bigint;
  /** ts_recv - baseNs for each tick, ascending (ties keep source order). */
  tsOffsetNs: Float64Array;
  /** ts_event - ts_recv for each tick (exchange minus local receipt time; <= 0 in practice). */
  eventDeltaNs: Float64Array;
  /** Price in integer ticks of the instrument (price / tickSize). */
  priceTicks: Int32Array;
  size: Int32Array;
  /** Aggressor side: 1 buy, -1 sell, 0 none (e.g. an auction print). */
  side: Int8Array;
}

export function allocateTradeColumns(capacity: number, baseNs: bigint): TradeColumns {
  return {
    length: 0,
    baseNs,
    tsOffsetNs: new Float64Array(capacity),
    eventDeltaNs: new Float64Array(capacity),
    priceTicks: new Int32Array(capacity),
    size: new Int32Array(capacity),
    side: new Int8Array(capacity),
  };
}

/** Absolute receive time of tick `i`, ns since the epoch. */
export function tsRecvNsAt(columns: TradeColumns, i: number): bigint {
  return columns.baseNs + BigInt(columns.tsOffsetNs[i]);
}

/** A view of the first `length` ticks with arrays trimmed to size (copies nothing). */
export function trimTradeColumns(columns: TradeColumns): TradeColumns {
  const n = columns.length;
  return {
    length: n,
    baseNs: columns.baseNs,
    tsOffsetNs: columns.tsOffsetNs.subarray(0, n),
    eventDeltaNs: columns.eventDeltaNs.subarray(0, n),
    priceTicks: columns.priceTicks.subarray(0, n),
    size: columns.size.subarray(0, n),
    side: columns.side.subarray(0, n),
  };
}
