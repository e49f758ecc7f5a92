/**
 * Columnar order-by-order (MBO) records, Databento semantics (DOMAIN.md section 5): the shared
 * in-memory form between the DBN decoder and the order book. Struct-of-arrays, no per-record objects.
 *
 * Times: like TradeColumns, a bigint origin `baseNs` and exact float offsets (batches span < 2^53 ns).
 * Prices: Databento fixed point 1e-9 stored in a Float64Array - exact for |price| < 9,007,199
 * index points (2^53 / 1e9), far above any equity-index future; NaN = undefined price (i64::MAX).
 * Order ids: u64 split in two u32 halves (CME ids fit below 2^53 in practice, the format does not).
 */
export interface MboColumns {
  length: number;
  baseNs: bigint;
  /** ts_recv - baseNs. */
  tsRecvOffsetNs: Float64Array;
  /** ts_event - ts_recv. */
  tsEventDeltaNs: Float64Array;
  instrumentId: Uint32Array;
  orderIdHi: Uint32Array;
  orderIdLo: Uint32Array;
  /** Price in 1e-9 units (NaN when undefined). */
  priceNano: Float64Array;
  size: Uint32Array;
  flags: Uint8Array;
  channelId: Uint8Array;
  /** ASCII code: A add, C cancel, M modify, R clear, T trade, F fill, N none. */
  action: Uint8Array;
  /** ASCII code: B bid, A ask, N none. */
  side: Uint8Array;
  sequence: Uint32Array;
}

export const MBO_FLAG = { LAST: 128, TOB: 64, SNAPSHOT: 32, MBP: 16, BAD_TS_RECV: 8, MAYBE_BAD_BOOK: 4, PUBLISHER_SPECIFIC: 2 } as const;

export const ACTION = { ADD: 65, CANCEL: 67, MODIFY: 77, CLEAR: 82, TRADE: 84, FILL: 70, NONE: 78 } as const;
export const SIDE = { BID: 66, ASK: 65, NONE: 78 } as const;

export function allocateMboColumns(capacity: number, baseNs: bigint): MboColumns {
  return {
    length: 0,
    baseNs,
    tsRecvOffsetNs: new Float64Array(capacity),
    tsEventDeltaNs: new Float64Array(capacity),
    instrumentId: new Uint32Array(capacity),
    orderIdHi: new Uint32Array(capacity),
    orderIdLo: new Uint32Array(capacity),
    priceNano: new Float64Array(capacity),
    size: new Uint32Array(capacity),
    flags: new Uint8Array(capacity),
    channelId: new Uint8Array(capacity),
    action: new Uint8Array(capacity),
    side: new Uint8Array(capacity),
    sequence: new Uint32Array(capacity),
  };
}
