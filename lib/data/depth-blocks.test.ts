import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/db";
import { AppError } from "../errors";
import { allocateDepthColumns, DEPTH_LEVELS, depthLevelsProblem, type DepthColumns } from "../engine/depth/depth-columns";
import { depthFeed } from "../engine/depth/depth-feed";
import { SeededRandom } from "../market/random";
import { syncInstruments } from "./datasets";
import { countDepth, countDepthEvents, decodeDepthBlock, DEPTH_BLOCK_MAX_RECORDS, encodeDepthBlock, hasDepth, readDepth, readDepthFeed, writeDepth } from "./depth-blocks";

const T0 = 1_740_000_000_000_000_000n;
const TICK = 250_000_000n;

type Book = Array<[number, number, number]>;

/**
 * n MBP-10 records 1 ms apart from a random book: level size and count changes, levels appearing
 * and leaving (a better price pushes the tenth out), price moves, a side emptied now and then,
 * trades, unknown action/side bytes, changing flags, undefined record prices.
 */
function synthetic(n: number, seed = 7): DepthColumns {
  const rnd = new SeededRandom(seed);
  const c = allocateDepthColumns(n, T0);
  let bids: Book = Array.from({ length: 14 }, (_, k) => [80_000 - k, 1 + rnd.int(50), 1 + rnd.int(9)]);
  let asks: Book = Array.from({ length: 14 }, (_, k) => [80_001 + k, 1 + rnd.int(50), 1 + rnd.int(9)]);
  for (let i = 0; i < n; i++) {
    const side = rnd.int(2) === 0 ? bids : asks;
    const dir = side === bids ? -1 : 1;
    const r = rnd.int(100);
    if (side.length === 0) side.push([(side === bids ? 79_990 : 80_010) + rnd.int(3), 5, 1]);
    else if (r < 55) {
      const k = rnd.int(Math.min(10, side.length));
      side[k][1] = Math.max(1, side[k][1] + rnd.int(21) - 10);
      side[k][2] = Math.max(1, side[k][2] + rnd.int(3) - 1);
    } else if (r < 70) {
      // a new best price (the tenth level leaves the view)
      const other = side === bids ? asks : bids;
      const best = side[0][0] - dir;
      if (other.length === 0 || (side === bids ? best < other[0][0] : best > other[0][0])) side.unshift([best, 1 + rnd.int(9), 1]);
    } else if (r < 85) {
      side.splice(rnd.int(Math.min(10, side.length)), 1);
    } else if (r < 88) {
      side.length = 0;
    } else {
      const k = rnd.int(Math.min(10, side.length));
      side.splice(k + 1, 0, [side[k][0] + dir, 2, 1]);
      if (k + 2 < side.length && side[k + 2][0] === side[k + 1][0]) side.splice(k + 2, 1);
    }
    if (rnd.int(50) === 0) {
      bids = bids.map(([p, s, ct]) => [p - 3, s, ct]);
      asks = asks.map(([p, s, ct]) => [p - 3, s, ct]);
    }
    c.tsRecvOffsetNs[i] = i * 1_000_000 + (i % 3 === 0 ? 0 : 17);
    c.tsEventDeltaNs[i] = i % 40 === 0 ? 0 : -((i * 131) % 40_000);
    const trade = rnd.int(10) === 0;
    c.action[i] = i % 997 === 3 ? 88 /* X */ : trade ? 84 : "ACM".charCodeAt(rnd.int(3));
    c.side[i] = i % 991 === 5 ? 90 /* Z */ : "BAN".charCodeAt(rnd.int(3));
    c.depth[i] = rnd.int(10);
    c.flags[i] = i % 101 === 0 ? 130 : trade ? 0 : 128;
    c.priceTicks[i] = i % 89 === 0 ? Number.NaN : (bids[0]?.[0] ?? 80_000) + rnd.int(3);
    c.size[i] = rnd.int(20);
    for (let k = 0; k < DEPTH_LEVELS; k++) {
      const at = i * DEPTH_LEVELS + k;
      const [b, a] = [bids[k], asks[k]];
      c.bidTicks[at] = b ? b[0] : Number.NaN;
      c.bidSize[at] = b ? b[1] : 0;
      c.bidCount[at] = b ? b[2] : 0;
      c.askTicks[at] = a ? a[0] : Number.NaN;
      c.askSize[at] = a ? a[1] : 0;
      c.askCount[at] = a ? a[2] : 0;
    }
  }
  c.length = n;
  return c;
}

function rows(c: DepthColumns): unknown[][] {
  const out = [];
  for (let i = 0; i < c.length; i++) {
    const levels = (col: Float64Array | Uint32Array) => [...col.subarray(i * DEPTH_LEVELS, (i + 1) * DEPTH_LEVELS)];
    out.push([
      c.baseNs + BigInt(c.tsRecvOffsetNs[i]),
      c.tsEventDeltaNs[i],
      c.action[i],
      c.side[i],
      c.depth[i],
      c.flags[i],
      c.priceTicks[i],
      c.size[i],
      ...levels(c.bidTicks),
      ...levels(c.askTicks),
      ...levels(c.bidSize),
      ...levels(c.askSize),
      ...levels(c.bidCount),
      ...levels(c.askCount),
    ]);
  }
  return out;
}

const bytesOf = (columns: readonly Uint8Array[]) => columns.reduce((s, col) => s + col.length, 0);

describe("depth block codec", () => {
  const records = synthetic(20_000);

  it("generates well-formed books (the shape the importer requires)", () => {
    for (let i = 0; i < records.length; i++) expect(depthLevelsProblem(records, i)).toBeNull();
  });

  it("round-trips every field exactly: levels appearing, leaving and shifting, empty sides, unknown bytes, flags", () => {
    const block = encodeDepthBlock(records, 100, 19_900);
    const out = allocateDepthColumns(block.count, block.baseNs);
    decodeDepthBlock(block.columns, block.count, out);
    expect(block.baseNs).toBe(T0 + 100n * 1_000_000n + 17n);
    expect(rows(out)).toEqual(rows(records).slice(100, 19_900));
    let last = 0;
    for (let i = 100; i < 19_900; i++) if ((records.flags[i] & 128) !== 0) last++;
    expect(block.events).toBe(last);
    // A record changes about one level: a few bytes for both sides, far below DBN's 368.
    expect(bytesOf(block.columns) / block.count).toBeLessThan(20);
  });

  it("decodes each block on its own", () => {
    const a = encodeDepthBlock(records, 0, 10);
    const b = encodeDepthBlock(records, 10, 20);
    const out = allocateDepthColumns(10, b.baseNs);
    decodeDepthBlock(b.columns, 10, out);
    expect(rows(out)).toEqual(rows(records).slice(10, 20));
    expect(a.count).toBe(10);
  });

  it("refuses levels off the tick grid or after an empty one, and corrupt blocks", () => {
    const bad = synthetic(3);
    bad.askTicks[DEPTH_LEVELS + 2] = 80_004.5;
    expect(() => encodeDepthBlock(bad, 0, 3)).toThrow(/off the tick grid/);
    const gap = synthetic(3);
    gap.bidTicks[DEPTH_LEVELS] = Number.NaN;
    expect(() => encodeDepthBlock(gap, 0, 3)).toThrow(AppError);
    const ok = encodeDepthBlock(synthetic(50), 0, 50);
    const out = allocateDepthColumns(50, ok.baseNs);
    expect(() => decodeDepthBlock(ok.columns.slice(0, 8), 50, out)).toThrow(/Corrupt depth block/);
    const cut = [...ok.columns];
    cut[7] = cut[7].subarray(0, cut[7].length - 3);
    expect(() => decodeDepthBlock(cut, 50, out)).toThrow(/Corrupt depth block/);
    const extra = [...ok.columns];
    extra[8] = new Uint8Array([...extra[8], 14]);
    expect(() => decodeDepthBlock(extra, 50, out)).toThrow(/Corrupt depth block: trailing bytes/);
  });
});

describe("depth blocks in PostgreSQL", () => {
  let db: TestDatabase;
  let datasetId: number;
  const records = synthetic(DEPTH_BLOCK_MAX_RECORDS * 2 + 123, 11);

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
    const { rows: made } = await db.pool.query<{ id: number }>("INSERT INTO datasets (name, instrument_id, schema, status, provenance) VALUES ('d', $1, 'mbp-10', 'ready', '{}') RETURNING id", [instrument.id]);
    datasetId = made[0].id;
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("writes in blocks of 65,536 with their event counts and reads them back exactly, in order", async () => {
    expect(await hasDepth(db.pool, datasetId)).toBe(false);
    const n = await inTransaction((client) => writeDepth(client, { datasetId, instrumentId: 1, tickSizeNano: TICK, firstSeq: 0n }, records));
    expect(n).toBe(records.length);
    const { rows: blocks } = await db.pool.query("SELECT block_seq, record_count, event_count, first_seq::text FROM depth_blocks WHERE dataset_id = $1 ORDER BY block_seq", [datasetId]);
    const lastIn = (from: number, to: number) => {
      let k = 0;
      for (let i = from; i < to; i++) if ((records.flags[i] & 128) !== 0) k++;
      return k;
    };
    expect(blocks).toEqual([
      { block_seq: 0, record_count: 65_536, event_count: lastIn(0, 65_536), first_seq: "0" },
      { block_seq: 1, record_count: 65_536, event_count: lastIn(65_536, 131_072), first_seq: "65536" },
      { block_seq: 2, record_count: 123, event_count: lastIn(131_072, records.length), first_seq: "131072" },
    ]);
    const back = [];
    for await (const b of readDepth(db.pool, { datasetId, blocksPerPage: 2 })) back.push(...rows(b));
    expect(back).toEqual(rows(records));
    expect(await countDepth(db.pool, datasetId)).toBe(records.length);
    expect(await countDepthEvents(db.pool, datasetId)).toBe(lastIn(0, records.length));
    expect(await hasDepth(db.pool, datasetId)).toBe(true);
  });

  it("cuts reads to [from, to) by ts_recv and converts to another tick size exactly", async () => {
    // Record i is at T0 + i ms (+17 ns when i % 3 != 0).
    const fromNs = T0 + 70_000n * 1_000_000n;
    const toNs = T0 + 70_010n * 1_000_000n;
    const got = [];
    for await (const b of readDepth(db.pool, { datasetId, fromNs, toNs })) got.push(...rows(b));
    expect(got).toEqual(rows(records).slice(70_000, 70_010));
    const half: DepthColumns[] = [];
    for await (const b of readDepth(db.pool, { datasetId, fromNs, toNs, tickSizeNano: TICK / 2n })) half.push(b);
    expect(half[0].bidTicks[3]).toBe(records.bidTicks[70_000 * DEPTH_LEVELS + 3] * 2);
    expect(half[0].priceTicks[1]).toBe(records.priceTicks[70_001] * 2);
  });

  it("streams the depth feed from the store exactly as the in-memory feed", async () => {
    const toNs = T0 + 100_000n * 1_000_000n;
    const stored = [];
    for await (const b of readDepthFeed(db.pool, { datasetId, tickSizeNano: TICK, toNs, maxEvents: 5_000 })) stored.push(b);
    const head = allocateDepthColumns(100_000, T0);
    for (const key of ["tsRecvOffsetNs", "tsEventDeltaNs", "action", "side", "depth", "flags", "priceTicks", "size"] as const) head[key].set(records[key].subarray(0, 100_000));
    for (const key of ["bidTicks", "askTicks", "bidSize", "askSize", "bidCount", "askCount"] as const) head[key].set(records[key].subarray(0, 100_000 * DEPTH_LEVELS));
    head.length = 100_000;
    const memory = depthFeed([head], Number(TICK), 5_000);
    const view = (bs: typeof memory) =>
      bs.flatMap((b) => {
        const c = b.columns;
        const out = [];
        for (let i = 0; i < c.length; i++) out.push([c.baseNs + BigInt(c.tsRecvOffsetNs[i]), c.action[i], c.side[i], c.priceNano[i], c.size[i], c.orderIdLo[i], c.flags[i]]);
        return out;
      });
    expect(stored.map((b) => b.events)).toEqual(memory.map((b) => b.events));
    expect(view(stored)).toEqual(view(memory));
    expect(stored.reduce((s, b) => s + b.records, 0)).toBe(100_000);
  });

  it("writes nothing when the transaction rolls back, and refuses to write outside one", async () => {
    await inTransaction((client) => writeDepth(client, { datasetId, instrumentId: 1, tickSizeNano: TICK, firstSeq: 999n }, records, 0, 10), false);
    expect(await countDepth(db.pool, datasetId)).toBe(records.length);
    const client = await db.pool.connect();
    try {
      await expect(writeDepth(client, { datasetId, instrumentId: 1, tickSizeNano: TICK, firstSeq: 0n }, records)).rejects.toThrow(/inside an open transaction/);
    } finally {
      client.release();
    }
  });
});
