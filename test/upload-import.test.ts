import { mkdtempSync, openAsBlob, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./db";
import { bootstrapTestDatabase, closeServerContext, startWorker, waitFor, type WorkerProcess } from "./support/system";
import { analysts, routeCaller, type RouteModules } from "./support/routes";
import { createApiToken } from "../lib/auth/api-tokens";
import { createLogger } from "../lib/log/logger";
import { IMPORT_QUEUE, startBoss } from "../lib/jobs/queue";
import { importTrades } from "../lib/data/import/import-trades";
import { executeImport, type ImportExecutorDeps } from "../lib/imports/import-executor";
import { reapImports } from "../lib/imports/import-reaper";
import type { ImportJobProgressDto } from "../lib/imports/import-job-dto";
import type { Importer } from "../lib/imports/importer";

const DBN = "../shared/fixtures/databento/databento-dbn/tests/data/test_data.trades.v3.dbn.zst"; // 2 ESH1 trades, 2020-12-28 07:00 CT
const CATALOG = "../shared/fixtures/databento/nautilus_trader/tests/test_data/databento/historical_bars_catalog/databento/";
const ESU4_TRADES = `${CATALOG}futures_trades_2024-07-01T23-58_2024-07-02T00-02.dbn.zst`; // 120 ESU4 trades, 2,153 bytes
const ESU4_MBP1 = `${CATALOG}futures_mbp-1_2024-07-01T23-58_2024-07-02T00-02.dbn.zst`; // the same 120 trades among MBP-1 records
const MAX_BYTES = 60_000;
/** The default price band of trade-validation.ts. */
const BAND = { percent: 7, reference: "prior-session-last" };

type User = "admin" | "ana";

/**
 * Browser imports end to end below the browser: the upload route handler receives a real
 * multipart body streamed from fixture files, stores them, enqueues a job; the import executor
 * (in this process, or a real worker process) imports them; the job's state, the dataset and the
 * upload directory are checked against a real PostgreSQL.
 */
describe("browser upload and import jobs", () => {
  let db: TestDatabase;
  let boss: PgBoss;
  let routes: RouteModules;
  let worker: WorkerProcess | undefined;
  const tokens: Record<User, string> = { admin: "", ana: "" };
  const call = routeCaller(() => routes, tokens);
  const uploadDir = mkdtempSync(path.join(tmpdir(), "tickbench-uploads-"));
  const scratch = mkdtempSync(path.join(tmpdir(), "tickbench-upload-files-"));
  const published: ImportJobProgressDto[] = [];

  const deps = (overrides: Partial<ImportExecutorDeps> = {}): ImportExecutorDeps => ({
    db: db.prisma,
    pool: db.pool,
    log: createLogger("test", "silent"),
    workerId: "test-worker",
    importer: importTrades,
    uploadRoot: uploadDir,
    publish: (s) => published.push(s),
    progressIntervalMs: 0,
    shuttingDown: () => false,
    ...overrides,
  });

  /** POSTs a multipart upload (files streamed from disk by fetch's FormData encoder). */
  async function upload(as: User, fields: Record<string, string>, files: string[]) {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    for (const file of files) form.append("files", await openAsBlob(file), path.basename(file));
    const req = new Request("http://localhost/api/imports/jobs", { method: "POST", headers: { authorization: `Bearer ${tokens[as]}` }, body: form });
    const res = await routes["imports/jobs"].POST(req, { params: Promise.resolve({}) });
    return { status: res.status, body: await res.json() };
  }

  const jobRow = async (id: string) =>
    (
      await db.pool.query(
        `SELECT status, attempt, error, read_count::int AS read, accepted_count::int AS accepted, rejected_count::int AS rejected,
                bytes_read::int AS bytes_read, total_bytes::int AS total_bytes, import_run_id, job_id, files_deleted_at
           FROM import_jobs WHERE id = $1`,
        [id],
      )
    ).rows[0];
  const dataset = (name: string) => db.prisma.dataset.findUnique({ where: { name } });
  const uploadDirs = () => readdirSync(uploadDir);

  beforeAll(async () => {
    db = await createTestDatabase();
    await bootstrapTestDatabase(db);
    process.env.DATABASE_URL = db.url;
    process.env.UPLOAD_DIR = uploadDir;
    process.env.UPLOAD_MAX_BYTES = String(MAX_BYTES);
    const admin = await db.prisma.user.findFirstOrThrow({ where: { role: "admin" } });
    tokens.admin = (await createApiToken(db.prisma, admin.id)).token;
    tokens.ana = (await analysts(db, "upload.test", ["ana"] as const)).ana.token;
    boss = await startBoss(db.url, "sender");
    routes = {
      "imports/jobs": await import("../app/api/imports/jobs/route"),
      "imports/jobs/[id]": await import("../app/api/imports/jobs/[id]/route"),
      "imports/jobs/[id]/cancel": await import("../app/api/imports/jobs/[id]/cancel/route"),
      "imports/[id]": await import("../app/api/imports/[id]/route"),
      "datasets/[name]": await import("../app/api/datasets/[name]/route"),
    } as unknown as RouteModules;
  });
  afterAll(async () => {
    await worker?.stop();
    await boss?.stop({ graceful: false, wait: true });
    await closeServerContext();
    await db.drop();
  });

  it("streams an upload to disk, queues it, and imports it: queued -> running -> succeeded with counts and progress", async () => {
    const res = await upload("admin", { dataset: "esh1-upload", format: "auto" }, [DBN]);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: "queued", dataset: "esh1-upload", format: "auto", files: [{ name: "test_data.trades.v3.dbn.zst", size: 175 }], totalBytes: 175 });
    const id = res.body.id as string;
    // The file is on disk under the job's directory, byte for byte, and a queue entry exists.
    expect(uploadDirs()).toEqual([id]);
    const row = await jobRow(id);
    const queueJob = await boss.getJobById(IMPORT_QUEUE, row.job_id);
    expect(queueJob?.data).toEqual({ importJobId: id });

    await executeImport(deps(), id);
    const done = await jobRow(id);
    expect(done).toMatchObject({ status: "succeeded", attempt: 1, read: 2, accepted: 2, rejected: 0, bytes_read: 175, total_bytes: 175, error: null });
    expect(done.files_deleted_at).not.toBeNull();
    expect(uploadDirs()).toEqual([]);
    const ds = await dataset("esh1-upload");
    expect(ds).toMatchObject({ status: "ready", recordCount: 2n });
    // The new dataset keeps the rules it was imported with (the defaults here).
    expect(ds?.validationRules).toEqual({ outsideSession: "reject", afterExpiry: "reject", priceBand: BAND });

    const mine = published.filter((p) => p.importJobId === id);
    expect(mine.some((p) => p.status === "running")).toBe(true);
    expect(mine.at(-1)).toMatchObject({ status: "succeeded", progress: 1, read: 2, accepted: 2, rejected: 0, importRunId: done.import_run_id, skipped: false });
    const statuses = mine.map((p) => p.status);
    expect(statuses.indexOf("running")).toBeLessThan(statuses.indexOf("succeeded"));

    // The job (any signed-in user) links to the import report.
    const job = await call("imports/jobs/[id]", "GET", { as: "ana", params: { id } });
    expect(job.status).toBe(200);
    expect(job.body).toMatchObject({ id, status: "succeeded", importRunId: done.import_run_id });
    const report = await call("imports/[id]", "GET", { as: "ana", params: { id: done.import_run_id } });
    expect(report.body).toMatchObject({ dataset: "esh1-upload", status: "succeeded", read: 2, accepted: 2, sourceFiles: ["test_data.trades.v3.dbn.zst"] });
  });

  it("fails an unrecognisable file with a clear message, leaving the dataset unchanged and deleting the upload", async () => {
    const before = await dataset("esh1-upload");
    const bogus = path.join(scratch, "notes.dbn");
    writeFileSync(bogus, "this is not market data\n".repeat(20));
    const res = await upload("admin", { dataset: "esh1-upload" }, [bogus]);
    expect(res.status).toBe(202);
    await executeImport(deps(), res.body.id);
    const row = await jobRow(res.body.id);
    expect(row.status).toBe("failed");
    expect(row.error).toMatch(/DBN|format|recogni/i);
    expect(row.error).not.toMatch(/Internal error/);
    const after = await dataset("esh1-upload");
    expect(after).toMatchObject({ recordCount: before!.recordCount, version: before!.version, startNs: before!.startNs, endNs: before!.endNs });
    expect(uploadDirs()).toEqual([]);

    // Into a new dataset: the dataset is not created.
    const fresh = await upload("admin", { dataset: "never-created" }, [bogus]);
    await executeImport(deps(), fresh.body.id);
    expect((await jobRow(fresh.body.id)).status).toBe("failed");
    expect(await dataset("never-created")).toBeNull();
    const page = await call("imports/jobs/[id]", "GET", { as: "admin", params: { id: fresh.body.id } });
    expect(page.body.error).toBe(row.error);
  });

  it("refuses uploads from analysts (403) and stores nothing", async () => {
    const res = await upload("ana", { dataset: "ana-data" }, [DBN]);
    expect(res.status).toBe(403);
    expect(uploadDirs()).toEqual([]);
    expect(await db.prisma.importJob.count({ where: { datasetName: "ana-data" } })).toBe(0);
    const patch = await call("datasets/[name]", "PATCH", { as: "ana", params: { name: "esh1-upload" }, body: { validationRules: { outsideSession: "keep" } } });
    expect(patch.status).toBe(403);
  });

  it("rejects invalid forms, empty and oversized uploads with 4xx, leaving no file behind", async () => {
    const bad = await upload("admin", { dataset: "has space", format: "auto" }, [DBN]);
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0].path).toBe("dataset");
    const badFormat = await upload("admin", { dataset: "x", format: "excel" }, [DBN]);
    expect(badFormat.status).toBe(400);
    const badRules = await upload("admin", { dataset: "x", rules: JSON.stringify({ outsideSession: "sometimes" }) }, [DBN]);
    expect(badRules.status).toBe(400);
    const noFile = await upload("admin", { dataset: "x" }, []);
    expect(noFile.status).toBe(400);
    expect(noFile.body.error.message).toMatch(/at least one file/);
    const big = path.join(scratch, "big.dbn");
    writeFileSync(big, Buffer.alloc(MAX_BYTES + 1, 7));
    const tooBig = await upload("admin", { dataset: "x" }, [big]);
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error.code).toBe("payload_too_large");
    // Two files that only together exceed the limit are refused too.
    const half = path.join(scratch, "half.dbn");
    writeFileSync(half, Buffer.alloc(MAX_BYTES / 2 + 1, 7));
    expect((await upload("admin", { dataset: "x" }, [half, half])).status).toBe(413);
    expect(uploadDirs()).toEqual([]);
    expect(await db.prisma.importJob.count({ where: { datasetName: "x" } })).toBe(0);
  });

  it("validates rule changes (400), and applies them to the next import into the dataset", async () => {
    // ESU4 trades declared as ESM4: every trade is after ESM4's expiry.
    const first = await upload("admin", { dataset: "esm4-rules", instrument: "ESM4" }, [ESU4_TRADES]);
    await executeImport(deps(), first.body.id);
    expect(await jobRow(first.body.id)).toMatchObject({ status: "succeeded", read: 120, accepted: 0, rejected: 120 });

    const name = { name: "esm4-rules" };
    for (const body of [
      { validationRules: { afterExpiry: "sometimes" } },
      { validationRules: { afterExpiry: "keep", unknownRule: true } },
      { validationRules: { priceBand: { percent: 0 } } },
      { validationRules: { priceBand: "sometimes" } },
      { rules: { afterExpiry: "keep" } },
    ]) {
      const res = await call("datasets/[name]", "PATCH", { as: "admin", params: name, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect((await call("datasets/[name]", "PATCH", { as: "admin", params: name, raw: "{not json" })).status).toBe(400);
    expect((await call("datasets/[name]", "PATCH", { as: "admin", params: { name: "nope" }, body: { validationRules: {} } })).status).toBe(404);
    expect((await dataset("esm4-rules"))?.validationRules).toEqual({ outsideSession: "reject", afterExpiry: "reject", priceBand: BAND });

    const off = await call("datasets/[name]", "PATCH", { as: "admin", params: name, body: { validationRules: { priceBand: "off" } } });
    expect(off.body.validationRules).toEqual({ outsideSession: "reject", afterExpiry: "reject", priceBand: null });

    const ok = await call("datasets/[name]", "PATCH", { as: "admin", params: name, body: { validationRules: { afterExpiry: "keep" } } });
    expect(ok.status).toBe(200);
    // Omitted rules take their default (the band is back on).
    expect(ok.body.validationRules).toEqual({ outsideSession: "reject", afterExpiry: "keep", priceBand: BAND });
    const detail = await call("datasets/[name]", "GET", { as: "ana", params: name });
    expect(detail.body.validationRules).toEqual({ outsideSession: "reject", afterExpiry: "keep", priceBand: BAND });
    expect(detail.body.validationRuleDefaults).toEqual({ outsideSession: "reject", afterExpiry: "reject", priceBand: BAND });

    // Rules belong to the dataset: an upload into it may not bring its own.
    const own = await upload("admin", { dataset: "esm4-rules", instrument: "ESM4", rules: JSON.stringify({ afterExpiry: "reject" }) }, [ESU4_MBP1]);
    expect(own.status).toBe(400);

    // The same trades (inside the MBP-1 file: other content) now pass the after-expiry rule.
    const second = await upload("admin", { dataset: "esm4-rules", instrument: "ESM4" }, [ESU4_MBP1]);
    await executeImport(deps(), second.body.id);
    expect(await jobRow(second.body.id)).toMatchObject({ status: "succeeded", read: 120, accepted: 120, rejected: 0 });
    expect((await dataset("esm4-rules"))?.recordCount).toBe(120n);
  });

  it("takes the rules of the form for a new dataset and keeps them on it", async () => {
    const res = await upload("admin", { dataset: "esm4-keep", instrument: "ESM4", rules: JSON.stringify({ afterExpiry: "keep" }) }, [ESU4_TRADES]);
    expect(res.status).toBe(202);
    await executeImport(deps(), res.body.id);
    expect(await jobRow(res.body.id)).toMatchObject({ status: "succeeded", read: 120, accepted: 120, rejected: 0 });
    expect((await dataset("esm4-keep"))?.validationRules).toEqual({ outsideSession: "reject", afterExpiry: "keep", priceBand: BAND });
  });

  it("cancels a queued import at once and a running one through its AbortSignal; analysts may not", async () => {
    const queued = await upload("admin", { dataset: "cancel-me" }, [DBN]);
    expect((await call("imports/jobs/[id]/cancel", "POST", { as: "ana", params: { id: queued.body.id } })).status).toBe(403);
    const cancelled = await call("imports/jobs/[id]/cancel", "POST", { as: "admin", params: { id: queued.body.id } });
    expect(cancelled.body).toMatchObject({ status: "cancelled", error: "Cancelled by user" });
    expect(uploadDirs()).toEqual([]);
    await executeImport(deps(), queued.body.id); // a late delivery of its queue entry does nothing
    expect((await jobRow(queued.body.id)).attempt).toBe(0);
    expect((await call("imports/jobs/[id]/cancel", "POST", { as: "admin", params: { id: queued.body.id } })).status).toBe(409);

    // A running import: this importer reports progress, then waits for its signal like a long import.
    let sawSignal = false;
    const slow: Importer = (_db, _pool, options) =>
      new Promise((_resolve, reject) => {
        options.onProgress?.({ bytesRead: 100, totalBytes: 175, read: 1, accepted: 1, rejected: 0 });
        options.signal?.addEventListener("abort", () => {
          sawSignal = true;
          reject(options.signal?.reason);
        });
      });
    const running = await upload("admin", { dataset: "cancel-me" }, [DBN]);
    const execution = executeImport(deps({ importer: slow, heartbeatMs: 50 }), running.body.id);
    await waitFor(async () => ((await jobRow(running.body.id)).read === 1 ? true : undefined), "the import to report progress");
    expect(await jobRow(running.body.id)).toMatchObject({ status: "running", bytes_read: 100 });
    const res = await call("imports/jobs/[id]/cancel", "POST", { as: "admin", params: { id: running.body.id } });
    expect(res.body).toMatchObject({ status: "running", cancelRequested: true });
    await execution;
    expect(sawSignal).toBe(true);
    expect(await jobRow(running.body.id)).toMatchObject({ status: "cancelled", error: "Cancelled by user" });
    expect(await dataset("cancel-me")).toBeNull();
    expect(uploadDirs()).toEqual([]);
  });

  it("hands the import of a lost worker back to the queue (reaper), and the retry imports everything exactly once", async () => {
    const res = await upload("admin", { dataset: "lost-worker" }, [ESU4_TRADES]);
    const id = res.body.id as string;
    // A worker took the queue entry, claimed the job, and died before committing.
    const fetched = (await boss.fetch<{ importJobId: string }>(IMPORT_QUEUE, { batchSize: 100 })).find((j) => j.data.importJobId === id);
    if (!fetched) throw new Error("the import's queue entry was not found");
    await db.pool.query("UPDATE import_jobs SET status = 'running', attempt = 1, worker_id = 'dead', heartbeat_at = now() - interval '1 hour' WHERE id = $1", [id]);
    const reaped = await reapImports({ pool: db.pool, boss, log: createLogger("test", "silent"), uploadRoot: uploadDir, failoverAfterSec: 4 });
    expect(reaped.failedOver).toBe(1);
    expect((await jobRow(id)).status).toBe("queued");
    expect((await boss.getJobById(IMPORT_QUEUE, fetched.id))?.state).toBe("retry");
    expect(uploadDirs()).toEqual([id]); // the files wait for the retry

    await executeImport(deps(), id);
    expect(await jobRow(id)).toMatchObject({ status: "succeeded", attempt: 2, read: 120, accepted: 120 });
    expect((await dataset("lost-worker"))?.recordCount).toBe(120n);
  });

  it("fails a job whose queue entry is gone instead of leaving it queued forever", async () => {
    const res = await upload("admin", { dataset: "orphan" }, [DBN]);
    const id = res.body.id as string;
    const { job_id } = await jobRow(id);
    await boss.cancel(IMPORT_QUEUE, job_id);
    await db.pool.query("UPDATE import_jobs SET queued_at = now() - interval '1 hour' WHERE id = $1", [id]);
    const reaped = await reapImports({ pool: db.pool, boss, log: createLogger("test", "silent"), uploadRoot: uploadDir, failoverAfterSec: 4 });
    expect(reaped.ended).toBe(1);
    expect(await jobRow(id)).toMatchObject({ status: "failed" });
    expect((await jobRow(id)).error).toMatch(/could not be executed/);
    expect(uploadDirs()).toEqual([]);
  });

  it("runs an upload through a real worker process", async () => {
    worker = startWorker(db, { UPLOAD_DIR: uploadDir });
    const res = await upload("admin", { dataset: "esh1-worker" }, [DBN]);
    expect(res.status).toBe(202);
    const done = await waitFor(async () => {
      const row = await jobRow(res.body.id);
      // The worker ends the job, then deletes its files and records that (files_deleted_at).
      return row.status === "failed" || (row.status === "succeeded" && row.files_deleted_at !== null) ? row : undefined;
    }, "the worker to import the upload and delete its files");
    expect(done, worker.output.join("")).toMatchObject({ status: "succeeded", read: 2, accepted: 2 });
    expect(uploadDirs()).toEqual([]);
  }, 90_000);
});
