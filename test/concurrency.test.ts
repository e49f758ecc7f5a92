import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type PgBoss from "pg-boss";
import { createTestDatabase, type TestDatabase } from "./db";
import { bootstrapTestDatabase, seedDataset, startWorker, waitFor, type WorkerProcess } from "./support/system";
import { startBoss } from "../lib/jobs/queue";
import { createRun } from "../lib/runs/run-service";
import type { Principal } from "../lib/auth/roles";

describe("ten concurrent runs on one machine", () => {
  let db: TestDatabase;
  let boss: PgBoss;
  let worker: WorkerProcess;
  let principal: Principal;

  beforeAll(async () => {
    db = await createTestDatabase();
    await bootstrapTestDatabase(db);
    await seedDataset(db, "concurrent");
    boss = await startBoss(db.url, "sender");
    const admin = await db.prisma.user.findFirstOrThrow();
    principal = { userId: admin.id, email: admin.email, name: admin.name, role: "admin", via: "token" };
  });
  afterAll(async () => {
    await worker?.stop();
    await boss.stop({ graceful: false, wait: true });
    await db.drop();
  });

  it("runs ten backtests at the same time in one worker process and completes them all", async () => {
    // Pacing keeps every run alive long enough to overlap with the others.
    worker = startWorker(db, { WORKER_CONCURRENCY: "10", WORKER_CHUNK_EVENTS: "10000", WORKER_CHUNK_DELAY_MS: "40" });
    const runs = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        createRun({ db: db.prisma, boss, runTimeLimitSec: 600, stallAfterSec: 2 }, principal, {
          datasetName: "concurrent",
          strategyId: "sma-cross",
          params: { fast: 2 + i, slow: 40 },
        }),
      ),
    );
    const ids = runs.map((r) => r.id);
    let maxRunning = 0;
    const statuses = await waitFor(
      async () => {
        const { rows } = await db.pool.query<{ status: string }>("SELECT status FROM runs WHERE id = ANY($1::uuid[])", [ids]);
        maxRunning = Math.max(maxRunning, rows.filter((r) => r.status === "running").length);
        return rows.every((r) => r.status !== "queued" && r.status !== "running") ? rows.map((r) => r.status) : undefined;
      },
      "all ten runs to finish",
      150_000,
    );
    expect(statuses).toEqual(Array(10).fill("succeeded"));
    expect(maxRunning).toBeGreaterThanOrEqual(5);
    const results = await db.pool.query("SELECT count(*)::int AS n, count(DISTINCT result_hash)::int AS distinct FROM run_results WHERE run_id = ANY($1::uuid[])", [ids]);
    expect(results.rows[0]).toEqual({ n: 10, distinct: 10 });
  }, 180_000);
});
