import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./db";
import { bootstrapTestDatabase, closeServerContext, inProcessExecutor, seedDataset } from "./support/system";
import { analysts, routeCaller, type RouteModules } from "./support/routes";
import { OPERATIONS, buildOpenApiDocument } from "../lib/openapi/document";
import { generateDataset } from "../lib/data/datasets";
import { createContinuousDataset } from "../lib/data/continuous-datasets";
import { executeRun } from "../lib/runs/run-executor";

const API_DIR = path.resolve(import.meta.dirname, "../app/api");

/** Every route file under app/api with its OpenAPI path and the HTTP methods it exports. */
function routeFiles(dir = API_DIR): { file: string; path: string; catchAll: boolean; methods: string[] }[] {
  const out: { file: string; path: string; catchAll: boolean; methods: string[] }[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...routeFiles(full));
    else if (entry.name === "route.ts") {
      const segments = path.relative(API_DIR, dir).split(path.sep).filter(Boolean);
      const catchAll = segments.some((s) => s.startsWith("[..."));
      const apiPath = "/api/" + segments.filter((s) => !s.startsWith("[...")).map((s) => s.replace(/^\[(\w+)\]$/, "{$1}")).join("/");
      const source = readFileSync(full, "utf8");
      const methods = new Set<string>();
      for (const m of source.matchAll(/export\s+(?:const|async function|function)\s+(GET|POST|PUT|PATCH|DELETE)\b/g)) methods.add(m[1]);
      for (const m of source.matchAll(/export\s*\{([^}]*)\}/g)) for (const n of m[1].matchAll(/\bas\s+(GET|POST|PUT|PATCH|DELETE)\b/g)) methods.add(n[1]);
      out.push({ file: path.relative(API_DIR, full), path: apiPath.replace(/\/$/, ""), catchAll, methods: [...methods] });
    }
  }
  return out;
}

type Doc = { openapi: string; paths: Record<string, Record<string, { requestBody?: unknown; responses: Record<string, unknown> }>>; components: { schemas: Record<string, unknown> } };

describe("OpenAPI document", () => {
  const doc = buildOpenApiDocument("http://localhost:3000") as unknown as Doc;
  const files = routeFiles();

  it("is an OpenAPI 3.1 document over JSON Schema 2020-12", () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(files.length).toBeGreaterThan(20);
  });

  it("has an operation for every handler of every route file under app/api", () => {
    const missing: string[] = [];
    for (const f of files) {
      expect(f.methods.length, `${f.file} exports no handler`).toBeGreaterThan(0);
      for (const method of f.methods.map((m) => m.toLowerCase())) {
        const covered = f.catchAll
          ? Object.entries(doc.paths).some(([p, ops]) => p.startsWith(`${f.path}/`) && ops[method])
          : !!doc.paths[f.path]?.[method];
        if (!covered) missing.push(`${method.toUpperCase()} ${f.path} (${f.file})`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("documents no operation that has no handler", () => {
    const stale: string[] = [];
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const method of Object.keys(ops)) {
        const file = files.find((f) => (f.catchAll ? p.startsWith(`${f.path}/`) : f.path === p));
        if (!file?.methods.includes(method.toUpperCase())) stale.push(`${method.toUpperCase()} ${p}`);
      }
    }
    expect(stale).toEqual([]);
  });

  it("resolves every $ref to a component schema", () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(doc.components.schemas[ref.split("/").at(-1)!], ref).toBeDefined();
    }
  });

  it("describes request bodies with the schemas the handlers validate with", () => {
    const createRun = doc.paths["/api/runs"].post.requestBody as { content: { "application/json": { schema: { properties: Record<string, { default?: unknown }>; required?: string[] } } } };
    const schema = createRun.content["application/json"].schema;
    expect(Object.keys(schema.properties)).toEqual(["datasetId", "datasetName", "strategyId", "params", "name", "visibility", "config", "timeLimitSec"]);
    expect(schema.required).toEqual(["strategyId"]);
    const op = OPERATIONS.find((o) => o.operationId === "createRun")!;
    expect(op.body!.safeParse({ datasetName: "mnq-demo", strategyId: "sma-cross", params: { fast: 5 }, config: { fillModel: "l1-trades", latencyMs: 5 } }).success).toBe(true);
    expect(op.body!.safeParse({ strategyId: "sma-cross" }).success).toBe(false);
    expect(op.body!.safeParse({ datasetName: "x", strategyId: "sma-cross", config: { fillModel: "magic" } }).success).toBe(false);
    const update = OPERATIONS.find((o) => o.operationId === "updateRun")!;
    expect(update.body!.safeParse({ name: "Renamed", tags: ["a"] }).success).toBe(true);
    expect(update.body!.safeParse({ owner: "me" }).success).toBe(false);
  });
});

/** Real responses of the route handlers satisfy the response schemas of their operation. */
describe("OpenAPI responses match the handlers", () => {
  let db: TestDatabase;
  const tokens: Record<"ana", string> = { ana: "" };
  let routes: RouteModules;
  const call = routeCaller(() => routes, tokens);

  beforeAll(async () => {
    db = await createTestDatabase();
    await bootstrapTestDatabase(db);
    await seedDataset(db, "oa-demo");
    // A continuous dataset over two generated dated contracts (as in test/continuous-dataset.test.ts):
    // MNQH5 -> MNQM5 by CME's calendar rule, the roll at the open of session 2025-03-13.
    for (const [name, instrument] of [["oa-h5", "MNQH5"], ["oa-m5", "MNQM5"]]) {
      await generateDataset(db.prisma, db.pool, { name, instrument, from: "2025-03-11", to: "2025-03-14", seed: 5, intensity: 0.05 });
    }
    await createContinuousDataset(db.pool, { name: "oa-cont", components: ["oa-h5", "oa-m5"] });
    process.env.DATABASE_URL = db.url;
    tokens.ana = (await analysts(db, "oa.test", ["ana"] as const)).ana.token;
    routes = {
      runs: await import("../app/api/runs/route"),
      "runs/[id]": await import("../app/api/runs/[id]/route"),
      "runs/[id]/cancel": await import("../app/api/runs/[id]/cancel/route"),
      "runs/[id]/result": await import("../app/api/runs/[id]/result/route"),
      datasets: await import("../app/api/datasets/route"),
      "datasets/[name]": await import("../app/api/datasets/[name]/route"),
      strategies: await import("../app/api/strategies/route"),
      me: await import("../app/api/me/route"),
      tokens: await import("../app/api/tokens/route"),
      "share-links": await import("../app/api/share-links/route"),
      "openapi.json": await import("../app/api/openapi.json/route"),
    } as unknown as RouteModules;
  }, 120_000);
  afterAll(async () => {
    await closeServerContext();
    await db.drop();
  }, 60_000);

  const check = (operationId: string, status: number, body: unknown) => {
    const op = OPERATIONS.find((o) => o.operationId === operationId)!;
    const schema = op.responses[status]?.schema;
    expect(schema, `${operationId} documents no ${status} response`).toBeDefined();
    const parsed = schema!.safeParse(body);
    expect(parsed.success, `${operationId} ${status}: ${JSON.stringify(parsed.error?.issues ?? [])}`).toBe(true);
  };

  it("runs: create, list, get, rename, cancel, delete, and an error body", async () => {
    const created = await call("runs", "POST", { as: "ana", body: { datasetName: "oa-demo", strategyId: "sma-cross", params: { fast: 4 } } });
    expect(created.status).toBe(202);
    check("createRun", 202, created.body);
    const id = created.body.id;
    check("listRuns", 200, (await call("runs", "GET", { as: "ana", query: "?dataset=oa-demo" })).body);
    check("getRun", 200, (await call("runs/[id]", "GET", { as: "ana", params: { id } })).body);
    check("updateRun", 200, (await call("runs/[id]", "PATCH", { as: "ana", params: { id }, body: { name: "oa" } })).body);
    const busy = await call("runs/[id]", "DELETE", { as: "ana", params: { id } });
    expect(busy.status).toBe(409);
    check("deleteRun", 409, busy.body);
    check("cancelRun", 200, (await call("runs/[id]/cancel", "POST", { as: "ana", params: { id } })).body);
    check("deleteRun", 200, (await call("runs/[id]", "DELETE", { as: "ana", params: { id } })).body);
    const missing = await call("runs", "POST", { as: "ana", body: { datasetName: "nope", strategyId: "sma-cross" } });
    expect(missing.status).toBe(404);
    check("createRun", 404, missing.body);
  });

  it("datasets, strategies, account, share links and the document itself", async () => {
    check("listDatasets", 200, (await call("datasets", "GET", { as: "ana" })).body);
    check("getDataset", 200, (await call("datasets/[name]", "GET", { as: "ana", params: { name: "oa-demo" } })).body);
    check("listStrategies", 200, (await call("strategies", "GET", { as: "ana" })).body);
    check("getMe", 200, (await call("me", "GET", { as: "ana" })).body);
    const token = await call("tokens", "POST", { as: "ana", body: { name: "ci" } });
    expect(token.status).toBe(201);
    check("createToken", 201, token.body);
    check("listTokens", 200, (await call("tokens", "GET", { as: "ana" })).body);
    check("listShareLinks", 200, (await call("share-links", "GET", { as: "ana" })).body);
    const served = await call("openapi.json", "GET", {});
    expect(served.status).toBe(200);
    expect(served.body.openapi).toBe("3.1.0");
    expect(Object.keys(served.body.paths)).toEqual(Object.keys(buildOpenApiDocument().paths as object));
  });

  it("datasets: a continuous dataset's kind, roll rule, components and rolls; a dated contract's single dataset", async () => {
    const list = (await call("datasets", "GET", { as: "ana" })).body;
    check("listDatasets", 200, list);
    const byName = new Map((list.datasets as { name: string }[]).map((d) => [d.name, d]));
    expect(byName.get("oa-h5")).toMatchObject({ kind: "single", contract: "MNQH5", rollRule: null });
    expect(byName.get("oa-demo")).toMatchObject({ kind: "single", contract: null, rollRule: null });
    expect(byName.get("oa-cont")).toMatchObject({ kind: "continuous", contract: null, rollRule: { kind: "calendar", daysBeforeExpiry: 8 } });

    const detail = await call("datasets/[name]", "GET", { as: "ana", params: { name: "oa-cont" } });
    check("getDataset", 200, detail.body);
    // MNQH5 expires Fri 2025-03-21; 8 days before is session Thu 03-13, open 17:00 CDT on 03-12 = 22:00 UTC.
    expect(detail.body.continuous).toEqual({
      components: [
        { name: "oa-h5", contract: "MNQH5", position: 0, from: null, to: "2025-03-12T22:00:00.000Z" },
        { name: "oa-m5", contract: "MNQM5", position: 1, from: "2025-03-12T22:00:00.000Z", to: null },
      ],
      rolls: [{ atNs: "1741816800000000000", at: "2025-03-12T22:00:00.000Z", sessionDate: "2025-03-13", fromContract: "MNQH5", toContract: "MNQM5" }],
    });
    const single = await call("datasets/[name]", "GET", { as: "ana", params: { name: "oa-h5" } });
    check("getDataset", 200, single.body);
    expect(single.body.continuous).toBeNull();

    // The schema is not a rubber stamp: a continuous detail without its rolls, or an unknown kind, fails.
    const op = OPERATIONS.find((o) => o.operationId === "getDataset")!;
    expect(op.responses[200].schema!.safeParse({ ...detail.body, continuous: { components: detail.body.continuous.components } }).success).toBe(false);
    expect(op.responses[200].schema!.safeParse({ ...detail.body, kind: "spliced" }).success).toBe(false);
    const doc = buildOpenApiDocument() as unknown as Doc;
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(["Dataset", "DatasetDetail", "ContinuousDetail", "RollRule", "RollPoint", "ExecutedRoll", "RunRollSchedule"]));
  });

  it("runs over a continuous dataset: the result's metrics carry the roll schedule and the executed rolls", async () => {
    const created = await call("runs", "POST", { as: "ana", body: { datasetName: "oa-cont", strategyId: "sma-cross", params: { fast: 3, slow: 6 }, config: { feePerSideUsd: 0.57 } } });
    expect(created.status).toBe(202);
    await executeRun(inProcessExecutor(db, { progressIntervalMs: 0 }), created.body.id);
    const result = await call("runs/[id]/result", "GET", { as: "ana", params: { id: created.body.id } });
    expect(result.status).toBe(200);
    check("getRunResult", 200, result.body);
    const metrics = result.body.metrics;
    expect(metrics.rollSchedule).toEqual({
      rule: { kind: "calendar", daysBeforeExpiry: 8 },
      contracts: ["MNQH5", "MNQM5"],
      rolls: [{ atNs: "1741816800000000000", at: "2025-03-12T22:00:00.000Z", sessionDate: "2025-03-13", fromContract: "MNQH5", toContract: "MNQM5" }],
    });
    // sma-cross is in the market once warmed up: one contract rolled in two fills.
    expect(metrics.rolls).toHaveLength(1);
    expect(metrics.rolls[0]).toMatchObject({ at: "2025-03-12T22:00:00.000Z", fromContract: "MNQH5", toContract: "MNQM5" });
    expect(Math.abs(metrics.rolls[0].closedQty)).toBe(1);
    expect(metrics.rolls[0].fillIds).toHaveLength(2);
    const op = OPERATIONS.find((o) => o.operationId === "getRunResult")!;
    const badRoll = { ...result.body, metrics: { ...metrics, rolls: [{ ...metrics.rolls[0], toPriceTicks: "21000" }] } };
    expect(op.responses[200].schema!.safeParse(badRoll).success).toBe(false);
  }, 120_000);
});
