/**
 * The query of a run's trade list (GET /api/runs/:id/trades): paging, sorting and filters, parsed
 * with zod at the edge and turned into one parameterised SQL statement here (pure: no database).
 *
 * - sort: `entry` (entry time), `pnl` (NET P&L, after fees), `duration` (exit - entry), `qty`;
 *   every order ends with `seq ASC`, so equal keys keep the engine's round-trip order and a page
 *   boundary never splits ties differently between two calls.
 * - side: `long` | `short`; outcome: `winners` (net > 0) | `losers` (net < 0), the engine's own
 *   definition (lib/engine/result.ts), so break-even trips are in neither.
 * - from / to: CME SESSION dates (YYYY-MM-DD, inclusive) of the trade's EXIT - the date its P&L is
 *   booked under in the daily calendar and breakdowns (lib/statistics/daily-returns.ts). A trade
 *   exiting at t has session date >= D exactly when t >= close of the last session dated before D,
 *   and <= D exactly when t < close of the last session dated D or earlier (session-calendar.ts
 *   maps closed-market instants to the NEXT session), so the filter is two bounds on exit_ns.
 */
import { z } from "zod";
import { formatDayNumber, parseIsoDate } from "../market/time-zone";
import { sessionFor } from "../market/session-calendar";

export const TRADE_SORTS = ["entry", "pnl", "duration", "qty"] as const;
export type TradeSort = (typeof TRADE_SORTS)[number];
export const SORT_DIRECTIONS = ["asc", "desc"] as const;
export type SortDirection = (typeof SORT_DIRECTIONS)[number];
export const PAGE_SIZES = [25, 50, 100, 250, 500, 1000] as const;
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Use a date as YYYY-MM-DD")
  .refine((d) => {
    try {
      parseIsoDate(d);
      return true;
    } catch {
      return false;
    }
  }, "Not a calendar date");

export const tradesQuerySchema = z
  .object({
    page: z.coerce.number().int().min(1).max(1_000_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
    sort: z.enum(TRADE_SORTS).default("entry"),
    dir: z.enum(SORT_DIRECTIONS).default("asc"),
    side: z.enum(["long", "short"]).optional(),
    outcome: z.enum(["winners", "losers"]).optional(),
    from: isoDate.optional(),
    to: isoDate.optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: "`from` must not be after `to`", path: ["to"] });
export type TradesQuery = z.infer<typeof tradesQuerySchema>;
export type TradesQueryInput = z.input<typeof tradesQuerySchema>;

/** SQL expression of each sort key over run_trades (a whitelist: never user text in SQL). */
const SORT_SQL: Record<TradeSort, string> = {
  entry: "entry_ns",
  pnl: "(pnl_cents - fees_cents)",
  duration: "(exit_ns - entry_ns)",
  qty: "qty",
};

const MAX_LOOKBACK_DAYS = 14;

/** Close of the last session dated on or before `dayNumber`; null when none in the calendar's years. */
function lastCloseOnOrBefore(dayNumber: number): bigint | null {
  for (let d = dayNumber; d > dayNumber - MAX_LOOKBACK_DAYS; d--) {
    let session;
    try {
      session = sessionFor(formatDayNumber(d));
    } catch {
      return null; // outside the calendar's covered years
    }
    if (session) return session.closeNs;
  }
  return null;
}

/**
 * [fromNs, toNs) bounds on the exit time for exit session dates in [from, to]; a null bound is open
 * (before or after the calendar's covered years nothing is cut).
 */
export function sessionDateBoundsNs(from?: string, to?: string): { fromNs: bigint | null; toNs: bigint | null } {
  return {
    fromNs: from ? lastCloseOnOrBefore(parseIsoDate(from) - 1) : null,
    toNs: to ? lastCloseOnOrBefore(parseIsoDate(to)) : null,
  };
}

export interface TradesSql {
  /** WHERE clause (without the keyword) over run_trades; $1 is the run id. */
  where: string;
  orderBy: string;
  params: unknown[];
  limit: number;
  offset: number;
}

/** The WHERE / ORDER BY / LIMIT of one page; values travel as bind parameters. */
export function buildTradesSql(runId: string, query: TradesQuery): TradesSql {
  const params: unknown[] = [runId];
  const where = ["run_id = $1"];
  if (query.side) where.push(`side = ${query.side === "long" ? 1 : -1}`);
  if (query.outcome === "winners") where.push("pnl_cents - fees_cents > 0");
  if (query.outcome === "losers") where.push("pnl_cents - fees_cents < 0");
  const { fromNs, toNs } = sessionDateBoundsNs(query.from, query.to);
  if (fromNs !== null) {
    params.push(fromNs.toString());
    where.push(`exit_ns >= $${params.length}::bigint`);
  }
  if (toNs !== null) {
    params.push(toNs.toString());
    where.push(`exit_ns < $${params.length}::bigint`);
  }
  const dir = query.dir === "desc" ? "DESC" : "ASC";
  return {
    where: where.join(" AND "),
    orderBy: `${SORT_SQL[query.sort]} ${dir}, seq ASC`,
    params,
    limit: query.pageSize,
    offset: (query.page - 1) * query.pageSize,
  };
}

/** Query string of a trades request, default values left out (the URL stays short and stable). */
export function tradesQueryString(query: Partial<TradesQuery>): string {
  const defaults: Record<string, unknown> = { page: 1, pageSize: DEFAULT_PAGE_SIZE, sort: "entry", dir: "asc" };
  const out = new URLSearchParams();
  for (const key of ["page", "pageSize", "sort", "dir", "side", "outcome", "from", "to"] as const) {
    const value = query[key];
    if (value === undefined || value === null || value === "" || defaults[key] === value) continue;
    out.set(key, String(value));
  }
  return out.toString();
}
