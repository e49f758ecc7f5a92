import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type PgBoss from "pg-boss";
import { createTestDatabase, type TestDatabase } from "./db";
import { bootstrapTestDatabase, runRow, seedDataset, startWorker, waitFor, type WorkerProcess } from "./support/system";
import { startBoss } from "../lib/jobs/queue";
import { createRun } from "../lib/runs/run-service";
import type { Principal } from "../lib/auth/roles";

/**
 * A worker SIGKILLed in the middle of a run: the run is failed over to another worker by the
 * heartbeat reaper and produces exactly one result. Workers are real processes; pacing slows the
 * replay (WORKER_CHUNK_DELAY_MS) so the kill lands mid-run regardless of machine speed.
 */
describe("worker recovery after SIGKILL", () => {
  let db: TestDatabase;
  let boss: PgBoss;
  const workers: WorkerProcess[] = [];
  let principal: Principal;

  beforeAll(async () => {
    db = await createTestDatabase();
    await bootstrapTestDatabase(db);
    await seedDataset(db, "recovery");
    boss = await startBoss(db.url, "sender");
    const admin = await db.prisma.user.findFirstOrThrow();
    principal = { userId: admin.id, email: admin.email, name: admin.name, role: "admin", via: "session" };
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop("SIGKILL")));
    await boss?.stop({ graceful: false, wait: true });
    await db.drop();
  });

  it("hands the run of a killed worker to another worker and stores exactly one result", async () => {
    // A stall threshold of 5 s (not the helpers' 2 s): on a loaded 2-core machine a healthy worker's
    // heartbeat can lag 2 s, and the reaper would then hand the run on a second time (attempt 3).
    const pacing = { WORKER_CHUNK_EVENTS: "2000", WORKER_CHUNK_DELAY_MS: "40", RUN_STALL_AFTER_SEC: "5" };
    const first = startWorker(db, pacing);
    workers.push(first);
    const run = await createRun(
      { db: db.prisma, boss, runTimeLimitSec: 600, stallAfterSec: 2 },
      principal,
      { datasetName: "recovery", strategyId: "sma-cross", params: { barSeconds: 60, fast: 5, slow: 20, qty: 1 } },
    );
    // Wait until the first worker is mid-run, then kill it without any chance to clean up.
    await waitFor(async () => {
      const r = await runRow(db, run.id);
      return r.status === "running" && r.processed > 0 ? r : undefined;
    }, "the run to start");
    expect((await runRow(db, run.id)).worker_id).toContain(`-${first.pid}-`);
    await first.stop("SIGKILL");
    expect((await runRow(db, run.id)).status).toBe("running");

    const second = startWorker(db, pacing);
    workers.push(second);
    const done = await waitFor(async () => {
      const r = await runRow(db, run.id);
      return r.status === "succeeded" || r.status === "failed" ? r : undefined;
    }, "the run to finish on the second worker", 120_000);

    expect(done.status).toBe("succeeded");
    expect(done.attempt).toBe(2);
    expect(done.worker_id).toContain(`-${second.pid}-`);
    expect(done.progress).toBe(1);
    const results = await db.pool.query("SELECT attempt FROM run_results WHERE run_id = $1", [run.id]);
    expect(results.rows).toEqual([{ attempt: 2 }]);
  }, 180_000);
});
