/**
 * The PostgreSQL job queue (pg-boss). Web instances only send jobs; worker processes consume
 * them and run pg-boss maintenance. Queue names and retry policy live here and nowhere else.
 */
import PgBoss from "pg-boss";
import { z } from "zod";

export const BACKTEST_QUEUE = "backtest";

export const backtestJobSchema = z.object({ runId: z.string().uuid() });
export type BacktestJob = z.infer<typeof backtestJobSchema>;

/** Transient failures (database unreachable, worker lost) are retried with exponential backoff. */
export const BACKTEST_RETRY = { retryLimit: 4, retryDelay: 2, retryBackoff: true } as const;

/** Imports of uploaded files (lib/imports/import-executor.ts). */
export const IMPORT_QUEUE = "import";

export const importJobSchema = z.object({ importJobId: z.string().uuid() });
export type ImportJobPayload = z.infer<typeof importJobSchema>;

/** A worker lost mid-import (its transaction never committed) is retried like a run. */
export const IMPORT_RETRY = { retryLimit: 4, retryDelay: 2, retryBackoff: true } as const;

/** Backstop only: a stalled import is failed over by the import reaper long before this. */
export const IMPORT_EXPIRE_SEC = 6 * 3600;

export type BossRole = "sender" | "worker" | "migrator";

export async function startBoss(connectionString: string, role: BossRole): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString,
    max: role === "worker" ? 4 : 2,
    application_name: `tickbench-${role}`,
    // Only workers supervise (expire, archive, retry) and only the migrator/worker migrate the
    // pg-boss schema; web instances just insert jobs.
    supervise: role === "worker",
    schedule: false,
    migrate: role !== "sender",
  });
  boss.on("error", () => {
    // Connection errors are retried by pg-boss; callers observe failures through their own calls.
  });
  await boss.start();
  return boss;
}

export async function ensureQueues(boss: PgBoss, runTimeLimitSec: number): Promise<void> {
  await boss.createQueue(BACKTEST_QUEUE, {
    name: BACKTEST_QUEUE,
    ...BACKTEST_RETRY,
    // Backstop only: the worker enforces the run's own time limit and a stalled run is failed
    // over by the heartbeat reaper long before this expires.
    expireInSeconds: runTimeLimitSec + 300,
    retentionSeconds: 7 * 24 * 3600,
  });
  await boss.createQueue(IMPORT_QUEUE, { name: IMPORT_QUEUE, ...IMPORT_RETRY, expireInSeconds: IMPORT_EXPIRE_SEC, retentionSeconds: 7 * 24 * 3600 });
}

/** Where a job stands in the queue; "missing" when it has no id or pg-boss no longer knows it. */
export type QueueJobState = "created" | "retry" | "active" | "completed" | "cancelled" | "failed" | "missing";

export async function queueJobState(boss: PgBoss, queue: string, jobId: string | null): Promise<{ state: QueueJobState; message?: string }> {
  if (!jobId) return { state: "missing" };
  const job = await boss.getJobById(queue, jobId, { includeArchive: true });
  if (!job) return { state: "missing" };
  const output = job.output as { message?: string; value?: { message?: string } } | undefined;
  return { state: job.state, message: output?.message ?? output?.value?.message };
}

/**
 * For the reapers: fails the queue job of a work item whose worker was lost (if pg-boss still sees
 * it active) and tells whether the queue will run it again (true) or its retries are exhausted.
 */
export async function failOverLostJob(boss: PgBoss, queue: string, jobId: string | null): Promise<{ retried: boolean; state: QueueJobState }> {
  const before = await queueJobState(boss, queue, jobId);
  if (before.state === "active" && jobId) await boss.fail(queue, jobId, { message: "worker lost" });
  const after = await queueJobState(boss, queue, jobId);
  return { retried: after.state === "created" || after.state === "retry" || after.state === "active", state: after.state };
}
