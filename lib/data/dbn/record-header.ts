/**
 * The 16-byte header every DBN record starts with: length u8 (in 4-byte words), rtype u8,
 * publisher_id u16, instrument_id u32, ts_event u64. The decoder steps by `length`, never by a
 * fixed record size, so unknown or longer records are skipped cleanly.
 */
import { dbnError, formatOffset } from "./dbn-error";

export const RECORD_HEADER_LEN = 16;

/** Fields shared by every decoded record object. */
export interface RecordBase {
  rtype: number;
  publisherId: number;
  instrumentId: number;
  /** Exchange (matching-engine) time, ns since the UNIX epoch. OHLCV: the interval start. */
  tsEventNs: bigint;
  /** Live gateway send time; present only when the metadata has ts_out. */
  tsOutNs?: bigint;
}

/** Where a record sits, for error messages and version-dependent layouts. */
export interface RecordLocation {
  /** 0-based index of the record in the stream. */
  index: number;
  /** Byte offset of the record in the (decompressed) stream. */
  streamOffset: number;
}

export interface RecordContext {
  version: number;
  tsOut: boolean;
  symbolCstrLen: number;
}

export function readRecordBase(view: DataView, offset: number, length: number, tsOut: boolean): RecordBase {
  const base: RecordBase = {
    rtype: view.getUint8(offset + 1),
    publisherId: view.getUint16(offset + 2, true),
    instrumentId: view.getUint32(offset + 4, true),
    tsEventNs: view.getBigUint64(offset + 8, true),
  };
  if (tsOut) base.tsOutNs = view.getBigUint64(offset + length - 8, true);
  return base;
}

/** The record's length from its first byte, validated (0 words would loop forever). */
export function recordLengthAt(bytes: Uint8Array, offset: number, at: RecordLocation): number {
  const length = bytes[offset] * 4;
  if (length < RECORD_HEADER_LEN) {
    throw dbnError(
      `record ${at.index} at byte offset ${formatOffset(at.streamOffset)} declares a length of ${length} bytes, shorter than the ${RECORD_HEADER_LEN}-byte header (corrupt record length)`,
      { recordIndex: at.index, offset: at.streamOffset },
    );
  }
  return length;
}

/** Throws when a record is too short for the layout of its rtype (plus ts_out when present). */
export function requireLength(length: number, layoutLength: number, name: string, at: RecordLocation, tsOut: boolean): void {
  const needed = layoutLength + (tsOut ? 8 : 0);
  if (length < needed) {
    throw dbnError(
      `record ${at.index} (${name}) at byte offset ${formatOffset(at.streamOffset)} is ${length} bytes long, shorter than its ${needed}-byte layout`,
      { recordIndex: at.index, offset: at.streamOffset },
    );
  }
}
