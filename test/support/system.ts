/**
 * Helpers for integration tests that drive the real system: bootstrap a test database, seed a
 * small generated dataset, start worker processes, wait for run states.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { loadEnv } from "../../lib/config/env";
import { bootstrapDatabase } from "../../lib/server/bootstrap";
import { generateDataset } from "../../lib/data/datasets";
import type { TestDatabase } from "../db";
import { createLogger } from "../../lib/log/logger";
import type { ExecutorDeps } from "../../lib/runs/run-executor";

const root = path.resolve(import.meta.dirname, "../..");

export async function bootstrapTestDatabase(db: TestDatabase): Promise<void> {
  const env = loadEnv({ ...process.env, DATABASE_URL: db.url, ADMIN_EMAIL: "admin@test.local", ADMIN_PASSWORD: "admin-password" });
  await bootstrapDatabase({ env, databaseUrl: db.url, seedDemo: false, log: () => {} });
}

export async function seedDataset(db: TestDatabase, name: string, from = "2025-03-04", to = "2025-03-04", seed = 7) {
  return generateDataset(db.prisma, db.pool, { name, instrument: "MNQ", from, to, seed });
}

export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  output: string[];
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function startWorker(db: TestDatabase, env: Record<string, string> = {}): WorkerProcess {
  const output: string[] = [];
  const child = spawn(process.execPath, ["--import", "tsx", "workers/worker.ts"], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      NODE_ENV: "test",
      LOG_LEVEL: "info",
      WORKER_CONCURRENCY: "1",
      RUN_STALL_AFTER_SEC: "2",
      PROGRESS_INTERVAL_MS: "50",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (d) => output.push(String(d)));
  child.stderr!.on("data", (d) => output.push(String(d)));
  return {
    child,
    pid: child.pid!,
    output,
    stop: (signal = "SIGTERM") =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill(signal);
      }),
  };
}

/** Polls `probe` until it returns a value (not undefined); fails after `timeoutMs`. */
export async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function runRow(db: TestDatabase, runId: string) {
  const { rows } = await db.pool.query(
    "SELECT status, attempt, worker_id, events_processed::int AS processed, error, progress FROM runs WHERE id = $1",
    [runId],
  );
  return rows[0] as { status: string; attempt: number; worker_id: string | null; processed: number; error: string | null; progress: number };
}

/** Executor dependencies for running a job in the test process (no queue, no sockets). */
export function inProcessExecutor(db: TestDatabase, overrides: Partial<ExecutorDeps> = {}): ExecutorDeps {
  return {
    db: db.prisma,
    pool: db.pool,
    log: createLogger("test", "silent"),
    workerId: "test-worker",
    engineVersion: "test",
    publish: () => {},
    progressIntervalMs: 100,
    chunkEvents: 50_000,
    chunkDelayMs: 0,
    shuttingDown: () => false,
    ...overrides,
  };
}

/** Closes the web process context that route-handler tests opened (pg-boss, Prisma, pool). */
export async function closeServerContext(): Promise<void> {
  const { getServerContext } = await import("../../lib/server/context");
  const ctx = await getServerContext();
  await ctx.boss.stop({ graceful: false, wait: true });
  await ctx.db.$disconnect();
  await ctx.pool.end();
}
