/**
 * The varint column codec of the MBO and quote block stores (mbo-blocks.ts, quote-blocks.ts):
 * a growable sink that packs one column and a cursor that unpacks it. (tick-blocks.ts packs its
 * columns at a fixed width instead: see its codec comment.)
 *
 *   V  unsigned LEB128 varint of an integer in [0, 2^53)
 *   Z  zigzag (v >= 0: 2v, else -2v - 1) then V; |v| <= 2^52 - 1
 *   O  an optional delta: V(0) for a missing value, else V(Z(d) + 1)
 *   u32 4 bytes little-endian
 *
 * Number arithmetic throughout (exact to 2^53): no BigInt per value. `label` names the block in
 * errors ("MBO block" -> "MBO block value delta ... out of the codec's range", "Corrupt MBO block: ...").
 */
import { AppError } from "../errors";
import type { EncodedBlock } from "./block-store";

/** Largest |delta| the codec takes: its zigzag form stays an exact float64. */
export const MAX_VARINT_DELTA = 2 ** 52 - 1;

/** Zigzag form of a signed integer (exact for |v| <= MAX_VARINT_DELTA). */
export function zigzagOf(v: number): number {
  return v >= 0 ? v * 2 : -v * 2 - 1;
}

/** A growable byte buffer for one packed column. */
export class ByteSink {
  bytes: Uint8Array;
  length = 0;

  constructor(
    capacity: number,
    private readonly label: string,
  ) {
    this.bytes = new Uint8Array(Math.max(16, capacity));
  }

  private ensure(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    const next = new Uint8Array(Math.max(this.bytes.length * 2, this.length + extra));
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
  }

  /** V(v), v an integer in [0, 2^53). */
  uvarint(v: number): void {
    this.ensure(8);
    const b = this.bytes;
    let p = this.length;
    while (v >= 0x80000000) {
      b[p++] = (v % 128) | 128;
      v = Math.floor(v / 128);
    }
    while (v > 127) {
      b[p++] = (v & 127) | 128;
      v >>>= 7;
    }
    b[p++] = v;
    this.length = p;
  }

  /** Z(v); a value beyond MAX_VARINT_DELTA is refused. */
  zigzag(v: number): void {
    if (!(Math.abs(v) <= MAX_VARINT_DELTA)) throw new AppError("unprocessable", `${this.label} value delta ${v} is out of the codec's range`);
    this.uvarint(zigzagOf(v));
  }

  /** O of a missing value. */
  missing(): void {
    this.uvarint(0);
  }

  /** O of a present delta; the caller has checked |d| <= MAX_VARINT_DELTA. */
  present(d: number): void {
    this.uvarint(zigzagOf(d) + 1);
  }

  u32(v: number): void {
    this.ensure(4);
    const b = this.bytes;
    const p = this.length;
    b[p] = v & 255;
    b[p + 1] = (v >>> 8) & 255;
    b[p + 2] = (v >>> 16) & 255;
    b[p + 3] = v >>> 24;
    this.length = p + 4;
  }

  /** The packed bytes (a view: valid until the next write). */
  take(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }
}

/** Cursor over one packed column. */
export class ByteSource {
  p = 0;

  constructor(
    readonly b: Uint8Array,
    private readonly label: string,
  ) {}

  uvarint(): number {
    const b = this.b;
    let p = this.p;
    let byte = b[p++];
    if (byte < 128) {
      this.p = p;
      return byte;
    }
    let v = byte & 127;
    let scale = 128;
    do {
      if (p >= b.length) throw corruptBlock(this.label, "truncated varint");
      byte = b[p++];
      v += (byte & 127) * scale;
      scale *= 128;
    } while (byte >= 128);
    this.p = p;
    return v;
  }

  zigzag(): number {
    const u = this.uvarint();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  /** An O value: the delta, or NaN for a missing value. */
  optional(): number {
    const p = this.uvarint();
    if (p === 0) return Number.NaN;
    const u = p - 1;
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  u32(): number {
    const b = this.b;
    const p = this.p;
    this.p = p + 4;
    return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
  }

  /** True when every byte of the column has been read. */
  get done(): boolean {
    return this.p === this.b.length;
  }
}

export function corruptBlock(label: string, what: string): AppError {
  return new AppError("internal", `Corrupt ${label}: ${what}`);
}

/** One sink per column, of the given initial capacities. */
export function byteSinks(label: string, capacities: readonly number[]): ByteSink[] {
  return capacities.map((capacity) => new ByteSink(capacity, label));
}

/** One cursor per packed column. */
export function byteSources(label: string, columns: readonly Uint8Array[]): ByteSource[] {
  return columns.map((column) => new ByteSource(column, label));
}

/** Refuses a block with bytes left over in any of its columns. */
export function checkAllRead(label: string, sources: readonly ByteSource[]): void {
  for (const source of sources) if (!source.done) throw corruptBlock(label, "trailing bytes");
}

/**
 * The two time columns every varint block starts with, packed record by record:
 *   ts_recv          Z(ts_recv[i] - ts_recv[i-1]), ts_recv[-1] = base_ns (the first record's)
 *   ts_event_deltas  Z(ts_event[i] - ts_recv[i])
 * tracking the block's smallest and largest ts_recv (records need not be in ts_recv order).
 */
export class RecvTimeSinks {
  readonly ts: ByteSink;
  readonly ev: ByteSink;
  private prev: number;
  private min: number;
  private max: number;

  /** `base`: the first record's ts_recv offset (from the batch's baseNs); `n` records follow. */
  constructor(
    label: string,
    n: number,
    private readonly base: number,
  ) {
    this.ts = new ByteSink(n * 2, label);
    this.ev = new ByteSink(n * 3, label);
    this.prev = base;
    this.min = base;
    this.max = base;
  }

  push(tsRecvOffsetNs: number, eventDeltaNs: number): void {
    this.ts.zigzag(tsRecvOffsetNs - this.prev);
    this.prev = tsRecvOffsetNs;
    if (tsRecvOffsetNs < this.min) this.min = tsRecvOffsetNs;
    if (tsRecvOffsetNs > this.max) this.max = tsRecvOffsetNs;
    this.ev.zigzag(eventDeltaNs);
  }

  /** The packed block: the time columns, then `rest`; times absolute from the batch's `batchBaseNs`. */
  block(batchBaseNs: bigint, count: number, rest: readonly Uint8Array[]): EncodedBlock {
    return {
      baseNs: batchBaseNs + BigInt(this.base),
      firstNs: batchBaseNs + BigInt(this.min),
      lastNs: batchBaseNs + BigInt(this.max),
      count,
      columns: [this.ts.take(), this.ev.take(), ...rest],
    };
  }
}
