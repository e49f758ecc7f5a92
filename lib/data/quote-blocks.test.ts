import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/db";
import { AppError } from "../errors";
import { allocateQuoteColumns, type QuoteColumns } from "../engine/quotes/quote-columns";
import { syncInstruments } from "./datasets";
import { countQuotes, decodeQuoteBlock, encodeQuoteBlock, hasQuotes, QUOTE_BLOCK_MAX_RECORDS, readQuotes, writeQuotes } from "./quote-blocks";

const T0 = 1_740_000_000_000_000_000n;
const TICK = 250_000_000n;

/** n quotes 1 ms apart with varied prices (an empty side every 97th), sizes, counts and kinds. */
function synthetic(n: number): QuoteColumns {
  const c = allocateQuoteColumns(n, T0);
  let mid = 80_000;
  for (let i = 0; i < n; i++) {
    mid += ((i * 7919) % 5) - 2;
    c.tsRecvOffsetNs[i] = i * 1_000_000 + (i % 3 === 0 ? 0 : 17);
    c.tsEventDeltaNs[i] = (i * 131) % 40_000 === 0 ? 0 : -((i * 131) % 40_000);
    c.bidTicks[i] = i % 97 === 5 ? Number.NaN : mid - 1 - (i % 4 === 0 ? 1 : 0);
    c.askTicks[i] = i % 97 === 50 ? Number.NaN : mid + (i % 11 === 0 ? 0 : 1);
    c.bidSize[i] = c.bidTicks[i] !== c.bidTicks[i] ? 0 : 1 + ((i * 31) % 400);
    c.askSize[i] = c.askTicks[i] !== c.askTicks[i] ? 0 : 1 + ((i * 17) % 90_000);
    c.bidCount[i] = (i * 3) % 50;
    c.askCount[i] = (i * 5) % 70;
    c.kind[i] = i % 13 === 0 ? 1 : 0;
  }
  c.length = n;
  return c;
}

function rows(c: QuoteColumns) {
  const out = [];
  for (let i = 0; i < c.length; i++) {
    out.push([c.baseNs + BigInt(c.tsRecvOffsetNs[i]), c.tsEventDeltaNs[i], c.bidTicks[i], c.askTicks[i], c.bidSize[i], c.askSize[i], c.bidCount[i], c.askCount[i], c.kind[i]]);
  }
  return out;
}

describe("quote block codec", () => {
  it("round-trips every field exactly, empty sides included", () => {
    const c = synthetic(1_000);
    const block = encodeQuoteBlock(c, 100, 900);
    const out = allocateQuoteColumns(block.count, block.baseNs);
    decodeQuoteBlock(block.columns, block.count, out);
    expect(block.baseNs).toBe(T0 + 100n * 1_000_000n + 17n);
    expect(rows(out)).toEqual(rows(c).slice(100, 900));
    let bytes = 0;
    for (const col of block.columns) bytes += col.length;
    expect(bytes / 800).toBeLessThan(20);
  });

  it("refuses a price off the tick grid and a corrupt block", () => {
    const c = synthetic(3);
    c.bidTicks[1] = 10.5;
    expect(() => encodeQuoteBlock(c, 0, 3)).toThrow(AppError);
    const ok = encodeQuoteBlock(synthetic(3), 0, 3);
    const out = allocateQuoteColumns(3, ok.baseNs);
    expect(() => decodeQuoteBlock(ok.columns.slice(0, 8), 3, out)).toThrow(/Corrupt quote block/);
  });
});

describe("quote blocks in PostgreSQL", () => {
  let db: TestDatabase;
  let datasetId: number;
  const quotes = synthetic(QUOTE_BLOCK_MAX_RECORDS * 2 + 123);

  async function inTransaction<T>(fn: (client: pg.PoolClient) => Promise<T>, commit = true): Promise<T> {
    const client = await db.pool.connect();
    try {
      await client.query("BEGIN");
      const result = await fn(client);
      await client.query(commit ? "COMMIT" : "ROLLBACK");
      return result;
    } catch (error) {
      await client.query("ROLLBACK");
      throw error;
    } finally {
      client.release();
    }
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    await syncInstruments(db.prisma);
    const instrument = await db.prisma.instrument.findUniqueOrThrow({ where: { symbol: "MNQ" } });
    const { rows: made } = await db.pool.query<{ id: number }>("INSERT INTO datasets (name, instrument_id, schema, status, provenance) VALUES ('q', $1, 'mbp-1', 'ready', '{}') RETURNING id", [instrument.id]);
    datasetId = made[0].id;
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("writes in blocks of 65,536 and reads them back exactly, in order", async () => {
    const n = await inTransaction((client) => writeQuotes(client, { datasetId, instrumentId: 1, tickSizeNano: TICK, firstSeq: 0n }, quotes));
    expect(n).toBe(quotes.length);
    const { rows: blocks } = await db.pool.query("SELECT block_seq, quote_count, first_seq::text FROM quote_blocks WHERE dataset_id = $1 ORDER BY block_seq", [datasetId]);
    expect(blocks).toEqual([
      { block_seq: 0, quote_count: 65_536, first_seq: "0" },
      { block_seq: 1, quote_count: 65_536, first_seq: "65536" },
      { block_seq: 2, quote_count: 123, first_seq: "131072" },
    ]);
    const back = [];
    for await (const b of readQuotes(db.pool, { datasetId, blocksPerPage: 2 })) back.push(...rows(b));
    expect(back).toEqual(rows(quotes));
    expect(await countQuotes(db.pool, datasetId)).toBe(quotes.length);
    expect(await hasQuotes(db.pool, datasetId)).toBe(true);
  });

  it("cuts reads to [from, to) by ts_recv and converts to another tick size exactly", async () => {
    // Quote i is at T0 + i ms (+17 ns when i % 3 != 0): [T0 + 70000 ms, T0 + 70010 ms) holds quotes 70000..70009.
    const fromNs = T0 + 70_000n * 1_000_000n;
    const toNs = T0 + 70_010n * 1_000_000n;
    const got = [];
    for await (const b of readQuotes(db.pool, { datasetId, fromNs, toNs })) got.push(...rows(b));
    expect(got).toEqual(rows(quotes).slice(70_000, 70_010));
    const half = [];
    for await (const b of readQuotes(db.pool, { datasetId, fromNs, toNs, tickSizeNano: TICK / 2n })) half.push(...rows(b));
    expect(half.map((r) => r[2])).toEqual(got.map((r) => (Number.isNaN(r[2]) ? Number.NaN : (r[2] as number) * 2)));
  });

  it("writes nothing when the transaction rolls back, and refuses to write outside one", async () => {
    await inTransaction((client) => writeQuotes(client, { datasetId, instrumentId: 1, tickSizeNano: TICK, firstSeq: 999n }, quotes, 0, 10), false);
    expect(await countQuotes(db.pool, datasetId)).toBe(quotes.length);
    const client = await db.pool.connect();
    try {
      await expect(writeQuotes(client, { datasetId, instrumentId: 1, tickSizeNano: TICK, firstSeq: 0n }, quotes)).rejects.toThrow(/inside an open transaction/);
    } finally {
      client.release();
    }
  });
});
