import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./db";
import { bootstrapTestDatabase, closeServerContext, inProcessExecutor, seedDataset } from "./support/system";
import { createUser } from "../lib/auth/users";
import { createApiToken } from "../lib/auth/api-tokens";
import { startBoss } from "../lib/jobs/queue";
import { createRun } from "../lib/runs/run-service";
import { executeRun } from "../lib/runs/run-executor";
import { EXPORT_FORMATS } from "../lib/runs/exports";

/** Exports through the real route handler: every format, all trades, owner-only, validated query. */
describe("run exports", () => {
  let db: TestDatabase;
  const tokens = { ana: "", bob: "" };
  let runId = "";
  type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
  let GET: Handler;

  const download = (id: string, format: string, as?: "ana" | "bob") => {
    const headers = new Headers();
    if (as) headers.set("authorization", `Bearer ${tokens[as]}`);
    const req = new Request(`http://localhost/api/runs/${id}/export?format=${encodeURIComponent(format)}`, { headers });
    return GET(req, { params: Promise.resolve({ id }) });
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    await bootstrapTestDatabase(db);
    await seedDataset(db, "export-demo");
    process.env.DATABASE_URL = db.url;
    const ana = await createUser(db.prisma, { email: "ana@export.test", password: "password-ana" });
    const bob = await createUser(db.prisma, { email: "bob@export.test", password: "password-bob" });
    tokens.ana = (await createApiToken(db.prisma, ana.id)).token;
    tokens.bob = (await createApiToken(db.prisma, bob.id)).token;
    const boss = await startBoss(db.url, "sender");
    const principal = { userId: ana.id, email: ana.email, name: ana.name, role: "analyst" as const, via: "token" as const };
    const deps = { db: db.prisma, boss, runTimeLimitSec: 600, stallAfterSec: 15 };
    // A short bar period gives many round trips (more than the result API's first page of 500).
    runId = (await createRun(deps, principal, { datasetName: "export-demo", strategyId: "sma-cross", name: 'Ana\'s "fast", <script>', params: { fast: 2, slow: 5, barSeconds: 5 } })).id;
    await boss.stop({ graceful: false, wait: true });
    await executeRun(inProcessExecutor(db, { chunkEvents: 100_000 }), runId);
    GET = (await import("../app/api/runs/[id]/export/route")).GET as unknown as Handler;
  });
  afterAll(async () => {
    await closeServerContext();
    await db.drop();
  });

  it("answers every format with its content type and an attachment named after the run", async () => {
    const types: Record<string, RegExp> = { csv: /^text\/csv/, json: /^application\/json/, html: /^text\/html/ };
    for (const format of EXPORT_FORMATS) {
      const res = await download(runId, format, "ana");
      expect(res.status, format).toBe(200);
      expect(res.headers.get("content-type")).toMatch(types[format.split(".")[1]]);
      expect(res.headers.get("content-disposition")).toBe(`attachment; filename="ana-s-fast-script-${format}"`);
      const body = await res.text();
      if (format.endsWith(".json")) expect(() => JSON.parse(body)).not.toThrow();
      if (format === "report.html") {
        expect(body).not.toMatch(/<script/i);
        expect(body).toContain("&lt;script&gt;");
      }
    }
  });

  it("exports every trade, and the net column sums to the run's net P&L to the cent", async () => {
    const { rows } = await db.pool.query("SELECT metrics, trade_count FROM run_results WHERE run_id = $1", [runId]);
    const tradeCount: number = rows[0].trade_count;
    const metrics = rows[0].metrics as { netPnlUsd: number; netPnlCents: number };
    expect(tradeCount).toBeGreaterThan(500); // more than the result API returns: the export has them all

    const csv = await (await download(runId, "trades.csv", "ana")).text();
    const lines = csv.trimEnd().split("\r\n");
    expect(lines).toHaveLength(tradeCount + 1);
    const header = lines[0].split(",");
    const net = header.indexOf("net_usd");
    const netCents = lines.slice(1).reduce((sum, line) => sum + Math.round(Number(line.split(",")[net]) * 100), 0);
    expect(netCents).toBe(metrics.netPnlCents);
    expect(netCents / 100).toBeCloseTo(metrics.netPnlUsd, 2);

    const json = JSON.parse(await (await download(runId, "trades.json", "ana")).text());
    expect(json).toHaveLength(tradeCount);
    const full = JSON.parse(await (await download(runId, "result.json", "ana")).text());
    expect(full.trades).toHaveLength(tradeCount);
    expect(full.run.dataset).toMatchObject({ name: "export-demo" });
    expect(full.run.engineVersion).toBeTruthy();
  });

  it("hides the run from other users and refuses anonymous callers", async () => {
    expect((await download(runId, "trades.csv", "bob")).status).toBe(404);
    expect((await download(runId, "report.html", "bob")).status).toBe(404);
    expect((await download(runId, "trades.csv")).status).toBe(401);
  });

  it("answers 400 for a missing or unknown format", async () => {
    expect((await download(runId, "trades.xlsx", "ana")).status).toBe(400);
    expect((await download(runId, "", "ana")).status).toBe(400);
  });
});
