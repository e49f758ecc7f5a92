/**
 * Executes one import job inside a worker process: imports the uploaded files with the importer
 * (one transaction: all or nothing), publishes throttled progress, heartbeats, and deletes the
 * uploaded files once the job has reached a terminal state.
 *
 * Ownership, as for runs: a job is claimed by bumping `attempt`; every later write is conditional
 * on that attempt, so a worker presumed dead (its job handed to another worker by the reaper)
 * cannot overwrite the new attempt's state. Its import transaction never commits: a lost worker's
 * connection dies with it, and a live one loses ownership at its next progress write and aborts.
 *
 * Outcomes: the importer's errors fail the job with their message (bad format, corrupt file: the
 * dataset is unchanged); cancel aborts the importer through its AbortSignal; transient failures
 * and a worker shutdown put the job back to `queued` and rethrow, so pg-boss retries it.
 */
import { stat } from "node:fs/promises";
import type pg from "pg";
import { AppError, isTransientError } from "../errors";
import type { Db } from "../db/prisma";
import type { Logger } from "../log/logger";
import { effectiveRules } from "../data/datasets";
import { validationRulesSchema, type ValidationRules } from "../data/import/trade-validation";
import type { ImportFormat } from "./import-jobs";
import { toImportProgressDto, type ImportJobProgressDto } from "./import-job-dto";
import type { Importer, ImportProgress } from "./importer";
import { deleteUploadDir, storedFilePath } from "./upload-store";

export interface ImportExecutorDeps {
  db: Db;
  pool: pg.Pool;
  log: Logger;
  workerId: string;
  importer: Importer;
  /** Absolute upload directory, the same as the web process's. */
  uploadRoot: string;
  publish: (state: ImportJobProgressDto) => void;
  /** Minimum gap between two progress writes/messages. */
  progressIntervalMs: number;
  /** Heartbeat period while importing (default 1000 ms). */
  heartbeatMs?: number;
  /** Set when the worker shuts down: the import is aborted and handed back to the queue. */
  shuttingDown: () => boolean;
}

interface Claimed {
  id: string;
  attempt: number;
  dataset_name: string;
  format: string;
  instrument: string | null;
  rules: unknown;
  files: Array<{ name: string; size: number }>;
  total_bytes: string;
  created_by: string | null;
  queued_at: Date;
}

type AbortReason = "cancelled" | "shutdown" | "lost";

async function claim(pool: pg.Pool, id: string, workerId: string): Promise<Claimed | "finished" | "cancelled"> {
  const { rows } = await pool.query<Claimed>(
    `UPDATE import_jobs SET status = 'running', attempt = attempt + 1, worker_id = $2, started_at = COALESCE(started_at, now()),
            heartbeat_at = now(), error = NULL, bytes_read = 0, read_count = 0, accepted_count = 0, rejected_count = 0, records_per_sec = 0
      WHERE id = $1 AND status IN ('queued', 'running') AND NOT cancel_requested
      RETURNING id, attempt, dataset_name, format, instrument, rules, files, total_bytes::text, created_by, queued_at`,
    [id, workerId],
  );
  if (rows[0]) return rows[0];
  const { rows: cancelled } = await pool.query(
    `UPDATE import_jobs SET status = 'cancelled', finished_at = now(), error = COALESCE(error, 'Cancelled by user')
      WHERE id = $1 AND status IN ('queued', 'running') AND cancel_requested RETURNING id`,
    [id],
  );
  return cancelled.length ? "cancelled" : "finished";
}

/** The job's state as every watcher sees it (a worker's own job is never "stalled"). */
async function readState(db: Db, id: string): Promise<ImportJobProgressDto | null> {
  const row = await db.importJob.findUnique({ where: { id } });
  return row ? toImportProgressDto(row, Number.POSITIVE_INFINITY) : null;
}

/** Deletes the job's uploaded files and records it (they are never needed again). */
async function deleteFiles(deps: ImportExecutorDeps, id: string): Promise<void> {
  await deleteUploadDir(deps.uploadRoot, id);
  await deps.pool.query("UPDATE import_jobs SET files_deleted_at = now() WHERE id = $1 AND files_deleted_at IS NULL", [id]);
}

/** A user-facing message: our errors carry one; anything else is an internal error. */
function describe(error: unknown): string {
  if (error instanceof AppError) return error.message;
  return `Internal error: ${(error as Error)?.message ?? String(error)}`;
}

export async function executeImport(deps: ImportExecutorDeps, importJobId: string): Promise<void> {
  const { pool, log } = deps;
  const claimed = await claim(pool, importJobId, deps.workerId);
  if (claimed === "finished" || claimed === "cancelled") {
    if (claimed === "cancelled") await deleteFiles(deps, importJobId);
    const state = await readState(deps.db, importJobId);
    if (state) deps.publish(state);
    log.info({ importJobId, outcome: claimed }, "import needs no execution");
    return;
  }
  const job = claimed;
  const jobLog = log.child({ importJobId, attempt: job.attempt });
  const totalBytes = Number(job.total_bytes);
  jobLog.info({ dataset: job.dataset_name, files: job.files.length, totalBytes }, "import started");

  /** Ends the job (conditional on ownership), publishes, and deletes the files. */
  const finish = async (status: "failed" | "cancelled", message: string) => {
    const { rowCount } = await pool.query(
      `UPDATE import_jobs SET status = $3, error = $4, finished_at = now(), heartbeat_at = now()
        WHERE id = $1 AND attempt = $2 AND status = 'running'`,
      [job.id, job.attempt, status, message],
    );
    if (!rowCount) return;
    jobLog.info({ status, message }, "import ended");
    await deleteFiles(deps, job.id);
    const state = await readState(deps.db, job.id);
    if (state) deps.publish(state);
  };

  const files = job.files.map((f, i) => storedFilePath(deps.uploadRoot, job.id, i, f.name));
  for (const file of files) {
    if (!(await stat(file).catch(() => null))) {
      return finish("failed", "The uploaded files are missing on the worker (the web and worker processes must share UPLOAD_DIR)");
    }
  }

  // An existing dataset imports with its own rules (as they are now); a new one with the job's.
  const existing = await deps.db.dataset.findUnique({ where: { name: job.dataset_name }, select: { validationRules: true } });
  const rules: ValidationRules = existing ? effectiveRules(existing.validationRules) : validationRulesSchema.parse(job.rules ?? {});

  const controller = new AbortController();
  let abortReason: AbortReason | null = null;
  const abort = (reason: AbortReason) => {
    if (abortReason) return;
    abortReason = reason;
    controller.abort(new AppError("cancelled", reason === "cancelled" ? "Cancelled by user" : `Import aborted (${reason})`));
  };

  let latest: ImportProgress = { bytesRead: 0, totalBytes, read: 0, accepted: 0, rejected: 0 };
  const startedMs = Date.now();
  let lastWriteMs = 0;
  let lastRateMs = startedMs;
  let lastRateRead = 0;
  let rate = 0;
  let done = false;
  let inflight: Promise<void> | null = null;

  /** Writes progress + heartbeat (conditional on ownership), reads cancel, publishes; throttled, one at a time. */
  const report = (force: boolean): Promise<void> => {
    const now = Date.now();
    if (done || inflight || (!force && now - lastWriteMs < deps.progressIntervalMs)) return inflight ?? Promise.resolve();
    lastWriteMs = now;
    inflight = writeProgress(now).finally(() => {
      inflight = null;
    });
    return inflight;
  };
  const writeProgress = async (now: number) => {
    try {
      const p = latest;
      if (now - lastRateMs >= 250) {
        rate = ((p.read - lastRateRead) * 1000) / (now - lastRateMs);
        lastRateMs = now;
        lastRateRead = p.read;
      }
      const { rows } = await pool.query<{ cancel_requested: boolean; heartbeat_at: Date }>(
        `UPDATE import_jobs SET bytes_read = $3, read_count = $4, accepted_count = $5, rejected_count = $6, records_per_sec = $7, heartbeat_at = now()
          WHERE id = $1 AND attempt = $2 AND status = 'running'
          RETURNING cancel_requested, heartbeat_at`,
        [job.id, job.attempt, p.bytesRead, p.read, p.accepted, p.rejected, rate],
      );
      if (!rows[0]) return abort("lost");
      if (rows[0].cancel_requested) abort("cancelled");
      else if (deps.shuttingDown()) abort("shutdown");
      deps.publish({
        importJobId: job.id,
        status: "running",
        bytesRead: p.bytesRead,
        totalBytes,
        progress: totalBytes > 0 ? Math.min(1, p.bytesRead / totalBytes) : 0,
        read: p.read,
        accepted: p.accepted,
        rejected: p.rejected,
        recordsPerSec: rate,
        attempt: job.attempt,
        heartbeatAt: rows[0].heartbeat_at.toISOString(),
        stalled: false,
        importRunId: null,
        skipped: false,
        error: null,
        finishedAt: null,
      });
    } catch (error) {
      jobLog.warn({ err: error }, "import progress write failed");
    }
  };
  /** No progress after the outcome: the last message a watcher gets is the final state. */
  const stopReporting = async () => {
    done = true;
    clearInterval(heartbeat);
    await inflight;
  };

  // Heartbeat even while the importer waits on the database (a long COPY, the commit).
  const heartbeat = setInterval(() => void report(true), deps.heartbeatMs ?? 1000);
  try {
    await report(true);
    const result = await deps.importer(deps.db, pool, {
      files,
      dataset: job.dataset_name,
      format: job.format as ImportFormat,
      instrument: job.instrument ?? undefined,
      rules,
      createdBy: job.created_by ?? undefined,
      onProgress: (p) => {
        latest = p;
        void report(false);
      },
      signal: controller.signal,
    });
    await stopReporting();
    // Committed: the job succeeded even if a cancel arrived too late to stop it.
    let { read, accepted, rejected, skipped } = result;
    if (result.skipped && result.importRunId) {
      // Idempotent importer: "already imported" may be this job's own earlier attempt that
      // committed before its worker was lost. Then it is this job's import, with its counts.
      const { rows } = await pool.query<{ started_at: Date; read: string; accepted: string; rejected: string }>(
        "SELECT started_at, read_count::text AS read, accepted_count::text AS accepted, rejected_count::text AS rejected FROM import_runs WHERE id = $1",
        [result.importRunId],
      );
      if (rows[0] && rows[0].started_at >= job.queued_at) {
        skipped = false;
        read = Number(rows[0].read);
        accepted = Number(rows[0].accepted);
        rejected = Number(rows[0].rejected);
      }
    }
    const { rowCount } = await pool.query(
      `UPDATE import_jobs SET status = 'succeeded', bytes_read = total_bytes, read_count = $3, accepted_count = $4, rejected_count = $5,
              import_run_id = $6, skipped = $7, finished_at = now(), heartbeat_at = now(), error = NULL
        WHERE id = $1 AND attempt = $2 AND status = 'running'`,
      [job.id, job.attempt, read, accepted, rejected, result.importRunId, skipped],
    );
    if (!rowCount) {
      jobLog.warn("import committed but the job is no longer owned by this attempt");
      return;
    }
    if (!existing) {
      // A dataset this import created keeps the rules it was imported with.
      await pool.query(`UPDATE datasets SET validation_rules = $2 WHERE name = $1 AND validation_rules = '{}'::jsonb`, [job.dataset_name, JSON.stringify(rules)]);
    }
    jobLog.info({ read, accepted, rejected, skipped, ms: Date.now() - startedMs }, "import succeeded");
    await deleteFiles(deps, job.id);
    const state = await readState(deps.db, job.id);
    if (state) deps.publish(state);
  } catch (error) {
    await stopReporting();
    const reason = abortReason as AbortReason | null;
    if (reason === "lost") {
      jobLog.warn("import taken over by another attempt; stopping");
      return;
    }
    if (reason === "cancelled") return await finish("cancelled", "Cancelled by user");
    if (reason === "shutdown" || isTransientError(error)) {
      const message = reason === "shutdown" ? "Worker shutting down; the import will be retried" : `Retrying after a transient failure: ${(error as Error).message}`;
      jobLog.warn({ err: error }, message);
      await pool
        .query(`UPDATE import_jobs SET status = 'queued', worker_id = NULL, error = $3 WHERE id = $1 AND attempt = $2 AND status = 'running'`, [job.id, job.attempt, message])
        .catch(() => {});
      throw reason === "shutdown" ? new AppError("unavailable", message) : error;
    }
    jobLog.warn({ err: error }, "import failed");
    await finish("failed", describe(error)).catch((err) => jobLog.error({ err }, "could not record the failed import"));
  } finally {
    clearInterval(heartbeat);
  }
}
