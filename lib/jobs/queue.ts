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
