/**
 * Imports Databento status files (DBN status schema) into an EXISTING dataset: no trades, only
 * halt intervals, stored as `kind = 'halt'` data flags (rules in halt-intervals.ts). importTrades
 * sends a status-schema DBN file here, so `tickbench import status.dbn.zst --dataset X` works.
 *
 * - The dataset must exist (its trades come first); records of instruments that are not the
 *   dataset's (another root, a spread, an id the metadata does not map) are quarantined as
 *   `other_instrument`; with `instrument` only that contract's records are used.
 * - One transaction: import run, quarantine and flags are written together or not at all; a
 *   failure is recorded as a failed import run. Idempotent by content hash, like trade imports.
 */
import type pg from "pg";
import { AppError, notFound } from "../../errors";
import type { Db } from "../../db/prisma";
import { withTransaction } from "../../db/transaction";
import { parseContractSymbol } from "../../market/contract-symbol";
import { decodeDbn } from "../dbn/decode";
import { UNDEF_TIMESTAMP } from "../dbn/enums";
import { SymbolMap, utcDateOf } from "../dbn/symbol-map";
import type { DbnMetadata } from "../dbn/metadata";
import { insertDataFlags, type NewDataFlag } from "../data-flags";
import { countedChunks } from "../formats/file-chunks";
import type { ByteCounter } from "../formats/types";
import { HaltTracker } from "./halt-intervals";
import { QuarantineWriter } from "./import-files";
import type { ImportReport, ImportTradesOptions } from "./import-trades";

/** Root of a contract symbol (ESH1 -> ES), or null for spreads and unknown symbols. */
function rootOf(symbol: string): string | null {
  if (symbol.includes("-")) return null;
  try {
    return parseContractSymbol(symbol).root;
  } catch {
    return null;
  }
}

export interface StatusImportContext {
  options: ImportTradesOptions;
  contentHash: string;
  totalBytes: number;
  started: number;
}

export async function importStatus(db: Db, pool: pg.Pool, ctx: StatusImportContext): Promise<ImportReport> {
  const { options, contentHash, totalBytes, started } = ctx;
  const existing = await db.dataset.findUnique({ where: { name: options.dataset }, select: { id: true, instrument: { select: { symbol: true } } } });
  if (!existing) throw notFound(`Dataset ${options.dataset} (status files add halts to an existing dataset: import its trades first)`);
  const root = existing.instrument.symbol;
  const only = options.instrument?.trim().toUpperCase();
  const base: Omit<ImportReport, "importRunId" | "skipped" | "read" | "accepted" | "rejected" | "rejectedByReason" | "from" | "to" | "instruments" | "flags" | "ms"> = {
    dataset: options.dataset,
    format: "dbn",
    contentHash,
  };
  const previous = await db.importRun.findFirst({ where: { datasetId: existing.id, contentHash, status: "succeeded" } });
  if (previous) {
    options.onProgress?.({ bytesRead: totalBytes, totalBytes, read: 0, accepted: 0, rejected: 0 });
    return { ...base, importRunId: previous.id, skipped: true, read: 0, accepted: 0, rejected: 0, rejectedByReason: {}, from: null, to: null, instruments: [], flags: {}, ms: Date.now() - started };
  }
  const sourceInfo = { files: options.files, format: "dbn", schema: "status", instrument: only ?? root };
  const counter: ByteCounter = { bytesRead: 0 };
  let read = 0;
  let accepted = 0;
  const counts: Record<string, number> = {};
  const symbols = new Set<string>();
  let firstNs: bigint | null = null;
  let lastNs: bigint | null = null;
  let halts: NewDataFlag[] = [];
  try {
    const importRunId = await withTransaction(pool, async (client) => {
      const run = await client.query<{ id: string }>(
        `INSERT INTO import_runs (dataset_id, status, source, content_hash, created_by) VALUES ($1, 'running', $2, $3, $4) RETURNING id`,
        [existing.id, sourceInfo, contentHash, options.createdBy ?? null],
      );
      const runId = run.rows[0].id;
      const tracker = new HaltTracker();
      const quarantine = new QuarantineWriter(client, runId);
      let fileEndNs: bigint | null = null;
      for (const file of options.files) {
        const stream = decodeDbn(countedChunks(file, counter));
        let map: SymbolMap | null = null;
        for await (const record of stream) {
          if (options.signal?.aborted) throw new AppError("cancelled", "Import cancelled");
          map ??= SymbolMap.fromMetadata(stream.metadata as DbnMetadata);
          if (record.kind !== "status") continue;
          const index = read++;
          const symbol = map.symbolFor(record.instrumentId, utcDateOf(record.tsRecvNs)) ?? map.symbolFor(record.instrumentId, utcDateOf(record.tsEventNs));
          const ours = symbol !== null && (only ? symbol.toUpperCase() === only : rootOf(symbol) === root);
          if (!ours) {
            counts.other_instrument = (counts.other_instrument ?? 0) + 1;
            await quarantine.add(index, "other_instrument", record.tsRecvNs.toString(), { instrumentId: record.instrumentId, symbol, action: record.action, reason: record.reason });
            continue;
          }
          accepted++;
          symbols.add(symbol);
          firstNs ??= record.tsRecvNs;
          lastNs = record.tsRecvNs;
          tracker.push({ ...record, symbol });
        }
        const end = stream.metadata?.endNs ?? null;
        if (end !== null && end !== UNDEF_TIMESTAMP && (fileEndNs === null || end > fileEndNs)) fileEndNs = end;
      }
      halts = tracker.finish(fileEndNs).map((h) => ({ kind: "halt", fromNs: h.fromNs, toNs: h.toNs, count: h.count, detail: h.detail }));
      await insertDataFlags(client, existing.id, runId, halts);
      await quarantine.flush();
      await client.query(
        `UPDATE import_runs SET status = 'succeeded', read_count = $2, accepted_count = $3, rejected_count = $4, rejected_by_reason = $5, finished_at = now() WHERE id = $1`,
        [runId, read, accepted, read - accepted, counts],
      );
      return runId;
    });
    options.onProgress?.({ bytesRead: counter.bytesRead, totalBytes, read, accepted, rejected: read - accepted });
    const iso = (ns: bigint | null) => (ns === null ? null : new Date(Number(ns / 1_000_000n)).toISOString());
    return {
      ...base,
      importRunId,
      skipped: false,
      read,
      accepted,
      rejected: read - accepted,
      rejectedByReason: counts,
      from: iso(firstNs),
      to: iso(lastNs),
      instruments: [...symbols].sort(),
      flags: halts.length ? { halt: { flags: halts.length, records: halts.reduce((n, h) => n + h.count, 0) } } : {},
      ms: Date.now() - started,
    };
  } catch (error) {
    const message = error instanceof AppError && error.code === "cancelled" ? "cancelled" : (error as Error).message;
    await db.importRun
      .create({ data: { datasetId: existing.id, status: "failed", source: sourceInfo, contentHash, error: message, finishedAt: new Date(), createdById: options.createdBy } })
      .catch(() => {});
    throw error;
  }
}
