/**
 * The trade tick store: bulk COPY of `trade_ticks` rows to and from `TradeColumns`.
 *
 * Invariants:
 * - Reads return ticks ordered by (ts_recv, seq); `seq` = file position, so identical trades at one
 *   timestamp keep their order. A read is one COPY statement, hence one consistent snapshot.
 * - Prices are stored as 1e-9 fixed point and exposed as integer ticks; a stored price off the tick
 *   grid is an error, never rounded.
 * - Times stay exact: int8 values travel as 32-bit halves and become float64 offsets from a batch
 *   base, so no BigInt is created per row. A batch spans less than 2^53 ns (~104 days).
 * - Writes run inside the caller's transaction: a failed import leaves no rows (nor partitions).
 *
 * Limitations: native partitions are monthly and created on demand; nothing drops empty partitions
 * after `deleteTrades`. `flags` is written as 0 (TradeColumns has no flags column).
 */
import { finished } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { AppError } from "../errors";
import { allocateTradeColumns, trimTradeColumns, type TradeColumns } from "../market/trade-columns";
import {
  COPY_HEADER_BYTES,
  COPY_TRAILER_BYTES,
  CopyBinaryParser,
  CopyBinaryWriter,
  CopyOutQuery,
  joinInt64,
  splitInt64,
  type CopyRowSink,
} from "./copy-binary";

/** A pool, or one connection (a `pool.connect()` client or a plain `pg.Client`). */
export type TickDb = pg.Pool | pg.Client;

const TWO_32 = 4294967296;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const NS_PER_MS = 1_000_000n;
/** Serialises partition creation across processes (pg_advisory_xact_lock key). */
const PARTITION_LOCK_KEY = "tickbench:trade_ticks:partitions";
/** A guard against creating hundreds of partitions from one bogus timestamp. */
const MAX_PARTITIONS_PER_CALL = 360;

// ---------------------------------------------------------------------------------------------
// Partitions

export type TradeTableKind = "native" | "hypertable";

const kindCache = new Map<string, Promise<TradeTableKind>>();

function databaseKey(client: pg.Client): string {
  return `${client.host}:${client.port}/${client.database}`;
}

/**
 * How `trade_ticks` is partitioned in the connected database: a TimescaleDB hypertable or native
 * RANGE partitions. Cached per database (server and name), so once per pool in practice.
 */
export async function tradeTableKind(client: pg.Client): Promise<TradeTableKind> {
  const key = databaseKey(client);
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
    "SELECT 1 FROM timescaledb_information.hypertables WHERE hypertable_name = 'trade_ticks'",
  );
  return hyper.rowCount ? "hypertable" : "native";
}

/** Name and bounds of the monthly partition `trade_ticks_yYYYYmMM`. */
export interface TradePartition {
  name: string;
  fromNs: bigint;
  toNs: bigint;
}

/** The UTC calendar months covering [fromNs, toNs] (both inclusive). */
export function monthlyTradePartitions(fromNs: bigint, toNs: bigint): TradePartition[] {
  if (fromNs > toNs) throw new AppError("internal", `Partition range is reversed: ${fromNs} > ${toNs}`);
  const floorMs = (ns: bigint) => Number(ns >= 0n ? ns / NS_PER_MS : -((-ns + NS_PER_MS - 1n) / NS_PER_MS));
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
    const mm = String(month + 1).padStart(2, "0");
    out.push({ name: `trade_ticks_y${year}m${mm}`, fromNs: start, toNs: end });
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
      // CREATE + ATTACH rather than CREATE ... PARTITION OF: ATTACH locks trade_ticks only SHARE
      // UPDATE EXCLUSIVE, so readers and other imports' COPY are not blocked until our commit
      // (PARTITION OF takes ACCESS EXCLUSIVE, and could deadlock two imports in transactions).
      const table = pg.escapeIdentifier(p.name);
      await db.query(`CREATE TABLE IF NOT EXISTS ${table} (LIKE trade_ticks INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
      await db.query(
        `ALTER TABLE trade_ticks ATTACH PARTITION ${table} ` +
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
      WHERE i.inhparent = 'trade_ticks'::regclass AND c.relname = ANY($1::text[])`,
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
  /** Tick size in 1e-9 price units (e.g. 0.25 -> 250_000_000n). */
  tickSizeNano: bigint;
  /** `seq` of the first tick; tick i gets firstSeq + i. */
  firstSeq: bigint;
}

const WRITE_COLUMNS = "dataset_id, seq, instrument_id, ts_recv, ts_event, price, size, side, flags";
const WRITE_FIELDS = 9;
/** int2 count + 4 x int4 (8 bytes each with length) + 4 x int8 (12) + 2 x int2 (6). */
const WRITE_ROW_BYTES = 2 + 2 * 8 + 4 * 12 + 8 + 2 * 6;
const WRITE_CHUNK_ROWS = 65_536;

/**
 * Appends `columns` to `trade_ticks` with COPY FROM STDIN (FORMAT binary) and returns the number of
 * rows written. `client` must be inside a transaction (BEGIN issued): on any failure the COPY is
 * aborted and the caller rolls back. Creates the months' partitions if missing (see
 * `ensureTradePartitions`; calling it beforehand with the pool keeps the import transaction lean).
 */
export async function writeTrades(client: pg.Client, meta: TradeWriteMeta, columns: TradeColumns): Promise<number> {
  if (client.getTransactionStatus() !== "T") {
    throw new AppError("internal", "writeTrades must run inside an open transaction (BEGIN first)");
  }
  checkInt32(meta.datasetId, "datasetId");
  checkInt32(meta.instrumentId, "instrumentId");
  const tick = tickSizeNumber(meta.tickSizeNano);
  const n = columns.length;
  if (n === 0) return 0;
  if (meta.firstSeq < INT64_MIN || meta.firstSeq + BigInt(n) > INT64_MAX) throw new AppError("internal", "seq out of int8 range");

  let minOff = Infinity;
  let maxOff = -Infinity;
  const offsets = columns.tsOffsetNs;
  for (let i = 0; i < n; i++) {
    const o = offsets[i];
    if (o < minOff) minOff = o;
    if (o > maxOff) maxOff = o;
  }
  if (!Number.isSafeInteger(minOff) || !Number.isSafeInteger(maxOff)) {
    throw new AppError("unprocessable", "Trade time offsets must be exact integers below 2^53 ns");
  }
  await ensureTradePartitions(client, columns.baseNs + BigInt(minOff), columns.baseNs + BigInt(maxOff));

  const chunkBytes = WRITE_CHUNK_ROWS * WRITE_ROW_BYTES;
  // Room for two chunks lets the next chunk be encoded while the previous one is on the wire.
  const stream = client.query(
    copyFrom(`COPY trade_ticks (${WRITE_COLUMNS}) FROM STDIN (FORMAT binary)`, { highWaterMark: 2 * chunkBytes }),
  );
  // pg-copy-streams reports a server-side failure by emitting 'error' without destroying the
  // stream; writing on after it (or destroying it) would touch a detached connection.
  let serverError: Error | undefined;
  stream.on("error", (error) => {
    serverError ??= error;
  });
  const done = finished(stream);
  done.catch(() => {}); // observed below; avoids an unhandled rejection while we encode
  try {
    for (let start = 0; start < n; start += WRITE_CHUNK_ROWS) {
      const end = Math.min(n, start + WRITE_CHUNK_ROWS);
      const bytes =
        (end - start) * WRITE_ROW_BYTES + (start === 0 ? COPY_HEADER_BYTES : 0) + (end === n ? COPY_TRAILER_BYTES : 0);
      const writer = new CopyBinaryWriter(bytes);
      if (start === 0) writer.header();
      encodeTradeRows(writer, meta, tick, columns, start, end);
      if (end === n) writer.trailer();
      if (serverError) throw serverError;
      if (!stream.write(writer.take())) await Promise.race([onceDrained(stream), done]);
    }
    if (serverError) throw serverError;
    stream.end();
    await done;
  } catch (error) {
    if (!serverError) {
      // Our own failure (bad data): send CopyFail and wait until the server has answered, so the
      // connection is ready for the caller's ROLLBACK.
      stream.destroy(error as Error);
      await done.catch(() => {});
    }
    throw error;
  }
  if (stream.rowCount !== n) throw new AppError("internal", `COPY wrote ${stream.rowCount} of ${n} trades`);
  return n;
}

function onceDrained(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => stream.once("drain", () => resolve()));
}

function encodeTradeRows(
  w: CopyBinaryWriter,
  meta: TradeWriteMeta,
  tick: number,
  c: TradeColumns,
  start: number,
  end: number,
): void {
  const base = splitInt64(c.baseNs);
  const seq = splitInt64(meta.firstSeq);
  const { tsOffsetNs, eventDeltaNs, priceTicks, size, side } = c;
  for (let i = start; i < end; i++) {
    const off = tsOffsetNs[i];
    const s = side[i];
    if (s !== 1 && s !== -1 && s !== 0) throw new AppError("unprocessable", `Trade ${i}: side ${s} is not -1, 0 or 1`);
    w.beginRow(WRITE_FIELDS);
    w.int4(meta.datasetId);
    w.int8Plus(seq.hi, seq.lo, i);
    w.int4(meta.instrumentId);
    w.int8Plus(base.hi, base.lo, off);
    w.int8Plus(base.hi, base.lo, off + eventDeltaNs[i]);
    const price = priceTicks[i] * tick; // exact whenever it is a safe integer
    if (price <= Number.MAX_SAFE_INTEGER && price >= -Number.MAX_SAFE_INTEGER) w.int8(price);
    else w.int8BigInt(BigInt(priceTicks[i]) * meta.tickSizeNano);
    w.int4(size[i]);
    w.int2(s);
    w.int2(0);
  }
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
const READ_FIELDS = 5;
const INITIAL_BATCH_CAPACITY = 65_536;

/**
 * Streams a dataset's trades in [fromNs, toNs) as `TradeColumns` batches with COPY TO STDOUT
 * (FORMAT binary); memory stays bounded by one batch plus one network chunk. Each batch is
 * freshly allocated (safe to keep). With a pool a connection is held until the generator finishes;
 * leaving early closes that connection. With a client, leaving early drains the rest of the COPY.
 */
export async function* readTrades(db: TickDb, options: ReadTradesOptions): AsyncGenerator<TradeColumns, void, undefined> {
  const maxBatch = options.maxBatchTicks ?? DEFAULT_MAX_BATCH_TICKS;
  if (!Number.isSafeInteger(maxBatch) || maxBatch < 1) throw new AppError("internal", `maxBatchTicks ${maxBatch} must be >= 1`);
  const sql =
    "COPY (SELECT ts_recv, ts_event, price, size, side FROM trade_ticks WHERE " +
    rangeCondition(options.datasetId, options.fromNs, options.toNs) +
    " ORDER BY ts_recv, seq) TO STDOUT (FORMAT binary)";
  const decoder = new TradeBatchDecoder(options, maxBatch);

  const owned = db instanceof pg.Pool;
  const client = owned ? await db.connect() : db;
  let streamEnded = false;
  let clean = false;
  const stream = client.query(new CopyOutQuery(sql));
  try {
    const parser = new CopyBinaryParser();
    for await (const chunk of stream.iterator({ destroyOnReturn: false })) {
      parser.push(chunk as Buffer, decoder);
      for (let b = decoder.shift(); b; b = decoder.shift()) yield b;
    }
    streamEnded = true;
    parser.end();
    decoder.flush();
    for (let b = decoder.shift(); b; b = decoder.shift()) yield b;
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

/** Turns COPY rows (ts_recv, ts_event, price, size, side) into TradeColumns batches. */
class TradeBatchDecoder implements CopyRowSink {
  private readonly tick: number;
  private readonly tickSizeNano: bigint;
  private readonly boundaryHi: number[];
  private readonly boundaryLo: number[];
  private nextBoundary = 0;
  private cols: TradeColumns | null = null;
  private baseHi = 0;
  private baseLo = 0;
  private capacity = 0;
  private lastLength = 0;
  private readonly ready: TradeColumns[] = [];

  constructor(
    private readonly options: ReadTradesOptions,
    private readonly maxBatch: number,
  ) {
    this.tickSizeNano = options.tickSizeNano;
    this.tick = tickSizeNumber(options.tickSizeNano);
    const boundaries = options.batchBoundaryNs ?? [];
    this.boundaryHi = [];
    this.boundaryLo = [];
    for (let i = 0; i < boundaries.length; i++) {
      if (i > 0 && boundaries[i] <= boundaries[i - 1]) throw new AppError("internal", "batchBoundaryNs must be strictly ascending");
      const { hi, lo } = splitInt64(boundaries[i]);
      this.boundaryHi.push(hi);
      this.boundaryLo.push(lo);
    }
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
      view.getInt32(pos + 44) !== 2
    ) {
      throw new AppError("internal", "Unexpected COPY row layout for trade_ticks");
    }
    const tsHi = view.getInt32(pos + 4);
    const tsLo = view.getUint32(pos + 8);

    let crossed = false;
    const bHi = this.boundaryHi;
    const bLo = this.boundaryLo;
    while (this.nextBoundary < bHi.length) {
      const h = bHi[this.nextBoundary];
      if (tsHi < h || (tsHi === h && tsLo < bLo[this.nextBoundary])) break;
      this.nextBoundary++;
      crossed = true;
    }

    let cols = this.cols;
    let off = 0;
    if (cols) {
      off = (tsHi - this.baseHi) * TWO_32 + (tsLo - this.baseLo);
      if (crossed || cols.length >= this.maxBatch || off > Number.MAX_SAFE_INTEGER) {
        this.flush();
        cols = null;
      }
    }
    if (!cols) {
      cols = this.startBatch(tsHi, tsLo);
      off = 0;
    } else if (cols.length === this.capacity) {
      cols = this.grow(cols);
    }

    const i = cols.length;
    const eventDelta = (view.getInt32(pos + 16) - tsHi) * TWO_32 + (view.getUint32(pos + 20) - tsLo);
    if (eventDelta > Number.MAX_SAFE_INTEGER || eventDelta < -Number.MAX_SAFE_INTEGER) {
      throw new AppError("unprocessable", `Trade at ts_recv ${joinInt64(tsHi, tsLo)}: ts_event is 2^53 ns away`);
    }
    cols.tsOffsetNs[i] = off;
    cols.eventDeltaNs[i] = eventDelta;
    cols.priceTicks[i] = this.priceTicks(view.getInt32(pos + 28), view.getUint32(pos + 32), tsHi, tsLo);
    cols.size[i] = view.getInt32(pos + 40);
    cols.side[i] = view.getInt16(pos + 48);
    cols.length = i + 1;
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

  private startBatch(tsHi: number, tsLo: number): TradeColumns {
    this.baseHi = tsHi;
    this.baseLo = tsLo;
    // Start near the previous batch's size: full batches follow full batches.
    this.capacity = Math.min(this.maxBatch, Math.max(INITIAL_BATCH_CAPACITY, this.lastLength));
    this.cols = allocateTradeColumns(this.capacity, joinInt64(tsHi, tsLo));
    return this.cols;
  }

  private grow(cols: TradeColumns): TradeColumns {
    this.capacity = Math.min(this.maxBatch, this.capacity * 2);
    const next = allocateTradeColumns(this.capacity, cols.baseNs);
    next.tsOffsetNs.set(cols.tsOffsetNs);
    next.eventDeltaNs.set(cols.eventDeltaNs);
    next.priceTicks.set(cols.priceTicks);
    next.size.set(cols.size);
    next.side.set(cols.side);
    next.length = cols.length;
    this.cols = next;
    return next;
  }

  private priceTicks(hi: number, lo: number, tsHi: number, tsLo: number): number {
    let ticks: number;
    let onGrid: boolean;
    if (hi >= -2097152 && hi < 2097152) {
      // |price| < 2^53: exact as a float64, and % is exact.
      const price = hi * TWO_32 + lo;
      ticks = price / this.tick;
      onGrid = price % this.tick === 0;
    } else {
      const price = joinInt64(hi, lo);
      ticks = Number(price / this.tickSizeNano);
      onGrid = price % this.tickSizeNano === 0n;
    }
    if (!onGrid || ticks < INT32_MIN || ticks > INT32_MAX) {
      const price = joinInt64(hi, lo);
      const why = onGrid ? "is too far from zero in ticks" : `is not a multiple of the tick size ${formatNano(this.tickSizeNano)}`;
      throw new AppError(
        "unprocessable",
        `Dataset ${this.options.datasetId}: price ${formatNano(price)} at ts_recv ${joinInt64(tsHi, tsLo)} ${why}`,
      );
    }
    return ticks;
  }
}

// ---------------------------------------------------------------------------------------------
// Counting and deleting

/** Number of trades of a dataset in [fromNs, toNs). */
export async function countTrades(db: TickDb, datasetId: number, fromNs?: bigint, toNs?: bigint): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    `SELECT count(*) AS n FROM trade_ticks WHERE ${rangeCondition(datasetId, fromNs, toNs)}`,
  );
  return Number(rows[0].n);
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
    `SELECT min(ts_recv) AS first, max(ts_recv) AS last, count(*) AS n FROM trade_ticks WHERE ${rangeCondition(datasetId)}`,
  );
  const r = rows[0];
  if (r.first === null || r.last === null) return null;
  return { startNs: BigInt(r.first), endNs: BigInt(r.last) + 1n, count: Number(r.n) };
}

/** Deletes all trades of a dataset (in the caller's transaction, if any); returns the row count. */
export async function deleteTrades(db: TickDb, datasetId: number): Promise<number> {
  const res = await db.query(`DELETE FROM trade_ticks WHERE ${rangeCondition(datasetId)}`);
  return res.rowCount ?? 0;
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** SQL condition on dataset and ts_recv range, built from validated integer literals (COPY takes no bind parameters). */
function rangeCondition(datasetId: number, fromNs?: bigint, toNs?: bigint): string {
  checkInt32(datasetId, "datasetId");
  let sql = `dataset_id = ${datasetId}`;
  if (fromNs !== undefined) sql += ` AND ts_recv >= ${int64Literal(fromNs)}`;
  if (toNs !== undefined) sql += ` AND ts_recv < ${int64Literal(toNs)}`;
  return sql;
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
  if (typeof tickSizeNano !== "bigint" || tickSizeNano <= 0n || tickSizeNano > BigInt(Number.MAX_SAFE_INTEGER)) {
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
 * Trades of a dataset in each of the ranges [fromNs[i], toNs[i]), in one round trip (one index
 * range scan per range). Used for coverage calendars.
 */
export async function countTradesInRanges(db: TickDb, datasetId: number, ranges: ReadonlyArray<{ fromNs: bigint; toNs: bigint }>): Promise<number[]> {
  checkInt32(datasetId, "datasetId");
  if (ranges.length === 0) return [];
  const { rows } = await db.query<{ i: string; n: string }>(
    `SELECT r.i, (SELECT count(*) FROM trade_ticks t WHERE t.dataset_id = $1 AND t.ts_recv >= r.lo AND t.ts_recv < r.hi) AS n
       FROM unnest($2::bigint[], $3::bigint[]) WITH ORDINALITY AS r(lo, hi, i) ORDER BY r.i`,
    [datasetId, ranges.map((r) => r.fromNs.toString()), ranges.map((r) => r.toNs.toString())],
  );
  return rows.map((r) => Number(r.n));
}
