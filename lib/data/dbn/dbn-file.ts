/**
 * Thin file edge of the DBN decoder: streams a .dbn or .dbn.zst file from disk (node:fs) into the
 * pure decoders, which detect zstd by its magic (0xFD2FB528) and decode every frame.
 */
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { AppError } from "../../errors";
import { decodeMboColumns, type MboColumnStream } from "./columnar-mbo";
import { decodeTradeColumns, type TradeColumnOptions, type TradeColumnStream } from "./columnar-trades";
import type { ColumnarOptions } from "./column-stream";
import { decodeDbn, type DbnRecordStream } from "./decode";
import { dbnChunksSync } from "./source";

const CHUNK_BYTES = 1 << 20;

/** Raw (possibly compressed) chunks of a file; a missing file becomes AppError "not_found". */
export async function* readFileChunks(path: string): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES })) yield chunk as Uint8Array;
  } catch (error) {
    throw fileError(path, error);
  }
}

/** The whole decompressed DBN stream of a file, in memory (tests, benchmarks, small files). */
export async function readDbnFile(path: string): Promise<Uint8Array> {
  let raw: Uint8Array;
  try {
    raw = await readFile(path);
  } catch (error) {
    throw fileError(path, error);
  }
  const chunks = [...dbnChunksSync(raw)];
  if (chunks.length === 1) return chunks[0];
  let total = 0;
  for (const c of chunks) total += c.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

export function decodeDbnFile(path: string): DbnRecordStream {
  return decodeDbn(readFileChunks(path));
}

export function decodeMboFile(path: string, options?: ColumnarOptions): MboColumnStream {
  return decodeMboColumns(readFileChunks(path), options);
}

export function decodeTradeFile(path: string, options: TradeColumnOptions): TradeColumnStream {
  return decodeTradeColumns(readFileChunks(path), options);
}

function fileError(path: string, error: unknown): Error {
  if (error instanceof AppError) return error;
  const code = (error as { code?: string }).code;
  if (code === "ENOENT") return new AppError("not_found", `DBN file not found: ${path}`, { cause: error });
  return new AppError("unprocessable", `Cannot read DBN file ${path}: ${(error as Error).message}`, { cause: error });
}
