/**
 * The report of past imports: the import runs of a dataset, one run with its counts, and the
 * records it quarantined (paged for the browser, streamed as CSV for export).
 *
 * Invariants: quarantined records are listed in `record_index` order (ties, e.g. two files of
 * one import, broken by insertion order); the CSV export pages through the table by key, so its
 * memory stays bounded whatever the size of the quarantine. Source files are reported by base
 * name only: server paths never reach the browser.
 *
 * A report carries the data flags its import wrote (price-band ranges, halts; lib/data/data-flags.ts):
 * totals per kind and the first MAX_REPORT_FLAGS ranges by time. Imports that failed before their
 * dataset existed (`failed_imports`) are reported too: by id, and in the list of their dataset's
 * name (status "failed", no counts).
 */
import { z } from "zod";
import { notFound } from "../../errors";
import type { Db } from "../../db/prisma";
import type { Prisma } from "../../generated/prisma/client.ts";

export interface ImportRunDto {
  id: string;
  dataset: string;
  status: string;
  sourceFiles: string[];
  format: string | null;
  instrument: string | null;
  contentHash: string | null;
  read: number;
  accepted: number;
  rejected: number;
  rejectedByReason: Record<string, number>;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
  flags: ImportFlagsDto;
  /** Warnings of the import (reference files: definitions that disagree with the contract spec, import-reference.ts). */
  warnings: string[];
}

export interface DataFlagDto {
  kind: string;
  /** Receive times, ISO-8601 UTC with nanoseconds, and the same in ns as strings (both inclusive). */
  from: string;
  to: string;
  fromNs: string;
  toNs: string;
  /** Trades (price_band) or status records (halt) in the range. */
  count: number;
  detail: unknown;
}

export interface ImportFlagsDto {
  /** Per kind: ranges and the records they cover. */
  totals: Record<string, { flags: number; records: number }>;
  /** The first MAX_REPORT_FLAGS ranges by start time. */
  items: DataFlagDto[];
  truncated: boolean;
}

export const MAX_REPORT_FLAGS = 200;
const NO_FLAGS: ImportFlagsDto = { totals: {}, items: [], truncated: false };

export interface QuarantinedRecordDto {
  recordIndex: number;
  reason: string;
  /** Receive time as ISO-8601 UTC with nanoseconds ("2024-07-01T23:58:00.123456789Z"). */
  tsRecv: string | null;
  tsRecvNs: string | null;
  payload: unknown;
}

export interface QuarantinePage {
  importRunId: string;
  page: number;
  pageSize: number;
  pages: number;
  total: number;
  reason: string | null;
  records: QuarantinedRecordDto[];
}

export const MAX_QUARANTINE_PAGE_SIZE = 500;

/** Query of a quarantine page; an empty `reason` (an unset filter in a form) means all reasons. */
export const quarantineQuerySchema = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(MAX_QUARANTINE_PAGE_SIZE).default(100),
  reason: z
    .string()
    .trim()
    .max(64)
    .regex(/^[a-z0-9_]*$/, "A reason is lower-case letters, digits and '_'")
    .optional()
    .transform((r) => (r ? r : undefined)),
});
export type QuarantineQuery = z.input<typeof quarantineQuerySchema>;

const uuidSchema = z.uuid();

const runSelect = {
  id: true,
  status: true,
  source: true,
  contentHash: true,
  readCount: true,
  acceptedCount: true,
  rejectedCount: true,
  rejectedByReason: true,
  error: true,
  startedAt: true,
  finishedAt: true,
  dataset: { select: { name: true } },
} satisfies Prisma.ImportRunSelect;

type RunRow = Prisma.ImportRunGetPayload<{ select: typeof runSelect }>;

function toRunDto(row: RunRow, flags: ImportFlagsDto = NO_FLAGS): ImportRunDto {
  const source = (row.source ?? {}) as { files?: unknown; format?: unknown; instrument?: unknown; warnings?: unknown };
  const files = Array.isArray(source.files) ? source.files.filter((f): f is string => typeof f === "string") : [];
  const byReason: Record<string, number> = {};
  for (const [reason, n] of Object.entries((row.rejectedByReason ?? {}) as Record<string, unknown>)) byReason[reason] = Number(n);
  return {
    id: row.id,
    dataset: row.dataset.name,
    status: row.status,
    sourceFiles: files.map((f) => f.split(/[\\/]/).pop() ?? f),
    format: typeof source.format === "string" ? source.format : null,
    instrument: typeof source.instrument === "string" ? source.instrument : null,
    contentHash: row.contentHash,
    read: Number(row.readCount),
    accepted: Number(row.acceptedCount),
    rejected: Number(row.rejectedCount),
    rejectedByReason: byReason,
    error: row.error,
    startedAt: row.startedAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
    flags,
    warnings: Array.isArray(source.warnings) ? source.warnings.filter((w): w is string => typeof w === "string") : [],
  };
}

const failedSelect = { id: true, datasetName: true, source: true, contentHash: true, error: true, startedAt: true, finishedAt: true } satisfies Prisma.FailedImportSelect;
type FailedRow = Prisma.FailedImportGetPayload<{ select: typeof failedSelect }>;

/** A failed import whose dataset was never created, as an import report with no counts. */
function failedToDto(row: FailedRow): ImportRunDto {
  return toRunDto({
    ...row,
    status: "failed",
    readCount: 0n,
    acceptedCount: 0n,
    rejectedCount: 0n,
    rejectedByReason: {},
    dataset: { name: row.datasetName },
  });
}

/** The flags an import run wrote: totals per kind and the first ranges by time. */
async function importFlags(db: Db, importRunId: string): Promise<ImportFlagsDto> {
  const [groups, rows] = await Promise.all([
    db.dataFlag.groupBy({ by: ["kind"], where: { importRunId }, _count: { _all: true }, _sum: { count: true }, orderBy: { kind: "asc" } }),
    db.dataFlag.findMany({ where: { importRunId }, orderBy: [{ fromNs: "asc" }, { id: "asc" }], take: MAX_REPORT_FLAGS + 1 }),
  ]);
  const totals: ImportFlagsDto["totals"] = {};
  for (const g of groups) totals[g.kind] = { flags: g._count._all, records: Number(g._sum.count ?? 0n) };
  return {
    totals,
    items: rows.slice(0, MAX_REPORT_FLAGS).map((r) => ({
      kind: r.kind,
      from: nsToIsoNs(r.fromNs),
      to: nsToIsoNs(r.toNs),
      fromNs: r.fromNs.toString(),
      toNs: r.toNs.toString(),
      count: Number(r.count),
      detail: r.detail,
    })),
    truncated: rows.length > MAX_REPORT_FLAGS,
  };
}

/**
 * The imports of a dataset, newest first, with the failed attempts that would have created a
 * dataset of that name; 404 when there is neither a dataset nor a failed attempt. List entries
 * carry flag totals only (`items` empty): the report of one import has the ranges.
 */
export async function listImports(db: Db, datasetName: string): Promise<ImportRunDto[]> {
  const [dataset, failed] = await Promise.all([
    db.dataset.findUnique({ where: { name: datasetName }, select: { id: true } }),
    db.failedImport.findMany({ where: { datasetName }, select: failedSelect }),
  ]);
  if (!dataset && failed.length === 0) throw notFound(`Dataset ${datasetName}`);
  const rows = dataset ? await db.importRun.findMany({ where: { datasetId: dataset.id }, orderBy: [{ startedAt: "desc" }, { id: "desc" }], select: runSelect }) : [];
  const totals = new Map<string, ImportFlagsDto["totals"]>();
  if (rows.length) {
    const groups = await db.dataFlag.groupBy({ by: ["importRunId", "kind"], where: { importRunId: { in: rows.map((r) => r.id) } }, _count: { _all: true }, _sum: { count: true } });
    for (const g of groups) {
      const t = totals.get(g.importRunId) ?? {};
      t[g.kind] = { flags: g._count._all, records: Number(g._sum.count ?? 0n) };
      totals.set(g.importRunId, t);
    }
  }
  const list = [
    ...rows.map((r) => toRunDto(r, { totals: totals.get(r.id) ?? {}, items: [], truncated: false })),
    ...failed.map(failedToDto),
  ];
  return list.sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : a.id < b.id ? 1 : -1));
}

/** One import with its dataset's name and its flags; an unknown or malformed id is a 404. */
export async function getImportReport(db: Db, importRunId: string): Promise<ImportRunDto> {
  if (!uuidSchema.safeParse(importRunId).success) throw notFound("Import");
  const row = await db.importRun.findUnique({ where: { id: importRunId }, select: runSelect });
  if (row) return toRunDto(row, await importFlags(db, row.id));
  const failed = await db.failedImport.findUnique({ where: { id: importRunId }, select: failedSelect });
  if (!failed) throw notFound("Import");
  return failedToDto(failed);
}

/** Nanoseconds since the epoch -> "2024-07-01T23:58:00.123456789Z" (UTC, all nine digits). */
export function nsToIsoNs(ns: bigint): string {
  let seconds = ns / 1_000_000_000n;
  let fraction = ns % 1_000_000_000n;
  if (fraction < 0n) {
    fraction += 1_000_000_000n;
    seconds -= 1n;
  }
  const base = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  return `${base}.${fraction.toString().padStart(9, "0")}Z`;
}

const recordSelect = { id: true, recordIndex: true, reason: true, tsRecvNs: true, payload: true } satisfies Prisma.QuarantinedRecordSelect;
type RecordRow = Prisma.QuarantinedRecordGetPayload<{ select: typeof recordSelect }>;

function toRecordDto(row: RecordRow): QuarantinedRecordDto {
  return {
    recordIndex: Number(row.recordIndex),
    reason: row.reason,
    tsRecv: row.tsRecvNs === null ? null : nsToIsoNs(row.tsRecvNs),
    tsRecvNs: row.tsRecvNs?.toString() ?? null,
    payload: row.payload,
  };
}

/** One page of an import's quarantined records, optionally of one reason, with the total count. */
export async function quarantinePage(db: Db, importRunId: string, query: QuarantineQuery = {}): Promise<QuarantinePage> {
  const { page, pageSize, reason } = quarantineQuerySchema.parse(query);
  const run = await getImportReport(db, importRunId);
  const where = { importRunId: run.id, ...(reason ? { reason } : {}) };
  const [total, rows] = await Promise.all([
    db.quarantinedRecord.count({ where }),
    db.quarantinedRecord.findMany({ where, orderBy: [{ recordIndex: "asc" }, { id: "asc" }], skip: (page - 1) * pageSize, take: pageSize, select: recordSelect }),
  ]);
  return { importRunId: run.id, page, pageSize, pages: Math.ceil(total / pageSize), total, reason: reason ?? null, records: rows.map(toRecordDto) };
}

export const QUARANTINE_CSV_HEADER = "record_index,reason,ts_recv,payload";

/** RFC 4180 field: quoted when it holds a comma, a quote or a line break; quotes doubled. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * The quarantine of an import as CSV lines (header first, each line without its terminator),
 * read in keyset-paged batches so a large quarantine streams instead of being buffered.
 */
export async function* quarantineCsv(db: Db, importRunId: string, batchSize = 1000): AsyncGenerator<string> {
  const run = await getImportReport(db, importRunId);
  yield QUARANTINE_CSV_HEADER;
  let after: { recordIndex: bigint; id: bigint } | null = null;
  for (;;) {
    const rows: RecordRow[] = await db.quarantinedRecord.findMany({
      where: {
        importRunId: run.id,
        ...(after ? { OR: [{ recordIndex: { gt: after.recordIndex } }, { recordIndex: after.recordIndex, id: { gt: after.id } }] } : {}),
      },
      orderBy: [{ recordIndex: "asc" }, { id: "asc" }],
      take: batchSize,
      select: recordSelect,
    });
    for (const row of rows) {
      const r = toRecordDto(row);
      yield [String(r.recordIndex), csvField(r.reason), r.tsRecv ?? "", csvField(JSON.stringify(r.payload))].join(",");
    }
    if (rows.length < batchSize) return;
    const last = rows[rows.length - 1];
    after = { recordIndex: last.recordIndex, id: last.id };
  }
}
