/**
 * Shared driver of the columnar decoders: feeds chunks to a DbnDecoder and lets a subclass fill
 * fixed-capacity batches straight from the decoder's byte window. Iterable synchronously (for an
 * in-memory source) and asynchronously (any source); `metadata` and `stats` are readable during
 * and after iteration.
 */
import { DbnDecoder, type DecodeStats } from "./decoder";
import type { DbnMetadata } from "./metadata";
import { dbnChunks, dbnChunksSync, type DbnSource, type DbnSyncSource, type SourceOptions } from "./source";

export const DEFAULT_BATCH_SIZE = 65_536;

export interface ColumnarOptions extends SourceOptions {
  /** Maximum records per batch (default 65,536). */
  batchSize?: number;
  /**
   * Refill one batch object instead of allocating one per batch (default false). Faster, but a
   * batch is only valid until the iterator advances.
   */
  reuseBatch?: boolean;
}

export abstract class ColumnStream<B> implements Iterable<B>, AsyncIterable<B> {
  protected readonly decoder = new DbnDecoder();
  protected readonly batchSize: number;
  private started = false;

  constructor(
    private readonly source: DbnSource,
    protected readonly options: ColumnarOptions = {},
  ) {
    this.batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${options.batchSize}`);
  }

  get metadata(): DbnMetadata | null {
    return this.decoder.metadata;
  }

  get stats(): DecodeStats {
    return this.decoder.stats;
  }

  /**
   * Fills the current batch from the decoder's window. Returns true when the batch is full,
   * false when the window holds no further complete record.
   */
  protected abstract fill(): boolean;
  /** Records in the current batch. */
  protected abstract pending(): number;
  /** Hands out the current batch and starts a new (or the reused) one. */
  protected abstract take(): B;

  *[Symbol.iterator](): Iterator<B> {
    const source = this.source;
    if (!(source instanceof Uint8Array) && typeof (source as Iterable<Uint8Array>)[Symbol.iterator] !== "function") {
      throw new TypeError("synchronous iteration needs an in-memory source (Uint8Array or Iterable<Uint8Array>)");
    }
    this.start();
    for (const chunk of dbnChunksSync(source as DbnSyncSource, this.options)) {
      this.decoder.push(chunk);
      yield* this.drain();
    }
    this.decoder.finish();
    yield* this.drain();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<B> {
    this.start();
    for await (const chunk of dbnChunks(this.source, this.options)) {
      this.decoder.push(chunk);
      yield* this.drain();
    }
    this.decoder.finish();
    yield* this.drain();
  }

  private start(): void {
    if (this.started) throw new Error("a column stream can be iterated once");
    this.started = true;
  }

  private *drain(): Generator<B> {
    if (!this.decoder.metadata) return;
    while (this.fill()) yield this.take();
    if (this.decoder.isFinished && this.pending() > 0) yield this.take();
  }
}
