/**
 * The columnar trade store: `trade_blocks` rows of up to 65,536 consecutive trades, their columns
 * packed into bytea, to and from `TradeColumns`. (It replaced a row-per-tick table that was bound by index maintenance and tuple processing.)
 *
 * Invariants:
 * - A block holds trades of one `writeTrades` call (one session) within one UTC month, in the
 *   call's order. Reads return blocks ordered by (first_ts_recv, first_seq): that is (ts_recv, seq)
 *   order because a write may not overlap the dataset's existing trades in time (it may touch them
 *   at one timestamp), which `writeTrades` checks under a per-dataset lock.
 * - Prices are integers in units of the block's `price_scale_nano` (the tick size when written),
 *   converted exactly on read; a price off the requested tick grid is an error, never rounded.
 * - Times stay exact: a block's offsets from `base_ns` are below 2^53 ns (a month), batches are
 *   based at their first ts_recv and cut before 2^53 ns. One BigInt per block, none per tick.
 * - Writes run inside the caller's transaction: a failed import leaves no rows (nor partitions).
 *
 * Codec 1. Integer columns are "packed unsigned" (PU): one width byte w, then n values of w
 * bytes little-endian, then escapes; w is chosen per block and column to minimise the size. A value
 * with all w bytes set (2^(8w) - 1) is an escape: the real value is the next unsigned LEB128 varint
 * of the escape area. w = 0: every value is 0 and nothing follows. Signed values are zigzag-coded.
 *   ts_offsets   PU of ts_recv[0] - base_ns, then ts_recv[i] - ts_recv[i-1] (>= 0)
 *   event_deltas PU of zigzag(ts_event - ts_recv), |delta| < 2^52 ns
 *   prices       PU of zigzag(price[i] - price[i-1]), price[-1] = 0, int32 ticks of price_scale_nano
 *   sizes        PU of the int32 size's bit pattern
 *   sides        n int8 (1 buy, -1 sell, 0 none)
 *   flags        empty (all 0: TradeColumns has no flags) or n uint8
 * Synthetic MNQ-like trades take ~9.5 bytes (trade_ticks: ~80 per row plus its index). A fixed
 * width makes the work per value constant (one load, one predictable escape test) whatever the
 * mix of small and large deltas, and a 1-byte column unpacks as a typed-array copy; escapes absorb
 * rare outliers (an overnight gap, a block trade) without widening the whole column. Values are
 * stored uncompressed out of line (STORAGE EXTERNAL): they are dense already, and pglz would cost
 * time on every read and write.
 *
 * Limitations: native partitions are monthly and created on demand; nothing drops empty partitions
 * after `deleteTrades`. Writers of one dataset are serialised (transaction-level advisory lock) and
 * a write overlapping the dataset's trades in time is refused (a block store cannot interleave).
 * `flags` is written empty (all 0: TradeColumns has no flags column).
 */
import { finished } from "node:stream/promises";
import pg from "pg";
import { AppError } from "../errors";
import { allocateTradeColumns, trimTradeColumns, type TradeColumns } from "../market/trade-columns";
import { blockHeaderColumns, blockRowHeader, checkBlockSeqRange, clampOffset, copyRowsIn, lockDatasetBlocks, requireTransaction } from "./block-store";
import { CopyBinaryParser, CopyOutQuery, joinInt64, type CopyRowSink } from "./copy-binary";

/** A pool, or one connection (a `pool.connect()` client or a plain `pg.Client`). */
export type TickDb = pg.Pool | pg.Client;

export const BLOCK_MAX_TICKS = 65_536;
export const BLOCK_CODEC = 1;

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const MAX_BIG_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
/** ts_event - ts_recv must stay below this in magnitude, so its zigzag form is an exact float64. */
const MAX_EVENT_DELTA = 2 ** 52 - 1;
const NS_PER_MS = 1_000_000n;
/** Serialises partition creation across processes (pg_advisory_xact_lock key). */
const PARTITION_LOCK_KEY = "tickbench:trade_blocks:partitions";
/** With the dataset id, serialises writers of one dataset (pg_advisory_xact_lock(int, int)). */
const DATASET_LOCK_KEY = "tickbench:trade_blocks:dataset";
/** A guard against creating hundreds of partitions from one bogus timestamp. */
const MAX_PARTITIONS_PER_CALL = 360;

// ---------------------------------------------------------------------------------------------
// Partitions

export type TradeTableKind = "native" | "hypertable";

const kindCache = new Map<string, Promise<TradeTableKind>>();

/**
 * How `trade_blocks` is partitioned in the connected database: a TimescaleDB hypertable or native
 * RANGE partitions. Cached per database (server and name), so once per pool in practice.
 */
export async function tradeTableKind(client: pg.Client): Promise<TradeTableKind> {
  const key = `${client.host}:${client.port}/${client.database}`;
  let kind = kindCache.get(key);
  if (!kind) {
    kind = detectTradeTableKind(client);
    kindCache.set(key, kind);
    kind.catch(() => kindCache.delete(key));
  }
  return kind;
}

async function detectTradeTableKind(client: pg.Client): Promise<TradeTableKind> {
  const ext = await client.query("SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'");
  if (!ext.rowCount) return "native";
  const hyper = await client.query(
    "SELECT 1 FROM timescaledb_information.hypertables WHERE hypertable_name = 'trade_blocks'",
  );
  return hyper.rowCount ? "hypertable" : "native";
}

/** Name and bounds of the monthly partition `trade_blocks_yYYYYmMM`. */
export interface TradePartition {
  name: string;
  fromNs: bigint;
  toNs: bigint;
}

/** The UTC calendar months covering [fromNs, toNs] (both inclusive). */
export function monthlyTradePartitions(fromNs: bigint, toNs: bigint): TradePartition[] {
  if (fromNs > toNs) throw new AppError("internal", `Partition range is reversed: ${fromNs} > ${toNs}`);
  const first = new Date(floorMs(fromNs));
  const last = new Date(floorMs(toNs));
  let year = first.getUTCFullYear();
  let month = first.getUTCMonth();
  const months = (last.getUTCFullYear() - year) * 12 + (last.getUTCMonth() - month) + 1;
  if (months > MAX_PARTITIONS_PER_CALL) {
    throw new AppError("unprocessable", `Trade timestamps span ${months} months (${fromNs}..${toNs} ns): check the data`);
  }
  const out: TradePartition[] = [];
  for (let i = 0; i < months; i++) {
    const start = BigInt(Date.UTC(year, month, 1)) * NS_PER_MS;
    const end = BigInt(Date.UTC(year, month + 1, 1)) * NS_PER_MS;
    out.push({ name: `trade_blocks_y${year}m${String(month + 1).padStart(2, "0")}`, fromNs: start, toNs: end });
    month += 1;
    if (month === 12) {
      month = 0;
      year += 1;
    }
  }
  return out;
}

/**
 * Creates the missing monthly partitions covering [fromNs, toNs]; returns the names it created.
 * No-op for a TimescaleDB hypertable. Concurrent callers are serialised by a transaction-level
 * advisory lock. Given a pool or an idle client it runs its own short transaction; given a client
 * inside a transaction it joins that transaction: the partitions then roll back with it, but the
 * advisory lock is held until that transaction ends, serialising imports that add partitions.
 */
export async function ensureTradePartitions(db: TickDb, fromNs: bigint, toNs: bigint): Promise<string[]> {
  if (db instanceof pg.Pool) {
    const client = await db.connect();
    try {
      return await ensureTradePartitions(client, fromNs, toNs);
    } finally {
      client.release();
    }
  }
  if ((await tradeTableKind(db)) === "hypertable") return [];
  const wanted = monthlyTradePartitions(fromNs, toNs);
  const missing = await missingPartitions(db, wanted);
  if (missing.length === 0) return [];

  const status = db.getTransactionStatus();
  if (status === "E") throw new AppError("internal", "ensureTradePartitions: the transaction is aborted");
  const ownTransaction = status !== "T";
  if (ownTransaction) await db.query("BEGIN");
  try {
    await db.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [PARTITION_LOCK_KEY]);
    const created: string[] = [];
    // Re-check under the lock: another caller may have created some meanwhile.
    for (const p of await missingPartitions(db, missing)) {
      // CREATE + ATTACH rather than CREATE ... PARTITION OF: ATTACH locks trade_blocks only SHARE
      // UPDATE EXCLUSIVE, so readers and other imports' COPY are not blocked until our commit.
      // INCLUDING STORAGE keeps the packed columns uncompressed (STORAGE EXTERNAL).
      const table = pg.escapeIdentifier(p.name);
      await db.query(
        `CREATE TABLE IF NOT EXISTS ${table} (LIKE trade_blocks INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)`,
      );
      await db.query(
        `ALTER TABLE trade_blocks ATTACH PARTITION ${table} ` +
          `FOR VALUES FROM (${int64Literal(p.fromNs)}) TO (${int64Literal(p.toNs)})`,
      );
      created.push(p.name);
    }
    if (ownTransaction) await db.query("COMMIT");
    return created;
  } catch (error) {
    if (ownTransaction) await db.query("ROLLBACK").catch(() => {});
    throw error;
  }
}

async function missingPartitions(client: pg.Client, wanted: TradePartition[]): Promise<TradePartition[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'trade_blocks'::regclass AND c.relname = ANY($1::text[])`,
    [wanted.map((p) => p.name)],
  );
  const existing = new Set(rows.map((r) => r.name));
  return wanted.filter((p) => !existing.has(p.name));
}

// ---------------------------------------------------------------------------------------------
// Writing

export interface TradeWriteMeta {
  datasetId: number;
  instrumentId: number;
  /** Tick size in 1e-9 price units (e.g. 0.25 -> 250_000_000n): the unit prices are stored in. */
  tickSizeNano: bigint;
  /** Record index (`seq`) of the first tick; tick i is record firstSeq + i. */
  firstSeq: bigint;
}

const WRITE_COLUMNS = blockHeaderColumns("tick_count") + ", ts_offsets, event_deltas, prices, sizes, sides, flags";
const WRITE_FIELDS = 16;
/** Blocks queued on the COPY stream before we wait for it to drain. */
const WRITE_HIGH_WATER_BYTES = 4 << 20;
/** Upper bound of one PU column: the width byte + 7 bytes per value (the chosen width is never larger). */
const PU_MAX_BYTES = 1 + BLOCK_MAX_TICKS * 8;

/** Reused buffers (encoding and decoding are synchronous, so one set serves every call). */
const scratch = {
  values: new Float64Array(BLOCK_MAX_TICKS),
  packed: new Uint8Array(PU_MAX_BYTES),
};

interface BlockPlan {
  start: number;
  end: number;
  firstNs: bigint;
  lastNs: bigint;
}

/**
 * Appends `columns` to `trade_blocks` as blocks of up to 65,536 trades (cut at UTC month starts)
 * with COPY FROM STDIN (FORMAT binary); returns the number of trades written. `client` must be
 * inside a transaction (BEGIN issued): on any failure the COPY is aborted and the caller rolls
 * back. Trades must be in ts_recv order and must not overlap the dataset's stored trades in time.
 * Creates the months' partitions if missing (see `ensureTradePartitions`).
 */
export async function writeTrades(client: pg.Client, meta: TradeWriteMeta, columns: TradeColumns): Promise<number> {
  requireTransaction(client, "writeTrades");
  checkInt32(meta.datasetId, "datasetId");
  checkInt32(meta.instrumentId, "instrumentId");
  tickSizeNumber(meta.tickSizeNano);
  const n = columns.length;
  if (n === 0) return 0;
  if (meta.firstSeq < INT64_MIN || meta.firstSeq + BigInt(n) > INT64_MAX) throw new AppError("internal", "seq out of int8 range");
  validateColumns(columns);
  const firstNs = columns.baseNs + BigInt(columns.tsOffsetNs[0]);
  const lastNs = columns.baseNs + BigInt(columns.tsOffsetNs[n - 1]);
  if (firstNs < INT64_MIN || lastNs > INT64_MAX) throw new AppError("unprocessable", "Trade timestamps leave the int8 range");
  const months = monthlyTradePartitions(firstNs, lastNs);
  await ensureTradePartitions(client, firstNs, lastNs);

  await lockDatasetBlocks(client, DATASET_LOCK_KEY, meta.datasetId);
  const { rows } = await client.query<{ next: number; clash_first: string | null; clash_last: string | null }>(
    `SELECT (SELECT coalesce(max(block_seq) + 1, 0) FROM trade_blocks WHERE dataset_id = $1) AS next,
            c.first_ts_recv::text AS clash_first, c.last_ts_recv::text AS clash_last
       FROM (SELECT 1) one LEFT JOIN LATERAL (
         SELECT first_ts_recv, last_ts_recv FROM trade_blocks
          WHERE dataset_id = $1 AND first_ts_recv >= $2 AND first_ts_recv <= $4 AND last_ts_recv >= $3
            AND first_ts_recv <> $4 AND last_ts_recv <> $3
          LIMIT 1) c ON true`,
    [meta.datasetId, String(months[0].fromNs), String(firstNs), String(lastNs)],
  );
  const { next, clash_first: clashFirst, clash_last: clashLast } = rows[0];
  if (clashFirst !== null) {
    throw new AppError(
      "conflict",
      `Dataset ${meta.datasetId} already has trades in ${clashFirst}..${clashLast} ns, which overlaps the new trades ` +
        `(${firstNs}..${lastNs} ns): trades of a dataset must be written without overlapping in time`,
    );
  }
  const blocks = planBlocks(columns, months);
  checkBlockSeqRange(next, blocks.length, meta.datasetId, "blocks");

  await copyRowsIn(
    client,
    `COPY trade_blocks (${WRITE_COLUMNS}) FROM STDIN (FORMAT binary)`,
    blocks.length,
    (k) => {
      const b = blocks[k];
      const header = blockRowHeader(
        WRITE_FIELDS,
        {
          datasetId: meta.datasetId,
          blockSeq: next + k,
          instrumentId: meta.instrumentId,
          firstNs: b.firstNs,
          lastNs: b.lastNs,
          count: b.end - b.start,
          baseNs: b.firstNs,
          firstSeq: meta.firstSeq + BigInt(b.start),
          priceScaleNano: meta.tickSizeNano,
          codec: BLOCK_CODEC,
        },
        k === 0,
      );
      return [header, encodeBlock(columns, b.start, b.end)];
    },
    WRITE_HIGH_WATER_BYTES,
  );
  return n;
}

/** Checks what the codec relies on: exact ascending offsets, bounded event deltas, valid sides. */
function validateColumns(c: TradeColumns): void {
  const { tsOffsetNs, eventDeltaNs, side } = c;
  let prev = tsOffsetNs[0];
  if (!Number.isSafeInteger(prev)) throw new AppError("unprocessable", "Trade time offsets must be exact integers below 2^53 ns");
  for (let i = 0; i < c.length; i++) {
    const off = tsOffsetNs[i];
    if (!(off >= prev) || !Number.isSafeInteger(off)) {
      throw new AppError("unprocessable", `Trade ${i}: ts_recv offset ${off} is not an exact integer >= the previous one (${prev})`);
    }
    prev = off;
    const delta = eventDeltaNs[i];
    if (!Number.isSafeInteger(delta) || delta > MAX_EVENT_DELTA || delta < -MAX_EVENT_DELTA) {
      throw new AppError("unprocessable", `Trade ${i}: ts_event - ts_recv = ${delta} ns is not an integer below 2^52 in magnitude`);
    }
    const s = side[i];
    if (s !== 1 && s !== -1 && s !== 0) throw new AppError("unprocessable", `Trade ${i}: side ${s} is not -1, 0 or 1`);
  }
}

/** Cuts [0, length) into blocks of at most BLOCK_MAX_TICKS trades that never cross a month start. */
function planBlocks(c: TradeColumns, months: TradePartition[]): BlockPlan[] {
  const offsets = c.tsOffsetNs;
  const n = c.length;
  const blocks: BlockPlan[] = [];
  let start = 0;
  for (const month of months) {
    const monthEnd = lowerBound(offsets, start, n, clampOffset(month.toNs - c.baseNs));
    while (start < monthEnd) {
      const end = Math.min(monthEnd, start + BLOCK_MAX_TICKS);
      blocks.push({
        start,
        end,
        firstNs: c.baseNs + BigInt(offsets[start]),
        lastNs: c.baseNs + BigInt(offsets[end - 1]),
      });
      start = end;
    }
  }
  if (start !== n) throw new AppError("internal", "planBlocks: trades outside their months");
  return blocks;
}

/** The six bytea fields (length word + bytes each) of trades [start, end), in codec 1. */
function encodeBlock(c: TradeColumns, start: number, end: number): Buffer {
  const n = end - start;
  const values = scratch.values;
  const parts: Buffer[] = [];
  const column = (): void => {
    const length = packUnsigned(values, n, scratch.packed);
    const part = Buffer.allocUnsafe(4 + length);
    part.writeInt32BE(length, 0);
    part.set(scratch.packed.subarray(0, length), 4);
    parts.push(part);
  };
  const offsets = c.tsOffsetNs;
  for (let i = start, prev = offsets[start]; i < end; i++) {
    values[i - start] = offsets[i] - prev;
    prev = offsets[i];
  }
  column();
  const events = c.eventDeltaNs;
  for (let i = start; i < end; i++) values[i - start] = zigzag(events[i]);
  column();
  const prices = c.priceTicks;
  for (let i = start, prev = 0; i < end; i++) {
    values[i - start] = zigzag(prices[i] - prev);
    prev = prices[i];
  }
  column();
  const sizes = c.size;
  for (let i = start; i < end; i++) values[i - start] = sizes[i] >>> 0;
  column();
  const sides = Buffer.allocUnsafe(4 + n + 4);
  sides.writeInt32BE(n, 0);
  sides.set(new Uint8Array(c.side.buffer, c.side.byteOffset + start, n), 4);
  sides.writeInt32BE(0, 4 + n); // flags: empty, all zero
  parts.push(sides);
  return Buffer.concat(parts);
}

/** Zigzag form of a safe integer below 2^52 in magnitude: 0, -1, 1, -2 ... -> 0, 1, 2, 3 ... */
function zigzag(v: number): number {
  return v >= 0 ? v * 2 : -v * 2 - 1;
}

/** The inverse of `zigzag` for values below 2^53. */
function unzigzag(v: number): number {
  if (v < 4294967296) return (v >>> 1) ^ -(v & 1);
  return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
}

/** Values at or above ESCAPE_AT[w] are escapes at width w (2^(8w) - 1; none at width 7). */
const ESCAPE_AT = [0, 0xff, 0xffff, 0xffffff, 0xffffffff, 0xffffffffff, 0xffffffffffff, Infinity];

/** Writes values[0, n) (safe integers >= 0) as a PU column into dst; returns its length. */
function packUnsigned(values: Float64Array, n: number, dst: Uint8Array): number {
  // How many values each width would have to escape (branch-free counting).
  let c1 = 0;
  let c2 = 0;
  let c3 = 0;
  let c4 = 0;
  let c5 = 0;
  let c6 = 0;
  let max = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    c1 += +(v >= 0xff);
    c2 += +(v >= 0xffff);
    c3 += +(v >= 0xffffff);
    c4 += +(v >= 0xffffffff);
    c5 += +(v >= 0xffffffffff);
    c6 += +(v >= 0xffffffffffff);
    max = v > max ? v : max;
  }
  if (max === 0) {
    dst[0] = 0;
    return 1;
  }
  // Bytes at width k: n * k plus the escapes' varints. A value of width j > k takes at most j + 1
  // varint bytes, which sums to escapes[k] * (k + 2) + the escapes of every wider width: an upper
  // bound, so the column never exceeds n * 7 + 1 bytes.
  const escapes = [0, c1, c2, c3, c4, c5, c6, 0];
  let w = 7;
  let best = n * 7;
  for (let k = 6, wider = 0; k >= 1; wider += escapes[k], k--) {
    const size = n * k + escapes[k] * (k + 2) + wider;
    if (size <= best) {
      best = size;
      w = k;
    }
  }
  dst[0] = w;
  let e = 1 + n * w; // escapes follow the fixed-width values
  // One loop per common width keeps every value a small integer (a generic byte loop over the
  // float64 values measured several times slower).
  if (w === 1) {
    for (let i = 0; i < n; i++) {
      let v = values[i];
      if (v >= 0xff) {
        e = putUvarint(dst, e, v);
        v = 0xff;
      }
      dst[1 + i] = v;
    }
  } else if (w === 2) {
    for (let i = 0, q = 1; i < n; i++, q += 2) {
      let v = values[i];
      if (v >= 0xffff) {
        e = putUvarint(dst, e, v);
        v = 0xffff;
      }
      dst[q] = v & 0xff;
      dst[q + 1] = v >>> 8;
    }
  } else if (w === 3) {
    for (let i = 0, q = 1; i < n; i++, q += 3) {
      let v = values[i];
      if (v >= 0xffffff) {
        e = putUvarint(dst, e, v);
        v = 0xffffff;
      }
      dst[q] = v & 0xff;
      dst[q + 1] = (v >>> 8) & 0xff;
      dst[q + 2] = v >>> 16;
    }
  } else {
    const escape = ESCAPE_AT[w];
    for (let i = 0, q = 1; i < n; i++, q += w) {
      let v = values[i];
      if (v >= escape) {
        e = putUvarint(dst, e, v);
        v = escape;
      }
      const lo = v % 4294967296;
      dst[q] = lo & 0xff;
      dst[q + 1] = (lo >>> 8) & 0xff;
      dst[q + 2] = (lo >>> 16) & 0xff;
      dst[q + 3] = lo >>> 24;
      for (let k = 4, hi = (v - lo) / 4294967296; k < w; k++, hi = Math.floor(hi / 256)) dst[q + k] = hi & 0xff;
    }
  }
  return e;
}

/** Writes the unsigned LEB128 form of `v` (a safe integer >= 0) at dst[p]; returns the next position. */
function putUvarint(dst: Uint8Array, p: number, v: number): number {
  while (v >= 0x80) {
    dst[p++] = (v & 0x7f) | 0x80; // & keeps the low 7 bits even above 2^32 (ToInt32 is modulo 2^32)
    v = v < 0x80000000 ? v >>> 7 : Math.floor(v / 128);
  }
  dst[p++] = v;
  return p;
}

// ---------------------------------------------------------------------------------------------
// Decoding (codec 1)

/** Position after the last varint read by `getUvarint` (module state: decoding is synchronous). */
let varintEnd = 0;

/** The unsigned LEB128 varint at src[p] (at most 8 bytes); sets `varintEnd`. */
function getUvarint(src: Uint8Array, p: number): number {
  let v = 0;
  let scale = 1;
  for (let k = 0; k < 8; k++) {
    const b = src[p++];
    v += (b & 0x7f) * scale;
    if (b < 0x80) {
      varintEnd = p;
      return v;
    }
    scale *= 128;
  }
  throw corrupt("escape varint"); // also reached past the end: undefined < 0x80 is false
}

/** Reads the PU column src[p, end) of n values into out[0, n). */
function unpackUnsigned(src: Uint8Array, p: number, end: number, n: number, out: Float64Array): void {
  const w = src[p];
  const q = p + 1;
  const fixedEnd = q + n * w;
  if (!(w <= 7) || fixedEnd > end) throw corrupt(`column width ${w}`);
  let e = fixedEnd;
  if (w === 0) {
    out.fill(0, 0, n);
  } else if (w === 1) {
    out.set(src.subarray(q, fixedEnd));
    if (e < end) {
      for (let i = 0; i < n; i++) {
        if (out[i] === 0xff) {
          out[i] = getUvarint(src, e);
          e = varintEnd;
        }
      }
    }
  } else if (w === 2) {
    for (let i = 0, r = q; i < n; i++, r += 2) {
      const v = src[r] | (src[r + 1] << 8);
      if (v === 0xffff) {
        out[i] = getUvarint(src, e);
        e = varintEnd;
      } else out[i] = v;
    }
  } else if (w === 3) {
    for (let i = 0, r = q; i < n; i++, r += 3) {
      const v = src[r] | (src[r + 1] << 8) | (src[r + 2] << 16);
      if (v === 0xffffff) {
        out[i] = getUvarint(src, e);
        e = varintEnd;
      } else out[i] = v;
    }
  } else if (w === 4) {
    for (let i = 0, r = q; i < n; i++, r += 4) {
      const v = (src[r] | (src[r + 1] << 8) | (src[r + 2] << 16) | (src[r + 3] << 24)) >>> 0;
      if (v === 0xffffffff) {
        out[i] = getUvarint(src, e);
        e = varintEnd;
      } else out[i] = v;
    }
  } else {
    const escape = ESCAPE_AT[w];
    for (let i = 0, r = q; i < n; i++, r += w) {
      let hi = 0;
      for (let k = w - 1; k >= 4; k--) hi = hi * 256 + src[r + k];
      const v = hi * 4294967296 + ((src[r] | (src[r + 1] << 8) | (src[r + 2] << 16) | (src[r + 3] << 24)) >>> 0);
      if (v === escape) {
        out[i] = getUvarint(src, e);
        e = varintEnd;
      } else out[i] = v;
    }
  }
  if (e !== end) throw corrupt("column length");
}

/** Where the packed columns of one block lie in a COPY row: [start, end) of each. */
interface BlockFields {
  bytes: Uint8Array;
  n: number;
  ts: number;
  tsEnd: number;
  event: number;
  eventEnd: number;
  price: number;
  priceEnd: number;
  size: number;
  sizeEnd: number;
  sides: Int8Array;
}

/** Decodes a block's ts_offsets into out[0, n) (offsets from the block's base_ns). */
function decodeOffsets(f: Pick<BlockFields, "bytes" | "n" | "ts" | "tsEnd">, out: Float64Array, at: number, shift: number): void {
  const raw = scratch.values;
  unpackUnsigned(f.bytes, f.ts, f.tsEnd, f.n, raw);
  let acc = shift;
  for (let i = 0, k = at; i < f.n; i++, k++) {
    acc += raw[i];
    out[k] = acc;
  }
  if (!(acc - shift <= MAX_SAFE)) throw corrupt("ts_offsets");
}

/** Decodes a whole block into dst[at, at + n), adding `shift` to its time offsets. */
function decodeBlock(f: BlockFields, dst: TradeColumns, at: number, shift: number): void {
  const { bytes, n } = f;
  const raw = scratch.values;
  decodeOffsets(f, dst.tsOffsetNs, at, shift);
  unpackUnsigned(bytes, f.event, f.eventEnd, n, raw);
  const events = dst.eventDeltaNs;
  for (let i = 0, k = at; i < n; i++, k++) events[k] = unzigzag(raw[i]);
  unpackUnsigned(bytes, f.price, f.priceEnd, n, raw);
  const prices = dst.priceTicks;
  for (let i = 0, k = at, acc = 0; i < n; i++, k++) {
    acc += unzigzag(raw[i]);
    prices[k] = acc;
  }
  unpackUnsigned(bytes, f.size, f.sizeEnd, n, raw);
  const sizes = dst.size;
  for (let i = 0, k = at; i < n; i++, k++) sizes[k] = raw[i] | 0;
  dst.side.set(f.sides, at);
}

function corrupt(what: string): AppError {
  return new AppError("internal", `Corrupt trade block: ${what}`);
}

// ---------------------------------------------------------------------------------------------
// Reading

export interface ReadTradesOptions {
  datasetId: number;
  tickSizeNano: bigint;
  /** Inclusive lower bound on ts_recv. */
  fromNs?: bigint;
  /** Exclusive upper bound on ts_recv. */
  toNs?: bigint;
  /** Upper bound on ticks per batch; default 1,000,000. */
  maxBatchTicks?: number;
  /**
   * Ascending times (e.g. session opens): no batch holds ticks on both sides of a boundary, so a
   * batch starting at or after boundary k ends before boundary k + 1.
   */
  batchBoundaryNs?: readonly bigint[];
}

export const DEFAULT_MAX_BATCH_TICKS = 1_000_000;
const READ_COLUMNS =
  "first_ts_recv, last_ts_recv, base_ns, tick_count, price_scale_nano, codec, ts_offsets, event_deltas, prices, sizes, sides";
const READ_FIELDS = 11;
const INITIAL_BATCH_CAPACITY = 65_536;
/**
 * COPY data is handed to the parser in pieces of about this size: a block row (~0.6 MB) arrives in
 * many socket chunks, and CopyBinaryParser copies an incomplete row again on every push.
 */
const PARSE_CHUNK_BYTES = 2 << 20;

/**
 * Streams a dataset's trades in [fromNs, toNs) as `TradeColumns` batches with COPY TO STDOUT
 * (FORMAT binary) of the blocks that overlap the range; edge blocks are cut to it. Memory stays
 * bounded by one batch plus a few blocks. Each batch is freshly allocated (safe to keep). With a
 * pool a connection is held until the generator finishes; leaving early closes that connection.
 * With a client, leaving early drains the rest of the COPY.
 */
export async function* readTrades(db: TickDb, options: ReadTradesOptions): AsyncGenerator<TradeColumns, void, undefined> {
  const maxBatch = options.maxBatchTicks ?? DEFAULT_MAX_BATCH_TICKS;
  if (!Number.isSafeInteger(maxBatch) || maxBatch < 1) throw new AppError("internal", `maxBatchTicks ${maxBatch} must be >= 1`);
  const sql =
    `COPY (SELECT ${READ_COLUMNS} FROM trade_blocks WHERE ` +
    blockRangeCondition(options.datasetId, options.fromNs, options.toNs) +
    " ORDER BY first_ts_recv, first_seq) TO STDOUT (FORMAT binary)";
  const batcher = new BlockBatcher(options, maxBatch);

  const owned = db instanceof pg.Pool;
  const client = owned ? await db.connect() : db;
  let streamEnded = false;
  let clean = false;
  const stream = client.query(new CopyOutQuery(sql));
  try {
    const parser = new CopyBinaryParser();
    // Socket chunks are gathered into one reused buffer: the parser and the batcher copy what
    // they keep, so it is free again after each push.
    const gathered = Buffer.allocUnsafe(PARSE_CHUNK_BYTES);
    let used = 0;
    for await (const data of stream.iterator({ destroyOnReturn: false })) {
      const chunk = data as Buffer;
      if (used + chunk.length > gathered.length) {
        parser.push(gathered.subarray(0, used), batcher);
        used = 0;
      }
      if (chunk.length < gathered.length) {
        chunk.copy(gathered, used);
        used += chunk.length;
      } else {
        parser.push(chunk, batcher);
      }
      for (let b = batcher.shift(); b; b = batcher.shift()) yield b;
    }
    streamEnded = true;
    if (used > 0) parser.push(gathered.subarray(0, used), batcher);
    parser.end();
    batcher.flush();
    for (let b = batcher.shift(); b; b = batcher.shift()) yield b;
    clean = true;
  } finally {
    if (!streamEnded) {
      stream.on("error", () => {}); // the COPY is being abandoned; its late errors are expected
      if (!owned) {
        stream.on("data", () => {}); // drain the rest so the connection is usable again
        await finished(stream).catch(() => {});
      }
    }
    if (owned) (client as pg.PoolClient).release(clean || streamEnded ? undefined : true);
  }
}

/** How stored prices (units of `scale`) become requested ticks: ticks = stored / divisor * multiplier. */
interface PriceConversion {
  scale: bigint;
  divisor: number;
  multiplier: number;
}

function priceConversion(datasetId: number, storedScale: bigint, tickSizeNano: bigint): PriceConversion {
  if (storedScale <= 0n || storedScale > MAX_BIG_SAFE) {
    throw corrupt(`price_scale_nano ${storedScale} of dataset ${datasetId}`);
  }
  const g = gcd(storedScale, tickSizeNano);
  return { scale: storedScale, divisor: Number(tickSizeNano / g), multiplier: Number(storedScale / g) };
}

/**
 * Turns COPY rows (one per block) into TradeColumns batches. A block that lies inside the range,
 * crosses no boundary and fits the current batch is decoded straight into it; any other block is
 * decoded into a scratch block whose part inside [fromNs, toNs) is appended in segments cut at
 * maxBatch, boundaries and 2^53 ns.
 */
class BlockBatcher implements CopyRowSink {
  private readonly block = allocateTradeColumns(BLOCK_MAX_TICKS, 0n);
  private readonly tickSizeNano: bigint;
  private readonly boundaries: readonly bigint[];
  private nextBoundary = 0;
  private conversion: PriceConversion | null = null;
  private cols: TradeColumns | null = null;
  private capacity = 0;
  private lastLength = 0;
  private readonly ready: TradeColumns[] = [];

  constructor(
    private readonly options: ReadTradesOptions,
    private readonly maxBatch: number,
  ) {
    this.tickSizeNano = options.tickSizeNano;
    tickSizeNumber(options.tickSizeNano);
    const boundaries = options.batchBoundaryNs ?? [];
    for (let i = 1; i < boundaries.length; i++) {
      if (boundaries[i] <= boundaries[i - 1]) throw new AppError("internal", "batchBoundaryNs must be strictly ascending");
    }
    this.boundaries = boundaries;
  }

  shift(): TradeColumns | undefined {
    return this.ready.shift();
  }

  row(view: DataView, pos: number, fieldCount: number): void {
    if (
      fieldCount !== READ_FIELDS ||
      view.getInt32(pos) !== 8 ||
      view.getInt32(pos + 12) !== 8 ||
      view.getInt32(pos + 24) !== 8 ||
      view.getInt32(pos + 36) !== 4 ||
      view.getInt32(pos + 44) !== 8 ||
      view.getInt32(pos + 56) !== 2
    ) {
      throw new AppError("internal", "Unexpected COPY row layout for trade_blocks");
    }
    const first = joinInt64(view.getInt32(pos + 4), view.getUint32(pos + 8));
    const last = joinInt64(view.getInt32(pos + 16), view.getUint32(pos + 20));
    const base = joinInt64(view.getInt32(pos + 28), view.getUint32(pos + 32));
    const n = view.getInt32(pos + 40);
    const scale = joinInt64(view.getInt32(pos + 48), view.getUint32(pos + 52));
    const codec = view.getInt16(pos + 60);
    if (codec !== BLOCK_CODEC) throw new AppError("internal", `Trade block codec ${codec} is not supported by this version`);
    if (n < 1 || n > BLOCK_MAX_TICKS) throw corrupt(`tick_count ${n}`);
    if (this.conversion?.scale !== scale) this.conversion = priceConversion(this.options.datasetId, scale, this.tickSizeNano);

    let p = pos + 62;
    const field = (): [number, number] => {
      const start = p + 4;
      p = start + view.getInt32(p);
      if (p > view.byteLength) throw corrupt("field length");
      return [start, p];
    };
    const [ts, tsEnd] = field();
    const [event, eventEnd] = field();
    const [price, priceEnd] = field();
    const [size, sizeEnd] = field();
    const [side, sideEnd] = field();
    if (sideEnd - side !== n) throw corrupt("sides");
    const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    const sides = new Int8Array(view.buffer, view.byteOffset + side, n);
    const f: BlockFields = { bytes, n, ts, tsEnd, event, eventEnd, price, priceEnd, size, sizeEnd, sides };

    if (this.decodeInPlace(f, first, last, base)) return;
    const block = this.block;
    block.baseNs = base;
    decodeBlock(f, block, 0, 0);
    const { fromNs, toNs } = this.options;
    const lo = fromNs === undefined || first >= fromNs ? 0 : lowerBound(block.tsOffsetNs, 0, n, clampOffset(fromNs - base));
    const hi = toNs === undefined || last < toNs ? n : lowerBound(block.tsOffsetNs, lo, n, clampOffset(toNs - base));
    if (lo < hi) {
      this.convertPrices(block, lo, hi);
      this.append(base, lo, hi);
    }
  }

  /**
   * The fast path: decodes the whole block into the current batch (or a new one) when that is
   * what `append` would do with it; returns false, having changed nothing it would not, otherwise.
   */
  private decodeInPlace(f: BlockFields, first: bigint, last: bigint, base: bigint): boolean {
    const { fromNs, toNs } = this.options;
    if ((fromNs !== undefined && first < fromNs) || (toNs !== undefined && last >= toNs)) return false;
    const boundaries = this.boundaries;
    let crossed = false;
    while (this.nextBoundary < boundaries.length && boundaries[this.nextBoundary] <= first) {
      this.nextBoundary++;
      crossed = true;
    }
    if (crossed) this.flush();
    if (this.nextBoundary < boundaries.length && boundaries[this.nextBoundary] <= last) return false;
    let cols = this.cols;
    let shift: number;
    if (cols) {
      shift = clampOffset(base - cols.baseNs);
      if (cols.length + f.n > this.maxBatch || shift + clampOffset(last - base) > MAX_SAFE) return false;
    } else {
      if (f.n > this.maxBatch) return false;
      cols = this.startBatch(first);
      shift = clampOffset(base - first);
    }
    const at = cols.length;
    if (at + f.n > this.capacity) cols = this.grow(cols, at + f.n);
    decodeBlock(f, cols, at, shift);
    cols.length = at + f.n;
    this.convertPrices(cols, at, at + f.n);
    return true;
  }

  /** Appends the scratch block's trades [i, end) (offsets from `base`) to batches. */
  private append(base: bigint, i: number, end: number): void {
    const { tsOffsetNs: ts, eventDeltaNs: event, priceTicks: price, size, side } = this.block;
    let boundaryOff = this.boundaryOffset(base);
    // Offset of this block's base in the current batch's time frame.
    let shift = this.cols ? clampOffset(base - this.cols.baseNs) : 0;
    while (i < end) {
      const t = ts[i];
      let crossed = false;
      while (t >= boundaryOff) {
        this.nextBoundary++;
        boundaryOff = this.boundaryOffset(base);
        crossed = true;
      }
      let cols = this.cols;
      if (cols && (crossed || cols.length >= this.maxBatch || shift + t > MAX_SAFE)) {
        this.flush();
        cols = null;
      }
      if (!cols) {
        cols = this.startBatch(base + BigInt(t));
        shift = -t;
      }
      let segEnd = Math.min(end, i + (this.maxBatch - cols.length));
      if (boundaryOff !== Infinity) segEnd = lowerBound(ts, i, segEnd, boundaryOff);
      if (shift + ts[segEnd - 1] > MAX_SAFE) segEnd = upperBound(ts, i, segEnd, MAX_SAFE - shift);
      const count = segEnd - i;
      if (cols.length + count > this.capacity) cols = this.grow(cols, cols.length + count);
      const at = cols.length;
      const dstTs = cols.tsOffsetNs;
      if (shift === 0) dstTs.set(ts.subarray(i, segEnd), at);
      else for (let j = i, k = at; j < segEnd; j++, k++) dstTs[k] = ts[j] + shift;
      cols.eventDeltaNs.set(event.subarray(i, segEnd), at);
      cols.priceTicks.set(price.subarray(i, segEnd), at);
      cols.size.set(size.subarray(i, segEnd), at);
      cols.side.set(side.subarray(i, segEnd), at);
      cols.length = at + count;
      i = segEnd;
    }
  }

  /** Offset of the next boundary from `base` (+Infinity when there is none). */
  private boundaryOffset(base: bigint): number {
    return this.nextBoundary < this.boundaries.length ? clampOffset(this.boundaries[this.nextBoundary] - base) : Infinity;
  }

  /** Converts c.priceTicks[from, to) in place from stored units to requested ticks. */
  private convertPrices(c: TradeColumns, from: number, to: number): void {
    const { divisor, multiplier } = this.conversion!;
    if (divisor === 1 && multiplier === 1) return;
    const prices = c.priceTicks;
    for (let k = from; k < to; k++) {
      const stored = prices[k];
      const ticks = (stored / divisor) * multiplier; // exact when stored % divisor === 0 and within int32
      if (stored % divisor !== 0 || ticks < INT32_MIN || ticks > INT32_MAX) this.badPrice(stored, c.baseNs + BigInt(c.tsOffsetNs[k]));
      prices[k] = ticks;
    }
  }

  private badPrice(stored: number, tsRecvNs: bigint): never {
    const price = BigInt(stored) * this.conversion!.scale;
    const onGrid = price % this.tickSizeNano === 0n;
    const why = onGrid ? "is too far from zero in ticks" : `is not a multiple of the tick size ${formatNano(this.tickSizeNano)}`;
    throw new AppError("unprocessable", `Dataset ${this.options.datasetId}: price ${formatNano(price)} at ts_recv ${tsRecvNs} ${why}`);
  }

  /** Moves the batch being filled (if any) to the ready queue. */
  flush(): void {
    const cols = this.cols;
    if (cols && cols.length > 0) {
      this.ready.push(trimTradeColumns(cols));
      this.lastLength = cols.length;
    }
    this.cols = null;
  }

  private startBatch(baseNs: bigint): TradeColumns {
    // Start near the previous batch's size: full batches follow full batches.
    this.capacity = Math.min(this.maxBatch, Math.max(INITIAL_BATCH_CAPACITY, this.lastLength));
    this.cols = allocateTradeColumns(this.capacity, baseNs);
    return this.cols;
  }

  private grow(cols: TradeColumns, needed: number): TradeColumns {
    this.capacity = Math.min(this.maxBatch, Math.max(needed, this.capacity * 2));
    const next = allocateTradeColumns(this.capacity, cols.baseNs);
    next.tsOffsetNs.set(cols.tsOffsetNs.subarray(0, cols.length));
    next.eventDeltaNs.set(cols.eventDeltaNs.subarray(0, cols.length));
    next.priceTicks.set(cols.priceTicks.subarray(0, cols.length));
    next.size.set(cols.size.subarray(0, cols.length));
    next.side.set(cols.side.subarray(0, cols.length));
    next.length = cols.length;
    this.cols = next;
    return next;
  }
}

// ---------------------------------------------------------------------------------------------
// Counting and deleting

/**
 * Number of trades of a dataset in [fromNs, toNs): tick counts of the blocks inside the range plus
 * the trades inside it of the (at most two) blocks that cross its edges. One statement, one snapshot.
 */
export async function countTrades(db: TickDb, datasetId: number, fromNs?: bigint, toNs?: bigint): Promise<number> {
  const where = blockRangeCondition(datasetId, fromNs, toNs);
  if (fromNs === undefined && toNs === undefined) {
    const { rows } = await db.query<{ n: string }>(`SELECT coalesce(sum(tick_count), 0)::text AS n FROM trade_blocks WHERE ${where}`);
    return Number(rows[0].n);
  }
  const crosses = [
    fromNs === undefined ? null : `first_ts_recv < ${int64Literal(fromNs)}`,
    toNs === undefined ? null : `last_ts_recv >= ${int64Literal(toNs)}`,
  ]
    .filter((c) => c !== null)
    .join(" OR ");
  const { rows } = await db.query<{ n: string; base_ns: string | null; codec: number | null; ts_offsets: Buffer | null }>(
    `SELECT coalesce(sum(tick_count), 0)::text AS n, NULL AS base_ns, NULL::smallint AS codec, NULL::bytea AS ts_offsets
       FROM trade_blocks WHERE ${where} AND NOT (${crosses})
     UNION ALL
     SELECT tick_count::text, base_ns::text, codec, ts_offsets FROM trade_blocks WHERE ${where} AND (${crosses})`,
  );
  let count = 0;
  const offsets = new Float64Array(BLOCK_MAX_TICKS);
  for (const r of rows) {
    const n = Number(r.n);
    if (r.ts_offsets === null || r.base_ns === null) {
      count += n;
      continue;
    }
    if (r.codec !== BLOCK_CODEC) throw new AppError("internal", `Trade block codec ${r.codec} is not supported by this version`);
    if (n < 1 || n > BLOCK_MAX_TICKS) throw corrupt(`tick_count ${n}`);
    decodeOffsets({ bytes: r.ts_offsets, n, ts: 0, tsEnd: r.ts_offsets.length }, offsets, 0, 0);
    const base = BigInt(r.base_ns);
    const lo = fromNs === undefined ? 0 : lowerBound(offsets, 0, n, clampOffset(fromNs - base));
    const hi = toNs === undefined ? n : lowerBound(offsets, lo, n, clampOffset(toNs - base));
    count += hi - lo;
  }
  return count;
}

export interface TradeRange {
  /** ts_recv of the first trade. */
  startNs: bigint;
  /** ts_recv of the last trade + 1: exclusive, usable as `toNs`. */
  endNs: bigint;
  count: number;
}

/** Time span and size of a dataset's trades; null when it has none. */
export async function tradeRange(db: TickDb, datasetId: number): Promise<TradeRange | null> {
  const { rows } = await db.query<{ first: string | null; last: string | null; n: string }>(
    `SELECT min(first_ts_recv)::text AS first, max(last_ts_recv)::text AS last, coalesce(sum(tick_count), 0)::text AS n
       FROM trade_blocks WHERE ${blockRangeCondition(datasetId)}`,
  );
  const r = rows[0];
  if (r.first === null || r.last === null) return null;
  return { startNs: BigInt(r.first), endNs: BigInt(r.last) + 1n, count: Number(r.n) };
}

/** Deletes all trades of a dataset (in the caller's transaction, if any); returns the trade count. */
export async function deleteTrades(db: TickDb, datasetId: number): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    `WITH gone AS (DELETE FROM trade_blocks WHERE ${blockRangeCondition(datasetId)} RETURNING tick_count)
     SELECT coalesce(sum(tick_count), 0)::text AS n FROM gone`,
  );
  return Number(rows[0].n);
}

// ---------------------------------------------------------------------------------------------
// Helpers

/**
 * SQL condition selecting the blocks of a dataset that hold trades in [fromNs, toNs), built from
 * validated integer literals (COPY takes no bind parameters). A block lies within one UTC month,
 * so `first_ts_recv >= start of fromNs's month` is implied; it lets the planner prune partitions.
 */
function blockRangeCondition(datasetId: number, fromNs?: bigint, toNs?: bigint): string {
  checkInt32(datasetId, "datasetId");
  let sql = `dataset_id = ${datasetId}`;
  if (fromNs !== undefined) {
    const monthStart = monthStartNs(fromNs);
    if (monthStart >= INT64_MIN) sql += ` AND first_ts_recv >= ${int64Literal(monthStart)}`;
    sql += ` AND last_ts_recv >= ${int64Literal(fromNs)}`;
  }
  if (toNs !== undefined) sql += ` AND first_ts_recv < ${int64Literal(toNs)}`;
  return sql;
}

function floorMs(ns: bigint): number {
  return Number(ns >= 0n ? ns / NS_PER_MS : -((-ns + NS_PER_MS - 1n) / NS_PER_MS));
}

function monthStartNs(ns: bigint): bigint {
  const d = new Date(floorMs(ns));
  return BigInt(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)) * NS_PER_MS;
}

/** First index in [lo, hi) whose value is >= x (hi if none); `a` ascending. */
function lowerBound(a: Float64Array, lo: number, hi: number, x: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index in [lo, hi) whose value is > x (hi if none); `a` ascending. */
function upperBound(a: Float64Array, lo: number, hi: number, x: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

function int64Literal(value: bigint): string {
  if (typeof value !== "bigint" || value < INT64_MIN || value > INT64_MAX) {
    throw new AppError("internal", `Not an int8 value: ${String(value)}`);
  }
  return `${value}::bigint`;
}

function checkInt32(value: number, name: string): void {
  if (!Number.isInteger(value) || value < INT32_MIN || value > INT32_MAX) {
    throw new AppError("internal", `${name} must be a 32-bit integer, got ${String(value)}`);
  }
}

function tickSizeNumber(tickSizeNano: bigint): number {
  if (typeof tickSizeNano !== "bigint" || tickSizeNano <= 0n || tickSizeNano > MAX_BIG_SAFE) {
    throw new AppError("internal", `tickSizeNano must be a positive bigint, got ${String(tickSizeNano)}`);
  }
  return Number(tickSizeNano);
}

/** 1e-9 fixed point as a decimal string, e.g. 4500250000000n -> "4500.25". */
function formatNano(value: bigint): string {
  const sign = value < 0n ? "-" : "";
  const abs = value < 0n ? -value : value;
  const frac = (abs % 1_000_000_000n).toString().padStart(9, "0").replace(/0+$/, "");
  return `${sign}${abs / 1_000_000_000n}${frac ? `.${frac}` : ""}`;
}

/**
 * Trades of a dataset in each of the ranges [fromNs[i], toNs[i]) (coverage calendars). Each count
 * sums whole blocks and decodes only the blocks cut by the range edges.
 */
export async function countTradesInRanges(db: TickDb, datasetId: number, ranges: ReadonlyArray<{ fromNs: bigint; toNs: bigint }>): Promise<number[]> {
  const counts: number[] = [];
  for (const range of ranges) counts.push(await countTrades(db, datasetId, range.fromNs, range.toNs));
  return counts;
}
