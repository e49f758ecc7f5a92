/**
 * Streaming zstd decompression for .dbn.zst input, via the pure-JS `fzstd` decoder (Node 20 has
 * no built-in zstd). Databento files are often several zstd frames back to back: fzstd's
 * streaming `Decompress` continues with the next frame (and skips skippable frames), so every
 * frame is decoded. Corrupt or truncated compressed data becomes an AppError ("unprocessable").
 */
import { Decompress } from "fzstd";
import { dbnError } from "./dbn-error";

/** Frame magic 0xFD2FB528, little-endian on disk. */
export const ZSTD_MAGIC = 0xfd2fb528;

/** True when `bytes` starts with a zstd frame (or a skippable frame, 0x184D2A50-5F). */
export function startsWithZstd(bytes: Uint8Array): boolean {
  if (bytes.length < 4) return false;
  const magic = (bytes[0] | (bytes[1] << 8) | (bytes[2] << 16) | (bytes[3] << 24)) >>> 0;
  return magic === ZSTD_MAGIC || (magic & 0xfffffff0) === 0x184d2a50;
}

/** One zstd stream: push compressed chunks, collect decompressed blocks. */
export class ZstdStream {
  private readonly decompressor: Decompress;
  private out: Uint8Array[] = [];
  private compressedBytes = 0;

  constructor() {
    this.decompressor = new Decompress((block) => {
      if (block.length > 0) this.out.push(block);
    });
  }

  /** Decompressed blocks made available by `chunk` (fresh arrays, safe to keep). */
  push(chunk: Uint8Array): Uint8Array[] {
    this.compressedBytes += chunk.length;
    return this.run(() => this.decompressor.push(chunk, false));
  }

  /** Ends the stream; throws when it stops inside a frame. */
  finish(): Uint8Array[] {
    return this.run(() => this.decompressor.push(new Uint8Array(0), true));
  }

  private run(step: () => void): Uint8Array[] {
    try {
      step();
    } catch (error) {
      const truncated = (error as { code?: number }).code === 5;
      throw dbnError(
        truncated
          ? `the zstd stream ends inside a frame (truncated file?) after ${this.compressedBytes} compressed bytes`
          : `corrupt zstd data (${(error as Error).message}) within the first ${this.compressedBytes} compressed bytes`,
      );
    }
    const blocks = this.out;
    this.out = [];
    return blocks;
  }
}

/** Decompresses a whole in-memory zstd buffer (all frames). */
export function zstdDecompress(compressed: Uint8Array): Uint8Array {
  const stream = new ZstdStream();
  const blocks = [...stream.push(compressed), ...stream.finish()];
  let total = 0;
  for (const b of blocks) total += b.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const b of blocks) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}
