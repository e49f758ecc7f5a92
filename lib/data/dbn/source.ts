/**
 * Input shapes accepted by the decoders, normalised to a chunk sequence, with zstd detected by
 * its magic number on the first bytes and decompressed on the fly.
 */
import { startsWithZstd, ZstdStream } from "./zstd";

/** A whole buffer, a sequence of chunks, or an async stream of chunks (e.g. a fs ReadStream). */
export type DbnSource = Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>;
export type DbnSyncSource = Uint8Array | Iterable<Uint8Array>;

export interface SourceOptions {
  /** "auto" (default): decompress when the input starts with the zstd magic; "none": never. */
  decompress?: "auto" | "none";
}

function isAsync(source: DbnSource): source is AsyncIterable<Uint8Array> {
  return typeof (source as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === "function";
}

/** Decompressed chunks of `source` (async). */
export async function* dbnChunks(source: DbnSource, options: SourceOptions = {}): AsyncGenerator<Uint8Array> {
  if (source instanceof Uint8Array || !isAsync(source)) {
    yield* dbnChunksSync(source, options);
    return;
  }
  const detector = new Detector(options.decompress ?? "auto");
  for await (const chunk of source) yield* detector.push(chunk);
  yield* detector.finish();
}

/** Decompressed chunks of `source` (synchronous). */
export function* dbnChunksSync(source: DbnSyncSource, options: SourceOptions = {}): Generator<Uint8Array> {
  const detector = new Detector(options.decompress ?? "auto");
  if (source instanceof Uint8Array) yield* detector.push(source);
  else for (const chunk of source) yield* detector.push(chunk);
  yield* detector.finish();
}

/** Buffers the first bytes until the compression can be decided, then passes chunks through. */
class Detector {
  private head: Uint8Array[] = [];
  private headBytes = 0;
  private zstd: ZstdStream | null = null;
  private decided = false;

  constructor(private readonly mode: "auto" | "none") {}

  push(chunk: Uint8Array): Uint8Array[] {
    if (chunk.length === 0) return [];
    if (this.decided) return this.zstd ? this.zstd.push(chunk) : [chunk];
    this.head.push(chunk);
    this.headBytes += chunk.length;
    return this.headBytes >= 4 ? this.decide() : [];
  }

  finish(): Uint8Array[] {
    const out = this.decided ? [] : this.decide();
    return this.zstd ? [...out, ...this.zstd.finish()] : out;
  }

  private decide(): Uint8Array[] {
    this.decided = true;
    const first = this.head.length === 1 ? this.head[0] : concat(this.head, this.headBytes);
    this.head = [];
    if (this.mode === "auto" && startsWithZstd(first)) {
      this.zstd = new ZstdStream();
      return this.zstd.push(first);
    }
    return first.length > 0 ? [first] : [];
  }
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
