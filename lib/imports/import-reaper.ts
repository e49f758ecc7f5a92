/**
 * Makes sure no import job stays "queued" or "running" forever - the run reaper's pattern
 * (lib/runs/run-reaper.ts) for import jobs:
 * - a running job whose heartbeat is older than the failover threshold (its worker was killed or
 *   lost) goes back to `queued` and its pg-boss job is failed, so pg-boss retries it elsewhere;
 *   nothing of the lost attempt was committed (the import is one transaction). Retries exhausted:
 *   the job fails.
 * - a queued or running job whose pg-boss job ended or vanished is failed.
 * - upload directories of finished jobs, and of uploads that never became a job (the web
 *   process died mid-upload), are deleted after `sweepAfterSec`.
 * Every worker runs this periodically; `FOR UPDATE SKIP LOCKED` makes concurrent reapers take
 * disjoint jobs.
 */
import type PgBoss from "pg-boss";
import type pg from "pg";
import type { Logger } from "../log/logger";
import { IMPORT_QUEUE, failOverLostJob, queueJobState } from "../jobs/queue";
import { deleteUploadDir, listUploadDirs } from "./upload-store";

export interface ImportReaperDeps {
  pool: pg.Pool;
  boss: PgBoss;
  log: Logger;
  uploadRoot: string;
  /** A running import without heartbeat for this long is presumed lost. */
  failoverAfterSec: number;
  /** A queued import whose queue entry is gone for this long is failed. */
  orphanAfterSec?: number;
  /** Upload directories without an active job are deleted once this old. */
  sweepAfterSec?: number;
}

async function endJob(deps: ImportReaperDeps, id: string, message: string): Promise<boolean> {
  const { rowCount } = await deps.pool.query(
    `UPDATE import_jobs SET status = CASE WHEN cancel_requested THEN 'cancelled' ELSE 'failed' END, finished_at = now(),
            error = CASE WHEN cancel_requested THEN 'Cancelled by user' ELSE $2 END, files_deleted_at = now()
      WHERE id = $1 AND status IN ('queued', 'running')`,
    [id, message],
  );
  if (rowCount) await deleteUploadDir(deps.uploadRoot, id);
  return (rowCount ?? 0) > 0;
}

export async function reapImports(deps: ImportReaperDeps): Promise<{ failedOver: number; ended: number; swept: number }> {
  const { pool, boss, log } = deps;
  let failedOver = 0;
  let ended = 0;

  const stale = await pool.query<{ id: string; job_id: string | null; attempt: number }>(
    `UPDATE import_jobs SET status = 'queued', worker_id = NULL,
            error = 'Worker lost (no heartbeat for ' || $1::int || ' s); the import is being retried'
      WHERE id IN (SELECT id FROM import_jobs WHERE status = 'running' AND heartbeat_at < now() - $1::int * interval '1 second'
                   FOR UPDATE SKIP LOCKED)
      RETURNING id, job_id, attempt`,
    [deps.failoverAfterSec],
  );
  for (const job of stale.rows) {
    const after = await failOverLostJob(boss, IMPORT_QUEUE, job.job_id);
    if (after.retried) {
      failedOver++;
      log.warn({ importJobId: job.id, attempt: job.attempt, job: after.state }, "import failed over to another worker");
    } else if (await endJob(deps, job.id, `The import's worker was lost too many times (${job.attempt} attempts)`)) {
      ended++;
      log.error({ importJobId: job.id }, "import failed: retries exhausted after worker loss");
    }
  }

  // Jobs whose queue entry ended without the job ending (e.g. transient failures exhausted the retries).
  const orphans = await pool.query<{ id: string; job_id: string | null }>(
    `SELECT id, job_id FROM import_jobs
      WHERE (status = 'queued' AND queued_at < now() - $1::int * interval '1 second')
         OR (status = 'running' AND heartbeat_at < now() - $2::int * interval '1 second')
      LIMIT 100`,
    [deps.orphanAfterSec ?? 60, Math.max(5, Math.floor(deps.failoverAfterSec / 2))],
  );
  for (const job of orphans.rows) {
    const state = await queueJobState(boss, IMPORT_QUEUE, job.job_id);
    if (state.state === "failed" || state.state === "cancelled" || state.state === "completed" || state.state === "missing") {
      if (await endJob(deps, job.id, `The import could not be executed: ${state.message ?? `job ${state.state}`}`)) ended++;
    }
  }

  // Upload directories nobody needs any more.
  let swept = 0;
  const cutoffMs = Date.now() - (deps.sweepAfterSec ?? 3600) * 1000;
  const dirs = (await listUploadDirs(deps.uploadRoot)).filter((d) => d.mtimeMs < cutoffMs);
  if (dirs.length > 0) {
    const { rows } = await pool.query<{ id: string }>("SELECT id::text FROM import_jobs WHERE id = ANY($1::uuid[]) AND status IN ('queued', 'running')", [
      dirs.map((d) => d.importJobId),
    ]);
    const active = new Set(rows.map((r) => r.id));
    for (const dir of dirs) {
      if (active.has(dir.importJobId)) continue;
      await deleteUploadDir(deps.uploadRoot, dir.importJobId);
      await pool.query("UPDATE import_jobs SET files_deleted_at = now() WHERE id = $1 AND files_deleted_at IS NULL", [dir.importJobId]);
      swept++;
    }
  }
  return { failedOver, ended, swept };
}
