/**
 * End to end: ~10,000,000 MNQ trades stored in PostgreSQL -> a stored result, through the same
 * executor the worker uses (`executeRun`: claim, stream the dataset session by session from the
 * block store, engine + `sma-cross`, statistics, result rows incl. every fill, final state), both
 * as the worker runs it (in a worker_threads sandbox, thread start included) and in-process. Goal (issue 4): at most
 * 5 s for 10 M ticks, about 100 bytes of memory per tick in flight, never the whole dataset in
 * memory.
 *
 *   node --import tsx bench/run-e2e.bench.ts [sessions=46]   # embedded PostgreSQL (.data/bench-e2e-pg)
 *   DATABASE_URL=postgres://... node --import tsx bench/run-e2e.bench.ts
 *
 * The dataset (generated once, ~222,000 trades per session as the demo generator makes them) is kept
 * between runs of the bench in its own database; the run rows are deleted after each measurement.
 * Memory: peak RSS growth during the run divided by the largest session (the unit of streaming),
 * i.e. bytes of memory per tick in flight. Prints a human summary and one JSON line.
 */
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { loadEnv } from "../lib/config/env";
import { createPrisma } from "../lib/db/prisma";
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedPostgresHandle } from "../lib/db/embedded-postgres";
import { migrate } from "../lib/db/migrate";
import { createPool } from "../lib/db/pool";
import { generateDataset } from "../lib/data/datasets";
import { bootstrapDatabase } from "../lib/server/bootstrap";
import { createLogger } from "../lib/log/logger";
import { executeRun, type ExecutorDeps } from "../lib/runs/run-executor";

const SESSIONS = Number(process.argv[2] ?? 46);
const DATASET = `bench-e2e-${SESSIONS}`;
const RUNS = 5;

/** The first `n` weekdays from Monday 2025-01-06 (holidays among them simply have no session). */
function weekdays(n: number): string[] {
  const out: string[] = [];
  for (let t = Date.UTC(2025, 0, 6); out.length < n; t += 86_400_000) {
    const d = new Date(t);
    if (d.getUTCDay() >= 1 && d.getUTCDay() <= 5) out.push(d.toISOString().slice(0, 10));
  }
  return out;
}

async function connect(): Promise<{ url: string; embedded?: EmbeddedPostgresHandle }> {
  const { DATABASE_URL } = loadEnv();
  if (DATABASE_URL) return { url: DATABASE_URL };
  const embedded = await startEmbeddedPostgres({ dataDir: ".data/bench-e2e-pg", port: Number(process.env.BENCH_PG_PORT ?? 54369) });
  await ensureDatabase(embedded.adminUrl, "tickbench_bench_e2e");
  const url = embedded.urlFor("tickbench_bench_e2e");
  await migrate({ databaseUrl: url });
  return { url, embedded };
}

async function main(): Promise<void> {
  const { url, embedded } = await connect();
  const env = loadEnv({ ...process.env, DATABASE_URL: url, ADMIN_EMAIL: "bench@bench.local", ADMIN_PASSWORD: "bench-password" });
  await bootstrapDatabase({ env, databaseUrl: url, seedDemo: false, log: () => {} });
  const pool = createPool(url, 4);
  const db = createPrisma(url, 4);
  try {
    const dates = weekdays(SESSIONS);
    let dataset = await db.dataset.findUnique({ where: { name: DATASET } });
    if (!dataset) {
      const t = performance.now();
      const report = await generateDataset(db, pool, { name: DATASET, instrument: "MNQ", from: dates[0], to: dates[dates.length - 1], seed: 42 });
      console.log(`generated ${report.records.toLocaleString("en-US")} trades in ${report.sessions} sessions (${((performance.now() - t) / 1000).toFixed(1)} s, setup, not measured)`);
      dataset = await db.dataset.findUniqueOrThrow({ where: { name: DATASET } });
      await pool.query("VACUUM (ANALYZE) trade_blocks");
    }
    const ticks = Number(dataset.recordCount);
    const { rows: largest } = await pool.query<{ n: string }>(
      "SELECT max(n)::text AS n FROM (SELECT sum(tick_count) AS n FROM trade_blocks WHERE dataset_id = $1 GROUP BY date_trunc('day', to_timestamp(first_ts_recv / 1e9) + interval '7 hours')) s",
      [dataset.id],
    );
    const largestSession = Number(largest[0].n);
    const owner = await db.user.findFirstOrThrow({ select: { id: true } });

    const deps: ExecutorDeps = {
      db,
      pool,
      log: createLogger("bench", "silent"),
      workerId: "bench",
      engineVersion: "bench",
      publish: () => {},
      progressIntervalMs: 100,
      chunkEvents: 1_000_000,
      chunkDelayMs: 0,
      shuttingDown: () => false,
    };
    const measure = async (deps: ExecutorDeps) => {
    const results: { sec: number; events: number; roundTrips: number; peakGrowthMiB: number }[] = [];
    for (let k = 0; k < RUNS; k++) {
      const params = { barSeconds: 60, fast: 10, slow: 30, qty: 1 };
      const definition = await db.backtestDefinition.create({
        data: { ownerId: owner.id, name: "bench", strategyId: "sma-cross", params, datasetId: dataset.id, config: {} },
        select: { id: true },
      });
      const run = await db.run.create({
        data: {
          ownerId: owner.id,
          definitionId: definition.id,
          name: "bench",
          strategyId: "sma-cross",
          params,
          config: {},
          datasetId: dataset.id,
          datasetName: dataset.name,
          datasetVersion: dataset.version,
          eventsTotal: dataset.recordCount,
          timeLimitSec: 600,
          seed: 1,
        },
      });
      global.gc?.();
      const baseline = process.memoryUsage().rss;
      let peak = baseline;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
      const t0 = performance.now();
      await executeRun(deps, run.id);
      const sec = (performance.now() - t0) / 1000;
      clearInterval(sampler);
      peak = Math.max(peak, process.memoryUsage().rss);
      const stored = await db.run.findUniqueOrThrow({ where: { id: run.id }, select: { status: true, error: true, eventsProcessed: true, result: { select: { tradeCount: true } } } });
      if (stored.status !== "succeeded" || !stored.result) throw new Error(`run ${stored.status}: ${stored.error}`);
      results.push({ sec, events: Number(stored.eventsProcessed), roundTrips: stored.result.tradeCount, peakGrowthMiB: (peak - baseline) / 2 ** 20 });
      await db.backtestDefinition.delete({ where: { id: definition.id } });
    }
    return results;
    };
    const sandboxed = await measure({ ...deps, sandbox: { databaseUrl: url, memoryMb: 1024, handlerBudgetMs: 5000, testStrategies: false } });
    const results = await measure(deps);
    const sortedSandboxed = [...sandboxed].sort((a, b) => a.sec - b.sec);
    const medianSandboxed = sortedSandboxed[(RUNS - 1) >> 1];
    const sorted = [...results].sort((a, b) => a.sec - b.sec);
    const median = sorted[(RUNS - 1) >> 1];
    // The first run also pays one-time costs (JIT, pool connections, Prisma's engine): the median run is the steady state.
    const growth = [...results].sort((a, b) => a.peakGrowthMiB - b.peakGrowthMiB);
    const bytesPerTick = (growth[(RUNS - 1) >> 1].peakGrowthMiB * 2 ** 20) / largestSession;
    const firstBytesPerTick = (results[0].peakGrowthMiB * 2 ** 20) / largestSession;
    console.log(`dataset: ${ticks.toLocaleString("en-US")} trades, ${SESSIONS} sessions, largest session ${largestSession.toLocaleString("en-US")}`);
    for (const r of sandboxed) console.log(`  sandboxed run: ${r.sec.toFixed(2)} s, ${r.events.toLocaleString("en-US")} events, ${r.roundTrips} round trips`);
    console.log(`as the worker runs it (worker_threads sandbox): median ${medianSandboxed.sec.toFixed(2)} s (best ${sortedSandboxed[0].sec.toFixed(2)} s) = ${(ticks / medianSandboxed.sec / 1e6).toFixed(1)} M ticks/s`);
    for (const r of results) console.log(`  in-process run: ${r.sec.toFixed(2)} s, ${r.events.toLocaleString("en-US")} events, ${r.roundTrips} round trips, peak RSS +${r.peakGrowthMiB.toFixed(0)} MiB`);
    console.log(`in-process: stored ticks -> stored result: median ${median.sec.toFixed(2)} s (best ${sorted[0].sec.toFixed(2)} s) = ${(ticks / median.sec / 1e6).toFixed(1)} M ticks/s end to end (goal <= 5 s for 10 M)`);
    console.log(`memory in flight: ~${bytesPerTick.toFixed(0)} bytes per tick of the largest session, median run (first run, with one-time costs: ${firstBytesPerTick.toFixed(0)}); peak RSS growth / session ticks; goal ~100`);
    console.log(
      JSON.stringify({
        bench: "run-e2e",
        ticks,
        sessions: SESSIONS,
        sandboxedMedianSec: +medianSandboxed.sec.toFixed(3),
        medianSec: +median.sec.toFixed(3),
        bestSec: +sorted[0].sec.toFixed(3),
        ticksPerSec: Math.round(ticks / median.sec),
        bytesPerTickInFlight: Math.round(bytesPerTick),
        firstRunBytesPerTick: Math.round(firstBytesPerTick),
        loadavg: +loadavg()[0].toFixed(2),
      }),
    );
  } finally {
    await db.$disconnect();
    await pool.end();
    await embedded?.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
