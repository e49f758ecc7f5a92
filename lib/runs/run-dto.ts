/** Explicit output shapes of runs: database rows never reach the browser as they are. */
import type { Run, RunTrade } from "../generated/prisma/client.ts";
import { lttb, type BacktestStatistics } from "../statistics";
import type { RunRollSchedule } from "../engine/roll";
import type { AppliedHalt } from "../engine/result";

export type RunStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled";
export const ACTIVE_STATUSES: RunStatus[] = ["queued", "running"];

export interface RunProgressDto {
  runId: string;
  status: RunStatus;
  /** Fraction of events processed, 0..1. */
  progress: number;
  eventsProcessed: number;
  eventsTotal: number;
  eventsPerSec: number;
  /** Current simulated (exchange) time, ns since epoch as a decimal string. */
  simTimeNs: string | null;
  equityUsd: number | null;
  etaMs: number | null;
  heartbeatAt: string | null;
  /** Running but no heartbeat for longer than the stall threshold. */
  stalled: boolean;
  attempt: number;
  error: string | null;
  finishedAt: string | null;
}

export interface RunDto extends RunProgressDto {
  id: string;
  name: string;
  strategyId: string;
  params: unknown;
  config: unknown;
  datasetId: number | null;
  datasetName: string;
  datasetVersion: number;
  datasetDeleted: boolean;
  visibility: string;
  engineVersion: string | null;
  /** SHA-256 of the strategy's source file the run executed (null: unknown or not started yet). */
  strategyCodeHash: string | null;
  seed: number;
  tags: string[];
  notes: string | null;
  queuedAt: string;
  startedAt: string | null;
}

export function isStalled(status: string, heartbeatAt: Date | null, stallAfterSec: number, now = Date.now()): boolean {
  return status === "running" && heartbeatAt !== null && now - heartbeatAt.getTime() > stallAfterSec * 1000;
}

export function toProgressDto(run: Run, stallAfterSec: number): RunProgressDto {
  return {
    runId: run.id,
    status: run.status as RunStatus,
    progress: run.progress,
    eventsProcessed: Number(run.eventsProcessed),
    eventsTotal: Number(run.eventsTotal),
    eventsPerSec: run.eventsPerSec,
    simTimeNs: run.simTimeNs === null ? null : run.simTimeNs.toString(),
    equityUsd: run.equityCents === null ? null : Number(run.equityCents) / 100,
    etaMs: run.etaMs === null ? null : Number(run.etaMs),
    heartbeatAt: run.heartbeatAt?.toISOString() ?? null,
    stalled: isStalled(run.status, run.heartbeatAt, stallAfterSec),
    attempt: run.attempt,
    error: run.error,
    finishedAt: run.finishedAt?.toISOString() ?? null,
  };
}

export function toRunDto(run: Run, stallAfterSec: number): RunDto {
  return {
    ...toProgressDto(run, stallAfterSec),
    id: run.id,
    name: run.name,
    strategyId: run.strategyId,
    params: run.params,
    config: run.config,
    datasetId: run.datasetId,
    datasetName: run.datasetName,
    datasetVersion: run.datasetVersion,
    datasetDeleted: run.datasetId === null,
    visibility: run.visibility,
    engineVersion: run.engineVersion,
    strategyCodeHash: run.strategyCodeHash,
    seed: run.seed,
    tags: run.tags,
    notes: run.notes,
    queuedAt: run.queuedAt.toISOString(),
    startedAt: run.startedAt?.toISOString() ?? null,
  };
}

/** One round trip of a stored result. Prices in index points, times ns since epoch as strings. */
export interface TradeDto {
  seq: number;
  /** 1 long, -1 short. */
  side: number;
  qty: number;
  entryNs: string;
  exitNs: string;
  entryPrice: number;
  exitPrice: number;
  /** Gross P&L (before fees). */
  pnlUsd: number;
  feesUsd: number;
  netUsd: number;
}

/** Headline figures stored with a result (the engine's metrics plus start and end equity). */
export interface ResultMetricsDto {
  netPnlUsd: number;
  grossPnlUsd: number;
  feesUsd: number;
  netPnlCents: number;
  grossPnlCents: number;
  feesCents: number;
  roundTrips: number;
  winners: number;
  losers: number;
  events: number;
  startingCashUsd: number;
  finalEquityUsd: number;
  /** Continuous datasets: the roll schedule used (rule, contracts, roll points), for provenance. */
  rollSchedule?: RunRollSchedule;
  /** Continuous datasets: the rolls executed (contracts, prices in ticks, signed qty rolled, fill ids). */
  rolls?: RollDto[];
  /** Exchange halts the run applied (the dataset's halt flags in its window), in time order; absent when none. */
  halts?: HaltDto[];
}

/** An exchange halt applied to a run (lib/engine/market-hours.ts), JSON-safe: closed in [from, to). */
export interface HaltDto {
  from: string;
  to: string;
  fromNs: string;
  toNs: string;
  /** From the status records, e.g. "halt", "pause"; null when unknown. */
  action: string | null;
  reason: string | null;
}

/** A result's halts as stored with its metrics (ISO times floored to the ms; exact ns as strings). */
export function toHaltDto(h: AppliedHalt): HaltDto {
  const iso = (ns: bigint) => new Date(Number(ns / 1_000_000n)).toISOString();
  return { from: iso(h.fromNs), to: iso(h.toNs), fromNs: h.fromNs.toString(), toNs: h.toNs.toString(), action: h.action, reason: h.reason };
}

/** A roll executed by the engine (lib/engine/roll.ts), JSON-safe. */
export interface RollDto {
  at: string;
  atNs: string;
  fromContract: string;
  toContract: string;
  closedQty: number;
  fromPriceTicks: number | null;
  toPriceTicks: number;
  fillIds: number[];
  cancelledOrderIds: number[];
}

/** The equity series for charts: parallel columns, ms since epoch and USD. */
export interface EquitySeriesDto {
  tsMs: number[];
  equityUsd: number[];
}

export interface RunResultDto {
  runId: string;
  metrics: ResultMetricsDto;
  /** Full statistics (lib/statistics); null when they could not be computed. */
  statistics: BacktestStatistics | null;
  /**
   * The equity series, downsampled (LTTB, first and last points kept) to at most
   * RESULT_EQUITY_POINTS points so a 100,000-trade run stays light; `equityPoints` is the stored
   * count. The full series is in the exports (equity.csv / equity.json).
   */
  equity: EquitySeriesDto;
  /** Points in the stored series (absent in exports, which carry the full series). */
  equityPoints?: number;
  tradeCount: number;
  resultHash: string;
  /** The first trades (up to the request's limit); the paged list is GET /api/runs/:id/trades. */
  trades: TradeDto[];
}

export const RESULT_EQUITY_POINTS = 2000;

/** The stored equity series as results send it: downsampled for charts, with the stored count. */
export function sampledEquity(stored: unknown): { equity: EquitySeriesDto; equityPoints: number } {
  const full = stored as EquitySeriesDto;
  const { xs, ys } = lttb(full.tsMs, full.equityUsd, RESULT_EQUITY_POINTS);
  return { equity: { tsMs: xs, equityUsd: ys }, equityPoints: full.tsMs.length };
}

export function toTradeDto(t: RunTrade): TradeDto {
  return {
    seq: t.seq,
    side: t.side,
    qty: t.qty,
    entryNs: t.entryNs.toString(),
    exitNs: t.exitNs.toString(),
    entryPrice: t.entryPrice,
    exitPrice: t.exitPrice,
    pnlUsd: Number(t.pnlCents) / 100,
    feesUsd: Number(t.feesCents) / 100,
    netUsd: Number(t.pnlCents - t.feesCents) / 100,
  };
}
