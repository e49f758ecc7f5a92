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
 * Codec 1 (block-codec.ts: V = unsigned LEB128 varint, Z = zigzag then V; Number arithmetic, exact
 * to 2^53):
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
 * freshly allocated, cut to [fromNs, toNs) by ts_recv. COPY writes, paging and the cut are shared
 * with the other block stores (block-store.ts).
 */
import type pg from "pg";
import { AppError } from "../errors";
import { allocateMboColumns, type MboColumns } from "../market/mbo-columns";
import { byteSinks, byteSources, checkAllRead, corruptBlock, MAX_VARINT_DELTA, RecvTimeSinks } from "./block-codec";
import { appendEncodedBlocks, blockHeaderColumns, bytesOf, readBlocksInRange, type BlockPageOptions, type BlockWriteMeta, type EncodedBlock } from "./block-store";

export type MboDb = pg.Pool | pg.Client;

export const MBO_BLOCK_MAX_RECORDS = 65_536;
export const MBO_BLOCK_CODEC = 1;

const LABEL = "MBO block";
const PACKED_FIELDS = 11;
const TABLE = {
  table: "mbo_blocks",
  columns: blockHeaderColumns("record_count") + ", ts_recv, ts_event_deltas, order_ids, prices, sizes, flags, actions, sides, channels, sequences, source_ids",
  fields: 10 + PACKED_FIELDS,
  lockKey: "tickbench:mbo_blocks:dataset",
  maxRecords: MBO_BLOCK_MAX_RECORDS,
  codec: MBO_BLOCK_CODEC,
  writer: "writeMbo",
  what: "MBO blocks",
};

export type MboWriteMeta = BlockWriteMeta;

function corrupt(what: string): AppError {
  return corruptBlock(LABEL, what);
}

// ---- codec ------------------------------------------------------------------------------------

/** The packed columns in table order (ts_recv ... source_ids). */
export type EncodedMboBlock = EncodedBlock;

/** Packs records [start, end) of `c` (prices must lie on the `tickSizeNano` grid or be NaN). */
export function encodeMboBlock(c: MboColumns, start: number, end: number, tickSizeNano: bigint): EncodedMboBlock {
  const n = end - start;
  if (n < 1 || n > MBO_BLOCK_MAX_RECORDS) throw new AppError("internal", `MBO block of ${n} records`);
  const tick = Number(tickSizeNano);
  const times = new RecvTimeSinks(LABEL, n, c.tsRecvOffsetNs[start]);
  const [ids, px, sz, seq, src] = byteSinks(LABEL, [n * 5, n * 2, n, n * 2, n]);
  let prevHi = 0;
  let prevTicks = 0;
  let prevSeq = 0;
  let prevSrc = 0;
  for (let i = start; i < end; i++) {
    times.push(c.tsRecvOffsetNs[i], c.tsEventDeltaNs[i]);
    ids.zigzag(c.orderIdHi[i] - prevHi);
    prevHi = c.orderIdHi[i];
    ids.u32(c.orderIdLo[i]);
    const p = c.priceNano[i];
    if (p !== p) px.missing();
    else {
      const ticks = p / tick;
      if (!Number.isInteger(ticks)) throw new AppError("unprocessable", `MBO price ${p} (1e-9) is off the ${tickSizeNano} tick grid`);
      const d = ticks - prevTicks;
      if (!(Math.abs(d) <= MAX_VARINT_DELTA)) throw new AppError("unprocessable", `MBO price ${p} out of range`);
      px.present(d);
      prevTicks = ticks;
    }
    sz.uvarint(c.size[i]);
    seq.zigzag(c.sequence[i] - prevSeq);
    prevSeq = c.sequence[i];
    src.zigzag(c.instrumentId[i] - prevSrc);
    prevSrc = c.instrumentId[i];
  }
  return times.block(c.baseNs, n, [
    ids.take(),
    px.take(),
    sz.take(),
    c.flags.slice(start, end),
    c.action.slice(start, end),
    c.side.slice(start, end),
    c.channelId.slice(start, end),
    seq.take(),
    src.take(),
  ]);
}

/** Unpacks a block into `out` from index `at` (capacity must suffice); times are offsets from `out.baseNs` + `shift`. */
export function decodeMboBlock(columns: readonly Uint8Array[], count: number, priceScaleNano: bigint, out: MboColumns, at: number, shift: number): void {
  if (columns.length !== PACKED_FIELDS) throw corrupt(`${columns.length} columns`);
  const scale = Number(priceScaleNano);
  const [tsB, evB, idB, pxB, szB, flB, acB, siB, chB, sqB, srB] = columns;
  if (flB.length !== count || acB.length !== count || siB.length !== count || chB.length !== count) throw corrupt("byte column length");
  const sources = byteSources(LABEL, [tsB, evB, idB, pxB, szB, sqB, srB]);
  const [ts, ev, ids, px, sz, sq, sr] = sources;
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
    const d = px.optional();
    if (d !== d) out.priceNano[i] = Number.NaN;
    else {
      ticks += d;
      out.priceNano[i] = ticks * scale;
    }
    out.size[i] = sz.uvarint();
    seq += sq.zigzag();
    out.sequence[i] = seq;
    src += sr.zigzag();
    out.instrumentId[i] = src;
  }
  checkAllRead(LABEL, sources);
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
export function writeMbo(client: pg.Client, meta: MboWriteMeta, columns: MboColumns, from = 0, to = columns.length): Promise<number> {
  return appendEncodedBlocks(client, TABLE, meta, from, to, (start, end) => encodeMboBlock(columns, start, end, meta.tickSizeNano));
}

// ---- read -------------------------------------------------------------------------------------

export type ReadMboOptions = BlockPageOptions;

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
export function readMbo(db: MboDb, options: ReadMboOptions): AsyncGenerator<MboColumns, void, undefined> {
  return readBlocksInRange(db, READ_SELECT, options, decodeRow, (c: MboColumns) => [
    c.tsRecvOffsetNs,
    c.tsEventDeltaNs,
    c.instrumentId,
    c.orderIdHi,
    c.orderIdLo,
    c.priceNano,
    c.size,
    c.flags,
    c.channelId,
    c.action,
    c.side,
    c.sequence,
  ]);
}

function decodeRow(row: BlockRow): MboColumns {
  const codec = Number(row.codec);
  if (codec !== MBO_BLOCK_CODEC) throw corrupt(`unknown codec ${codec}`);
  const count = Number(row.record_count);
  const out = allocateMboColumns(count, BigInt(row.base_ns));
  const cols = [row.ts_recv, row.ts_event_deltas, row.order_ids, row.prices, row.sizes, row.flags, row.actions, row.sides, row.channels, row.sequences, row.source_ids];
  decodeMboBlock(cols.map(bytesOf), count, BigInt(row.price_scale_nano), out, 0, 0);
  out.length = count;
  return out;
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
