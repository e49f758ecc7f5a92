/**
 * PostgreSQL COPY BINARY framing: a writer that fills large Buffers and a streaming row splitter.
 * Reference: https://www.postgresql.org/docs/current/sql-copy.html ("Binary Format").
 *
 *   header  = "PGCOPY\n\xff\r\n\0" + int32 flags (0) + int32 extension length (+ extension bytes)
 *   row     = int16 field count + per field int32 byte length (-1 = NULL) + bytes, big-endian
 *   trailer = int16 -1
 *
 * `CopyOutQuery` runs COPY ... TO STDOUT on a pg client and yields the COPY bytes with the wire
 * protocol's framing (one CopyData message per row) stripped in place: pg-copy-streams allocates a
 * Buffer per message, i.e. per row, which made the client slower than the server.
 *
 * int8 values travel as two 32-bit halves (`hi` signed, `lo` unsigned) so hot loops never create a
 * BigInt per row: a 64-bit value is hi * 2^32 + lo, and any value within 2^53 of a known base can be
 * produced or read as an exact float64 offset from that base.
 */
import { Readable } from "node:stream";
import type { Connection, Submittable } from "pg";
import { AppError } from "../errors";

export const COPY_SIGNATURE = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");
/** Signature + flags + header extension length. */
export const COPY_HEADER_BYTES = 19;
export const COPY_TRAILER_BYTES = 2;

const TWO_32 = 4294967296;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** Splits a signed 64-bit integer into its signed high and unsigned low 32-bit halves. */
export function splitInt64(value: bigint): { hi: number; lo: number } {
  if (value < -(1n << 63n) || value >= 1n << 63n) throw new RangeError(`${value} does not fit in int8`);
  return { hi: Number(BigInt.asIntN(32, value >> 32n)), lo: Number(BigInt.asUintN(32, value)) };
}

/** The inverse of `splitInt64`. */
export function joinInt64(hi: number, lo: number): bigint {
  return (BigInt(hi) << 32n) + BigInt(lo);
}

/**
 * Writes COPY BINARY data into one pre-sized Buffer. The caller sizes it for its rows (plus the
 * header/trailer when it writes them) and calls `take()` when done; nothing is allocated per row.
 */
export class CopyBinaryWriter {
  readonly buffer: Buffer;
  private readonly view: DataView;
  private pos = 0;

  constructor(capacityBytes: number) {
    this.buffer = Buffer.allocUnsafe(capacityBytes);
    this.view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.byteLength);
  }

  get length(): number {
    return this.pos;
  }

  header(): void {
    COPY_SIGNATURE.copy(this.buffer, this.pos);
    this.view.setInt32(this.pos + 11, 0); // flags: no OIDs
    this.view.setInt32(this.pos + 15, 0); // no header extension
    this.pos += COPY_HEADER_BYTES;
  }

  trailer(): void {
    this.view.setInt16(this.pos, -1);
    this.pos += 2;
  }

  beginRow(fieldCount: number): void {
    this.view.setInt16(this.pos, fieldCount);
    this.pos += 2;
  }

  null(): void {
    this.view.setInt32(this.pos, -1);
    this.pos += 4;
  }

  /** int2; the value must already be in range (it is written modulo 2^16). */
  int2(value: number): void {
    this.view.setInt32(this.pos, 2);
    this.view.setInt16(this.pos + 4, value);
    this.pos += 6;
  }

  /** int4; the value must already be in range (it is written modulo 2^32). */
  int4(value: number): void {
    this.view.setInt32(this.pos, 4);
    this.view.setInt32(this.pos + 4, value);
    this.pos += 8;
  }

  /**
   * int8 equal to (baseHi * 2^32 + baseLo) + addend, where `addend` is a safe integer. Throws when
   * the addend is not a safe integer or the sum leaves the int8 range.
   */
  int8Plus(baseHi: number, baseLo: number, addend: number): void {
    if (!Number.isSafeInteger(addend)) {
      throw new AppError("unprocessable", `COPY int8 value: ${addend} is not an exact integer`);
    }
    const addHi = Math.floor(addend / TWO_32); // exact: division by a power of two
    let lo = baseLo + (addend - addHi * TWO_32);
    let hi = baseHi + addHi;
    if (lo >= TWO_32) {
      lo -= TWO_32;
      hi += 1;
    }
    if (hi < INT32_MIN || hi > INT32_MAX) {
      throw new AppError("unprocessable", `COPY int8 value out of range (base ${joinInt64(baseHi, baseLo)} + ${addend})`);
    }
    this.view.setInt32(this.pos, 8);
    this.view.setInt32(this.pos + 4, hi);
    this.view.setUint32(this.pos + 8, lo);
    this.pos += 12;
  }

  /** int8 from a safe integer. */
  int8(value: number): void {
    this.int8Plus(0, 0, value);
  }

  int8BigInt(value: bigint): void {
    if (value < -(1n << 63n) || value >= 1n << 63n) {
      throw new AppError("unprocessable", `COPY int8 value out of range: ${value}`);
    }
    this.view.setInt32(this.pos, 8);
    this.view.setBigInt64(this.pos + 4, value);
    this.pos += 12;
  }

  /** The bytes written so far (a view of `buffer`, not a copy). */
  take(): Buffer {
    return this.buffer.subarray(0, this.pos);
  }
}

/**
 * Exact value of the int8 at `pos` minus (baseHi * 2^32 + baseLo), as a float64. Exact whenever
 * the true difference is within +-2^53; callers keep their bases close enough to guarantee it.
 */
export function int8Minus(view: DataView, pos: number, baseHi: number, baseLo: number): number {
  return (view.getInt32(pos) - baseHi) * TWO_32 + (view.getUint32(pos + 4) - baseLo);
}

/**
 * Receives rows from `CopyBinaryParser`. `pos` points at the first field's length word; the whole
 * row (`fieldCount` fields) is guaranteed to lie inside `view`.
 */
export interface CopyRowSink {
  row(view: DataView, pos: number, fieldCount: number): void;
}

/**
 * Incremental parser of a COPY ... TO STDOUT (FORMAT binary) stream. Chunks may cut rows (and the
 * header) anywhere; an incomplete tail is kept and joined with the next chunk.
 */
export class CopyBinaryParser {
  private pending: Uint8Array | null = null;
  private headerDone = false;
  private trailerSeen = false;
  rows = 0;

  /** Parses `chunk`, handing every complete row to `sink`. */
  push(chunk: Uint8Array, sink: CopyRowSink): void {
    if (this.trailerSeen) {
      if (chunk.length > 0) throw malformed("data after the trailer");
      return;
    }
    let data = chunk;
    if (this.pending) {
      data = new Uint8Array(this.pending.length + chunk.length);
      data.set(this.pending, 0);
      data.set(chunk, this.pending.length);
      this.pending = null;
    }
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const end = data.length;
    let pos = 0;
    if (!this.headerDone) {
      if (end < COPY_HEADER_BYTES) {
        this.pending = new Uint8Array(data); // a copy: chunks are not ours to keep
        return;
      }
      for (let i = 0; i < 11; i++) if (data[i] !== COPY_SIGNATURE[i]) throw malformed("bad signature");
      if (view.getInt32(11) & 0x10000) throw malformed("OIDs are not supported");
      const extension = view.getInt32(15);
      if (extension < 0) throw malformed("negative header extension length");
      if (end < COPY_HEADER_BYTES + extension) {
        this.pending = new Uint8Array(data); // a copy: chunks are not ours to keep
        return;
      }
      pos = COPY_HEADER_BYTES + extension;
      this.headerDone = true;
    }
    let rows = 0;
    while (pos + 2 <= end) {
      const fieldCount = view.getInt16(pos);
      if (fieldCount === -1) {
        this.trailerSeen = true;
        pos += 2;
        if (pos !== end) throw malformed("data after the trailer");
        break;
      }
      if (fieldCount < 0) throw malformed(`negative field count ${fieldCount}`);
      // Find the end of the row; stop if it is not all here yet.
      let p = pos + 2;
      let complete = true;
      for (let f = 0; f < fieldCount; f++) {
        if (p + 4 > end) {
          complete = false;
          break;
        }
        const len = view.getInt32(p);
        p += 4;
        if (len > 0) p += len;
        else if (len < -1) throw malformed(`negative field length ${len}`);
      }
      if (!complete || p > end) break;
      sink.row(view, pos + 2, fieldCount);
      rows++;
      pos = p;
    }
    this.rows += rows;
    if (pos < end) this.pending = new Uint8Array(data.subarray(pos));
  }

  /** Call after the last chunk: throws unless the stream ended cleanly with a trailer. */
  end(): void {
    if (!this.trailerSeen || this.pending) throw malformed("stream ended before the trailer");
  }
}

function malformed(what: string): AppError {
  return new AppError("internal", `Malformed COPY BINARY stream: ${what}`);
}

// ---------------------------------------------------------------------------------------------
// COPY TO STDOUT on the wire

const MSG_COPY_OUT_RESPONSE = 0x48; // 'H'
const MSG_COPY_DATA = 0x64; // 'd'
const MSG_COPY_DONE = 0x63; // 'c'
const MSG_NOTICE = 0x4e; // 'N'
const MSG_PARAMETER_STATUS = 0x53; // 'S'
const MSG_NOTIFICATION = 0x41; // 'A'

type DataHandler = (chunk: Buffer) => void;

/**
 * A pg `Submittable` for `COPY ... TO STDOUT`: a Readable of the COPY data bytes (header, rows,
 * trailer) in chunks of about one socket read. While the COPY runs it reads the connection's
 * socket itself (as pg-copy-streams does), compacting the CopyData payloads within each socket
 * chunk; at CopyDone or on any other message (an ErrorResponse) it hands the socket back to pg.
 * The stream ends once pg has seen ReadyForQuery, so the client is free again at 'end'.
 * Use only with COPY TO STDOUT statements, on a non-pipelined client.
 */
export class CopyOutQuery extends Readable implements Submittable {
  /** Rows reported by the server's CommandComplete. */
  rowCount = 0;
  private socket: Connection["stream"] | null = null;
  private pgDataHandler: DataHandler | null = null;
  /** Bytes of the current message header (code + int32 length) seen; 0 = at a message start. */
  private headerSeen = 0;
  private code = 0;
  private messageLength = 0;
  /** Body bytes of the current message not yet seen. */
  private remaining = 0;
  private readonly onSocketData: DataHandler = (chunk) => this.receive(chunk);

  constructor(readonly text: string) {
    super({ highWaterMark: 1 << 18 });
  }

  submit(connection: Connection): Error | void {
    const socket = connection.stream;
    const handlers = socket.listeners("data") as DataHandler[];
    if (handlers.length !== 1) return new Error("CopyOutQuery: unexpected pg connection state"); // pg reports it
    this.pgDataHandler = handlers[0];
    socket.removeListener("data", this.pgDataHandler);
    socket.on("data", this.onSocketData);
    this.socket = socket;
    connection.query(this.text);
  }

  override _read(): void {
    this.socket?.resume();
  }

  private receive(chunk: Buffer): void {
    const end = chunk.length;
    let pos = 0;
    let out = 0; // compacted payload bytes at chunk[0, out)
    while (pos < end) {
      if (this.remaining > 0) {
        const n = Math.min(this.remaining, end - pos);
        if (this.code === MSG_COPY_DATA) {
          if (out !== pos) chunk.copyWithin(out, pos, pos + n);
          out += n;
        }
        pos += n;
        this.remaining -= n;
        continue;
      }
      if (this.headerSeen === 0) {
        const code = chunk[pos];
        if (
          code !== MSG_COPY_DATA &&
          code !== MSG_COPY_DONE &&
          code !== MSG_COPY_OUT_RESPONSE &&
          code !== MSG_NOTICE &&
          code !== MSG_PARAMETER_STATUS &&
          code !== MSG_NOTIFICATION
        ) {
          // ErrorResponse (or anything unexpected): pg parses it from its first byte.
          this.handBack(chunk, out, pos);
          return;
        }
        this.code = code;
        this.messageLength = 0;
        this.headerSeen = 1;
        pos++;
      }
      while (this.headerSeen < 5 && pos < end) {
        this.messageLength = this.messageLength * 256 + chunk[pos++];
        this.headerSeen++;
      }
      if (this.headerSeen < 5) break;
      this.headerSeen = 0;
      this.remaining = this.messageLength - 4;
      if (this.code === MSG_COPY_DONE) {
        this.handBack(chunk, out, pos);
        return;
      }
    }
    if (out > 0 && !this.push(chunk.subarray(0, out))) this.socket?.pause();
  }

  /** Emits the payload gathered so far and returns the socket, and bytes from `from`, to pg. */
  private handBack(chunk: Buffer, out: number, from: number): void {
    const socket = this.socket;
    const handler = this.pgDataHandler;
    if (!socket || !handler) return;
    if (out > 0) this.push(chunk.subarray(0, out));
    socket.removeListener("data", this.onSocketData);
    socket.on("data", handler);
    this.socket = null;
    this.pgDataHandler = null;
    if (from < chunk.length) handler(chunk.subarray(from));
    socket.resume();
  }

  // Called by pg once it has the socket back.
  handleCommandComplete(msg: { text?: string }): void {
    const match = /COPY (\d+)/.exec(msg?.text ?? "");
    if (match) this.rowCount = Number(match[1]);
  }

  /** Set by pg when the client has a query_timeout; calling it clears the timer. */
  callback?: () => void;

  handleReadyForQuery(): void {
    this.callback?.();
    if (!this.destroyed) this.push(null);
  }

  handleError(error: Error): void {
    this.callback?.();
    if (this.socket && this.pgDataHandler) {
      // The connection failed while we held the socket: give it back so pg can clean up.
      this.socket.removeListener("data", this.onSocketData);
      this.socket.on("data", this.pgDataHandler);
      this.socket = null;
    }
    this.destroy(error);
  }

  handleRowDescription(): void {
    this.destroy(new Error("CopyOutQuery: the statement is not COPY ... TO STDOUT"));
  }

  handleDataRow(): void {}

  handleEmptyQuery(): void {
    this.destroy(new Error("CopyOutQuery: empty statement"));
  }
}
