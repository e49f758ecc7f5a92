/**
 * `tickbench import` options -> importTrades options: the format (auto or one of the importers),
 * the time zone and the generic CSV mapping (`--columns time=ts,price=px,size=qty[,side=aggressor]`,
 * names of header columns or 1-based numbers with --no-header). Validated here, at the edge.
 */
import { badRequest } from "../errors";
import { IMPORT_FORMATS, type FormatOptions, type ImportFormat } from "../data/formats";

export interface ImportCliOptions {
  format: string;
  timezone?: string;
  columns?: string;
  timeFormat?: string;
  priceScale?: string;
  delimiter?: string;
  header?: boolean;
}

export function parseImportFormat(format: string): ImportFormat | "auto" {
  const f = format.trim().toLowerCase();
  if (f === "auto" || (IMPORT_FORMATS as readonly string[]).includes(f)) return f as ImportFormat | "auto";
  throw badRequest(`Unknown format "${format}"; use auto, ${IMPORT_FORMATS.join(", ")}`);
}

/** "time=ts,price=px,size=qty,side=s" -> { time: "ts", ... } (numbers stay numbers: 1-based columns). */
export function parseColumns(text: string): { time: string | number; price: string | number; size: string | number; side?: string | number } {
  const mapping: Record<string, string | number> = {};
  for (const part of text.split(",")) {
    const m = /^\s*(time|price|size|side)\s*=\s*(.+?)\s*$/.exec(part);
    if (!m) throw badRequest(`--columns: "${part}" is not key=column (keys: time, price, size, side)`);
    mapping[m[1]] = /^\d+$/.test(m[2]) ? Number(m[2]) : m[2];
  }
  for (const key of ["time", "price", "size"]) if (mapping[key] === undefined) throw badRequest(`--columns needs ${key}=<column>`);
  return mapping as { time: string | number; price: string | number; size: string | number; side?: string | number };
}

export function importFormatOptions(o: ImportCliOptions): { format: ImportFormat | "auto"; formatOptions: FormatOptions } {
  const format = parseImportFormat(o.format);
  if (format === "csv" && !o.columns) throw badRequest("--format csv needs --columns time=..,price=..,size=..");
  const formatOptions: FormatOptions = {};
  if (o.timezone) formatOptions.timezone = o.timezone;
  if (o.columns) {
    const columns = parseColumns(o.columns);
    const header = o.header !== false;
    formatOptions.csv = {
      // With a header row a numeric column is still a header name unless it is a plain number.
      columns,
      header,
      ...(o.timeFormat ? { timeFormat: o.timeFormat } : {}),
      ...(o.priceScale ? { priceScale: o.priceScale } : {}),
      ...(o.delimiter ? { delimiter: o.delimiter === "\\t" ? "\t" : o.delimiter } : {}),
    };
  } else if (o.timeFormat || o.priceScale) {
    throw badRequest("--time-format and --price-scale apply to generic CSV (--columns)");
  }
  return { format, formatOptions };
}
