/**
 * Recovers runs whose worker died (SIGKILL, machine lost): a running run whose heartbeat is older
 * than the failover threshold has its pg-boss job failed, which hands it back to the queue with
 * backoff (or ends it when its retries are exhausted). Also ends runs left "queued" or "running"
 * whose job can no longer execute, so no run stays stuck. Every worker runs this periodically;
 * `FOR UPDATE SKIP LOCKED` makes concurrent reapers take disjoint runs.
 */
import type PgBoss from "pg-boss";
import type pg from "pg";
import type { Logger } from "../log/logger";
import { BACKTEST_QUEUE, failOverLostJob, queueJobState } from "../jobs/queue";

export interface ReaperDeps {
  pool: pg.Pool;
  boss: PgBoss;
  log: Logger;
  /** A running run without heartbeat for this long is presumed lost. */
  failoverAfterSec: number;
  /** A queued run whose job is gone for this long is failed. */
  orphanAfterSec?: number;
}

export async function reapRuns(deps: ReaperDeps): Promise<{ failedOver: number; ended: number }> {
  const { pool, boss, log } = deps;
  let failedOver = 0;
  let ended = 0;

  const stale = await pool.query<{ id: string; job_id: string | null; attempt: number }>(
    `UPDATE runs SET status = 'queued', worker_id = NULL,
            error = 'Worker lost (no heartbeat for ' || $1::int || ' s); the run is being retried'
      WHERE id IN (SELECT id FROM runs WHERE status = 'running' AND heartbeat_at < now() - $1::int * interval '1 second'
                   FOR UPDATE SKIP LOCKED)
      RETURNING id, job_id, attempt`,
    [deps.failoverAfterSec],
  );
  for (const run of stale.rows) {
    const after = await failOverLostJob(boss, BACKTEST_QUEUE, run.job_id);
    if (after.retried) {
      failedOver++;
      log.warn({ runId: run.id, attempt: run.attempt, job: after.state }, "run failed over to another worker");
    } else {
      ended++;
      await pool.query(
        `UPDATE runs SET status = 'failed', finished_at = now(), error = $2 WHERE id = $1 AND status = 'queued'`,
        [run.id, `The run's worker was lost too many times (${run.attempt} attempts)`],
      );
      log.error({ runId: run.id }, "run failed: retries exhausted after worker loss");
    }
  }

  // Runs whose job ended without the run ending (e.g. transient failures exhausted the retries).
  const orphans = await pool.query<{ id: string; job_id: string | null }>(
    `SELECT id, job_id FROM runs
      WHERE (status = 'queued' AND queued_at < now() - $1::int * interval '1 second')
         OR (status = 'running' AND heartbeat_at < now() - $2::int * interval '1 second')
      LIMIT 100`,
    [deps.orphanAfterSec ?? 60, Math.max(5, Math.floor(deps.failoverAfterSec / 2))],
  );
  for (const run of orphans.rows) {
    const job = await queueJobState(boss, BACKTEST_QUEUE, run.job_id);
    if (job.state === "failed" || job.state === "cancelled" || job.state === "completed" || job.state === "missing") {
      const { rowCount } = await pool.query(
        `UPDATE runs SET status = 'failed', finished_at = now(), error = $2
          WHERE id = $1 AND status IN ('queued', 'running') AND NOT cancel_requested`,
        [run.id, `The run could not be executed: ${job.message ?? `job ${job.state}`}`],
      );
      await pool.query(
        `UPDATE runs SET status = 'cancelled', finished_at = now() WHERE id = $1 AND status IN ('queued', 'running') AND cancel_requested`,
        [run.id],
      );
      if (rowCount) ended++;
    }
  }
  return { failedOver, ended };
}
