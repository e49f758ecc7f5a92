/**
 * What the three block stores share (tick-blocks.ts trades, mbo-blocks.ts, quote-blocks.ts): the
 * ten leading columns of a block row, the COPY FROM binary write of a run of blocks, the
 * per-dataset writer lock, the next `block_seq`, block reads paged by `block_seq`, and the cut of
 * a decoded block to a ts_recv range. Each store keeps its table, codec and packed columns.
 *
 * Every block table starts with
 *   dataset_id int4, block_seq int4, instrument_id int4, first_ts_recv int8, last_ts_recv int8,
 *   <count> int4, base_ns int8, first_seq int8, price_scale_nano int8, codec int2
 * followed by the store's packed bytea columns.
 */
import { finished } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { AppError } from "../errors";
import { COPY_HEADER_BYTES, COPY_TRAILER_BYTES, CopyBinaryWriter } from "./copy-binary";
import { ByteSource } from "./block-codec";

/** A pool, or one connection (a `pool.connect()` client or a plain `pg.Client`). */
export type BlockDb = pg.Pool | pg.Client;

const INT32_MAX = 2147483647;
const MAX_BIG_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** The leading column list of a block table whose record count column is `countColumn`. */
export function blockHeaderColumns(countColumn: string): string {
  return `dataset_id, block_seq, instrument_id, first_ts_recv, last_ts_recv, ${countColumn}, base_ns, first_seq, price_scale_nano, codec`;
}

/** Bytes of a row's field count and its ten leading fields: int2 + 4 x int4 (8 bytes each with length) + 5 x int8 (12) + int2 (6). */
export const BLOCK_HEADER_BYTES = 2 + 4 * 8 + 5 * 12 + 6;

/** Where an append goes and what it continues. */
export interface BlockWriteMeta {
  readonly datasetId: number;
  /** Tickbench instrument id (instruments.id) of the dataset. */
  readonly instrumentId: number;
  /** Price grid of the stored prices, 1e-9 units (the contract's tick size). */
  readonly tickSizeNano: bigint;
  /** Index in the dataset of the first record written. */
  readonly firstSeq: bigint;
}

/** One block of a varint store, packed (mbo-blocks.ts, quote-blocks.ts). */
export interface EncodedBlock {
  readonly firstNs: bigint;
  readonly lastNs: bigint;
  readonly baseNs: bigint;
  readonly count: number;
  /** The packed columns in the table's column order. */
  readonly columns: readonly Uint8Array[];
}

/** A block table written by `appendEncodedBlocks`. */
export interface BlockTable {
  readonly table: string;
  /** All of its columns in COPY order (`blockHeaderColumns` first). */
  readonly columns: string;
  readonly fields: number;
  /** Advisory lock key of its writers (with the dataset id). */
  readonly lockKey: string;
  readonly maxRecords: number;
  readonly codec: number;
  /** The writing function and the blocks, for errors ("writeMbo", "MBO blocks"). */
  readonly writer: string;
  readonly what: string;
}

export interface BlockHeader {
  datasetId: number;
  blockSeq: number;
  instrumentId: number;
  firstNs: bigint;
  lastNs: bigint;
  count: number;
  baseNs: bigint;
  firstSeq: bigint;
  priceScaleNano: bigint;
  codec: number;
}

/**
 * The COPY bytes before a block's packed columns: the COPY header when `first`, the row's field
 * count (`fields`: all of the table's columns) and the ten leading fields.
 */
export function blockRowHeader(fields: number, h: BlockHeader, first: boolean): Buffer {
  const w = new CopyBinaryWriter(BLOCK_HEADER_BYTES + (first ? COPY_HEADER_BYTES : 0));
  if (first) w.header();
  w.beginRow(fields);
  w.int4(h.datasetId);
  w.int4(h.blockSeq);
  w.int4(h.instrumentId);
  w.int8BigInt(h.firstNs);
  w.int8BigInt(h.lastNs);
  w.int4(h.count);
  w.int8BigInt(h.baseNs);
  w.int8BigInt(h.firstSeq);
  w.int8BigInt(h.priceScaleNano);
  w.int2(h.codec);
  return w.take();
}

/** bytea fields: each column as an int32 length and its bytes, all in one Buffer. */
export function packedFields(columns: readonly Uint8Array[]): Buffer {
  let bytes = 0;
  for (const col of columns) bytes += 4 + col.length;
  const packed = Buffer.allocUnsafe(bytes);
  let p = 0;
  for (const col of columns) {
    packed.writeInt32BE(col.length, p);
    packed.set(col, p + 4);
    p += 4 + col.length;
  }
  return packed;
}

/**
 * Serialises the writers of one dataset's blocks in `lockKey`'s table until the transaction ends
 * (pg_advisory_xact_lock(int, int)).
 */
export async function lockDatasetBlocks(client: pg.Client, lockKey: string, datasetId: number): Promise<void> {
  await client.query("SELECT pg_advisory_xact_lock(hashtext($1), $2)", [lockKey, datasetId]);
}

/** Refuses a write that would take `block_seq` past int4. */
export function checkBlockSeqRange(next: number, blocks: number, datasetId: number, what: string): void {
  if (next + blocks > INT32_MAX) throw new AppError("internal", `Dataset ${datasetId} has too many ${what}`);
}

/**
 * Takes the dataset's writer lock and returns the `block_seq` of its next block in `table` (an
 * append of `blocks` blocks; `what` names them in the error when int4 would overflow).
 */
export async function appendBlockSeq(client: pg.Client, table: string, lockKey: string, datasetId: number, blocks: number, what: string): Promise<number> {
  await lockDatasetBlocks(client, lockKey, datasetId);
  const { rows } = await client.query<{ next: number }>(`SELECT coalesce(max(block_seq) + 1, 0)::int AS next FROM ${table} WHERE dataset_id = $1`, [datasetId]);
  const next = rows[0].next;
  checkBlockSeqRange(next, blocks, datasetId, what);
  return next;
}

/** The caller's transaction must be open (a failed write then leaves no rows). */
export function requireTransaction(client: pg.Client, fn: string): void {
  if (client.getTransactionStatus() !== "T") throw new AppError("internal", `${fn} must run inside an open transaction (BEGIN first)`);
}

/**
 * Streams `rows` rows into `copySql` (a COPY ... FROM STDIN (FORMAT binary)): `row(k)` gives row
 * k's bytes (row 0 starting with the COPY header, see `blockRowHeader`); the trailer follows the
 * last row. Waits for the stream to drain when it is full. On our own failure the COPY is aborted
 * (CopyFail) and awaited, so the connection is ready for the caller's ROLLBACK; a server failure is
 * rethrown as is. Checks that the server stored every row.
 */
export async function copyRowsIn(
  client: pg.Client,
  copySql: string,
  rows: number,
  row: (k: number) => readonly Uint8Array[],
  highWaterMark?: number,
): Promise<void> {
  // pg-copy-streams reports a server-side failure by emitting 'error' without destroying the
  // stream; writing on after it (or destroying it) would touch a detached connection.
  const stream = client.query(copyFrom(copySql, highWaterMark === undefined ? undefined : { highWaterMark }));
  let serverError: Error | undefined;
  stream.on("error", (error) => {
    serverError ??= error;
  });
  const done = finished(stream);
  done.catch(() => {}); // observed below; avoids an unhandled rejection while the caller encodes
  try {
    for (let k = 0; k < rows; k++) {
      const chunks = row(k);
      if (serverError) throw serverError;
      let ok = true;
      for (const chunk of chunks) ok = stream.write(chunk);
      if (!ok && k < rows - 1) await Promise.race([onceDrained(stream), done]);
    }
    const trailer = new CopyBinaryWriter(COPY_TRAILER_BYTES);
    trailer.trailer();
    stream.write(trailer.take());
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
  if (stream.rowCount !== rows) throw new AppError("internal", `COPY wrote ${stream.rowCount} of ${rows} blocks`);
}

function onceDrained(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => stream.once("drain", () => resolve()));
}

/**
 * Appends records [from, to) as new blocks of at most `table.maxRecords` records, each packed by
 * `encode(start, end)`, inside the caller's open transaction (COPY FROM binary); returns the
 * number of records written. Writers of one dataset are serialised by a transaction-level
 * advisory lock; `block_seq` continues the dataset's. `extra(block)`: the COPY fields of a table's
 * own columns between the header and the packed columns (e.g. depth_blocks' event_count).
 */
export async function appendEncodedBlocks<B extends EncodedBlock>(
  client: pg.Client,
  table: BlockTable,
  meta: BlockWriteMeta,
  from: number,
  to: number,
  encode: (start: number, end: number) => B,
  extra?: (block: B) => Uint8Array,
): Promise<number> {
  requireTransaction(client, table.writer);
  if (!(meta.tickSizeNano > 0n)) throw new AppError("internal", "tickSizeNano must be > 0");
  const n = to - from;
  if (n <= 0) return 0;
  const blockCount = Math.ceil(n / table.maxRecords);
  const next = await appendBlockSeq(client, table.table, table.lockKey, meta.datasetId, blockCount, table.what);
  await copyRowsIn(client, `COPY ${table.table} (${table.columns}) FROM STDIN (FORMAT binary)`, blockCount, (k) => {
    const start = from + k * table.maxRecords;
    const block = encode(start, Math.min(to, start + table.maxRecords));
    const header = blockRowHeader(
      table.fields,
      {
        datasetId: meta.datasetId,
        blockSeq: next + k,
        instrumentId: meta.instrumentId,
        firstNs: block.firstNs,
        lastNs: block.lastNs,
        count: block.count,
        baseNs: block.baseNs,
        firstSeq: meta.firstSeq + BigInt(start - from),
        priceScaleNano: meta.tickSizeNano,
        codec: table.codec,
      },
      k === 0,
    );
    return extra ? [header, extra(block), packedFields(block.columns)] : [header, packedFields(block.columns)];
  });
  return n;
}

export interface BlockPageOptions {
  readonly datasetId: number;
  /** Inclusive lower bound on ts_recv, ns since the epoch. */
  readonly fromNs?: bigint;
  /** Exclusive upper bound on ts_recv. */
  readonly toNs?: bigint;
  /** Blocks fetched per round trip (default 4). */
  readonly blocksPerPage?: number;
}

/**
 * The rows of `select` (a `SELECT block_seq::text, ... FROM <table>`) of the dataset's blocks that
 * may hold ts_recv in [fromNs, toNs), in `block_seq` order, a few blocks per round trip: memory
 * stays bounded by one page whatever the dataset size. (bytea arrives hex-coded in plain SELECTs.)
 */
export async function* readBlockRows<R extends { block_seq: string }>(db: BlockDb, select: string, options: BlockPageOptions): AsyncGenerator<R, void, undefined> {
  const page = options.blocksPerPage ?? 4;
  const params: unknown[] = [options.datasetId, 0];
  let where = "dataset_id = $1 AND block_seq >= $2";
  if (options.fromNs !== undefined) {
    params.push(options.fromNs.toString());
    where += ` AND last_ts_recv >= $${params.length}`;
  }
  if (options.toNs !== undefined) {
    params.push(options.toNs.toString());
    where += ` AND first_ts_recv < $${params.length}`;
  }
  for (;;) {
    const result = await db.query<R>({ text: `${select} WHERE ${where} ORDER BY block_seq LIMIT ${page}`, values: params });
    yield* result.rows;
    if (result.rows.length < page) return;
    params[1] = Number(result.rows[result.rows.length - 1].block_seq) + 1;
  }
}

/** Decoded records of one block: offsets from `baseNs`, `length` of them. */
export interface BlockBatch {
  tsRecvOffsetNs: Float64Array;
  length: number;
  baseNs: bigint;
}

/**
 * A dataset's records with ts_recv in [fromNs, toNs), one freshly allocated batch per stored block
 * in `block_seq` order: the rows of `select` (see `readBlockRows`) decoded by `decode` and cut to
 * the range over the batch's `columnsOf` (which include tsRecvOffsetNs).
 */
export async function* readBlocksInRange<R extends { block_seq: string }, C extends BlockBatch>(
  db: BlockDb,
  select: string,
  options: BlockPageOptions,
  decode: (row: R) => C,
  columnsOf: (c: C) => readonly Column[],
): AsyncGenerator<C, void, undefined> {
  for await (const row of readBlockRows<R>(db, select, options)) {
    const c = decode(row);
    c.length = cutToTimeRange(c.tsRecvOffsetNs, c.length, c.baseNs, options.fromNs, options.toNs, columnsOf(c));
    if (c.length > 0) yield c;
  }
}

/** A Buffer's bytes as a Uint8Array view (no copy). */
export function bytesOf(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** `value` as a float64 for comparisons with offsets: exact within +-2^53, else +-Infinity. */
export function clampOffset(value: bigint): number {
  if (value > MAX_BIG_SAFE) return Infinity;
  if (value < -MAX_BIG_SAFE) return -Infinity;
  return Number(value);
}

type Column = { [index: number]: number; readonly length: number };

/**
 * Keeps the records of a decoded batch whose ts_recv (`tsRecvOffsetNs` from `baseNs`) lies in
 * [fromNs, toNs), moving them to the front of every one of `columns` (which include
 * `tsRecvOffsetNs`) in their order; returns how many are kept. Offsets need not be ascending.
 */
export function cutToTimeRange(tsRecvOffsetNs: Float64Array, length: number, baseNs: bigint, fromNs: bigint | undefined, toNs: bigint | undefined, columns: readonly Column[]): number {
  if (fromNs === undefined && toNs === undefined) return length;
  const lo = fromNs === undefined ? -Infinity : clampOffset(fromNs - baseNs);
  const hi = toNs === undefined ? Infinity : clampOffset(toNs - baseNs);
  let first = 0;
  while (first < length && tsRecvOffsetNs[first] >= lo && tsRecvOffsetNs[first] < hi) first++;
  if (first === length) return length;
  const keep = new Int32Array(length - first);
  let n = 0;
  for (let i = first + 1; i < length; i++) {
    const t = tsRecvOffsetNs[i];
    if (t >= lo && t < hi) keep[n++] = i;
  }
  for (const column of columns) for (let k = 0; k < n; k++) column[first + k] = column[keep[k]];
  return first + n;
}

/** Block tables whose `ts_recv` column is coded by `RecvTimeSinks` (block-codec.ts), with their record-count column. */
export const RECV_TIME_BLOCK_TABLES = {
  quote_blocks: "quote_count",
  mbo_blocks: "record_count",
  depth_blocks: "record_count",
} as const;
export type RecvTimeBlockTable = keyof typeof RECV_TIME_BLOCK_TABLES;

const COUNT_PAGE_BLOCKS = 64;

/**
 * How many of a dataset's records in `table` have ts_recv in each of `ranges` ([fromNs, toNs),
 * sorted and disjoint, e.g. the sessions of a coverage calendar): exact. Only the ts_recv column
 * is read, a page of blocks at a time (about 1-2 bytes per record); a block inside one range
 * counts by its header.
 */
export async function countRecordsInRanges(db: BlockDb, table: RecvTimeBlockTable, datasetId: number, ranges: readonly { fromNs: bigint; toNs: bigint }[]): Promise<number[]> {
  const counts = new Array<number>(ranges.length).fill(0);
  if (ranges.length === 0) return counts;
  const countColumn = RECV_TIME_BLOCK_TABLES[table];
  const rangeOf = (ns: bigint): number => {
    let lo = 0;
    let hi = ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (ns < ranges[mid].fromNs) hi = mid - 1;
      else if (ns >= ranges[mid].toNs) lo = mid + 1;
      else return mid;
    }
    return -1;
  };
  let after = -1;
  for (;;) {
    const { rows } = await db.query<{ block_seq: number; base_ns: string; n: number; first_ts_recv: string; last_ts_recv: string; ts_recv: Buffer }>(
      `SELECT block_seq, base_ns::text, ${countColumn} AS n, first_ts_recv::text, last_ts_recv::text, ts_recv FROM ${table}
        WHERE dataset_id = $1 AND block_seq > $2 AND last_ts_recv >= $3 AND first_ts_recv < $4 ORDER BY block_seq LIMIT ${COUNT_PAGE_BLOCKS}`,
      [datasetId, after, ranges[0].fromNs.toString(), ranges[ranges.length - 1].toNs.toString()],
    );
    for (const row of rows) {
      const first = rangeOf(BigInt(row.first_ts_recv));
      if (first >= 0 && first === rangeOf(BigInt(row.last_ts_recv))) {
        counts[first] += row.n;
        continue;
      }
      const base = BigInt(row.base_ns);
      const source = new ByteSource(bytesOf(row.ts_recv), `${table} block`);
      let offset = 0;
      for (let i = 0; i < row.n; i++) {
        offset += source.zigzag();
        const k = rangeOf(base + BigInt(offset));
        if (k >= 0) counts[k]++;
      }
    }
    if (rows.length < COUNT_PAGE_BLOCKS) return counts;
    after = rows[rows.length - 1].block_seq;
  }
}
