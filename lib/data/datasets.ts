/**
 * Datasets: named, versioned collections of ticks for one instrument, with provenance.
 * Writing a dataset's ticks happens in a single transaction, so a failed or interrupted import
 * or generation leaves the database exactly as it was.
 */
import { createHash } from "node:crypto";
import type pg from "pg";
import { z } from "zod";
import { conflict, notFound } from "../errors";
import type { Db } from "../db/prisma";
import type { Prisma } from "../generated/prisma/client.ts";
import { getContractSpec, listContractSpecs } from "../market/contract-spec";
import { generateTrades, generatorVersion } from "./demo-generator";
import { deleteTrades, ensureTradePartitions, writeTrades } from "./tick-blocks";
import { withTransaction } from "../db/transaction";
import { datasetCoverage, type Coverage } from "./coverage";
import { barIntervalOf } from "./bar-store";
import { calendarVersion, sessionsBetween } from "../market/session-calendar";
import { trimTradeColumns, tsRecvNsAt } from "../market/trade-columns";
import { validationRulesSchema, type ValidationRules } from "./import/trade-validation";
import {
  assertNotAComponent,
  continuousCoverage,
  datasetContract,
  readContinuousInfo,
  resolveGeneratedInstrument,
  syntheticStartPrice,
  syntheticVolumeShare,
  toStoredRolls,
  type StoredRollPoint,
} from "./continuous-datasets";

export interface DatasetDto {
  id: number;
  name: string;
  instrument: string;
  schema: string;
  version: number;
  status: string;
  description: string | null;
  recordCount: number;
  start: string | null;
  end: string | null;
  provenance: unknown;
  /** Validation rules of imports into this dataset, defaults filled in. */
  validationRules: ValidationRules;
  createdAt: string;
  /** "single" (one instrument's ticks) or "continuous" (components + roll rule, continuous-datasets.ts). */
  kind: string;
  /** Dated contract of a single dataset (e.g. "MNQH5"), null for a root or a continuous dataset. */
  contract: string | null;
  /** Bar interval (s) of a bar dataset (schema ohlcv-1s/1m/1h/1d, lib/data/bar-store.ts), else null. */
  barIntervalS: number | null;
  /** Roll rule of a continuous dataset, else null. */
  rollRule: unknown;
}

/** A continuous dataset's components (expiry order) and resolved roll dates. */
export interface ContinuousDetailDto {
  components: { name: string; contract: string; position: number; from: string | null; to: string | null }[];
  rolls: StoredRollPoint[];
}

const nsToIso = (ns: bigint | null) => (ns === null ? null : new Date(Number(ns / 1_000_000n)).toISOString());

export async function syncInstruments(db: Db): Promise<void> {
  for (const spec of listContractSpecs()) {
    const data = {
      name: spec.name,
      exchange: spec.exchange,
      currency: spec.currency,
      tickSize: spec.tickSize,
      multiplier: String(spec.multiplier),
      spec: JSON.parse(JSON.stringify(spec, (_k, v) => (typeof v === "bigint" ? v.toString() : v))),
    };
    await db.instrument.upsert({ where: { symbol: spec.root }, create: { symbol: spec.root, ...data }, update: data });
  }
}

const withInstrument = { instrument: { select: { symbol: true } } } as const;
type DatasetRow = Prisma.DatasetGetPayload<{ include: typeof withInstrument }>;

function toDatasetDto(d: DatasetRow): DatasetDto {
  return {
    id: d.id,
    name: d.name,
    instrument: d.instrument.symbol,
    schema: d.schema,
    version: d.version,
    status: d.status,
    description: d.description,
    recordCount: Number(d.recordCount),
    start: nsToIso(d.startNs),
    end: nsToIso(d.endNs),
    provenance: d.provenance,
    validationRules: effectiveRules(d.validationRules),
    createdAt: d.createdAt.toISOString(),
    kind: d.kind,
    contract: d.kind === "single" ? datasetContract(d.provenance) : null,
    barIntervalS: barIntervalOf(d.schema),
    rollRule: d.rollRule ?? null,
  };
}

export async function listDatasets(db: Db): Promise<DatasetDto[]> {
  const rows = await db.dataset.findMany({ orderBy: { name: "asc" }, include: withInstrument });
  return rows.map(toDatasetDto);
}

async function findDatasetRow(db: Db, name: string): Promise<DatasetRow> {
  const row = await db.dataset.findUnique({ where: { name }, include: withInstrument });
  if (!row) throw notFound(`Dataset ${name}`);
  return row;
}

/**
 * Stored rules with the defaults of trade-validation.ts filled in. Rules stored by an older
 * version that no longer parse fall back to the defaults rather than breaking the dataset.
 */
export function effectiveRules(stored: unknown): ValidationRules {
  const parsed = validationRulesSchema.safeParse(stored ?? {});
  return parsed.success ? parsed.data : validationRulesSchema.parse({});
}

/** Body of `PATCH /api/datasets/:name`: the complete rules (omitted ones take their default). */
export const updateDatasetSchema = z.object({ validationRules: validationRulesSchema }).strict();
export type UpdateDatasetInput = z.input<typeof updateDatasetSchema>;

/** Sets a dataset's validation rules; later imports into it use them. */
export async function updateDataset(db: Db, name: string, raw: UpdateDatasetInput): Promise<DatasetDto> {
  const { validationRules } = updateDatasetSchema.parse(raw);
  const { count } = await db.dataset.updateMany({ where: { name }, data: { validationRules, updatedAt: new Date() } });
  if (count === 0) throw notFound(`Dataset ${name}`);
  return getDataset(db, name);
}

/** A dataset with its coverage of the exchange calendar (see coverage.ts). */
export async function getDatasetDetail(
  db: Db,
  pool: pg.Pool,
  name: string,
): Promise<DatasetDto & { coverage: Coverage; validationRuleDefaults: ValidationRules; continuous: ContinuousDetailDto | null; storedRecords: StoredRecords }> {
  const row = await findDatasetRow(db, name);
  const dataset = toDatasetDto(row);
  const coverage = await datasetCoverage(
    pool,
    { id: row.id, instrument: dataset.instrument, startNs: row.startNs, endNs: row.endNs, recordCount: dataset.recordCount, schema: row.schema },
    calendarVersion,
  );
  // A continuous dataset has no ticks of its own: its coverage counts the components' (continuous-datasets.ts).
  const info = row.kind === "continuous" ? await readContinuousInfo(db, row.id) : null;
  return {
    ...dataset,
    coverage: info === null ? coverage : await continuousCoverage(pool, info, coverage, dataset.recordCount),
    validationRuleDefaults: validationRulesSchema.parse({}),
    continuous: await continuousDetail(db, row.id),
    storedRecords: await storedRecords(pool, row.id),
  };
}

/** What a dataset stores, by kind of record (`recordCount` counts the records of its schema). */
export interface StoredRecords {
  trades: number;
  quotes: number;
  depth: number;
  mbo: number;
}

async function storedRecords(pool: pg.Pool, datasetId: number): Promise<StoredRecords> {
  const { rows } = await pool.query<{ trades: string; quotes: string; depth: string; mbo: string }>(
    `SELECT (SELECT coalesce(sum(tick_count), 0) FROM trade_blocks WHERE dataset_id = $1)::text AS trades,
            (SELECT coalesce(sum(quote_count), 0) FROM quote_blocks WHERE dataset_id = $1)::text AS quotes,
            (SELECT coalesce(sum(record_count), 0) FROM depth_blocks WHERE dataset_id = $1)::text AS depth,
            (SELECT coalesce(sum(record_count), 0) FROM mbo_blocks WHERE dataset_id = $1)::text AS mbo`,
    [datasetId],
  );
  const r = rows[0];
  return { trades: Number(r.trades), quotes: Number(r.quotes), depth: Number(r.depth), mbo: Number(r.mbo) };
}

/** Components and roll dates of a continuous dataset, null for a single one. */
export async function continuousDetail(db: Db, datasetId: number): Promise<ContinuousDetailDto | null> {
  const info = await readContinuousInfo(db, datasetId);
  if (info === null) return null;
  return {
    components: info.components.map((c) => ({ name: c.name, contract: c.contract, position: c.position, from: nsToIso(c.fromNs ?? null), to: nsToIso(c.toNs ?? null) })),
    rolls: toStoredRolls(info.rolls),
  };
}

export async function getDataset(db: Db, name: string): Promise<DatasetDto> {
  return toDatasetDto(await findDatasetRow(db, name));
}

/** A dataset's name: it appears in URLs and file names. */
export const datasetNameSchema = z.string().trim().min(1).max(100).regex(/^[A-Za-z0-9._-]+$/, "Use letters, digits, '.', '_' or '-'");

export const generateOptionsSchema = z.object({
  name: datasetNameSchema,
  instrument: z.string().trim().toUpperCase().default("MNQ"),
  from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Dates are YYYY-MM-DD"),
  to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Dates are YYYY-MM-DD"),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
  /** Event-rate multiplier of the generator (default 1; tests use less). */
  intensity: z.number().positive().max(10).optional(),
  description: z.string().max(500).optional(),
  createdBy: z.string().optional(),
});
export type GenerateOptions = z.input<typeof generateOptionsSchema>;

export interface GenerateReport {
  dataset: DatasetDto;
  sessions: number;
  records: number;
  ms: number;
}

/** Generates a synthetic dataset (see demo-generator.ts) and stores it in one transaction. */
export async function generateDataset(db: Db, pool: pg.Pool, raw: GenerateOptions): Promise<GenerateReport> {
  const opts = generateOptionsSchema.parse(raw);
  if (opts.from > opts.to) throw conflict("`from` must not be after `to`");
  // A dated contract (MNQH5) gets its own price level, volume share and expiry (continuous-datasets.ts).
  const target = resolveGeneratedInstrument(opts.instrument);
  const spec = getContractSpec(target.root);
  await syncInstruments(db);
  if (await db.dataset.findUnique({ where: { name: opts.name }, select: { id: true } })) {
    throw conflict(`Dataset ${opts.name} already exists`);
  }
  const instrument = await db.instrument.findUniqueOrThrow({ where: { symbol: spec.root }, select: { id: true } });
  const started = Date.now();
  const provenance = {
    source: "generator",
    generator: generatorVersion,
    instrument: spec.root,
    from: opts.from,
    to: opts.to,
    seed: opts.seed,
    ...(target.contract === null ? {} : { contract: target.contract }),
    ...(opts.intensity === undefined ? {} : { intensity: opts.intensity }),
  };
  let sessions = 0;
  let records = 0n;
  let startNs: bigint | null = null;
  let endNs: bigint | null = null;
  const hash = createHash("sha256");
  // Partitions are created (and committed) before the import transaction, so that transaction
  // does not hold the partition lock that other imports need.
  const dayNs = 86_400_000_000_000n;
  await ensureTradePartitions(pool, BigInt(Date.parse(opts.from)) * 1_000_000n - dayNs, BigInt(Date.parse(opts.to)) * 1_000_000n + dayNs);
  await withTransaction(pool, async (client) => {
    const { rows } = await client.query<{ id: number }>(
      `INSERT INTO datasets (name, instrument_id, schema, status, description, provenance, created_by)
       VALUES ($1, $2, 'trades', 'importing', $3, $4, $5) RETURNING id`,
      [opts.name, instrument.id, opts.description ?? `Synthetic ${target.contract ?? spec.root} trades ${opts.from}..${opts.to} (seed ${opts.seed})`, provenance, opts.createdBy ?? null],
    );
    const datasetId = rows[0].id;
    for (const { columns } of generatedSessions(target, opts)) {
      if (columns.length === 0) continue;
      const first = tsRecvNsAt(columns, 0);
      const last = tsRecvNsAt(columns, columns.length - 1);
      await writeTrades(client, { datasetId, instrumentId: instrument.id, tickSizeNano: spec.tickSizeNano, firstSeq: records }, columns);
      hash.update(`${first}:${last}:${columns.length};`);
      startNs ??= first;
      endNs = last;
      records += BigInt(columns.length);
      sessions++;
    }
    await client.query(
      `UPDATE datasets SET status = 'ready', record_count = $2, start_ns = $3, end_ns = $4, updated_at = now(),
              provenance = provenance || jsonb_build_object('contentHash', $5::text)
        WHERE id = $1`,
      [datasetId, records.toString(), startNs?.toString() ?? null, endNs?.toString() ?? null, hash.digest("hex")],
    );
    await client.query(
      `INSERT INTO import_runs (dataset_id, status, source, read_count, accepted_count, finished_at, created_by)
       VALUES ($1, 'succeeded', $2, $3, $3, now(), $4)`,
      [datasetId, provenance, records.toString(), opts.createdBy ?? null],
    );
  });
  return { dataset: await getDataset(db, opts.name), sessions, records: Number(records), ms: Date.now() - started };
}

/**
 * The generator's sessions: a root as one range; a dated contract session by session, each with its
 * synthetic volume share as intensity, cut at the contract's last trading time (nothing after it).
 */
function* generatedSessions(target: ReturnType<typeof resolveGeneratedInstrument>, opts: z.output<typeof generateOptionsSchema>) {
  const base = { root: target.root, seed: opts.seed };
  if (target.contract === null || target.lastTradeNs === null) {
    yield* generateTrades({ ...base, fromDate: opts.from, toDate: opts.to, ...(opts.intensity === undefined ? {} : { intensity: opts.intensity }) });
    return;
  }
  const startPrice = syntheticStartPrice(target.contract);
  for (const session of sessionsBetween(opts.from, opts.to)) {
    if (session.openNs >= target.lastTradeNs) return;
    const intensity = (opts.intensity ?? 1) * syntheticVolumeShare(target.contract, session.sessionDate);
    for (const batch of generateTrades({ ...base, fromDate: session.sessionDate, toDate: session.sessionDate, startPrice, intensity })) {
      const columns = batch.columns;
      let n = columns.length;
      while (n > 0 && tsRecvNsAt(columns, n - 1) >= target.lastTradeNs) n--;
      yield { ...batch, columns: n === columns.length ? columns : trimTradeColumns({ ...columns, length: n }) };
    }
  }
}

/** Deletes a dataset and its ticks. Runs computed from it keep their results (dataset_id -> NULL). */
export async function deleteDataset(db: Db, pool: pg.Pool, name: string): Promise<void> {
  const dataset = await db.dataset.findUnique({ where: { name }, select: { id: true } });
  if (!dataset) throw notFound(`Dataset ${name}`);
  await assertNotAComponent(pool, dataset.id, name);
  await withTransaction(pool, async (client) => {
    await deleteTrades(client, dataset.id);
    await client.query("DELETE FROM datasets WHERE id = $1", [dataset.id]);
  });
}
