/**
 * Executes one backtest job inside a worker process.
 *
 * Ownership: a run is claimed by bumping `attempt`; every later write is conditional on that
 * attempt, so a worker that lost the run (it was presumed dead and handed to another worker)
 * can neither publish progress nor store a second result. `run_results.run_id` is a primary key,
 * which makes "exactly one result per run" a database invariant too.
 *
 * Failure policy: an error thrown by the engine or the strategy fails the run (no retry, the
 * message and the strategy's stack are shown to the user); an infrastructure error (database
 * unreachable...) is rethrown so pg-boss retries the job with backoff; cancellation and the time
 * limit end the run cleanly.
 *
 * Isolation: with `deps.sandbox` (every worker) the replay runs in a worker_threads thread under a
 * watchdog (lib/runs/sandbox): a handler over its time budget, a run past its time limit or a heap
 * over the memory cap stops the thread, fails the run with a message naming the cause, and the
 * worker goes on with its next job. The thread only reads; every write of run state stays here.
 *
 * Provenance: the claim records the engine version (git commit) and the dataset version replayed;
 * the replay records the SHA-256 of the strategy's source file; parameters, configuration (fill
 * model, latency, fees...) and seed were stored with the run when it was created.
 */
import type pg from "pg";
import { AppError, isTransientError } from "../errors";
import type { Logger } from "../log/logger";
import type { Db } from "../db/prisma";
import type { BacktestResult } from "../engine/result";
import type { ExecutedRoll } from "../engine/roll";
import { resultHash } from "../engine/result-hash";
import { withTransaction } from "../db/transaction";
import type { BacktestStatistics } from "../statistics";
import type { StrategyModule } from "../engine/strategy";
import { describeFailure, loadBacktestDataset, StrategyFailure, type BacktestInputs } from "./backtest-replay";
import { InProcessReplaySource } from "./sandbox/in-process-source";
import { ReplayClosed, RunFailure, type ReplaySource, type SliceProgress } from "./sandbox/replay-source";
import { ThreadReplaySource, type SandboxOptions } from "./sandbox/thread-source";
import { toHaltDto, toProgressDto, type EquitySeriesDto, type ResultMetricsDto, type RollDto, type RunProgressDto, type RunStatus } from "./run-dto";
import { insertRunFills } from "./run-fills";

export interface ExecutorDeps {
  db: Db;
  pool: pg.Pool;
  log: Logger;
  workerId: string;
  engineVersion: string;
  publish: (state: RunProgressDto) => void;
  progressIntervalMs: number;
  /** Events per engine slice between two yields to the event loop. */
  chunkEvents: number;
  /** Optional pause between slices (replay pacing; 0 in production). */
  chunkDelayMs: number;
  /** Set when the worker shuts down: the run is handed back to the queue. */
  shuttingDown: () => boolean;
  /** Strategy lookup (default: the built-in registry). Only for replays without a sandbox. */
  findStrategy?: (id: string) => StrategyModule | undefined;
  /**
   * Replay in a worker_threads sandbox under a watchdog (workers always set it). Without it the
   * replay runs on this thread: tests that inject inline strategies or database faults.
   */
  sandbox?: SandboxOptions;
}

class LostOwnership extends Error {}

interface Claimed {
  id: string;
  attempt: number;
  strategy_id: string;
  params: Record<string, unknown>;
  config: unknown;
  dataset_id: number | null;
  dataset_name: string;
  time_limit_sec: number;
  seed: number;
  cancel_requested: boolean;
  status: RunStatus;
}

async function claim(pool: pg.Pool, runId: string, workerId: string, engineVersion: string): Promise<Claimed | "finished" | "cancelled"> {
  const { rows } = await pool.query<Claimed>(
    `UPDATE runs SET status = 'running', attempt = attempt + 1, worker_id = $2, engine_version = $3,
            dataset_version = COALESCE((SELECT d.version FROM datasets d WHERE d.id = runs.dataset_id), dataset_version),
            started_at = COALESCE(started_at, now()), heartbeat_at = now(), error = NULL
      WHERE id = $1 AND status IN ('queued', 'running') AND NOT cancel_requested
      RETURNING id, attempt, strategy_id, params, config, dataset_id, dataset_name, time_limit_sec, seed, cancel_requested, status`,
    [runId, workerId, engineVersion],
  );
  if (rows[0]) return rows[0];
  const { rows: cancelled } = await pool.query(
    `UPDATE runs SET status = 'cancelled', finished_at = now(), error = COALESCE(error, 'Cancelled by user')
      WHERE id = $1 AND status IN ('queued', 'running') AND cancel_requested RETURNING id`,
    [runId],
  );
  return cancelled.length ? "cancelled" : "finished";
}

async function finishWith(
  pool: pg.Pool,
  run: Claimed,
  status: "failed" | "cancelled",
  error: string,
): Promise<boolean> {
  const { rowCount } = await pool.query(
    `UPDATE runs SET status = $3, error = $4, finished_at = now(), heartbeat_at = now(), eta_ms = NULL
      WHERE id = $1 AND attempt = $2 AND status = 'running'`,
    [run.id, run.attempt, status, error],
  );
  return (rowCount ?? 0) > 0;
}

/** The run's current state as every watcher sees it (a worker's own run is never "stalled"). */
async function readState(db: Db, runId: string): Promise<RunProgressDto | null> {
  const run = await db.run.findUnique({ where: { id: runId } });
  return run ? toProgressDto(run, Number.POSITIVE_INFINITY) : null;
}

/** Metrics as stored with the result: the engine's figures plus the run's start and end equity. */
function storedMetrics(result: BacktestResult): ResultMetricsDto {
  return {
    ...result.metrics,
    events: result.events,
    startingCashUsd: result.startingCashCents / 100,
    finalEquityUsd: result.finalEquityCents / 100,
    ...(result.rollSchedule ? { rollSchedule: result.rollSchedule, rolls: (result.rolls ?? []).map(toRollDto) } : {}),
    ...(result.halts ? { halts: result.halts.map(toHaltDto) } : {}),
  };
}

/** A roll of the result as stored (JSON: bigint as strings, NaN as null). */
function toRollDto(r: ExecutedRoll): RollDto {
  return {
    at: new Date(Number(r.atNs / 1_000_000n)).toISOString(),
    atNs: r.atNs.toString(),
    fromContract: r.fromContract,
    toContract: r.toContract,
    closedQty: r.closedQty,
    fromPriceTicks: Number.isNaN(r.fromPriceTicks) ? null : r.fromPriceTicks,
    toPriceTicks: r.toPriceTicks,
    fillIds: [...r.fillIds],
    cancelledOrderIds: [...r.cancelledOrderIds],
  };
}

/** The equity series for charts, in USD. */
function storedEquity(result: BacktestResult): EquitySeriesDto {
  return { tsMs: result.equity.tsMs, equityUsd: result.equity.equityCents.map((c) => c / 100) };
}

async function storeResult(
  pool: pg.Pool,
  run: Claimed,
  result: BacktestResult,
  lastSimTimeNs: bigint,
  statistics: BacktestStatistics | null,
): Promise<boolean> {
  return withTransaction(pool, async (client) => {
    const owned = await client.query(
      `UPDATE runs SET status = 'succeeded', progress = 1, finished_at = now(), heartbeat_at = now(), eta_ms = 0,
              events_processed = $3, equity_cents = $4, sim_time_ns = COALESCE($5, sim_time_ns)
        WHERE id = $1 AND attempt = $2 AND status = 'running' AND NOT cancel_requested`,
      [run.id, run.attempt, result.events, result.finalEquityCents, lastSimTimeNs === 0n ? null : lastSimTimeNs.toString()],
    );
    if (!owned.rowCount) return false;
    await client.query(
      `INSERT INTO run_results (run_id, attempt, metrics, equity, trade_count, result_hash, statistics) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        run.id,
        run.attempt,
        JSON.stringify(storedMetrics(result)),
        JSON.stringify(storedEquity(result)),
        result.trades.length,
        resultHash(result),
        statistics === null ? null : JSON.stringify(statistics),
      ],
    );
    const trades = result.trades;
    for (let start = 0; start < trades.length; start += 1000) {
      const slice = trades.slice(start, start + 1000);
      const values: unknown[] = [];
      const tuples = slice.map((t, j) => {
        const o = j * 10;
        values.push(run.id, start + j + 1, t.side, t.qty, t.entryTimeNs.toString(), t.exitTimeNs.toString(), t.entryPrice, t.exitPrice, t.pnlCents, t.feesCents);
        return `($${o + 1}, $${o + 2}, $${o + 3}, $${o + 4}, $${o + 5}, $${o + 6}, $${o + 7}, $${o + 8}, $${o + 9}, $${o + 10})`;
      });
      await client.query(
        `INSERT INTO run_trades (run_id, seq, side, qty, entry_ns, exit_ns, entry_price, exit_price, pnl_cents, fees_cents) VALUES ${tuples.join(",")}`,
        values,
      );
    }
    // Every fill, for the trade chart and the audit of each execution (lib/runs/run-fills.ts).
    await insertRunFills(client, run.id, run.dataset_id, result.fills);
    return true;
  });
}

export async function executeRun(deps: ExecutorDeps, runId: string): Promise<void> {
  const { pool, log } = deps;
  const claimed = await claim(pool, runId, deps.workerId, deps.engineVersion);
  if (claimed === "finished" || claimed === "cancelled") {
    const state = await readState(deps.db, runId);
    if (state) deps.publish(state);
    log.info({ runId, outcome: claimed }, "run needs no execution");
    return;
  }
  const run = claimed;
  const runLog = log.child({ runId, attempt: run.attempt });
  runLog.info("run started");

  const fail = async (status: "failed" | "cancelled", message: string) => {
    if (await finishWith(pool, run, status, message)) {
      runLog.info({ status, message: message.split("\n")[0] }, "run ended");
      const state = await readState(deps.db, run.id);
      if (state) deps.publish(state);
    }
  };

  try {
    await replay(deps, run, runLog, fail);
  } catch (error) {
    if (error instanceof RunFailure) {
      await fail("failed", error.message);
      return;
    }
    if (error instanceof StrategyFailure) {
      await fail("failed", describeFailure(error));
      return;
    }
    if (error instanceof LostOwnership) {
      runLog.warn("run taken over by another attempt or cancelled; stopping");
      return;
    }
    if (isTransientError(error)) {
      runLog.warn({ err: error }, "transient failure; the job will be retried");
      await pool
        .query(`UPDATE runs SET status = 'queued', worker_id = NULL, error = $3 WHERE id = $1 AND attempt = $2 AND status = 'running'`, [
          run.id,
          run.attempt,
          `Retrying after a transient failure: ${(error as Error).message}`,
        ])
        .catch(() => {});
      throw error;
    }
    runLog.error({ err: error }, "run failed");
    await fail("failed", `Internal error: ${(error as Error).message ?? String(error)}`).catch(() => {});
  }
}

type FailFn = (status: "failed" | "cancelled", message: string) => Promise<void>;

async function replay(deps: ExecutorDeps, run: Claimed, runLog: Logger, fail: FailFn): Promise<void> {
  const { pool } = deps;
  const startedMs = Date.now();
  const deadlineMs = startedMs + run.time_limit_sec * 1000;
  const inputs: BacktestInputs = {
    strategyId: run.strategy_id,
    params: run.params,
    config: run.config,
    datasetId: run.dataset_id,
    datasetName: run.dataset_name,
    seed: run.seed,
  };
  const pacing = { chunkEvents: deps.chunkEvents, chunkDelayMs: deps.chunkDelayMs };
  const source: ReplaySource = deps.sandbox
    ? new ThreadReplaySource({
        sandbox: deps.sandbox,
        dataset: await loadBacktestDataset(deps.db, run.dataset_id, run.config),
        inputs,
        ...pacing,
        deadlineMs,
        timeLimitSec: run.time_limit_sec,
      })
    : new InProcessReplaySource({ db: deps.db, pool, inputs, ...pacing, findStrategy: deps.findStrategy });

  let total = 0;
  let processed = 0;
  let last: SliceProgress = { events: 0, simTimeNs: 0n, equityCents: 0 };
  let opened = false;
  let lastPublishMs = 0;
  let lastRateMs = startedMs;
  let lastRateEvents = 0;
  let rate = 0;
  let cancelRequested = false;
  let lostOwnership = false;

  /** Writes progress + heartbeat (conditional on ownership) and publishes it; throttled. */
  const report = async (force: boolean) => {
    if (!opened) {
      // Still preparing (a sandbox thread starting, the events being counted): beat only, so the
      // reaper does not take the run for abandoned.
      const { rows } = await pool.query(
        `UPDATE runs SET heartbeat_at = now() WHERE id = $1 AND attempt = $2 AND status = 'running' RETURNING cancel_requested`,
        [run.id, run.attempt],
      );
      if (!rows[0]) throw new LostOwnership();
      cancelRequested = rows[0].cancel_requested;
      return;
    }
    const now = Date.now();
    if (!force && now - lastPublishMs < deps.progressIntervalMs) return;
    if (now - lastRateMs >= 250) {
      rate = ((processed - lastRateEvents) * 1000) / (now - lastRateMs);
      lastRateMs = now;
      lastRateEvents = processed;
    }
    lastPublishMs = now;
    const simTimeNs = last.simTimeNs === 0n ? null : last.simTimeNs.toString();
    const avgRate = processed / Math.max(1, (now - startedMs) / 1000);
    const etaMs = avgRate > 0 ? Math.round(((total - processed) / avgRate) * 1000) : null;
    const progress = total > 0 ? Math.min(1, processed / total) : 1;
    const { rows } = await pool.query(
      `UPDATE runs SET progress = $3, events_processed = $4, events_per_sec = $5, sim_time_ns = $6, equity_cents = $7,
              eta_ms = $8, heartbeat_at = now()
        WHERE id = $1 AND attempt = $2 AND status = 'running'
        RETURNING cancel_requested, heartbeat_at`,
      [run.id, run.attempt, progress, processed, rate, simTimeNs, Math.round(last.equityCents), etaMs],
    );
    if (!rows[0]) throw new LostOwnership();
    cancelRequested = rows[0].cancel_requested;
    deps.publish({
      runId: run.id,
      status: "running",
      progress,
      eventsProcessed: processed,
      eventsTotal: total,
      eventsPerSec: rate,
      simTimeNs,
      equityUsd: Math.round(last.equityCents) / 100,
      etaMs,
      heartbeatAt: rows[0].heartbeat_at.toISOString(),
      stalled: false,
      attempt: run.attempt,
      error: null,
      finishedAt: null,
    });
  };
  const mustStop = () => cancelRequested || lostOwnership || Date.now() > deadlineMs || deps.shuttingDown();

  // Heartbeat even while the thread starts, a slow read or a long handler keeps the replay from
  // reporting; it also stops a sandboxed replay at once on cancel, shutdown or lost ownership.
  const heartbeat = setInterval(() => {
    report(true)
      .catch((error) => {
        if (error instanceof LostOwnership) lostOwnership = true;
      })
      .finally(() => {
        if (mustStop()) void source.close();
      });
  }, 1000);

  try {
    let stopped = false;
    try {
      // Input problems and strategy errors surface as RunFailure: the run fails, no retry.
      const start = await source.open();
      await pool.query("UPDATE runs SET events_total = $3, strategy_code_hash = $4 WHERE id = $1 AND attempt = $2", [
        run.id,
        run.attempt,
        start.total,
        start.strategyCodeHash,
      ]);
      total = start.total;
      last = start.initial;
      opened = true;
      await report(true);
      for await (const slice of source.slices()) {
        processed += slice.events;
        last = slice;
        await report(false);
        if (mustStop()) {
          stopped = true;
          break;
        }
      }
    } catch (error) {
      if (!(error instanceof ReplayClosed)) throw error;
      stopped = true;
    }
    if (stopped) {
      await source.close();
      if (lostOwnership) throw new LostOwnership();
      if (cancelRequested) return await fail("cancelled", "Cancelled by user");
      if (Date.now() > deadlineMs) return await fail("failed", `Time limit of ${run.time_limit_sec} s exceeded`);
      throw new AppError("unavailable", "Worker shutting down; the run will be resumed by another worker");
    }

    const { result, statistics, statisticsError } = await source.finish();
    clearInterval(heartbeat);
    // A failure of the statistics (e.g. data outside the calendar's years) must not lose the result.
    if (statisticsError !== null) runLog.warn({ error: statisticsError }, "statistics could not be computed");
    if (await storeResult(pool, run, result, last.simTimeNs, statistics)) {
      runLog.info({ events: result.events, trades: result.trades.length, ms: Date.now() - startedMs }, "run succeeded");
    } else {
      runLog.warn("run result not stored: run no longer owned by this attempt");
    }
    const state = await readState(deps.db, run.id);
    if (state) deps.publish(state);
  } finally {
    clearInterval(heartbeat);
    await source.close();
  }
}
