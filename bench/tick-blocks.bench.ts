/**
 * Block store throughput: write 10,000,000 synthetic trades as 45 session-sized `writeTrades`
 * calls in one transaction (as a dataset import does), then stream them back as TradeColumns.
 * Goals on 2 cores: >= 2M trades/s in (COMMIT included), >= 10M trades/s out.
 *
 *   node --import tsx bench/tick-blocks.bench.ts [trades=10000000]   # embedded PostgreSQL (.data/bench-blocks-pg)
 *   DATABASE_URL=postgres://... node --import tsx bench/tick-blocks.bench.ts   # an already migrated database
 *
 * Prints a human summary and one JSON line. The bench's blocks (dataset id -4243) are deleted after.
 */
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { loadEnv } from "../lib/config/env";
import { deleteTrades, ensureTradePartitions, readTrades, writeTrades } from "../lib/data/tick-blocks";
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedPostgresHandle } from "../lib/db/embedded-postgres";
import { migrate } from "../lib/db/migrate";
import { createPool } from "../lib/db/pool";
import { allocateTradeColumns, type TradeColumns } from "../lib/market/trade-columns";

const TOTAL = Number(process.argv[2] ?? 10_000_000);
const SESSIONS = 45;
const DATASET_ID = -4243;
const TICK = 250_000_000n;
const DAY_NS = 86_400_000_000_000n;
/** Sessions open at 23:00 UTC on weekdays from 2024-01-15: 45 of them run into March. */
const FIRST_OPEN_NS = BigInt(Date.UTC(2024, 0, 14, 23)) * 1_000_000n;
const SESSION_NS = 22 * 3_600e9;
/** Whole-dataset reads (the best and the median are reported), then one cut at session opens. */
const READ_RUNS = 4;

/** Session opens: weekdays (Sunday..Thursday evenings, as on Globex). */
function sessionOpens(count: number): bigint[] {
  const opens: bigint[] = [];
  for (let day = 0; opens.length < count; day++) {
    const open = FIRST_OPEN_NS + BigInt(day) * DAY_NS;
    const weekday = new Date(Number(open / 1_000_000n)).getUTCDay(); // 0 = Sunday
    if (weekday <= 4) opens.push(open);
  }
  return opens;
}

/**
 * Deterministic synthetic session: random-walk price, ~10% prints at the previous trade's time,
 * heavy-ish sizes, a few tens of microseconds between exchange and receive time.
 */
function makeSession(n: number, openNs: bigint, state: { price: number; seed: number }): TradeColumns {
  const c = allocateTradeColumns(n, openNs);
  const meanStep = SESSION_NS / n;
  let seed = state.seed;
  const rand = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 4294967296;
  };
  let offset = 0;
  for (let i = 0; i < n; i++) {
    if (i > 0 && rand() >= 0.1) offset += 1 + Math.floor(rand() * 2 * meanStep);
    if (rand() < 0.3) state.price += rand() < 0.5 ? -1 : 1;
    c.tsOffsetNs[i] = offset;
    c.eventDeltaNs[i] = -Math.floor(rand() * 40_000) - 1;
    c.priceTicks[i] = state.price;
    c.size[i] = rand() < 0.9 ? 1 + Math.floor(rand() * 4) : 1 + Math.floor(rand() * 200);
    c.side[i] = rand() < 0.5 ? 1 : -1;
  }
  c.length = n;
  state.seed = seed;
  return c;
}

async function connect(): Promise<{ url: string; embedded?: EmbeddedPostgresHandle }> {
  const { DATABASE_URL } = loadEnv();
  if (DATABASE_URL) return { url: DATABASE_URL };
  const embedded = await startEmbeddedPostgres({ dataDir: ".data/bench-blocks-pg", port: 54359 });
  await ensureDatabase(embedded.adminUrl, "tickbench_bench");
  const url = embedded.urlFor("tickbench_bench");
  await migrate({ databaseUrl: url });
  return { url, embedded };
}

async function main(): Promise<void> {
  const { url, embedded } = await connect();
  const pool: pg.Pool = createPool(url, 4);
  const loadBefore = loadavg()[0];
  try {
    await cleanUp(pool); // leftovers of an interrupted run
    const opens = sessionOpens(SESSIONS);
    await ensureTradePartitions(pool, opens[0], opens[SESSIONS - 1] + DAY_NS);

    // Generate first so the timing covers encoding + COPY + COMMIT only.
    const state = { price: 80_000, seed: 12345 };
    let sessions: TradeColumns[] = opens.map((open, k) =>
      makeSession(Math.floor((TOTAL * (k + 1)) / SESSIONS) - Math.floor((TOTAL * k) / SESSIONS), open, state),
    );

    const client = await pool.connect();
    let written = 0;
    const t0 = performance.now();
    try {
      await client.query("BEGIN");
      for (const session of sessions) {
        written += await writeTrades(client, { datasetId: DATASET_ID, instrumentId: 1, tickSizeNano: TICK, firstSeq: BigInt(written) }, session);
      }
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      client.release();
    }
    const inSec = (performance.now() - t0) / 1000;
    sessions = [];
    // What an import should end with: hint bits, visibility map, statistics.
    const tv = performance.now();
    await pool.query("VACUUM (ANALYZE) trade_blocks");
    const vacuumSec = (performance.now() - tv) / 1000;

    const reads: { sec: number; ticks: number; batches: number; checksum: number; rssMiB: number }[] = [];
    for (let run = 0; run <= READ_RUNS; run++) {
      const t1 = performance.now();
      let ticks = 0;
      let count = 0;
      let checksum = 0;
      let rss = 0;
      // The last run reads session by session, as the executor would with session boundaries.
      const options = run < READ_RUNS ? {} : { batchBoundaryNs: opens };
      for await (const b of readTrades(pool, { datasetId: DATASET_ID, tickSizeNano: TICK, ...options })) {
        count++;
        ticks += b.length;
        for (let i = 0; i < b.length; i++) checksum += b.size[i] * b.side[i]; // touch the data
        rss = Math.max(rss, process.memoryUsage().rss);
      }
      reads.push({ sec: (performance.now() - t1) / 1000, ticks, batches: count, checksum, rssMiB: Math.round(rss / 2 ** 20) });
    }
    const whole = reads.slice(0, READ_RUNS).sort((a, b) => a.sec - b.sec);
    const best = whole[0];
    const median = (whole[(READ_RUNS - 1) >> 1].sec + whole[READ_RUNS >> 1].sec) / 2;
    for (const r of reads) {
      if (r.ticks !== written || r.checksum !== reads[0].checksum) throw new Error(`read ${r.ticks} of ${written} trades (checksum ${r.checksum})`);
    }

    const { rows: size } = await pool.query<{ blocks: string; payload: string; total: string }>(
      `SELECT (SELECT count(*) FROM trade_blocks WHERE dataset_id = $1)::text AS blocks,
              (SELECT sum(octet_length(ts_offsets) + octet_length(event_deltas) + octet_length(prices) + octet_length(sizes)
                          + octet_length(sides) + octet_length(flags)) FROM trade_blocks WHERE dataset_id = $1)::text AS payload,
              (SELECT sum(pg_total_relation_size(i.inhrelid)) FROM pg_inherits i
                WHERE i.inhparent = 'trade_blocks'::regclass
                  AND EXISTS (SELECT 1 FROM trade_blocks b WHERE b.tableoid = i.inhrelid AND b.dataset_id = $1))::text AS total`,
      [DATASET_ID],
    );
    const { rows: v } = await pool.query<{ v: string }>("SELECT current_setting('server_version') AS v");
    const result = {
      bench: "tick-blocks",
      ticks: written,
      sessions: SESSIONS,
      blocks: Number(size[0].blocks),
      server: `PostgreSQL ${v[0].v}${embedded ? " (embedded)" : ""}`,
      writeSec: round(inSec),
      writeTicksPerSec: Math.round(written / inSec),
      vacuumAnalyzeSec: round(vacuumSec),
      readSec: round(best.sec),
      readTicksPerSec: Math.round(best.ticks / best.sec),
      readMedianSec: round(median),
      readRunsSec: reads.slice(0, READ_RUNS).map((r) => round(r.sec)),
      readBatches: best.batches,
      sessionReadSec: round(reads[READ_RUNS].sec),
      sessionReadBatches: reads[READ_RUNS].batches,
      peakRssMiB: Math.max(...reads.map((r) => r.rssMiB)),
      payloadBytesPerTick: round(Number(size[0].payload) / written),
      diskBytesPerTick: round(Number(size[0].total) / written),
      // The machine's 1-minute load average before and after: with 2 cores, anything above ~1
      // means other processes shared the CPU with the bench and PostgreSQL.
      loadAvg: [round(loadBefore), round(loadavg()[0])],
    };
    const m = (x: number) => (x / 1e6).toFixed(2);
    console.log(`write: ${written.toLocaleString("en")} trades in ${SESSIONS} calls + COMMIT: ${result.writeSec} s = ${m(result.writeTicksPerSec)} M/s (goal 2.00)`);
    console.log(`VACUUM (ANALYZE) after the import: ${result.vacuumAnalyzeSec} s`);
    console.log(`read : ${best.ticks.toLocaleString("en")} trades in ${result.readSec} s = ${m(result.readTicksPerSec)} M/s (goal 10.00; ${best.batches} batches; median ${result.readMedianSec} s of ${result.readRunsSec.join(" / ")} s)`);
    console.log(`read by session (boundaries at the ${SESSIONS} opens): ${result.sessionReadSec} s, ${result.sessionReadBatches} batches`);
    console.log(`size : ${result.blocks} blocks, ${result.payloadBytesPerTick} packed bytes/trade, ${result.diskBytesPerTick} bytes/trade on disk (partitions with TOAST and index); peak RSS while reading ${result.peakRssMiB} MiB`);
    console.log(`load average (1 min) before / after: ${result.loadAvg.join(" / ")}`);
    console.log(JSON.stringify(result));
  } finally {
    await cleanUp(pool).catch((error) => console.error("cleanup failed:", error));
    await pool.end();
    await embedded?.stop();
  }
}

/** Deletes the bench's blocks and vacuums, so later runs do not scan dead tuples. */
async function cleanUp(pool: pg.Pool): Promise<void> {
  if ((await deleteTrades(pool, DATASET_ID)) > 0) await pool.query("VACUUM trade_blocks");
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
