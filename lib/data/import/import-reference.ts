/**
 * Imports Databento reference files - DBN `definition` (instrument definitions, rtype 0x13) and
 * `statistics` (venue statistics: settlement, open interest, cleared volume, session high/low...,
 * rtype 0x18), any version 1-3 - into an EXISTING dataset, like status files: importTrades sends
 * such files here, so `tickbench import definitions.dbn.zst --dataset X` works. Read back by
 * lib/data/reference-data.ts.
 *
 * - Every record is kept, one row each (instrument_definitions, market_statistics): all
 *   instruments and spreads of the files, `matches_contract` marking the dataset's contract (its
 *   dated contract, or the outright futures of its root when it holds a root only). Nothing is
 *   quarantined: statistics of unknown types are stored with their number, statistics whose symbol
 *   cannot be told (no symbology in the file, no stored definition of the id) with no symbol.
 *   Anything undecodable is an error: a truncated record, a record type the decoder does not know,
 *   a market-data record in a reference file, a 64-bit time beyond PostgreSQL's bigint.
 * - Statistic symbols come from the file's symbology (metadata mappings, symbol-mapping records)
 *   on the record's date, else from the dataset's definitions (stored, or earlier in this import).
 *   A statistic's session date is the UTC date of its ts_ref (the CME trading date Databento
 *   sets on settlement, cleared volume and open interest), else the session date of its ts_event.
 * - Definitions of the contract are checked against Tickbench's contract spec (tick size,
 *   multiplier = unit_of_measure_qty of an index-point contract, currency) and the computed last
 *   trading time (contract-symbol.ts). A mismatch does NOT refuse the import: the definition is
 *   the exchange's own record and worth keeping as evidence, while the spec is data an admin
 *   corrects (DOMAIN.md). Each mismatch is a warning in the report (and in the import run's
 *   source, `warnings`), and the row keeps its checks (`checks`). So is a file with no record of
 *   the dataset's contract.
 * - One transaction: import run and rows are written together or not at all; a failure is
 *   recorded as a failed import run. Idempotent by content hash (checked again under the
 *   dataset's row lock, so two concurrent imports of one file store it once).
 */
import type pg from "pg";
import { AppError, conflict, notFound } from "../../errors";
import type { Db } from "../../db/prisma";
import { withTransaction } from "../../db/transaction";
import { getContractSpec, isKnownRoot, type ContractSpec } from "../../market/contract-spec";
import { formatContractSymbol, lastTradeNs, parseContractSymbol } from "../../market/contract-symbol";
import { sessionDateNs } from "../../market/session-calendar";
import { datasetContract } from "../continuous-datasets";
import { decodeDbn } from "../dbn/decode";
import type { DbnMetadata } from "../dbn/metadata";
import type { DefinitionRecord } from "../dbn/records-definition";
import type { StatisticsRecord } from "../dbn/records-other";
import { SymbolMap, utcDateOf } from "../dbn/symbol-map";
import { baseName, countedChunks } from "../formats/file-chunks";
import type { ByteCounter } from "../formats/types";
import {
  contractOfSymbol,
  definitionMultiplier,
  isKnownStatType,
  matchesTarget,
  nanoToDecimal,
  statTypeName,
  type ContractTarget,
  type DefinitionCheck,
} from "../reference-data";
import { throwIfCancelled } from "./import-files";
import { emptyImportReport, finishImportRun, importReportOf, recordFailedImport, startImportRun, type ImportProgress, type ImportReport } from "./import-run";
import type { StatusImportContext } from "./import-status";

export const REFERENCE_SCHEMAS: readonly string[] = ["definition", "statistics"];

/** True for the DBN schemas this importer takes. */
export function isReferenceSchema(schema: string | null): boolean {
  return schema !== null && REFERENCE_SCHEMAS.includes(schema);
}

/** What a reference import stored, beyond the common report. */
export interface ReferenceImportSummary {
  /** The records matched against: the dataset's dated contract, or its root. */
  contract: string;
  definitions: number;
  statistics: number;
  matching: { definitions: number; statistics: number };
  /** Statistics per type name ("settlement_price", "unknown_42"...). */
  statisticsByType: Record<string, number>;
  /** Statistic type numbers Tickbench has no name for (their records are stored). */
  unknownStatTypes: number[];
  /** Statistics whose symbol could not be told (stored with no symbol). */
  statisticsWithoutSymbol: number;
  /** Checks of the contract's definitions that failed, and files without the contract. */
  warnings: string[];
}

export type ReferenceImportReport = ImportReport & { reference: ReferenceImportSummary };

const PROGRESS_EVERY_MS = 250;
const BATCH_ROWS = 500;
const I64_MAX = (1n << 63n) - 1n;

/** Rows of one table, inserted in batches inside the import's transaction. */
class RowWriter {
  private rows: unknown[][] = [];
  constructor(
    private readonly client: pg.PoolClient,
    private readonly table: string,
    private readonly columns: readonly string[],
  ) {}

  async add(row: unknown[]): Promise<void> {
    this.rows.push(row);
    if (this.rows.length >= BATCH_ROWS) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.rows.length === 0) return;
    const n = this.columns.length;
    const values: unknown[] = [];
    const tuples = this.rows.map((row, i) => {
      values.push(...row);
      return `(${row.map((_, k) => `$${i * n + k + 1}`).join(", ")})`;
    });
    await this.client.query(`INSERT INTO ${this.table} (${this.columns.join(", ")}) VALUES ${tuples.join(", ")}`, values);
    this.rows = [];
  }
}

const DEFINITION_COLUMNS = [
  "dataset_id", "import_run_id", "record_index", "publisher_id", "instrument_id", "raw_symbol", "instrument_class", "security_type", "cfi",
  "security_update_action", "matches_contract", "ts_recv_ns", "ts_event_ns", "expiration_ns", "activation_ns", "min_price_increment_nano",
  "display_factor_nano", "unit_of_measure", "unit_of_measure_qty_nano", "contract_multiplier", "currency", "settl_currency", "exchange",
  "asset", "product_group", "underlying", "maturity_year", "maturity_month", "high_limit_price_nano", "low_limit_price_nano",
  "max_price_variation_nano", "market_segment_id", "channel_id", "match_algorithm", "min_trade_vol", "max_trade_vol", "checks", "raw",
] as const;

const STATISTIC_COLUMNS = [
  "dataset_id", "import_run_id", "record_index", "publisher_id", "instrument_id", "raw_symbol", "matches_contract", "ts_recv_ns", "ts_event_ns",
  "ts_ref_ns", "session_date", "stat_type", "price_nano", "quantity", "sequence", "ts_in_delta", "update_action", "stat_flags", "channel_id",
] as const;

const text = (v: bigint | null): string | null => (v === null ? null : v.toString());
const isoUtc = (ns: bigint): string => new Date(Number(ns / 1_000_000n)).toISOString();
/** The whole record as JSON (bigints as decimal strings). */
const rawJson = (record: object): string => JSON.stringify(record, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
const u32OrNull = (v: number): number | null => (v === 0xffff_ffff ? null : v);

/**
 * Checks of a definition of the dataset's contract against Tickbench's spec and computed expiry.
 * Fields the definition does not carry are not checked.
 */
export function checkDefinition(def: DefinitionRecord, spec: ContractSpec, contract: { year: number; month: number }): DefinitionCheck[] {
  const checks: DefinitionCheck[] = [];
  if (def.minPriceIncrementNano !== null) {
    checks.push({ field: "tick_size", expected: spec.tickSize, actual: nanoToDecimal(def.minPriceIncrementNano), ok: def.minPriceIncrementNano === spec.tickSizeNano });
  }
  const multiplier = definitionMultiplier(def);
  if (multiplier !== null) checks.push({ field: "multiplier", expected: String(spec.multiplier), actual: multiplier, ok: multiplier === String(spec.multiplier) });
  if (def.currency) checks.push({ field: "currency", expected: spec.currency, actual: def.currency, ok: def.currency === spec.currency });
  let expected: string;
  let expectedNs: bigint | null = null;
  try {
    expectedNs = lastTradeNs(spec.root, contract.year, contract.month);
    expected = isoUtc(expectedNs);
  } catch (error) {
    expected = (error as Error).message;
  }
  checks.push({ field: "expiration", expected, actual: def.expirationNs === null ? null : isoUtc(def.expirationNs), ok: expectedNs !== null && def.expirationNs === expectedNs });
  return checks;
}

const CHECK_LABEL: Record<DefinitionCheck["field"], string> = { tick_size: "tick size", multiplier: "multiplier (USD per point)", currency: "currency", expiration: "expiration" };

function checkWarning(symbol: string, root: string, check: DefinitionCheck): string {
  const what = check.field === "expiration" ? "Tickbench's computed last trading time" : `Tickbench's ${root} contract spec`;
  return `${symbol} definition: ${CHECK_LABEL[check.field]} ${check.actual ?? "(none)"} differs from ${what} (${check.expected})`;
}

/** The id -> symbol history of the dataset's stored definitions (statistics of files without symbology). */
class DefinitionSymbols {
  private readonly byId = new Map<number, { tsRecvNs: bigint; symbol: string }[]>();

  add(instrumentId: number, tsRecvNs: bigint, symbol: string): void {
    const list = this.byId.get(instrumentId) ?? [];
    list.push({ tsRecvNs, symbol });
    this.byId.set(instrumentId, list);
  }

  /** The symbol of the latest definition received at or before `tsRecvNs`, else of the earliest one. */
  symbolAt(instrumentId: number, tsRecvNs: bigint): string | null {
    const list = this.byId.get(instrumentId);
    if (!list) return null;
    let best: { tsRecvNs: bigint; symbol: string } | null = null;
    for (const d of list) if (d.tsRecvNs <= tsRecvNs && (best === null || d.tsRecvNs >= best.tsRecvNs)) best = d;
    return (best ?? list.reduce((a, b) => (b.tsRecvNs < a.tsRecvNs ? b : a))).symbol;
  }
}

export async function importReference(db: Db, pool: pg.Pool, ctx: StatusImportContext): Promise<ReferenceImportReport> {
  const { options, contentHash, totalBytes, started } = ctx;
  const { rows: found } = await pool.query<{ id: number; kind: string; provenance: unknown; root: string }>(
    "SELECT d.id, d.kind, d.provenance, i.symbol AS root FROM datasets d JOIN instruments i ON i.id = d.instrument_id WHERE d.name = $1",
    [options.dataset],
  );
  if (found.length === 0) throw notFound(`Dataset ${options.dataset} (definition and statistics files add reference data to an existing dataset: import its trades first)`);
  const existing = found[0];
  if (existing.kind === "continuous") throw conflict(`Dataset ${options.dataset} is a continuous series over other datasets; import reference data into one of its components`);
  const target = contractTarget(existing.root, datasetContract(existing.provenance), options.instrument);
  const label = target.contract ?? target.root;
  const summary: ReferenceImportSummary = {
    contract: label,
    definitions: 0,
    statistics: 0,
    matching: { definitions: 0, statistics: 0 },
    statisticsByType: {},
    unknownStatTypes: [],
    statisticsWithoutSymbol: 0,
    warnings: [],
  };
  const base = { dataset: options.dataset, format: "dbn" as const, contentHash, instruments: [label], started };
  const skipped = (importRunId: string): ReferenceImportReport => {
    options.onProgress?.({ bytesRead: totalBytes, totalBytes, read: 0, accepted: 0, rejected: 0 });
    return { ...emptyImportReport(base), importRunId, skipped: true, reference: summary };
  };
  const previous = await succeededRun(pool, existing.id, contentHash);
  if (previous) return skipped(previous);

  const sourceInfo = { files: options.files, format: "dbn", schema: "reference", instrument: label };
  const counter: ByteCounter = { bytesRead: 0 };
  let read = 0;
  let firstNs: bigint | null = null;
  let lastNs: bigint | null = null;
  let lastProgressAt = Date.now();
  const progress = (): ImportProgress => ({ bytesRead: counter.bytesRead, totalBytes, read, accepted: read, rejected: 0 });
  try {
    const outcome = await withTransaction(pool, async (client): Promise<{ skipped: boolean; runId: string }> => {
      await client.query("SELECT 1 FROM datasets WHERE id = $1 FOR UPDATE", [existing.id]);
      const again = await succeededRun(client, existing.id, contentHash);
      if (again) return { skipped: true, runId: again };
      const runId = await startImportRun(client, existing.id, sourceInfo, contentHash, options.createdBy);
      const definitions = new RowWriter(client, "instrument_definitions", DEFINITION_COLUMNS);
      const statistics = new RowWriter(client, "market_statistics", STATISTIC_COLUMNS);
      const known = new DefinitionSymbols();
      const { rows: stored } = await client.query<{ instrument_id: string; ts_recv_ns: string; raw_symbol: string }>(
        "SELECT instrument_id::text, ts_recv_ns::text, raw_symbol FROM instrument_definitions WHERE dataset_id = $1",
        [existing.id],
      );
      for (const d of stored) known.add(Number(d.instrument_id), BigInt(d.ts_recv_ns), d.raw_symbol);
      const warnings = new Set<string>();
      const unknownTypes = new Set<number>();
      const spec = isKnownRoot(target.root) ? getContractSpec(target.root) : null;

      for (const file of options.files) {
        const name = baseName(file);
        const where = (index: number) => `${name}, record ${index + 1}`;
        const i64 = (value: bigint, field: string, index: number): string => {
          if (value > I64_MAX) throw new AppError("unprocessable", `${where(index)}: ${field} ${value} is beyond the range Tickbench stores (2^63 - 1)`);
          return value.toString();
        };
        const stream = decodeDbn(countedChunks(file, counter));
        let map: SymbolMap | null = null;
        const live = new Map<number, string>();
        let inFile = 0;
        for await (const record of stream) {
          map ??= SymbolMap.fromMetadata(stream.metadata as DbnMetadata);
          const index = inFile++;
          if (record.kind === "symbol-mapping") {
            live.set(record.instrumentId, record.stypeOutSymbol);
            continue;
          }
          if (record.kind !== "definition" && record.kind !== "statistics") {
            throw new AppError("unprocessable", `${where(index)} is a ${record.kind} record: definition and statistics files hold only definition and statistics records`);
          }
          if ((read & 1023) === 0) throwIfCancelled(options.signal);
          // 64-bit times are validated before anything reads them as dates.
          const tsRecv = i64(record.tsRecvNs, "ts_recv", index);
          const tsEvent = i64(record.tsEventNs, "ts_event", index);
          const recordIndex = read++;
          firstNs = firstNs === null || record.tsRecvNs < firstNs ? record.tsRecvNs : firstNs;
          lastNs = lastNs === null || record.tsRecvNs > lastNs ? record.tsRecvNs : lastNs;
          if (record.kind === "definition") {
            const def = record;
            const expiration = def.expirationNs === null ? null : i64(def.expirationNs, "expiration", index);
            const activation = def.activationNs === null ? null : i64(def.activationNs, "activation", index);
            known.add(def.instrumentId, def.tsRecvNs, def.rawSymbol);
            const referenceYear = def.maturityYear !== 0xffff ? def.maturityYear : new Date(Number(def.tsRecvNs / 1_000_000n)).getUTCFullYear();
            const contract = def.instrumentClass === "F" ? contractOfSymbol(def.rawSymbol, referenceYear) : null;
            const matches = matchesTarget(target, contract);
            let checks: DefinitionCheck[] = [];
            if (matches && spec !== null && contract !== null) {
              const month = def.maturityMonth >= 1 && def.maturityMonth <= 12 ? def.maturityMonth : contract.month;
              checks = checkDefinition(def, spec, { year: def.maturityYear !== 0xffff ? def.maturityYear : contract.year, month });
              for (const c of checks) if (!c.ok) warnings.add(checkWarning(def.rawSymbol, spec.root, c));
            }
            summary.definitions++;
            if (matches) summary.matching.definitions++;
            await definitions.add([
              existing.id, runId, recordIndex, def.publisherId, def.instrumentId, def.rawSymbol, def.instrumentClass, def.securityType, def.cfi,
              def.securityUpdateAction, matches, tsRecv, tsEvent,
              expiration, activation,
              text(def.minPriceIncrementNano), def.displayFactor.toString(), def.unitOfMeasure, text(def.unitOfMeasureQtyNano), def.contractMultiplier,
              def.currency, def.settlCurrency, def.exchange, def.asset, def.group, def.underlying,
              def.maturityYear === 0xffff ? null : def.maturityYear, def.maturityMonth === 0xff ? null : def.maturityMonth,
              text(def.highLimitPriceNano), text(def.lowLimitPriceNano), text(def.maxPriceVariationNano), u32OrNull(def.marketSegmentId), def.channelId,
              def.matchAlgorithm, u32OrNull(def.minTradeVol), u32OrNull(def.maxTradeVol), JSON.stringify(checks), rawJson(def),
            ]);
          } else {
            const stat: StatisticsRecord = record;
            const tsRef = stat.tsRefNs === null ? null : i64(stat.tsRefNs, "ts_ref", index);
            const symbol =
              map.symbolFor(stat.instrumentId, utcDateOf(stat.tsRecvNs)) ??
              map.symbolFor(stat.instrumentId, utcDateOf(stat.tsEventNs)) ??
              live.get(stat.instrumentId) ??
              known.symbolAt(stat.instrumentId, stat.tsRecvNs);
            const sessionDate = statisticSessionDate(stat);
            const referenceYear = Number((sessionDate ?? isoUtc(stat.tsRecvNs)).slice(0, 4));
            const matches = matchesTarget(target, contractOfSymbol(symbol, referenceYear));
            summary.statistics++;
            if (matches) summary.matching.statistics++;
            if (symbol === null) summary.statisticsWithoutSymbol++;
            const typeName = statTypeName(stat.statType);
            summary.statisticsByType[typeName] = (summary.statisticsByType[typeName] ?? 0) + 1;
            if (!isKnownStatType(stat.statType)) unknownTypes.add(stat.statType);
            await statistics.add([
              existing.id, runId, recordIndex, stat.publisherId, stat.instrumentId, symbol, matches, tsRecv,
              tsEvent, tsRef, sessionDate, stat.statType,
              text(stat.priceNano), text(stat.quantity), stat.sequence, stat.tsInDelta, stat.updateAction, stat.statFlags, stat.channelId,
            ]);
          }
          if (options.onProgress && Date.now() - lastProgressAt >= PROGRESS_EVERY_MS) {
            lastProgressAt = Date.now();
            options.onProgress(progress());
          }
        }
        if (stream.stats.unknown > 0) {
          const types = Object.keys(stream.stats.unknownByRtype).map((t) => `0x${Number(t).toString(16)}`).join(", ");
          throw new AppError("unprocessable", `${name}: ${stream.stats.unknown} record(s) of unknown type (rtype ${types}): Tickbench cannot read them`);
        }
      }
      throwIfCancelled(options.signal);
      await definitions.flush();
      await statistics.flush();
      if (summary.definitions > 0 && summary.matching.definitions === 0) warnings.add(`The definition records hold no definition of ${label}: stored, none marked as the dataset's contract`);
      if (summary.statistics > 0 && summary.matching.statistics === 0) {
        warnings.add(`No statistics record could be attributed to ${label}${summary.statisticsWithoutSymbol ? ` (${summary.statisticsWithoutSymbol} without a known symbol)` : ""}: stored, none marked as the dataset's contract`);
      }
      summary.unknownStatTypes = [...unknownTypes].sort((a, b) => a - b);
      summary.warnings = [...warnings];
      const { warnings: _w, ...counts } = summary;
      await client.query("UPDATE import_runs SET source = source || jsonb_build_object('warnings', $2::jsonb, 'reference', $3::jsonb) WHERE id = $1", [
        runId,
        JSON.stringify(summary.warnings),
        JSON.stringify(counts),
      ]);
      await finishImportRun(client, runId, { read, accepted: read, rejected: 0, rejectedByReason: {} });
      return { skipped: false, runId };
    });
    if (outcome.skipped) return skipped(outcome.runId);
    options.onProgress?.(progress());
    return { ...importReportOf(base, { importRunId: outcome.runId, read, accepted: read, rejectedByReason: {}, firstNs, lastNs }), reference: summary };
  } catch (error) {
    await recordFailedImport(db, { error, existing, datasetName: options.dataset, source: sourceInfo, contentHash, createdBy: options.createdBy, started });
    throw error;
  }
}

/** The records matched as "the contract's": the dataset's dated contract, else `--instrument` when dated, else the root. */
function contractTarget(root: string, datasetContractSymbol: string | null, instrument: string | undefined): ContractTarget {
  const given = instrument?.trim() ? instrument.trim().toUpperCase() : null;
  if (given === null || given === root) return { root, contract: datasetContractSymbol };
  let contract: string;
  try {
    const id = parseContractSymbol(given);
    if (id.root !== root) throw new Error(`root ${id.root}`);
    contract = formatContractSymbol(id);
  } catch (error) {
    throw new AppError("bad_request", `--instrument ${given} is not a ${root} contract`, { cause: error });
  }
  if (datasetContractSymbol !== null && datasetContractSymbol !== contract) throw conflict(`Dataset holds ${datasetContractSymbol}, not ${contract}`);
  return { root, contract };
}

/** The UTC date of ts_ref (the trading date), else the session date of ts_event; null outside the calendar's years. */
function statisticSessionDate(stat: StatisticsRecord): string | null {
  if (stat.tsRefNs !== null) return isoUtc(stat.tsRefNs).slice(0, 10);
  try {
    return sessionDateNs(stat.tsEventNs);
  } catch {
    return null;
  }
}

async function succeededRun(q: pg.Pool | pg.PoolClient, datasetId: number, contentHash: string): Promise<string | null> {
  const { rows } = await q.query<{ id: string }>("SELECT id FROM import_runs WHERE dataset_id = $1 AND content_hash = $2 AND status = 'succeeded' LIMIT 1", [datasetId, contentHash]);
  return rows[0]?.id ?? null;
}
