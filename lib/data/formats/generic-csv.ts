/**
 * Generic delimited text with an explicit column mapping: `{ time, price, size, side? }`, each a
 * header name or, for a file without header, a 1-based column number. Options:
 * - timeFormat: "iso" (default; ISO-8601, offset optional), "epoch-s" | "epoch-ms" | "epoch-us" |
 *   "epoch-ns", or a pattern of yyyy MM dd HH mm ss S..S ("yyyy-MM-dd HH:mm:ss.SSS");
 * - timezone: IANA zone of readings without an offset (default UTC);
 * - priceScale: a decimal multiplier applied exactly to the price column (e.g. "0.01" for prices
 *   in cents); without it the column is a decimal price;
 * - delimiter (default ","), header (default true).
 * Side column values: B/BUY/1 -> buy aggressor, A/S/SELL/-1 -> sell aggressor, N/0/empty ->
 * unknown; anything else is malformed. Pure.
 */
import { z } from "zod";
import { AppError } from "../../errors";
import { splitCsvLine } from "./csv-fields";
import { decimalToNano, parseUint, scaledDecimalToNano } from "./numbers";
import type { LineOutcome, LineParser } from "./text-source";
import type { ParsedTrade } from "./types";
import { parseEpochNs, parseIsoNs, TimePattern, type EpochUnit, type WallClock } from "./wall-time";

const column = z.union([z.string().trim().min(1).max(200), z.number().int().min(1)]);

export const genericCsvOptionsSchema = z
  .object({
    columns: z.object({ time: column, price: column, size: column, side: column.optional() }).strict(),
    timeFormat: z.string().trim().min(1).max(100).default("iso"),
    priceScale: z
      .union([z.string(), z.number()])
      .transform((v) => String(v).trim())
      .refine((v) => /^\d*\.?\d+$/.test(v) && Number(v) > 0, "a positive decimal multiplier")
      .optional(),
    delimiter: z.string().min(1).max(4).default(","),
    header: z.boolean().default(true),
  })
  .strict();
export type GenericCsvOptions = z.input<typeof genericCsvOptionsSchema>;
type Options = z.output<typeof genericCsvOptionsSchema>;

const SIDES: Record<string, number> = { B: 1, BUY: 1, "1": 1, "+1": 1, A: -1, S: -1, SELL: -1, "-1": -1, N: 0, "0": 0, "": 0 };

export class GenericCsvParser implements LineParser {
  private index: { time: number; price: number; size: number; side: number } | null = null;
  private readonly time: (text: string) => bigint | null;

  constructor(
    private readonly options: Options,
    clock: WallClock,
  ) {
    const format = options.timeFormat;
    if (format === "iso") this.time = (t) => parseIsoNs(t, clock);
    else if (format.startsWith("epoch-")) {
      const unit = format.slice(6) as EpochUnit;
      if (!["s", "ms", "us", "ns"].includes(unit)) throw new AppError("bad_request", `Unknown time format "${format}" (epoch-s, epoch-ms, epoch-us, epoch-ns, iso or a pattern)`);
      this.time = (t) => parseEpochNs(t, unit);
    } else {
      const pattern = new TimePattern(format);
      this.time = (t) => pattern.parse(t, clock);
    }
    if (!options.header) this.index = this.byNumber();
  }

  private byNumber(): { time: number; price: number; size: number; side: number } {
    const c = this.options.columns;
    const n = (v: string | number | undefined, name: string) => {
      if (v === undefined) return -1;
      const k = typeof v === "number" ? v : Number(v);
      if (!Number.isInteger(k) || k < 1) throw new AppError("bad_request", `Without a header row, column ${name} must be a 1-based column number, got "${v}"`);
      return k - 1;
    };
    return { time: n(c.time, "time"), price: n(c.price, "price"), size: n(c.size, "size"), side: n(c.side, "side") };
  }

  parse(line: string, out: ParsedTrade): LineOutcome {
    const fields = splitCsvLine(line, this.options.delimiter);
    if (!this.index) {
      const names = (fields ?? []).map((f) => f.trim());
      const c = this.options.columns;
      const find = (v: string | number | undefined, name: string) => {
        if (v === undefined) return -1;
        const i = typeof v === "number" ? v - 1 : names.indexOf(v);
        if (i < 0 || i >= names.length) throw new AppError("bad_request", `Column ${name}="${v}" is not in the header (${names.join(",").slice(0, 200)})`);
        return i;
      };
      this.index = { time: find(c.time, "time"), price: find(c.price, "price"), size: find(c.size, "size"), side: find(c.side, "side") };
      return "skip";
    }
    const ix = this.index;
    if (!fields || Math.max(ix.time, ix.price, ix.size, ix.side) >= fields.length) return { reason: "malformed", detail: `${fields?.length ?? 0} fields` };
    const timeText = fields[ix.time].trim();
    const ts = this.time(timeText);
    if (ts === null) return { reason: "malformed", detail: `time "${timeText}" does not match ${this.options.timeFormat}` };
    const priceText = fields[ix.price].trim();
    if (!/^-?\d*\.?\d+$/.test(priceText)) return { reason: "malformed", detail: `price "${priceText}" is not a number`, tsRecvNs: ts };
    const price = this.options.priceScale ? scaledDecimalToNano(priceText, this.options.priceScale) : decimalToNano(priceText);
    const sizeText = fields[ix.size].trim();
    const size = parseUint(sizeText);
    if (Number.isNaN(size)) return { reason: "malformed", detail: `size "${sizeText}" is not a count`, tsRecvNs: ts };
    let side = 0;
    if (ix.side >= 0) {
      const s = SIDES[fields[ix.side].trim().toUpperCase()];
      if (s === undefined) return { reason: "malformed", detail: `side "${fields[ix.side]}" (expected B/BUY/1, A/S/SELL/-1 or N)`, tsRecvNs: ts };
      side = s;
    }
    out.tsRecvNs = ts;
    out.tsEventNs = ts;
    out.priceNano = price;
    out.size = size;
    out.side = side;
    return "trade";
  }
}
