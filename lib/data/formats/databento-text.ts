/**
 * The direct text path of Databento's CSV and JSON-lines encodings for the trades schema
 * (import-trades.ts), and for MBP-1/TBBO/MBP-10 files imported together with a trades file, whose
 * trade records it takes (records with action 'T'; book updates are skipped), as the DBN import of
 * the same mix stores only trades. Every other Databento text import - quotes (MBP-1, TBBO,
 * MBP-10, BBO), MBO, OHLCV, status, definition, statistics - is transcoded to DBN
 * (databento-transcode.ts) and imported by the DBN importer of its schema
 * (lib/data/import/import-transcoded.ts); the same files end up stored the same way.
 *
 * CSV (Databento's encoder, `dbn` crate): a header row, then
 *   ts_recv,ts_event,rtype,publisher_id,instrument_id,action,side,depth,price,size,flags,ts_in_delta,sequence
 * followed for MBP-1/TBBO by bid_px_00..ask_ct_00 (MBP-10: to _09), and an optional trailing
 * `symbol` column (symbol mapping) or `ts_out`. Columns are found by name, so the order may vary.
 * JSON lines: {"ts_recv":"..","hd":{"ts_event":"..","rtype":0,"publisher_id":1,"instrument_id":5482},
 *   "action":"T","side":"A","depth":0,"price":"..","size":5,"flags":129,...,"symbol":"ESH1"?};
 * a metadata object (no "hd") may come first and is skipped.
 *
 * Both with and without the pretty options: a timestamp is an integer count of ns (u64 as text)
 * or ISO-8601 UTC ("2020-12-28T13:00:00.098821953Z"); a price is an integer in 1e-9 units or a
 * decimal ("3720.250000000") - a price with a decimal point is read as decimal. Undefined values:
 * price i64::MAX (or an empty/null/"UNDEF_PRICE" pretty price), size u32::MAX.
 *
 * One instrument per import: the first trade's instrument_id (or symbol) fixes it; trades of other
 * instruments are rejected as "other_instrument". MBO lines are refused here (MBO text goes to the
 * transcoder). Pure: no I/O.
 */
import { AppError } from "../../errors";
import { splitCsvLine } from "./csv-fields";
import { decimalToNano, parseUint } from "./numbers";
import type { LineOutcome, LineParser } from "./text-source";
import type { ParsedTrade } from "./types";
import { parseIsoNs, UTC_CLOCK } from "./wall-time";

const UNDEF_PRICE = "9223372036854775807";
const UNDEF_SIZE = 4294967295;
const INT32_MAX = 0x7fffffff;
const DECIMAL = /^-?\d*\.\d+$|^-?\d+\.$/;

/** The trade fields of one record, as text (or numbers, from JSON). */
interface RawRecord {
  tsRecv: unknown;
  tsEvent: unknown;
  action: unknown;
  side: unknown;
  price: unknown;
  size: unknown;
  instrumentId: unknown;
  symbol: unknown;
}

/** Shared by CSV and JSON: field checks, undefined values, the one-instrument rule. */
abstract class DatabentoParser implements LineParser {
  /** instrument_id (or symbol) of the first trade. */
  private instrument: string | null = null;
  /** Symbol of the first record, when the file maps symbols. */
  firstSymbol: string | null = null;

  abstract parse(line: string, out: ParsedTrade): LineOutcome;

  protected fill(r: RawRecord, out: ParsedTrade): LineOutcome {
    if (this.firstSymbol === null && typeof r.symbol === "string" && r.symbol) this.firstSymbol = r.symbol;
    if (r.action !== "T") return typeof r.action === "string" ? "skip" : { reason: "malformed", detail: "no action field" };
    const tsRecv = timestamp(r.tsRecv);
    if (tsRecv === null) return { reason: "malformed", detail: `ts_recv "${String(r.tsRecv)}" is not a timestamp` };
    const tsEvent = r.tsEvent === undefined ? tsRecv : timestamp(r.tsEvent);
    if (tsEvent === null) return { reason: "malformed", detail: `ts_event "${String(r.tsEvent)}" is not a timestamp`, tsRecvNs: tsRecv };
    const instrument = r.instrumentId !== undefined && r.instrumentId !== "" ? String(r.instrumentId) : r.symbol ? String(r.symbol) : null;
    if (instrument !== null) {
      if (this.instrument === null) this.instrument = instrument;
      else if (instrument !== this.instrument) {
        return { reason: "other_instrument", detail: `instrument ${instrument}, the import's is ${this.instrument}`, tsRecvNs: tsRecv };
      }
    }
    const priceText = r.price === null || r.price === undefined ? "" : String(r.price);
    if (priceText === "" || priceText === UNDEF_PRICE || priceText === "UNDEF_PRICE" || priceText === "null") {
      return { reason: "undefined_price", detail: `price "${priceText}"`, tsRecvNs: tsRecv };
    }
    const priceNano = priceText.includes(".") ? (DECIMAL.test(priceText) ? decimalToNano(priceText) : null) : integerNano(priceText);
    if (priceNano === null) return { reason: "malformed", detail: `price "${priceText}" is not a number`, tsRecvNs: tsRecv };
    const size = typeof r.size === "number" ? r.size : parseUint(String(r.size ?? ""));
    if (!Number.isInteger(size) || size < 0) return { reason: "malformed", detail: `size "${String(r.size)}" is not a count`, tsRecvNs: tsRecv };
    if (size === UNDEF_SIZE) return { reason: "undefined_size", detail: "size u32::MAX", tsRecvNs: tsRecv };
    if (size > INT32_MAX) return { reason: "out_of_range", detail: `size ${size}`, tsRecvNs: tsRecv };
    out.tsRecvNs = tsRecv;
    out.tsEventNs = tsEvent;
    out.priceNano = priceNano;
    out.size = size;
    out.side = r.side === "B" ? 1 : r.side === "A" ? -1 : 0;
    return "trade";
  }
}

/** Integer nanos ("3720250000000"), NaN beyond the safe range, null when not an integer. */
function integerNano(text: string): number | null {
  if (!/^-?\d{1,19}$/.test(text)) return null;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : Number.NaN;
}

function timestamp(value: unknown): bigint | null {
  if (typeof value === "number") return Number.isSafeInteger(value) && value >= 0 ? BigInt(value) : null;
  if (typeof value !== "string") return null;
  if (/^\d{1,20}$/.test(value)) return BigInt(value);
  return parseIsoNs(value, UTC_CLOCK);
}

const REQUIRED_CSV = ["ts_recv", "action", "side", "price", "size"];

export class DatabentoCsvParser extends DatabentoParser {
  private columns: Record<string, number> | null = null;
  private width = 0;

  parse(line: string, out: ParsedTrade): LineOutcome {
    const fields = splitCsvLine(line);
    if (!this.columns) {
      this.columns = databentoCsvHeader(fields ?? []);
      this.width = (fields ?? []).length;
      return "skip";
    }
    if (!fields || fields.length !== this.width) {
      return { reason: "malformed", detail: `${fields?.length ?? 0} fields, the header has ${this.width}` };
    }
    const c = this.columns;
    const at = (name: string) => (c[name] === undefined ? undefined : fields[c[name]]);
    return this.fill(
      { tsRecv: at("ts_recv"), tsEvent: at("ts_event"), action: at("action"), side: at("side"), price: at("price"), size: at("size"), instrumentId: at("instrument_id"), symbol: at("symbol") },
      out,
    );
  }
}

/** Column indexes of a Databento CSV header; a clear error when it is not one. */
export function databentoCsvHeader(fields: string[]): Record<string, number> {
  const columns: Record<string, number> = {};
  fields.forEach((name, i) => {
    columns[name.trim()] = i;
  });
  if (columns.order_id !== undefined) throw new AppError("unprocessable", "Databento MBO CSV is not imported as trades: use the trades, TBBO or MBP-1 schema");
  const missing = REQUIRED_CSV.filter((name) => columns[name] === undefined);
  if (missing.length) throw new AppError("unprocessable", `Not a Databento CSV of trades: the header "${fields.join(",").slice(0, 200)}" lacks ${missing.join(", ")}`);
  return columns;
}

export class DatabentoJsonParser extends DatabentoParser {
  parse(line: string, out: ParsedTrade): LineOutcome {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return { reason: "malformed", detail: "not a JSON object" };
    }
    if (!value || typeof value !== "object" || Array.isArray(value)) return { reason: "malformed", detail: "not a JSON object" };
    const r = value as Record<string, unknown>;
    const hd = r.hd as Record<string, unknown> | undefined;
    if (!hd || typeof hd !== "object") {
      if ("schema" in r && "dataset" in r) return "skip"; // the metadata object
      return { reason: "malformed", detail: 'no "hd" record header' };
    }
    if (hd.rtype === 160 || "order_id" in r) throw new AppError("unprocessable", "Databento MBO JSON is not imported as trades: use the trades, TBBO or MBP-1 schema");
    return this.fill({ tsRecv: r.ts_recv, tsEvent: hd.ts_event, action: r.action, side: r.side, price: r.price, size: r.size, instrumentId: hd.instrument_id, symbol: r.symbol }, out);
  }
}
