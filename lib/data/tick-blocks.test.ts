import fc from "fast-check";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/db";
import { AppError } from "../errors";
import { allocateTradeColumns, tsRecvNsAt, type TradeColumns } from "../market/trade-columns";
import {
  BLOCK_MAX_TICKS,
  countTrades,
  deleteTrades,
  ensureTradePartitions,
  monthlyTradePartitions,
  readTrades,
  tradeRange,
  tradeTableKind,
  writeTrades,
  type ReadTradesOptions,
  type TradeWriteMeta,
} from "./tick-blocks";

/** ES-like contract: tick 0.25 = 250,000,000 nano. */
const TICK = 250_000_000n;
/** 2024-01-31T23:00:00Z in ns: far beyond 2^53 (exactness cannot come from float64 alone). */
const JAN31 = BigInt(Date.UTC(2024, 0, 31, 23)) * 1_000_000n;
const FEB1 = BigInt(Date.UTC(2024, 1, 1)) * 1_000_000n;
const DAY_NS = 86_400_000_000_000;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

interface Trade {
  tsRecvNs: bigint;
  eventDeltaNs: number;
  priceTicks: number;
  size: number;
  side: number;
}

/** Deterministic pseudo-random generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `n` trades from `start` spread over `spanNs`, odd nanoseconds included; about one in ten shares
 * its timestamp with the previous trade, and some of those are identical to it.
 */
function syntheticTrades(n: number, start: bigint, spanNs: number, seed: number): Trade[] {
  const rand = rng(seed);
  const step = Math.floor(spanNs / n);
  const out: Trade[] = [];
  let ts = start;
  let price = 20_000;
  for (let i = 0; i < n; i++) {
    const prev = out[i - 1];
    if (prev && rand() < 0.1) {
      out.push(rand() < 0.5 ? { ...prev } : { ...prev, size: prev.size + 1, side: prev.side === 0 ? 1 : -prev.side });
      continue;
    }
    ts += BigInt(1 + Math.floor(rand() * 2 * step));
    price += Math.floor(rand() * 5) - 2;
    out.push({
      tsRecvNs: ts,
      eventDeltaNs: 0 - Math.floor(rand() * 50_000), // never -0: times are integers
      priceTicks: price,
      size: 1 + Math.floor(rand() * 20),
      side: [1, -1, 0][Math.floor(rand() * 3)],
    });
  }
  return out;
}

function toColumns(trades: Trade[], baseNs = trades[0]?.tsRecvNs ?? 0n): TradeColumns {
  const c = allocateTradeColumns(trades.length, baseNs);
  trades.forEach((t, i) => {
    c.tsOffsetNs[i] = Number(t.tsRecvNs - baseNs);
    c.eventDeltaNs[i] = t.eventDeltaNs;
    c.priceTicks[i] = t.priceTicks;
    c.size[i] = t.size;
    c.side[i] = t.side;
  });
  c.length = trades.length;
  return c;
}

/** `n` trades straight into columns (for volume): steps of 1..2*meanStepNs, prices in a random walk. */
function bulkColumns(n: number, baseNs: bigint, meanStepNs: number, seed: number): TradeColumns {
  const rand = rng(seed);
  const c = allocateTradeColumns(n, baseNs);
  for (let i = 0, t = 0, price = 20_000; i < n; i++) {
    if (i > 0) t += 1 + Math.floor(rand() * 2 * meanStepNs);
    price += Math.floor(rand() * 3) - 1;
    c.tsOffsetNs[i] = t;
    c.eventDeltaNs[i] = 0 - Math.floor(rand() * 50_000);
    c.priceTicks[i] = price;
    c.size[i] = 1 + Math.floor(rand() * 20);
    c.side[i] = rand() < 0.5 ? 1 : -1;
  }
  c.length = n;
  return c;
}

function fromColumns(c: TradeColumns): Trade[] {
  const out: Trade[] = [];
  for (let i = 0; i < c.length; i++) {
    out.push({
      tsRecvNs: tsRecvNsAt(c, i),
      eventDeltaNs: c.eventDeltaNs[i],
      priceTicks: c.priceTicks[i],
      size: c.size[i],
      side: c.side[i],
    });
  }
  return out;
}

async function readAll(db: pg.Pool | pg.Client, options: ReadTradesOptions): Promise<{ batches: TradeColumns[]; trades: Trade[] }> {
  const batches: TradeColumns[] = [];
  for await (const batch of readTrades(db, options)) batches.push(batch);
  return { batches, trades: batches.flatMap(fromColumns) };
}

let db: TestDatabase;

async function inTransaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await db.pool.connect();
  try {
    await client.query("BEGIN");
    const result = await fn(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  } finally {
    client.release();
  }
}

function meta(datasetId: number, tickSizeNano = TICK, firstSeq = 0n): TradeWriteMeta {
  return { datasetId, instrumentId: 42, tickSizeNano, firstSeq };
}

async function partitionNames(): Promise<string[]> {
  const { rows } = await db.pool.query<{ name: string }>(
    "SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'trade_blocks'::regclass ORDER BY 1",
  );
  return rows.map((r) => r.name);
}

interface BlockRow {
  block_seq: number;
  tick_count: number;
  first_ts_recv: string;
  last_ts_recv: string;
  base_ns: string;
  first_seq: string;
}

async function blockRows(datasetId: number): Promise<BlockRow[]> {
  const { rows } = await db.pool.query<BlockRow>(
    `SELECT block_seq, tick_count, first_ts_recv::text, last_ts_recv::text, base_ns::text, first_seq::text
       FROM trade_blocks WHERE dataset_id = $1 ORDER BY first_ts_recv, first_seq`,
    [datasetId],
  );
  return rows;
}

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db?.drop();
});

describe("tick blocks (native partitions)", () => {
  // ~3 days from Jan 31 23:00: one hour of trades in January, then three full blocks and a rest.
  const trades = syntheticTrades(140_000, JAN31, 3 * DAY_NS, 1);
  const janCount = trades.filter((t) => t.tsRecvNs < FEB1).length;

  beforeAll(async () => {
    expect(await inTransaction((client) => writeTrades(client, meta(1, TICK, 1000n), toColumns(trades)))).toBe(trades.length);
  });

  it("detects native partitioning (no TimescaleDB here)", async () => {
    const client = await db.pool.connect();
    try {
      expect(await tradeTableKind(client)).toBe("native");
    } finally {
      client.release();
    }
  });

  it("creates one partition per UTC month touched, with the primary key and uncompressed packed columns", async () => {
    expect(await partitionNames()).toEqual(expect.arrayContaining(["trade_blocks_y2024m01", "trade_blocks_y2024m02"]));
    const { rows } = await db.pool.query(
      "SELECT pg_get_expr(relpartbound, oid) AS bound FROM pg_class WHERE relname = 'trade_blocks_y2024m02'",
    );
    expect(rows[0].bound).toBe("FOR VALUES FROM ('1706745600000000000') TO ('1709251200000000000')");
    const idx = await db.pool.query("SELECT indexdef FROM pg_indexes WHERE tablename = 'trade_blocks_y2024m02'");
    expect(idx.rows.map((r) => r.indexdef)).toEqual([expect.stringContaining("(dataset_id, first_ts_recv, block_seq)")]);
    const storage = await db.pool.query(
      "SELECT DISTINCT attstorage FROM pg_attribute WHERE attrelid = 'trade_blocks_y2024m02'::regclass AND atttypid = 'bytea'::regtype",
    );
    expect(storage.rows).toEqual([{ attstorage: "e" }]);
  });

  it("cuts blocks at 65,536 trades and at the month start, numbering them in order", async () => {
    expect(janCount).toBeGreaterThan(1000);
    const feb = trades.length - janCount;
    const counts = [janCount, BLOCK_MAX_TICKS, BLOCK_MAX_TICKS, feb - 2 * BLOCK_MAX_TICKS];
    const starts = [0, janCount, janCount + BLOCK_MAX_TICKS, janCount + 2 * BLOCK_MAX_TICKS];
    expect(await blockRows(1)).toEqual(
      counts.map((n, k) => ({
        block_seq: k,
        tick_count: n,
        first_ts_recv: String(trades[starts[k]].tsRecvNs),
        last_ts_recv: String(trades[starts[k] + n - 1].tsRecvNs),
        base_ns: String(trades[starts[k]].tsRecvNs),
        first_seq: String(1000 + starts[k]),
      })),
    );
    const { rows } = await db.pool.query(
      "SELECT DISTINCT instrument_id, price_scale_nano::text, codec, length(flags) AS flags FROM trade_blocks WHERE dataset_id = 1",
    );
    expect(rows).toEqual([{ instrument_id: 42, price_scale_nano: String(TICK), codec: 1, flags: 0 }]);
  });

  it("round-trips every trade exactly and in file order", async () => {
    const { trades: back } = await readAll(db.pool, { datasetId: 1, tickSizeNano: TICK });
    expect(back.length).toBe(trades.length);
    expect(back).toEqual(trades);
    // Identical trades at one timestamp were kept as distinct trades.
    const same = (a: Trade, b: Trade) =>
      a.tsRecvNs === b.tsRecvNs && a.eventDeltaNs === b.eventDeltaNs && a.priceTicks === b.priceTicks && a.size === b.size && a.side === b.side;
    expect(trades.some((t, i) => i > 0 && same(t, trades[i - 1]))).toBe(true);
  });

  it("reads [fromNs, toNs) on ts_recv, cutting inside blocks, and counts the same trades", async () => {
    const sameTs = trades.findIndex((t, i) => i > 70_000 && t.tsRecvNs === trades[i - 1].tsRecvNs);
    const ranges: [bigint | undefined, bigint | undefined][] = [
      [trades[1000].tsRecvNs, trades[3000].tsRecvNs], // January block into the first February one
      [trades[70_000].tsRecvNs + 1n, trades[135_000].tsRecvNs], // several blocks, both ends inside one
      [trades[100].tsRecvNs + 1n, trades[200].tsRecvNs], // inside one block
      [FEB1, trades[janCount + BLOCK_MAX_TICKS].tsRecvNs], // exactly one block
      [trades[sameTs].tsRecvNs, trades[sameTs].tsRecvNs + 1n], // one timestamp, several trades
      [trades[5000].tsRecvNs, trades[5000].tsRecvNs], // empty
      [trades[trades.length - 1].tsRecvNs + 1n, undefined], // after the data
      [undefined, trades[0].tsRecvNs], // before the data
      [trades[60_000].tsRecvNs, undefined],
      [undefined, trades[60_000].tsRecvNs],
      [JAN31 - BigInt(400 * DAY_NS), JAN31 + BigInt(400 * DAY_NS)], // everything
    ];
    for (const [fromNs, toNs] of ranges) {
      const expected = trades.filter((t) => (fromNs === undefined || t.tsRecvNs >= fromNs) && (toNs === undefined || t.tsRecvNs < toNs));
      const { trades: back } = await readAll(db.pool, { datasetId: 1, tickSizeNano: TICK, fromNs, toNs });
      expect(back.length).toBe(expected.length);
      expect(back).toEqual(expected);
      expect(await countTrades(db.pool, 1, fromNs, toNs)).toBe(expected.length);
    }
  });

  it("cuts batches at maxBatchTicks, across blocks", async () => {
    const { batches, trades: back } = await readAll(db.pool, { datasetId: 1, tickSizeNano: TICK, maxBatchTicks: 33_333 });
    expect(batches.map((b) => b.length)).toEqual([
      ...Array<number>(Math.floor(trades.length / 33_333)).fill(33_333),
      trades.length % 33_333,
    ]);
    expect(back).toEqual(trades);
    const toNs = trades[5].tsRecvNs;
    const small = await readAll(db.pool, { datasetId: 1, tickSizeNano: TICK, maxBatchTicks: 1, toNs });
    expect(small.batches.map((b) => b.length)).toEqual(trades.filter((t) => t.tsRecvNs < toNs).map(() => 1));
  });

  it("never lets a batch straddle a caller's boundary", async () => {
    const boundaries = [
      JAN31 - 5n,
      trades[500].tsRecvNs,
      trades[500].tsRecvNs + 1n,
      FEB1 + 1n,
      trades[100_000].tsRecvNs,
      BigInt(Date.UTC(2024, 1, 5)) * 1_000_000n,
    ];
    const { batches, trades: back } = await readAll(db.pool, {
      datasetId: 1,
      tickSizeNano: TICK,
      maxBatchTicks: 50_000,
      batchBoundaryNs: boundaries,
    });
    expect(back).toEqual(trades);
    for (const b of batches) {
      expect(b.length).toBeLessThanOrEqual(50_000);
      const first = tsRecvNsAt(b, 0);
      const last = tsRecvNsAt(b, b.length - 1);
      for (const boundary of boundaries) expect(first < boundary && last >= boundary).toBe(false);
    }
    expect(tsRecvNsAt(batches[1], 0)).toBe(trades[500].tsRecvNs);
    expect(batches.some((b) => tsRecvNsAt(b, 0) === trades[100_000].tsRecvNs)).toBe(true);
  });

  it("keeps each batch's offsets exact: baseNs is the batch's first ts_recv", async () => {
    const { batches } = await readAll(db.pool, { datasetId: 1, tickSizeNano: TICK, maxBatchTicks: 40_000 });
    let k = 0;
    for (const b of batches) {
      expect(b.baseNs).toBe(trades[k].tsRecvNs);
      expect(b.tsOffsetNs[0]).toBe(0);
      k += b.length;
    }
  });

  it("reports the dataset's range", async () => {
    expect(await tradeRange(db.pool, 1)).toEqual({
      startNs: trades[0].tsRecvNs,
      endNs: trades[trades.length - 1].tsRecvNs + 1n,
      count: trades.length,
    });
    expect(await countTrades(db.pool, 1)).toBe(trades.length);
  });

  it("stops early without harming the pool or a caller's client", async () => {
    for await (const batch of readTrades(db.pool, { datasetId: 1, tickSizeNano: TICK, maxBatchTicks: 100 })) {
      expect(batch.length).toBe(100);
      break;
    }
    expect(await countTrades(db.pool, 1)).toBe(trades.length);

    const client = await db.pool.connect();
    try {
      for await (const batch of readTrades(client, { datasetId: 1, tickSizeNano: TICK, maxBatchTicks: 100 })) {
        expect(batch.length).toBe(100);
        break;
      }
      expect(await countTrades(client, 1)).toBe(trades.length);
    } finally {
      client.release();
    }
  });

  it("converts prices to a finer tick, and to a coarser one when every price is on its grid", async () => {
    const toNs = trades[2000].tsRecvNs;
    const { trades: fine } = await readAll(db.pool, { datasetId: 1, tickSizeNano: 50_000_000n, toNs });
    expect(fine).toEqual(trades.filter((t) => t.tsRecvNs < toNs).map((t) => ({ ...t, priceTicks: t.priceTicks * 5 })));

    const ts = BigInt(Date.UTC(2024, 0, 10)) * 1_000_000n;
    const even = syntheticTrades(300, ts, 1000, 11).map((t) => ({ ...t, priceTicks: 2 * t.priceTicks }));
    await inTransaction((client) => writeTrades(client, meta(11), toColumns(even)));
    const { trades: half } = await readAll(db.pool, { datasetId: 11, tickSizeNano: 500_000_000n });
    expect(half).toEqual(even.map((t) => ({ ...t, priceTicks: t.priceTicks / 2 })));
    // 0.25 -> 0.1: not an integer ratio, but exact for prices on the 0.5 grid.
    const { trades: tenth } = await readAll(db.pool, { datasetId: 11, tickSizeNano: 100_000_000n });
    expect(tenth).toEqual(even.map((t) => ({ ...t, priceTicks: (t.priceTicks * 5) / 2 })));
  });
});

describe("tick blocks edge cases", () => {
  it("an empty dataset yields nothing", async () => {
    const { batches } = await readAll(db.pool, { datasetId: 999, tickSizeNano: TICK });
    expect(batches).toEqual([]);
    expect(await countTrades(db.pool, 999)).toBe(0);
    expect(await countTrades(db.pool, 999, JAN31, JAN31 + 1000n)).toBe(0);
    expect(await tradeRange(db.pool, 999)).toBeNull();
    expect(await deleteTrades(db.pool, 999)).toBe(0);
    expect(await inTransaction((client) => writeTrades(client, meta(999), allocateTradeColumns(0, 0n)))).toBe(0);
  });

  it("a rolled-back import leaves neither blocks nor partitions", async () => {
    const trades = syntheticTrades(500, BigInt(Date.UTC(2021, 5, 10)) * 1_000_000n, DAY_NS, 2);
    const client = await db.pool.connect();
    try {
      await client.query("BEGIN");
      expect(await writeTrades(client, meta(2), toColumns(trades))).toBe(500);
      expect(await countTrades(client, 2)).toBe(500);
      await client.query("ROLLBACK");
    } finally {
      client.release();
    }
    expect(await countTrades(db.pool, 2)).toBe(0);
    expect(await partitionNames()).not.toContain("trade_blocks_y2021m06");
  });

  it("a failure on the server in the middle of a COPY is reported and leaves the connection usable", async () => {
    const start = BigInt(Date.UTC(2020, 2, 1)) * 1_000_000n;
    await ensureTradePartitions(db.pool, start, start);
    // A test-only constraint makes the server reject the third block.
    await db.pool.query("ALTER TABLE trade_blocks_y2020m03 ADD CONSTRAINT test_few_blocks CHECK (block_seq < 2)");
    const trades = syntheticTrades(200_000, start, DAY_NS, 8);
    const client = await db.pool.connect();
    try {
      await client.query("BEGIN");
      await expect(writeTrades(client, meta(8), toColumns(trades))).rejects.toThrow(/test_few_blocks/);
      await client.query("ROLLBACK");
      expect((await client.query("SELECT 1 AS one")).rows[0].one).toBe(1);
    } finally {
      client.release();
    }
    expect(await countTrades(db.pool, 8)).toBe(0);
  });

  it("rejects bad trades before anything is sent, with the trade's index", async () => {
    const cases: [string, (c: TradeColumns) => void, RegExp][] = [
      ["a bad side", (c) => (c.side[7] = -2), /Trade 7: side -2 is not -1, 0 or 1/],
      ["time going back", (c) => (c.tsOffsetNs[5] = c.tsOffsetNs[4] - 1), /Trade 5: ts_recv offset/],
      ["a fractional time", (c) => (c.tsOffsetNs[9] += 0.5), /Trade 9: ts_recv offset/],
      ["an event time 2^52 ns away", (c) => (c.eventDeltaNs[3] = -(2 ** 52)), /Trade 3: ts_event - ts_recv/],
      ["a NaN event time", (c) => (c.eventDeltaNs[0] = NaN), /Trade 0: ts_event - ts_recv/],
    ];
    const client = await db.pool.connect();
    try {
      for (const [, spoil, message] of cases) {
        const columns = toColumns(syntheticTrades(10, JAN31, 1000, 9));
        spoil(columns);
        await client.query("BEGIN");
        const write = writeTrades(client, meta(9), columns);
        await expect(write).rejects.toThrow(message);
        await expect(write).rejects.toBeInstanceOf(AppError);
        await client.query("ROLLBACK");
      }
      expect((await client.query("SELECT 1 AS one")).rows[0].one).toBe(1);
    } finally {
      client.release();
    }
    expect(await countTrades(db.pool, 9)).toBe(0);
  });

  it("refuses to write outside a transaction", async () => {
    const client = await db.pool.connect();
    try {
      await expect(writeTrades(client, meta(4), toColumns(syntheticTrades(3, JAN31, 1000, 4)))).rejects.toThrow(
        /inside an open transaction/,
      );
    } finally {
      client.release();
    }
  });

  it("refuses a write that overlaps the dataset's trades in time, but not one that touches them", async () => {
    const start = BigInt(Date.UTC(2024, 2, 4)) * 1_000_000n;
    const first = syntheticTrades(100, start, 10_000, 12);
    await inTransaction((client) => writeTrades(client, meta(12), toColumns(first)));
    const inside = syntheticTrades(10, first[50].tsRecvNs, 100, 13);
    await expect(inTransaction((client) => writeTrades(client, meta(12, TICK, 100n), toColumns(inside)))).rejects.toThrow(
      /already has trades in .* which overlaps the new trades/,
    );
    const last = first[99].tsRecvNs;
    const touching = syntheticTrades(10, last, 100, 14).map((t, i) => (i === 0 ? { ...t, tsRecvNs: last } : t));
    await inTransaction((client) => writeTrades(client, meta(12, TICK, 100n), toColumns(touching)));
    expect((await readAll(db.pool, { datasetId: 12, tickSizeNano: TICK })).trades).toEqual([...first, ...touching]);
  });

  it("reads sessions written in several calls, in any order, in time order", async () => {
    const day = (d: number) => BigInt(Date.UTC(2024, 3, d)) * 1_000_000n;
    const sessions = [1, 2, 3].map((d) => syntheticTrades(70_000, day(d), DAY_NS / 2, 20 + d));
    await inTransaction(async (client) => {
      await writeTrades(client, meta(13, TICK, 140_000n), toColumns(sessions[2]));
      await writeTrades(client, meta(13, TICK, 0n), toColumns(sessions[0]));
      await writeTrades(client, meta(13, TICK, 70_000n), toColumns(sessions[1]));
    });
    expect((await blockRows(13)).map((b) => [b.block_seq, b.tick_count, b.first_seq])).toEqual([
      [2, 65_536, "0"],
      [3, 4_464, "65536"],
      [4, 65_536, "70000"],
      [5, 4_464, "135536"],
      [0, 65_536, "140000"],
      [1, 4_464, "205536"],
    ]);
    const all = sessions.flat();
    const { batches, trades } = await readAll(db.pool, { datasetId: 13, tickSizeNano: TICK, batchBoundaryNs: [day(2), day(3)] });
    expect(trades).toEqual(all);
    expect(batches.map((b) => b.length)).toEqual([70_000, 70_000, 70_000]);
    const [fromNs, toNs] = [sessions[0][12_345].tsRecvNs, sessions[2][54_321].tsRecvNs];
    expect(await countTrades(db.pool, 13, fromNs, toNs)).toBe(all.filter((t) => t.tsRecvNs >= fromNs && t.tsRecvNs < toNs).length);
  });

  it("cuts a batch before its offsets reach 2^53 ns (~104 days)", async () => {
    const days = [Date.UTC(2022, 0, 3), Date.UTC(2022, 1, 15), Date.UTC(2022, 3, 10), Date.UTC(2022, 4, 20)];
    const sessions = days.map((ms, k) => syntheticTrades(50, BigInt(ms) * 1_000_000n, 1e9, 30 + k));
    await inTransaction(async (client) => {
      for (let k = 0; k < sessions.length; k++) await writeTrades(client, meta(14, TICK, BigInt(50 * k)), toColumns(sessions[k]));
    });
    const { batches, trades } = await readAll(db.pool, { datasetId: 14, tickSizeNano: TICK });
    expect(trades).toEqual(sessions.flat());
    expect(batches.map((b) => b.length)).toEqual([150, 50]);
    for (const b of batches) expect(b.tsOffsetNs[b.length - 1]).toBeLessThanOrEqual(Number.MAX_SAFE_INTEGER);
  });

  it("round-trips extreme values at every varint width", async () => {
    const start = BigInt(Date.UTC(2023, 6, 1)) * 1_000_000n;
    const gaps = [0, 1, 127, 128, 16_383, 16_384, 2 ** 21 - 1, 2 ** 21, 2 ** 28 - 1, 2 ** 28, 2 ** 31, 2 ** 32 + 5, 2 ** 35 + 1, 2 ** 45 + 3];
    const deltas = [0, -1, 1, -64, 64, -(2 ** 31), 2 ** 31, -(2 ** 52) + 1, 2 ** 52 - 1, -123_456_789_012];
    const prices = [0, INT32_MAX, INT32_MIN, INT32_MAX, -1, 1, INT32_MIN, 63, -64, 64, -65];
    const sizes = [0, 1, 127, 128, INT32_MAX, -1, INT32_MIN, 300];
    const trades: Trade[] = [];
    let ts = start;
    for (let i = 0; i < 200; i++) {
      ts += BigInt(gaps[i % gaps.length]);
      trades.push({
        tsRecvNs: ts,
        eventDeltaNs: deltas[i % deltas.length],
        priceTicks: prices[i % prices.length],
        size: sizes[i % sizes.length],
        side: [1, -1, 0][i % 3],
      });
    }
    expect(ts - start).toBeLessThan(BigInt(20 * DAY_NS)); // stays in July: one block
    const tick = 1n; // prices in nano: any int32 is on the grid
    await inTransaction((client) => writeTrades(client, meta(15, tick), toColumns(trades)));
    expect((await blockRows(15)).length).toBe(1);
    expect((await readAll(db.pool, { datasetId: 15, tickSizeNano: tick })).trades).toEqual(trades);
  });

  it("round-trips any valid trades exactly, and reads any range of them in any batch size (property)", async () => {
    let datasetId = 1000;
    const bigNat = (bits: bigint) => fc.bigInt({ min: 0n, max: (1n << bits) - 1n }).map(Number);
    const trade = fc.record({
      gapNs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 300 }), bigNat(24n), bigNat(44n)),
      eventDeltaNs: fc.oneof(
        fc.integer({ min: -2000, max: 2000 }),
        fc.bigInt({ min: -(2n ** 52n) + 1n, max: 2n ** 52n - 1n }).map(Number),
      ),
      priceTicks: fc.oneof(fc.integer({ min: 99_990, max: 100_010 }), fc.integer()),
      size: fc.oneof(fc.integer({ min: 1, max: 300 }), fc.integer()),
      side: fc.constantFrom(-1, 0, 1),
    });
    // Before and after the epoch and 2^53 ns; away from the months other tests inspect.
    const startNs = fc.bigInt({ min: BigInt(Date.UTC(1965, 0, 1)) * 1_000_000n, max: BigInt(Date.UTC(2000, 0, 1)) * 1_000_000n });
    await fc.assert(
      fc.asyncProperty(
        fc.array(trade, { minLength: 1, maxLength: 400 }),
        startNs,
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 1, max: 500 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        async (raw, start, a, b, maxBatchTicks, cuts) => {
          const id = datasetId++;
          let ts = start;
          const trades: Trade[] = raw.map(({ gapNs, ...t }) => ({ ...t, tsRecvNs: (ts += BigInt(gapNs)) }));
          await inTransaction((client) => writeTrades(client, meta(id, 1n), toColumns(trades)));
          expect((await readAll(db.pool, { datasetId: id, tickSizeNano: 1n })).trades).toEqual(trades);
          const [i, j] = [a % trades.length, b % trades.length].sort((x, y) => x - y);
          const fromNs = trades[i].tsRecvNs + BigInt(a % 2);
          const toNs = trades[j].tsRecvNs + BigInt(b % 2);
          const expected = trades.filter((t) => t.tsRecvNs >= fromNs && t.tsRecvNs < toNs);
          const boundaries = [...new Set(cuts.map((k) => trades[k % trades.length].tsRecvNs + BigInt(k % 2)))].sort((x, y) =>
            x < y ? -1 : 1,
          );
          const { batches, trades: back } = await readAll(db.pool, {
            datasetId: id,
            tickSizeNano: 1n,
            fromNs,
            toNs,
            maxBatchTicks,
            batchBoundaryNs: boundaries,
          });
          expect(back).toEqual(expected);
          for (const batch of batches) {
            expect(batch.length).toBeLessThanOrEqual(maxBatchTicks);
            const [first, last] = [tsRecvNsAt(batch, 0), tsRecvNsAt(batch, batch.length - 1)];
            for (const boundary of boundaries) expect(first < boundary && last >= boundary).toBe(false);
          }
          expect(await countTrades(db.pool, id, fromNs, toNs)).toBe(expected.length);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("rejects a price off the requested tick grid with a clear error, and leaves a client usable", async () => {
    const ts = BigInt(Date.UTC(2024, 0, 15)) * 1_000_000n;
    const trades = syntheticTrades(10, ts, 1000, 5).map((t, i) => ({ ...t, priceTicks: i === 6 ? 20_001 : 20_000 }));
    await inTransaction((client) => writeTrades(client, meta(5), toColumns(trades)));
    const coarse = { datasetId: 5, tickSizeNano: 500_000_000n };
    await expect(readAll(db.pool, coarse)).rejects.toThrow(AppError);
    await expect(readAll(db.pool, coarse)).rejects.toThrow(
      `Dataset 5: price 5000.25 at ts_recv ${trades[6].tsRecvNs} is not a multiple of the tick size 0.5`,
    );
    // A ratio leaving int32 is an error too.
    await expect(readAll(db.pool, { datasetId: 5, tickSizeNano: 1n })).rejects.toThrow(/is too far from zero in ticks/);
    const client = await db.pool.connect();
    try {
      await expect(readAll(client, coarse)).rejects.toThrow(/not a multiple/);
      expect(await countTrades(client, 5)).toBe(10);
    } finally {
      client.release();
    }
  });

  it("abandoning a large read ends the server's COPY (pool) or drains it (client)", async () => {
    // ~15 MB of COPY data: far more than socket buffers and one parse chunk hold, so the server
    // is still sending when the reader leaves.
    const columns = bulkColumns(1_500_000, BigInt(Date.UTC(2023, 3, 1)) * 1_000_000n, 200_000, 10);
    await inTransaction((client) => writeTrades(client, meta(10), columns));
    const activeCopies = async () =>
      Number(
        (
          await db.pool.query(
            "SELECT count(*) AS n FROM pg_stat_activity WHERE state = 'active' AND query LIKE 'COPY (SELECT base_ns%' AND pid <> pg_backend_pid()",
          )
        ).rows[0].n,
      );

    for await (const batch of readTrades(db.pool, { datasetId: 10, tickSizeNano: TICK, maxBatchTicks: 1000 })) {
      expect(batch.length).toBe(1000);
      break;
    }
    for (let i = 0; i < 50 && (await activeCopies()) > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await activeCopies()).toBe(0);

    const client = await db.pool.connect();
    try {
      for await (const batch of readTrades(client, { datasetId: 10, tickSizeNano: TICK, maxBatchTicks: 1000 })) {
        expect(batch.length).toBe(1000);
        break;
      }
      expect(await countTrades(client, 10)).toBe(columns.length);
    } finally {
      client.release();
    }
  });

  it("handles prices beyond 2^53 nano exactly", async () => {
    const ts = BigInt(Date.UTC(2024, 0, 20)) * 1_000_000n;
    const trades = syntheticTrades(20, ts, 1000, 6).map((t, i) => ({ ...t, priceTicks: 2_000_000_000 - i * 7 }));
    const tick = 1_000_000_000n; // 1.0: prices ~2e18 nano
    await inTransaction((client) => writeTrades(client, meta(6, tick), toColumns(trades)));
    const { trades: back } = await readAll(db.pool, { datasetId: 6, tickSizeNano: tick });
    expect(back).toEqual(trades);
  });

  it("deletes a dataset's trades and returns how many there were", async () => {
    const ts = BigInt(Date.UTC(2024, 0, 21)) * 1_000_000n;
    await inTransaction((client) => writeTrades(client, meta(7), toColumns(syntheticTrades(70_000, ts, 1000, 7))));
    expect(await deleteTrades(db.pool, 7)).toBe(70_000);
    expect(await countTrades(db.pool, 7)).toBe(0);
  });

  it("creates partitions once under concurrent callers, and not at all when they exist", async () => {
    const from = BigInt(Date.UTC(2019, 0, 15)) * 1_000_000n;
    const to = BigInt(Date.UTC(2019, 3, 2)) * 1_000_000n;
    const results = await Promise.all([1, 2, 3].map(() => ensureTradePartitions(db.pool, from, to)));
    expect(results.flat().sort()).toEqual(["trade_blocks_y2019m01", "trade_blocks_y2019m02", "trade_blocks_y2019m03", "trade_blocks_y2019m04"]);
    expect(await ensureTradePartitions(db.pool, from, to)).toEqual([]);
  });

  it("names monthly partitions by UTC calendar month", () => {
    const dec31 = BigInt(Date.UTC(2023, 11, 31, 23, 59, 59, 999)) * 1_000_000n + 999_999n;
    expect(monthlyTradePartitions(dec31, dec31 + 1n).map((p) => p.name)).toEqual(["trade_blocks_y2023m12", "trade_blocks_y2024m01"]);
    expect(() => monthlyTradePartitions(0n, JAN31)).toThrow(/span \d+ months/);
  });
});
