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
import { notFound } from "../../errors";
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
import { QuarantineWriter, throwIfCancelled } from "./import-files";
import { emptyImportReport, finishImportRun, importReportOf, previousImportRunId, recordFailedImport, startImportRun, type ImportReport } from "./import-run";
import type { ImportTradesOptions } from "./import-trades";

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
  const base = { dataset: options.dataset, format: "dbn" as const, contentHash, instruments: [], started, flags: {} };
  const previous = await previousImportRunId(db, existing.id, contentHash);
  if (previous) {
    options.onProgress?.({ bytesRead: totalBytes, totalBytes, read: 0, accepted: 0, rejected: 0 });
    return { ...emptyImportReport(base), importRunId: previous, skipped: true };
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
      const runId = await startImportRun(client, existing.id, sourceInfo, contentHash, options.createdBy);
      const tracker = new HaltTracker();
      const quarantine = new QuarantineWriter(client, runId);
      let fileEndNs: bigint | null = null;
      for (const file of options.files) {
        const stream = decodeDbn(countedChunks(file, counter));
        let map: SymbolMap | null = null;
        for await (const record of stream) {
          throwIfCancelled(options.signal);
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
      await finishImportRun(client, runId, { read, accepted, rejected: read - accepted, rejectedByReason: counts });
      return runId;
    });
    options.onProgress?.({ bytesRead: counter.bytesRead, totalBytes, read, accepted, rejected: read - accepted });
    return {
      ...importReportOf(base, { importRunId, read, accepted, rejectedByReason: counts, firstNs, lastNs }),
      instruments: [...symbols].sort(),
      flags: halts.length ? { halt: { flags: halts.length, records: halts.reduce((n, h) => n + h.count, 0) } } : {},
    };
  } catch (error) {
    await recordFailedImport(db, { error, existing, datasetName: options.dataset, source: sourceInfo, contentHash, createdBy: options.createdBy, started });
    throw error;
  }
}
