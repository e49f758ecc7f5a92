import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/db";
import { AppError } from "../errors";
import { CopyBinaryParser, CopyOutQuery } from "./copy-binary";
import { allocateTradeColumns, tsRecvNsAt, type TradeColumns } from "../market/trade-columns";
import {
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
} from "./tick-store";

/** ES-like contract: tick 0.25 = 250,000,000 nano. */
const TICK = 250_000_000n;
/** 2024-01-31T23:00:00Z in ns: far beyond 2^53 (exactness cannot come from float64 alone). */
const JAN31 = BigInt(Date.UTC(2024, 0, 31, 23)) * 1_000_000n;
const DAY_NS = 86_400_000_000_000;

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
      eventDeltaNs: -Math.floor(rand() * 50_000),
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

function meta(datasetId: number, tickSizeNano = TICK): TradeWriteMeta {
  return { datasetId, instrumentId: 42, tickSizeNano, firstSeq: 0n };
}

async function partitionNames(): Promise<string[]> {
  const { rows } = await db.pool.query<{ name: string }>(
    "SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'trade_ticks'::regclass ORDER BY 1",
  );
  return rows.map((r) => r.name);
}

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db?.drop();
});

describe("tick store (native partitions)", () => {
  const trades = syntheticTrades(4000, JAN31, 20 * DAY_NS, 1);

  beforeAll(async () => {
    await inTransaction((client) => writeTrades(client, meta(1), toColumns(trades)));
  });

  it("detects native partitioning (no TimescaleDB here)", async () => {
    const client = await db.pool.connect();
    try {
      expect(await tradeTableKind(client)).toBe("native");
    } finally {
      client.release();
    }
  });

  it("creates one partition per UTC month touched, with the table's index", async () => {
    expect(await partitionNames()).toEqual(expect.arrayContaining(["trade_ticks_y2024m01", "trade_ticks_y2024m02"]));
    const { rows } = await db.pool.query(
      "SELECT pg_get_expr(relpartbound, oid) AS bound FROM pg_class WHERE relname = 'trade_ticks_y2024m02'",
    );
    expect(rows[0].bound).toBe("FOR VALUES FROM ('1706745600000000000') TO ('1709251200000000000')");
    const idx = await db.pool.query("SELECT 1 FROM pg_indexes WHERE tablename = 'trade_ticks_y2024m02'");
    expect(idx.rowCount).toBe(1);
  });

  it("round-trips every trade exactly and in file order", async () => {
    const { trades: back } = await readAll(db.pool, { datasetId: 1, tickSizeNano: TICK });
    expect(back.length).toBe(trades.length);
    expect(back).toEqual(trades);
    const dup = await db.pool.query(
      "SELECT count(*)::int AS n FROM (SELECT 1 FROM trade_ticks WHERE dataset_id = 1 GROUP BY ts_recv, price, size, side HAVING count(*) > 1) d",
    );
    expect(dup.rows[0].n).toBeGreaterThan(0); // identical trades were kept as distinct rows
  });

  it("stores seq, instrument and fixed-point prices as given", async () => {
    const { rows } = await db.pool.query(
      "SELECT seq::text, instrument_id, price::text, ts_recv::text, ts_event::text FROM trade_ticks WHERE dataset_id = 1 ORDER BY seq LIMIT 1",
    );
    const t = trades[0];
    expect(rows[0]).toEqual({
      seq: "0",
      instrument_id: 42,
      price: String(BigInt(t.priceTicks) * TICK),
      ts_recv: String(t.tsRecvNs),
      ts_event: String(t.tsRecvNs + BigInt(t.eventDeltaNs)),
    });
  });

  it("reads [fromNs, toNs): inclusive start, exclusive end", async () => {
    const fromNs = trades[1000].tsRecvNs;
    const toNs = trades[3000].tsRecvNs;
    const expected = trades.filter((t) => t.tsRecvNs >= fromNs && t.tsRecvNs < toNs);
    expect(expected[0].tsRecvNs).toBe(fromNs);
    const { trades: back } = await readAll(db.pool, { datasetId: 1, tickSizeNano: TICK, fromNs, toNs });
    expect(back).toEqual(expected);
    expect(await countTrades(db.pool, 1, fromNs, toNs)).toBe(expected.length);
    const openEnded = await readAll(db.pool, { datasetId: 1, tickSizeNano: TICK, fromNs });
    expect(openEnded.trades).toEqual(trades.filter((t) => t.tsRecvNs >= fromNs));
  });

  it("cuts batches at maxBatchTicks", async () => {
    const { batches, trades: back } = await readAll(db.pool, { datasetId: 1, tickSizeNano: TICK, maxBatchTicks: 333 });
    expect(batches.length).toBe(Math.ceil(trades.length / 333));
    for (const b of batches) expect(b.length).toBeLessThanOrEqual(333);
    expect(back).toEqual(trades);
  });

  it("never lets a batch straddle a caller's boundary", async () => {
    const boundaries = [JAN31 - 5n, trades[500].tsRecvNs, trades[500].tsRecvNs + 1n, BigInt(Date.UTC(2024, 1, 5)) * 1_000_000n];
    const { batches, trades: back } = await readAll(db.pool, {
      datasetId: 1,
      tickSizeNano: TICK,
      maxBatchTicks: 1000,
      batchBoundaryNs: boundaries,
    });
    expect(back).toEqual(trades);
    for (const b of batches) {
      const first = tsRecvNsAt(b, 0);
      const last = tsRecvNsAt(b, b.length - 1);
      for (const boundary of boundaries) expect(first < boundary && last >= boundary).toBe(false);
    }
    expect(tsRecvNsAt(batches[1], 0)).toBe(trades[500].tsRecvNs);
  });

  it("keeps each batch's offsets exact: baseNs is the batch's first ts_recv", async () => {
    const { batches } = await readAll(db.pool, { datasetId: 1, tickSizeNano: TICK, maxBatchTicks: 1000 });
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
});

describe("tick store edge cases", () => {
  it("an empty dataset yields nothing", async () => {
    const { batches } = await readAll(db.pool, { datasetId: 999, tickSizeNano: TICK });
    expect(batches).toEqual([]);
    expect(await countTrades(db.pool, 999)).toBe(0);
    expect(await tradeRange(db.pool, 999)).toBeNull();
  });

  it("a rolled-back import leaves neither rows nor partitions", async () => {
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
    expect(await partitionNames()).not.toContain("trade_ticks_y2021m06");
  });

  it("a failure in the middle of a COPY aborts it and leaves the connection usable", async () => {
    // Several 64k-row chunks are sent before the bad row in the last one is encoded.
    const trades = syntheticTrades(150_000, BigInt(Date.UTC(2022, 2, 1)) * 1_000_000n, DAY_NS, 3);
    trades[trades.length - 1].side = 5;
    const client = await db.pool.connect();
    try {
      await client.query("BEGIN");
      await expect(writeTrades(client, meta(3), toColumns(trades))).rejects.toThrow(/side 5/);
      await client.query("ROLLBACK");
      expect((await client.query("SELECT 1 AS one")).rows[0].one).toBe(1);
    } finally {
      client.release();
    }
    expect(await countTrades(db.pool, 3)).toBe(0);
  });

  it("a failure on the server in the middle of a COPY is reported and leaves the connection usable", async () => {
    const start = BigInt(Date.UTC(2020, 2, 1)) * 1_000_000n;
    await ensureTradePartitions(db.pool, start, start);
    // A test-only constraint makes the server reject one row of the second chunk.
    await db.pool.query("ALTER TABLE trade_ticks_y2020m03 ADD CONSTRAINT test_small_size CHECK (size < 1000)");
    const trades = syntheticTrades(150_000, start, DAY_NS, 8);
    trades[100_000].size = 5000;
    const client = await db.pool.connect();
    try {
      await client.query("BEGIN");
      await expect(writeTrades(client, meta(8), toColumns(trades))).rejects.toThrow(/test_small_size/);
      await client.query("ROLLBACK");
      expect((await client.query("SELECT 1 AS one")).rows[0].one).toBe(1);
    } finally {
      client.release();
    }
    expect(await countTrades(db.pool, 8)).toBe(0);
  });

  it("a bad value in the first chunk aborts the COPY before any data is sent", async () => {
    const trades = syntheticTrades(10, JAN31, 1000, 9);
    trades[0].side = -2;
    const client = await db.pool.connect();
    try {
      await client.query("BEGIN");
      await expect(writeTrades(client, meta(9), toColumns(trades))).rejects.toThrow(/side -2/);
      await client.query("ROLLBACK");
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

  it("rejects a stored price off the tick grid with a clear error", async () => {
    const ts = BigInt(Date.UTC(2024, 0, 15)) * 1_000_000n;
    await inTransaction((client) => writeTrades(client, meta(5), toColumns(syntheticTrades(10, ts, 1000, 5))));
    await db.pool.query(
      "INSERT INTO trade_ticks (dataset_id, seq, instrument_id, ts_event, ts_recv, price, size, side) VALUES (5, 10, 42, $1, $1, 5000100000000, 1, 1)",
      [String(ts + 5000n)],
    );
    const read = readAll(db.pool, { datasetId: 5, tickSizeNano: TICK });
    await expect(read).rejects.toThrow(AppError);
    await expect(readAll(db.pool, { datasetId: 5, tickSizeNano: TICK })).rejects.toThrow(
      "Dataset 5: price 5000.1 at ts_recv 1705276800000005000 is not a multiple of the tick size 0.25",
    );
    // A caller's client is drained and stays usable after the error.
    const client = await db.pool.connect();
    try {
      await expect(readAll(client, { datasetId: 5, tickSizeNano: TICK })).rejects.toThrow(/not a multiple/);
      expect(await countTrades(client, 5)).toBe(11);
    } finally {
      client.release();
    }
  });

  it("CopyOutQuery streams a real COPY and survives a server error raised mid-stream", async () => {
    const client = await db.pool.connect();
    try {
      const rows = { count: 0, row() { rows.count++; } };
      const parser = new CopyBinaryParser();
      const ok = client.query(new CopyOutQuery("COPY (SELECT g FROM generate_series(1, 100000) g) TO STDOUT (FORMAT binary)"));
      for await (const chunk of ok) parser.push(chunk as Buffer, rows);
      parser.end();
      expect(rows.count).toBe(100_000);
      expect(ok.rowCount).toBe(100_000);

      const failing = client.query(
        new CopyOutQuery("COPY (SELECT 1 / (g - 50000) FROM generate_series(1, 100000) g) TO STDOUT (FORMAT binary)"),
      );
      let received = 0;
      await expect(
        (async () => {
          for await (const chunk of failing) received += (chunk as Buffer).length;
        })(),
      ).rejects.toThrow(/division by zero/);
      expect(received).toBeGreaterThan(0);
      expect((await client.query("SELECT 1 AS one")).rows[0].one).toBe(1);
    } finally {
      client.release();
    }
  });

  it("abandoning a large read ends the server's COPY (pool) or drains it (client)", async () => {
    // ~15 MB of COPY data: far more than socket buffers hold, so the server is still sending.
    const trades = syntheticTrades(300_000, BigInt(Date.UTC(2023, 3, 1)) * 1_000_000n, 5 * DAY_NS, 10);
    await inTransaction((client) => writeTrades(client, meta(10), toColumns(trades)));
    const activeCopies = async () =>
      Number(
        (
          await db.pool.query(
            "SELECT count(*) AS n FROM pg_stat_activity WHERE state = 'active' AND query LIKE 'COPY (SELECT ts_recv%' AND pid <> pg_backend_pid()",
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
      expect(await countTrades(client, 10)).toBe(trades.length);
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

  it("deletes a dataset's trades", async () => {
    const ts = BigInt(Date.UTC(2024, 0, 21)) * 1_000_000n;
    await inTransaction((client) => writeTrades(client, meta(7), toColumns(syntheticTrades(50, ts, 1000, 7))));
    expect(await deleteTrades(db.pool, 7)).toBe(50);
    expect(await countTrades(db.pool, 7)).toBe(0);
  });

  it("creates partitions once under concurrent callers, and not at all when they exist", async () => {
    const from = BigInt(Date.UTC(2019, 0, 15)) * 1_000_000n;
    const to = BigInt(Date.UTC(2019, 3, 2)) * 1_000_000n;
    const results = await Promise.all([1, 2, 3].map(() => ensureTradePartitions(db.pool, from, to)));
    expect(results.flat().sort()).toEqual(["trade_ticks_y2019m01", "trade_ticks_y2019m02", "trade_ticks_y2019m03", "trade_ticks_y2019m04"]);
    expect(await ensureTradePartitions(db.pool, from, to)).toEqual([]);
  });

  it("names monthly partitions by UTC calendar month", () => {
    const dec31 = BigInt(Date.UTC(2023, 11, 31, 23, 59, 59, 999)) * 1_000_000n + 999_999n;
    expect(monthlyTradePartitions(dec31, dec31 + 1n).map((p) => p.name)).toEqual(["trade_ticks_y2023m12", "trade_ticks_y2024m01"]);
    expect(() => monthlyTradePartitions(0n, JAN31)).toThrow(/span \d+ months/);
  });
});
