/**
 * The run scaffolding every importer shares (trades of any format, DBN MBO, DBN quotes, DBN
 * status): the target dataset and its instrument, the idempotency check by content hash, the
 * dataset and `import_runs` rows written inside the import's transaction, their final UPDATEs,
 * the trace of a failed attempt, and the report's common fields.
 *
 * A failed or cancelled attempt leaves nothing of its data (its transaction rolled back); it is
 * recorded after the rollback: as a failed import run of the dataset when the dataset existed
 * (error "cancelled" for a cancellation), otherwise (when the importer asks for it) as a
 * `failed_imports` row under the dataset's name. Recording never hides the original error.
 *
 * Transcoded imports (Databento text handed to a DBN importer as temporary DBN files,
 * import-transcoded.ts): the rows written here name the user's files (`recordedSource`,
 * `lastImportOf`), `startImportRun` quarantines the text lines the transcoder rejected and
 * `finishImportRun` counts them, so a DBN importer needs no change to import text.
 */
import type pg from "pg";
import { AppError, conflict } from "../../errors";
import type { Db } from "../../db/prisma";
import type { Prisma } from "../../generated/prisma/client.ts";
import { syncInstruments } from "../datasets";
import { datasetContract } from "../continuous-datasets";
import { readFileChunks } from "../dbn/dbn-file";
import { baseName } from "../formats/file-chunks";
import { LineSplitter } from "../formats/line-splitter";
import type { ImportFormat } from "../formats/types";
import { attachTranscodedRun, PartialTranscodingError, QuarantineWriter, transcodedImportOf, transcodedImportOfRun, type TranscodedImport } from "./import-files";
import { tsRecvNsAt, type TradeColumns } from "../../market/trade-columns";
import { writeTrades } from "../tick-blocks";

/** Counts an importer reports while it runs (`onProgress`) and once at the end. */
export interface ImportProgress {
  /** Raw (possibly compressed) bytes of the files read so far. */
  bytesRead: number;
  totalBytes: number;
  read: number;
  accepted: number;
  rejected: number;
}

/** The report every import returns (importers add their own fields). */
export interface ImportReport {
  dataset: string;
  importRunId: string | null;
  skipped: boolean;
  format: ImportFormat;
  read: number;
  accepted: number;
  rejected: number;
  rejectedByReason: Record<string, number>;
  from: string | null;
  to: string | null;
  instruments: string[];
  contentHash: string;
  /** Data flags this import wrote, per kind: ranges and the records they cover (importTrades always sets it). */
  flags?: Record<string, { flags: number; records: number }>;
  ms: number;
}

/** Common fields of an import's report: `started` (Date.now() at its start) gives `ms`. */
export interface ImportReportBase {
  dataset: string;
  format: ImportFormat;
  contentHash: string;
  instruments: string[];
  started: number;
  /** Set (to {}) by importers that report data flags. */
  flags?: Record<string, { flags: number; records: number }>;
}

/**
 * A report with nothing read (the start of every report, and a skipped import's whole report);
 * `ms` is the time since `started` now.
 */
export function emptyImportReport(base: ImportReportBase): ImportReport {
  return {
    dataset: base.dataset,
    importRunId: null,
    skipped: false,
    format: base.format,
    read: 0,
    accepted: 0,
    rejected: 0,
    rejectedByReason: {},
    from: null,
    to: null,
    instruments: base.instruments,
    contentHash: base.contentHash,
    ...(base.flags ? { flags: base.flags } : {}),
    ms: Date.now() - base.started,
  };
}

/** A finished import's report: `base` with the run's counts (rejected = read - accepted) and its ts_recv span. */
export function importReportOf(
  base: ImportReportBase,
  run: { importRunId: string; read: number; accepted: number; rejectedByReason: Record<string, number>; firstNs: bigint | null; lastNs: bigint | null },
): ImportReport {
  return {
    ...emptyImportReport(base),
    importRunId: run.importRunId,
    read: run.read,
    accepted: run.accepted,
    rejected: run.read - run.accepted,
    rejectedByReason: run.rejectedByReason,
    from: isoOfNs(run.firstNs),
    to: isoOfNs(run.lastNs),
  };
}

/** ISO-8601 UTC of a ns timestamp (ms precision), null for null. */
export function isoOfNs(ns: bigint | null): string | null {
  return ns === null ? null : new Date(Number(ns / 1_000_000n)).toISOString();
}

/** instruments.id of a contract root (the instrument list is synced first). */
export async function instrumentIdOf(db: Db, root: string): Promise<number> {
  await syncInstruments(db);
  return (await db.instrument.findUniqueOrThrow({ where: { symbol: root }, select: { id: true } })).id;
}

/** The dataset an import goes into, as far as the importers need it. */
export interface ImportDataset {
  id: number;
  schema: string;
  instrument: { symbol: string };
}

/**
 * The named dataset when it exists (null otherwise); one of another instrument than `root`, or a
 * continuous dataset (made of other datasets), is a conflict.
 */
export async function findImportDataset(db: Db, name: string, root: string): Promise<ImportDataset | null> {
  const existing = await db.dataset.findUnique({ where: { name }, select: { id: true, schema: true, kind: true, instrument: { select: { symbol: true } } } });
  if (!existing) return null;
  if (existing.kind === "continuous") throw conflict(`Dataset ${name} is a continuous series over other datasets; import into one of its components`);
  if (existing.instrument.symbol !== root) throw conflict(`Dataset ${name} holds ${existing.instrument.symbol}, not ${root}`);
  return { id: existing.id, schema: existing.schema, instrument: existing.instrument };
}

/** The id of the dataset's succeeded import of the same content, if any (the import is then skipped). */
export async function previousImportRunId(db: Db, datasetId: number, contentHash: string): Promise<string | null> {
  const previous = await db.importRun.findFirst({ where: { datasetId, contentHash, status: "succeeded" }, select: { id: true } });
  return previous?.id ?? null;
}

/**
 * The existing dataset's id, or a new dataset (status 'importing') inserted in the import's
 * transaction. `contract`: the dated contract the import holds (e.g. MNQH5; null for a root or a
 * parent symbol), recorded in a new dataset's provenance (the engine stops trading at its expiry,
 * continuous datasets order their components by it); an existing dataset of another contract is a
 * conflict (one single dataset, one contract).
 */
export async function datasetIdFor(
  client: pg.PoolClient,
  existing: ImportDataset | null,
  created: { name: string; instrumentId: number; schema: string; createdBy?: string; contract?: string | null },
): Promise<number> {
  const contract = created.contract ?? null;
  if (existing) {
    const { rows } = await client.query<{ provenance: unknown }>("SELECT provenance FROM datasets WHERE id = $1", [existing.id]);
    const held = datasetContract(rows[0]?.provenance);
    if (held !== null && contract !== null && held !== datasetContract({ contract })) {
      throw conflict(`Dataset ${created.name} holds ${held}, not ${contract}: import each contract into its own dataset (a continuous dataset joins them)`);
    }
    return existing.id;
  }
  const provenance = contract === null ? {} : { contract };
  const { rows } = await client.query<{ id: number }>(
    `INSERT INTO datasets (name, instrument_id, schema, status, provenance, created_by) VALUES ($1, $2, $3, 'importing', $5::jsonb, $4) RETURNING id`,
    [created.name, created.instrumentId, created.schema, created.createdBy ?? null, JSON.stringify(provenance)],
  );
  return rows[0].id;
}

/**
 * `source` (an importer's `{ files, format, ... }`) as it is recorded: for the temporary DBN files
 * of a transcoded import (import-files.ts `TranscodedImport`), the user's files and format.
 */
export function recordedSource<T>(source: T): T {
  const t = transcodingOf(source);
  return t ? { ...source, files: [...t.files], format: t.format } : source;
}

function transcodingOf(source: unknown): TranscodedImport | null {
  return source && typeof source === "object" ? transcodedImportOf((source as { files?: unknown }).files) : null;
}

/** The `lastImport` an import records in its dataset's provenance: the recorded source, files reduced to base names. */
export function lastImportOf<T extends { files: readonly string[] }>(lastImport: T): T & { files: string[] } {
  const recorded = recordedSource(lastImport);
  return { ...recorded, files: recorded.files.map(baseName) };
}

/**
 * Inserts the import's `import_runs` row (status 'running'); returns its id. For a transcoded
 * import, the lines the transcoder rejected are quarantined in the run here, and the run is linked
 * to it (quarantine rows mapped to lines, counts added by `finishImportRun`).
 */
export async function startImportRun(client: pg.PoolClient, datasetId: number, source: unknown, contentHash: string, createdBy?: string): Promise<string> {
  const transcoded = transcodingOf(source);
  if (transcoded?.partial) throw new PartialTranscodingError();
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO import_runs (dataset_id, status, source, content_hash, created_by) VALUES ($1, 'running', $2, $3, $4) RETURNING id`,
    [datasetId, recordedSource(source), contentHash, createdBy ?? null],
  );
  const runId = rows[0].id;
  if (transcoded) {
    await quarantineTextRejects(client, runId, transcoded);
    attachTranscodedRun(runId, transcoded);
  }
  return runId;
}

/** The rejected lines of a transcoded import into the run's quarantine (1-based line numbers, raw lines). */
async function quarantineTextRejects(client: pg.PoolClient, runId: string, t: TranscodedImport): Promise<void> {
  if (t.rejected === 0) return;
  const quarantine = new QuarantineWriter(client, runId);
  const splitter = new LineSplitter(t.rejectsFile);
  const add = async (lines: string[]) => {
    for (const text of lines) {
      if (!text) continue;
      const r = JSON.parse(text) as { line: number; reason: string; detail: string; text: string; file: string };
      await quarantine.add(r.line, r.reason, null, { file: r.file, detail: r.detail, line: r.text });
    }
  };
  for await (const chunk of readFileChunks(t.rejectsFile)) await add(splitter.push(chunk));
  await add(splitter.finish());
  await quarantine.flush();
}

/**
 * Locks the dataset's row for the import (FOR UPDATE) and returns the record counts of its
 * `blockTable` and of its trades: the indexes the import's first records get.
 */
export async function lockDatasetCounts(
  client: pg.PoolClient,
  datasetId: number,
  blockTable: { table: "mbo_blocks" | "quote_blocks"; countColumn: "record_count" | "quote_count" },
): Promise<{ records: bigint; trades: bigint }> {
  await client.query("SELECT 1 FROM datasets WHERE id = $1 FOR UPDATE", [datasetId]);
  const { rows } = await client.query<{ records: string; trades: string }>(
    `SELECT (SELECT coalesce(sum(${blockTable.countColumn}), 0) FROM ${blockTable.table} WHERE dataset_id = $1)::text AS records,
            (SELECT coalesce(sum(tick_count), 0) FROM trade_blocks WHERE dataset_id = $1)::text AS trades`,
    [datasetId],
  );
  return { records: BigInt(rows[0].records), trades: BigInt(rows[0].trades) };
}

/** The trades an import has stored so far: the next record index, their count and ts_recv span. */
export interface StoredTrades {
  nextSeq: bigint;
  accepted: number;
  firstNs: bigint | null;
  lastNs: bigint | null;
}

export function noStoredTrades(): StoredTrades {
  return { nextSeq: 0n, accepted: 0, firstNs: null, lastNs: null };
}

/** Writes accepted trades (if any) after the dataset's stored ones, and counts them in `stored`. */
export async function storeTrades(
  client: pg.PoolClient,
  dataset: { datasetId: number; instrumentId: number; tickSizeNano: bigint },
  ok: TradeColumns,
  stored: StoredTrades,
): Promise<void> {
  if (ok.length === 0) return;
  await writeTrades(client, { ...dataset, firstSeq: stored.nextSeq }, ok);
  stored.nextSeq += BigInt(ok.length);
  stored.accepted += ok.length;
  stored.firstNs ??= tsRecvNsAt(ok, 0);
  stored.lastNs = tsRecvNsAt(ok, ok.length - 1);
}

/** Counts with a transcoded import's rejected lines added: each was read and rejected. */
export function withTextRejects<C extends { read: number; rejected: number; rejectedByReason: Record<string, number> }>(counts: C, t: TranscodedImport): C {
  if (t.rejected === 0) return counts;
  const byReason = { ...counts.rejectedByReason };
  for (const [reason, n] of Object.entries(t.rejectedByReason)) byReason[reason] = (byReason[reason] ?? 0) + n;
  return { ...counts, read: counts.read + t.rejected, rejected: counts.rejected + t.rejected, rejectedByReason: byReason };
}

/** Marks the import run succeeded with its counts (a transcoded import's rejected lines added). */
export async function finishImportRun(
  client: pg.PoolClient,
  runId: string,
  counts: { read: number; accepted: number; rejected: number; rejectedByReason: Record<string, number> },
): Promise<void> {
  const transcoded = transcodedImportOfRun(runId);
  if (transcoded) counts = withTextRejects(counts, transcoded);
  await client.query(
    `UPDATE import_runs SET status = 'succeeded', read_count = $2, accepted_count = $3, rejected_count = $4, rejected_by_reason = $5, finished_at = now() WHERE id = $1`,
    [runId, counts.read, counts.accepted, counts.rejected, counts.rejectedByReason],
  );
}

/**
 * Marks the dataset ready after an import: its record count, a new version when it held records
 * before, its time span over `blockTables` (the block tables it has data in), `lastImport` in its
 * provenance (`files` reduced to base names), and, when given, its new schema.
 */
export async function finishDataset(
  client: pg.PoolClient,
  datasetId: number,
  done: {
    recordCount: bigint;
    blockTables: readonly ("trade_blocks" | "mbo_blocks" | "quote_blocks")[];
    lastImport: { importRunId: string; contentHash: string; format: string; schema?: string; files: readonly string[] };
    schema?: string;
  },
): Promise<void> {
  const span = (fn: "min" | "max", column: string) => done.blockTables.map((t) => `(SELECT ${fn}(${column}) FROM ${t} WHERE dataset_id = $1)`).join(", ");
  const lastImport = lastImportOf(done.lastImport);
  const params: unknown[] = [datasetId, done.recordCount.toString(), JSON.stringify(lastImport)];
  if (done.schema !== undefined) params.push(done.schema);
  await client.query(
    `UPDATE datasets SET status = 'ready', record_count = $2, updated_at = now(),${done.schema !== undefined ? " schema = $4," : ""}
            version = CASE WHEN record_count > 0 THEN version + 1 ELSE version END,
            start_ns = least(${span("min", "first_ts_recv")}),
            end_ns = greatest(${span("max", "last_ts_recv")}),
            provenance = provenance || jsonb_build_object('source', 'import', 'lastImport', $3::jsonb)
      WHERE id = $1`,
    params,
  );
}

/** What a failed attempt is recorded as: "cancelled" for a cancellation, else the error's message. */
export function failureMessage(error: unknown): string {
  return error instanceof AppError && error.code === "cancelled" ? "cancelled" : (error as Error).message;
}

/**
 * Records a failed attempt after its transaction rolled back (see the module comment); errors of
 * the recording itself are swallowed: an existing dataset gets a failed `import_runs` row, a
 * dataset the import would have created a `failed_imports` row under its name.
 */
export async function recordFailedImport(
  db: Db,
  attempt: {
    error: unknown;
    existing: { id: number } | null;
    datasetName: string;
    source: Prisma.InputJsonValue;
    contentHash: string;
    createdBy?: string;
    started: number;
  },
): Promise<void> {
  const { existing, contentHash, createdBy } = attempt;
  if (attempt.error instanceof PartialTranscodingError) return; // not a failure: the import is read again in full
  const source = recordedSource(attempt.source);
  const error = failureMessage(attempt.error);
  if (existing) {
    await db.importRun
      .create({ data: { datasetId: existing.id, status: "failed", source, contentHash, error, finishedAt: new Date(), createdById: createdBy } })
      .catch(() => {});
  } else {
    await db.failedImport
      .create({ data: { datasetName: attempt.datasetName, source, contentHash, error, createdById: createdBy, startedAt: new Date(attempt.started) } })
      .catch(() => {});
  }
}
