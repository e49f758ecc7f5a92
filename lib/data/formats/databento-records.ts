/**
 * One line of Databento's CSV or JSON-lines encoding -> the DBN record object it encodes
 * (lib/data/dbn/records-*.ts), for every schema we import: trades, mbp-1/tbbo, mbp-10,
 * bbo-1s/1m, mbo, ohlcv-*, status, definition, statistics. Used by databento-transcode.ts.
 *
 * Field names are those of Databento's encoders (databento/dbn `record.rs`, CSV and JSON
 * serializers): CSV flattens the record header (`ts_event,rtype,publisher_id,instrument_id`) and
 * book levels (`bid_px_00 .. ask_ct_09`); JSON nests them (`"hd": {...}`, `"levels": [{...}]`).
 * Fields are read by name, so column order does not matter and unknown columns are ignored.
 *
 * Values, with and without `pretty_ts` / `pretty_px`:
 * - timestamps: integer ns (u64, JSON as a string) or ISO-8601 UTC; "" / null (pretty: 0 or
 *   undefined) -> UNDEF_TIMESTAMP;
 * - prices: integer 1e-9 units or a decimal ("3720.250000000", exact, at most 9 decimals); "" /
 *   null / "UNDEF_PRICE" / i64::MAX -> undefined (null);
 * - sizes and counts: u32::MAX -> undefined (null); statistics quantity i64::MAX (or i32::MAX,
 *   its pre-v3 undefined) -> null;
 * - characters: one byte, "" / null -> NUL; strings: at most the field's length in UTF-8.
 * A field the file lacks takes DBN's default ("undefined" or zero, as Databento's
 * `impl_default.rs`); the fields a schema cannot do without are checked on the CSV header
 * (`requiredColumns`) and on each JSON record. Anything else wrong throws a `LineError` (the
 * line is rejected as malformed with that detail). Pure.
 */
import { RTYPE, UNDEF_PRICE, UNDEF_TIMESTAMP } from "../dbn/enums";
import type { DbnRecord } from "../dbn/record";
import type { RecordBase } from "../dbn/record-header";
import type { DefinitionRecord } from "../dbn/records-definition";
import type { BidAskLevel } from "../dbn/records-market";
import { parseIsoNs, UTC_CLOCK } from "./wall-time";

/** The record layouts a schema's lines encode. */
export type TextFamily = "trades" | "mbp-1" | "mbp-10" | "bbo" | "mbo" | "ohlcv" | "status" | "definition" | "statistics";

/** A line that cannot be encoded: the detail says why. */
export class LineError extends Error {}

/** One line's fields by name (CSV columns or JSON keys): undefined when the file has no such field. */
export interface TextRow {
  get(name: string): unknown;
  /** Field `name` ("bid_px", "ask_sz"...) of book level `i`. */
  level(i: number, name: string): unknown;
}

const LEVEL_FIELDS = ["bid_px", "ask_px", "bid_sz", "ask_sz", "bid_ct", "ask_ct"] as const;
const levelColumns = (levels: number, fields: readonly string[] = LEVEL_FIELDS) =>
  Array.from({ length: levels }, (_, i) => fields.map((f) => `${f}_${String(i).padStart(2, "0")}`)).flat();
const QUOTE_COLUMNS = ["bid_px", "ask_px", "bid_sz", "ask_sz"];

/** Fields a file of each family must have (CSV header, JSON record). */
export const REQUIRED_FIELDS: Record<TextFamily, readonly string[]> = {
  trades: ["ts_recv", "action", "side", "price", "size"],
  "mbp-1": ["ts_recv", "action", "side", "price", "size", ...levelColumns(1, QUOTE_COLUMNS)],
  "mbp-10": ["ts_recv", "action", "side", "price", "size", ...levelColumns(10, QUOTE_COLUMNS)],
  bbo: ["ts_recv", "rtype", ...levelColumns(1, QUOTE_COLUMNS)],
  mbo: ["ts_recv", "action", "side", "price", "size", "order_id"],
  ohlcv: ["ts_event", "rtype", "open", "high", "low", "close", "volume"],
  status: ["ts_recv", "action"],
  definition: ["ts_recv", "raw_symbol"],
  statistics: ["ts_recv", "stat_type"],
};

/** rtypes each family's records may have. */
export const FAMILY_RTYPES: Record<TextFamily, readonly number[]> = {
  trades: [RTYPE.MBP_0],
  "mbp-1": [RTYPE.MBP_1],
  "mbp-10": [RTYPE.MBP_10],
  bbo: [RTYPE.BBO_1S, RTYPE.BBO_1M],
  mbo: [RTYPE.MBO],
  ohlcv: [RTYPE.OHLCV_1S, RTYPE.OHLCV_1M, RTYPE.OHLCV_1H, RTYPE.OHLCV_1D, RTYPE.OHLCV_EOD],
  status: [RTYPE.STATUS],
  definition: [RTYPE.INSTRUMENT_DEF],
  statistics: [RTYPE.STATISTICS],
};

/** DBN schema name of a record type (the file's schema is that of its records). */
export const SCHEMA_OF_RTYPE: Record<number, string> = {
  [RTYPE.MBP_0]: "trades",
  [RTYPE.MBP_1]: "mbp-1",
  [RTYPE.MBP_10]: "mbp-10",
  [RTYPE.BBO_1S]: "bbo-1s",
  [RTYPE.BBO_1M]: "bbo-1m",
  [RTYPE.MBO]: "mbo",
  [RTYPE.OHLCV_1S]: "ohlcv-1s",
  [RTYPE.OHLCV_1M]: "ohlcv-1m",
  [RTYPE.OHLCV_1H]: "ohlcv-1h",
  [RTYPE.OHLCV_1D]: "ohlcv-1d",
  [RTYPE.OHLCV_EOD]: "ohlcv-eod",
  [RTYPE.STATUS]: "status",
  [RTYPE.INSTRUMENT_DEF]: "definition",
  [RTYPE.STATISTICS]: "statistics",
};

export function familyOfRtype(rtype: number): TextFamily | null {
  for (const [family, rtypes] of Object.entries(FAMILY_RTYPES)) if (rtypes.includes(rtype)) return family as TextFamily;
  return null;
}

export function familyOfSchema(schema: string): TextFamily | null {
  if (schema === "tbbo") return "mbp-1";
  if (schema.startsWith("bbo-")) return "bbo";
  if (schema.startsWith("ohlcv-")) return "ohlcv";
  return (Object.keys(FAMILY_RTYPES) as TextFamily[]).find((f) => f === schema) ?? null;
}

/**
 * The family of a Databento CSV header (or of a JSON record's field names, levels flattened as in
 * CSV), null when the names are not those of a schema we import. Consolidated schemas (cmbp-1,
 * cbbo: `bid_pb_00`) and imbalance are not imported.
 */
export function familyOfFields(names: readonly string[]): TextFamily | null {
  const has = new Set(names.map((n) => n.trim()));
  if (has.has("bid_pb_00") || has.has("ref_price")) return null;
  if (has.has("order_id")) return "mbo";
  if (has.has("stat_type")) return "statistics";
  if (has.has("raw_symbol") && (has.has("min_price_increment") || has.has("security_update_action") || has.has("instrument_class"))) return "definition";
  if (has.has("is_trading") || has.has("trading_event")) return "status";
  if (has.has("open") && has.has("high") && has.has("low") && has.has("close")) return "ohlcv";
  if (has.has("bid_px_01")) return "mbp-10";
  if (has.has("bid_px_00")) return has.has("action") ? "mbp-1" : "bbo";
  if (has.has("price") && has.has("size") && (has.has("action") || has.has("side"))) return "trades";
  return null;
}

/** The field a JSON record lacks among those its family needs, or null. */
export function missingField(row: TextRow, family: TextFamily): string | null {
  for (const name of REQUIRED_FIELDS[family]) {
    const level = /^(.*)_(\d\d)$/.exec(name);
    const value = level && QUOTE_COLUMNS.includes(level[1]) ? row.level(Number(level[2]), level[1]) : row.get(name);
    if (value === undefined) return name;
  }
  return null;
}

// ---- typed field readers ------------------------------------------------------------------------

const U64_MAX = 0xffff_ffff_ffff_ffffn;
const I64_MAX = 0x7fff_ffff_ffff_ffffn;
const I64_MIN = -0x8000_0000_0000_0000n;
const INT_RANGE = {
  u8: [0, 0xff],
  i8: [-0x80, 0x7f],
  u16: [0, 0xffff],
  i16: [-0x8000, 0x7fff],
  u32: [0, 0xffff_ffff],
  i32: [-0x8000_0000, 0x7fff_ffff],
} as const;
type IntKind = keyof typeof INT_RANGE;
const INTEGER = /^[+-]?\d{1,20}$/;
const DECIMAL = /^([+-]?)(\d*)\.(\d*)$/;
const utf8 = new TextEncoder();

const show = (v: unknown) => (typeof v === "string" ? `"${v.length > 60 ? `${v.slice(0, 60)}...` : v}"` : String(v));
const isEmpty = (v: unknown) => v === "" || v === null;

function bigOf(v: unknown, name: string, what: string): bigint {
  if (typeof v === "number" && Number.isSafeInteger(v)) return BigInt(v);
  if (typeof v === "string" && INTEGER.test(v)) return BigInt(v);
  throw new LineError(`${name} ${show(v)} is not ${what}`);
}

/** A timestamp in ns; `fallback` when the file has no such field. */
export function ts(row: TextRow, name: string, fallback: bigint = UNDEF_TIMESTAMP): bigint {
  const v = row.get(name);
  if (v === undefined) return fallback;
  if (isEmpty(v)) return UNDEF_TIMESTAMP;
  if (typeof v === "string" && !INTEGER.test(v)) {
    const iso = parseIsoNs(v, UTC_CLOCK);
    if (iso === null || iso < 0n) throw new LineError(`${name} ${show(v)} is not a timestamp`);
    return iso;
  }
  const n = bigOf(v, name, "a timestamp");
  if (n < 0n || n > U64_MAX) throw new LineError(`${name} ${show(v)} is out of range`);
  return n;
}

/** A price in 1e-9 units, null when undefined or absent. */
export function price(v: unknown, name: string): bigint | null {
  if (v === undefined || isEmpty(v) || v === "UNDEF_PRICE") return null;
  let n: bigint;
  const decimal = typeof v === "string" ? DECIMAL.exec(v) : null;
  if (decimal) {
    const [, sign, whole, frac] = decimal;
    if (whole === "" && frac === "") throw new LineError(`${name} ${show(v)} is not a price`);
    if (frac.length > 9 && /[1-9]/.test(frac.slice(9))) throw new LineError(`${name} ${show(v)} has more than 9 decimals`);
    n = BigInt(whole || "0") * 1_000_000_000n + BigInt((frac.slice(0, 9) || "0").padEnd(9, "0"));
    if (sign === "-") n = -n;
  } else n = bigOf(v, name, "a price");
  if (n < I64_MIN || n > I64_MAX) throw new LineError(`${name} ${show(v)} is out of range`);
  return n === UNDEF_PRICE ? null : n;
}

export function int(row: TextRow, name: string, kind: IntKind, fallback: number): number {
  return intValue(row.get(name), name, kind, fallback);
}

function intValue(v: unknown, name: string, kind: IntKind, fallback: number): number {
  if (v === undefined || isEmpty(v)) return fallback;
  // Up to 32 bits: a float64 holds every value in range exactly (larger text is out of range anyway).
  const n = typeof v === "number" ? v : typeof v === "string" && INTEGER.test(v) ? Number(v) : Number.NaN;
  if (!Number.isInteger(n)) throw new LineError(`${name} ${show(v)} is not an integer`);
  const [min, max] = INT_RANGE[kind];
  if (n < min || n > max) throw new LineError(`${name} ${show(v)} is out of range for ${kind}`);
  return n;
}

/** A u32 size or count: u32::MAX (undefined) -> null. */
function sizeValue(v: unknown, name: string, fallback: number | null): number | null {
  if (v === undefined || isEmpty(v)) return fallback;
  const n = intValue(v, name, "u32", 0);
  return n === 0xffff_ffff ? null : n;
}

export function big(row: TextRow, name: string, signed: boolean, fallback: bigint): bigint {
  const v = row.get(name);
  if (v === undefined || isEmpty(v)) return fallback;
  const n = bigOf(v, name, "an integer");
  if (signed ? n < I64_MIN || n > I64_MAX : n < 0n || n > U64_MAX) throw new LineError(`${name} ${show(v)} is out of range`);
  return n;
}

export function char(row: TextRow, name: string, fallback: string): string {
  const v = row.get(name);
  if (v === undefined) return fallback;
  if (isEmpty(v)) return "";
  if (typeof v !== "string" || v.length !== 1 || v.charCodeAt(0) > 0xff) throw new LineError(`${name} ${show(v)} is not one character`);
  return v;
}

/** A C string of at most `bytes - 1` UTF-8 bytes (the field keeps its NUL terminator). */
export function str(row: TextRow, name: string, bytes: number, fallback = ""): string {
  const v = row.get(name);
  if (v === undefined || v === null) return fallback;
  if (typeof v !== "string") throw new LineError(`${name} ${show(v)} is not text`);
  if (utf8.encode(v).length >= bytes) throw new LineError(`${name} ${show(v)} is longer than ${bytes - 1} bytes`);
  return v;
}

// ---- records ----------------------------------------------------------------------------------

/** What a line needs from the file around it. */
export interface RecordContext {
  family: TextFamily;
  /** rtype of records that have no rtype field. */
  defaultRtype: number;
  /** The instrument id of a line without one (from its symbol), or 0. */
  instrumentIdOf(row: TextRow): number;
  tsOut: boolean;
  /** Definitions are encoded as DBN v2 (the file has pre-v3 fields, PRE_V3_DEFINITION_FIELDS). */
  preV3: boolean;
}

/** The DBN record one line encodes; throws a LineError when it cannot. */
export function buildRecord(row: TextRow, ctx: RecordContext): DbnRecord {
  const family = ctx.family;
  const tsRecvNs = family === "ohlcv" ? UNDEF_TIMESTAMP : ts(row, "ts_recv");
  const base: RecordBase = {
    rtype: int(row, "rtype", "u8", ctx.defaultRtype),
    publisherId: int(row, "publisher_id", "u16", 0),
    instrumentId: row.get("instrument_id") === undefined ? ctx.instrumentIdOf(row) : int(row, "instrument_id", "u32", 0),
    tsEventNs: ts(row, "ts_event", tsRecvNs),
  };
  const indexTs = family === "ohlcv" ? base.tsEventNs : tsRecvNs;
  if (indexTs === UNDEF_TIMESTAMP) throw new LineError(`${family === "ohlcv" ? "ts_event" : "ts_recv"} is empty`);
  if (ctx.tsOut) base.tsOutNs = ts(row, "ts_out");
  const trade = () => ({
    priceNano: price(row.get("price"), "price"),
    size: sizeValue(row.get("size"), "size", null),
    action: char(row, "action", ""),
    side: char(row, "side", ""),
    flags: int(row, "flags", "u8", 0),
    depth: int(row, "depth", "u8", 0),
    tsRecvNs,
    tsInDelta: int(row, "ts_in_delta", "i32", 0),
    sequence: int(row, "sequence", "u32", 0),
  });
  switch (family) {
    case "trades":
      return { kind: "trade", ...base, ...trade() };
    case "mbp-1":
      return { kind: "mbp-1", ...base, ...trade(), levels: levels(row, 1) };
    case "mbp-10":
      return { kind: "mbp-10", ...base, ...trade(), levels: levels(row, 10) };
    case "bbo":
      return {
        kind: "bbo",
        ...base,
        priceNano: price(row.get("price"), "price"),
        size: sizeValue(row.get("size"), "size", null),
        side: char(row, "side", ""),
        flags: int(row, "flags", "u8", 0),
        tsRecvNs,
        sequence: int(row, "sequence", "u32", 0),
        levels: levels(row, 1),
      };
    case "mbo":
      return {
        kind: "mbo",
        ...base,
        orderId: big(row, "order_id", false, 0n),
        priceNano: price(row.get("price"), "price"),
        size: sizeValue(row.get("size"), "size", null),
        flags: int(row, "flags", "u8", 0),
        channelId: int(row, "channel_id", "u8", 0),
        action: char(row, "action", ""),
        side: char(row, "side", ""),
        tsRecvNs,
        tsInDelta: int(row, "ts_in_delta", "i32", 0),
        sequence: int(row, "sequence", "u32", 0),
      };
    case "ohlcv":
      return {
        kind: "ohlcv",
        ...base,
        openNano: price(row.get("open"), "open"),
        highNano: price(row.get("high"), "high"),
        lowNano: price(row.get("low"), "low"),
        closeNano: price(row.get("close"), "close"),
        volume: big(row, "volume", false, 0n),
      };
    case "status":
      return {
        kind: "status",
        ...base,
        tsRecvNs,
        action: int(row, "action", "u16", 0),
        reason: int(row, "reason", "u16", 0),
        tradingEvent: int(row, "trading_event", "u16", 0),
        isTrading: char(row, "is_trading", "~"),
        isQuoting: char(row, "is_quoting", "~"),
        isShortSellRestricted: char(row, "is_short_sell_restricted", "~"),
      };
    case "statistics": {
      const tsRef = ts(row, "ts_ref");
      const quantity = big(row, "quantity", true, I64_MAX);
      return {
        kind: "statistics",
        ...base,
        tsRecvNs,
        tsRefNs: tsRef === UNDEF_TIMESTAMP ? null : tsRef,
        priceNano: price(row.get("price"), "price"),
        quantity: quantity === I64_MAX || quantity === 0x7fff_ffffn ? null : quantity,
        sequence: int(row, "sequence", "u32", 0),
        tsInDelta: int(row, "ts_in_delta", "i32", 0),
        statType: int(row, "stat_type", "u16", 0),
        channelId: int(row, "channel_id", "u16", 0),
        updateAction: int(row, "update_action", "u8", 1),
        statFlags: int(row, "stat_flags", "u8", 0),
      };
    }
    case "definition":
      return definition(row, base, tsRecvNs, ctx.preV3);
  }
}

function levels(row: TextRow, count: number): BidAskLevel[] {
  const out: BidAskLevel[] = [];
  for (let i = 0; i < count; i++) {
    const field = (name: string) => `${name}_${String(i).padStart(2, "0")}`;
    out.push({
      bidPxNano: price(row.level(i, "bid_px"), field("bid_px")),
      askPxNano: price(row.level(i, "ask_px"), field("ask_px")),
      bidSize: sizeValue(row.level(i, "bid_sz"), field("bid_sz"), 0),
      askSize: sizeValue(row.level(i, "ask_sz"), field("ask_sz"), 0),
      bidCount: sizeValue(row.level(i, "bid_ct"), field("bid_ct"), 0),
      askCount: sizeValue(row.level(i, "ask_ct"), field("ask_ct"), 0),
    });
  }
  return out;
}

/**
 * A definition as the v3 decoder returns it; with the pre-v3 fields (trading_reference_price,
 * trading_reference_date, md_security_trading_status, settl_price_type) as the v1/v2 decoder
 * does when the file has them (databento-transcode.ts then encodes DBN v2).
 */
function definition(row: TextRow, base: RecordBase, tsRecvNs: bigint, v2: boolean): DefinitionRecord {
  const px = (name: string) => price(row.get(name), name);
  const stamp = (name: string) => {
    const t = ts(row, name);
    return t === UNDEF_TIMESTAMP ? null : t;
  };
  const i32 = (name: string) => int(row, name, "i32", 0x7fff_ffff);
  const u32 = (name: string) => int(row, name, "u32", 0xffff_ffff);
  const u8 = (name: string) => int(row, name, "u8", 0xff);
  const multiplier = i32("contract_multiplier");
  const legs = !v2;
  return {
    kind: "definition",
    ...base,
    tsRecvNs,
    rawSymbol: str(row, "raw_symbol", 71),
    instrumentClass: char(row, "instrument_class", ""),
    securityUpdateAction: char(row, "security_update_action", "A"),
    minPriceIncrementNano: px("min_price_increment"),
    displayFactor: px("display_factor") ?? UNDEF_PRICE,
    expirationNs: stamp("expiration"),
    activationNs: stamp("activation"),
    highLimitPriceNano: px("high_limit_price"),
    lowLimitPriceNano: px("low_limit_price"),
    maxPriceVariationNano: px("max_price_variation"),
    unitOfMeasureQtyNano: px("unit_of_measure_qty"),
    minPriceIncrementAmountNano: px("min_price_increment_amount"),
    priceRatioNano: px("price_ratio"),
    strikePriceNano: px("strike_price"),
    rawInstrumentId: big(row, "raw_instrument_id", false, 0n),
    underlyingId: int(row, "underlying_id", "u32", 0),
    marketDepthImplied: i32("market_depth_implied"),
    marketDepth: i32("market_depth"),
    marketSegmentId: u32("market_segment_id"),
    maxTradeVol: u32("max_trade_vol"),
    minLotSize: i32("min_lot_size"),
    minLotSizeBlock: i32("min_lot_size_block"),
    minLotSizeRoundLot: i32("min_lot_size_round_lot"),
    minTradeVol: u32("min_trade_vol"),
    contractMultiplier: multiplier === 0x7fff_ffff ? null : multiplier,
    contractMultiplierUnit: int(row, "contract_multiplier_unit", "i8", 0x7f),
    originalContractSize: i32("original_contract_size"),
    applId: int(row, "appl_id", "i16", 0x7fff),
    channelId: int(row, "channel_id", "u16", 0xffff),
    maturityYear: int(row, "maturity_year", "u16", 0xffff),
    maturityMonth: u8("maturity_month"),
    maturityDay: u8("maturity_day"),
    maturityWeek: u8("maturity_week"),
    currency: str(row, "currency", 4),
    settlCurrency: str(row, "settl_currency", 4),
    secsubtype: str(row, "secsubtype", 6),
    group: str(row, "group", 21),
    exchange: str(row, "exchange", 5),
    asset: str(row, "asset", v2 ? 7 : 11),
    cfi: str(row, "cfi", 7),
    securityType: str(row, "security_type", 7),
    unitOfMeasure: str(row, "unit_of_measure", 31),
    underlying: str(row, "underlying", 21),
    strikePriceCurrency: str(row, "strike_price_currency", 4),
    matchAlgorithm: char(row, "match_algorithm", "F"),
    mainFraction: u8("main_fraction"),
    priceDisplayFormat: u8("price_display_format"),
    subFraction: u8("sub_fraction"),
    underlyingProduct: u8("underlying_product"),
    userDefinedInstrument: char(row, "user_defined_instrument", "N"),
    tickRule: u8("tick_rule"),
    tradingReferencePriceNano: v2 ? px("trading_reference_price") : null,
    tradingReferenceDate: v2 ? int(row, "trading_reference_date", "u16", 0xffff) : null,
    mdSecurityTradingStatus: v2 ? u8("md_security_trading_status") : null,
    settlPriceType: v2 ? u8("settl_price_type") : null,
    legCount: legs ? int(row, "leg_count", "u16", 0) : null,
    legIndex: legs ? int(row, "leg_index", "u16", 0) : null,
    legInstrumentId: legs ? int(row, "leg_instrument_id", "u32", 0) : null,
    legRawSymbol: legs ? str(row, "leg_raw_symbol", 71) : null,
    legSide: legs ? char(row, "leg_side", "") : null,
    legInstrumentClass: legs ? char(row, "leg_instrument_class", "") : null,
    legPriceNano: legs ? px("leg_price") : null,
    legDeltaNano: legs ? px("leg_delta") : null,
    legRatioPriceNumerator: legs ? int(row, "leg_ratio_price_numerator", "i32", 0) : null,
    legRatioPriceDenominator: legs ? int(row, "leg_ratio_price_denominator", "i32", 0) : null,
    legRatioQtyNumerator: legs ? int(row, "leg_ratio_qty_numerator", "i32", 0) : null,
    legRatioQtyDenominator: legs ? int(row, "leg_ratio_qty_denominator", "i32", 0) : null,
    legUnderlyingId: legs ? int(row, "leg_underlying_id", "u32", 0) : null,
  };
}

/** Fields only DBN v1/v2 definitions have: a file with them is encoded as DBN v2 to keep them. */
export const PRE_V3_DEFINITION_FIELDS = ["trading_reference_price", "trading_reference_date", "md_security_trading_status", "settl_price_type"];
