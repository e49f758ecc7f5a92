/**
 * A run's round trips, one page at a time, sorted and filtered in PostgreSQL (a 100,000-trip run
 * never travels to the browser whole), and the distribution of their net P&L. Access is checked
 * by run-access.ts (owner / team / share token) before anything is read.
 */
import type pg from "pg";
import type { Principal } from "../auth/roles";
import type { Db } from "../db/prisma";
import { notFound } from "../errors";
import { pnlHistogram, type PnlHistogram } from "./pnl-histogram";
import { readableRun } from "./run-access";
import type { TradeDto } from "./run-dto";
import { buildTradesSql, tradesQuerySchema, type TradeSort, type SortDirection, type TradesQueryInput } from "./trades-query";

export interface TradesPageDeps {
  db: Db;
  pool: pg.Pool;
}

export interface TradeRowDto extends TradeDto {
  /** exit - entry, ms (fractional: exact to the microsecond). */
  durationMs: number;
}

export interface TradesPageDto {
  page: number;
  pageSize: number;
  /** Trips matching the filters. */
  total: number;
  pages: number;
  sort: TradeSort;
  dir: SortDirection;
  /** Net P&L of all trips matching the filters (not only this page), USD. */
  filteredNetUsd: number;
  /** Trips of the whole run. */
  runTotal: number;
  trades: TradeRowDto[];
}

interface TradeSqlRow {
  seq: number;
  side: number;
  qty: number;
  entry_ns: string;
  exit_ns: string;
  entry_price: number;
  exit_price: number;
  pnl_cents: string;
  fees_cents: string;
}

export function toTradeRowDto(r: TradeSqlRow): TradeRowDto {
  const pnl = BigInt(r.pnl_cents);
  const fees = BigInt(r.fees_cents);
  const durationNs = BigInt(r.exit_ns) - BigInt(r.entry_ns);
  return {
    seq: r.seq,
    side: r.side,
    qty: r.qty,
    entryNs: r.entry_ns,
    exitNs: r.exit_ns,
    entryPrice: r.entry_price,
    exitPrice: r.exit_price,
    pnlUsd: Number(pnl) / 100,
    feesUsd: Number(fees) / 100,
    netUsd: Number(pnl - fees) / 100,
    durationMs: Number(durationNs / 1000n) / 1000,
  };
}

async function requireResult(deps: TradesPageDeps, runId: string): Promise<number> {
  const result = await deps.db.runResult.findUnique({ where: { runId }, select: { tradeCount: true } });
  if (!result) throw notFound("Result");
  return result.tradeCount;
}

export async function getTradesPage(
  deps: TradesPageDeps,
  principal: Principal | null,
  runId: string,
  rawQuery: TradesQueryInput,
  shareToken: string | null = null,
): Promise<TradesPageDto> {
  const query = tradesQuerySchema.parse(rawQuery);
  const run = await readableRun(deps.db, principal, runId, shareToken);
  const runTotal = await requireResult(deps, run.id);
  const sql = buildTradesSql(run.id, query);
  const [rows, summary] = await Promise.all([
    deps.pool.query<TradeSqlRow>(
      `SELECT seq, side, qty, entry_ns::text, exit_ns::text, entry_price, exit_price, pnl_cents::text, fees_cents::text
         FROM run_trades WHERE ${sql.where} ORDER BY ${sql.orderBy} LIMIT ${sql.limit} OFFSET ${sql.offset}`,
      sql.params,
    ),
    deps.pool.query<{ n: string; net: string | null }>(`SELECT count(*)::text AS n, sum(pnl_cents - fees_cents)::text AS net FROM run_trades WHERE ${sql.where}`, sql.params),
  ]);
  const total = Number(summary.rows[0].n);
  return {
    page: query.page,
    pageSize: query.pageSize,
    total,
    pages: Math.max(1, Math.ceil(total / query.pageSize)),
    sort: query.sort,
    dir: query.dir,
    filteredNetUsd: Number(BigInt(summary.rows[0].net ?? "0")) / 100,
    runTotal,
    trades: rows.rows.map(toTradeRowDto),
  };
}

export interface PnlDistributionDto extends PnlHistogram {
  winners: number;
  losers: number;
  breakEven: number;
}

/** Histogram of every trip's net P&L (cents), computed on the server from all trips. */
export async function getPnlDistribution(deps: TradesPageDeps, principal: Principal | null, runId: string, shareToken: string | null = null): Promise<PnlDistributionDto> {
  const run = await readableRun(deps.db, principal, runId, shareToken);
  await requireResult(deps, run.id);
  // Net cents fit a float64 exactly (|net| < 2^53 cents for any real account).
  const { rows } = await deps.pool.query<{ net: string }>("SELECT (pnl_cents - fees_cents)::text AS net FROM run_trades WHERE run_id = $1", [run.id]);
  const values = rows.map((r) => Number(r.net));
  let winners = 0;
  let losers = 0;
  for (const v of values) {
    if (v > 0) winners++;
    else if (v < 0) losers++;
  }
  return { ...pnlHistogram(values), winners, losers, breakEven: values.length - winners - losers };
}
