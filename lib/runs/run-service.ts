/**
 * Backtest runs as a service: create (validate, persist, enqueue), read with authorization,
 * list, cancel. Route handlers and the CLI call these; nothing here runs a backtest.
 */
import type PgBoss from "pg-boss";
import { z } from "zod";
import { AppError, badRequest, notFound } from "../errors";
import type { Principal } from "../auth/roles";
import type { Db } from "../db/prisma";
import { BACKTEST_QUEUE, BACKTEST_RETRY, type BacktestJob } from "../jobs/queue";
import { findStrategy } from "../strategies";
import { chicagoToUtcMs } from "../market/time-zone";
import { createRunSchema, type CreateRunInput } from "./run-config";
import { sampledEquity, toRunDto, toTradeDto, type ResultMetricsDto, type RunDto, type RunResultDto } from "./run-dto";
import type { Run } from "../generated/prisma/client.ts";

export interface RunServiceDeps {
  db: Db;
  boss: PgBoss;
  runTimeLimitSec: number;
  stallAfterSec: number;
}

async function loadDataset(db: Db, input: { datasetId?: number; datasetName?: string }) {
  const dataset = await db.dataset.findFirst({
    where: input.datasetId !== undefined ? { id: input.datasetId } : { name: input.datasetName },
    select: { id: true, name: true, version: true, status: true, recordCount: true, schema: true },
  });
  if (!dataset) throw notFound(`Dataset ${input.datasetName ?? input.datasetId}`);
  if (dataset.status !== "ready") throw new AppError("conflict", `Dataset ${dataset.name} is not ready (status: ${dataset.status})`);
  return dataset;
}

export async function createRun(deps: RunServiceDeps, principal: Principal, raw: CreateRunInput): Promise<RunDto> {
  const input = createRunSchema.parse(raw);
  const strategy = findStrategy(input.strategyId);
  if (!strategy) throw badRequest(`Unknown strategy "${input.strategyId}"`);
  const parsedParams = strategy.paramsSchema.safeParse(input.params);
  if (!parsedParams.success) {
    throw badRequest(
      "Invalid strategy parameters",
      parsedParams.error.issues.map((i) => ({ path: `params.${i.path.join(".")}`, message: i.message })),
    );
  }
  const params = parsedParams.data as Record<string, unknown>;
  const dataset = await loadDataset(deps.db, input);
  // FIFO queues need order ids: price-level (MBP) data cannot drive l3-fifo (backtest-replay.ts refuses it too).
  if (input.config.fillModel === "l3-fifo" && (dataset.schema === "mbp-10" || dataset.schema === "mbp-1")) {
    const instead = dataset.schema === "mbp-10" ? "l2-queue or l1-quotes" : "l1-quotes";
    throw new AppError("unprocessable", `Fill model l3-fifo needs order-by-order (MBO) data; dataset ${dataset.name} holds ${dataset.schema} price levels: choose ${instead}`);
  }
  const timeLimitSec = Math.min(input.timeLimitSec ?? deps.runTimeLimitSec, deps.runTimeLimitSec);
  const name = input.name ?? `${strategy.id} on ${dataset.name}`;
  const run = await deps.db.$transaction(async (tx) => {
    const definition = await tx.backtestDefinition.create({
      data: { ownerId: principal.userId, name, strategyId: strategy.id, params: params as object, datasetId: dataset.id, config: input.config },
      select: { id: true },
    });
    return tx.run.create({
      data: {
        ownerId: principal.userId,
        definitionId: definition.id,
        name,
        visibility: input.visibility,
        strategyId: strategy.id,
        params: params as object,
        config: input.config,
        datasetId: dataset.id,
        datasetName: dataset.name,
        datasetVersion: dataset.version,
        eventsTotal: dataset.recordCount,
        timeLimitSec,
        seed: input.config.seed,
      },
    });
  });
  try {
    const job: BacktestJob = { runId: run.id };
    const jobId = await deps.boss.send(BACKTEST_QUEUE, job, { ...BACKTEST_RETRY, expireInSeconds: timeLimitSec + 300 });
    const updated = await deps.db.run.update({ where: { id: run.id }, data: { jobId } });
    return toRunDto(updated, deps.stallAfterSec);
  } catch (error) {
    // The run must not stay "queued" without a job.
    await deps.db.run.update({
      where: { id: run.id },
      data: { status: "failed", error: "Could not enqueue the run; please retry", finishedAt: new Date() },
    });
    throw new AppError("unavailable", "The job queue is unavailable; please retry", { cause: error });
  }
}

/** Private runs are visible to their owner only; team runs to every signed-in user. */
export function canRead(principal: Principal, run: Pick<Run, "ownerId" | "visibility">): boolean {
  return run.ownerId === principal.userId || run.visibility === "team";
}

export function canModify(principal: Principal, run: Pick<Run, "ownerId">): boolean {
  return run.ownerId === principal.userId || principal.role === "admin";
}

export async function getRunRow(db: Db, principal: Principal, runId: string): Promise<Run> {
  if (!/^[0-9a-f-]{36}$/i.test(runId)) throw notFound("Run");
  const run = await db.run.findUnique({ where: { id: runId } });
  // Someone else's private run answers 404, exactly like a missing one: existence is not leaked.
  if (!run || !canRead(principal, run)) throw notFound("Run");
  return run;
}

export async function getRun(deps: Pick<RunServiceDeps, "db" | "stallAfterSec">, principal: Principal, runId: string): Promise<RunDto> {
  return toRunDto(await getRunRow(deps.db, principal, runId), deps.stallAfterSec);
}

export const listRunsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
  status: z.enum(["queued", "running", "succeeded", "failed", "cancelled"]).optional(),
  /** Case-insensitive search in the run's name and notes. */
  q: z.string().trim().max(200).optional(),
  strategy: z.string().max(100).optional(),
  dataset: z.string().max(200).optional(),
  tag: z.string().max(50).optional(),
  /**
   * Queued at or after `from` / before `to`: ISO-8601 instants, or calendar dates (YYYY-MM-DD) in
   * exchange time (America/Chicago), both inclusive: to=2025-03-04 includes all of that CT day.
   */
  from: z.union([z.iso.datetime({ offset: true }), z.iso.date()]).optional(),
  to: z.union([z.iso.datetime({ offset: true }), z.iso.date()]).optional(),
});
export type ListRunsQuery = z.input<typeof listRunsQuerySchema>;

/** An instant as it is; a date as the start of that CT day (`plusDays` later, for inclusive ends). */
function queuedBound(value: string, plusDays: number): Date {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return new Date(value);
  const [y, m, d] = value.split("-").map(Number);
  const day = new Date(Date.UTC(y, m - 1, d + plusDays));
  return new Date(chicagoToUtcMs(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate()));
}

/** The caller's run history, newest first, with search and filters. */
export async function listRuns(
  deps: Pick<RunServiceDeps, "db" | "stallAfterSec">,
  principal: Principal,
  query: ListRunsQuery = {},
): Promise<RunDto[]> {
  const f = listRunsQuerySchema.parse(query);
  const runs = await deps.db.run.findMany({
    where: {
      ownerId: principal.userId,
      ...(f.status ? { status: f.status } : {}),
      ...(f.strategy ? { strategyId: f.strategy } : {}),
      ...(f.dataset ? { datasetName: f.dataset } : {}),
      ...(f.tag ? { tags: { has: f.tag } } : {}),
      ...(f.q ? { OR: [{ name: { contains: f.q, mode: "insensitive" as const } }, { notes: { contains: f.q, mode: "insensitive" as const } }] } : {}),
      ...(f.from || f.to ? { queuedAt: { ...(f.from ? { gte: queuedBound(f.from, 0) } : {}), ...(f.to ? { lt: queuedBound(f.to, 1) } : {}) } } : {}),
    },
    orderBy: { queuedAt: "desc" },
    skip: f.offset,
    take: f.limit,
  });
  return runs.map((r) => toRunDto(r, deps.stallAfterSec));
}

export const updateRunSchema = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    tags: z.array(z.string().trim().min(1).max(50).regex(/^[\w.:-]+$/, "Tags use letters, digits, '.', ':', '_' or '-'")).max(20).optional(),
    notes: z.string().max(10_000).nullable().optional(),
  })
  .strict();

/** Renames a run, sets its tags or notes (owner only). */
export async function updateRun(
  deps: Pick<RunServiceDeps, "db" | "stallAfterSec">,
  principal: Principal,
  runId: string,
  input: z.input<typeof updateRunSchema>,
): Promise<RunDto> {
  const patch = updateRunSchema.parse(input);
  const run = await getRunRow(deps.db, principal, runId);
  if (run.ownerId !== principal.userId) throw notFound("Run");
  const tags = patch.tags ? [...new Set(patch.tags)] : undefined;
  const updated = await deps.db.run.update({ where: { id: run.id }, data: { name: patch.name, tags, notes: patch.notes } });
  return toRunDto(updated, deps.stallAfterSec);
}

/** Deletes a finished run with its result, trades and share links (owner or admin). */
export async function deleteRun(deps: Pick<RunServiceDeps, "db">, principal: Principal, runId: string): Promise<void> {
  if (!/^[0-9a-f-]{36}$/i.test(runId)) throw notFound("Run");
  const run = await deps.db.run.findUnique({ where: { id: runId } });
  if (!run || !(canRead(principal, run) || principal.role === "admin") || !canModify(principal, run)) throw notFound("Run");
  if (run.status === "queued" || run.status === "running") throw new AppError("conflict", "Cancel the run before deleting it");
  await deps.db.run.delete({ where: { id: run.id } });
}

/**
 * Cancels a run. A queued run is cancelled at once (and its job removed); a running one is
 * flagged and its worker stops at the next chunk boundary and marks it cancelled.
 */
export async function cancelRun(deps: RunServiceDeps, principal: Principal, runId: string): Promise<RunDto> {
  const run = await getRunRow(deps.db, principal, runId);
  if (!canModify(principal, run)) throw notFound("Run");
  if (run.status === "queued") {
    const { count } = await deps.db.run.updateMany({
      where: { id: run.id, status: "queued" },
      data: { status: "cancelled", cancelRequested: true, finishedAt: new Date(), error: "Cancelled by user" },
    });
    if (count && run.jobId) await deps.boss.cancel(BACKTEST_QUEUE, run.jobId).catch(() => {});
  } else if (run.status === "running") {
    await deps.db.run.updateMany({ where: { id: run.id, status: "running" }, data: { cancelRequested: true } });
  } else {
    throw new AppError("conflict", `Run is already ${run.status}`);
  }
  return getRun(deps, principal, runId);
}

export async function getRunResult(db: Db, principal: Principal, runId: string, tradeLimit = 500): Promise<RunResultDto> {
  const run = await getRunRow(db, principal, runId);
  const result = await db.runResult.findUnique({ where: { runId: run.id } });
  if (!result) throw notFound("Result");
  const trades = await db.runTrade.findMany({ where: { runId: run.id }, orderBy: { seq: "asc" }, take: Math.min(tradeLimit, 5000) });
  return {
    runId: run.id,
    metrics: result.metrics as unknown as ResultMetricsDto,
    statistics: (result.statistics ?? null) as unknown as RunResultDto["statistics"],
    ...sampledEquity(result.equity),
    tradeCount: result.tradeCount,
    resultHash: result.resultHash,
    trades: trades.map(toTradeDto),
  };
}
