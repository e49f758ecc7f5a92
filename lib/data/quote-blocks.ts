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
 * Codec 1 (V = unsigned LEB128 varint, Z = zigzag then V; exact to 2^52):
 *   ts_recv          Z(ts_recv[i] - ts_recv[i-1]), ts_recv[-1] = base_ns
 *   ts_event_deltas  Z(ts_event[i] - ts_recv[i])
 *   bid_prices       V(0) for an empty side, else V(Z(ticks[i] - ticks[j]) + 1), j the last
 *                    non-empty bid before i (start 0); ask_prices likewise
 *   bid_sizes, ask_sizes, bid_counts, ask_counts   V(value)
 *   kinds            n raw bytes
 * Real CME MBP-1 (ESU4) takes about 10 bytes per quote (DBN: 80).
 *
 * Reads are plain SELECTs paged by block_seq (a few blocks per round trip): memory stays bounded by
 * one page. `readQuoteFeed` merges a dataset's quotes and trades into the synthetic book records
 * the book engine replays (lib/engine/quotes/quote-feed.ts).
 */
import { finished } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { AppError } from "../errors";
import { allocateQuoteColumns, type QuoteColumns } from "../engine/quotes/quote-columns";
import { QuoteFeedMerger, type QuoteFeedBatch } from "../engine/quotes/quote-feed";
import { CopyBinaryWriter, COPY_HEADER_BYTES, COPY_TRAILER_BYTES } from "./copy-binary";
import { readTrades } from "./tick-blocks";

export type QuoteDb = pg.Pool | pg.Client;

export const QUOTE_BLOCK_MAX_RECORDS = 65_536;
export const QUOTE_BLOCK_CODEC = 1;

const MAX_DELTA = 2 ** 52 - 1;
const INT32_MAX = 2147483647;
const DATASET_LOCK_KEY = "tickbench:quote_blocks:dataset";
const WRITE_COLUMNS =
  "dataset_id, block_seq, instrument_id, first_ts_recv, last_ts_recv, quote_count, base_ns, first_seq, price_scale_nano, codec, " +
  "ts_recv, ts_event_deltas, bid_prices, ask_prices, bid_sizes, ask_sizes, bid_counts, ask_counts, kinds";
const WRITE_FIELDS = 19;
const PACKED_FIELDS = 9;
const WRITE_FIXED_BYTES = 2 + 4 * 8 + 5 * 12 + 6;

export interface QuoteWriteMeta {
  readonly datasetId: number;
  /** Tickbench instrument id (instruments.id) of the dataset. */
  readonly instrumentId: number;
  /** Tick size in 1e-9 units: the scale the integer tick prices are stored with. */
  readonly tickSizeNano: bigint;
  /** Index in the dataset of the first quote written. */
  readonly firstSeq: bigint;
}

// ---- varints ----------------------------------------------------------------------------------

class ByteSink {
  bytes: Uint8Array;
  length = 0;
  constructor(capacity: number) {
    this.bytes = new Uint8Array(Math.max(16, capacity));
  }
  uvarint(v: number): void {
    if (this.length + 8 > this.bytes.length) {
      const next = new Uint8Array(this.bytes.length * 2 + 8);
      next.set(this.bytes.subarray(0, this.length));
      this.bytes = next;
    }
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
    if (!(Math.abs(v) <= MAX_DELTA)) throw new AppError("unprocessable", `Quote block value delta ${v} is out of the codec's range`);
    this.uvarint(v >= 0 ? v * 2 : -v * 2 - 1);
  }
  take(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }
}

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
}

function corrupt(what: string): AppError {
  return new AppError("internal", `Corrupt quote block: ${what}`);
}

// ---- codec ------------------------------------------------------------------------------------

export interface EncodedQuoteBlock {
  readonly firstNs: bigint;
  readonly lastNs: bigint;
  readonly baseNs: bigint;
  readonly count: number;
  /** The packed columns in WRITE_COLUMNS order (ts_recv ... kinds). */
  readonly columns: readonly Uint8Array[];
}

/** Packs quotes [start, end) of `c` (prices integer ticks or NaN). */
export function encodeQuoteBlock(c: QuoteColumns, start: number, end: number): EncodedQuoteBlock {
  const n = end - start;
  if (n < 1 || n > QUOTE_BLOCK_MAX_RECORDS) throw new AppError("internal", `Quote block of ${n} quotes`);
  const ts = new ByteSink(n * 2);
  const ev = new ByteSink(n * 3);
  const bid = new ByteSink(n);
  const ask = new ByteSink(n);
  const bs = new ByteSink(n);
  const as = new ByteSink(n);
  const bc = new ByteSink(n);
  const ac = new ByteSink(n);
  const base = c.tsRecvOffsetNs[start];
  let prevTs = base;
  let minTs = base;
  let maxTs = base;
  let prevBid = 0;
  let prevAsk = 0;
  const price = (sink: ByteSink, ticks: number, prev: number): number => {
    if (ticks !== ticks) {
      sink.uvarint(0);
      return prev;
    }
    if (!Number.isInteger(ticks)) throw new AppError("unprocessable", `Quote price ${ticks} ticks is off the tick grid`);
    const d = ticks - prev;
    if (!(Math.abs(d) <= MAX_DELTA)) throw new AppError("unprocessable", `Quote price ${ticks} ticks out of range`);
    sink.uvarint((d >= 0 ? d * 2 : -d * 2 - 1) + 1);
    return ticks;
  };
  for (let i = start; i < end; i++) {
    const t = c.tsRecvOffsetNs[i];
    ts.zigzag(t - prevTs);
    prevTs = t;
    if (t < minTs) minTs = t;
    if (t > maxTs) maxTs = t;
    ev.zigzag(c.tsEventDeltaNs[i]);
    prevBid = price(bid, c.bidTicks[i], prevBid);
    prevAsk = price(ask, c.askTicks[i], prevAsk);
    bs.uvarint(c.bidSize[i]);
    as.uvarint(c.askSize[i]);
    bc.uvarint(c.bidCount[i]);
    ac.uvarint(c.askCount[i]);
  }
  return {
    baseNs: c.baseNs + BigInt(base),
    firstNs: c.baseNs + BigInt(minTs),
    lastNs: c.baseNs + BigInt(maxTs),
    count: n,
    columns: [ts.take(), ev.take(), bid.take(), ask.take(), bs.take(), as.take(), bc.take(), ac.take(), c.kind.slice(start, end)],
  };
}

/** Unpacks a block into `out` from index 0 (offsets from out.baseNs = the block's base_ns). */
export function decodeQuoteBlock(columns: readonly Uint8Array[], count: number, out: QuoteColumns): void {
  if (columns.length !== PACKED_FIELDS) throw corrupt(`${columns.length} columns`);
  const [tsB, evB, bidB, askB, bsB, asB, bcB, acB, kB] = columns;
  if (kB.length !== count) throw corrupt("kinds length");
  const ts = new ByteSource(tsB);
  const ev = new ByteSource(evB);
  const bid = new ByteSource(bidB);
  const ask = new ByteSource(askB);
  const bs = new ByteSource(bsB);
  const as = new ByteSource(asB);
  const bc = new ByteSource(bcB);
  const ac = new ByteSource(acB);
  let t = 0;
  let b = 0;
  let a = 0;
  for (let i = 0; i < count; i++) {
    t += ts.zigzag();
    out.tsRecvOffsetNs[i] = t;
    out.tsEventDeltaNs[i] = ev.zigzag();
    const pb = bid.uvarint();
    if (pb === 0) out.bidTicks[i] = Number.NaN;
    else {
      const u = pb - 1;
      b += u % 2 === 0 ? u / 2 : -(u + 1) / 2;
      out.bidTicks[i] = b;
    }
    const pa = ask.uvarint();
    if (pa === 0) out.askTicks[i] = Number.NaN;
    else {
      const u = pa - 1;
      a += u % 2 === 0 ? u / 2 : -(u + 1) / 2;
      out.askTicks[i] = a;
    }
    out.bidSize[i] = bs.uvarint();
    out.askSize[i] = as.uvarint();
    out.bidCount[i] = bc.uvarint();
    out.askCount[i] = ac.uvarint();
  }
  const sources = [ts, ev, bid, ask, bs, as, bc, ac];
  for (let k = 0; k < sources.length; k++) if (sources[k].p !== columns[k].length) throw corrupt("trailing bytes");
  out.kind.set(kB, 0);
  out.length = count;
}

// ---- write ------------------------------------------------------------------------------------

/**
 * Appends quotes [from, to) of `columns` to the dataset as new blocks (COPY FROM binary) inside the
 * caller's open transaction; returns the number written. Writers of one dataset are serialised by
 * a transaction-level advisory lock.
 */
export async function writeQuotes(client: pg.Client, meta: QuoteWriteMeta, columns: QuoteColumns, from = 0, to = columns.length): Promise<number> {
  if (client.getTransactionStatus() !== "T") throw new AppError("internal", "writeQuotes must run inside an open transaction (BEGIN first)");
  if (!(meta.tickSizeNano > 0n)) throw new AppError("internal", "tickSizeNano must be > 0");
  const n = to - from;
  if (n <= 0) return 0;
  await client.query("SELECT pg_advisory_xact_lock(hashtext($1), $2)", [DATASET_LOCK_KEY, meta.datasetId]);
  const { rows } = await client.query<{ next: number }>("SELECT coalesce(max(block_seq) + 1, 0)::int AS next FROM quote_blocks WHERE dataset_id = $1", [meta.datasetId]);
  const next = rows[0].next;
  const blockCount = Math.ceil(n / QUOTE_BLOCK_MAX_RECORDS);
  if (next + blockCount > INT32_MAX) throw new AppError("internal", `Dataset ${meta.datasetId} has too many quote blocks`);

  const stream = client.query(copyFrom(`COPY quote_blocks (${WRITE_COLUMNS}) FROM STDIN (FORMAT binary)`));
  let serverError: Error | undefined;
  stream.on("error", (error) => {
    serverError ??= error;
  });
  const done = finished(stream);
  done.catch(() => {});
  try {
    for (let k = 0; k < blockCount; k++) {
      const start = from + k * QUOTE_BLOCK_MAX_RECORDS;
      const end = Math.min(to, start + QUOTE_BLOCK_MAX_RECORDS);
      const block = encodeQuoteBlock(columns, start, end);
      let packedBytes = 0;
      for (const col of block.columns) packedBytes += 4 + col.length;
      const w = new CopyBinaryWriter(WRITE_FIXED_BYTES + (k === 0 ? COPY_HEADER_BYTES : 0));
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
      w.int2(QUOTE_BLOCK_CODEC);
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
      if (!ok) await Promise.race([new Promise<void>((resolve) => stream.once("drain", () => resolve())), done]);
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
  return n;
}

// ---- read -------------------------------------------------------------------------------------

export interface ReadQuotesOptions {
  readonly datasetId: number;
  /** Inclusive lower bound on ts_recv, ns since the epoch. */
  readonly fromNs?: bigint;
  /** Exclusive upper bound on ts_recv. */
  readonly toNs?: bigint;
  /**
   * The tick size the caller wants prices in (1e-9 units; default: as stored). Blocks stored with
   * another scale are converted exactly or refused.
   */
  readonly tickSizeNano?: bigint;
  /** Blocks fetched per round trip (default 4). */
  readonly blocksPerPage?: number;
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
export async function* readQuotes(db: QuoteDb, options: ReadQuotesOptions): AsyncGenerator<QuoteColumns, void, undefined> {
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
    const result = await db.query<BlockRow>({ text: `${READ_SELECT} WHERE ${where} ORDER BY block_seq LIMIT ${page}`, values: params });
    for (const row of result.rows) {
      const batch = decodeRow(row, options.tickSizeNano);
      cutToRange(batch, options.fromNs, options.toNs);
      if (batch.length > 0) yield batch;
    }
    if (result.rows.length < page) return;
    params[1] = Number(result.rows[result.rows.length - 1].block_seq) + 1;
  }
}

function decodeRow(row: BlockRow, tickSizeNano?: bigint): QuoteColumns {
  const codec = Number(row.codec);
  if (codec !== QUOTE_BLOCK_CODEC) throw corrupt(`unknown codec ${codec}`);
  const count = Number(row.quote_count);
  const out = allocateQuoteColumns(count, BigInt(row.base_ns));
  const cols = [row.ts_recv, row.ts_event_deltas, row.bid_prices, row.ask_prices, row.bid_sizes, row.ask_sizes, row.bid_counts, row.ask_counts, row.kinds];
  decodeQuoteBlock(
    cols.map((b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength)),
    count,
    out,
  );
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

/** Keeps the quotes with ts_recv in [fromNs, toNs) (in place, order kept). */
function cutToRange(c: QuoteColumns, fromNs?: bigint, toNs?: bigint): void {
  if (fromNs === undefined && toNs === undefined) return;
  const lo = fromNs === undefined ? -Infinity : clampOffset(fromNs - c.baseNs);
  const hi = toNs === undefined ? Infinity : clampOffset(toNs - c.baseNs);
  let n = 0;
  for (let i = 0; i < c.length; i++) {
    const t = c.tsRecvOffsetNs[i];
    if (t < lo || t >= hi) continue;
    if (n !== i) {
      c.tsRecvOffsetNs[n] = t;
      c.tsEventDeltaNs[n] = c.tsEventDeltaNs[i];
      c.bidTicks[n] = c.bidTicks[i];
      c.askTicks[n] = c.askTicks[i];
      c.bidSize[n] = c.bidSize[i];
      c.askSize[n] = c.askSize[i];
      c.bidCount[n] = c.bidCount[i];
      c.askCount[n] = c.askCount[i];
      c.kind[n] = c.kind[i];
    }
    n++;
  }
  c.length = n;
}

function clampOffset(value: bigint): number {
  const limit = BigInt(Number.MAX_SAFE_INTEGER);
  return Number(value > limit ? limit : value < -limit ? -limit : value);
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
