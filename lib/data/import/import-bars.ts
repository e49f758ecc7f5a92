/**
 * Imports OHLCV bar files into a bar dataset (lib/data/bar-store.ts): NinjaTrader 8 minute-bar
 * exports (`yyyyMMdd HHmmss;o;h;l;c;v`, schema 'ohlcv-1m') and Databento DBN files of schema
 * ohlcv-1s / ohlcv-1m / ohlcv-1h / ohlcv-1d (the dataset takes the files' schema; all files of one
 * import must share it). A dataset holds one bar interval: importing bars into a dataset of another
 * schema (trades, quotes, MBO, another interval) is a conflict.
 *
 * - Times: a bar is stored by its START. DBN ts_event is the interval start already; NinjaTrader
 *   stamps a bar with its END, read in UTC unless `formatOptions.timezone` names the exporting
 *   machine's zone (as the tick export, DOMAIN.md section 6), and the start is end - 60 s.
 * - Quarantine (reason): `malformed` (a text line that is not a bar), `undefined_price`,
 *   `off_tick_grid` (never rounded), `out_of_range`, `inconsistent_bar` (high < low, or open/close
 *   outside [low, high]), `other_instrument` (DBN: an instrument id the metadata does not map to
 *   the contract), `duplicate_bar` (a start the dataset already holds, or repeated in the files:
 *   the first one stored wins). Bars are not checked against the session calendar or the expiry.
 * - All-or-nothing (one transaction), idempotent by content hash, failed attempts recorded as in
 *   import-trades.ts. The dataset's record count is its number of bars; its span runs from the
 *   first bar's start to the last bar's end.
 */
import type pg from "pg";
import { AppError, conflict } from "../../errors";
import type { Db } from "../../db/prisma";
import { withTransaction } from "../../db/transaction";
import { getContractSpec } from "../../market/contract-spec";
import { barFromNano, barSpan, BAR_SCHEMA_INTERVAL_S, isBarSchema, writeBars, type Bar } from "../bar-store";
import { decodeDbn, readDbnMetadata } from "../dbn/decode";
import { readFileChunks } from "../dbn/dbn-file";
import { baseName, contentChunks, countedChunks, headBytes, headLines } from "../formats/file-chunks";
import { LineSplitter } from "../formats/line-splitter";
import { instrumentFromFileName, NINJATRADER_BAR_LINE, parseNinjaTraderBar } from "../formats/ninjatrader";
import type { ByteCounter } from "../formats/types";
import { WallClock } from "../formats/wall-time";
import type { ImportTradesOptions } from "./import-trades";
import { dbnSchemas, fileSizes, hashFiles, QuarantineWriter, resolveContract, throwIfCancelled } from "./import-files";
import { datasetIdFor, emptyImportReport, findImportDataset, finishImportRun, importReportOf, instrumentIdOf, lastImportOf, previousImportRunId, recordFailedImport, startImportRun } from "./import-run";
import type { ImportReport, ImportReportBase } from "./import-run";

export type BarSource = "ninjatrader" | "dbn";

export interface BarImportReport extends ImportReport {
  /** The dataset's schema (ohlcv-1s/1m/1h/1d) and its bar interval in seconds. */
  schema: string;
  intervalS: number;
}

/** True when the first non-empty line of the file is a NinjaTrader minute-bar line. */
export async function isNinjaTraderBarFile(file: string): Promise<boolean> {
  const { bytes, complete } = await headBytes(file);
  const first = headLines(bytes, complete).find((l) => l.trim().length > 0);
  return first !== undefined && NINJATRADER_BAR_LINE.test(first.trim());
}

/** The contract root of a symbol, null when it names no known contract. */
function rootOf(symbol: string): string | null {
  try {
    return resolveContract([], symbol).root;
  } catch {
    return null;
  }
}

/** DBN schemas of bar files. */
export function isDbnBarSchema(schema: string | null): boolean {
  return isBarSchema(schema);
}

const BATCH = 1000;
const PROGRESS_EVERY_MS = 250;

/** One bar read from a file, before it is checked: where it came from and its payload when quarantined. */
interface SourceBar {
  recordIndex: number;
  tsStartNs: bigint;
  prices: { open: bigint | number | null; high: bigint | number | null; low: bigint | number | null; close: bigint | number | null };
  volume: bigint | number;
  payload: Record<string, unknown>;
}
type SourceItem = SourceBar | { recordIndex: number; reason: string; tsStartNs: bigint | null; payload: Record<string, unknown> };

export async function importBars(db: Db, pool: pg.Pool, options: ImportTradesOptions, source: BarSource): Promise<BarImportReport> {
  const started = Date.now();
  const { signal, onProgress } = options;
  throwIfCancelled(signal);
  const totalBytes = await fileSizes(options.files);
  let schema = "ohlcv-1m";
  let symbols: string[];
  const onlyIds = new Set<number>();
  if (source === "dbn") {
    const schemas = await dbnSchemas(options.files);
    if (!schemas.every(isBarSchema) || new Set(schemas).size !== 1) {
      throw new AppError("unprocessable", `Bar files of one import must share one OHLCV schema (ohlcv-1s, ohlcv-1m, ohlcv-1h or ohlcv-1d); got ${schemas.map((s) => s ?? "mixed").join(", ")}`);
    }
    schema = schemas[0] as string;
    const metas = [];
    for (const file of options.files) metas.push(await readDbnMetadata(readFileChunks(file)));
    symbols = [...new Set(metas.flatMap((m) => m.symbols.map((s) => s.toUpperCase())))];
    const contractSymbol = resolveContract(options.instrument ? [] : symbols, options.instrument).symbol;
    for (const m of metas) for (const map of m.mappings) if (map.rawSymbol.toUpperCase() === contractSymbol) for (const iv of map.intervals) if (/^\d+$/.test(iv.symbol)) onlyIds.add(Number(iv.symbol));
    // Without a mapping to the contract every record is kept: refuse files that hold another root's bars.
    const root = resolveContract([], contractSymbol).root;
    const foreign = onlyIds.size === 0 ? symbols.filter((s) => rootOf(s) !== root) : [];
    if (foreign.length > 0) throw new AppError("unprocessable", `The files hold bars of ${symbols.join(", ")}, not of ${contractSymbol}: give one of their contracts as the instrument`);
  } else {
    symbols = [...new Set(options.files.map((f) => instrumentFromFileName(baseName(f))).filter((s): s is string => s !== null))];
  }
  const intervalS = BAR_SCHEMA_INTERVAL_S[schema];
  const contract = resolveContract(options.instrument ? [] : symbols, options.instrument);
  const spec = getContractSpec(contract.root);
  const contentHash = await hashFiles(options.files, signal);
  const instrumentId = await instrumentIdOf(db, spec.root);
  const existing = await findImportDataset(db, options.dataset, spec.root);
  if (existing && existing.schema !== schema) {
    throw conflict(`Dataset ${options.dataset} holds ${existing.schema} data; ${schema} bars go into a new dataset or one of schema ${schema}`);
  }
  const base: ImportReportBase = { dataset: options.dataset, format: source, contentHash, instruments: [contract.symbol], started };
  const previous = existing && (await previousImportRunId(db, existing.id, contentHash));
  if (previous) {
    onProgress?.({ bytesRead: totalBytes, totalBytes, read: 0, accepted: 0, rejected: 0 });
    return { ...emptyImportReport(base), importRunId: previous, skipped: true, schema, intervalS };
  }

  const sourceInfo = { files: options.files, format: source, schema, instrument: contract.symbol, ...(options.formatOptions?.timezone ? { timezone: options.formatOptions.timezone } : {}) };
  const counter: ByteCounter = { bytesRead: 0 };
  const counts: Record<string, number> = {};
  let read = 0;
  let accepted = 0;
  let firstNs: bigint | null = null;
  let lastNs: bigint | null = null;
  let lastProgressAt = Date.now();
  const items = source === "dbn" ? dbnBars(options.files, counter, onlyIds) : ninjaTraderBars(options.files, counter, new WallClock(options.formatOptions?.timezone ?? "UTC"), intervalS);
  try {
    const importRunId = await withTransaction(pool, async (client) => {
      const dataset = await datasetIdFor(client, existing, { name: options.dataset, instrumentId, schema, createdBy: options.createdBy, contract: contract.expiryNs === null ? null : contract.symbol });
      await client.query("SELECT 1 FROM datasets WHERE id = $1 FOR UPDATE", [dataset]);
      const runId = await startImportRun(client, dataset, sourceInfo, contentHash, options.createdBy);
      const quarantine = new QuarantineWriter(client, runId);
      const reject = async (recordIndex: number, reason: string, tsNs: bigint | null, payload: unknown) => {
        counts[reason] = (counts[reason] ?? 0) + 1;
        await quarantine.add(recordIndex, reason, tsNs?.toString() ?? null, payload);
      };
      let pending: { bar: Bar; from: SourceBar }[] = [];
      const flush = async () => {
        const skipped = new Set(await writeBars(client, dataset, pending.map((p) => p.bar)));
        for (let i = 0; i < pending.length; i++) {
          const { bar, from } = pending[i];
          if (skipped.has(i)) {
            await reject(from.recordIndex, "duplicate_bar", bar.tsStartNs, from.payload);
            continue;
          }
          accepted++;
          if (firstNs === null || bar.tsStartNs < firstNs) firstNs = bar.tsStartNs;
          if (lastNs === null || bar.tsStartNs > lastNs) lastNs = bar.tsStartNs;
        }
        pending = [];
      };
      for await (const item of items) {
        read++;
        if (read % BATCH === 0) throwIfCancelled(signal);
        if ("reason" in item) {
          await reject(item.recordIndex, item.reason, item.tsStartNs, item.payload);
        } else {
          const checked = barFromNano(item.tsStartNs, intervalS, item.prices, item.volume, spec.tickSizeNano);
          if ("reason" in checked) await reject(item.recordIndex, checked.reason, item.tsStartNs, { ...item.payload, detail: checked.detail });
          else pending.push({ bar: checked.bar, from: item });
          if (pending.length >= BATCH) await flush();
        }
        if (onProgress && Date.now() - lastProgressAt >= PROGRESS_EVERY_MS) {
          lastProgressAt = Date.now();
          onProgress({ bytesRead: counter.bytesRead, totalBytes, read, accepted, rejected: read - accepted - pending.length });
        }
      }
      await flush();
      throwIfCancelled(signal);
      await quarantine.flush();
      await finishImportRun(client, runId, { read, accepted, rejected: read - accepted, rejectedByReason: counts });
      const span = await barSpan(client, dataset);
      const lastImport = lastImportOf({ importRunId: runId, contentHash, format: source, schema, files: options.files });
      await client.query(
        `UPDATE datasets SET status = 'ready', record_count = $2, updated_at = now(), start_ns = $3, end_ns = $4,
                version = CASE WHEN record_count > 0 THEN version + 1 ELSE version END,
                provenance = provenance || jsonb_build_object('source', 'import', 'lastImport', $5::jsonb)
          WHERE id = $1`,
        [dataset, (span?.count ?? 0n).toString(), span?.startNs.toString() ?? null, span?.endNs.toString() ?? null, JSON.stringify(lastImport)],
      );
      return runId;
    });
    onProgress?.({ bytesRead: counter.bytesRead, totalBytes, read, accepted, rejected: read - accepted });
    return { ...importReportOf(base, { importRunId, read, accepted, rejectedByReason: counts, firstNs, lastNs }), schema, intervalS };
  } catch (error) {
    await recordFailedImport(db, { error, existing, datasetName: options.dataset, source: sourceInfo, contentHash, createdBy: options.createdBy, started });
    throw error;
  }
}

/** The records of DBN OHLCV files as source bars (record index counts across the files). */
async function* dbnBars(files: readonly string[], counter: ByteCounter, onlyIds: ReadonlySet<number>): AsyncGenerator<SourceItem> {
  let index = 0;
  for (const file of files) {
    for await (const r of decodeDbn(countedChunks(file, counter))) {
      if (r.kind !== "ohlcv") continue;
      const recordIndex = index++;
      const payload = { file: baseName(file), instrumentId: r.instrumentId, open: r.openNano?.toString() ?? null, high: r.highNano?.toString() ?? null, low: r.lowNano?.toString() ?? null, close: r.closeNano?.toString() ?? null, volume: r.volume.toString() };
      if (onlyIds.size > 0 && !onlyIds.has(r.instrumentId)) {
        yield { recordIndex, reason: "other_instrument", tsStartNs: r.tsEventNs, payload };
        continue;
      }
      yield { recordIndex, tsStartNs: r.tsEventNs, prices: { open: r.openNano, high: r.highNano, low: r.lowNano, close: r.closeNano }, volume: r.volume, payload };
    }
  }
}

/** The lines of NinjaTrader bar files as source bars (record index = 1-based line number, as the text formats). */
async function* ninjaTraderBars(files: readonly string[], counter: ByteCounter, clock: WallClock, intervalS: number): AsyncGenerator<SourceItem> {
  for (const file of files) {
    const splitter = new LineSplitter(baseName(file));
    let lineNo = 0;
    const lines = function* (batch: string[]) {
      for (const text of batch) {
        lineNo++;
        if (text.trim().length === 0) continue;
        const payload = { file: baseName(file), line: text.slice(0, 2000) };
        const r = parseNinjaTraderBar(text, clock, intervalS);
        if (r.kind === "reject") yield { recordIndex: lineNo, reason: r.reason, tsStartNs: r.tsStartNs ?? null, payload: { ...payload, detail: r.detail } } as SourceItem;
        else yield { recordIndex: lineNo, tsStartNs: r.tsStartNs, prices: { open: r.openNano, high: r.highNano, low: r.lowNano, close: r.closeNano }, volume: r.volume, payload } as SourceItem;
      }
    };
    for await (const chunk of contentChunks(file, counter)) yield* lines(splitter.push(chunk));
    yield* lines(splitter.finish());
  }
}
