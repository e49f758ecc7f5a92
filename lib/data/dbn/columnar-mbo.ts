/**
 * Fast path: MBO records (rtype 0xA0) straight into `MboColumns` batches, with no per-record
 * allocation. Fields are read through 32-bit typed views of the decoder's window (records are
 * 4-byte aligned there, see ByteWindow); u64 fields are read as two u32 halves.
 *
 * Times: `baseNs` is the first ts_recv of the batch; offsets and ts_event deltas are computed
 * from the halves, (hi - baseHi) * 2^32 + (lo - baseLo), which is exact while the difference is
 * below 2^53 ns (~104 days; a snapshot order's ts_event can be days before its ts_recv).
 * Prices: fixed point 1e-9 in a Float64Array, NaN when undefined (i64::MAX), exact below 2^53.
 * Sizes are copied as u32 (an undefined size stays 4294967295, u32::MAX).
 * Records of other rtypes (e.g. symbol mappings in live data) are skipped and counted in `stats`.
 */
import { allocateMboColumns, type MboColumns } from "../../market/mbo-columns";
import { ColumnStream, type ColumnarOptions } from "./column-stream";
import { recordLengthAt, requireLength } from "./record-header";
import { MBO_LEN } from "./records-market";
import type { DbnSource } from "./source";

const TWO_32 = 4294967296;
const MBO = 0xa0;

export class MboColumnStream extends ColumnStream<MboColumns> {
  private current: MboColumns | null = null;
  private baseHi = 0;
  private baseLo = 0;
  private refill = false;

  protected pending(): number {
    return this.current ? this.current.length : 0;
  }

  protected take(): MboColumns {
    const batch = this.current as MboColumns;
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
    const minLen = MBO_LEN + (dec.context.tsOut ? 8 : 0);
    const out = (this.current ??= allocateMboColumns(this.batchSize, 0n));
    if (this.refill) {
      out.length = 0;
      this.refill = false;
    }
    const cap = out.tsRecvOffsetNs.length;
    const { tsRecvOffsetNs, tsEventDeltaNs, instrumentId, orderIdHi, orderIdLo, priceNano, size, flags, channelId, action, side, sequence } = out;
    let n = out.length;
    let baseHi = this.baseHi;
    let baseLo = this.baseLo;
    let p = win.start;
    let index = dec.recordIndex;
    let full = false;
    // The record-walking scaffold below is deliberately repeated in columnar-trades.ts: each hot loop stays
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
      if (rtype === MBO) {
        if (len < minLen) requireLength(len, MBO_LEN, "mbo", { index, streamOffset: win.streamOffset + p }, dec.context.tsOut);
        const w = p >> 2;
        const recvLo = u32[w + 10];
        const recvHi = u32[w + 11];
        if (n === 0) {
          baseHi = recvHi;
          baseLo = recvLo;
          out.baseNs = (BigInt(recvHi) << 32n) | BigInt(recvLo);
        }
        tsRecvOffsetNs[n] = (recvHi - baseHi) * TWO_32 + (recvLo - baseLo);
        tsEventDeltaNs[n] = (u32[w + 3] - recvHi) * TWO_32 + (u32[w + 2] - recvLo);
        instrumentId[n] = u32[w + 1];
        orderIdLo[n] = u32[w + 4];
        orderIdHi[n] = u32[w + 5];
        const pxLo = u32[w + 6];
        const pxHi = i32[w + 7];
        priceNano[n] = pxHi === 0x7fffffff && pxLo === 0xffffffff ? NaN : pxHi * TWO_32 + pxLo;
        size[n] = u32[w + 8];
        flags[n] = u8[p + 36];
        channelId[n] = u8[p + 37];
        action[n] = u8[p + 38];
        side[n] = u8[p + 39];
        sequence[n] = u32[w + 13];
        n++;
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
 * MBO batches of at most `batchSize` records: `for await (const batch of decodeMboColumns(src))`,
 * or `for (...)` over an in-memory source. zstd input is detected and decompressed.
 */
export function decodeMboColumns(source: DbnSource, options?: ColumnarOptions): MboColumnStream {
  return new MboColumnStream(source, options);
}
