/**
 * The `bars` table: OHLCV bars of a bar dataset (schema ohlcv-1s/1m/1h/1d), one row per bar keyed
 * by (dataset, start). A bar covers [tsStartNs, tsStartNs + intervalS s); prices are integer ticks
 * of the dataset's contract, volume in contracts. Bars are few (1,380 one-minute bars per CME
 * session), so rows, not columnar blocks; writes are multi-row INSERTs in the caller's transaction.
 *
 * A start already stored (by an earlier import or earlier in the same write) is never overwritten:
 * `writeBars` returns the indexes of the bars it did NOT store, for the importer to quarantine
 * (`duplicate_bar`) - the first bar of a start wins.
 */
import type pg from "pg";

export interface Bar {
  /** Start of the bar, ns since the UNIX epoch (NinjaTrader's bar end minus the interval). */
  tsStartNs: bigint;
  intervalS: number;
  openTicks: number;
  highTicks: number;
  lowTicks: number;
  closeTicks: number;
  volume: bigint;
}

const ROWS_PER_INSERT = 1000;
const COLUMNS = 8;

/** The bar schemas and their interval in seconds (Databento's names). */
export const BAR_SCHEMA_INTERVAL_S: Readonly<Record<string, number>> = { "ohlcv-1s": 1, "ohlcv-1m": 60, "ohlcv-1h": 3600, "ohlcv-1d": 86_400 };

export function isBarSchema(schema: string | null | undefined): boolean {
  return schema != null && Object.hasOwn(BAR_SCHEMA_INTERVAL_S, schema);
}

/** Interval (s) of a bar dataset's schema, null for any other schema. */
export function barIntervalOf(schema: string | null | undefined): number | null {
  return isBarSchema(schema) ? BAR_SCHEMA_INTERVAL_S[schema as string] : null;
}

/** Why a source bar is not stored (quarantine reasons). */
export type BarRejectReason = "undefined_price" | "off_tick_grid" | "out_of_range" | "inconsistent_bar";

const INT32_MAX = 2_147_483_647n;

/**
 * A source bar (prices in 1e-9 units, null = undefined) as a stored bar in ticks of `tickNano`, or
 * why not: `undefined_price`, `off_tick_grid` (a price not a whole number of ticks: never rounded),
 * `out_of_range` (ticks beyond the int32 columns), `inconsistent_bar` (high < low, or open/close
 * outside [low, high]). Pure.
 */
export function barFromNano(
  tsStartNs: bigint,
  intervalS: number,
  prices: { open: bigint | number | null; high: bigint | number | null; low: bigint | number | null; close: bigint | number | null },
  volume: bigint | number,
  tickNano: bigint,
): { bar: Bar } | { reason: BarRejectReason; detail: string } {
  const ticks: number[] = [];
  for (const name of ["open", "high", "low", "close"] as const) {
    const p = prices[name];
    if (p === null) return { reason: "undefined_price", detail: `${name} is undefined` };
    const nano = BigInt(p);
    if (nano % tickNano !== 0n) return { reason: "off_tick_grid", detail: `${name} ${nano} (1e-9) is not a multiple of the tick ${tickNano}` };
    const t = nano / tickNano;
    if (t > INT32_MAX || t < -INT32_MAX) return { reason: "out_of_range", detail: `${name} is ${t} ticks` };
    ticks.push(Number(t));
  }
  const [o, h, l, c] = ticks;
  if (h < l) return { reason: "inconsistent_bar", detail: `high ${h} < low ${l} (ticks)` };
  if (o < l || o > h || c < l || c > h) return { reason: "inconsistent_bar", detail: `open ${o} / close ${c} outside [low ${l}, high ${h}] (ticks)` };
  return { bar: { tsStartNs, intervalS, openTicks: o, highTicks: h, lowTicks: l, closeTicks: c, volume: BigInt(volume) } };
}

/**
 * Inserts `bars` into the dataset; a bar whose start the dataset already holds (or that repeats an
 * earlier bar of `bars`) is skipped. Returns the indexes (into `bars`) of the skipped bars.
 */
export async function writeBars(client: pg.PoolClient, datasetId: number, bars: readonly Bar[]): Promise<number[]> {
  const skipped: number[] = [];
  for (let from = 0; from < bars.length; from += ROWS_PER_INSERT) {
    const chunk = bars.slice(from, from + ROWS_PER_INSERT);
    const seen = new Set<bigint>();
    const values: unknown[] = [];
    const tuples: string[] = [];
    const indexOf = new Map<string, number>();
    chunk.forEach((b, i) => {
      if (seen.has(b.tsStartNs)) {
        skipped.push(from + i);
        return;
      }
      seen.add(b.tsStartNs);
      indexOf.set(b.tsStartNs.toString(), from + i);
      const o = values.length;
      values.push(datasetId, b.tsStartNs.toString(), b.intervalS, b.openTicks, b.highTicks, b.lowTicks, b.closeTicks, b.volume.toString());
      tuples.push(`(${Array.from({ length: COLUMNS }, (_, k) => `$${o + k + 1}`).join(", ")})`);
    });
    if (tuples.length === 0) continue;
    const { rows } = await client.query<{ ts: string }>(
      `INSERT INTO bars (dataset_id, ts_start_ns, interval_s, open_ticks, high_ticks, low_ticks, close_ticks, volume)
       VALUES ${tuples.join(", ")} ON CONFLICT (dataset_id, ts_start_ns) DO NOTHING RETURNING ts_start_ns::text AS ts`,
      values,
    );
    for (const r of rows) indexOf.delete(r.ts);
    skipped.push(...indexOf.values());
  }
  return skipped.sort((a, b) => a - b);
}

/** The dataset's bars starting in [fromNs, toNs) (whole range when omitted), by start. */
export async function readBars(db: pg.Pool | pg.PoolClient, datasetId: number, range: { fromNs?: bigint; toNs?: bigint } = {}): Promise<Bar[]> {
  const { rows } = await db.query<{ ts: string; interval_s: number; o: number; h: number; l: number; c: number; v: string }>(
    `SELECT ts_start_ns::text AS ts, interval_s, open_ticks AS o, high_ticks AS h, low_ticks AS l, close_ticks AS c, volume::text AS v
       FROM bars WHERE dataset_id = $1 AND ($2::bigint IS NULL OR ts_start_ns >= $2) AND ($3::bigint IS NULL OR ts_start_ns < $3)
      ORDER BY ts_start_ns`,
    [datasetId, range.fromNs?.toString() ?? null, range.toNs?.toString() ?? null],
  );
  return rows.map((r) => ({ tsStartNs: BigInt(r.ts), intervalS: r.interval_s, openTicks: r.o, highTicks: r.h, lowTicks: r.l, closeTicks: r.c, volume: BigInt(r.v) }));
}

/** Bars whose start falls in each [fromNs, toNs) range (the coverage calendar's count per session). */
export async function countBarsInRanges(db: pg.Pool | pg.PoolClient, datasetId: number, ranges: readonly { fromNs: bigint; toNs: bigint }[]): Promise<number[]> {
  if (ranges.length === 0) return [];
  const { rows } = await db.query<{ i: number; n: string }>(
    `SELECT r.i, count(b.ts_start_ns)::text AS n
       FROM unnest($2::bigint[], $3::bigint[]) WITH ORDINALITY AS r(from_ns, to_ns, i)
       LEFT JOIN bars b ON b.dataset_id = $1 AND b.ts_start_ns >= r.from_ns AND b.ts_start_ns < r.to_ns
      GROUP BY r.i`,
    [datasetId, ranges.map((r) => r.fromNs.toString()), ranges.map((r) => r.toNs.toString())],
  );
  const out = new Array<number>(ranges.length).fill(0);
  for (const r of rows) out[Number(r.i) - 1] = Number(r.n);
  return out;
}

/** First bar start and last bar end (start + interval) of the dataset, null when it has none. */
export async function barSpan(db: pg.Pool | pg.PoolClient, datasetId: number): Promise<{ startNs: bigint; endNs: bigint; count: bigint } | null> {
  const { rows } = await db.query<{ s: string | null; e: string | null; n: string }>(
    `SELECT min(ts_start_ns)::text AS s, max(ts_start_ns + interval_s::bigint * 1000000000)::text AS e, count(*)::text AS n FROM bars WHERE dataset_id = $1`,
    [datasetId],
  );
  const r = rows[0];
  return r.s === null || r.e === null ? null : { startNs: BigInt(r.s), endNs: BigInt(r.e), count: BigInt(r.n) };
}
