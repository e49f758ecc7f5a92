/**
 * The columnar MBP-10 depth store: `depth_blocks` rows of up to 65,536 consecutive MBP-10 records of
 * a dataset, in file order, their columns packed into bytea, to and from `DepthColumns`
 * (lib/engine/depth/depth-columns.ts).
 *
 * Invariants (as quote-blocks.ts):
 * - A block holds records of one `writeDepth` call, in the call's order (the file order);
 *   `block_seq` increases in write order and reads return blocks in `block_seq` order.
 * - `first_ts_recv` / `last_ts_recv` are the smallest / largest ts_recv of the block; `base_ns` the
 *   first record's; `event_count` the records with the LAST flag (the book events of a replay).
 * - Prices are integer ticks of the block's `price_scale_nano` (the tick size when written).
 * - A block decodes on its own (its first record's levels are sent whole).
 * - Writes run inside the caller's transaction: a failed import leaves no rows.
 *
 * Codec 1 (block-codec.ts: V = unsigned LEB128 varint, Z = zigzag then V, O = optional delta):
 *   ts_recv, ts_event_deltas   as the other stores (RecvTimeSinks)
 *   headers   V(a + 8 s + 32 f + 64 depth): a = action A C M T F R N -> 0..6 (7: the raw byte
 *             follows in `escapes`), s = side B A N -> 0..2 (3: raw byte in `escapes`), f = 1
 *             when the flags differ from the previous record's (start 0)
 *   flags     V(flags) of the records with f = 1
 *   escapes   V(byte) of unknown actions, then sides
 *   prices    O(ticks[i] - ticks[j]), j the last record with a price (start 0)
 *   sizes     V(size)
 *   bid_levels, ask_levels   per record, the side's levels as edits of the previous record's
 *             (a block's first record: of an empty side). The present levels of both records are
 *             merged best first; each edit is V(16 skip + 8 last + op), `skip` = unchanged levels
 *             kept before it, `last` = the rest of the previous levels follow unchanged:
 *               op 0..3  the next previous level, same price: size += Z, count += 0 / +1 / -1 / Z
 *                        (op 3 carries Z(count delta) after the size's)
 *               op 4     the next previous level is gone
 *               op 5     a new level: Z(price - ref), V(size), V(count); ref = the level before
 *                        it in the new record, else the next previous level, else the side's last
 *                        best price in the block (start 0)
 *               op 6     (alone, last) the side did not change
 * Most records change one level of one side: one byte for the other side, two or three for it.
 * MBP-10 derived from the real ESH4 MBO day takes 12.8 bytes a record here (DBN: 368; printed by
 * bench/depth.bench.ts): 6.1 of them the two times, 3.4 the levels.
 *
 * Reads are plain SELECTs paged by block_seq (block-store.ts), each block decoded whole then cut to
 * [fromNs, toNs) by ts_recv. `readDepthFeed` turns a dataset's depth into the synthetic book
 * records the book engine replays (lib/engine/depth/depth-feed.ts).
 */
import type pg from "pg";
import { AppError } from "../errors";
import { allocateDepthColumns, DEPTH_LEVELS, presentLevels, type DepthColumns } from "../engine/depth/depth-columns";
import { DepthFeed, type DepthFeedBatch } from "../engine/depth/depth-feed";
import { byteSinks, byteSources, checkAllRead, corruptBlock, MAX_VARINT_DELTA, RecvTimeSinks, type ByteSink, type ByteSource } from "./block-codec";
import { appendEncodedBlocks, blockHeaderColumns, bytesOf, clampOffset, readBlockRows, type BlockPageOptions, type BlockTable, type BlockWriteMeta, type EncodedBlock } from "./block-store";
import { CopyBinaryWriter } from "./copy-binary";

export type DepthDb = pg.Pool | pg.Client;

export const DEPTH_BLOCK_MAX_RECORDS = 65_536;
export const DEPTH_BLOCK_CODEC = 1;

const SINK_LABEL = "Depth block";
const SOURCE_LABEL = "depth block";
const PACKED_FIELDS = 9;
const TABLE: BlockTable = {
  table: "depth_blocks",
  columns: blockHeaderColumns("record_count") + ", event_count, ts_recv, ts_event_deltas, headers, flags, escapes, prices, sizes, bid_levels, ask_levels",
  // The header's 10, event_count, the packed columns.
  fields: 10 + 1 + PACKED_FIELDS,
  lockKey: "tickbench:depth_blocks:dataset",
  maxRecords: DEPTH_BLOCK_MAX_RECORDS,
  codec: DEPTH_BLOCK_CODEC,
  writer: "writeDepth",
  what: "depth blocks",
};
const LAST = 128;

export type DepthWriteMeta = BlockWriteMeta;

function corrupt(what: string): AppError {
  return corruptBlock(SOURCE_LABEL, what);
}

// ---- codec ------------------------------------------------------------------------------------

const ACTIONS = "ACMTFRN";
const SIDES = "BAN";
const ACTION_CODE = codeTable(ACTIONS, 7);
const SIDE_CODE = codeTable(SIDES, 3);

function codeTable(chars: string, other: number): Uint8Array {
  const table = new Uint8Array(256).fill(other);
  for (let k = 0; k < chars.length; k++) table[chars.charCodeAt(k)] = k;
  return table;
}

const OP_SIZE = 0;
const OP_COUNT_UP = 1;
const OP_COUNT_DOWN = 2;
const OP_GENERAL = 3;
const OP_DELETE = 4;
const OP_INSERT = 5;
const OP_NONE = 6;
const LAST_OP = 8;
const MAX_OPS = 2 * DEPTH_LEVELS + 1;

/** One side's columns of a DepthColumns. */
interface SideColumns {
  readonly px: Float64Array;
  readonly sz: Uint32Array;
  readonly ct: Uint32Array;
}

const bidsOf = (c: DepthColumns): SideColumns => ({ px: c.bidTicks, sz: c.bidSize, ct: c.bidCount });
const asksOf = (c: DepthColumns): SideColumns => ({ px: c.askTicks, sz: c.askSize, ct: c.askCount });

/** Packs one side's levels per record as edits (see the module comment). */
class SideEncoder {
  private readonly op = new Uint8Array(MAX_OPS);
  private readonly skip = new Uint8Array(MAX_OPS);
  private readonly a = new Float64Array(MAX_OPS);
  private readonly b = new Float64Array(MAX_OPS);
  private readonly c = new Float64Array(MAX_OPS);
  private anchor = 0;

  constructor(
    private readonly sink: ByteSink,
    private readonly s: SideColumns,
    /** 1 bids (higher is better), -1 asks. */
    private readonly direction: number,
  ) {}

  /** Record `row`'s levels against record `prevRow`'s (-1: an empty side). */
  encode(row: number, prevRow: number): void {
    const { px, sz, ct } = this.s;
    const at = row * DEPTH_LEVELS;
    const n = checkedLevels(px, sz, ct, row);
    const m = prevRow < 0 ? 0 : presentLevels(px, prevRow);
    const pat = prevRow * DEPTH_LEVELS;
    let ops = 0;
    let skip = 0;
    let i = 0;
    let j = 0;
    while (i < m || j < n) {
      const pp = i < m ? px[pat + i] : Number.NaN;
      const np = j < n ? px[at + j] : Number.NaN;
      if (pp === np) {
        const ds = sz[at + j] - sz[pat + i];
        const dc = ct[at + j] - ct[pat + i];
        i++;
        j++;
        if (ds === 0 && dc === 0) {
          skip++;
          continue;
        }
        this.op[ops] = dc === 0 ? OP_SIZE : dc === 1 ? OP_COUNT_UP : dc === -1 ? OP_COUNT_DOWN : OP_GENERAL;
        this.a[ops] = ds;
        this.b[ops] = dc;
      } else if (j >= n || (i < m && (pp - np) * this.direction > 0)) {
        this.op[ops] = OP_DELETE;
        i++;
      } else {
        const ref = j > 0 ? px[at + j - 1] : i < m ? pp : this.anchor;
        const d = np - ref;
        if (!(Math.abs(d) <= MAX_VARINT_DELTA)) throw new AppError("unprocessable", `Depth level price ${np} ticks out of range`);
        this.op[ops] = OP_INSERT;
        this.a[ops] = d;
        this.b[ops] = sz[at + j];
        this.c[ops] = ct[at + j];
        j++;
      }
      this.skip[ops++] = skip;
      skip = 0;
    }
    const sink = this.sink;
    if (ops === 0) sink.uvarint(LAST_OP + OP_NONE);
    for (let k = 0; k < ops; k++) {
      const op = this.op[k];
      sink.uvarint(this.skip[k] * 16 + (k === ops - 1 ? LAST_OP : 0) + op);
      if (op <= OP_GENERAL) {
        sink.zigzag(this.a[k]);
        if (op === OP_GENERAL) sink.zigzag(this.b[k]);
      } else if (op === OP_INSERT) {
        sink.zigzag(this.a[k]);
        sink.uvarint(this.b[k]);
        sink.uvarint(this.c[k]);
      }
    }
    if (n > 0) this.anchor = px[at];
  }
}

/** Present levels of record `row` (prices whole ticks), after checking the shape the codec needs. */
function checkedLevels(px: Float64Array, sz: Uint32Array, ct: Uint32Array, row: number): number {
  const at = row * DEPTH_LEVELS;
  const n = presentLevels(px, row);
  for (let k = 0; k < DEPTH_LEVELS; k++) {
    if (k < n) {
      if (!Number.isInteger(px[at + k])) throw new AppError("unprocessable", `Depth level price ${px[at + k]} ticks is off the tick grid`);
    } else if (px[at + k] === px[at + k] || sz[at + k] !== 0 || ct[at + k] !== 0) {
      throw new AppError("unprocessable", `Depth record levels: level ${k} follows an empty level or is empty with a size`);
    }
  }
  return n;
}

/** Unpacks one side's edits into record `row` from record `row - 1` (row 0: an empty side). */
class SideDecoder {
  private anchor = 0;
  private prevCount = 0;

  constructor(
    private readonly src: ByteSource,
    private readonly s: SideColumns,
  ) {}

  decode(row: number): void {
    const { px, sz, ct } = this.s;
    const src = this.src;
    const at = row * DEPTH_LEVELS;
    const pat = at - DEPTH_LEVELS;
    const m = this.prevCount;
    let i = 0;
    let j = 0;
    for (;;) {
      const h = src.uvarint();
      const op = h & 7;
      const last = (h & LAST_OP) !== 0;
      let skip = Math.floor(h / 16);
      if (op === OP_NONE) {
        if (skip !== 0 || !last) throw corrupt("level edits");
        break;
      }
      if (i + skip > m || j + skip > DEPTH_LEVELS) throw corrupt("level edits");
      for (; skip > 0; skip--) {
        px[at + j] = px[pat + i];
        sz[at + j] = sz[pat + i];
        ct[at + j++] = ct[pat + i++];
      }
      if (op === OP_INSERT) {
        if (j >= DEPTH_LEVELS) throw corrupt("level edits");
        const ref = j > 0 ? px[at + j - 1] : i < m ? px[pat + i] : this.anchor;
        px[at + j] = ref + src.zigzag();
        sz[at + j] = src.uvarint();
        ct[at + j++] = src.uvarint();
      } else if (op === OP_DELETE) {
        if (i >= m) throw corrupt("level edits");
        i++;
      } else {
        if (i >= m || j >= DEPTH_LEVELS || op > OP_GENERAL) throw corrupt("level edits");
        const ds = src.zigzag();
        const dc = op === OP_SIZE ? 0 : op === OP_COUNT_UP ? 1 : op === OP_COUNT_DOWN ? -1 : src.zigzag();
        px[at + j] = px[pat + i];
        sz[at + j] = sz[pat + i] + ds;
        ct[at + j++] = ct[pat + i++] + dc;
      }
      if (last) break;
    }
    // `last`: the previous levels not edited follow unchanged.
    if (j + (m - i) > DEPTH_LEVELS) throw corrupt("level edits");
    for (; i < m; i++, j++) {
      px[at + j] = px[pat + i];
      sz[at + j] = sz[pat + i];
      ct[at + j] = ct[pat + i];
    }
    this.prevCount = j;
    if (j > 0) this.anchor = px[at];
    for (; j < DEPTH_LEVELS; j++) {
      px[at + j] = Number.NaN;
      sz[at + j] = 0;
      ct[at + j] = 0;
    }
  }
}

/** The packed columns in table order (ts_recv ... ask_levels), with the block's event count. */
export interface EncodedDepthBlock extends EncodedBlock {
  readonly events: number;
}

/** Packs records [start, end) of `c` (prices integer ticks or NaN; levels as depth-columns.ts requires). */
export function encodeDepthBlock(c: DepthColumns, start: number, end: number): EncodedDepthBlock {
  const n = end - start;
  if (n < 1 || n > DEPTH_BLOCK_MAX_RECORDS) throw new AppError("internal", `Depth block of ${n} records`);
  const times = new RecvTimeSinks(SINK_LABEL, n, c.tsRecvOffsetNs[start]);
  const [headers, flags, escapes, prices, sizes, bidSink, askSink] = byteSinks(SINK_LABEL, [n, 16, 16, n, n, n * 2, n * 2]);
  const bids = new SideEncoder(bidSink, bidsOf(c), 1);
  const asks = new SideEncoder(askSink, asksOf(c), -1);
  let prevFlags = 0;
  let prevPrice = 0;
  let events = 0;
  for (let i = start; i < end; i++) {
    times.push(c.tsRecvOffsetNs[i], c.tsEventDeltaNs[i]);
    const a = ACTION_CODE[c.action[i]];
    const s = SIDE_CODE[c.side[i]];
    const f = c.flags[i];
    headers.uvarint(a + 8 * s + (f !== prevFlags ? 32 : 0) + 64 * c.depth[i]);
    if (a === 7) escapes.uvarint(c.action[i]);
    if (s === 3) escapes.uvarint(c.side[i]);
    if (f !== prevFlags) flags.uvarint(f);
    prevFlags = f;
    if ((f & LAST) !== 0) events++;
    const p = c.priceTicks[i];
    if (p !== p) prices.missing();
    else {
      if (!Number.isInteger(p)) throw new AppError("unprocessable", `Depth record price ${p} ticks is off the tick grid`);
      const d = p - prevPrice;
      if (!(Math.abs(d) <= MAX_VARINT_DELTA)) throw new AppError("unprocessable", `Depth record price ${p} ticks out of range`);
      prices.present(d);
      prevPrice = p;
    }
    sizes.uvarint(c.size[i]);
    bids.encode(i, i === start ? -1 : i - 1);
    asks.encode(i, i === start ? -1 : i - 1);
  }
  const block = times.block(c.baseNs, n, [headers.take(), flags.take(), escapes.take(), prices.take(), sizes.take(), bidSink.take(), askSink.take()]);
  return { ...block, events };
}

/** Unpacks a block into `out` from index 0 (offsets from out.baseNs = the block's base_ns); `out` must hold `count` records. */
export function decodeDepthBlock(columns: readonly Uint8Array[], count: number, out: DepthColumns): void {
  if (columns.length !== PACKED_FIELDS) throw corrupt(`${columns.length} columns`);
  if (out.tsRecvOffsetNs.length < count) throw new AppError("internal", `Depth batch of ${out.tsRecvOffsetNs.length} records cannot hold ${count}`);
  const sources = byteSources(SOURCE_LABEL, columns);
  const [ts, ev, headers, flags, escapes, prices, sizes, bidSrc, askSrc] = sources;
  const bids = new SideDecoder(bidSrc, bidsOf(out));
  const asks = new SideDecoder(askSrc, asksOf(out));
  let t = 0;
  let f = 0;
  let p = 0;
  for (let i = 0; i < count; i++) {
    t += ts.zigzag();
    out.tsRecvOffsetNs[i] = t;
    out.tsEventDeltaNs[i] = ev.zigzag();
    const h = headers.uvarint();
    const a = h & 7;
    const s = (h >>> 3) & 3;
    const depth = Math.floor(h / 64);
    if (depth > 255) throw corrupt("depth");
    out.action[i] = a === 7 ? escapes.uvarint() : ACTIONS.charCodeAt(a);
    out.side[i] = s === 3 ? escapes.uvarint() : SIDES.charCodeAt(s);
    out.depth[i] = depth;
    if ((h & 32) !== 0) f = flags.uvarint();
    out.flags[i] = f;
    const dp = prices.optional();
    if (dp !== dp) out.priceTicks[i] = Number.NaN;
    else out.priceTicks[i] = p += dp;
    out.size[i] = sizes.uvarint();
    bids.decode(i);
    asks.decode(i);
  }
  checkAllRead(SOURCE_LABEL, sources);
  out.length = count;
}

// ---- write ------------------------------------------------------------------------------------

/**
 * Appends records [from, to) of `columns` to the dataset as new blocks (COPY FROM binary) inside the
 * caller's open transaction; returns the number written. Writers of one dataset are serialised by
 * a transaction-level advisory lock; `block_seq` continues the dataset's.
 */
export function writeDepth(client: pg.Client, meta: DepthWriteMeta, columns: DepthColumns, from = 0, to = columns.length): Promise<number> {
  return appendEncodedBlocks(
    client,
    TABLE,
    meta,
    from,
    to,
    (start, end) => encodeDepthBlock(columns, start, end),
    (block) => {
      const events = new CopyBinaryWriter(8);
      events.int4(block.events);
      return events.take();
    },
  );
}

// ---- read -------------------------------------------------------------------------------------

export interface ReadDepthOptions extends BlockPageOptions {
  /**
   * The tick size the caller wants prices in (1e-9 units; default: as stored). Blocks stored with
   * another scale are converted exactly or refused.
   */
  readonly tickSizeNano?: bigint;
}

interface BlockRow {
  block_seq: string;
  base_ns: string;
  record_count: string;
  price_scale_nano: string;
  codec: string;
  ts_recv: Buffer;
  ts_event_deltas: Buffer;
  headers: Buffer;
  flags: Buffer;
  escapes: Buffer;
  prices: Buffer;
  sizes: Buffer;
  bid_levels: Buffer;
  ask_levels: Buffer;
}

const READ_SELECT =
  "SELECT block_seq::text, base_ns::text, record_count::text, price_scale_nano::text, codec::text, " +
  `ts_recv, ts_event_deltas, headers, flags, escapes, prices, sizes, bid_levels, ask_levels FROM ${TABLE.table}`;

/**
 * Streams a dataset's MBP-10 records with ts_recv in [fromNs, toNs), one batch per stored block, in
 * file order. Each batch is freshly allocated unless `reuse` (the feed: a batch is consumed before
 * the next is read).
 */
export async function* readDepth(db: DepthDb, options: ReadDepthOptions & { readonly reuse?: boolean }): AsyncGenerator<DepthColumns, void, undefined> {
  let spare: DepthColumns | null = null;
  for await (const row of readBlockRows<BlockRow>(db, READ_SELECT, options)) {
    const count = Number(row.record_count);
    const out: DepthColumns = options.reuse && spare !== null && spare.tsRecvOffsetNs.length >= count ? spare : allocateDepthColumns(count, 0n);
    if (options.reuse) spare = out;
    decodeRow(row, out, options.tickSizeNano);
    cutDepth(out, options.fromNs, options.toNs);
    if (out.length > 0) yield out;
  }
}

function decodeRow(row: BlockRow, out: DepthColumns, tickSizeNano?: bigint): void {
  const codec = Number(row.codec);
  if (codec !== DEPTH_BLOCK_CODEC) throw corrupt(`unknown codec ${codec}`);
  const count = Number(row.record_count);
  out.baseNs = BigInt(row.base_ns);
  const cols = [row.ts_recv, row.ts_event_deltas, row.headers, row.flags, row.escapes, row.prices, row.sizes, row.bid_levels, row.ask_levels];
  decodeDepthBlock(cols.map(bytesOf), count, out);
  const stored = BigInt(row.price_scale_nano);
  if (tickSizeNano === undefined || tickSizeNano === stored) return;
  // Stored ticks of another size: convert exactly (a price off the requested grid is an error).
  const convert = (px: Float64Array, n: number) => {
    for (let i = 0; i < n; i++) {
      if (px[i] !== px[i]) continue;
      const nano = BigInt(px[i]) * stored;
      if (nano % tickSizeNano !== 0n) throw new AppError("unprocessable", `Stored depth price ${nano} (1e-9) is off the ${tickSizeNano} tick grid`);
      px[i] = Number(nano / tickSizeNano);
    }
  };
  convert(out.priceTicks, count);
  convert(out.bidTicks, count * DEPTH_LEVELS);
  convert(out.askTicks, count * DEPTH_LEVELS);
}

/** Keeps the records with ts_recv in [fromNs, toNs), in order, at the front of `c`. */
function cutDepth(c: DepthColumns, fromNs: bigint | undefined, toNs: bigint | undefined): void {
  if (fromNs === undefined && toNs === undefined) return;
  const lo = fromNs === undefined ? -Infinity : clampOffset(fromNs - c.baseNs);
  const hi = toNs === undefined ? Infinity : clampOffset(toNs - c.baseNs);
  const ts = c.tsRecvOffsetNs;
  let n = 0;
  for (let i = 0; i < c.length; i++) {
    if (!(ts[i] >= lo && ts[i] < hi)) continue;
    if (i !== n) moveRecord(c, i, n);
    n++;
  }
  c.length = n;
}

function moveRecord(c: DepthColumns, from: number, to: number): void {
  for (const col of [c.tsRecvOffsetNs, c.tsEventDeltaNs, c.action, c.side, c.depth, c.flags, c.priceTicks, c.size]) col[to] = col[from];
  for (const col of [c.bidTicks, c.askTicks, c.bidSize, c.askSize, c.bidCount, c.askCount]) col.copyWithin(to * DEPTH_LEVELS, from * DEPTH_LEVELS, (from + 1) * DEPTH_LEVELS);
}

const countSql = (column: string, toNs?: bigint) =>
  `SELECT coalesce(sum(${column}), 0)::text AS n FROM ${TABLE.table} WHERE dataset_id = $1${toNs === undefined ? "" : " AND first_ts_recv < $2"}`;

/** Number of MBP-10 records of a dataset with ts_recv before `toNs` (block granularity: whole blocks). */
export async function countDepth(db: DepthDb, datasetId: number, toNs?: bigint): Promise<number> {
  const { rows } = await db.query<{ n: string }>(countSql("record_count", toNs), toNs === undefined ? [datasetId] : [datasetId, toNs.toString()]);
  return Number(rows[0].n);
}

/** Book events (records with LAST) of a dataset's depth before `toNs` (whole blocks): what a depth replay counts. */
export async function countDepthEvents(db: DepthDb, datasetId: number, toNs?: bigint): Promise<number> {
  const { rows } = await db.query<{ n: string }>(countSql("event_count", toNs), toNs === undefined ? [datasetId] : [datasetId, toNs.toString()]);
  return Number(rows[0].n);
}

/** True when the dataset holds MBP-10 depth. */
export async function hasDepth(db: DepthDb, datasetId: number): Promise<boolean> {
  const { rows } = await db.query(`SELECT 1 FROM ${TABLE.table} WHERE dataset_id = $1 LIMIT 1`, [datasetId]);
  return rows.length > 0;
}

export interface ReadDepthFeedOptions {
  readonly datasetId: number;
  readonly tickSizeNano: bigint;
  /** Exclusive upper bound on ts_recv (the feed always starts at the dataset's first record). */
  readonly toNs?: bigint;
  /** Book events per yielded batch (default 65,536). */
  readonly maxEvents?: number;
}

/**
 * The dataset's MBP-10 records as the synthetic book records of the depth feed (depth-feed.ts), for
 * the book engine's l2-queue and l1-quotes models on MBP-10 data. Batches end at event boundaries.
 */
export async function* readDepthFeed(db: DepthDb, options: ReadDepthFeedOptions): AsyncGenerator<DepthFeedBatch, void, undefined> {
  const feed = new DepthFeed(Number(options.tickSizeNano), options.maxEvents ?? 65_536);
  for await (const batch of readDepth(db, { datasetId: options.datasetId, toNs: options.toNs, tickSizeNano: options.tickSizeNano, reuse: true })) {
    feed.push(batch);
    yield* feed.takeReady();
  }
  yield* feed.end();
}
