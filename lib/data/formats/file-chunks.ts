/**
 * File edge of the importers: raw chunks of a file counted into a shared byte counter (progress),
 * then zstd-decompressed when the file starts with the zstd magic (Databento delivers .csv.zst and
 * .json.zst as well as .dbn.zst).
 */
import { open } from "node:fs/promises";
import { AppError } from "../../errors";
import { readFileChunks } from "../dbn/dbn-file";
import { dbnChunks } from "../dbn/source";
import { startsWithZstd, ZstdStream } from "../dbn/zstd";
import { LineSplitter } from "./line-splitter";
import type { ByteCounter } from "./types";

export async function* countedChunks(file: string, counter?: ByteCounter): AsyncGenerator<Uint8Array> {
  for await (const chunk of readFileChunks(file)) {
    if (counter) counter.bytesRead += chunk.length;
    yield chunk;
  }
}

/** Decompressed content of a file, in chunks. */
export function contentChunks(file: string, counter?: ByteCounter): AsyncGenerator<Uint8Array> {
  return dbnChunks(countedChunks(file, counter));
}

/** "dir/MNQ 12-25.Last.txt" -> "MNQ 12-25.Last.txt" (both separators). */
export function baseName(file: string): string {
  return file.split(/[\\/]/).pop() ?? file;
}

/**
 * The first bytes of a file's content (decompressed when zstd), at most `maxBytes` raw bytes
 * read; for format detection and for peeking at the first records.
 */
export async function headBytes(file: string, maxBytes = 64 * 1024): Promise<{ bytes: Uint8Array; complete: boolean }> {
  let handle;
  try {
    handle = await open(file, "r");
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new AppError(code === "ENOENT" ? "not_found" : "unprocessable", code === "ENOENT" ? `File not found: ${file}` : `Cannot read ${file}: ${(error as Error).message}`);
  }
  let raw: Uint8Array;
  try {
    const buffer = Buffer.alloc(maxBytes);
    const { bytesRead } = await handle.read(buffer, 0, maxBytes, 0);
    raw = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  const complete = raw.length < maxBytes;
  if (!startsWithZstd(raw)) return { bytes: raw, complete };
  const stream = new ZstdStream();
  try {
    const blocks = stream.push(raw);
    const total = blocks.reduce((n, b) => n + b.length, 0);
    const out = new Uint8Array(total);
    let at = 0;
    for (const b of blocks) {
      out.set(b, at);
      at += b.length;
    }
    return { bytes: out, complete };
  } catch {
    return { bytes: new Uint8Array(0), complete: false };
  }
}

/** Complete text lines at the start of `head` (a cut last line dropped unless the head is all). */
export function headLines(head: Uint8Array, complete: boolean): string[] {
  const splitter = new LineSplitter("head");
  const lines = splitter.push(head);
  return complete ? [...lines, ...splitter.finish()] : lines;
}
