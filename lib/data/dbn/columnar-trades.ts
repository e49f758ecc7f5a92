/**
 * Fast path: trades into `TradeColumns` batches, from the trades schema (rtype 0x00) and from the
 * trade records (action 'T') of mbp-1 / tbbo (0x01) and mbp-10 (0x0A), which share the first 48
 * bytes. No per-record allocation except for rejected records.
 *
 * Prices become integer ticks with the caller's tick size (1e-9 units). A price off the tick grid
 * is never rounded: the record is left out of the columns and listed in the batch's `rejected`
 * with reason "off_tick_grid" (likewise an undefined price or size, or ticks beyond int32).
 * Times as in MboColumns: base = the batch's first ts_recv, exact offsets from u32 halves.
 * Side: 'B' (buy aggressor) -> 1, 'A' (sell aggressor) -> -1, anything else (N) -> 0.
 */
import { AppError } from "../../errors";
import { allocateTradeColumns, type TradeColumns } from "../../market/trade-columns";
import { ColumnStream, type ColumnarOptions } from "./column-stream";
import { recordLengthAt, requireLength } from "./record-header";
import { TRADE_LEN } from "./records-market";
import type { DbnSource } from "./source";

const TWO_32 = 4294967296;
const ACTION_TRADE = 84; // 'T'
const SIDE_BID = 66; // 'B'
const SIDE_ASK = 65; // 'A'

export type RejectReason = "off_tick_grid" | "undefined_price" | "undefined_size" | "out_of_range";

export interface RejectedTrade {
  recordIndex: number;
  instrumentId: number;
  tsRecvNs: bigint;
  /** null when undefined (i64::MAX). */
  priceNano: bigint | null;
  size: number;
  reason: RejectReason;
}

export interface TradeBatch {
  columns: TradeColumns;
  /** Trade records walked while filling this batch but left out of it. */
  rejected: RejectedTrade[];
}

export interface TradeColumnOptions extends ColumnarOptions {
  /** The instrument's tick size in 1e-9 units, e.g. 250000000n for 0.25 (MNQ, ES). */
  tickSizeNano: bigint | number;
  /** Keep only this instrument (a parent-symbol file mixes contracts and spreads). */
  instrumentId?: number;
}

export class TradeColumnStream extends ColumnStream<TradeBatch> {
  private current: TradeBatch | null = null;
  private readonly tick: number;
  private readonly onlyInstrument: number;
  private baseHi = 0;
  private baseLo = 0;
  private refill = false;
  /** Non-trade records of trade-bearing rtypes (book updates in mbp-1) skipped so far. */
  nonTradeRecords = 0;

  constructor(source: DbnSource, options: TradeColumnOptions) {
    super(source, options);
    const tick = Number(options.tickSizeNano);
    if (!Number.isSafeInteger(tick) || tick <= 0) throw new AppError("bad_request", `tickSizeNano must be a positive integer, got ${options.tickSizeNano}`);
    this.tick = tick;
    this.onlyInstrument = options.instrumentId ?? -1;
  }

  protected pending(): number {
    return this.current ? this.current.columns.length + this.current.rejected.length : 0;
  }

  protected take(): TradeBatch {
    const batch = this.current as TradeBatch;
    if (this.options.reuseBatch) this.refill = true; // emptied when the iterator resumes
    else this.current = null;
    return batch;
  }

  protected fill(): boolean {
    const dec = this.decoder;
    const win = dec.window;
    const u8 = win.bytes;
    const u32 = win.u32;
    const i32 = win.i32;
    const end = win.end;
    const counts = dec.rtypeCounts;
    const tsOut = dec.context.tsOut;
    const minLen = TRADE_LEN + (tsOut ? 8 : 0);
    const tick = this.tick;
    const only = this.onlyInstrument;
    const batch = (this.current ??= { columns: allocateTradeColumns(this.batchSize, 0n), rejected: [] });
    const out = batch.columns;
    if (this.refill) {
      out.length = 0;
      batch.rejected = [];
      this.refill = false;
    }
    const cap = out.tsOffsetNs.length;
    const { tsOffsetNs, eventDeltaNs, priceTicks, size, side } = out;
    let n = out.length;
    let baseHi = this.baseHi;
    let baseLo = this.baseLo;
    let p = win.start;
    let index = dec.recordIndex;
    let full = false;
    // The record-walking scaffold below is deliberately repeated in columnar-mbo.ts: each hot loop stays
    // monomorphic (no per-record callback), which is what keeps decoding above 10 M records/s.
    while (p < end) {
      if (n === cap) {
        full = true;
        break;
      }
      const len = u8[p] << 2;
      if (len < 16 || p + len > end) {
        if (len < 16) recordLengthAt(u8, p, { index, streamOffset: win.streamOffset + p });
        if (dec.isFinished) {
          win.start = p;
          dec.recordIndex = index;
          throw dec.truncatedRecord(p);
        }
        break;
      }
      const rtype = u8[p + 1];
      counts[rtype]++;
      if (rtype === 0x00 || rtype === 0x01 || rtype === 0x0a) {
        if (len < minLen) requireLength(len, TRADE_LEN, "trade", { index, streamOffset: win.streamOffset + p }, tsOut);
        const w = p >> 2;
        if (u8[p + 28] !== ACTION_TRADE) this.nonTradeRecords++;
        else if (only < 0 || u32[w + 1] === only) {
          const recvLo = u32[w + 8];
          const recvHi = u32[w + 9];
          const pxLo = u32[w + 4];
          const pxHi = i32[w + 5];
          const sz = u32[w + 6];
          const px = pxHi * TWO_32 + pxLo;
          const reason: RejectReason | null =
            pxHi === 0x7fffffff && pxLo === 0xffffffff ? "undefined_price"
            : sz === 0xffffffff ? "undefined_size"
            : !Number.isSafeInteger(px) || sz > 0x7fffffff ? "out_of_range"
            : px % tick !== 0 ? "off_tick_grid"
            : Math.abs(px / tick) > 0x7fffffff ? "out_of_range"
            : null;
          if (reason !== null) {
            batch.rejected.push({
              recordIndex: index,
              instrumentId: u32[w + 1],
              tsRecvNs: (BigInt(recvHi) << 32n) | BigInt(recvLo),
              priceNano: reason === "undefined_price" ? null : (BigInt(pxHi) << 32n) | BigInt(pxLo),
              size: sz,
              reason,
            });
          } else {
            if (n === 0) {
              baseHi = recvHi;
              baseLo = recvLo;
              out.baseNs = (BigInt(recvHi) << 32n) | BigInt(recvLo);
            }
            tsOffsetNs[n] = (recvHi - baseHi) * TWO_32 + (recvLo - baseLo);
            eventDeltaNs[n] = (u32[w + 3] - recvHi) * TWO_32 + (u32[w + 2] - recvLo);
            priceTicks[n] = px / tick;
            size[n] = sz;
            const s = u8[p + 29];
            side[n] = s === SIDE_BID ? 1 : s === SIDE_ASK ? -1 : 0;
            n++;
          }
        }
      }
      p += len;
      index++;
    }
    win.start = p;
    dec.recordIndex = index;
    out.length = n;
    this.baseHi = baseHi;
    this.baseLo = baseLo;
    return full;
  }
}

/**
 * Trade batches (at most `batchSize` trades each) with their rejected records:
 * `for await (const { columns, rejected } of decodeTradeColumns(src, { tickSizeNano: 250000000n }))`.
 */
export function decodeTradeColumns(source: DbnSource, options: TradeColumnOptions): TradeColumnStream {
  return new TradeColumnStream(source, options);
}
