/**
 * Imports Databento DBN MBO files (schema "mbo") into a dataset of schema 'mbo': the order-by-order
 * records into `mbo_blocks` (lib/data/mbo-blocks.ts) and the trades they contain into
 * `trade_blocks`, so trade-based strategies, the coverage calendar and counts keep working on an
 * MBO dataset. Streaming: memory stays bounded by a few blocks whatever the file size.
 *
 * Every record is stored, or quarantined with a reason, or stored AND flagged:
 * - rejected: `off_tick_grid` (a defined price that is not a multiple of the contract's tick).
 * - flagged, kept (data-quality flags, not rejections; `quarantined_records` rows with a `flag_`
 *   reason, counted under that reason in `rejectedByReason` but not in `rejected`):
 *   `flag_sequence_gap` - a live record whose sequence jumps by more than 1 on its channel
 *     (snapshot records, whose sequences are not monotonic, are not checked). CME channels carry
 *     other instruments too, so gaps are common in per-instrument files: a flag, not an error;
 *   `flag_book_inconsistency` - the record raised a data-quality event in an L3 book replayed
 *     during the import (cancel or modify of an unknown order id, cancel above the resting size,
 *     ...; payload `kind` as in lib/book/data-quality.ts). The book carries over between the
 *     files of one import (daily snapshots replace it) and starts empty for each import.
 * - trades: the T records (one per aggressor match; F records are the passive side of the same
 *   match and are not counted again) with a defined price and a size > 0 become trades: side
 *   1 for a buy aggressor (B), -1 for a sell (A), 0 for N (the opening auction print). They go
 *   through the trade validation (trade-validation.ts); a trade it refuses is only left out of
 *   trade_blocks (its MBO record is stored), counted in `trades.rejectedByReason`.
 *
 * All-or-nothing in one transaction, idempotent by content hash, failed attempts recorded as in
 * import-trades.ts. The dataset's `record_count` counts MBO records; its range spans both tables.
 */
import type pg from "pg";
import { AppError, conflict } from "../../errors";
import type { Db } from "../../db/prisma";
import { withTransaction } from "../../db/transaction";
import { OrderBook } from "../../book/order-book";
import { getContractSpec } from "../../market/contract-spec";
import { ACTION, MBO_FLAG, SIDE, allocateMboColumns, type MboColumns } from "../../market/mbo-columns";
import { allocateTradeColumns, type TradeColumns } from "../../market/trade-columns";
import { decodeMboColumns } from "../dbn/columnar-mbo";
import { readDbnMetadata } from "../dbn/decode";
import { readFileChunks } from "../dbn/dbn-file";
import { MBO_BLOCK_MAX_RECORDS, writeMbo } from "../mbo-blocks";
import type { ImportTradesOptions } from "./import-trades";
import { TradeValidator, validationRulesSchema } from "./trade-validation";
import { dbnSchemas, hashFiles, QuarantineWriter, resolveContract, throwIfCancelled } from "./import-files";
import { datasetIdFor, emptyImportReport, findImportDataset, finishDataset, finishImportRun, importReportOf, instrumentIdOf, lockDatasetCounts, noStoredTrades } from "./import-run";
import { previousImportRunId, recordFailedImport, startImportRun, storeTrades } from "./import-run";
import type { ImportReport, ImportReportBase } from "./import-run";

export type ImportDbnMboOptions = Pick<ImportTradesOptions, "files" | "dataset" | "instrument" | "rules" | "createdBy" | "signal">;

export interface MboImportReport extends ImportReport {
  schema: "mbo";
  /** Records stored but flagged (sum of the `flag_` reasons). */
  flagged: number;
  flaggedByReason: Record<string, number>;
  /** Trades derived from the T records. */
  trades: { accepted: number; rejected: number; rejectedByReason: Record<string, number> };
}

const BATCH_RECORDS = MBO_BLOCK_MAX_RECORDS * 4;

/** True when every file is a DBN file of schema "mbo". */
export async function isDbnMbo(files: readonly string[]): Promise<boolean> {
  const schemas = await dbnSchemas(files).catch(() => null);
  return schemas !== null && schemas.length > 0 && schemas.every((s) => s === "mbo");
}

/** The files' symbols (from the DBN metadata), for the contract of the import. */
async function fileSymbols(files: readonly string[]): Promise<string[]> {
  const symbols = new Set<string>();
  for (const file of files) for (const s of (await readDbnMetadata(readFileChunks(file))).symbols) symbols.add(s.toUpperCase());
  return [...symbols];
}

async function* chunksOf(files: readonly string[]): AsyncGenerator<Uint8Array> {
  for (const file of files) yield* readFileChunks(file);
}

export async function importDbnMbo(db: Db, pool: pg.Pool, options: ImportDbnMboOptions): Promise<MboImportReport> {
  const started = Date.now();
  const { signal } = options;
  throwIfCancelled(signal);
  if (options.files.length === 0) throw new AppError("bad_request", "No file to import");
  const schemas = await dbnSchemas(options.files);
  const wrong = schemas.findIndex((s) => s !== "mbo");
  if (wrong >= 0) throw new AppError("unprocessable", `${options.files[wrong]} is a DBN file of schema ${schemas[wrong] ?? "mixed"}, not mbo`);
  const rules = validationRulesSchema.parse(options.rules ?? {});
  const contract = resolveContract(options.instrument ? [] : await fileSymbols(options.files), options.instrument);
  const spec = getContractSpec(contract.root);
  const tickNano = Number(spec.tickSizeNano);
  const contentHash = await hashFiles(options.files, signal);
  const instrumentId = await instrumentIdOf(db, spec.root);
  const existing = await findImportDataset(db, options.dataset, spec.root);
  if (existing && existing.schema !== "mbo") throw conflict(`Dataset ${options.dataset} holds ${existing.schema} data; import MBO files into an MBO dataset`);

  const base: ImportReportBase = { dataset: options.dataset, format: "dbn", contentHash, instruments: [contract.symbol], started };
  const report = (core: ImportReport, fields: Partial<MboImportReport> = {}): MboImportReport => ({
    ...core,
    schema: "mbo",
    flagged: 0,
    flaggedByReason: {},
    trades: { accepted: 0, rejected: 0, rejectedByReason: {} },
    ...fields,
  });
  const previous = existing && (await previousImportRunId(db, existing.id, contentHash));
  if (previous) return report({ ...emptyImportReport(base), importRunId: previous, skipped: true });

  const sourceInfo = { files: options.files, format: "dbn", schema: "mbo", instrument: contract.symbol, rules };
  const counts: Record<string, number> = {};
  const flags: Record<string, number> = {};
  const tradeCounts: Record<string, number> = {};
  let read = 0;
  let accepted = 0;
  let flagged = 0;
  let tradesRead = 0;
  const stored = noStoredTrades();
  try {
    const importRunId = await withTransaction(pool, async (client) => {
      const dataset = await datasetIdFor(client, existing, { name: options.dataset, instrumentId, schema: "mbo", createdBy: options.createdBy, contract: contract.expiryNs === null ? null : contract.symbol });
      const seqs = await lockDatasetCounts(client, dataset, { table: "mbo_blocks", countColumn: "record_count" });
      let nextMboSeq = seqs.records;
      stored.nextSeq = seqs.trades;
      const runId = await startImportRun(client, dataset, sourceInfo, contentHash, options.createdBy);
      const quarantine = new QuarantineWriter(client, runId);
      const validator = new TradeValidator(rules, contract.expiryNs);
      const book = new OrderBook();
      const lastSeq = new Map<number, number>();
      const kept: MboColumns = allocateMboColumns(BATCH_RECORDS, 0n);
      const trades: TradeColumns = allocateTradeColumns(BATCH_RECORDS, 0n);

      for await (const batch of decodeMboColumns(chunksOf(options.files), { batchSize: BATCH_RECORDS })) {
        throwIfCancelled(signal);
        const recordBase = read;
        read += batch.length;
        kept.length = 0;
        kept.baseNs = batch.baseNs;
        trades.length = 0;
        trades.baseNs = batch.baseNs;
        const tsNs = (i: number) => (batch.baseNs + BigInt(batch.tsRecvOffsetNs[i])).toString();
        for (let i = 0; i < batch.length; i++) {
          const price = batch.priceNano[i];
          if (price === price && price % tickNano !== 0) {
            counts.off_tick_grid = (counts.off_tick_grid ?? 0) + 1;
            await quarantine.add(recordIndexOf(recordBase, i), "off_tick_grid", tsNs(i), mboPayload(batch, i));
            continue;
          }
          const flag = (reason: string, extra: Record<string, unknown>) => {
            flags[reason] = (flags[reason] ?? 0) + 1;
            flagged++;
            return quarantine.add(recordIndexOf(recordBase, i), reason, tsNs(i), { ...mboPayload(batch, i), ...extra });
          };
          if ((batch.flags[i] & MBO_FLAG.SNAPSHOT) === 0) {
            const channel = batch.channelId[i];
            const seq = batch.sequence[i];
            const previous = lastSeq.get(channel);
            if (previous !== undefined && seq > previous + 1) await flag("flag_sequence_gap", { channel, expected: previous + 1 });
            if (previous === undefined || seq > previous) lastSeq.set(channel, seq);
          }
          const before = book.dataQualityCount;
          book.applyRange(batch, i, i + 1);
          if (book.dataQualityCount !== before) await flag("flag_book_inconsistency", { kind: book.lastDataQualityKind });
          copyRecord(batch, i, kept, kept.length++);
          if (batch.action[i] === ACTION.TRADE && price === price && batch.size[i] > 0) {
            const t = trades.length++;
            trades.tsOffsetNs[t] = batch.tsRecvOffsetNs[i];
            trades.eventDeltaNs[t] = batch.tsEventDeltaNs[i];
            trades.priceTicks[t] = price / tickNano;
            trades.size[t] = batch.size[i];
            trades.side[t] = batch.side[i] === SIDE.BID ? 1 : batch.side[i] === SIDE.ASK ? -1 : 0;
          }
        }
        if (kept.length > 0) {
          await writeMbo(client, { datasetId: dataset, instrumentId, tickSizeNano: spec.tickSizeNano, firstSeq: nextMboSeq }, kept);
          nextMboSeq += BigInt(kept.length);
          accepted += kept.length;
        }
        tradesRead += trades.length;
        const { accepted: ok, rejected } = validator.filter(trades);
        for (const r of rejected) tradeCounts[r.reason] = (tradeCounts[r.reason] ?? 0) + 1;
        await storeTrades(client, { datasetId: dataset, instrumentId, tickSizeNano: spec.tickSizeNano }, ok, stored);
      }
      throwIfCancelled(signal);
      await quarantine.flush();
      await finishImportRun(client, runId, { read, accepted, rejected: read - accepted, rejectedByReason: { ...counts, ...flags } });
      await finishDataset(client, dataset, {
        recordCount: nextMboSeq,
        blockTables: ["mbo_blocks", "trade_blocks"],
        lastImport: { importRunId: runId, contentHash, format: "dbn", schema: "mbo", files: options.files },
      });
      return runId;
    });
    return report(importReportOf(base, { importRunId, read, accepted, rejectedByReason: { ...counts, ...flags }, firstNs: stored.firstNs, lastNs: stored.lastNs }), {
      flagged,
      flaggedByReason: flags,
      trades: { accepted: stored.accepted, rejected: tradesRead - stored.accepted, rejectedByReason: tradeCounts },
    });
  } catch (error) {
    await recordFailedImport(db, { error, existing, datasetName: options.dataset, source: sourceInfo, contentHash, createdBy: options.createdBy, started });
    throw error;
  }
}

function recordIndexOf(base: number, i: number): number {
  return base + i;
}

function mboPayload(c: MboColumns, i: number): Record<string, unknown> {
  const hi = c.orderIdHi[i];
  const lo = c.orderIdLo[i];
  return {
    action: String.fromCharCode(c.action[i]),
    side: String.fromCharCode(c.side[i]),
    priceNano: Number.isNaN(c.priceNano[i]) ? null : String(c.priceNano[i]),
    size: c.size[i],
    orderId: ((BigInt(hi) << 32n) | BigInt(lo)).toString(),
    sequence: c.sequence[i],
    flags: c.flags[i],
  };
}

function copyRecord(from: MboColumns, i: number, to: MboColumns, j: number): void {
  to.tsRecvOffsetNs[j] = from.tsRecvOffsetNs[i];
  to.tsEventDeltaNs[j] = from.tsEventDeltaNs[i];
  to.instrumentId[j] = from.instrumentId[i];
  to.orderIdHi[j] = from.orderIdHi[i];
  to.orderIdLo[j] = from.orderIdLo[i];
  to.priceNano[j] = from.priceNano[i];
  to.size[j] = from.size[i];
  to.flags[j] = from.flags[i];
  to.channelId[j] = from.channelId[i];
  to.action[j] = from.action[i];
  to.side[j] = from.side[i];
  to.sequence[j] = from.sequence[i];
}
