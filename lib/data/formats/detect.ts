/**
 * Tells the format of an import file from its first bytes (decompressed first when zstd):
 * "DBN" magic -> dbn; "SCID" -> scid; a Databento CSV header (ts_recv or ts_event first, then
 * price and size or the columns of any schema we import: databento-records.ts) -> databento-csv;
 * a first JSON line with a record header "hd" (or Databento's metadata object) -> databento-json
 * (any schema); a NinjaTrader tick/bar line -> ninjatrader; anything else is generic CSV only when
 * a column mapping was given. Otherwise a clear error names what was seen.
 */
import { AppError } from "../../errors";
import { familyOfFields } from "./databento-records";
import { baseName, headBytes, headLines } from "./file-chunks";
import { NINJATRADER_LINE } from "./ninjatrader";
import { isScid } from "./scid";
import type { ImportFormat } from "./types";

export interface DetectOptions {
  /** A generic CSV column mapping was given: unknown text is read as generic CSV. */
  hasCsvMapping?: boolean;
}

/** The format of `head` (the first bytes of a file's content), or a description of what it is. */
export function detectFromHead(head: Uint8Array, complete: boolean, options: DetectOptions = {}): ImportFormat | { seen: string } {
  if (head.length >= 3 && head[0] === 0x44 && head[1] === 0x42 && head[2] === 0x4e) return "dbn";
  if (isScid(head)) return "scid";
  if (head.length === 0) return { seen: "an empty file" };
  if (!isText(head)) return { seen: "binary data that is neither DBN nor SCID" };
  const first = headLines(head, complete).find((l) => l.trim().length > 0);
  if (first === undefined) return { seen: head.length > 0 ? "no complete line of text" : "an empty file" };
  const line = first.trim();
  if (line.startsWith("{")) {
    try {
      const value = JSON.parse(line) as Record<string, unknown>;
      if (value && typeof value === "object" && ((typeof value.hd === "object" && value.hd !== null) || ("dataset" in value && "schema" in value))) return "databento-json";
    } catch {
      // not JSON: fall through to the description
    }
  }
  const header = line.split(",").map((s) => s.trim());
  if ((header[0] === "ts_recv" || header[0] === "ts_event") && ((header.includes("price") && header.includes("size")) || familyOfFields(header) !== null)) return "databento-csv";
  if (NINJATRADER_LINE.test(line)) return "ninjatrader";
  if (options.hasCsvMapping) return "csv";
  return { seen: `first line "${line.length > 120 ? `${line.slice(0, 120)}...` : line}"` };
}

/** True when the bytes look like text (no NUL, few control characters). */
function isText(head: Uint8Array): boolean {
  const n = Math.min(head.length, 4096);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = head[i];
    if (b === 0) return false;
    if (b < 9 || (b > 13 && b < 32)) control++;
  }
  return control <= n / 100;
}

/** The format of one file; throws a clear error when it cannot be told. */
export async function detectFormat(file: string, options: DetectOptions = {}): Promise<ImportFormat> {
  const { bytes, complete } = await headBytes(file);
  const result = detectFromHead(bytes, complete, options);
  if (typeof result === "string") return result;
  throw new AppError("unprocessable", `Cannot tell the format of ${baseName(file)}: ${result.seen}; choose the format (CLI: --format dbn, databento-csv, databento-json, ninjatrader, scid, or csv with --columns)`);
}

/** One format for all files of an import (`format` "auto" detects each; they must agree). */
export async function resolveFormat(files: string[], format: ImportFormat | "auto", options: DetectOptions = {}): Promise<ImportFormat> {
  if (format !== "auto") return format;
  const formats = new Set<ImportFormat>();
  for (const file of files) formats.add(await detectFormat(file, options));
  if (formats.size > 1) throw new AppError("unprocessable", `The files of one import must share a format; found ${[...formats].join(", ")}`);
  return [...formats][0];
}
