/**
 * Import jobs as a service: create one from a browser upload (stream the files to disk, validate
 * the form, persist, enqueue), read, list, cancel. Route handlers call these; nothing here imports
 * a file - a worker does (import-executor.ts).
 *
 * Rules: an import into an existing dataset runs with the dataset's own validation rules (edited on
 * its page); an import that creates a dataset takes the rules of the form (defaults when omitted),
 * and they become the new dataset's rules. One import per dataset at a time: a second one while
 * one is queued or running is refused (409), so two first imports cannot race to create it.
 */
import { randomUUID } from "node:crypto";
import type PgBoss from "pg-boss";
import { z } from "zod";
import { AppError, badRequest, conflict, notFound } from "../errors";
import type { Db } from "../db/prisma";
import { datasetNameSchema } from "../data/datasets";
import { validationRulesSchema } from "../data/import/trade-validation";
import { IMPORT_EXPIRE_SEC, IMPORT_QUEUE, IMPORT_RETRY, type ImportJobPayload } from "../jobs/queue";
import { ACTIVE_IMPORT_STATUSES, toImportJobDto, type ImportJobDto } from "./import-job-dto";
import { deleteUploadDir, jobUploadDir, receiveUpload } from "./upload-store";

/** Formats an upload may declare; "auto" lets the importer tell from the content and name. */
export const IMPORT_FORMATS = ["auto", "dbn", "databento-csv", "databento-json", "ninjatrader", "scid", "csv"] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export interface ImportJobServiceDeps {
  db: Db;
  boss: PgBoss;
  /** Absolute upload directory (upload-store.ts `uploadRoot`). */
  uploadRoot: string;
  maxUploadBytes: number;
  stallAfterSec: number;
}

const emptyToUndefined = (v: unknown) => (v === "" || v === null ? undefined : v);

/** The text fields of the upload form (multipart fields are strings; `rules` is JSON). */
export const importFormSchema = z
  .object({
    dataset: datasetNameSchema,
    format: z.preprocess(emptyToUndefined, z.enum(IMPORT_FORMATS).default("auto")),
    instrument: z.preprocess(emptyToUndefined, z.string().trim().toUpperCase().min(1).max(32).regex(/^[A-Z0-9. -]+$/, "Not an instrument symbol").optional()),
    rules: z.preprocess((v) => {
      if (v === undefined || v === "") return undefined;
      try {
        return JSON.parse(String(v));
      } catch {
        return v; // reported by the schema: not an object
      }
    }, validationRulesSchema.optional()),
  })
  .strict();
export type ImportForm = z.infer<typeof importFormSchema>;

/**
 * Receives an upload (multipart: fields `dataset`, `format`, `instrument`, `rules`, and one or more
 * files), stores the files and enqueues their import. The files are streamed to disk before the
 * form is validated (multipart order is the client's); a rejected upload leaves nothing behind.
 */
export async function createImportJob(deps: ImportJobServiceDeps, createdBy: string | null, req: Request): Promise<ImportJobDto> {
  const id = randomUUID();
  const upload = await receiveUpload(req, { dir: jobUploadDir(deps.uploadRoot, id), maxBytes: deps.maxUploadBytes });
  try {
    const form = importFormSchema.parse(upload.fields);
    if (upload.files.length === 0) throw badRequest("Choose at least one file to import");
    const empty = upload.files.find((f) => f.size === 0);
    if (empty) throw badRequest(`${empty.name} is empty`);
    const dataset = await deps.db.dataset.findUnique({ where: { name: form.dataset }, select: { id: true } });
    if (dataset && form.rules) {
      throw badRequest(`Dataset ${form.dataset} exists: its own validation rules apply (edit them on its page)`);
    }
    const busy = await deps.db.importJob.findFirst({ where: { datasetName: form.dataset, status: { in: ACTIVE_IMPORT_STATUSES } }, select: { id: true } });
    if (busy) throw conflict(`An import into ${form.dataset} is already queued or running`);
    const row = await deps.db.importJob.create({
      data: {
        id,
        datasetName: form.dataset,
        format: form.format,
        instrument: form.instrument ?? null,
        rules: dataset ? undefined : (form.rules ?? validationRulesSchema.parse({})),
        files: upload.files.map((f) => ({ name: f.name, size: f.size })),
        totalBytes: upload.totalBytes,
        createdById: createdBy,
      },
    });
    try {
      const payload: ImportJobPayload = { importJobId: id };
      const jobId = await deps.boss.send(IMPORT_QUEUE, payload, { ...IMPORT_RETRY, expireInSeconds: IMPORT_EXPIRE_SEC });
      const updated = await deps.db.importJob.update({ where: { id }, data: { jobId } });
      return toImportJobDto(updated, deps.stallAfterSec);
    } catch (error) {
      // The job must not stay "queued" without a queue entry.
      await deps.db.importJob.update({ where: { id: row.id }, data: { status: "failed", error: "Could not enqueue the import; please retry", finishedAt: new Date(), filesDeletedAt: new Date() } });
      throw new AppError("unavailable", "The job queue is unavailable; please retry", { cause: error });
    }
  } catch (error) {
    await deleteUploadDir(deps.uploadRoot, id);
    throw error;
  }
}

const uuidSchema = z.uuid();

/** One import job; an unknown or malformed id is a 404. */
export async function getImportJob(db: Db, importJobId: string, stallAfterSec: number): Promise<ImportJobDto> {
  if (!uuidSchema.safeParse(importJobId).success) throw notFound("Import");
  const row = await db.importJob.findUnique({ where: { id: importJobId } });
  if (!row) throw notFound("Import");
  return toImportJobDto(row, stallAfterSec);
}

/** True when `id` names an import job (the /imports/[id] page serves jobs and import runs). */
export async function isImportJob(db: Db, id: string): Promise<boolean> {
  if (!uuidSchema.safeParse(id).success) return false;
  return (await db.importJob.count({ where: { id } })) > 0;
}

export const listImportJobsQuerySchema = z.object({
  dataset: z.preprocess(emptyToUndefined, datasetNameSchema.optional()),
  active: z.preprocess(emptyToUndefined, z.enum(["true", "false"]).optional()).transform((v) => v === "true"),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ListImportJobsQuery = z.input<typeof listImportJobsQuerySchema>;

/** Import jobs, newest first; optionally of one dataset and/or only the queued and running ones. */
export async function listImportJobs(db: Db, query: ListImportJobsQuery, stallAfterSec: number): Promise<ImportJobDto[]> {
  const { dataset, active, limit } = listImportJobsQuerySchema.parse(query);
  const rows = await db.importJob.findMany({
    where: { ...(dataset ? { datasetName: dataset } : {}), ...(active ? { status: { in: ACTIVE_IMPORT_STATUSES } } : {}) },
    orderBy: [{ queuedAt: "desc" }, { id: "desc" }],
    take: limit,
  });
  return rows.map((r) => toImportJobDto(r, stallAfterSec));
}

/**
 * Cancels an import: a queued one at once (its files are deleted), a running one at its next
 * progress check (the worker aborts the import; its transaction rolls back). A finished one is a 409.
 */
export async function cancelImportJob(deps: Pick<ImportJobServiceDeps, "db" | "boss" | "uploadRoot" | "stallAfterSec">, importJobId: string): Promise<ImportJobDto> {
  const job = await getImportJob(deps.db, importJobId, deps.stallAfterSec);
  const queued = await deps.db.importJob.updateMany({
    where: { id: job.id, status: "queued" },
    data: { status: "cancelled", cancelRequested: true, error: "Cancelled by user", finishedAt: new Date(), filesDeletedAt: new Date() },
  });
  if (queued.count > 0) {
    const row = await deps.db.importJob.findUniqueOrThrow({ where: { id: job.id } });
    if (row.jobId) await deps.boss.cancel(IMPORT_QUEUE, row.jobId).catch(() => {});
    await deleteUploadDir(deps.uploadRoot, job.id);
    return toImportJobDto(row, deps.stallAfterSec);
  }
  const running = await deps.db.importJob.updateMany({ where: { id: job.id, status: "running" }, data: { cancelRequested: true } });
  if (running.count === 0) throw conflict(`The import has already ${job.status === "cancelled" ? "been cancelled" : job.status}`);
  return getImportJob(deps.db, job.id, deps.stallAfterSec);
}
