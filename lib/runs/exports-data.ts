/** Data access for exports: the run, its result and ALL its trades (the result API pages them). */
import { notFound } from "../errors";
import type { Principal } from "../auth/roles";
import type { Db } from "../db/prisma";
import { toRunDto, toTradeDto, type EquitySeriesDto, type ResultMetricsDto, type RunResultDto } from "./run-dto";
import type { ExportInput } from "./exports";
import { getRunRow } from "./run-service";
import { readRunFills } from "./run-fills";

/**
 * Same authorization as `getRunResult`: another user's private run, or a run without result, is 404.
 * `opts.fills`: also load every fill (the fills formats).
 */
export async function getRunExportData(deps: { db: Db; stallAfterSec: number }, principal: Principal, runId: string, opts: { fills?: boolean } = {}): Promise<ExportInput> {
  const run = await getRunRow(deps.db, principal, runId);
  const result = await deps.db.runResult.findUnique({ where: { runId: run.id } });
  if (!result) throw notFound("Result");
  const trades = await deps.db.runTrade.findMany({ where: { runId: run.id }, orderBy: { seq: "asc" } });
  return {
    run: toRunDto(run, deps.stallAfterSec),
    result: {
      runId: run.id,
      metrics: result.metrics as unknown as ResultMetricsDto,
      statistics: (result.statistics ?? null) as unknown as RunResultDto["statistics"],
      equity: result.equity as unknown as EquitySeriesDto,
      tradeCount: result.tradeCount,
      resultHash: result.resultHash,
      trades: trades.map(toTradeDto),
    },
    ...(opts.fills ? { fills: await readRunFills(deps.db, run.id) } : {}),
  };
}
