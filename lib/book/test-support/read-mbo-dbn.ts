/**
 * Minimal, test-only reader of UNCOMPRESSED Databento DBN bytes (v1-v3) into MboColumns: enough to
 * feed real MBO records to the book until the real decoder in lib/data/dbn exists. MBO records
 * (rtype 0xA0) are read, every other record is skipped; records are stepped by their length byte
 * (DOMAIN.md section 4). Not a decoder for production: no zstd, no metadata beyond the record start,
 * no streaming, BigInt per record.
 */
import { allocateMboColumns, type MboColumns } from "../../market/mbo-columns";

const RTYPE_MBO = 0xa0;
const I64_MAX = 0x7fffffffffffffffn;
const TWO_POW_32 = 4294967296;

export function readMboDbn(bytes: Uint8Array): MboColumns {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes[0] !== 0x44 || bytes[1] !== 0x42 || bytes[2] !== 0x4e) throw new Error("Not a DBN stream (zstd input must be decompressed first)");
  const start = 8 + view.getUint32(4, true);
  let count = 0;
  let baseNs: bigint | null = null;
  for (let at = start; at + 16 <= bytes.length; at += bytes[at] * 4) {
    if (bytes[at] === 0) throw new Error(`Record of length 0 at byte ${at}`);
    if (bytes[at + 1] !== RTYPE_MBO) continue;
    count++;
    baseNs ??= view.getBigUint64(at + 40, true);
  }
  const columns = allocateMboColumns(count, baseNs ?? 0n);
  let i = 0;
  for (let at = start; at + 16 <= bytes.length; at += bytes[at] * 4) {
    if (bytes[at + 1] !== RTYPE_MBO) continue;
    const tsEvent = view.getBigUint64(at + 8, true);
    const tsRecv = view.getBigUint64(at + 40, true);
    const price = view.getBigInt64(at + 24, true);
    columns.instrumentId[i] = view.getUint32(at + 4, true);
    columns.tsRecvOffsetNs[i] = Number(tsRecv - columns.baseNs);
    columns.tsEventDeltaNs[i] = Number(tsEvent - tsRecv);
    columns.orderIdLo[i] = view.getUint32(at + 16, true);
    columns.orderIdHi[i] = view.getUint32(at + 20, true);
    columns.priceNano[i] = price === I64_MAX ? Number.NaN : view.getInt32(at + 28, true) * TWO_POW_32 + view.getUint32(at + 24, true);
    columns.size[i] = view.getUint32(at + 32, true);
    columns.flags[i] = bytes[at + 36];
    columns.channelId[i] = bytes[at + 37];
    columns.action[i] = bytes[at + 38];
    columns.side[i] = bytes[at + 39];
    columns.sequence[i] = view.getUint32(at + 52, true);
    i++;
  }
  columns.length = i;
  return columns;
}
