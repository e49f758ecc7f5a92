/**
 * A Tickbench worker process: consumes backtest jobs from the PostgreSQL queue (pg-boss), runs
 * them, publishes progress through the Socket.IO PostgreSQL emitter, heartbeats, and fails over
 * runs of dead workers. Start any number of them against the same database: `npm run worker`.
 *
 * Configuration (environment): DATABASE_URL (required), WORKER_CONCURRENCY, RUN_STALL_AFTER_SEC,
 * PROGRESS_INTERVAL_MS, WORKER_CHUNK_EVENTS, WORKER_CHUNK_DELAY_MS, RUN_MEMORY_MB,
 * STRATEGY_HANDLER_BUDGET_MS, LOG_LEVEL.
 */
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { loadEnv } from "../lib/config/env";
import { createPool } from "../lib/db/pool";
import { createPrisma } from "../lib/db/prisma";
import { BACKTEST_QUEUE, backtestJobSchema, ensureQueues, IMPORT_QUEUE, importJobSchema, startBoss } from "../lib/jobs/queue";
import { createLogger } from "../lib/log/logger";
import { executeRun } from "../lib/runs/run-executor";
import { reapRuns } from "../lib/runs/run-reaper";
import { ProgressEmitter } from "../lib/realtime/progress-emitter";
import { codeVersion } from "../lib/version";
import { executeImport } from "../lib/imports/import-executor";
import { reapImports } from "../lib/imports/import-reaper";
import { uploadRoot } from "../lib/imports/upload-store";
import { importTrades } from "../lib/data/import/import-trades";

async function main() {
  const env = loadEnv();
  const log = createLogger("worker", env.LOG_LEVEL);
  if (!env.DATABASE_URL) {
    log.fatal("DATABASE_URL is required to start a worker");
    process.exit(2);
  }
  const workerId = `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
  const concurrency = Math.max(1, env.WORKER_CONCURRENCY);
  const pool = createPool(env.DATABASE_URL, concurrency * 2 + 4);
  const db = createPrisma(env.DATABASE_URL, 4);
  const emitter = new ProgressEmitter(pool);
  const engineVersion = codeVersion();
  const chunkEvents = Number(process.env.WORKER_CHUNK_EVENTS ?? 250_000);
  const chunkDelayMs = Number(process.env.WORKER_CHUNK_DELAY_MS ?? 0);
  let stopping = false;
  let active = 0;

  // Retry the initial connection: the database may still be starting (transient by design).
  let boss;
  for (let attempt = 1; ; attempt++) {
    try {
      boss = await startBoss(env.DATABASE_URL, "worker");
      await ensureQueues(boss, env.RUN_TIME_LIMIT_SEC);
      break;
    } catch (error) {
      if (attempt >= 30) throw error;
      log.warn({ err: error, attempt }, "database not reachable yet; retrying");
      await new Promise((r) => setTimeout(r, Math.min(5000, 200 * 2 ** attempt)));
    }
  }

  const beat = async () => {
    await pool.query(
      `INSERT INTO worker_heartbeats (id, hostname, pid, concurrency, active_runs) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (id) DO UPDATE SET last_seen_at = now(), active_runs = EXCLUDED.active_runs`,
      [workerId, hostname(), process.pid, concurrency, active],
    );
  };
  await beat();
  const heartbeat = setInterval(() => beat().catch((err) => log.warn({ err }, "heartbeat failed")), 5000);

  const failoverAfterSec = env.RUN_STALL_AFTER_SEC * 2;
  const reaper = setInterval(
    () => {
      reapRuns({ pool, boss, log, failoverAfterSec }).catch((err) => log.warn({ err }, "reaper failed"));
    },
    Math.max(1000, Math.min(10_000, (env.RUN_STALL_AFTER_SEC * 1000) / 2)),
  );

  const deps = {
    db,
    pool,
    log,
    workerId,
    engineVersion,
    progressIntervalMs: env.PROGRESS_INTERVAL_MS,
    chunkEvents,
    chunkDelayMs,
    shuttingDown: () => stopping,
    // Every run in its own worker_threads sandbox with a watchdog (lib/runs/sandbox).
    sandbox: {
      databaseUrl: env.DATABASE_URL,
      memoryMb: env.RUN_MEMORY_MB,
      handlerBudgetMs: env.STRATEGY_HANDLER_BUDGET_MS,
      testStrategies: env.TICKBENCH_TEST_STRATEGIES,
    },
    publish: (state: Parameters<Parameters<typeof executeRun>[0]["publish"]>[0]) => {
      try {
        emitter.publish(state);
      } catch (err) {
        log.warn({ err }, "progress publish failed");
      }
    },
  };

  // pg-boss 10 runs one job at a time per work() call: register `concurrency` of them.
  for (let i = 0; i < concurrency; i++) {
    await boss.work(BACKTEST_QUEUE, { batchSize: 1, pollingIntervalSeconds: 0.5 }, async ([job]) => {
      const { runId } = backtestJobSchema.parse(job.data);
      active++;
      try {
        await executeRun(deps, runId);
      } finally {
        active--;
      }
    });
  }
  // Imports (lib/imports): one at a time per worker process; their own reaper.
  const importDeps = {
    db,
    pool,
    log,
    workerId,
    importer: importTrades,
    uploadRoot: uploadRoot(env),
    progressIntervalMs: env.PROGRESS_INTERVAL_MS,
    shuttingDown: () => stopping,
    publish: (state: Parameters<Parameters<typeof executeImport>[0]["publish"]>[0]) => {
      try {
        emitter.publishImport(state);
      } catch (err) {
        log.warn({ err }, "import progress publish failed");
      }
    },
  };
  await boss.work(IMPORT_QUEUE, { batchSize: 1, pollingIntervalSeconds: 0.5 }, async ([job]) => {
    const { importJobId } = importJobSchema.parse(job.data);
    active++;
    try {
      await executeImport(importDeps, importJobId);
    } finally {
      active--;
    }
  });
  const importReaper = setInterval(
    () => {
      reapImports({ pool, boss, log, uploadRoot: importDeps.uploadRoot, failoverAfterSec }).catch((err) => log.warn({ err }, "import reaper failed"));
    },
    Math.max(1000, Math.min(10_000, (env.RUN_STALL_AFTER_SEC * 1000) / 2)),
  );
  log.info({ workerId, concurrency, engineVersion }, "worker ready");

  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, active }, "worker stopping");
    clearInterval(reaper);
    clearInterval(importReaper);
    clearInterval(heartbeat);
    // Running jobs notice `stopping` at their next slice and hand their run back to the queue.
    await boss.stop({ graceful: true, wait: true, timeout: 15_000 }).catch(() => {});
    await pool.query("DELETE FROM worker_heartbeats WHERE id = $1", [workerId]).catch(() => {});
    await db.$disconnect().catch(() => {});
    await pool.end().catch(() => {});
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((error) => {
  console.error(JSON.stringify({ level: 60, msg: "worker crashed", err: String(error?.stack ?? error) }));
  process.exit(1);
});
