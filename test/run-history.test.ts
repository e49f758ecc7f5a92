import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./db";
import { bootstrapTestDatabase, closeServerContext, seedDataset } from "./support/system";
import { analysts, routeCaller, type RouteModules } from "./support/routes";
import { createApiToken } from "../lib/auth/api-tokens";

/**
 * The run history behind the home page: server-side search and filters (strategy, dataset,
 * status, tag, queued date range in exchange time), rename, and who may delete a run.
 */
describe("run history", () => {
  let db: TestDatabase;
  const tokens: Record<"admin" | "ana" | "bob", string> = { admin: "", ana: "", bob: "" };
  let routes: RouteModules;
  const call = routeCaller(() => routes, tokens);
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    db = await createTestDatabase();
    await bootstrapTestDatabase(db);
    await seedDataset(db, "hist-a");
    await seedDataset(db, "hist-b", "2025-03-05", "2025-03-05", 8);
    process.env.DATABASE_URL = db.url;
    const admin = await db.prisma.user.findFirstOrThrow({ where: { role: "admin" } });
    const users = await analysts(db, "hist.test", ["ana", "bob"] as const);
    tokens.admin = (await createApiToken(db.prisma, admin.id)).token;
    tokens.ana = users.ana.token;
    tokens.bob = users.bob.token;
    routes = {
      runs: await import("../app/api/runs/route"),
      "runs/[id]": await import("../app/api/runs/[id]/route"),
    } as unknown as RouteModules;

    // Ana's history: three runs on two datasets, queued at known instants, in known states.
    const create = async (key: string, body: object, queuedAt: string, status: string) => {
      const res = await call("runs", "POST", { as: "ana", body: { strategyId: "sma-cross", ...body } });
      expect(res.status).toBe(202);
      ids[key] = res.body.id;
      await db.prisma.run.update({ where: { id: res.body.id }, data: { queuedAt: new Date(queuedAt), status, finishedAt: status === "queued" ? null : new Date(queuedAt) } });
    };
    // 2025-03-04 05:30 UTC is still 2025-03-03 in Chicago (23:30 CST).
    await create("early", { datasetName: "hist-a", name: "Early bird", params: { fast: 3 } }, "2025-03-04T05:30:00Z", "succeeded");
    await create("mid", { datasetName: "hist-b", name: "Midweek", params: { fast: 4 } }, "2025-03-05T15:00:00Z", "failed");
    await create("late", { datasetName: "hist-a", name: "Late run" }, "2025-03-07T18:00:00Z", "running");
    const bobs = await call("runs", "POST", { as: "bob", body: { strategyId: "sma-cross", datasetName: "hist-a", name: "Bob private" } });
    ids.bob = bobs.body.id;
    await db.prisma.run.update({ where: { id: ids.bob }, data: { status: "cancelled", finishedAt: new Date() } });
  });
  afterAll(async () => {
    await closeServerContext();
    await db.drop();
  });

  const names = async (query: string, as: "ana" | "bob" | "admin" = "ana") => {
    const res = await call("runs", "GET", { as, query });
    expect(res.status).toBe(200);
    return res.body.runs.map((r: { name: string }) => r.name);
  };

  it("lists only the caller's runs, newest first", async () => {
    expect(await names("")).toEqual(["Late run", "Midweek", "Early bird"]);
    expect(await names("", "bob")).toEqual(["Bob private"]);
    expect(await names("", "admin")).toEqual([]);
  });

  it("filters by dataset, strategy and status on the server", async () => {
    expect(await names("?dataset=hist-a")).toEqual(["Late run", "Early bird"]);
    expect(await names("?dataset=hist-b")).toEqual(["Midweek"]);
    expect(await names("?strategy=sma-cross&status=failed")).toEqual(["Midweek"]);
    expect(await names("?strategy=other")).toEqual([]);
    expect(await names("?status=running&dataset=hist-b")).toEqual([]);
  });

  it("filters by queued date range: instants as given, dates as whole exchange-time days", async () => {
    expect(await names("?from=2025-03-04T05:30:00Z&to=2025-03-05T15:00:00Z")).toEqual(["Early bird"]);
    // CT dates: the 05:30 UTC run belongs to 2025-03-03 in Chicago, so from=2025-03-04 excludes it.
    expect(await names("?from=2025-03-04")).toEqual(["Late run", "Midweek"]);
    expect(await names("?to=2025-03-03")).toEqual(["Early bird"]);
    expect(await names("?from=2025-03-05&to=2025-03-05")).toEqual(["Midweek"]);
    expect((await call("runs", "GET", { as: "ana", query: "?from=yesterday" })).status).toBe(400);
  });

  it("renames a run (owner only) and finds it by the new name", async () => {
    const renamed = await call("runs/[id]", "PATCH", { as: "ana", params: { id: ids.mid }, body: { name: "Midweek retry", tags: ["wf"] } });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: "Midweek retry", tags: ["wf"] });
    expect(await names("?q=RETRY")).toEqual(["Midweek retry"]);
    expect(await names("?tag=wf&dataset=hist-b")).toEqual(["Midweek retry"]);
    expect((await call("runs/[id]", "PATCH", { as: "bob", params: { id: ids.mid }, body: { name: "taken" } })).status).toBe(404);
    expect((await call("runs/[id]", "PATCH", { as: "admin", params: { id: ids.mid }, body: { name: "taken" } })).status).toBe(404);
    expect((await call("runs/[id]", "PATCH", { as: "ana", params: { id: ids.mid }, body: { name: "  " } })).status).toBe(400);
    expect((await call("runs/[id]", "GET", { as: "ana", params: { id: ids.mid } })).body.name).toBe("Midweek retry");
  });

  it("lets the owner or an admin delete a finished run, nobody else, and never an active one", async () => {
    expect((await call("runs/[id]", "DELETE", { as: "ana", params: { id: ids.late } })).status).toBe(409);
    expect((await call("runs/[id]", "DELETE", { as: "bob", params: { id: ids.early } })).status).toBe(404);
    expect((await call("runs/[id]", "DELETE", { as: "ana", params: { id: ids.early } })).status).toBe(200);
    expect((await call("runs/[id]", "GET", { as: "ana", params: { id: ids.early } })).status).toBe(404);
    expect(await db.prisma.runResult.count({ where: { runId: ids.early } })).toBe(0);
    // An admin may delete another user's private run (housekeeping) without being able to read it.
    expect((await call("runs/[id]", "GET", { as: "admin", params: { id: ids.bob } })).status).toBe(404);
    expect((await call("runs/[id]", "DELETE", { as: "admin", params: { id: ids.bob } })).status).toBe(200);
    expect(await db.prisma.run.count({ where: { id: ids.bob } })).toBe(0);
    expect((await call("runs/[id]", "DELETE", { as: "ana", params: { id: ids.bob } })).status).toBe(404);
    expect(await names("")).toEqual(["Late run", "Midweek retry"]);
  });
});
