/**
 * Status, statistics, symbol mapping, error and system records (databento/dbn `record.rs` for
 * v3, `compat.rs` for the older layouts).
 *
 *   status 40: ts_recv @16, action u16 @24, reason u16 @26, trading_event u16 @28,
 *     is_trading @30, is_quoting @31, is_short_sell_restricted @32 ('Y', 'N' or '~')
 *   statistics v1/v2 64: ts_recv @16, ts_ref @24, price @32, quantity i32 @40, sequence @44,
 *     ts_in_delta @48, stat_type u16 @52, channel_id u16 @54, update_action @56, stat_flags @57
 *   statistics v3 80: ... quantity i64 @40, sequence @48, ts_in_delta @52, stat_type @56,
 *     channel_id @58, update_action @60, stat_flags @61
 *   symbol mapping v1 80: stype_in_symbol[22] @16, stype_out_symbol[22] @38, start_ts @64, end_ts @72
 *   symbol mapping v2+ 176: stype_in @16, stype_in_symbol[71] @17, stype_out @88,
 *     stype_out_symbol[71] @89, start_ts @160, end_ts @168
 *   error v1 80: err[64] @16 | v2+ 320: err[302] @16, code @318, is_last @319
 *   system v1 80: msg[64] @16 | v2+ 320: msg[303] @16, code @319
 */
import { readChar, readCString } from "./bytes";
import { stypeName, UNDEF_I32, UNDEF_TIMESTAMP } from "./enums";
import { price } from "./records-market";
import type { RecordBase } from "./record-header";

export interface StatusRecord extends RecordBase {
  kind: "status";
  tsRecvNs: bigint;
  action: number;
  reason: number;
  tradingEvent: number;
  isTrading: string;
  isQuoting: string;
  isShortSellRestricted: string;
}

export interface StatisticsRecord extends RecordBase {
  kind: "statistics";
  tsRecvNs: bigint;
  tsRefNs: bigint | null;
  priceNano: bigint | null;
  /** null when undefined (i32::MAX before v3, i64::MAX in v3). */
  quantity: bigint | null;
  sequence: number;
  tsInDelta: number;
  statType: number;
  channelId: number;
  updateAction: number;
  statFlags: number;
}

export interface SymbolMappingRecord extends RecordBase {
  kind: "symbol-mapping";
  /** null in v1 (not encoded). */
  stypeIn: string | null;
  stypeInSymbol: string;
  stypeOut: string | null;
  stypeOutSymbol: string;
  startNs: bigint;
  endNs: bigint;
}

export interface ErrorRecord extends RecordBase {
  kind: "error";
  message: string;
  /** v2+ only. */
  code: number | null;
  isLast: boolean | null;
}

export interface SystemRecord extends RecordBase {
  kind: "system";
  message: string;
  /** v2+ only. */
  code: number | null;
}

export const STATUS_LEN = 40;
export const STATISTICS_LEN_V1 = 64;
export const STATISTICS_LEN_V3 = 80;
export const SYMBOL_MAPPING_LEN_V1 = 80;
export const SYMBOL_MAPPING_LEN_V2 = 176;
export const TEXT_RECORD_LEN_V1 = 80;
export const TEXT_RECORD_LEN_V2 = 320;
const UNDEF_I64 = 0x7fff_ffff_ffff_ffffn;

export function decodeStatus(bytes: Uint8Array, view: DataView, o: number, base: RecordBase): StatusRecord {
  return {
    kind: "status",
    ...base,
    tsRecvNs: view.getBigUint64(o + 16, true),
    action: view.getUint16(o + 24, true),
    reason: view.getUint16(o + 26, true),
    tradingEvent: view.getUint16(o + 28, true),
    isTrading: readChar(bytes, o + 30),
    isQuoting: readChar(bytes, o + 31),
    isShortSellRestricted: readChar(bytes, o + 32),
  };
}

export function decodeStatistics(bytes: Uint8Array, view: DataView, o: number, base: RecordBase, version: number): StatisticsRecord {
  const v3 = version >= 3;
  const tsRef = view.getBigUint64(o + 24, true);
  let quantity: bigint | null;
  if (v3) {
    const q = view.getBigInt64(o + 40, true);
    quantity = q === UNDEF_I64 ? null : q;
  } else {
    const q = view.getInt32(o + 40, true);
    quantity = q === UNDEF_I32 ? null : BigInt(q);
  }
  const at = v3 ? 48 : 44; // sequence; the fields after it keep their order
  return {
    kind: "statistics",
    ...base,
    tsRecvNs: view.getBigUint64(o + 16, true),
    tsRefNs: tsRef === UNDEF_TIMESTAMP ? null : tsRef,
    priceNano: price(view, o + 32),
    quantity,
    sequence: view.getUint32(o + at, true),
    tsInDelta: view.getInt32(o + at + 4, true),
    statType: view.getUint16(o + at + 8, true),
    channelId: view.getUint16(o + at + 10, true),
    updateAction: bytes[o + at + 12],
    statFlags: bytes[o + at + 13],
  };
}

export function decodeSymbolMapping(bytes: Uint8Array, view: DataView, o: number, base: RecordBase, version: number): SymbolMappingRecord {
  if (version === 1) {
    return {
      kind: "symbol-mapping",
      ...base,
      stypeIn: null,
      stypeInSymbol: readCString(bytes, o + 16, 22),
      stypeOut: null,
      stypeOutSymbol: readCString(bytes, o + 38, 22),
      startNs: view.getBigUint64(o + 64, true),
      endNs: view.getBigUint64(o + 72, true),
    };
  }
  return {
    kind: "symbol-mapping",
    ...base,
    stypeIn: stypeName(bytes[o + 16]),
    stypeInSymbol: readCString(bytes, o + 17, 71),
    stypeOut: stypeName(bytes[o + 88]),
    stypeOutSymbol: readCString(bytes, o + 89, 71),
    startNs: view.getBigUint64(o + 160, true),
    endNs: view.getBigUint64(o + 168, true),
  };
}

export function decodeError(bytes: Uint8Array, o: number, base: RecordBase, version: number): ErrorRecord {
  if (version === 1) return { kind: "error", ...base, message: readCString(bytes, o + 16, 64), code: null, isLast: null };
  return { kind: "error", ...base, message: readCString(bytes, o + 16, 302), code: bytes[o + 318], isLast: bytes[o + 319] !== 0 };
}

export function decodeSystem(bytes: Uint8Array, o: number, base: RecordBase, version: number): SystemRecord {
  if (version === 1) return { kind: "system", ...base, message: readCString(bytes, o + 16, 64), code: null };
  return { kind: "system", ...base, message: readCString(bytes, o + 16, 303), code: bytes[o + 319] };
}
