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
import { getContractSpec, ticksToPrice, type ContractSpec } from "../market/contract-spec";
import { countTrades, readTrades } from "../data/tick-blocks";
import { countMbo, readMbo } from "../data/mbo-blocks";
import { BacktestEngine } from "../engine/engine";
import { BookBacktestEngine } from "../engine/book/book-engine";
import { isBookFillModel, queueProbability } from "../engine/book/queue-model";
import { instrumentFromContractSpec } from "../engine/instrument";
import type { BacktestResult } from "../engine/result";
import type { StrategyModule } from "../engine/strategy";
import { computeStatistics, type BacktestStatistics } from "../statistics";
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
  /** BookBacktestEngine for the book fill models (l1-quotes, l2-queue, l3-fifo) over MBO data. */
  engine: BacktestEngine | BookBacktestEngine;
  datasetId: number;
  contract: ContractSpec;
  config: RunConfig;
  fromNs?: bigint;
  toNs?: bigint;
}

const isoToNs = (iso?: string) => (iso ? BigInt(Date.parse(iso)) * 1_000_000n : undefined);

/** The stored dataset a run replays (null: it was deleted). Plain data, so it can cross a thread boundary. */
export interface BacktestDataset {
  id: number;
  status: string;
  symbol: string;
  /** The dataset holds order-by-order (MBO) blocks: the book fill models can run on it. */
  hasMbo?: boolean;
}

/** Reads the run's dataset; null when it no longer exists. */
export async function loadBacktestDataset(db: Db, datasetId: number | null): Promise<BacktestDataset | null> {
  if (datasetId === null) return null;
  const row = await db.dataset.findUnique({ where: { id: datasetId }, select: { id: true, status: true, instrument: { select: { symbol: true } } } });
  if (!row) return null;
  const mbo = await db.mboBlock.findFirst({ where: { datasetId: row.id }, select: { blockSeq: true } });
  return { id: row.id, status: row.status, symbol: row.instrument.symbol, hasMbo: mbo !== null };
}

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
  return buildBacktest(await loadBacktestDataset(db, inputs.datasetId), inputs, lookup);
}

/**
 * `prepareBacktest` once the dataset is loaded: no database access, so it can run where the
 * strategy runs (the run's sandbox thread) while the dataset is read by the caller.
 */
export function buildBacktest(
  dataset: BacktestDataset | null,
  inputs: BacktestInputs,
  lookup: (id: string) => StrategyModule | undefined = findStrategy,
): PreparedBacktest {
  const strategy = lookup(inputs.strategyId);
  if (!strategy) throw new AppError("unprocessable", `Unknown strategy "${inputs.strategyId}"`);
  const params = strategy.paramsSchema.safeParse(inputs.params);
  if (!params.success) {
    throw new AppError("unprocessable", `Invalid strategy parameters: ${params.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  const config = runConfigSchema.safeParse(inputs.config ?? {});
  if (!config.success) throw new AppError("unprocessable", `Invalid run configuration: ${config.error.issues.map((i) => i.message).join("; ")}`);
  if (!dataset) throw new AppError("unprocessable", `Dataset ${inputs.datasetName} was deleted`);
  if (dataset.status !== "ready") throw new AppError("unprocessable", `Dataset ${inputs.datasetName} is not ready (${dataset.status})`);
  const contract = getContractSpec(dataset.symbol);
  const fee = config.data.feePerSideUsd;
  const bookModel = isBookFillModel(config.data.fillModel);
  if (bookModel && !dataset.hasMbo) {
    throw new AppError("unprocessable", `Fill model ${config.data.fillModel} needs order-by-order (MBO) data; dataset ${inputs.datasetName} holds trades only`);
  }
  if (strategy.requires === "mbo" && !bookModel) {
    throw new AppError("unprocessable", `Strategy "${strategy.id}" needs order-book data: choose the l1-quotes, l2-queue or l3-fifo fill model on an MBO dataset`);
  }
  const fromNs = isoToNs(config.data.from);
  const toNs = isoToNs(config.data.to);
  if (bookModel) {
    let book: BookBacktestEngine;
    try {
      book = new BookBacktestEngine({
        instrument: instrumentFromContractSpec(contract, fee === undefined ? contract.defaultFeePerSideCents : Math.round(fee * 100)),
        strategy,
        params: params.data,
        fillModel: config.data.fillModel as BookBacktestEngine["fillModel"],
        startingCashCents: Math.round(config.data.startingCashUsd * 100),
        seed: inputs.seed,
        latencyNs: Math.round(config.data.latencyMs * 1e6),
        tickSizeNano: contract.tickSizeNano,
        queueModel: queueProbability(config.data.queueModel),
        strategyFromNs: fromNs,
      });
    } catch (error) {
      if (error instanceof AppError && error.code === "unprocessable") throw error;
      throw new StrategyFailure("Strategy failed to start", { cause: error });
    }
    return { engine: book, datasetId: dataset.id, contract, config: config.data, fromNs, toNs };
  }
  let engine: BacktestEngine;
  try {
    engine = new BacktestEngine({
      instrument: instrumentFromContractSpec(contract, fee === undefined ? contract.defaultFeePerSideCents : Math.round(fee * 100)),
      strategy,
      params: params.data,
      fillModel: "l1-trades",
      startingCashCents: Math.round(config.data.startingCashUsd * 100),
      seed: inputs.seed,
      latencyNs: Math.round(config.data.latencyMs * 1e6),
      slippageTicks: config.data.slippageTicks,
      ...(config.data.latency ? { latency: config.data.latency } : {}),
      partialFills: config.data.partialFills,
      marketFillsTradeSize: config.data.marketFillsTradeSize,
      ...(config.data.calendar ? { calendar: config.data.calendar } : {}),
      dailySettlement: config.data.dailySettlement,
      ...(config.data.flattenAtSessionEnd ? { flattenAtSessionEnd: config.data.flattenAtSessionEnd } : {}),
    });
  } catch (error) {
    throw new StrategyFailure("Strategy failed to start", { cause: error });
  }
  return { engine, datasetId: dataset.id, contract, config: config.data, fromNs: isoToNs(config.data.from), toNs: isoToNs(config.data.to) };
}

export function countEvents(pool: pg.Pool, prepared: PreparedBacktest): Promise<number> {
  // The book engine replays every MBO record from the start (the book needs them) up to `to`.
  if (prepared.engine instanceof BookBacktestEngine) return countMbo(pool, prepared.datasetId);
  return countTrades(pool, prepared.datasetId, prepared.fromNs, prepared.toNs);
}

/** Replays the dataset through the engine; yields the number of events of each slice. */
export async function* replaySlices(pool: pg.Pool, prepared: PreparedBacktest, chunkEvents: number): AsyncGenerator<number> {
  const { engine } = prepared;
  if (engine instanceof BookBacktestEngine) {
    for await (const batch of readMbo(pool, { datasetId: prepared.datasetId, toNs: prepared.toNs })) {
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
    return;
  }
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

/** The full statistics of a result (lib/statistics), seeded with the run's seed. */
export function runStatistics(result: BacktestResult, prepared: PreparedBacktest, seed: number): BacktestStatistics {
  return computeStatistics({
    trades: result.trades,
    equity: result.equity,
    startingCashCents: result.startingCashCents,
    instrument: {
      tickSize: ticksToPrice(prepared.contract, 1),
      tickValueCents: prepared.contract.tickValueCents,
      multiplier: Number(prepared.contract.multiplier),
    },
    options: { seed },
  });
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
