/**
 * The format-neutral contract between vendor-file parsers and the import pipeline
 * (lib/data/import/import-trades.ts). A "trade source" turns one import's files into batches of
 * accepted trades (`TradeColumns`, integer ticks) plus the records it could not take, each with a
 * reason and a payload to quarantine; it also names the instrument symbols the files carry.
 *
 * Times: ts_recv/ts_event in ns since the epoch (UTC). Formats with one timestamp (NinjaTrader,
 * Sierra Chart, generic CSV) use it for both: ts_event - ts_recv = 0.
 * Prices: integer units of 1e-9 (Databento's fixed point) until the batcher divides them by the
 * tick size; a price off the tick grid is rejected ("off_tick_grid"), never rounded.
 *
 * Quotes: a format whose trade records carry the top of book they printed against (NinjaTrader's
 * `last;bid;ask;volume` export) sets `ParsedTrade.quote`; the batcher then adds a `SourceQuotes`
 * batch to the trades (QuoteColumns, lib/engine/quotes/quote-columns.ts), which the importer stores
 * in `quote_blocks` next to the trades (lib/data/import/import-source-quotes.ts).
 */
import type { QuoteColumns } from "../../engine/quotes/quote-columns";
import type { TradeColumns } from "../../market/trade-columns";

export const IMPORT_FORMATS = ["dbn", "databento-csv", "databento-json", "ninjatrader", "scid", "csv"] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** One trade as parsed from a record, before the tick-grid check. Reused between records. */
export interface ParsedTrade {
  tsRecvNs: bigint;
  tsEventNs: bigint;
  /** Price in 1e-9 units (an exact integer when safe; NaN when not representable). */
  priceNano: number;
  size: number;
  /** 1 buy aggressor, -1 sell aggressor, 0 unknown/none. */
  side: number;
  /** The top of book the trade printed against, when the format carries one (else null/absent). */
  quote?: ParsedQuote | null;
}

/** The best bid and ask a trade record carries (like Databento TBBO: the book just before the trade). */
export interface ParsedQuote {
  /** Prices in 1e-9 units (exact integers when safe); NaN = that side is empty. */
  bidNano: number;
  askNano: number;
  /** Displayed sizes; NaN = the format gives none (stored as 0 with QUOTE_KIND.SIZE_UNKNOWN). */
  bidSize: number;
  askSize: number;
}

export function emptyParsedTrade(): ParsedTrade {
  return { tsRecvNs: 0n, tsEventNs: 0n, priceNano: 0, size: 0, side: 0 };
}

/** A record a parser could not turn into a trade. */
export interface ParseReject {
  reason: string;
  /** What was wrong, for the quarantine payload. */
  detail: string;
  tsRecvNs?: bigint | null;
}

/** A record left out of the columns, to quarantine. */
export interface SourceRejected {
  /** Text formats: 1-based line number in its file; binary formats: 0-based record index. */
  recordIndex: number;
  reason: string;
  tsRecvNs: bigint | null;
  payload: Record<string, unknown>;
}

export interface SourceBatch {
  columns: TradeColumns;
  /** Records walked while filling this batch but left out of it. */
  rejected: SourceRejected[];
  /** Where accepted trade `i` came from (index and payload), for trades validation rejects later. */
  origin?(i: number): { recordIndex: number; payload: Record<string, unknown> };
  /** The quotes of the same records, for formats that carry them (see the module comment). */
  quotes?: SourceQuotes;
}

/**
 * The quotes of a batch's records, in file order. Quote rules (as the DBN quote import,
 * import-dbn-quotes.ts): a side off the tick grid (or beyond int32 ticks) rejects the quote
 * (`quote_off_tick_grid`), a quote earlier than the previous one rejects it (`quote_out_of_order`:
 * the replay merges quotes and trades by time); crossed (bid > ask) and locked (bid = ask) quotes are
 * stored and flagged. A quote's rejection leaves its trade alone, and the other way round.
 */
export interface SourceQuotes {
  columns: QuoteColumns;
  /**
   * For accepted trade i of the batch's `columns`: the index in `columns` here of the quote of its
   * own record, -1 when none. That quote carries QUOTE_KIND.TRADE (the replay puts the trade right
   * after it); an importer that rejects trade i later must clear the bit.
   */
  quoteOfTrade: Int32Array;
  /** Quote-bearing records walked for this batch (stored + rejected). */
  read: number;
  /** Quotes left out, to quarantine (their trades are not counted here). */
  rejected: SourceRejected[];
  /** Stored quotes that are flagged (reasons `flag_crossed_quote`, `flag_locked_quote`). */
  flagged: SourceRejected[];
}

export interface TradeSource {
  readonly format: ImportFormat;
  /** Instrument symbols the files name (may read their first records); empty when they name none. */
  symbols(): Promise<string[]>;
  /** The batches, in file order; memory bounded by one batch whatever the file size. */
  batches(tickSizeNano: bigint): AsyncIterable<SourceBatch>;
}

/** Raw bytes read so far from the files (for progress), shared by a source and its caller. */
export interface ByteCounter {
  bytesRead: number;
}
