/**
 * Per-record object decoders for the market-data schemas (layouts: DOMAIN.md section 4 and
 * databento/dbn `record.rs`). Prices are fixed point 1e-9 as bigint, null when undefined
 * (i64::MAX); sizes and counts are numbers, null when undefined (u32::MAX).
 *
 *   trades 48 | mbp-1/tbbo 80 | mbp-10 368: price i64 @16, size u32 @24, action @28, side @29,
 *     flags @30, depth @31, ts_recv @32, ts_in_delta i32 @40, sequence u32 @44, levels @48 (32 each)
 *   bbo-1s/1m 80: price @16, size @24, side @29, flags @30, ts_recv @32, sequence @44, level @48
 *   mbo 56: order_id u64 @16, price @24, size @32, flags @36, channel_id @37, action @38, side @39,
 *     ts_recv @40, ts_in_delta @48, sequence @52
 *   ohlcv 56: open/high/low/close i64 @16/24/32/40, volume u64 @48
 */
import { readChar } from "./bytes";
import { UNDEF_PRICE, UNDEF_SIZE } from "./enums";
import type { RecordBase } from "./record-header";

export interface BidAskLevel {
  bidPxNano: bigint | null;
  askPxNano: bigint | null;
  bidSize: number | null;
  askSize: number | null;
  bidCount: number | null;
  askCount: number | null;
}

export interface TradeRecord extends RecordBase {
  kind: "trade";
  priceNano: bigint | null;
  size: number | null;
  action: string;
  side: string;
  flags: number;
  depth: number;
  tsRecvNs: bigint;
  tsInDelta: number;
  sequence: number;
}

/** mbp-1 and tbbo (same record, rtype 0x01): the trade fields plus the top level. */
export interface Mbp1Record extends Omit<TradeRecord, "kind"> {
  kind: "mbp-1";
  levels: BidAskLevel[];
}

export interface Mbp10Record extends Omit<TradeRecord, "kind"> {
  kind: "mbp-10";
  levels: BidAskLevel[];
}

/** bbo-1s / bbo-1m: the book top sampled per interval, with the interval's last trade. */
export interface BboRecord extends RecordBase {
  kind: "bbo";
  priceNano: bigint | null;
  size: number | null;
  side: string;
  flags: number;
  tsRecvNs: bigint;
  sequence: number;
  levels: BidAskLevel[];
}

export interface MboRecord extends RecordBase {
  kind: "mbo";
  orderId: bigint;
  priceNano: bigint | null;
  size: number | null;
  flags: number;
  channelId: number;
  action: string;
  side: string;
  tsRecvNs: bigint;
  tsInDelta: number;
  sequence: number;
}

export interface OhlcvRecord extends RecordBase {
  kind: "ohlcv";
  openNano: bigint | null;
  highNano: bigint | null;
  lowNano: bigint | null;
  closeNano: bigint | null;
  volume: bigint;
}

export const TRADE_LEN = 48;
export const MBP1_LEN = 80;
export const MBP10_LEN = 368;
export const BBO_LEN = 80;
export const MBO_LEN = 56;
export const OHLCV_LEN = 56;

export function price(view: DataView, offset: number): bigint | null {
  const p = view.getBigInt64(offset, true);
  return p === UNDEF_PRICE ? null : p;
}

export function size(view: DataView, offset: number): number | null {
  const s = view.getUint32(offset, true);
  return s === UNDEF_SIZE ? null : s;
}

function levels(view: DataView, o: number, count: number): BidAskLevel[] {
  const out: BidAskLevel[] = [];
  for (let i = 0, p = o + 48; i < count; i++, p += 32) {
    out.push({
      bidPxNano: price(view, p),
      askPxNano: price(view, p + 8),
      bidSize: size(view, p + 16),
      askSize: size(view, p + 20),
      bidCount: size(view, p + 24),
      askCount: size(view, p + 28),
    });
  }
  return out;
}

function tradeFields(bytes: Uint8Array, view: DataView, o: number) {
  return {
    priceNano: price(view, o + 16),
    size: size(view, o + 24),
    action: readChar(bytes, o + 28),
    side: readChar(bytes, o + 29),
    flags: bytes[o + 30],
    depth: bytes[o + 31],
    tsRecvNs: view.getBigUint64(o + 32, true),
    tsInDelta: view.getInt32(o + 40, true),
    sequence: view.getUint32(o + 44, true),
  };
}

export function decodeTrade(bytes: Uint8Array, view: DataView, o: number, base: RecordBase): TradeRecord {
  return { kind: "trade", ...base, ...tradeFields(bytes, view, o) };
}

export function decodeMbp1(bytes: Uint8Array, view: DataView, o: number, base: RecordBase): Mbp1Record {
  return { kind: "mbp-1", ...base, ...tradeFields(bytes, view, o), levels: levels(view, o, 1) };
}

export function decodeMbp10(bytes: Uint8Array, view: DataView, o: number, base: RecordBase): Mbp10Record {
  return { kind: "mbp-10", ...base, ...tradeFields(bytes, view, o), levels: levels(view, o, 10) };
}

export function decodeBbo(bytes: Uint8Array, view: DataView, o: number, base: RecordBase): BboRecord {
  return {
    kind: "bbo",
    ...base,
    priceNano: price(view, o + 16),
    size: size(view, o + 24),
    side: readChar(bytes, o + 29),
    flags: bytes[o + 30],
    tsRecvNs: view.getBigUint64(o + 32, true),
    sequence: view.getUint32(o + 44, true),
    levels: levels(view, o, 1),
  };
}

export function decodeMbo(bytes: Uint8Array, view: DataView, o: number, base: RecordBase): MboRecord {
  return {
    kind: "mbo",
    ...base,
    orderId: view.getBigUint64(o + 16, true),
    priceNano: price(view, o + 24),
    size: size(view, o + 32),
    flags: bytes[o + 36],
    channelId: bytes[o + 37],
    action: readChar(bytes, o + 38),
    side: readChar(bytes, o + 39),
    tsRecvNs: view.getBigUint64(o + 40, true),
    tsInDelta: view.getInt32(o + 48, true),
    sequence: view.getUint32(o + 52, true),
  };
}

export function decodeOhlcv(view: DataView, o: number, base: RecordBase): OhlcvRecord {
  return {
    kind: "ohlcv",
    ...base,
    openNano: price(view, o + 16),
    highNano: price(view, o + 24),
    lowNano: price(view, o + 32),
    closeNano: price(view, o + 40),
    volume: view.getBigUint64(o + 48, true),
  };
}
