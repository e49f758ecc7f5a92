/**
 * Data flags: stretches of a dataset that are kept but marked (issue 3), for the engine, the run
 * pipeline and the reports.
 *
 * - kind "price_band": consecutive trades further from the session's reference price than the
 *   dataset's band (lib/data/import/price-band.ts); detail { percent, referencePrice, minPrice,
 *   maxPrice (index points), referenceTicks, minTicks, maxTicks, sessionDate }.
 * - kind "halt": the exchange stopped trading the instrument inside a session, from Databento
 *   status records (lib/data/import/halt-intervals.ts); detail { symbol, instrumentId, action,
 *   reason, calendarHalt, openAtEnd, ... }.
 *
 * [fromNs, toNs] are receive times (ns since the epoch, both inclusive: a one-trade range has
 * fromNs = toNs); `count` is the number of trades (price_band) or status records (halt) in it.
 * Flags are written in their import's transaction and deleted with their import run or dataset.
 */
import type pg from "pg";

export const DATA_FLAG_KINDS = ["price_band", "halt"] as const;
export type DataFlagKind = (typeof DATA_FLAG_KINDS)[number];

export interface NewDataFlag {
  kind: DataFlagKind;
  fromNs: bigint;
  toNs: bigint;
  count: number;
  detail: Record<string, unknown>;
}

export interface DataFlag extends NewDataFlag {
  id: string;
  datasetId: number;
  importRunId: string;
}

export interface ReadDataFlagsOptions {
  /** Flags ending at or after this time (ns, inclusive). */
  fromNs?: bigint;
  /** Flags starting before this time (ns, exclusive). */
  toNs?: bigint;
  /** Only these kinds (default: all). */
  kinds?: readonly string[];
  /** Only the flags of this import run. */
  importRunId?: string;
  /** At most this many (the earliest first). */
  limit?: number;
}

type Queryable = Pick<pg.ClientBase, "query"> | pg.Pool;

const INSERT_CHUNK = 1000;

/** Writes flags of an import run (call inside the import's transaction). */
export async function insertDataFlags(client: Queryable, datasetId: number, importRunId: string, flags: readonly NewDataFlag[]): Promise<void> {
  for (let at = 0; at < flags.length; at += INSERT_CHUNK) {
    const chunk = flags.slice(at, at + INSERT_CHUNK);
    const values: unknown[] = [datasetId, importRunId];
    const tuples = chunk.map((f) => {
      values.push(f.kind, f.fromNs.toString(), f.toNs.toString(), f.count, JSON.stringify(f.detail));
      const o = values.length - 5;
      return `($1, $2, $${o + 1}, $${o + 2}::bigint, $${o + 3}::bigint, $${o + 4}, $${o + 5}::jsonb)`;
    });
    await client.query(`INSERT INTO data_flags (dataset_id, import_run_id, kind, from_ns, to_ns, count, detail) VALUES ${tuples.join(",")}`, values);
  }
}

interface FlagRow {
  id: string;
  dataset_id: number;
  import_run_id: string;
  kind: DataFlagKind;
  from_ns: string;
  to_ns: string;
  count: string;
  detail: Record<string, unknown>;
}

/**
 * The flags of a dataset that overlap [fromNs, toNs) (a flag [a, b] overlaps when b >= fromNs and
 * a < toNs), optionally of some kinds or of one import run, ordered by start time.
 */
export async function readDataFlags(db: Queryable, datasetId: number, options: ReadDataFlagsOptions = {}): Promise<DataFlag[]> {
  const where = ["dataset_id = $1"];
  const values: unknown[] = [datasetId];
  const add = (sql: string, value: unknown) => {
    values.push(value);
    where.push(sql.replace("?", `$${values.length}`));
  };
  if (options.fromNs !== undefined) add("to_ns >= ?::bigint", options.fromNs.toString());
  if (options.toNs !== undefined) add("from_ns < ?::bigint", options.toNs.toString());
  if (options.kinds) add("kind = ANY(?::text[])", [...options.kinds]);
  if (options.importRunId) add("import_run_id = ?::uuid", options.importRunId);
  const limit = options.limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(options.limit))}` : "";
  const { rows } = await db.query<FlagRow>(
    `SELECT id::text, dataset_id, import_run_id, kind, from_ns::text, to_ns::text, count::text, detail
       FROM data_flags WHERE ${where.join(" AND ")} ORDER BY from_ns, id${limit}`,
    values,
  );
  return rows.map((r) => ({
    id: r.id,
    datasetId: r.dataset_id,
    importRunId: r.import_run_id,
    kind: r.kind,
    fromNs: BigInt(r.from_ns),
    toNs: BigInt(r.to_ns),
    count: Number(r.count),
    detail: r.detail,
  }));
}

/** Per kind: number of flags and the records they cover, for an import run. */
export async function dataFlagTotals(db: Queryable, importRunId: string): Promise<Record<string, { flags: number; records: number }>> {
  const { rows } = await db.query<{ kind: string; flags: string; records: string }>(
    "SELECT kind, count(*)::text AS flags, coalesce(sum(count), 0)::text AS records FROM data_flags WHERE import_run_id = $1::uuid GROUP BY kind ORDER BY kind",
    [importRunId],
  );
  const out: Record<string, { flags: number; records: number }> = {};
  for (const r of rows) out[r.kind] = { flags: Number(r.flags), records: Number(r.records) };
  return out;
}
