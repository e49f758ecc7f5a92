/**
 * The columnar MBO store: `mbo_blocks` rows of up to 65,536 consecutive order-by-order records of a
 * dataset, in file order, their columns packed into bytea, to and from `MboColumns`.
 *
 * Invariants:
 * - A block holds records of one `writeMbo` call, in the call's order (the file order: Databento
 *   files are ordered by ts_recv, snapshot records carry the file start). `block_seq` increases in
 *   write order and reads return blocks in `block_seq` order, so a replay sees the file order.
 * - `first_ts_recv` / `last_ts_recv` are the smallest / largest ts_recv of the block; `base_ns` is
 *   the first record's ts_recv (the origin of the batch a block decodes into).
 * - Prices are integers in units of the block's `price_scale_nano` (the tick size when written);
 *   a price off that grid is refused at write time (the importer quarantines it first).
 * - Order ids are exact u64 (two u32 halves); times exact ns (offsets below 2^52 within a block).
 * - Writes run inside the caller's transaction: a failed import leaves no rows.
 *
 * Codec 1 (V = unsigned LEB128 varint, Z = zigzag then V; Number arithmetic, exact to 2^53):
 *   ts_recv          Z(ts_recv[i] - ts_recv[i-1]), ts_recv[-1] = base_ns
 *   ts_event_deltas  Z(ts_event[i] - ts_recv[i])    (snapshot orders: days before their ts_recv)
 *   order_ids        Z(hi[i] - hi[i-1]) then lo[i] as 4 bytes little-endian
 *   prices           V(0) for an undefined price, else V(Z(ticks[i] - ticks[j]) + 1), j the last
 *                    defined price before i (start 0)
 *   sizes            V(size)
 *   flags, actions, sides, channels   n raw bytes each
 *   sequences        Z(sequence[i] - sequence[i-1]), start 0
 *   source_ids       Z(instrument_id[i] - instrument_id[i-1]), start 0
 * Real CME MBO (ESH4) takes ~16 bytes per record (DBN: 56).
 *
 * Reads are plain SELECTs (bytea arrives hex-coded: node-pg's binary mode turns bytes into UTF-8
 * text, so it cannot carry bytea; a COPY reader like tick-blocks.ts is the faster next step), paged by block_seq (a few blocks per round trip), so
 * memory stays bounded by one page whatever the dataset size; each yielded batch is one block,
 * freshly allocated, cut to [fromNs, toNs) by ts_recv.
 */
import { finished } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { AppError } from "../errors";
import { allocateMboColumns, type MboColumns } from "../market/mbo-columns";
import { CopyBinaryWriter, COPY_HEADER_BYTES, COPY_TRAILER_BYTES } from "./copy-binary";

export type MboDb = pg.Pool | pg.Client;

export const MBO_BLOCK_MAX_RECORDS = 65_536;
export const MBO_BLOCK_CODEC = 1;

const MAX_DELTA = 2 ** 52 - 1;
const INT32_MAX = 2147483647;
const DATASET_LOCK_KEY = "tickbench:mbo_blocks:dataset";
const WRITE_COLUMNS =
  "dataset_id, block_seq, instrument_id, first_ts_recv, last_ts_recv, record_count, base_ns, first_seq, price_scale_nano, codec, " +
  "ts_recv, ts_event_deltas, order_ids, prices, sizes, flags, actions, sides, channels, sequences, source_ids";
const WRITE_FIELDS = 21;
const PACKED_FIELDS = 11;
const WRITE_FIXED_BYTES = 2 + 4 * 8 + 5 * 12 + 6;

export interface MboWriteMeta {
  readonly datasetId: number;
  /** Tickbench instrument id (instruments.id) of the dataset. */
  readonly instrumentId: number;
  /** Price grid of the stored prices, 1e-9 units (the contract's tick size). */
  readonly tickSizeNano: bigint;
  /** Index in the dataset of the first record written. */
  readonly firstSeq: bigint;
}

// ---- varints ----------------------------------------------------------------------------------

/** A growable byte buffer for one packed column. */
class ByteSink {
  bytes: Uint8Array;
  length = 0;
  constructor(capacity: number) {
    this.bytes = new Uint8Array(Math.max(16, capacity));
  }
  private ensure(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    const next = new Uint8Array(Math.max(this.bytes.length * 2, this.length + extra));
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
  }
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
  zigzag(v: number): void {
    if (!(Math.abs(v) <= MAX_DELTA)) throw new AppError("unprocessable", `MBO block value delta ${v} is out of the codec's range`);
    this.uvarint(v >= 0 ? v * 2 : -v * 2 - 1);
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
  raw(src: Uint8Array): void {
    this.ensure(src.length);
    this.bytes.set(src, this.length);
    this.length += src.length;
  }
}

/** Cursor over one packed column. */
class ByteSource {
  p = 0;
  constructor(readonly b: Uint8Array) {}
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
      if (p >= b.length) throw corrupt("truncated varint");
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
  u32(): number {
    const b = this.b;
    const p = this.p;
    this.p = p + 4;
    return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
  }
}

function corrupt(what: string): AppError {
  return new AppError("internal", `Corrupt MBO block: ${what}`);
}

// ---- codec ------------------------------------------------------------------------------------

export interface EncodedMboBlock {
  readonly firstNs: bigint;
  readonly lastNs: bigint;
  readonly baseNs: bigint;
  readonly count: number;
  /** The packed columns in WRITE_COLUMNS order (ts_recv ... source_ids). */
  readonly columns: readonly Uint8Array[];
}

/** Packs records [start, end) of `c` (prices must lie on the `tickSizeNano` grid or be NaN). */
export function encodeMboBlock(c: MboColumns, start: number, end: number, tickSizeNano: bigint): EncodedMboBlock {
  const n = end - start;
  if (n < 1 || n > MBO_BLOCK_MAX_RECORDS) throw new AppError("internal", `MBO block of ${n} records`);
  const tick = Number(tickSizeNano);
  const ts = new ByteSink(n * 2);
  const ev = new ByteSink(n * 3);
  const ids = new ByteSink(n * 5);
  const px = new ByteSink(n * 2);
  const sz = new ByteSink(n);
  const seq = new ByteSink(n * 2);
  const src = new ByteSink(n);
  const base = c.tsRecvOffsetNs[start];
  let prevTs = base;
  let minTs = base;
  let maxTs = base;
  let prevHi = 0;
  let prevTicks = 0;
  let prevSeq = 0;
  let prevSrc = 0;
  for (let i = start; i < end; i++) {
    const t = c.tsRecvOffsetNs[i];
    ts.zigzag(t - prevTs);
    prevTs = t;
    if (t < minTs) minTs = t;
    if (t > maxTs) maxTs = t;
    ev.zigzag(c.tsEventDeltaNs[i]);
    ids.zigzag(c.orderIdHi[i] - prevHi);
    prevHi = c.orderIdHi[i];
    ids.u32(c.orderIdLo[i]);
    const p = c.priceNano[i];
    if (p !== p) px.uvarint(0);
    else {
      const ticks = p / tick;
      if (!Number.isInteger(ticks)) throw new AppError("unprocessable", `MBO price ${p} (1e-9) is off the ${tickSizeNano} tick grid`);
      const d = ticks - prevTicks;
      if (!(Math.abs(d) <= MAX_DELTA)) throw new AppError("unprocessable", `MBO price ${p} out of range`);
      px.uvarint((d >= 0 ? d * 2 : -d * 2 - 1) + 1);
      prevTicks = ticks;
    }
    sz.uvarint(c.size[i]);
    seq.zigzag(c.sequence[i] - prevSeq);
    prevSeq = c.sequence[i];
    src.zigzag(c.instrumentId[i] - prevSrc);
    prevSrc = c.instrumentId[i];
  }
  const baseNs = c.baseNs + BigInt(base);
  const bytes = (s: ByteSink) => s.bytes.subarray(0, s.length);
  return {
    baseNs,
    firstNs: c.baseNs + BigInt(minTs),
    lastNs: c.baseNs + BigInt(maxTs),
    count: n,
    columns: [
      bytes(ts),
      bytes(ev),
      bytes(ids),
      bytes(px),
      bytes(sz),
      c.flags.slice(start, end),
      c.action.slice(start, end),
      c.side.slice(start, end),
      c.channelId.slice(start, end),
      bytes(seq),
      bytes(src),
    ],
  };
}

/** Unpacks a block into `out` from index `at` (capacity must suffice); times are offsets from `out.baseNs` + `shift`. */
export function decodeMboBlock(columns: readonly Uint8Array[], count: number, priceScaleNano: bigint, out: MboColumns, at: number, shift: number): void {
  if (columns.length !== PACKED_FIELDS) throw corrupt(`${columns.length} columns`);
  const scale = Number(priceScaleNano);
  const [tsB, evB, idB, pxB, szB, flB, acB, siB, chB, sqB, srB] = columns;
  if (flB.length !== count || acB.length !== count || siB.length !== count || chB.length !== count) throw corrupt("byte column length");
  const ts = new ByteSource(tsB);
  const ev = new ByteSource(evB);
  const ids = new ByteSource(idB);
  const px = new ByteSource(pxB);
  const sz = new ByteSource(szB);
  const sq = new ByteSource(sqB);
  const sr = new ByteSource(srB);
  let t = shift;
  let hi = 0;
  let ticks = 0;
  let seq = 0;
  let src = 0;
  for (let k = 0; k < count; k++) {
    const i = at + k;
    t += ts.zigzag();
    out.tsRecvOffsetNs[i] = t;
    out.tsEventDeltaNs[i] = ev.zigzag();
    hi += ids.zigzag();
    out.orderIdHi[i] = hi;
    out.orderIdLo[i] = ids.u32();
    const p = px.uvarint();
    if (p === 0) out.priceNano[i] = Number.NaN;
    else {
      const u = p - 1;
      ticks += u % 2 === 0 ? u / 2 : -(u + 1) / 2;
      out.priceNano[i] = ticks * scale;
    }
    out.size[i] = sz.uvarint();
    seq += sq.zigzag();
    out.sequence[i] = seq;
    src += sr.zigzag();
    out.instrumentId[i] = src;
  }
  if (ts.p !== tsB.length || ev.p !== evB.length || ids.p !== idB.length || px.p !== pxB.length || sz.p !== szB.length || sq.p !== sqB.length || sr.p !== srB.length) {
    throw corrupt("trailing bytes");
  }
  out.flags.set(flB, at);
  out.action.set(acB, at);
  out.side.set(siB, at);
  out.channelId.set(chB, at);
}

// ---- write ------------------------------------------------------------------------------------

/**
 * Appends records [from, to) of `columns` to the dataset as new blocks (COPY FROM binary) inside
 * the caller's open transaction; returns the number of records written. Writers of one dataset
 * are serialised by a transaction-level advisory lock.
 */
export async function writeMbo(client: pg.Client, meta: MboWriteMeta, columns: MboColumns, from = 0, to = columns.length): Promise<number> {
  if (client.getTransactionStatus() !== "T") throw new AppError("internal", "writeMbo must run inside an open transaction (BEGIN first)");
  if (!(meta.tickSizeNano > 0n)) throw new AppError("internal", "tickSizeNano must be > 0");
  const n = to - from;
  if (n <= 0) return 0;
  await client.query("SELECT pg_advisory_xact_lock(hashtext($1), $2)", [DATASET_LOCK_KEY, meta.datasetId]);
  const { rows } = await client.query<{ next: number }>("SELECT coalesce(max(block_seq) + 1, 0)::int AS next FROM mbo_blocks WHERE dataset_id = $1", [meta.datasetId]);
  const next = rows[0].next;
  const blockCount = Math.ceil(n / MBO_BLOCK_MAX_RECORDS);
  if (next + blockCount > INT32_MAX) throw new AppError("internal", `Dataset ${meta.datasetId} has too many MBO blocks`);

  const stream = client.query(copyFrom(`COPY mbo_blocks (${WRITE_COLUMNS}) FROM STDIN (FORMAT binary)`));
  let serverError: Error | undefined;
  stream.on("error", (error) => {
    serverError ??= error;
  });
  const done = finished(stream);
  done.catch(() => {});
  try {
    for (let k = 0; k < blockCount; k++) {
      const start = from + k * MBO_BLOCK_MAX_RECORDS;
      const end = Math.min(to, start + MBO_BLOCK_MAX_RECORDS);
      const block = encodeMboBlock(columns, start, end, meta.tickSizeNano);
      let packedBytes = 0;
      for (const col of block.columns) packedBytes += 4 + col.length;
      const w = new CopyBinaryWriter(WRITE_FIXED_BYTES + (k === 0 ? COPY_HEADER_BYTES : 0) + (k === blockCount - 1 ? COPY_TRAILER_BYTES : 0));
      if (k === 0) w.header();
      w.beginRow(WRITE_FIELDS);
      w.int4(meta.datasetId);
      w.int4(next + k);
      w.int4(meta.instrumentId);
      w.int8BigInt(block.firstNs);
      w.int8BigInt(block.lastNs);
      w.int4(block.count);
      w.int8BigInt(block.baseNs);
      w.int8BigInt(meta.firstSeq + BigInt(start - from));
      w.int8BigInt(meta.tickSizeNano);
      w.int2(MBO_BLOCK_CODEC);
      const packed = Buffer.allocUnsafe(packedBytes);
      let p = 0;
      for (const col of block.columns) {
        packed.writeInt32BE(col.length, p);
        packed.set(col, p + 4);
        p += 4 + col.length;
      }
      if (serverError) throw serverError;
      stream.write(w.take());
      const ok = stream.write(packed);
      if (k === blockCount - 1) {
        const trailer = new CopyBinaryWriter(COPY_TRAILER_BYTES);
        trailer.trailer();
        stream.write(trailer.take());
      } else if (!ok) {
        await Promise.race([new Promise<void>((resolve) => stream.once("drain", () => resolve())), done]);
      }
    }
    if (serverError) throw serverError;
    stream.end();
    await done;
  } catch (error) {
    if (!serverError) {
      stream.destroy(error as Error);
      await done.catch(() => {});
    }
    throw error;
  }
  return n;
}

// ---- read -------------------------------------------------------------------------------------

export interface ReadMboOptions {
  readonly datasetId: number;
  /** Inclusive lower bound on ts_recv, ns since the epoch. */
  readonly fromNs?: bigint;
  /** Exclusive upper bound on ts_recv. */
  readonly toNs?: bigint;
  /** Blocks fetched per round trip (default 4). */
  readonly blocksPerPage?: number;
}

interface BlockRow {
  block_seq: string;
  base_ns: string;
  record_count: string;
  price_scale_nano: string;
  codec: string;
  ts_recv: Buffer;
  ts_event_deltas: Buffer;
  order_ids: Buffer;
  prices: Buffer;
  sizes: Buffer;
  flags: Buffer;
  actions: Buffer;
  sides: Buffer;
  channels: Buffer;
  sequences: Buffer;
  source_ids: Buffer;
}

const READ_SELECT =
  "SELECT block_seq::text, base_ns::text, record_count::text, price_scale_nano::text, codec::text, " +
  "ts_recv, ts_event_deltas, order_ids, prices, sizes, flags, actions, sides, channels, sequences, source_ids FROM mbo_blocks";

/**
 * Streams a dataset's MBO records with ts_recv in [fromNs, toNs), one batch per stored block, in
 * file order. Prices come back in 1e-9 units (exact: ticks x the stored scale).
 */
export async function* readMbo(db: MboDb, options: ReadMboOptions): AsyncGenerator<MboColumns, void, undefined> {
  const page = options.blocksPerPage ?? 4;
  const params: unknown[] = [options.datasetId];
  let where = "dataset_id = $1 AND block_seq >= $2";
  params.push(0);
  if (options.fromNs !== undefined) {
    params.push(options.fromNs.toString());
    where += ` AND last_ts_recv >= $${params.length}`;
  }
  if (options.toNs !== undefined) {
    params.push(options.toNs.toString());
    where += ` AND first_ts_recv < $${params.length}`;
  }
  let nextSeq = 0;
  for (;;) {
    params[1] = nextSeq;
    const result = await db.query<BlockRow>({ text: `${READ_SELECT} WHERE ${where} ORDER BY block_seq LIMIT ${page}`, values: params });
    for (const row of result.rows) {
      const batch = decodeRow(row);
      const cut = cutToRange(batch, options.fromNs, options.toNs);
      if (cut.length > 0) yield cut;
    }
    if (result.rows.length < page) return;
    nextSeq = Number(result.rows[result.rows.length - 1].block_seq) + 1;
  }
}

function decodeRow(row: BlockRow): MboColumns {
  const codec = Number(row.codec);
  if (codec !== MBO_BLOCK_CODEC) throw corrupt(`unknown codec ${codec}`);
  const count = Number(row.record_count);
  const out = allocateMboColumns(count, BigInt(row.base_ns));
  const cols = [row.ts_recv, row.ts_event_deltas, row.order_ids, row.prices, row.sizes, row.flags, row.actions, row.sides, row.channels, row.sequences, row.source_ids];
  decodeMboBlock(
    cols.map((b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength)),
    count,
    BigInt(row.price_scale_nano),
    out,
    0,
    0,
  );
  out.length = count;
  return out;
}

/** Keeps the records with ts_recv in [fromNs, toNs) (in place, order kept). */
function cutToRange(c: MboColumns, fromNs?: bigint, toNs?: bigint): MboColumns {
  if (fromNs === undefined && toNs === undefined) return c;
  const lo = fromNs === undefined ? -Infinity : clampOffset(fromNs - c.baseNs);
  const hi = toNs === undefined ? Infinity : clampOffset(toNs - c.baseNs);
  let n = 0;
  for (let i = 0; i < c.length; i++) {
    const t = c.tsRecvOffsetNs[i];
    if (t < lo || t >= hi) continue;
    if (n !== i) copyRecord(c, i, n);
    n++;
  }
  c.length = n;
  return c;
}

function copyRecord(c: MboColumns, from: number, to: number): void {
  c.tsRecvOffsetNs[to] = c.tsRecvOffsetNs[from];
  c.tsEventDeltaNs[to] = c.tsEventDeltaNs[from];
  c.instrumentId[to] = c.instrumentId[from];
  c.orderIdHi[to] = c.orderIdHi[from];
  c.orderIdLo[to] = c.orderIdLo[from];
  c.priceNano[to] = c.priceNano[from];
  c.size[to] = c.size[from];
  c.flags[to] = c.flags[from];
  c.channelId[to] = c.channelId[from];
  c.action[to] = c.action[from];
  c.side[to] = c.side[from];
  c.sequence[to] = c.sequence[from];
}

function clampOffset(value: bigint): number {
  const limit = BigInt(Number.MAX_SAFE_INTEGER);
  return Number(value > limit ? limit : value < -limit ? -limit : value);
}

/** Number of MBO records of a dataset (all of them: a book replay needs them from the start). */
export async function countMbo(db: MboDb, datasetId: number): Promise<number> {
  const { rows } = await db.query<{ n: string }>("SELECT coalesce(sum(record_count), 0)::text AS n FROM mbo_blocks WHERE dataset_id = $1", [datasetId]);
  return Number(rows[0].n);
}

/** True when the dataset holds order-by-order data. */
export async function hasMbo(db: MboDb, datasetId: number): Promise<boolean> {
  const { rows } = await db.query("SELECT 1 FROM mbo_blocks WHERE dataset_id = $1 LIMIT 1", [datasetId]);
  return rows.length > 0;
}
