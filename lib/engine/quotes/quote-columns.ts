/**
 * Columnar top-of-book quotes (MBP-1, TBBO, BBO, the best level of MBP-10): the in-memory form
 * shared by the DBN quote importer, the quote store (lib/data/quote-blocks.ts) and the quote feed
 * of the book engine (quote-feed.ts). Struct-of-arrays, no per-quote objects.
 *
 * One quote = the book's best bid and ask AFTER the source record (Databento MBP semantics; for
 * TBBO the BBO just before the trade, which the trade does not change). Times as in TradeColumns:
 * a bigint origin `baseNs` and exact float offsets. Prices are integer ticks, NaN when the side is
 * empty (Databento's undefined price with size 0).
 */
export interface QuoteColumns {
  length: number;
  baseNs: bigint;
  /** ts_recv - baseNs, ascending (ties keep file order). */
  tsRecvOffsetNs: Float64Array;
  /** ts_event - ts_recv. */
  tsEventDeltaNs: Float64Array;
  /** Best bid / ask in integer ticks; NaN = side empty. */
  bidTicks: Float64Array;
  askTicks: Float64Array;
  bidSize: Uint32Array;
  askSize: Uint32Array;
  /** Orders at the best price (Databento bid_ct / ask_ct; 0 when unknown). */
  bidCount: Uint32Array;
  askCount: Uint32Array;
  /** Bit set, QUOTE_KIND. */
  kind: Uint8Array;
}

export const QUOTE_KIND = {
  /** The source record was a trade (action T): its trade comes right after this quote in the replay. */
  TRADE: 1,
  /**
   * The source gives prices but no sizes (NinjaTrader `last;bid;ask;volume`): bidSize/askSize are
   * stored as 0 meaning "unknown", and a side with a price is NOT empty. The replay shows such a
   * side as one displayed contract (quote-feed.ts).
   */
  SIZE_UNKNOWN: 2,
} as const;

export function allocateQuoteColumns(capacity: number, baseNs: bigint): QuoteColumns {
  return {
    length: 0,
    baseNs,
    tsRecvOffsetNs: new Float64Array(capacity),
    tsEventDeltaNs: new Float64Array(capacity),
    bidTicks: new Float64Array(capacity),
    askTicks: new Float64Array(capacity),
    bidSize: new Uint32Array(capacity),
    askSize: new Uint32Array(capacity),
    bidCount: new Uint32Array(capacity),
    askCount: new Uint32Array(capacity),
    kind: new Uint8Array(capacity),
  };
}

/** Copies quote `from` of `src` to index `to` of `dst` (times re-based onto dst.baseNs). */
export function copyQuote(src: QuoteColumns, from: number, dst: QuoteColumns, to: number): void {
  dst.tsRecvOffsetNs[to] = src.baseNs === dst.baseNs ? src.tsRecvOffsetNs[from] : Number(src.baseNs + BigInt(src.tsRecvOffsetNs[from]) - dst.baseNs);
  dst.tsEventDeltaNs[to] = src.tsEventDeltaNs[from];
  dst.bidTicks[to] = src.bidTicks[from];
  dst.askTicks[to] = src.askTicks[from];
  dst.bidSize[to] = src.bidSize[from];
  dst.askSize[to] = src.askSize[from];
  dst.bidCount[to] = src.bidCount[from];
  dst.askCount[to] = src.askCount[from];
  dst.kind[to] = src.kind[from];
}
