/**
 * Databento DBN files (v1-v3, plain or zstd) as a trade source: the columnar fast path of
 * lib/data/dbn (trades, and the trade records of MBP-1/TBBO/MBP-10), its rejects mapped to the
 * format-neutral shape. The files are decoded as one stream, as before the refactoring; the
 * instrument symbols come from the files' metadata.
 */
import { decodeTradeColumns } from "../dbn/columnar-trades";
import { readDbnMetadata } from "../dbn/decode";
import { readFileChunks } from "../dbn/dbn-file";
import { countedChunks } from "./file-chunks";
import type { ByteCounter, SourceBatch, TradeSource } from "./types";

export class DbnTradeSource implements TradeSource {
  readonly format = "dbn" as const;

  constructor(
    private readonly files: string[],
    private readonly counter?: ByteCounter,
  ) {}

  async symbols(): Promise<string[]> {
    const symbols = new Set<string>();
    for (const file of this.files) for (const s of (await readDbnMetadata(readFileChunks(file))).symbols) symbols.add(s);
    return [...symbols];
  }

  async *batches(tickSizeNano: bigint): AsyncGenerator<SourceBatch> {
    const files = this.files;
    const counter = this.counter;
    async function* chunks(): AsyncGenerator<Uint8Array> {
      for (const file of files) yield* countedChunks(file, counter);
    }
    for await (const batch of decodeTradeColumns(chunks(), { tickSizeNano })) {
      yield {
        columns: batch.columns,
        rejected: batch.rejected.map((r) => ({
          recordIndex: r.recordIndex,
          reason: r.reason,
          tsRecvNs: r.tsRecvNs,
          payload: { instrumentId: r.instrumentId, priceNano: r.priceNano?.toString() ?? null, size: r.size },
        })),
      };
    }
  }
}
