/**
 * Vendor trade formats: options, detection and the trade source of each format (see types.ts for
 * the contract and each module for its format).
 */
import { z } from "zod";
import { AppError } from "../../errors";
import { DatabentoCsvParser, DatabentoJsonParser } from "./databento-text";
import { DbnTradeSource } from "./dbn-source";
import { baseName, headBytes, headLines } from "./file-chunks";
import { GenericCsvParser, genericCsvOptionsSchema } from "./generic-csv";
import { instrumentFromFileName, NinjaTraderParser } from "./ninjatrader";
import { ScidTradeSource } from "./scid";
import { TextTradeSource } from "./text-source";
import { emptyParsedTrade, IMPORT_FORMATS, type ByteCounter, type ImportFormat, type TradeSource } from "./types";
import { checkTimeZone, WallClock } from "./wall-time";

export { detectFormat, resolveFormat } from "./detect";
export { IMPORT_FORMATS, type ImportFormat, type TradeSource } from "./types";
export type { GenericCsvOptions } from "./generic-csv";

export const importFormatSchema = z.enum(IMPORT_FORMATS);

/** Options some formats need (validated at the edge). */
export const formatOptionsSchema = z
  .object({
    /** IANA zone of wall-clock times (NinjaTrader, generic CSV readings without offset); default UTC. */
    timezone: z.string().trim().min(1).max(64).refine((zone) => {
      try {
        checkTimeZone(zone);
        return true;
      } catch {
        return false;
      }
    }, "an IANA time zone such as UTC or America/New_York").optional(),
    /** Generic CSV: column mapping, time format, price scale. */
    csv: genericCsvOptionsSchema.optional(),
  })
  .strict();
export type FormatOptions = z.input<typeof formatOptionsSchema>;

/** The trade source of `format` over `files`. */
export function createTradeSource(format: ImportFormat, files: string[], rawOptions: FormatOptions = {}, counter?: ByteCounter): TradeSource {
  const options = formatOptionsSchema.parse(rawOptions);
  const clock = () => new WallClock(options.timezone ?? "UTC");
  switch (format) {
    case "dbn":
      return new DbnTradeSource(files, counter);
    case "scid":
      return new ScidTradeSource(files, counter);
    case "databento-csv":
    case "databento-json": {
      const make = () => (format === "databento-csv" ? new DatabentoCsvParser() : new DatabentoJsonParser());
      return new TextTradeSource({ format, files, counter, newParser: make, symbols: () => peekDatabentoSymbols(files, make) });
    }
    case "ninjatrader":
      return new TextTradeSource({ format, files, counter, newParser: () => new NinjaTraderParser(clock()), symbols: async () => fileNameSymbols(files) });
    case "csv": {
      const csv = options.csv;
      if (!csv) throw new AppError("bad_request", "The generic CSV format needs a column mapping (--columns time=..,price=..,size=..)");
      return new TextTradeSource({ format, files, counter, newParser: () => new GenericCsvParser(csv, clock()), symbols: async () => fileNameSymbols(files) });
    }
  }
}

function fileNameSymbols(files: string[]): string[] {
  const symbols = new Set<string>();
  for (const file of files) {
    const s = instrumentFromFileName(baseName(file));
    if (s) symbols.add(s);
  }
  return [...symbols];
}

/** The symbol of each file's first record (in its first 64 KiB), when Databento mapped symbols into the file. */
async function peekDatabentoSymbols(files: string[], make: () => DatabentoCsvParser | DatabentoJsonParser): Promise<string[]> {
  const symbols = new Set<string>();
  for (const file of files) {
    const { bytes, complete } = await headBytes(file);
    const parser = make();
    const out = emptyParsedTrade();
    for (const line of headLines(bytes, complete)) {
      if (!line.trim()) continue;
      const metadata = metadataSymbols(line);
      if (metadata) {
        for (const s of metadata) symbols.add(s);
        break;
      }
      parser.parse(line, out);
      if (parser.firstSymbol) break;
    }
    if (parser.firstSymbol) symbols.add(parser.firstSymbol);
  }
  return [...symbols];
}

/** The `symbols` of a Databento JSON metadata line. */
function metadataSymbols(line: string): string[] | null {
  if (!line.startsWith("{") || !line.includes('"symbols"')) return null;
  try {
    const value = JSON.parse(line) as { symbols?: unknown; hd?: unknown };
    if (value.hd || !Array.isArray(value.symbols)) return null;
    return value.symbols.filter((s): s is string => typeof s === "string");
  } catch {
    return null;
  }
}
