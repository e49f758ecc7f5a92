import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type PgBoss from "pg-boss";
import { createTestDatabase, type TestDatabase } from "./db";
import { bootstrapTestDatabase, inProcessExecutor, runRow, seedDataset, startWorker, waitFor, type WorkerProcess } from "./support/system";
import { startBoss } from "../lib/jobs/queue";
import { cancelRun, createRun } from "../lib/runs/run-service";
import { executeRun, type ExecutorDeps } from "../lib/runs/run-executor";
import type { SandboxOptions } from "../lib/runs/sandbox/thread-source";
import type { Principal } from "../lib/auth/roles";
import type { CreateRunInput } from "../lib/runs/run-config";

/**
 * The strategy sandbox with real worker threads and a real PostgreSQL: runaway, memory-hungry and
 * throwing strategies (lib/strategies/test-strategies.ts, enabled by the sandbox's test hook) fail
 * their run with a clear message, and the same executor - or worker process - goes on.
 */
describe("strategy sandbox (worker_threads, watchdog, memory cap)", () => {
  const root = path.resolve(import.meta.dirname, "..");
  const BUDGET_MS = 1000;
  let db: TestDatabase;
  let boss: PgBoss;
  let principal: Principal;
  const workers: WorkerProcess[] = [];

  const sandbox = (overrides: Partial<SandboxOptions> = {}): SandboxOptions => ({
    databaseUrl: db.url,
    memoryMb: 1024,
    handlerBudgetMs: BUDGET_MS,
    testStrategies: true,
    ...overrides,
  });
  const deps = (overrides: Partial<ExecutorDeps> = {}): ExecutorDeps =>
    inProcessExecutor(db, { sandbox: sandbox(), progressIntervalMs: 0, chunkEvents: 20_000, ...overrides });
  const serviceDeps = () => ({ db: db.prisma, boss, runTimeLimitSec: 600, stallAfterSec: 2 });
  const newRun = (input: Partial<CreateRunInput> = {}) =>
    createRun(serviceDeps(), principal, { datasetName: "sandbox", strategyId: "sma-cross", params: { fast: 5, slow: 20 }, ...input } as CreateRunInput);
  /** The public API offers built-in strategies only: store a run, then point it at a test strategy. */
  const testRun = async (strategyId: string, params: Record<string, unknown> = {}, input: Partial<CreateRunInput> = {}) => {
    const run = await newRun(input);
    await db.pool.query("UPDATE runs SET strategy_id = $2, params = $3 WHERE id = $1", [run.id, strategyId, JSON.stringify(params)]);
    return run;
  };
  const timed = async (work: Promise<void>) => {
    const start = Date.now();
    await work;
    return Date.now() - start;
  };
  const resultOf = (runId: string) => db.prisma.runResult.findUniqueOrThrow({ where: { runId } });

  beforeAll(async () => {
    db = await createTestDatabase();
    await bootstrapTestDatabase(db);
    await seedDataset(db, "sandbox");
    boss = await startBoss(db.url, "sender");
    const admin = await db.prisma.user.findFirstOrThrow();
    principal = { userId: admin.id, email: admin.email, name: admin.name, role: "admin", via: "token" };
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop("SIGKILL")));
    await boss?.stop({ graceful: false, wait: true });
    await db.drop();
  });

  it("replays in the thread bit-identically to the in-process replay and records the run's provenance", async () => {
    const inThread = await newRun({ params: { fast: 4, slow: 15 }, config: { seed: 11, latencyMs: 1 } });
    const inProcess = await newRun({ params: { fast: 4, slow: 15 }, config: { seed: 11, latencyMs: 1 } });
    await executeRun(deps(), inThread.id);
    await executeRun(deps({ sandbox: undefined, chunkEvents: 7_919 }), inProcess.id);
    const [a, b] = await Promise.all([resultOf(inThread.id), resultOf(inProcess.id)]);
    expect(await runRow(db, inThread.id)).toMatchObject({ status: "succeeded", progress: 1 });
    expect(a.tradeCount).toBeGreaterThan(0);
    expect(a.resultHash).toBe(b.resultHash);
    expect(a.metrics).toEqual(b.metrics);
    expect(a.statistics).toEqual(b.statistics);

    const smaSource = createHash("sha256").update(readFileSync(path.join(root, "lib/strategies/sma-cross.ts"))).digest("hex");
    const dataset = await db.prisma.dataset.findUniqueOrThrow({ where: { name: "sandbox" } });
    for (const id of [inThread.id, inProcess.id]) {
      const run = await db.prisma.run.findUniqueOrThrow({ where: { id } });
      expect(run).toMatchObject({
        strategyCodeHash: smaSource,
        engineVersion: "test",
        datasetVersion: dataset.version,
        seed: 11,
        params: { barSeconds: 60, fast: 4, slow: 15, qty: 1 },
      });
      expect(run.config).toMatchObject({ fillModel: "l1-trades", latencyMs: 1, seed: 11 });
    }
  });

  it("stops an onBar that never returns once it exceeds its budget, names it, and the same executor then completes a normal run", async () => {
    const runaway = await testRun("test-runaway-loop", { afterBars: 3 });
    const ms = await timed(executeRun(deps(), runaway.id));
    const row = await runRow(db, runaway.id);
    expect(row.status).toBe("failed");
    expect(row.error).toBe(`Strategy handler onBar exceeded its time budget of ${BUDGET_MS} ms (stopped)`);
    // Budget, plus the thread's start (~0.3 s), the replay up to bar 4 and the watchdog's tick: well under the 600 s time limit.
    expect(ms).toBeGreaterThanOrEqual(BUDGET_MS);
    expect(ms).toBeLessThan(BUDGET_MS + 10_000);
    expect(await db.prisma.runResult.count({ where: { runId: runaway.id } })).toBe(0);

    const normal = await newRun();
    await executeRun(deps(), normal.id);
    expect(await runRow(db, normal.id)).toMatchObject({ error: null, status: "succeeded", progress: 1 });
    expect((await resultOf(normal.id)).tradeCount).toBeGreaterThan(0);
  });

  it("stops an onTrade that never returns (per-trade handlers are guarded on entry only)", async () => {
    const run = await testRun("test-runaway-trade", { afterTrades: 50_000 });
    await executeRun(deps(), run.id);
    const row = await runRow(db, run.id);
    expect(row).toMatchObject({ status: "failed", error: `Strategy handler onTrade exceeded its time budget of ${BUDGET_MS} ms (stopped)` });
    // The slices before the stuck trade were replayed and reported (chunks of 20,000 trades).
    expect(row.processed).toBe(40_000);
  });

  it("does not add up short calls: three 400 ms onBar calls under a 1000 ms budget complete", async () => {
    const run = await testRun("test-runaway-loop", { afterBars: 3, spinMs: 400, spinBars: 3 });
    const ms = await timed(executeRun(deps(), run.id));
    expect(await runRow(db, run.id)).toMatchObject({ status: "succeeded", error: null });
    expect(ms).toBeGreaterThanOrEqual(1200);
  });

  it("fails a strategy that allocates without bound with the memory message, then runs the next job", async () => {
    const hog = await testRun("test-memory-hog", { afterBars: 2 });
    await executeRun(deps({ sandbox: sandbox({ memoryMb: 96 }) }), hog.id);
    const row = await runRow(db, hog.id);
    expect(row.status).toBe("failed");
    expect(row.error).toBe("Strategy exceeded the memory cap of 96 MB (stopped)");

    const next = await newRun();
    await executeRun(deps({ sandbox: sandbox({ memoryMb: 96 }) }), next.id);
    expect((await runRow(db, next.id)).status).toBe("succeeded");
  });

  it("fails a throwing strategy with its message and a stack that points into the strategy's file, without retry", async () => {
    const run = await testRun("test-throwing", { afterBars: 5 });
    await expect(executeRun(deps(), run.id)).resolves.toBeUndefined();
    const row = await runRow(db, run.id);
    expect(row.status).toBe("failed");
    expect(row.attempt).toBe(1);
    const [first, ...stack] = row.error!.split("\n");
    expect(first).toBe('Strategy error: Strategy "test-throwing" failed in onBar: test strategy threw in onBar after 5 bars');
    expect(stack[0]).toMatch(/^\s+at .*lib\/strategies\/test-strategies\.ts:\d+:\d+/);
  });

  it("refuses the test strategies when the test hook is off", async () => {
    const run = await testRun("test-throwing");
    await executeRun(deps({ sandbox: sandbox({ testStrategies: false }) }), run.id);
    const row = await runRow(db, run.id);
    expect(row.status).toBe("failed");
    expect(row.error!.split("\n")[0]).toBe('Unknown strategy "test-throwing"');
  });

  it("ends a run stuck in a handler at its time limit when the handler budget is longer", async () => {
    const run = await testRun("test-runaway-loop", { afterBars: 1 }, { timeLimitSec: 2 });
    const ms = await timed(executeRun(deps({ sandbox: sandbox({ handlerBudgetMs: 60_000 }) }), run.id));
    expect(await runRow(db, run.id)).toMatchObject({ status: "failed", error: "Time limit of 2 s exceeded" });
    expect(ms).toBeLessThan(10_000);
  });

  it("cancels a run whose thread is stuck in a handler (the heartbeat stops the thread)", async () => {
    const run = await testRun("test-runaway-loop", { afterBars: 1 });
    const execution = executeRun(deps({ sandbox: sandbox({ handlerBudgetMs: 60_000 }) }), run.id);
    // Opened (the code hash is recorded once the thread prepared the backtest), then stuck in bar 2.
    await waitFor(async () => {
      const { rows } = await db.pool.query("SELECT strategy_code_hash FROM runs WHERE id = $1", [run.id]);
      return rows[0].strategy_code_hash ? true : undefined;
    }, "the replay to open");
    await new Promise((r) => setTimeout(r, 500));
    const start = Date.now();
    await cancelRun(serviceDeps(), principal, run.id);
    await execution;
    const ms = Date.now() - start;
    expect(await runRow(db, run.id)).toMatchObject({ status: "cancelled", error: "Cancelled by user" });
    // The next heartbeat (every second) sees the request and stops the thread; the handler would spin for 60 s.
    expect(ms).toBeLessThan(5_000);
  });

  it("puts the run back in the queue when the thread cannot reach the database (transient)", async () => {
    const run = await newRun();
    await expect(executeRun(deps({ sandbox: sandbox({ databaseUrl: "postgresql://postgres@127.0.0.1:1/none" }) }), run.id)).rejects.toThrow(/ECONNREFUSED/);
    expect((await runRow(db, run.id)).status).toBe("queued");
    await executeRun(deps(), run.id);
    expect(await runRow(db, run.id)).toMatchObject({ status: "succeeded", attempt: 2 });
  });

  it("keeps a worker process alive through a runaway strategy; it takes the next job", async () => {
    // Both runs exist before the worker starts, so it never sees the first one as sma-cross.
    const runaway = await testRun("test-runaway-loop", { afterBars: 3 });
    const worker = startWorker(db, { TICKBENCH_TEST_STRATEGIES: "1", STRATEGY_HANDLER_BUDGET_MS: String(BUDGET_MS) });
    workers.push(worker);
    const failed = await waitFor(async () => {
      const r = await runRow(db, runaway.id);
      return r.status === "failed" ? r : undefined;
    }, "the runaway run to fail");
    expect(failed.error).toBe(`Strategy handler onBar exceeded its time budget of ${BUDGET_MS} ms (stopped)`);

    const next = await newRun();
    const done = await waitFor(async () => {
      const r = await runRow(db, next.id);
      return r.status === "succeeded" || r.status === "failed" ? r : undefined;
    }, "the next run to finish");
    expect(done.status).toBe("succeeded");
    expect(worker.child.exitCode).toBeNull();
    expect(failed.worker_id).toContain(`-${worker.pid}-`);
    expect(done.worker_id).toContain(`-${worker.pid}-`);
  }, 120_000);
});
