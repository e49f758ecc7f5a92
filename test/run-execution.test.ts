import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type PgBoss from "pg-boss";
import type pg from "pg";
import { z } from "zod";
import { createTestDatabase, type TestDatabase } from "./db";
import { bootstrapTestDatabase, inProcessExecutor, runRow, seedDataset, waitFor } from "./support/system";
import { BACKTEST_QUEUE, startBoss } from "../lib/jobs/queue";
import { cancelRun, createRun } from "../lib/runs/run-service";
import { executeRun, type ExecutorDeps } from "../lib/runs/run-executor";
import { reapRuns } from "../lib/runs/run-reaper";
import { createLogger } from "../lib/log/logger";
import { defineStrategy, type StrategyModule } from "../lib/engine/strategy";
import { findStrategy } from "../lib/strategies";
import type { Principal } from "../lib/auth/roles";
import type { RunProgressDto } from "../lib/runs/run-dto";
import type { CreateRunInput } from "../lib/runs/run-config";

/** A strategy whose onBar throws after a few bars: a user's bug, not an infrastructure failure. */
const exploding = defineStrategy({
  id: "exploding",
  name: "Exploding",
  description: "throws in onBar",
  paramsSchema: z.object({ afterBars: z.number().int().default(3) }),
  create: ({ afterBars }) => {
    let bars = 0;
    return {
      barIntervalNs: 60e9,
      onStart() {},
      onBar() {
        if (++bars > afterBars) throw new Error("boom in onBar");
      },
    };
  },
});

const strategies = (id: string): StrategyModule | undefined => (id === "exploding" ? exploding : findStrategy(id));

describe("run execution in a worker (real PostgreSQL, real engine, in-process)", () => {
  let db: TestDatabase;
  let boss: PgBoss;
  let principal: Principal;
  const published: RunProgressDto[] = [];

  const deps = (overrides: Partial<ExecutorDeps> = {}): ExecutorDeps =>
    inProcessExecutor(db, { publish: (s) => published.push(s), progressIntervalMs: 0, findStrategy: strategies, ...overrides });
  const serviceDeps = () => ({ db: db.prisma, boss, runTimeLimitSec: 600, stallAfterSec: 2 });
  const newRun = (input: Partial<CreateRunInput> = {}) =>
    createRun(serviceDeps(), principal, { datasetName: "exec", strategyId: "sma-cross", params: { fast: 5, slow: 20 }, ...input } as CreateRunInput);

  beforeAll(async () => {
    db = await createTestDatabase();
    await bootstrapTestDatabase(db);
    await seedDataset(db, "exec");
    boss = await startBoss(db.url, "sender");
    const admin = await db.prisma.user.findFirstOrThrow();
    principal = { userId: admin.id, email: admin.email, name: admin.name, role: "admin", via: "token" };
  });
  afterAll(async () => {
    await boss.stop({ graceful: false, wait: true });
    await db.drop();
  });

  it("replays the dataset, stores one result with trades, and publishes progress up to 100%", async () => {
    const run = await newRun();
    await executeRun(deps(), run.id);
    const row = await runRow(db, run.id);
    expect(row).toMatchObject({ status: "succeeded", attempt: 1, progress: 1 });
    const dataset = await db.prisma.dataset.findUniqueOrThrow({ where: { name: "exec" } });
    expect(row.processed).toBe(Number(dataset.recordCount));
    const result = await db.prisma.runResult.findUniqueOrThrow({ where: { runId: run.id } });
    const metrics = result.metrics as { roundTrips: number; netPnlCents: number; grossPnlCents: number; feesCents: number };
    expect(metrics.roundTrips).toBe(result.tradeCount);
    expect(metrics.netPnlCents).toBe(metrics.grossPnlCents - metrics.feesCents);
    expect(await db.prisma.runTrade.count({ where: { runId: run.id } })).toBe(result.tradeCount);
    const trades = await db.prisma.runTrade.findMany({ where: { runId: run.id } });
    const sum = trades.reduce((a, t) => a + Number(t.pnlCents - t.feesCents), 0);
    expect(sum).toBe(metrics.netPnlCents);
    // Full statistics are stored with the result and agree with the engine's metrics.
    const stats = result.statistics as { trades: { all: { roundTrips: number; netProfit: { cents: number } } }; drawdown: { maxDrawdownCents: number }; returns: { observations: number } };
    expect(stats.trades.all.roundTrips).toBe(metrics.roundTrips);
    expect(stats.trades.all.netProfit.cents).toBe(metrics.netPnlCents);
    expect(stats.drawdown.maxDrawdownCents).toBeGreaterThanOrEqual(0);
    expect(stats.returns.observations).toBe(1);
    const mine = published.filter((p) => p.runId === run.id);
    expect(mine.at(-1)).toMatchObject({ status: "succeeded", progress: 1 });
    expect(mine.some((p) => p.status === "running" && p.progress > 0 && p.progress < 1)).toBe(true);
  });

  it("gives the same result hash for the same inputs (determinism)", async () => {
    const a = await newRun({ params: { fast: 3, slow: 12 } });
    const b = await newRun({ params: { fast: 3, slow: 12 } });
    await executeRun(deps({ chunkEvents: 7_919 }), a.id);
    await executeRun(deps({ chunkEvents: 100_000 }), b.id);
    const [ra, rb] = await Promise.all([a.id, b.id].map((id) => db.prisma.runResult.findUniqueOrThrow({ where: { runId: id } })));
    expect(ra.resultHash).toBe(rb.resultHash);
  });

  it("fails the run with the strategy's error and does not ask for a retry", async () => {
    // The public API only accepts built-in strategies: store a run, then point it at the test one.
    const target = await newRun();
    await db.pool.query("UPDATE runs SET strategy_id = 'exploding', params = '{}' WHERE id = $1", [target.id]);
    await expect(executeRun(deps(), target.id)).resolves.toBeUndefined();
    const row = await runRow(db, target.id);
    expect(row.status).toBe("failed");
    expect(row.error).toContain("boom in onBar");
    expect(await db.prisma.runResult.count({ where: { runId: target.id } })).toBe(0);
  });

  it("stops a running run when it is cancelled", async () => {
    const run = await newRun();
    const execution = executeRun(deps({ chunkEvents: 2_000, chunkDelayMs: 20 }), run.id);
    await waitFor(async () => ((await runRow(db, run.id)).processed > 0 ? true : undefined), "the run to start");
    await cancelRun(serviceDeps(), principal, run.id);
    await execution;
    expect((await runRow(db, run.id)).status).toBe("cancelled");
    expect(await db.prisma.runResult.count({ where: { runId: run.id } })).toBe(0);
  });

  it("fails a run that exceeds its time limit", async () => {
    const run = await newRun({ timeLimitSec: 1 });
    await executeRun(deps({ chunkEvents: 2_000, chunkDelayMs: 30 }), run.id);
    const row = await runRow(db, run.id);
    expect(row.status).toBe("failed");
    expect(row.error).toMatch(/Time limit of 1 s exceeded/);
  });

  it("rethrows a transient database failure (so the queue retries) and puts the run back in the queue", async () => {
    const run = await newRun();
    let failures = 0;
    const flaky = new Proxy(db.pool, {
      get(target, prop, receiver) {
        if (prop === "query") {
          return (text: string, values?: unknown[]) => {
            if (typeof text === "string" && text.includes("trade_blocks") && failures++ === 0) {
              return Promise.reject(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }));
            }
            return target.query(text, values);
          };
        }
        return Reflect.get(target, prop, receiver);
      },
    }) as pg.Pool;
    await expect(executeRun(deps({ pool: flaky }), run.id)).rejects.toThrow(/ECONNREFUSED/);
    expect((await runRow(db, run.id)).status).toBe("queued");
    // The retry (same job, next attempt) succeeds.
    await executeRun(deps(), run.id);
    expect(await runRow(db, run.id)).toMatchObject({ status: "succeeded", attempt: 2 });
  });

  it("stops without storing a result when another attempt took the run over", async () => {
    const run = await newRun();
    const execution = executeRun(deps({ chunkEvents: 2_000, chunkDelayMs: 20 }), run.id);
    await waitFor(async () => ((await runRow(db, run.id)).processed > 0 ? true : undefined), "the run to start");
    await db.pool.query("UPDATE runs SET attempt = attempt + 1 WHERE id = $1", [run.id]);
    await execution;
    expect(await db.prisma.runResult.count({ where: { runId: run.id } })).toBe(0);
    expect((await runRow(db, run.id)).status).toBe("running");
  });

  it("reaps a run whose worker stopped heartbeating: its job is retried and the run queued again", async () => {
    const run = await newRun();
    const jobId = (await db.prisma.run.findUniqueOrThrow({ where: { id: run.id } })).jobId!;
    // A worker took the job (it is active) and then died without a trace.
    const fetched = await boss.fetch(BACKTEST_QUEUE, { batchSize: 100 });
    expect(fetched.map((j) => j.id)).toContain(jobId);
    await db.pool.query("UPDATE runs SET status = 'running', attempt = 1, heartbeat_at = now() - interval '1 minute' WHERE id = $1", [run.id]);
    const reaped = await reapRuns({ pool: db.pool, boss, log: createLogger("test", "silent"), failoverAfterSec: 4 });
    expect(reaped.failedOver).toBeGreaterThanOrEqual(1);
    expect((await runRow(db, run.id)).status).toBe("queued");
    const after = await boss.getJobById(BACKTEST_QUEUE, jobId);
    expect(after?.state).toBe("retry");
  });

  it("fails a run whose job can no longer execute, so nothing stays stuck", async () => {
    const run = await newRun();
    const jobId = (await db.prisma.run.findUniqueOrThrow({ where: { id: run.id } })).jobId!;
    await boss.cancel(BACKTEST_QUEUE, jobId);
    await db.pool.query("UPDATE runs SET queued_at = now() - interval '1 hour' WHERE id = $1", [run.id]);
    await reapRuns({ pool: db.pool, boss, log: createLogger("test", "silent"), failoverAfterSec: 4, orphanAfterSec: 60 });
    const row = await runRow(db, run.id);
    expect(row.status).toBe("failed");
    expect(row.error).toMatch(/could not be executed/);
  });
});
