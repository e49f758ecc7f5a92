import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./db";
import { bootstrapTestDatabase, closeServerContext } from "./support/system";
import { createUser } from "../lib/auth/users";
import { createApiToken } from "../lib/auth/api-tokens";
import { importDbnTrades } from "../lib/data/import/import-dbn-trades";
import { quarantineCsv } from "../lib/data/import/import-report";

const TRADES =
  "../shared/fixtures/databento/nautilus_trader/tests/test_data/databento/historical_bars_catalog/databento/futures_trades_2024-07-01T23-58_2024-07-02T00-02.dbn.zst";

/**
 * The import report through the real route handlers, against a real PostgreSQL: the ESU4 sample
 * imported as ESM4 (expired 2024-06-21), so every one of its 120 trades is quarantined.
 */
describe("import report API", () => {
  let db: TestDatabase;
  let token = "";
  let importRunId = "";
  type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
  let routes: Record<string, Handler>;

  const call = async (route: string, params: Record<string, string>, query = "", auth = true) => {
    const headers = new Headers(auth ? { authorization: `Bearer ${token}` } : {});
    const path = route.replace(/\[(\w+)\]/g, (_m, key: string) => params[key]);
    return routes[route](new Request(`http://localhost/api/${path}${query}`, { headers }), { params: Promise.resolve(params) });
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions address the JSON freely
  const callJson = async (...args: Parameters<typeof call>): Promise<{ status: number; body: any }> => {
    const res = await call(...args);
    return { status: res.status, body: await res.json() };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    await bootstrapTestDatabase(db);
    process.env.DATABASE_URL = db.url;
    const ana = await createUser(db.prisma, { email: "ana@test.local", password: "password-ana" });
    token = (await createApiToken(db.prisma, ana.id)).token;
    const report = await importDbnTrades(db.prisma, db.pool, { files: [TRADES], dataset: "esm4-wrong", instrument: "ESM4" });
    importRunId = report.importRunId!;
    routes = {
      "datasets/[name]/imports": (await import("../app/api/datasets/[name]/imports/route")).GET,
      "imports/[id]": (await import("../app/api/imports/[id]/route")).GET,
      "imports/[id]/quarantine": (await import("../app/api/imports/[id]/quarantine/route")).GET,
    } as unknown as typeof routes;
  });
  afterAll(async () => {
    await closeServerContext();
    await db.drop();
  });

  it("lists a dataset's imports, newest first, with their counts", async () => {
    const res = await callJson("datasets/[name]/imports", { name: "esm4-wrong" });
    expect(res.status).toBe(200);
    expect(res.body.imports).toHaveLength(1);
    expect(res.body.imports[0]).toMatchObject({
      id: importRunId,
      dataset: "esm4-wrong",
      status: "succeeded",
      sourceFiles: ["futures_trades_2024-07-01T23-58_2024-07-02T00-02.dbn.zst"],
      read: 120,
      accepted: 0,
      rejected: 120,
      rejectedByReason: { after_expiry: 120 },
      error: null,
    });
    expect(res.body.imports[0].contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect((await callJson("datasets/[name]/imports", { name: "no-such-dataset" })).status).toBe(404);
  });

  it("reports one import with its dataset and counts by reason", async () => {
    const res = await callJson("imports/[id]", { id: importRunId });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: importRunId, dataset: "esm4-wrong", instrument: "ESM4", format: "dbn", read: 120, accepted: 0, rejected: 120 });
    expect(res.body.rejectedByReason).toEqual({ after_expiry: 120 });
    expect(Date.parse(res.body.finishedAt)).toBeGreaterThanOrEqual(Date.parse(res.body.startedAt));
  });

  it("pages the quarantined records in record order, with the total", async () => {
    const indices: number[] = [];
    for (const page of [1, 2, 3]) {
      const res = await callJson("imports/[id]/quarantine", { id: importRunId }, `?page=${page}&pageSize=50`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ page, pageSize: 50, pages: 3, total: 120, reason: null });
      expect(res.body.records).toHaveLength(page < 3 ? 50 : 20);
      indices.push(...res.body.records.map((r: { recordIndex: number }) => r.recordIndex));
    }
    expect(indices).toEqual([...indices].sort((a, b) => a - b));
    expect(new Set(indices).size).toBe(120);
    const first = (await callJson("imports/[id]/quarantine", { id: importRunId }, "?pageSize=1")).body.records[0];
    expect(first).toMatchObject({ reason: "after_expiry", payload: { price: 5528.75 } });
    expect(first.tsRecv).toMatch(/^2024-07-01T23:58:\d{2}\.\d{9}Z$/);
    // Nanosecond precision: the ISO time carries the stored integer's last nine digits.
    expect(first.tsRecv.slice(20, 29)).toBe(first.tsRecvNs.slice(-9));
    expect(Date.parse(first.tsRecv)).toBe(Math.floor(Number(BigInt(first.tsRecvNs) / 1_000_000n)));
  });

  it("filters by reason", async () => {
    const expired = await callJson("imports/[id]/quarantine", { id: importRunId }, "?reason=after_expiry&pageSize=500");
    expect(expired.body).toMatchObject({ total: 120, pages: 1, reason: "after_expiry" });
    const other = await callJson("imports/[id]/quarantine", { id: importRunId }, "?reason=out_of_order");
    expect(other.body).toMatchObject({ total: 0, pages: 0, records: [] });
    const unset = await callJson("imports/[id]/quarantine", { id: importRunId }, "?reason=");
    expect(unset.body).toMatchObject({ total: 120, reason: null });
  });

  it("streams the whole quarantine as a CSV download", async () => {
    const res = await call("imports/[id]/quarantine", { id: importRunId }, "?format=csv");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="quarantine-esm4-wrong-[0-9a-f]{8}\.csv"$/);
    const lines = (await res.text()).split("\r\n").filter(Boolean);
    expect(lines).toHaveLength(121);
    expect(lines[0]).toBe("record_index,reason,ts_recv,payload");
    const first = (await callJson("imports/[id]/quarantine", { id: importRunId }, "?pageSize=1")).body.records[0];
    expect(lines[1]).toBe(`${first.recordIndex},after_expiry,${first.tsRecv},"${JSON.stringify(first.payload).replaceAll('"', '""')}"`);
    expect(lines[1]).toContain('""price"":5528.75');
  });

  it("reads the quarantine for the CSV in key-ordered batches, without gaps or repeats", async () => {
    const whole: string[] = [];
    for await (const line of quarantineCsv(db.prisma, importRunId)) whole.push(line);
    const batched: string[] = [];
    for await (const line of quarantineCsv(db.prisma, importRunId, 7)) batched.push(line);
    expect(batched).toEqual(whole);
    expect(whole).toHaveLength(121);
  });

  it("answers 404 for an unknown or malformed import id", async () => {
    for (const id of [randomUUID(), "not-a-uuid"]) {
      expect((await callJson("imports/[id]", { id })).status).toBe(404);
      expect((await callJson("imports/[id]/quarantine", { id })).status).toBe(404);
      expect((await callJson("imports/[id]/quarantine", { id }, "?format=csv")).body.error.code).toBe("not_found");
    }
  });

  it("answers 400 for bad query parameters", async () => {
    for (const query of ["?pageSize=10000", "?page=0", "?page=abc", "?format=xml", "?reason=DROP%20TABLE"]) {
      const res = await callJson("imports/[id]/quarantine", { id: importRunId }, query);
      expect(res.status, query).toBe(400);
      expect(res.body.error.code).toBe("bad_request");
    }
  });

  it("answers 401 without credentials", async () => {
    for (const [route, params] of [
      ["datasets/[name]/imports", { name: "esm4-wrong" }],
      ["imports/[id]", { id: importRunId }],
      ["imports/[id]/quarantine", { id: importRunId }],
    ] as const) {
      expect((await call(route, params, "", false)).status).toBe(401);
    }
  });
});
