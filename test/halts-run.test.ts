import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type PgBoss from "pg-boss";
import { createTestDatabase, type TestDatabase } from "./db";
import { bootstrapTestDatabase, inProcessExecutor, runRow, seedDataset } from "./support/system";
import { startBoss } from "../lib/jobs/queue";
import { createRun } from "../lib/runs/run-service";
import { executeRun, type ExecutorDeps } from "../lib/runs/run-executor";
import { insertDataFlags } from "../lib/data/data-flags";
import type { Principal } from "../lib/auth/roles";
import type { CreateRunInput } from "../lib/runs/run-config";
import type { ResultMetricsDto } from "../lib/runs/run-dto";

/**
 * Exchange halts stored with a dataset (data flags of kind "halt", as a status import writes them)
 * reach the engine of a real run - in-process and in the sandbox thread - and its stored metrics:
 * sma-cross on one generated session (2025-03-04: 2025-03-03 23:00 -> 2025-03-04 22:00 UTC) with a
 * halt 15:00-16:00 UTC (09:00-10:00 CT). Without the flag the same run trades inside that hour.
 */
describe("exchange halts in runs (real PostgreSQL, real executor)", () => {
  const ns = (iso: string) => BigInt(Date.parse(iso)) * 1_000_000n;
  const HALT_FROM = ns("2025-03-04T15:00:00Z");
  const HALT_TO = ns("2025-03-04T16:00:00Z");
  let db: TestDatabase;
  let boss: PgBoss;
  let principal: Principal;

  const deps = (overrides: Partial<ExecutorDeps> = {}): ExecutorDeps => inProcessExecutor(db, { progressIntervalMs: 0, chunkEvents: 20_000, ...overrides });
  const inThread = () => deps({ sandbox: { databaseUrl: db.url, memoryMb: 1024, handlerBudgetMs: 5000, testStrategies: false } });
  const serviceDeps = () => ({ db: db.prisma, boss, runTimeLimitSec: 600, stallAfterSec: 2 });
  const newRun = (input: Partial<CreateRunInput> = {}) =>
    createRun(serviceDeps(), principal, { datasetName: "halts", strategyId: "sma-cross", params: { fast: 3, slow: 8 }, config: { seed: 3 }, ...input } as CreateRunInput);
  /** Entry and exit times (ns) of a run's round trips: every fill but the end-of-data close. */
  const fillTimes = async (runId: string) => {
    const trades = await db.prisma.runTrade.findMany({ where: { runId }, orderBy: { seq: "asc" } });
    return trades.flatMap((t) => [t.entryNs, t.exitNs]);
  };
  const inHalt = (t: bigint) => t >= HALT_FROM && t < HALT_TO;
  const resultOf = (runId: string) => db.prisma.runResult.findUniqueOrThrow({ where: { runId } });

  beforeAll(async () => {
    db = await createTestDatabase();
    await bootstrapTestDatabase(db);
    await seedDataset(db, "halts");
    boss = await startBoss(db.url, "sender");
    const admin = await db.prisma.user.findFirstOrThrow();
    principal = { userId: admin.id, email: admin.email, name: admin.name, role: "admin", via: "token" };
  });
  afterAll(async () => {
    await boss?.stop({ graceful: false, wait: true });
    await db?.drop();
  });

  it("without a halt flag the run trades inside the hour and its metrics list no halts (the control)", async () => {
    const run = await newRun();
    await executeRun(deps(), run.id);
    expect((await runRow(db, run.id)).status).toBe("succeeded");
    const times = await fillTimes(run.id);
    expect(times.filter(inHalt).length).toBeGreaterThan(0);
    expect((await resultOf(run.id)).metrics).not.toHaveProperty("halts");
  });

  it("with the flag nothing fills inside the halt, in-process and in the sandbox thread alike, and the metrics list the halt", async () => {
    const dataset = await db.prisma.dataset.findUniqueOrThrow({ where: { name: "halts" } });
    const { rows } = await db.pool.query<{ id: string }>("SELECT id::text FROM import_runs WHERE dataset_id = $1 ORDER BY started_at LIMIT 1", [dataset.id]);
    await insertDataFlags(db.pool, dataset.id, rows[0].id, [
      { kind: "halt", fromNs: HALT_FROM, toNs: HALT_TO, count: 2, detail: { symbol: "MNQH5", action: "halt", reason: "surveillance_intervention", calendarHalt: false, openAtEnd: false } },
    ]);

    const inProcess = await newRun();
    const sandboxed = await newRun();
    await executeRun(deps(), inProcess.id);
    await executeRun(inThread(), sandboxed.id);
    for (const id of [inProcess.id, sandboxed.id]) expect(await runRow(db, id)).toMatchObject({ status: "succeeded", error: null });

    const times = await fillTimes(inProcess.id);
    expect(times.length).toBeGreaterThan(0);
    expect(times.filter(inHalt)).toEqual([]);
    // Trading goes on after the halt.
    expect(times.some((t) => t >= HALT_TO)).toBe(true);

    const [a, b] = await Promise.all([resultOf(inProcess.id), resultOf(sandboxed.id)]);
    expect(a.resultHash).toBe(b.resultHash);
    expect(a.metrics).toEqual(b.metrics);
    expect((a.metrics as unknown as ResultMetricsDto).halts).toEqual([
      {
        from: "2025-03-04T15:00:00.000Z",
        to: "2025-03-04T16:00:00.000Z",
        fromNs: HALT_FROM.toString(),
        toNs: HALT_TO.toString(),
        action: "halt",
        reason: "surveillance_intervention",
      },
    ]);
  });

  it("reads only the halts in the run's window", async () => {
    const after = await newRun({ config: { seed: 3, from: "2025-03-04T16:30:00Z" } });
    await executeRun(deps(), after.id);
    expect((await runRow(db, after.id)).status).toBe("succeeded");
    expect((await resultOf(after.id)).metrics).not.toHaveProperty("halts");
  });
});
