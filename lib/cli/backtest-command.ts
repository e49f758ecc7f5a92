/**
 * `tickbench backtest`: runs a backtest in-process (no server, no queue) with exactly the code the
 * workers use (lib/runs/backtest-replay.ts) and prints one JSON object.
 */
import type pg from "pg";
import { z } from "zod";
import { badRequest, notFound } from "../errors";
import type { Db } from "../db/prisma";
import { resultHash } from "../engine/result-hash";
import { ticksToPrice } from "../market/contract-spec";
import { finishBacktest, prepareBacktest, replaySlices } from "../runs/backtest-replay";
import { runConfigSchema } from "../runs/run-config";

export interface BacktestCommandOptions {
  dataset: string;
  strategy: string;
  params?: string;
  from?: string;
  to?: string;
  fillModel?: string;
  latencyMs?: string;
  /** Further run configuration (JSON object), merged under the explicit options. */
  config?: string;
  feePerSide?: string;
  seed?: string;
}

const numberOption = (name: string, value: string | undefined) => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw badRequest(`--${name} must be a number`);
  return n;
};

export async function backtestCommand(db: Db, pool: pg.Pool, o: BacktestCommandOptions) {
  let params: unknown = {};
  if (o.params) {
    try {
      params = JSON.parse(o.params);
    } catch {
      throw badRequest("--params must be a JSON object");
    }
  }
  let extra: Record<string, unknown> = {};
  if (o.config) {
    try {
      extra = z.record(z.string(), z.unknown()).parse(JSON.parse(o.config));
    } catch {
      throw badRequest("--config must be a JSON object");
    }
  }
  const config = runConfigSchema.parse({
    ...extra,
    ...(o.fillModel ? { fillModel: o.fillModel } : {}),
    ...(o.from ? { from: new Date(o.from).toISOString() } : {}),
    ...(o.to ? { to: new Date(o.to).toISOString() } : {}),
    latencyMs: numberOption("latency-ms", o.latencyMs) ?? 0,
    feePerSideUsd: numberOption("fee-per-side", o.feePerSide),
    seed: numberOption("seed", o.seed) ?? 0,
  });
  const dataset = await db.dataset.findUnique({ where: { name: o.dataset }, select: { id: true, name: true, version: true } });
  if (!dataset) throw notFound(`Dataset ${o.dataset}`);
  const started = Date.now();
  const prepared = await prepareBacktest(db, {
    strategyId: o.strategy,
    params,
    config,
    datasetId: dataset.id,
    datasetName: dataset.name,
    seed: config.seed,
  });
  for await (const _slice of replaySlices(pool, prepared, 1_000_000)) {
    // in-process: no progress reporting
  }
  const result = finishBacktest(prepared);
  const spec = prepared.contract;
  return {
    dataset: { name: dataset.name, version: dataset.version },
    strategy: o.strategy,
    params: z.record(z.string(), z.unknown()).parse(params),
    config,
    events: result.events,
    elapsedMs: Date.now() - started,
    resultHash: resultHash(result),
    metrics: result.metrics,
    startingCashUsd: result.startingCashCents / 100,
    finalEquityUsd: result.finalEquityCents / 100,
    trades: result.trades.map((t) => ({
      side: t.side === 1 ? "long" : "short",
      qty: t.qty,
      entryTime: new Date(Number(t.entryTimeNs / 1_000_000n)).toISOString(),
      exitTime: new Date(Number(t.exitTimeNs / 1_000_000n)).toISOString(),
      entryTimeNs: t.entryTimeNs.toString(),
      exitTimeNs: t.exitTimeNs.toString(),
      entryPrice: t.entryPrice,
      exitPrice: t.exitPrice,
      pnlUsd: t.pnlCents / 100,
      feesUsd: t.feesCents / 100,
      netUsd: t.netCents / 100,
    })),
    fills: result.fills.length,
    // Continuous datasets: the schedule used and the rolls executed (roll.ts), for provenance.
    ...(result.rollSchedule ? { rollSchedule: result.rollSchedule, rolls: (result.rolls ?? []).map((r) => ({ ...r, at: new Date(Number(r.atNs / 1_000_000n)).toISOString() })) } : {}),
    equity: { tsMs: result.equity.tsMs, equityUsd: result.equity.equityCents.map((c) => c / 100) },
    tickSize: ticksToPrice(spec, 1),
  };
}
