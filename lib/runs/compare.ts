/**
 * Side-by-side comparison of 2..10 finished runs: headline metrics and key statistics, equity and
 * underwater series downsampled for overlay charts, daily returns by session date, and the pure
 * derived parts (metrics table, configuration differences, correlation) from compare-math.ts.
 * Every run goes through the same read authorization as GET /api/runs/<id>.
 */
import { z } from "zod";
import { AppError, badRequest, notFound } from "../errors";
import type { Principal } from "../auth/roles";
import type { Db } from "../db/prisma";
import { lttb, lttbIndices, type BacktestStatistics } from "../statistics";
import type { Run } from "../generated/prisma/client.ts";
import {
  buildMetricsTable,
  configDifferences,
  correlationMatrix,
  toConfigValue,
  type CompareRunDto,
  type ComparisonDto,
  type ConfigEntries,
  type MetricValues,
} from "./compare-math";
import type { EquitySeriesDto, ResultMetricsDto } from "./run-dto";
import { getRunRow } from "./run-service";

export const MIN_COMPARE_RUNS = 2;
export const MAX_COMPARE_RUNS = 10;
/** Points per chart series and run: 10 overlaid runs stay light in the browser. */
export const COMPARE_CHART_POINTS = 1000;

/** `?ids=a,b,c`: 2..10 distinct run ids. */
export const compareQuerySchema = z.object({
  ids: z
    .string()
    .max(2000)
    .transform((s) => s.split(",").map((id) => id.trim()).filter((id) => id !== ""))
    .pipe(
      z
        .array(z.string().max(100))
        .min(MIN_COMPARE_RUNS, `Select at least ${MIN_COMPARE_RUNS} runs`)
        .max(MAX_COMPARE_RUNS, `Compare at most ${MAX_COMPARE_RUNS} runs`)
        .refine((ids) => new Set(ids).size === ids.length, "Run ids must be distinct"),
    ),
});

export async function compareRuns(db: Db, principal: Principal, ids: readonly string[]): Promise<ComparisonDto> {
  if (ids.length < MIN_COMPARE_RUNS || ids.length > MAX_COMPARE_RUNS) {
    throw badRequest(`Compare ${MIN_COMPARE_RUNS} to ${MAX_COMPARE_RUNS} runs (got ${ids.length})`);
  }
  if (new Set(ids).size !== ids.length) throw badRequest("Run ids must be distinct");

  // Authorization first, for every id, so a 409 never reveals someone else's run.
  const rows: Run[] = [];
  for (const id of ids) rows.push(await getRunRow(db, principal, id));
  for (const run of rows) {
    if (run.status !== "succeeded") throw new AppError("conflict", `Run "${run.name}" has not succeeded (status: ${run.status})`);
  }
  const results = await db.runResult.findMany({
    where: { runId: { in: rows.map((r) => r.id) } },
    select: { runId: true, metrics: true, equity: true, statistics: true },
  });
  const byRunId = new Map(results.map((r) => [r.runId, r]));

  const runs = rows.map((run): CompareRunDto => {
    const result = byRunId.get(run.id);
    if (!result) throw notFound(`Result of run "${run.name}"`);
    return toCompareRun(
      run,
      result.metrics as unknown as ResultMetricsDto,
      result.equity as unknown as EquitySeriesDto,
      (result.statistics ?? null) as unknown as BacktestStatistics | null,
    );
  });

  const metricValues = rows.map((run): MetricValues => {
    const result = byRunId.get(run.id)!;
    return metricsOf(result.metrics as unknown as ResultMetricsDto, (result.statistics ?? null) as unknown as BacktestStatistics | null);
  });

  return {
    runs,
    metricsTable: buildMetricsTable(metricValues),
    configDifferences: configDifferences(rows.map(configEntries)),
    correlation: correlationMatrix(runs.map((r) => r.daily)),
  };
}

/** Metric values keyed like COMPARE_METRICS; infinite ratios as Infinity. */
function metricsOf(m: ResultMetricsDto, s: BacktestStatistics | null): MetricValues {
  const all = s?.trades.all;
  return {
    netPnlUsd: m.netPnlUsd,
    grossPnlUsd: m.grossPnlUsd,
    feesUsd: m.feesUsd,
    roundTrips: m.roundTrips,
    winRate: all?.winRate ?? null,
    profitFactor: all?.profitFactorInfinite ? Infinity : (all?.profitFactor ?? null),
    expectancyUsd: all?.expectancy?.usd ?? null,
    maxDrawdownUsd: s?.drawdown.maxDrawdownUsd ?? null,
    maxDrawdownPct: s?.drawdown.maxDrawdownPct ?? null,
    sharpe: s?.returns.sharpe ?? null,
    sortino: s?.returns.sortinoInfinite ? Infinity : (s?.returns.sortino ?? null),
    calmar: s?.returns.calmar ?? null,
    psr: s?.returns.psr ?? null,
  };
}

function toCompareRun(run: Run, m: ResultMetricsDto, equity: EquitySeriesDto, s: BacktestStatistics | null): CompareRunDto {
  const startingCashUsd = m.startingCashUsd;
  const eq = lttb(equity.tsMs, equity.equityUsd, COMPARE_CHART_POINTS);
  const uw = s?.charts.underwater ?? { tsMs: [], drawdownUsd: [], drawdownPct: [] };
  const uwIdx = lttbIndices(uw.tsMs, uw.drawdownUsd, COMPARE_CHART_POINTS);
  const metrics = metricsOf(m, s);
  for (const key of Object.keys(metrics)) if (metrics[key] !== null && !Number.isFinite(metrics[key])) metrics[key] = null;
  return {
    id: run.id,
    name: run.name,
    strategyId: run.strategyId,
    params: run.params,
    config: run.config,
    datasetName: run.datasetName,
    datasetVersion: run.datasetVersion,
    engineVersion: run.engineVersion,
    seed: run.seed,
    startingCashUsd,
    metrics,
    equity: { tsMs: eq.xs, equityUsd: eq.ys, normalised: eq.ys.map((v) => (startingCashUsd > 0 ? v / startingCashUsd : 0)) },
    underwater: { tsMs: uwIdx.map((i) => uw.tsMs[i]), drawdownUsd: uwIdx.map((i) => uw.drawdownUsd[i]), drawdownPct: uwIdx.map((i) => uw.drawdownPct[i]) },
    daily: (s?.calendar ?? []).map((d) => ({ sessionDate: d.sessionDate, return: d.return, netPnlUsd: d.netPnlUsd })),
  };
}

const CONFIG_LABELS: Record<string, string> = {
  fillModel: "Fill model",
  feePerSideUsd: "Fee per side (USD)",
  startingCashUsd: "Starting cash (USD)",
  latencyMs: "Latency (ms)",
  slippageTicks: "Slippage (ticks)",
  from: "From",
  to: "To",
  seed: "Config seed",
};

/** Everything that makes a run's numbers what they are (principle 9), as flat labelled entries. */
function configEntries(run: Run): ConfigEntries {
  const entries: ConfigEntries = {
    strategy: { label: "Strategy", value: run.strategyId },
  };
  const params = (run.params ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(params).sort()) entries[`params.${key}`] = { label: `Param ${key}`, value: toConfigValue(params[key]) };
  const config = (run.config ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(CONFIG_LABELS)) entries[`config.${key}`] = { label: CONFIG_LABELS[key], value: toConfigValue(config[key]) };
  for (const key of Object.keys(config).sort()) {
    if (!(key in CONFIG_LABELS)) entries[`config.${key}`] = { label: key, value: toConfigValue(config[key]) };
  }
  entries.dataset = { label: "Dataset", value: run.datasetName };
  entries.datasetVersion = { label: "Dataset version", value: run.datasetVersion };
  entries.engineVersion = { label: "Engine version", value: run.engineVersion };
  entries.seed = { label: "Seed", value: run.seed };
  return entries;
}
