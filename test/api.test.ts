import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./db";
import { bootstrapTestDatabase, closeServerContext, seedDataset } from "./support/system";
import { analysts, routeCaller, type RouteModules } from "./support/routes";
import { createApiToken } from "../lib/auth/api-tokens";
import { BACKTEST_QUEUE } from "../lib/jobs/queue";

/**
 * The HTTP API through the real route handlers (zod validation, authorization, error mapping),
 * against a real PostgreSQL. No worker runs here: created runs stay queued.
 */
describe("HTTP API", () => {
  let db: TestDatabase;
  const tokens: Record<"admin" | "ana" | "bob", string> = { admin: "", ana: "", bob: "" };
  let routes: RouteModules;
  const call = routeCaller(() => routes, tokens);

  beforeAll(async () => {
    db = await createTestDatabase();
    await bootstrapTestDatabase(db);
    await seedDataset(db, "api-demo");
    process.env.DATABASE_URL = db.url;
    const admin = await db.prisma.user.findFirstOrThrow({ where: { role: "admin" } });
    const users = await analysts(db, "test.local", ["ana", "bob"] as const);
    tokens.admin = (await createApiToken(db.prisma, admin.id)).token;
    tokens.ana = users.ana.token;
    tokens.bob = users.bob.token;
    routes = {
      me: await import("../app/api/me/route"),
      runs: await import("../app/api/runs/route"),
      "runs/[id]": await import("../app/api/runs/[id]/route"),
      "runs/[id]/cancel": await import("../app/api/runs/[id]/cancel/route"),
      "admin/users": await import("../app/api/admin/users/route"),
      datasets: await import("../app/api/datasets/route"),
      "datasets/[name]": await import("../app/api/datasets/[name]/route"),
      strategies: await import("../app/api/strategies/route"),
      health: await import("../app/api/health/route"),
      metrics: await import("../app/api/metrics/route"),
    } as unknown as RouteModules;
  });
  afterAll(async () => {
    await closeServerContext();
    await db.drop();
  });

  it("answers 401 with a JSON error when no credentials are given", async () => {
    const res = await call("me", "GET");
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("unauthenticated");
  });

  it("identifies the caller of a Bearer token", async () => {
    const res = await call("me", "GET", { as: "ana" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ email: "ana@test.local", role: "analyst" });
  });

  it("forbids admin APIs to analysts (403) and allows them to admins", async () => {
    expect((await call("admin/users", "GET", { as: "ana" })).status).toBe(403);
    const ok = await call("admin/users", "GET", { as: "admin" });
    expect(ok.status).toBe(200);
    expect(ok.body.users.map((u: { email: string }) => u.email)).toContain("bob@test.local");
    const created = await call("admin/users", "POST", { as: "admin", body: { email: "cy@test.local", password: "password-cy", role: "analyst" } });
    expect(created.status).toBe(201);
    expect(created.body).not.toHaveProperty("password");
    expect((await call("admin/users", "POST", { as: "ana", body: { email: "x@test.local", password: "password-x" } })).status).toBe(403);
  });

  it("lists datasets and strategies with their parameter schema", async () => {
    const datasets = await call("datasets", "GET", { as: "bob" });
    expect(datasets.body.datasets[0]).toMatchObject({ name: "api-demo", instrument: "MNQ", status: "ready" });
    const strategies = await call("strategies", "GET", { as: "bob" });
    const sma = strategies.body.strategies.find((s: { id: string }) => s.id === "sma-cross");
    expect(sma.paramsJsonSchema.properties.fast.default).toBe(10);
    expect(sma.paramsJsonSchema.properties.slow.default).toBe(30);
  });

  it("rejects bad run requests with 4xx and a clear message", async () => {
    const malformed = await call("runs", "POST", { as: "ana", raw: "{not json" });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toMatch(/valid JSON/);
    const unknownField = await call("runs", "POST", { as: "ana", body: { datasetName: "api-demo", strategyId: "sma-cross", bogus: 1 } });
    expect(unknownField.status).toBe(400);
    const unknownStrategy = await call("runs", "POST", { as: "ana", body: { datasetName: "api-demo", strategyId: "nope" } });
    expect(unknownStrategy.status).toBe(400);
    expect(unknownStrategy.body.error.message).toMatch(/Unknown strategy/);
    const badParams = await call("runs", "POST", { as: "ana", body: { datasetName: "api-demo", strategyId: "sma-cross", params: { fast: 50, slow: 10 } } });
    expect(badParams.status).toBe(400);
    expect(badParams.body.error.details.length).toBeGreaterThan(0);
    const noDataset = await call("runs", "POST", { as: "ana", body: { datasetName: "missing", strategyId: "sma-cross" } });
    expect(noDataset.status).toBe(404);
    expect(await db.prisma.run.count()).toBe(0);
  });

  it("enqueues a valid run (202) without running it, and keeps private runs private", async () => {
    const created = await call("runs", "POST", { as: "ana", body: { datasetName: "api-demo", strategyId: "sma-cross", params: { fast: 5 } } });
    expect(created.status).toBe(202);
    expect(created.body.status).toBe("queued");
    expect(created.body.params).toEqual({ barSeconds: 60, fast: 5, slow: 30, qty: 1 });
    const job = await db.pool.query("SELECT name, state, data FROM pgboss.job WHERE id = $1", [
      (await db.prisma.run.findUniqueOrThrow({ where: { id: created.body.id } })).jobId,
    ]);
    expect(job.rows[0]).toMatchObject({ name: BACKTEST_QUEUE, state: "created", data: { runId: created.body.id } });

    const id = created.body.id;
    expect((await call("runs/[id]", "GET", { as: "ana", params: { id } })).status).toBe(200);
    expect((await call("runs/[id]", "GET", { as: "bob", params: { id } })).status).toBe(404);
    expect((await call("runs/[id]", "GET", { as: "admin", params: { id } })).status).toBe(404);
    expect((await call("runs/[id]", "GET", { as: "ana", params: { id: "not-a-uuid" } })).status).toBe(404);
    expect((await call("runs", "GET", { as: "bob" })).body.runs).toEqual([]);
    expect((await call("runs/[id]/cancel", "POST", { as: "bob", params: { id } })).status).toBe(404);

    const cancelled = await call("runs/[id]/cancel", "POST", { as: "ana", params: { id } });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe("cancelled");
    expect((await call("runs/[id]/cancel", "POST", { as: "ana", params: { id } })).status).toBe(409);
  });

  it("reports health and Prometheus metrics", async () => {
    const health = await call("health", "GET");
    expect(health.status).toBe(200);
    expect(health.body.database.ok).toBe(true);
    expect(health.body.queue.ok).toBe(true);
    const metrics = await call("metrics", "GET");
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('tickbench_runs{status="cancelled"} 1');
    expect(metrics.body).toContain("tickbench_queue_depth");
  });

  it("manages the run history: rename, tags, notes, search, filters, delete", async () => {
    const a = await call("runs", "POST", { as: "ana", body: { datasetName: "api-demo", strategyId: "sma-cross", name: "Momentum test" } });
    const b = await call("runs", "POST", { as: "ana", body: { datasetName: "api-demo", strategyId: "sma-cross", params: { fast: 3 } } });
    const renamed = await call("runs/[id]", "PATCH", {
      as: "ana",
      params: { id: b.body.id },
      body: { name: "Fast SMA", tags: ["sma", "fast", "sma"], notes: "try a slower exit next" },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: "Fast SMA", tags: ["sma", "fast"], notes: "try a slower exit next" });
    expect((await call("runs/[id]", "PATCH", { as: "bob", params: { id: b.body.id }, body: { name: "mine" } })).status).toBe(404);
    expect((await call("runs/[id]", "PATCH", { as: "ana", params: { id: b.body.id }, body: { tags: ["bad tag!"] } })).status).toBe(400);

    const names = async (query: string) => (await call("runs", "GET", { as: "ana", query })).body.runs.map((r: { name: string }) => r.name);
    expect(await names("?q=momentum")).toEqual(["Momentum test"]);
    expect(await names("?q=SLOWER")).toEqual(["Fast SMA"]);
    expect(await names("?tag=fast")).toEqual(["Fast SMA"]);
    expect(await names("?strategy=none")).toEqual([]);
    expect((await names("?dataset=api-demo&status=queued")).length).toBeGreaterThanOrEqual(2);
    expect((await call("runs", "GET", { as: "ana", query: "?status=bogus" })).status).toBe(400);

    // A queued run must be cancelled first; then its owner (or an admin) can delete it.
    expect((await call("runs/[id]", "DELETE", { as: "ana", params: { id: a.body.id } })).status).toBe(409);
    await call("runs/[id]/cancel", "POST", { as: "ana", params: { id: a.body.id } });
    await call("runs/[id]/cancel", "POST", { as: "ana", params: { id: b.body.id } });
    expect((await call("runs/[id]", "DELETE", { as: "bob", params: { id: a.body.id } })).status).toBe(404);
    expect((await call("runs/[id]", "DELETE", { as: "ana", params: { id: a.body.id } })).status).toBe(200);
    expect((await call("runs/[id]", "GET", { as: "ana", params: { id: a.body.id } })).status).toBe(404);
    expect((await call("runs/[id]", "DELETE", { as: "admin", params: { id: b.body.id } })).status).toBe(200);
  });

  it("shows a dataset's coverage of the exchange calendar", async () => {
    const res = await call("datasets/[name]", "GET", { as: "bob", params: { name: "api-demo" } });
    expect(res.status).toBe(200);
    const { coverage, recordCount } = res.body;
    expect(coverage.sessions.map((s: { sessionDate: string }) => s.sessionDate)).toEqual(["2025-03-04"]);
    expect(coverage.sessions[0].ticks).toBe(recordCount);
    expect(coverage.gaps).toBe(0);
    expect(coverage.outsideSessions).toBe(0);
    expect((await call("datasets/[name]", "GET", { as: "bob", params: { name: "missing" } })).status).toBe(404);
  });

  it("lets only admins delete a dataset, and runs computed from it stay readable", async () => {
    const run = await call("runs", "POST", { as: "ana", body: { datasetName: "api-demo", strategyId: "sma-cross" } });
    expect(run.status).toBe(202);
    expect((await call("datasets/[name]", "DELETE", { as: "ana", params: { name: "api-demo" } })).status).toBe(403);
    const deleted = await call("datasets/[name]", "DELETE", { as: "admin", params: { name: "api-demo" } });
    expect(deleted.status).toBe(200);
    const after = await call("runs/[id]", "GET", { as: "ana", params: { id: run.body.id } });
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({ datasetDeleted: true, datasetName: "api-demo" });
    const left = await db.pool.query("SELECT count(*)::int AS n FROM trade_blocks");
    expect(left.rows[0].n).toBe(0);
    expect((await call("datasets/[name]", "DELETE", { as: "admin", params: { name: "api-demo" } })).status).toBe(404);
  });
});
