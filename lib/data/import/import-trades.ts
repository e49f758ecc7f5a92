/**
 * Imports the trades of vendor files into a dataset, whatever their format: Databento DBN, CSV
 * or JSON lines, NinjaTrader 8 exports, Sierra Chart .scid, or generic CSV with a column mapping
 * (lib/data/formats: each format is a trade source of columnar batches plus rejected records).
 * Streaming: memory stays bounded whatever the file size.
 *
 * - Every record is stored or quarantined with a reason (parsers: malformed, off_tick_grid,
 *   undefined_price, undefined_size, out_of_range, other_instrument, aggregated_record;
 *   validation: see trade-validation.ts) and a payload (text formats: file, line and the raw line).
 * - Extreme moves are kept but flagged: accepted trades outside the price band (rules.priceBand,
 *   price-band.ts) are stored and their ranges written as `price_band` data flags
 *   (lib/data/data-flags.ts). A DBN file of the status schema goes to import-status.ts instead
 *   (halt intervals as `halt` flags, no trades); bar files (NinjaTrader minute bars, DBN
 *   ohlcv-*) go to import-bars.ts (a bar dataset).
 * - All-or-nothing: ticks, quarantine, flags and dataset statistics are written in one
 *   transaction; a failed or cancelled import leaves the dataset exactly as before. When the
 *   dataset existed the attempt is recorded as a failed import run (error "cancelled" for a
 *   cancellation); a dataset the import would have created is not left behind, so the attempt is
 *   recorded in `failed_imports` under the dataset's name (the report lists it).
 * - Idempotent: the files' content hash is recorded; importing the same content into the same
 *   dataset again changes nothing and says so.
 * - One instrument per dataset: the contract comes from `instrument`, or from the files (DBN
 *   metadata, the symbol column of Databento CSV/JSON, the file name of NinjaTrader/Sierra Chart
 *   exports, e.g. "MNQ 12-25.Last.txt" -> MNQZ5).
 * - Empty files are refused with a clear error (a file with a header and no record imports zero).
 * - Progress: `onProgress` at most every 250 ms and once at the end; `signal` cancels between
 *   batches (the transaction rolls back) with AppError "cancelled".
 */
import type pg from "pg";
import { AppError, conflict } from "../../errors";
import type { Db } from "../../db/prisma";
import { withTransaction } from "../../db/transaction";
import { getContractSpec } from "../../market/contract-spec";
import { tsRecvNsAt } from "../../market/trade-columns";
import { readTrades } from "../tick-blocks";
import { createTradeSource, resolveFormat, type FormatOptions } from "../formats";
import type { ByteCounter, ImportFormat } from "../formats/types";
import { TradeValidator, validationRulesSchema, type ValidationRulesInput } from "./trade-validation";
import { insertDataFlags, type NewDataFlag } from "../data-flags";
import { importStatus } from "./import-status";
import { needsTranscoding } from "../formats/databento-transcode";
import { importTranscoded } from "./import-transcoded";
import { importReference, isReferenceSchema } from "./import-reference";
import { importDbnMbo } from "./import-dbn-mbo";
import { importDbnQuotes, isQuoteSchema } from "./import-dbn-quotes";
import { importBars, isDbnBarSchema, isNinjaTraderBarFile } from "./import-bars";
import { ninjaTraderCarriesQuotes } from "../formats/ninjatrader";
import { noQuoteCounts, refuseMixedTickForms, SourceQuoteWriter } from "./import-source-quotes";
import type { QuoteImportReport } from "./import-dbn-quotes";
import { dbnSchemas, fileSizes, hashFiles, QuarantineWriter, resolveContract, throwIfCancelled } from "./import-files";
import { PriceBand, sessionWindowOf, type PriceBandRange } from "./price-band";
import { datasetIdFor, emptyImportReport, findImportDataset, finishDataset, finishImportRun, importReportOf, instrumentIdOf, noStoredTrades } from "./import-run";
import { previousImportRunId, recordFailedImport, startImportRun, storeTrades } from "./import-run";
import type { ImportProgress, ImportReport, ImportReportBase } from "./import-run";

export type { ImportFormat } from "../formats/types";
export type { FormatOptions } from "../formats";

export type { ImportProgress, ImportReport } from "./import-run";

export interface ImportTradesOptions {
  files: string[];
  dataset: string;
  /** Default "auto": told from each file's first bytes (lib/data/formats/detect.ts). */
  format?: ImportFormat | "auto";
  /** Contract symbol (ESU4, MNQZ5, MNQ 12-25) or root (MNQ); default: from the files. */
  instrument?: string;
  rules?: ValidationRulesInput;
  createdBy?: string;
  /** Called at most every ~250 ms while importing, and once at the end. */
  onProgress?: (p: ImportProgress) => void;
  /** Aborting it cancels the import: nothing is written, AppError "cancelled". */
  signal?: AbortSignal;
  /** Time zone (NinjaTrader, generic CSV) and generic CSV mapping. */
  formatOptions?: FormatOptions;
}

const PROGRESS_EVERY_MS = 250;

export async function importTrades(db: Db, pool: pg.Pool, options: ImportTradesOptions): Promise<ImportReport> {
  const started = Date.now();
  const { signal, onProgress } = options;
  throwIfCancelled(signal);
  const rules = validationRulesSchema.parse(options.rules ?? {});
  const totalBytes = await fileSizes(options.files);
  const format = await resolveFormat(options.files, options.format ?? "auto", { hasCsvMapping: Boolean(options.formatOptions?.csv) });
  // Databento CSV/JSON of any schema but trades: transcoded to DBN, then imported as DBN below (import-transcoded.ts).
  if ((format === "databento-csv" || format === "databento-json") && (await needsTranscoding(options.files, format))) return importTranscoded(db, options, format, (dbn) => importTrades(db, pool, dbn));
  if (format === "dbn") {
    const schemas = await dbnSchemas(options.files);
    if (schemas.includes("status")) {
      if (schemas.some((s) => s !== "status")) throw new AppError("unprocessable", "Status files and trade files cannot be imported together: import the trades first, then the status files");
      return importStatus(db, pool, { options, contentHash: await hashFiles(options.files, signal), totalBytes, started });
    }
    // Definition and statistics files add reference data to an existing dataset (import-reference.ts).
    if (schemas.some(isReferenceSchema)) {
      if (!schemas.every(isReferenceSchema)) throw new AppError("unprocessable", "Definition and statistics files cannot be imported together with market data: import the trades first, then the reference files");
      return importReference(db, pool, { options, contentHash: await hashFiles(options.files, signal), totalBytes, started });
    }
    if (schemas.includes("mbo")) {
      if (schemas.some((s) => s !== "mbo")) throw new AppError("unprocessable", "MBO files and files of other schemas cannot be imported together");
      return importDbnMbo(db, pool, options);
    }
    // Quote files store their quotes and trades; mixed with trades files, only the trades (as before).
    if (schemas.length > 0 && schemas.every(isQuoteSchema)) return importDbnQuotes(db, pool, options);
    if (schemas.length > 0 && schemas.every(isDbnBarSchema)) return importBars(db, pool, options, "dbn");
  }
  if (format === "ninjatrader" && (await isNinjaTraderBarFile(options.files[0]))) return importBars(db, pool, options, "ninjatrader");
  // NinjaTrader last;bid;ask;volume exports also store their quotes (import-source-quotes.ts): dataset schema mbp-1.
  const withQuotes = format === "ninjatrader" && (await ninjaTraderCarriesQuotes(options.files));
  const counter: ByteCounter = { bytesRead: 0 };
  const source = createTradeSource(format, options.files, options.formatOptions, counter);
  const contract = resolveContract(await source.symbols(), options.instrument);
  const spec = getContractSpec(contract.root);
  const contentHash = await hashFiles(options.files, signal);
  const instrumentId = await instrumentIdOf(db, spec.root);
  const existing = await findImportDataset(db, options.dataset, spec.root);
  if (existing && (existing.schema === "mbo" || existing.schema.startsWith("ohlcv"))) {
    throw conflict(`Dataset ${options.dataset} holds ${existing.schema} data; import trades into a trades or quote dataset`);
  }
  if (existing && format === "ninjatrader") await refuseMixedTickForms(pool, options.dataset, existing, withQuotes);
  const quoteFields = (quotes: QuoteImportReport["quotes"]) => (withQuotes ? { schema: "mbp-1" as const, quotes } : {});
  const base: ImportReportBase = { dataset: options.dataset, format, contentHash, instruments: [contract.symbol], started, flags: {} };
  const counts: Record<string, number> = {};
  let read = 0;
  const stored = noStoredTrades();
  const progress = (): ImportProgress => ({ bytesRead: counter.bytesRead, totalBytes, read, accepted: stored.accepted, rejected: read - stored.accepted });
  const previous = existing && (await previousImportRunId(db, existing.id, contentHash));
  if (previous) {
    onProgress?.({ bytesRead: totalBytes, totalBytes, read: 0, accepted: 0, rejected: 0 });
    return { ...emptyImportReport(base), importRunId: previous, skipped: true, ...quoteFields(noQuoteCounts()) };
  }

  const sourceInfo = { files: options.files, format, ...(withQuotes ? { schema: "mbp-1" } : {}), instrument: contract.symbol, rules, ...(options.formatOptions ? { formatOptions: options.formatOptions } : {}) };
  let lastProgressAt = Date.now();
  const flagTotals: Record<string, { flags: number; records: number }> = {};
  const quoteCounts = noQuoteCounts();
  try {
    const importRunId = await withTransaction(pool, async (client) => {
      const dataset = await datasetIdFor(client, existing, { name: options.dataset, instrumentId, schema: withQuotes ? "mbp-1" : "trades", createdBy: options.createdBy, contract: contract.expiryNs === null ? null : contract.symbol });
      const { rows: seqRows } = await client.query<{ n: string }>("SELECT record_count::text AS n FROM datasets WHERE id = $1 FOR UPDATE", [dataset]);
      stored.nextSeq = BigInt(seqRows[0].n);
      const runId = await startImportRun(client, dataset, sourceInfo, contentHash, options.createdBy);
      const validator = new TradeValidator(rules, contract.expiryNs);
      const band = rules.priceBand ? new PriceBand(rules.priceBand) : null;
      const bandDetail = rules.priceBand ? { percent: rules.priceBand.percent, reference: rules.priceBand.reference } : null;
      const toFlag = (r: PriceBandRange): NewDataFlag => ({
        kind: "price_band",
        fromNs: r.fromNs,
        toNs: r.toNs,
        count: r.count,
        detail: {
          ...bandDetail,
          sessionDate: r.sessionDate,
          referenceTicks: r.referenceTicks,
          minTicks: r.minTicks,
          maxTicks: r.maxTicks,
          referencePrice: r.referenceTicks * Number(spec.tickSize),
          minPrice: r.minTicks * Number(spec.tickSize),
          maxPrice: r.maxTicks * Number(spec.tickSize),
        },
      });
      const writeBandFlags = async (ranges: PriceBandRange[]) => {
        if (!ranges.length) return;
        await insertDataFlags(client, dataset, runId, ranges.map(toFlag));
        const t = (flagTotals.price_band ??= { flags: 0, records: 0 });
        t.flags += ranges.length;
        for (const r of ranges) t.records += r.count;
      };
      let seeded = !existing;
      const pending: PriceBandRange[] = [];
      const quarantine = new QuarantineWriter(client, runId);
      const quoteWriter = withQuotes ? new SourceQuoteWriter(client, { datasetId: dataset, instrumentId, tickSizeNano: spec.tickSizeNano }, quarantine, quoteCounts) : null;
      for await (const batch of source.batches(spec.tickSizeNano)) {
        throwIfCancelled(signal);
        read += batch.columns.length + batch.rejected.length;
        for (const r of batch.rejected) {
          counts[r.reason] = (counts[r.reason] ?? 0) + 1;
          await quarantine.add(r.recordIndex, r.reason, r.tsRecvNs?.toString() ?? null, r.payload);
        }
        const { accepted: ok, rejected } = validator.filter(batch.columns);
        for (const r of rejected) {
          counts[r.reason] = (counts[r.reason] ?? 0) + 1;
          const values = { price: r.priceTicks * Number(spec.tickSize), size: r.size, side: r.side };
          const origin = batch.origin?.(r.position);
          await quarantine.add(origin?.recordIndex ?? r.index, r.reason, r.tsRecvNs.toString(), origin ? { ...origin.payload, ...values } : values);
        }
        if (batch.quotes) {
          if (!quoteWriter) throw new AppError("unprocessable", `The files carry bid/ask quotes past their first lines, which have none: import the two NinjaTrader tick forms separately`);
          await quoteWriter.write(batch.quotes, rejected.map((r) => r.position));
        }
        if (ok.length > 0 && band) {
          if (!seeded) {
            seeded = true;
            const last = await lastStoredTradeBefore(client, dataset, spec.tickSizeNano, tsRecvNsAt(ok, 0));
            if (last !== null) band.seed(last);
          }
          band.observe(ok);
          const closed = band.drainClosed();
          if (closed.length >= 1000) await writeBandFlags(closed);
          else pending.push(...closed);
          if (pending.length >= 1000) await writeBandFlags(pending.splice(0, pending.length));
        }
        await storeTrades(client, { datasetId: dataset, instrumentId, tickSizeNano: spec.tickSizeNano }, ok, stored);
        if (onProgress && Date.now() - lastProgressAt >= PROGRESS_EVERY_MS) {
          lastProgressAt = Date.now();
          onProgress(progress());
        }
      }
      throwIfCancelled(signal);
      await quarantine.flush();
      if (band) await writeBandFlags([...pending.splice(0, pending.length), ...band.finish()]);
      // With quotes the run's reasons add the quotes' (quote_*, flag_*), as a DBN quote import's.
      await finishImportRun(client, runId, { read, accepted: stored.accepted, rejected: read - stored.accepted, rejectedByReason: { ...counts, ...quoteCounts.rejectedByReason } });
      await finishDataset(client, dataset, {
        recordCount: stored.nextSeq,
        blockTables: withQuotes ? ["quote_blocks", "trade_blocks"] : ["trade_blocks"],
        lastImport: { importRunId: runId, contentHash, format, ...(withQuotes ? { schema: "mbp-1" } : {}), files: options.files },
        ...(withQuotes ? { schema: "mbp-1" } : {}),
      });
      return runId;
    });
    onProgress?.(progress());
    return { ...importReportOf(base, { importRunId, read, accepted: stored.accepted, rejectedByReason: counts, firstNs: stored.firstNs, lastNs: stored.lastNs }), flags: flagTotals, ...quoteFields(quoteCounts) };
  } catch (error) {
    // Nothing was written (the transaction rolled back); keep a trace of the failed attempt.
    await recordFailedImport(db, { error, existing, datasetName: options.dataset, source: sourceInfo, contentHash, createdBy: options.createdBy, started });
    throw error;
  }
}

/**
 * Price of the last trade stored in the dataset before the session window of `firstNs` (the
 * price band's reference for an append), or null when there is none. The latest such trade is at
 * or after L = the latest block start before the window, so the blocks overlapping [L, start) hold
 * it (blocks of several imports may overlap in time: the latest time wins, not the read order).
 */
async function lastStoredTradeBefore(client: pg.PoolClient, datasetId: number, tickSizeNano: bigint, firstNs: bigint): Promise<number | null> {
  const { startNs } = sessionWindowOf(firstNs);
  const { rows } = await client.query<{ first: string | null }>(
    "SELECT max(first_ts_recv)::text AS first FROM trade_blocks WHERE dataset_id = $1 AND first_ts_recv < $2",
    [datasetId, startNs.toString()],
  );
  if (rows[0].first === null) return null;
  let lastNs: bigint | null = null;
  let last: number | null = null;
  for await (const b of readTrades(client, { datasetId, tickSizeNano, fromNs: BigInt(rows[0].first), toNs: startNs })) {
    for (let i = 0; i < b.length; i++) {
      const ts = tsRecvNsAt(b, i);
      if (lastNs === null || ts >= lastNs) {
        lastNs = ts;
        last = b.priceTicks[i];
      }
    }
  }
  return last;
}
