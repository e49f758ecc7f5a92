/**
 * Databento DBN constants (DOMAIN.md section 4; values from the databento/dbn Rust crate,
 * `enums.rs`). Kept as data tables: an unknown value decodes to a readable placeholder, never
 * to a crash.
 */

/** Record types (`rtype` byte of the record header). */
export const RTYPE = {
  MBP_0: 0x00,
  MBP_1: 0x01,
  MBP_10: 0x0a,
  OHLCV_DEPRECATED: 0x11,
  STATUS: 0x12,
  INSTRUMENT_DEF: 0x13,
  IMBALANCE: 0x14,
  ERROR: 0x15,
  SYMBOL_MAPPING: 0x16,
  SYSTEM: 0x17,
  STATISTICS: 0x18,
  OHLCV_1S: 0x20,
  OHLCV_1M: 0x21,
  OHLCV_1H: 0x22,
  OHLCV_1D: 0x23,
  OHLCV_EOD: 0x24,
  MBO: 0xa0,
  BBO_1S: 0xc3,
  BBO_1M: 0xc4,
} as const;

/** Schema ids of the metadata, index = id. 0xFFFF (mixed / none) decodes to null. */
export const SCHEMA_NAMES = [
  "mbo", "mbp-1", "mbp-10", "tbbo", "trades", "ohlcv-1s", "ohlcv-1m", "ohlcv-1h", "ohlcv-1d", "definition",
  "statistics", "status", "imbalance", "ohlcv-eod", "cmbp-1", "cbbo-1s", "cbbo-1m", "tcbbo", "bbo-1s", "bbo-1m",
] as const;
export type DbnSchema = (typeof SCHEMA_NAMES)[number];
export const NULL_SCHEMA = 0xffff;

/** Symbology types, index = id (2 was the deprecated "smart" symbology). */
export const STYPE_NAMES = [
  "instrument_id", "raw_symbol", "smart", "continuous", "parent", "nasdaq_symbol", "cms_symbol", "isin", "us_code",
  "bbg_comp_id", "bbg_comp_ticker", "figi", "figi_ticker",
] as const;
export const NULL_STYPE = 0xff;

export function schemaName(id: number): string | null {
  if (id === NULL_SCHEMA) return null;
  return SCHEMA_NAMES[id] ?? `unknown-schema-${id}`;
}

export function stypeName(id: number): string | null {
  if (id === NULL_STYPE) return null;
  return STYPE_NAMES[id] ?? `unknown-stype-${id}`;
}

/** u64::MAX: undefined timestamp (e.g. metadata `end`, definition `expiration`). */
export const UNDEF_TIMESTAMP = 0xffff_ffff_ffff_ffffn;
/** i64::MAX: undefined price. */
export const UNDEF_PRICE = 0x7fff_ffff_ffff_ffffn;
/** u32::MAX: undefined size / order count. */
export const UNDEF_SIZE = 0xffff_ffff;
/** i32::MAX: undefined 32-bit quantity (statistics v1/v2, contract multiplier...). */
export const UNDEF_I32 = 0x7fff_ffff;
