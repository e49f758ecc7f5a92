/** Test helpers for the format parsers: run bytes through a parser and flatten the batches. */
import { TradeBatcher } from "./trade-batcher";
import { TextRecordReader, type LineParser } from "./text-source";
import type { SourceBatch, SourceRejected } from "./types";

export interface FlatTrade {
  tsRecvNs: bigint;
  tsEventNs: bigint;
  priceTicks: number;
  size: number;
  side: number;
}

export function flatten(batches: SourceBatch[]): { trades: FlatTrade[]; rejected: SourceRejected[] } {
  const trades: FlatTrade[] = [];
  const rejected: SourceRejected[] = [];
  for (const b of batches) {
    const c = b.columns;
    for (let i = 0; i < c.length; i++) {
      const tsRecvNs = c.baseNs + BigInt(c.tsOffsetNs[i]);
      trades.push({ tsRecvNs, tsEventNs: tsRecvNs + BigInt(c.eventDeltaNs[i]), priceTicks: c.priceTicks[i], size: c.size[i], side: c.side[i] });
    }
    rejected.push(...b.rejected);
  }
  return { trades, rejected };
}

/** Splits `bytes` into chunks of `size` bytes (1 = the worst case for boundaries). */
export function chunked(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

/** Parses text through `parser` fed in chunks of `chunkSize` bytes. */
export function parseText(parser: LineParser, text: string | Uint8Array, tickSizeNano = 250_000_000n, chunkSize = 1 << 20, file = "test.txt") {
  const bytes = typeof text === "string" ? new TextEncoder().encode(text) : text;
  const batcher = new TradeBatcher(tickSizeNano);
  const reader = new TextRecordReader(parser, batcher, file);
  for (const chunk of chunked(bytes, chunkSize)) reader.push(chunk);
  reader.finish();
  batcher.cut();
  return flatten(batcher.takeReady());
}
