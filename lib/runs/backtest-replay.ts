/**
 * One backtest over a stored dataset, shared by the worker (lib/runs/run-executor.ts) and the
 * in-process CLI (`tickbench backtest`): the same validation, the same engine configuration and
 * the same replay, so both give bit-identical results for the same inputs.
 *
 * `replaySlices` streams the dataset session by session (bounded memory) and feeds the engine in
 * slices of `chunkEvents`, yielding after each slice so the caller can report progress, check for
 * cancellation or pace the replay. Errors thrown by the engine or the strategy are wrapped in
 * `StrategyFailure`; anything else (database, I/O) propagates as is.
 */
import type pg from "pg";
import { AppError } from "../errors";
import type { Db } from "../db/prisma";
import { getContractSpec, type ContractSpec } from "../market/contract-spec";
import { countTrades, readTrades } from "../data/tick-blocks";
import { BacktestEngine } from "../engine/engine";
import { instrumentFromContractSpec } from "../engine/instrument";
import type { BacktestResult } from "../engine/result";
import type { StrategyModule } from "../engine/strategy";
import { findStrategy } from "../strategies";
import { runConfigSchema, type RunConfig } from "./run-config";

/** An error of the user's strategy (or of the engine on the user's input): fails the run, no retry. */
export class StrategyFailure extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StrategyFailure";
  }
}

export interface BacktestInputs {
  strategyId: string;
  params: unknown;
  config: unknown;
  datasetId: number | null;
  datasetName: string;
  seed: number;
}

export interface PreparedBacktest {
  engine: BacktestEngine;
  datasetId: number;
  contract: ContractSpec;
  config: RunConfig;
  fromNs?: bigint;
  toNs?: bigint;
}

const isoToNs = (iso?: string) => (iso ? BigInt(Date.parse(iso)) * 1_000_000n : undefined);

/**
 * Validates the inputs (strategy, parameters, configuration, dataset) and builds the engine.
 * Throws AppError("unprocessable") for problems the user must fix and StrategyFailure when the
 * strategy cannot start.
 */
export async function prepareBacktest(
  db: Db,
  inputs: BacktestInputs,
  lookup: (id: string) => StrategyModule | undefined = findStrategy,
): Promise<PreparedBacktest> {
  const strategy = lookup(inputs.strategyId);
  if (!strategy) throw new AppError("unprocessable", `Unknown strategy "${inputs.strategyId}"`);
  const params = strategy.paramsSchema.safeParse(inputs.params);
  if (!params.success) {
    throw new AppError("unprocessable", `Invalid strategy parameters: ${params.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  const config = runConfigSchema.safeParse(inputs.config ?? {});
  if (!config.success) throw new AppError("unprocessable", `Invalid run configuration: ${config.error.issues.map((i) => i.message).join("; ")}`);
  const dataset =
    inputs.datasetId === null
      ? null
      : await db.dataset.findUnique({ where: { id: inputs.datasetId }, select: { id: true, status: true, instrument: { select: { symbol: true } } } });
  if (!dataset) throw new AppError("unprocessable", `Dataset ${inputs.datasetName} was deleted`);
  if (dataset.status !== "ready") throw new AppError("unprocessable", `Dataset ${inputs.datasetName} is not ready (${dataset.status})`);
  const contract = getContractSpec(dataset.instrument.symbol);
  const fee = config.data.feePerSideUsd;
  let engine: BacktestEngine;
  try {
    engine = new BacktestEngine({
      instrument: instrumentFromContractSpec(contract, fee === undefined ? contract.defaultFeePerSideCents : Math.round(fee * 100)),
      strategy,
      params: params.data,
      fillModel: config.data.fillModel,
      startingCashCents: Math.round(config.data.startingCashUsd * 100),
      seed: inputs.seed,
      latencyNs: Math.round(config.data.latencyMs * 1e6),
      slippageTicks: config.data.slippageTicks,
    });
  } catch (error) {
    throw new StrategyFailure("Strategy failed to start", { cause: error });
  }
  return { engine, datasetId: dataset.id, contract, config: config.data, fromNs: isoToNs(config.data.from), toNs: isoToNs(config.data.to) };
}

export function countEvents(pool: pg.Pool, prepared: PreparedBacktest): Promise<number> {
  return countTrades(pool, prepared.datasetId, prepared.fromNs, prepared.toNs);
}

/** Replays the dataset through the engine; yields the number of events of each slice. */
export async function* replaySlices(pool: pg.Pool, prepared: PreparedBacktest, chunkEvents: number): AsyncGenerator<number> {
  const { engine } = prepared;
  const batches = readTrades(pool, {
    datasetId: prepared.datasetId,
    fromNs: prepared.fromNs,
    toNs: prepared.toNs,
    tickSizeNano: prepared.contract.tickSizeNano,
  });
  for await (const batch of batches) {
    for (let from = 0; from < batch.length; from += chunkEvents) {
      const to = Math.min(batch.length, from + chunkEvents);
      try {
        engine.processBatch(batch, from, to);
      } catch (error) {
        throw new StrategyFailure("Strategy error", { cause: error });
      }
      yield to - from;
    }
  }
}

/** Ends the replay: final bar, end-of-data close, result. */
export function finishBacktest(prepared: PreparedBacktest): BacktestResult {
  try {
    return prepared.engine.finish();
  } catch (error) {
    throw new StrategyFailure("Strategy error", { cause: error });
  }
}

/** The message a user sees for a failed strategy: the context, the cause and its stack. */
export function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  let root: unknown = error;
  const parts = [error.message];
  while (root instanceof Error && root.cause instanceof Error) {
    root = root.cause;
    parts.push((root as Error).message);
  }
  const stack = (root as Error).stack?.split("\n").slice(1, 8).join("\n");
  return stack ? `${parts.join(": ")}\n${stack}` : parts.join(": ");
}
