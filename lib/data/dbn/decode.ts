/**
 * Generic per-record object API, for every schema (definitions, statistics, status, bars...) and
 * for golden tests. Allocates one object per record: use `columnar.ts` for bulk trades and MBO.
 *
 *   const stream = decodeDbn(fs.createReadStream(path));   // or bytes, or chunks; zstd is detected
 *   for await (const record of stream) { ... }            // stream.metadata is set from the first record on
 */
import { DbnDecoder, type DecodeStats } from "./decoder";
import type { DbnMetadata } from "./metadata";
import type { DbnRecord } from "./record";
import { dbnChunks, dbnChunksSync, type DbnSource, type DbnSyncSource, type SourceOptions } from "./source";

export class DbnRecordStream implements AsyncIterable<DbnRecord> {
  private readonly decoder = new DbnDecoder();
  private started = false;

  constructor(
    private readonly source: DbnSource,
    private readonly options: SourceOptions = {},
  ) {}

  /** The stream's metadata once the first chunk is decoded (null before). */
  get metadata(): DbnMetadata | null {
    return this.decoder.metadata;
  }

  /** Walked records per rtype and the count of unknown rtypes (skipped). */
  get stats(): DecodeStats {
    return this.decoder.stats;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<DbnRecord> {
    if (this.started) throw new Error("a DbnRecordStream can be iterated once");
    this.started = true;
    const decoder = this.decoder;
    for await (const chunk of dbnChunks(this.source, this.options)) {
      decoder.push(chunk);
      for (let r = decoder.nextObject(); r; r = decoder.nextObject()) yield r;
    }
    decoder.finish();
    for (let r = decoder.nextObject(); r; r = decoder.nextObject()) yield r;
  }
}

export function decodeDbn(source: DbnSource, options?: SourceOptions): DbnRecordStream {
  return new DbnRecordStream(source, options);
}

export interface DecodedDbn {
  metadata: DbnMetadata;
  records: DbnRecord[];
  stats: DecodeStats;
}

/** Decodes a whole in-memory stream (zstd detected) into metadata and record objects. */
export function decodeDbnSync(source: DbnSyncSource, options?: SourceOptions): DecodedDbn {
  const decoder = new DbnDecoder();
  const records: DbnRecord[] = [];
  for (const chunk of dbnChunksSync(source, options)) {
    decoder.push(chunk);
    for (let r = decoder.nextObject(); r; r = decoder.nextObject()) records.push(r);
  }
  decoder.finish();
  for (let r = decoder.nextObject(); r; r = decoder.nextObject()) records.push(r);
  return { metadata: decoder.metadata as DbnMetadata, records, stats: decoder.stats };
}

/** Reads only the metadata of a stream (stops consuming input once it is complete). */
export async function readDbnMetadata(source: DbnSource, options?: SourceOptions): Promise<DbnMetadata> {
  const decoder = new DbnDecoder();
  for await (const chunk of dbnChunks(source, options)) {
    decoder.push(chunk);
    if (decoder.metadata) return decoder.metadata;
  }
  decoder.finish();
  return decoder.metadata as DbnMetadata;
}
