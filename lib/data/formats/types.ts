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
 */
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
