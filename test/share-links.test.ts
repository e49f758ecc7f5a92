import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./db";
import { bootstrapTestDatabase, closeServerContext, inProcessExecutor, seedDataset } from "./support/system";
import { analysts, routeCaller, type RouteModules } from "./support/routes";
import { startBoss } from "../lib/jobs/queue";
import { createRun } from "../lib/runs/run-service";
import { executeRun } from "../lib/runs/run-executor";

/** Share links through the real route handlers: scoped, unguessable, revocable, expiring. */
describe("share links", () => {
  let db: TestDatabase;
  const tokens = { ana: "", bob: "" };
  let runId = "";
  let queuedRunId = "";
  let routes: RouteModules;
  const call = routeCaller(() => routes, tokens);

  beforeAll(async () => {
    db = await createTestDatabase();
    await bootstrapTestDatabase(db);
    await seedDataset(db, "share-demo");
    process.env.DATABASE_URL = db.url;
    const { ana, bob } = await analysts(db, "share.test", ["ana", "bob"] as const);
    tokens.ana = ana.token;
    tokens.bob = bob.token;
    const boss = await startBoss(db.url, "sender");
    const principal = { userId: ana.id, email: ana.email, name: ana.name, role: "analyst" as const, via: "token" as const };
    const deps = { db: db.prisma, boss, runTimeLimitSec: 600, stallAfterSec: 15 };
    runId = (await createRun(deps, principal, { datasetName: "share-demo", strategyId: "sma-cross" })).id;
    queuedRunId = (await createRun(deps, principal, { datasetName: "share-demo", strategyId: "sma-cross" })).id;
    await boss.stop({ graceful: false, wait: true });
    await executeRun(inProcessExecutor(db, { chunkEvents: 100_000 }), runId);
    routes = {
      "runs/[id]/share": await import("../app/api/runs/[id]/share/route"),
      "share-links": await import("../app/api/share-links/route"),
      "share-links/[id]": await import("../app/api/share-links/[id]/route"),
      "shared/[token]": await import("../app/api/shared/[token]/route"),
    } as unknown as RouteModules;
  });
  afterAll(async () => {
    await closeServerContext();
    await db.drop();
  });

  it("lets the owner share a finished run with an unguessable token, readable without login", async () => {
    const created = await call("runs/[id]/share", "POST", { as: "ana", params: { id: runId }, body: {} });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes = 256 bits
    expect(created.body.path).toBe(`/s/${created.body.token}`);
    const stored = await db.pool.query("SELECT token_hash FROM share_links WHERE id = $1", [created.body.id]);
    expect(stored.rows[0].token_hash).not.toContain(created.body.token);

    const shared = await call("shared/[token]", "GET", { params: { token: created.body.token } });
    expect(shared.status).toBe(200);
    expect(shared.body.result.metrics.roundTrips).toBeGreaterThan(0);
    expect(shared.body.result.trades.length).toBeGreaterThan(0);
    // Nothing about the owner or other objects.
    const text = JSON.stringify(shared.body);
    expect(text).not.toContain("ana@share.test");
    expect(shared.body).not.toHaveProperty("ownerId");
    expect(shared.body).not.toHaveProperty("id");
    expect(shared.body).not.toHaveProperty("datasetId");
  });

  it("refuses to share someone else's run or an unfinished one", async () => {
    expect((await call("runs/[id]/share", "POST", { as: "bob", params: { id: runId }, body: {} })).status).toBe(404);
    expect((await call("runs/[id]/share", "POST", { as: "ana", params: { id: queuedRunId }, body: {} })).status).toBe(409);
    expect((await call("runs/[id]/share", "POST", { as: "ana", params: { id: runId }, body: { expiresInDays: 0 } })).status).toBe(400);
  });

  it("answers 404 for revoked, expired and unknown links", async () => {
    const link = await call("runs/[id]/share", "POST", { as: "ana", params: { id: runId }, body: { expiresInDays: 7 } });
    expect((await call("shared/[token]", "GET", { params: { token: link.body.token } })).status).toBe(200);
    expect((await call("share-links/[id]", "DELETE", { as: "bob", params: { id: link.body.id } })).status).toBe(404);
    const revoked = await call("share-links/[id]", "DELETE", { as: "ana", params: { id: link.body.id } });
    expect(revoked.body).toMatchObject({ active: false });
    expect((await call("shared/[token]", "GET", { params: { token: link.body.token } })).status).toBe(404);

    const expiring = await call("runs/[id]/share", "POST", { as: "ana", params: { id: runId }, body: { expiresInDays: 1 } });
    await db.pool.query("UPDATE share_links SET expires_at = now() - interval '1 second' WHERE id = $1", [expiring.body.id]);
    expect((await call("shared/[token]", "GET", { params: { token: expiring.body.token } })).status).toBe(404);
    expect((await call("shared/[token]", "GET", { params: { token: "x".repeat(43) } })).status).toBe(404);
    expect((await call("shared/[token]", "GET", { params: { token: "not-a-token" } })).status).toBe(404);
  });

  it("lists the caller's links only", async () => {
    const mine = await call("share-links", "GET", { as: "ana" });
    expect(mine.body.shareLinks.length).toBe(3);
    expect(mine.body.shareLinks.filter((l: { active: boolean }) => l.active)).toHaveLength(1);
    expect((await call("share-links", "GET", { as: "bob" })).body.shareLinks).toEqual([]);
  });
});
