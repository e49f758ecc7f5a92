import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./db";
import { bootstrapTestDatabase, closeServerContext, inProcessExecutor, seedDataset } from "./support/system";
import { analysts, routeCaller, type RouteModules } from "./support/routes";
import { startBoss } from "../lib/jobs/queue";
import { createRun } from "../lib/runs/run-service";
import { executeRun } from "../lib/runs/run-executor";
import type { ComparisonDto, MetricsRow } from "../lib/runs/compare-math";

/** Comparing runs through the real route handler: 3 sma-cross runs over five sessions. */
describe("run comparison", () => {
  let db: TestDatabase;
  const tokens = { ana: "", bob: "" };
  const ids: string[] = [];
  let queuedId = "";
  let bobRunId = "";
  let routes: RouteModules;
  const call = routeCaller(() => routes, tokens);
  const compare = (as: "ana" | "bob", runIds: string[]) => call("compare", "GET", { as, query: `?ids=${runIds.join(",")}` });

  beforeAll(async () => {
    db = await createTestDatabase();
    await bootstrapTestDatabase(db);
    await seedDataset(db, "compare-demo", "2025-03-03", "2025-03-07");
    process.env.DATABASE_URL = db.url;
    const { ana, bob } = await analysts(db, "compare.test", ["ana", "bob"] as const);
    tokens.ana = ana.token;
    tokens.bob = bob.token;
    const boss = await startBoss(db.url, "sender");
    const deps = { db: db.prisma, boss, runTimeLimitSec: 600, stallAfterSec: 15 };
    const principal = (u: typeof ana) => ({ userId: u.id, email: u.email, name: u.name, role: "analyst" as const, via: "token" as const });
    const paramSets = [
      { fast: 5, slow: 20 },
      { fast: 10, slow: 20 },
      { fast: 5, slow: 40 },
    ];
    for (const [i, params] of paramSets.entries()) {
      ids.push((await createRun(deps, principal(ana), { datasetName: "compare-demo", strategyId: "sma-cross", params, name: `run ${i}` })).id);
    }
    queuedId = (await createRun(deps, principal(ana), { datasetName: "compare-demo", strategyId: "sma-cross" })).id;
    bobRunId = (await createRun(deps, principal(bob), { datasetName: "compare-demo", strategyId: "sma-cross" })).id;
    await boss.stop({ graceful: false, wait: true });
    for (const id of [...ids, bobRunId]) await executeRun(inProcessExecutor(db, { chunkEvents: 500_000 }), id);
    routes = { compare: await import("../app/api/compare/route") } as unknown as RouteModules;
  });
  afterAll(async () => {
    await closeServerContext();
    await db.drop();
  });

  it("returns each run with downsampled series and a metrics table whose best matches the values", async () => {
    const res = await compare("ana", ids);
    expect(res.status).toBe(200);
    const body = res.body as ComparisonDto;
    expect(body.runs.map((r) => r.id)).toEqual(ids);
    for (const run of body.runs) {
      expect(run.datasetName).toBe("compare-demo");
      expect(run.equity.tsMs.length).toBeGreaterThan(1);
      expect(run.equity.tsMs.length).toBeLessThanOrEqual(1000);
      expect(run.equity.normalised[0]).toBeCloseTo(run.equity.equityUsd[0] / run.startingCashUsd, 12);
      expect(run.underwater.tsMs.length).toBeLessThanOrEqual(1000);
      expect(run.underwater.drawdownUsd.every((v) => v <= 0)).toBe(true);
      expect(run.daily.map((d) => d.sessionDate)).toEqual(["2025-03-03", "2025-03-04", "2025-03-05", "2025-03-06", "2025-03-07"]);
    }

    const net = body.metricsTable.find((r) => r.key === "netPnlUsd")!;
    expect(net.values).toEqual(body.runs.map((r) => r.metrics.netPnlUsd));
    for (const row of body.metricsTable) {
      expect(row.values).toHaveLength(3);
      expect(row.best).toBe(expectedBest(row));
    }
    // Nets of different parameter sets differ, so there is a single winner.
    expect(net.best).not.toBeNull();
    expect(body.metricsTable.find((r) => r.key === "roundTrips")!.best).toBeNull();
  });

  it("lists the parameters that differ and not the equal ones", async () => {
    const body = (await compare("ana", ids)).body as ComparisonDto;
    const keys = body.configDifferences.map((d) => d.key);
    expect(keys).toContain("params.fast");
    expect(keys).toContain("params.slow");
    expect(body.configDifferences.find((d) => d.key === "params.fast")!.values).toEqual([5, 10, 5]);
    for (const same of ["strategy", "params.qty", "params.barSeconds", "config.fillModel", "dataset", "datasetVersion", "engineVersion", "seed"]) {
      expect(keys).not.toContain(same);
    }
  });

  it("correlates daily returns over the common sessions, with 1 on the diagonal", async () => {
    const { correlation } = (await compare("ana", ids)).body as ComparisonDto;
    expect(correlation.values).toHaveLength(3);
    for (let i = 0; i < 3; i++) {
      expect(correlation.values[i][i]).toBeCloseTo(1, 12);
      expect(correlation.commonDates[i][i]).toBe(5);
      for (let j = 0; j < 3; j++) {
        expect(correlation.values[i][j]).toBe(correlation.values[j][i]);
        const r = correlation.values[i][j];
        expect(r === null || (r >= -1 && r <= 1)).toBe(true);
      }
    }
  });

  it("answers 400 for fewer than 2, more than 10 or repeated ids", async () => {
    expect((await compare("ana", [ids[0]])).status).toBe(400);
    const eleven = Array.from({ length: 11 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`);
    expect((await compare("ana", eleven)).status).toBe(400);
    expect((await compare("ana", [ids[0], ids[0]])).status).toBe(400);
    expect((await call("compare", "GET", { as: "ana" })).status).toBe(400);
  });

  it("answers 404 for another user's private run, 409 for an unfinished one, 401 without a user", async () => {
    expect((await compare("ana", [ids[0], bobRunId])).status).toBe(404);
    expect((await compare("bob", [bobRunId, ids[1]])).status).toBe(404);
    expect((await compare("ana", [ids[0], queuedId])).status).toBe(409);
    expect((await call("compare", "GET", { query: `?ids=${ids.join(",")}` })).status).toBe(401);
  });
});

function expectedBest(row: MetricsRow): number | null {
  if (row.higherIsBetter === null) return null;
  const scored = row.values.map((v, i) => (row.infinite[i] ? Infinity : v)).map((v, i) => ({ v, i })).filter((x): x is { v: number; i: number } => x.v !== null);
  if (scored.length < 2) return null;
  const top = row.higherIsBetter ? Math.max(...scored.map((x) => x.v)) : Math.min(...scored.map((x) => x.v));
  const winners = scored.filter((x) => x.v === top);
  return winners.length === 1 ? winners[0].i : null;
}
