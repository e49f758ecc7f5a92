/**
 * Tick store throughput: COPY 5,000,000 synthetic trades in (binary, one transaction per 1M), then
 * stream them back as TradeColumns batches. Goals on 2 cores: >= 1M rows/s in, >= 2.5M rows/s out.
 *
 *   node --import tsx bench/tick-store.bench.ts [rows=5000000]   # embedded PostgreSQL (.data/bench-pg)
 *   DATABASE_URL=postgres://... node --import tsx bench/tick-store.bench.ts   # an already migrated database
 *
 * Prints a human summary and one JSON line. The bench's rows (dataset id -4242) are deleted after.
 */
import { performance } from "node:perf_hooks";
import pg from "pg";
import { loadEnv } from "../lib/config/env";
import { ensureTradePartitions, readTrades, writeTrades, deleteTrades } from "../lib/data/tick-store";
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedPostgresHandle } from "../lib/db/embedded-postgres";
import { migrate } from "../lib/db/migrate";
import { createPool } from "../lib/db/pool";
import { allocateTradeColumns, type TradeColumns } from "../lib/market/trade-columns";

const TOTAL = Number(process.argv[2] ?? 5_000_000);
const WRITE_BATCH = 1_000_000;
const DATASET_ID = -4242;
const TICK = 250_000_000n;
const START_NS = BigInt(Date.UTC(2024, 0, 20)) * 1_000_000n;
/** ~30 days for 5M trades: the data crosses a month boundary (two partitions). */
const MEAN_STEP_NS = Math.floor((30 * 86_400e9) / TOTAL);

/** Deterministic synthetic trades [first, first + n): random walk price, occasional same-ts prints. */
function makeBatch(first: number, n: number, baseNs: bigint, state: { offset: number; price: number; seed: number }): TradeColumns {
  const c = allocateTradeColumns(n, baseNs);
  let seed = state.seed;
  const rand = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 4294967296;
  };
  for (let i = 0; i < n; i++) {
    if ((first + i) % 10 !== 0) state.offset += 1 + Math.floor(rand() * 2 * MEAN_STEP_NS);
    state.price += Math.floor(rand() * 3) - 1;
    c.tsOffsetNs[i] = state.offset;
    c.eventDeltaNs[i] = -Math.floor(rand() * 40_000);
    c.priceTicks[i] = state.price;
    c.size[i] = 1 + Math.floor(rand() * 10);
    c.side[i] = rand() < 0.5 ? 1 : -1;
  }
  c.length = n;
  state.seed = seed;
  return c;
}

async function connect(): Promise<{ url: string; embedded?: EmbeddedPostgresHandle }> {
  const { DATABASE_URL } = loadEnv();
  if (DATABASE_URL) return { url: DATABASE_URL };
  const embedded = await startEmbeddedPostgres({ dataDir: ".data/bench-pg", port: 54349 });
  await ensureDatabase(embedded.adminUrl, "tickbench_bench");
  const url = embedded.urlFor("tickbench_bench");
  await migrate({ databaseUrl: url });
  return { url, embedded };
}

async function main(): Promise<void> {
  const { url, embedded } = await connect();
  const pool: pg.Pool = createPool(url, 4);
  try {
    await cleanUp(pool); // leftovers of an interrupted run
    const endGuessNs = START_NS + BigInt(MEAN_STEP_NS) * BigInt(TOTAL) * 2n;
    await ensureTradePartitions(pool, START_NS, endGuessNs);

    // Generate first so the timing covers encoding + COPY only.
    const state = { offset: 0, price: 20_000, seed: 12345 };
    const batches: TradeColumns[] = [];
    let baseNs = START_NS;
    for (let first = 0; first < TOTAL; first += WRITE_BATCH) {
      const n = Math.min(WRITE_BATCH, TOTAL - first);
      state.offset = 0; // each batch is based at the previous batch's last trade
      const batch = makeBatch(first, n, baseNs, state);
      baseNs += BigInt(state.offset);
      batches.push(batch);
    }

    const client = await pool.connect();
    let written = 0;
    const t0 = performance.now();
    try {
      for (const batch of batches) {
        await client.query("BEGIN");
        written += await writeTrades(client, { datasetId: DATASET_ID, instrumentId: 1, tickSizeNano: TICK, firstSeq: BigInt(written) }, batch);
        await client.query("COMMIT");
      }
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      client.release();
    }
    const inSec = (performance.now() - t0) / 1000;
    batches.length = 0;
    // What an import should end with: sets hint bits and the visibility map (otherwise the first
    // read after an import rewrites every page) and refreshes the planner's statistics.
    const tv = performance.now();
    await pool.query("VACUUM (ANALYZE) trade_ticks");
    const vacuumSec = (performance.now() - tv) / 1000;

    const reads: { sec: number; rows: number; batches: number; checksum: number; rssMiB: number }[] = [];
    for (let run = 0; run < 2; run++) {
      const t1 = performance.now();
      let rows = 0;
      let count = 0;
      let checksum = 0;
      let rss = 0;
      for await (const b of readTrades(pool, { datasetId: DATASET_ID, tickSizeNano: TICK })) {
        count++;
        rows += b.length;
        for (let i = 0; i < b.length; i++) checksum += b.size[i] * b.side[i]; // touch the data
        rss = Math.max(rss, process.memoryUsage().rss);
      }
      reads.push({ sec: (performance.now() - t1) / 1000, rows, batches: count, checksum, rssMiB: Math.round(rss / 2 ** 20) });
    }
    const best = reads.reduce((a, b) => (b.sec < a.sec ? b : a));
    if (best.rows !== written) throw new Error(`read ${best.rows} of ${written} rows`);

    const { rows: v } = await pool.query<{ v: string }>("SELECT current_setting('server_version') AS v");
    const result = {
      bench: "tick-store",
      rows: written,
      server: `PostgreSQL ${v[0].v}${embedded ? " (embedded)" : ""}`,
      copyInSec: round(inSec),
      copyInRowsPerSec: Math.round(written / inSec),
      vacuumAnalyzeSec: round(vacuumSec),
      copyOutSec: round(best.sec),
      copyOutRowsPerSec: Math.round(best.rows / best.sec),
      copyOutRunsSec: reads.map((r) => round(r.sec)),
      batches: best.batches,
      peakRssMiB: Math.max(...reads.map((r) => r.rssMiB)),
    };
    console.log(`COPY in : ${written.toLocaleString("en")} rows in ${result.copyInSec} s = ${(result.copyInRowsPerSec / 1e6).toFixed(2)} M rows/s (goal 1.00)`);
    console.log(`VACUUM (ANALYZE) after the import: ${result.vacuumAnalyzeSec} s`);
    console.log(`COPY out: ${best.rows.toLocaleString("en")} rows in ${result.copyOutSec} s = ${(result.copyOutRowsPerSec / 1e6).toFixed(2)} M rows/s (goal 2.50; ${best.batches} batches, runs ${result.copyOutRunsSec.join(" / ")} s)`);
    console.log(JSON.stringify(result));
  } finally {
    await cleanUp(pool).catch((error) => console.error("cleanup failed:", error));
    await pool.end();
    await embedded?.stop();
  }
}

/** Deletes the bench's rows and vacuums, so later runs do not scan the dead tuples. */
async function cleanUp(pool: pg.Pool): Promise<void> {
  if ((await deleteTrades(pool, DATASET_ID)) > 0) await pool.query("VACUUM trade_ticks");
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
