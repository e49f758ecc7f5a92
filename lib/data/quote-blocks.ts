/**
 * The columnar quote store: `quote_blocks` rows of up to 65,536 consecutive top-of-book quotes of a
 * dataset, in file order, their columns packed into bytea, to and from `QuoteColumns`
 * (lib/engine/quotes/quote-columns.ts).
 *
 * Invariants (as mbo-blocks.ts):
 * - A block holds quotes of one `writeQuotes` call, in the call's order (the file order). `block_seq`
 *   increases in write order and reads return blocks in `block_seq` order.
 * - `first_ts_recv` / `last_ts_recv` are the smallest / largest ts_recv of the block; `base_ns` is
 *   the first quote's ts_recv.
 * - Prices are integer ticks of the block's `price_scale_nano` (the tick size when written).
 * - Writes run inside the caller's transaction: a failed import leaves no rows.
 *
 * Codec 1 (block-codec.ts: V = unsigned LEB128 varint, Z = zigzag then V; exact to 2^52):
 *   ts_recv          Z(ts_recv[i] - ts_recv[i-1]), ts_recv[-1] = base_ns
 *   ts_event_deltas  Z(ts_event[i] - ts_recv[i])
 *   bid_prices       V(0) for an empty side, else V(Z(ticks[i] - ticks[j]) + 1), j the last
 *                    non-empty bid before i (start 0); ask_prices likewise
 *   bid_sizes, ask_sizes, bid_counts, ask_counts   V(value)
 *   kinds            n raw bytes
 * Real CME MBP-1 (ESU4) takes about 10 bytes per quote (DBN: 80).
 *
 * Reads are plain SELECTs paged by block_seq (a few blocks per round trip): memory stays bounded by
 * one page (paging, COPY writes and the cut: block-store.ts). `readQuoteFeed` merges a dataset's
 * quotes and trades into the synthetic book records the book engine replays
 * (lib/engine/quotes/quote-feed.ts).
 */
import type pg from "pg";
import { AppError } from "../errors";
import { allocateQuoteColumns, type QuoteColumns } from "../engine/quotes/quote-columns";
import { QuoteFeedMerger, type QuoteFeedBatch } from "../engine/quotes/quote-feed";
import { byteSinks, byteSources, checkAllRead, corruptBlock, MAX_VARINT_DELTA, RecvTimeSinks, type ByteSink } from "./block-codec";
import { appendEncodedBlocks, blockHeaderColumns, bytesOf, readBlocksInRange, type BlockPageOptions, type BlockWriteMeta, type EncodedBlock } from "./block-store";
import { readTrades } from "./tick-blocks";

export type QuoteDb = pg.Pool | pg.Client;

export const QUOTE_BLOCK_MAX_RECORDS = 65_536;
export const QUOTE_BLOCK_CODEC = 1;

/** Names the block in codec errors ("Quote block value delta ...", "Corrupt quote block: ..."). */
const SINK_LABEL = "Quote block";
const SOURCE_LABEL = "quote block";
const PACKED_FIELDS = 9;
const TABLE = {
  table: "quote_blocks",
  columns: blockHeaderColumns("quote_count") + ", ts_recv, ts_event_deltas, bid_prices, ask_prices, bid_sizes, ask_sizes, bid_counts, ask_counts, kinds",
  fields: 10 + PACKED_FIELDS,
  lockKey: "tickbench:quote_blocks:dataset",
  maxRecords: QUOTE_BLOCK_MAX_RECORDS,
  codec: QUOTE_BLOCK_CODEC,
  writer: "writeQuotes",
  what: "quote blocks",
};

/** The tick size is the scale the integer tick prices are stored with. */
export type QuoteWriteMeta = BlockWriteMeta;

function corrupt(what: string): AppError {
  return corruptBlock(SOURCE_LABEL, what);
}

// ---- codec ------------------------------------------------------------------------------------

/** The packed columns in table order (ts_recv ... kinds). */
export type EncodedQuoteBlock = EncodedBlock;

/** Packs quotes [start, end) of `c` (prices integer ticks or NaN). */
export function encodeQuoteBlock(c: QuoteColumns, start: number, end: number): EncodedQuoteBlock {
  const n = end - start;
  if (n < 1 || n > QUOTE_BLOCK_MAX_RECORDS) throw new AppError("internal", `Quote block of ${n} quotes`);
  const times = new RecvTimeSinks(SINK_LABEL, n, c.tsRecvOffsetNs[start]);
  const [bid, ask, bs, as, bc, ac] = byteSinks(SINK_LABEL, [n, n, n, n, n, n]);
  let prevBid = 0;
  let prevAsk = 0;
  const price = (sink: ByteSink, ticks: number, prev: number): number => {
    if (ticks !== ticks) {
      sink.missing();
      return prev;
    }
    if (!Number.isInteger(ticks)) throw new AppError("unprocessable", `Quote price ${ticks} ticks is off the tick grid`);
    const d = ticks - prev;
    if (!(Math.abs(d) <= MAX_VARINT_DELTA)) throw new AppError("unprocessable", `Quote price ${ticks} ticks out of range`);
    sink.present(d);
    return ticks;
  };
  for (let i = start; i < end; i++) {
    times.push(c.tsRecvOffsetNs[i], c.tsEventDeltaNs[i]);
    prevBid = price(bid, c.bidTicks[i], prevBid);
    prevAsk = price(ask, c.askTicks[i], prevAsk);
    bs.uvarint(c.bidSize[i]);
    as.uvarint(c.askSize[i]);
    bc.uvarint(c.bidCount[i]);
    ac.uvarint(c.askCount[i]);
  }
  return times.block(c.baseNs, n, [bid.take(), ask.take(), bs.take(), as.take(), bc.take(), ac.take(), c.kind.slice(start, end)]);
}

/** Unpacks a block into `out` from index 0 (offsets from out.baseNs = the block's base_ns). */
export function decodeQuoteBlock(columns: readonly Uint8Array[], count: number, out: QuoteColumns): void {
  if (columns.length !== PACKED_FIELDS) throw corrupt(`${columns.length} columns`);
  const kB = columns[8];
  if (kB.length !== count) throw corrupt("kinds length");
  const sources = byteSources(SOURCE_LABEL, columns.slice(0, 8));
  const [ts, ev, bid, ask, bs, as, bc, ac] = sources;
  let t = 0;
  let b = 0;
  let a = 0;
  for (let i = 0; i < count; i++) {
    t += ts.zigzag();
    out.tsRecvOffsetNs[i] = t;
    out.tsEventDeltaNs[i] = ev.zigzag();
    const db = bid.optional();
    if (db !== db) out.bidTicks[i] = Number.NaN;
    else out.bidTicks[i] = b += db;
    const da = ask.optional();
    if (da !== da) out.askTicks[i] = Number.NaN;
    else out.askTicks[i] = a += da;
    out.bidSize[i] = bs.uvarint();
    out.askSize[i] = as.uvarint();
    out.bidCount[i] = bc.uvarint();
    out.askCount[i] = ac.uvarint();
  }
  checkAllRead(SOURCE_LABEL, sources);
  out.kind.set(kB, 0);
  out.length = count;
}

// ---- write ------------------------------------------------------------------------------------

/**
 * Appends quotes [from, to) of `columns` to the dataset as new blocks (COPY FROM binary) inside the
 * caller's open transaction; returns the number written. Writers of one dataset are serialised by
 * a transaction-level advisory lock.
 */
export function writeQuotes(client: pg.Client, meta: QuoteWriteMeta, columns: QuoteColumns, from = 0, to = columns.length): Promise<number> {
  return appendEncodedBlocks(client, TABLE, meta, from, to, (start, end) => encodeQuoteBlock(columns, start, end));
}

// ---- read -------------------------------------------------------------------------------------

export interface ReadQuotesOptions extends BlockPageOptions {
  /**
   * The tick size the caller wants prices in (1e-9 units; default: as stored). Blocks stored with
   * another scale are converted exactly or refused.
   */
  readonly tickSizeNano?: bigint;
}

interface BlockRow {
  block_seq: string;
  base_ns: string;
  quote_count: string;
  price_scale_nano: string;
  codec: string;
  ts_recv: Buffer;
  ts_event_deltas: Buffer;
  bid_prices: Buffer;
  ask_prices: Buffer;
  bid_sizes: Buffer;
  ask_sizes: Buffer;
  bid_counts: Buffer;
  ask_counts: Buffer;
  kinds: Buffer;
}

const READ_SELECT =
  "SELECT block_seq::text, base_ns::text, quote_count::text, price_scale_nano::text, codec::text, " +
  "ts_recv, ts_event_deltas, bid_prices, ask_prices, bid_sizes, ask_sizes, bid_counts, ask_counts, kinds FROM quote_blocks";

/** Streams a dataset's quotes with ts_recv in [fromNs, toNs), one freshly allocated batch per stored block, in file order. */
export function readQuotes(db: QuoteDb, options: ReadQuotesOptions): AsyncGenerator<QuoteColumns, void, undefined> {
  return readBlocksInRange(db, READ_SELECT, options, (row: BlockRow) => decodeRow(row, options.tickSizeNano), (c: QuoteColumns) => [
    c.tsRecvOffsetNs,
    c.tsEventDeltaNs,
    c.bidTicks,
    c.askTicks,
    c.bidSize,
    c.askSize,
    c.bidCount,
    c.askCount,
    c.kind,
  ]);
}

function decodeRow(row: BlockRow, tickSizeNano?: bigint): QuoteColumns {
  const codec = Number(row.codec);
  if (codec !== QUOTE_BLOCK_CODEC) throw corrupt(`unknown codec ${codec}`);
  const count = Number(row.quote_count);
  const out = allocateQuoteColumns(count, BigInt(row.base_ns));
  const cols = [row.ts_recv, row.ts_event_deltas, row.bid_prices, row.ask_prices, row.bid_sizes, row.ask_sizes, row.bid_counts, row.ask_counts, row.kinds];
  decodeQuoteBlock(cols.map(bytesOf), count, out);
  const stored = BigInt(row.price_scale_nano);
  if (tickSizeNano !== undefined && tickSizeNano !== stored) {
    // Stored ticks of another size: convert exactly (a price off the requested grid is an error).
    for (const px of [out.bidTicks, out.askTicks]) {
      for (let i = 0; i < count; i++) {
        if (px[i] !== px[i]) continue;
        const nano = BigInt(px[i]) * stored;
        if (nano % tickSizeNano !== 0n) throw new AppError("unprocessable", `Stored quote price ${nano} (1e-9) is off the ${tickSizeNano} tick grid`);
        px[i] = Number(nano / tickSizeNano);
      }
    }
  }
  return out;
}

/** Number of quotes of a dataset with ts_recv before `toNs` (block granularity: whole blocks). */
export async function countQuotes(db: QuoteDb, datasetId: number, toNs?: bigint): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    `SELECT coalesce(sum(quote_count), 0)::text AS n FROM quote_blocks WHERE dataset_id = $1${toNs === undefined ? "" : " AND first_ts_recv < $2"}`,
    toNs === undefined ? [datasetId] : [datasetId, toNs.toString()],
  );
  return Number(rows[0].n);
}

/** True when the dataset holds quotes. */
export async function hasQuotes(db: QuoteDb, datasetId: number): Promise<boolean> {
  const { rows } = await db.query("SELECT 1 FROM quote_blocks WHERE dataset_id = $1 LIMIT 1", [datasetId]);
  return rows.length > 0;
}

export interface ReadQuoteFeedOptions {
  readonly datasetId: number;
  readonly tickSizeNano: bigint;
  /** Exclusive upper bound on ts_recv (the feed always starts at the dataset's first quote). */
  readonly toNs?: bigint;
  /** Source events (quotes + trades) per yielded batch (default 65,536). */
  readonly maxEvents?: number;
}

/**
 * The dataset's quotes and trades merged into one time-ordered stream of synthetic book records
 * (quote-feed.ts explains the records and the tie rule), for the book engine's l1-quotes mode.
 * Quotes and trades are read concurrently over two connections of `pool`.
 */
export async function* readQuoteFeed(pool: pg.Pool, options: ReadQuoteFeedOptions): AsyncGenerator<QuoteFeedBatch, void, undefined> {
  const quotes = readQuotes(pool, { datasetId: options.datasetId, toNs: options.toNs, tickSizeNano: options.tickSizeNano });
  const trades = readTrades(pool, { datasetId: options.datasetId, toNs: options.toNs, tickSizeNano: options.tickSizeNano, maxBatchTicks: 65_536 });
  const merger = new QuoteFeedMerger(Number(options.tickSizeNano), options.maxEvents ?? 65_536);
  try {
    for (;;) {
      const need = merger.step();
      if (need === "quotes") {
        const r = await quotes.next();
        merger.pushQuotes(r.done ? null : r.value);
      } else if (need === "trades") {
        const r = await trades.next();
        merger.pushTrades(r.done ? null : r.value);
      } else if (need === "batch") {
        yield merger.take();
      } else {
        return;
      }
    }
  } finally {
    await quotes.return(undefined);
    await trades.return(undefined);
  }
}
