/**
 * One backtest over a stored dataset, shared by the worker (lib/runs/run-executor.ts) and the
 * in-process CLI (`tickbench backtest`): the same validation, the same engine configuration and
 * the same replay, so both give bit-identical results for the same inputs.
 *
 * `replaySlices` streams the dataset session by session (bounded memory) and feeds the engine in
 * slices of `chunkEvents`, yielding after each slice so the caller can report progress, check for
 * cancellation or pace the replay. Errors thrown by the engine or the strategy are wrapped in
 * `StrategyFailure`; anything else (database, I/O) propagates as is.
 *
 * Continuous datasets (lib/data/continuous-datasets.ts): the components are replayed in turn, each
 * from its roll instant to the next, in the real contract's prices, and the engine rolls between
 * them (`BacktestEngine.roll`, lib/engine/roll.ts); the result records the roll schedule used.
 *
 * Exchange halts: the dataset's `halt` flags in the run's window are read with the dataset (in the
 * parent, plain strings across the thread boundary) and given to either engine as closed intervals
 * (lib/engine/market-hours.ts); the result records them (`halts`). Runs without halts are unchanged.
 */
import type pg from "pg";
import { AppError } from "../errors";
import { isBarSchema } from "../data/bar-store";
import type { Db } from "../db/prisma";
import { getContractSpec, ticksToPrice, type ContractSpec } from "../market/contract-spec";
import { countTrades, readTrades } from "../data/tick-blocks";
import { countMbo, readMbo } from "../data/mbo-blocks";
import { countQuotes, readQuoteFeed } from "../data/quote-blocks";
import { countDepthEvents, readDepthFeed } from "../data/depth-blocks";
import { BacktestEngine } from "../engine/engine";
import { defineInstrument } from "../engine/instrument";
import { datasetContract, readContinuousInfo, toStoredRolls, type ContinuousInfo } from "../data/continuous-datasets";
import { lastTradeNs, parseContractSymbol } from "../market/contract-symbol";
import { tsRecvNsAt } from "../market/trade-columns";
import { BookBacktestEngine } from "../engine/book/book-engine";
import { isBookFillModel, queueProbability } from "../engine/book/queue-model";
import { instrumentFromContractSpec } from "../engine/instrument";
import type { AppliedHalt, BacktestResult } from "../engine/result";
import type { RunRollSchedule } from "../engine/roll";
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
  /** BookBacktestEngine for the book fill models (l1-quotes, l2-queue, l3-fifo) over MBO, MBP-10 depth or quotes. */
  engine: BacktestEngine | BookBacktestEngine;
  datasetId: number;
  contract: ContractSpec;
  config: RunConfig;
  fromNs?: bigint;
  toNs?: bigint;
  /** The book engine replays the dataset's quotes and trades (l1-quotes on quote data), not MBO. */
  quoteFeed?: boolean;
  /** The book engine replays the dataset's MBP-10 depth (l2-queue, l1-quotes on MBP-10 data), not MBO. */
  depthFeed?: boolean;
  /** A continuous dataset: its components are replayed in turn and the engine rolls between them. */
  continuous?: ContinuousInfo;
  /** Exchange halts given to the engine (the dataset's halt flags in the run's window), recorded in the result. */
  halts?: AppliedHalt[];
}

const isoToNs = (iso?: string) => (iso ? BigInt(Date.parse(iso)) * 1_000_000n : undefined);

/** The stored dataset a run replays (null: it was deleted). Plain data, so it can cross a thread boundary. */
export interface BacktestDataset {
  id: number;
  status: string;
  symbol: string;
  /** The dataset holds order-by-order (MBO) blocks: the book fill models can run on it. */
  hasMbo?: boolean;
  /** The dataset holds top-of-book quotes (MBP-1/TBBO/BBO/MBP-10 imports): l1-quotes can run on it. */
  hasQuotes?: boolean;
  /** The dataset holds MBP-10 depth (lib/data/depth-blocks.ts): l2-queue and l1-quotes run on it. */
  hasDepth?: boolean;
  /** A continuous dataset (lib/data/continuous-datasets.ts): components, roll rule and roll points. */
  continuous?: ContinuousInfo;
  /** Exchange halts in the run's window (loadBacktestDataset); absent when there are none. */
  halts?: DatasetHalt[];
  /** Schema of a bar dataset (ohlcv-*, lib/data/bar-store.ts): no engine runs on bars. */
  barSchema?: string;
  /**
   * Last trading time (ns, decimal string) of the dated contract a single dataset holds (its
   * provenance names it, e.g. ESH4): the engine stops trading there. Absent for a root symbol.
   */
  lastTradeNs?: string;
}

/**
 * An exchange halt of the dataset (data flag kind "halt", lib/data/data-flags.ts), in the plain form
 * that crosses the thread boundary: ns since the epoch as decimal strings, the market closed in
 * [fromNs, toNs) (toNs: the receive time of the status record that resumed trading).
 */
export interface DatasetHalt {
  fromNs: string;
  toNs: string;
  action: string | null;
  reason: string | null;
}

/**
 * Reads the run's dataset (null when it no longer exists) with its exchange halts in the run's
 * window (`config`'s from/to; the whole dataset without them or when the configuration does not
 * parse - buildBacktest then refuses it anyway). Continuous datasets: the halts of each component
 * inside the stretch it is traded, cut to it.
 */
export async function loadBacktestDataset(db: Db, datasetId: number | null, config?: unknown): Promise<BacktestDataset | null> {
  const dataset = await readBacktestDataset(db, datasetId);
  if (dataset === null) return null;
  const halts = await readRunHalts(db, dataset, config);
  return halts.length > 0 ? { ...dataset, halts } : dataset;
}

async function readRunHalts(db: Db, dataset: BacktestDataset, config: unknown): Promise<DatasetHalt[]> {
  const parsed = runConfigSchema.safeParse(config ?? {});
  const window = { fromNs: parsed.success ? isoToNs(parsed.data.from) : undefined, toNs: parsed.success ? isoToNs(parsed.data.to) : undefined };
  if (!dataset.continuous) return readHaltFlags(db, dataset.id, window.fromNs, window.toNs);
  const halts: DatasetHalt[] = [];
  for (const component of dataset.continuous.components) {
    const fromNs = later(component.fromNs, window.fromNs);
    const toNs = earlier(component.toNs, window.toNs);
    if (fromNs !== undefined && toNs !== undefined && fromNs >= toNs) continue;
    for (const halt of await readHaltFlags(db, component.datasetId, fromNs, toNs)) {
      const cut = { from: later(BigInt(halt.fromNs), fromNs)!, to: earlier(BigInt(halt.toNs), toNs)! };
      if (cut.from < cut.to) halts.push({ ...halt, fromNs: cut.from.toString(), toNs: cut.to.toString() });
    }
  }
  return halts;
}

const later = (a: bigint | undefined, b: bigint | undefined) => (a === undefined ? b : b === undefined || a > b ? a : b);
const earlier = (a: bigint | undefined, b: bigint | undefined) => (a === undefined ? b : b === undefined || a < b ? a : b);

/** Halt flags of one dataset overlapping [fromNs, toNs), in time order. */
async function readHaltFlags(db: Db, datasetId: number, fromNs: bigint | undefined, toNs: bigint | undefined): Promise<DatasetHalt[]> {
  const rows = await db.dataFlag.findMany({
    where: { datasetId, kind: "halt", ...(fromNs !== undefined ? { toNs: { gt: fromNs } } : {}), ...(toNs !== undefined ? { fromNs: { lt: toNs } } : {}) },
    orderBy: [{ fromNs: "asc" }, { id: "asc" }],
    select: { fromNs: true, toNs: true, detail: true },
  });
  const text = (value: unknown) => (typeof value === "string" ? value : null);
  // A halt resumed at the instant it began closes nothing.
  return rows
    .filter((r) => r.toNs > r.fromNs)
    .map((r) => {
      const detail = (r.detail ?? {}) as Record<string, unknown>;
      return { fromNs: r.fromNs.toString(), toNs: r.toNs.toString(), action: text(detail.action), reason: text(detail.reason) };
    });
}

/** The dataset row and what it holds (no halts). */
async function readBacktestDataset(db: Db, datasetId: number | null): Promise<BacktestDataset | null> {
  if (datasetId === null) return null;
  const row = await db.dataset.findUnique({ where: { id: datasetId }, select: { id: true, status: true, schema: true, provenance: true, instrument: { select: { symbol: true } } } });
  if (!row) return null;
  if (isBarSchema(row.schema)) return { id: row.id, status: row.status, symbol: row.instrument.symbol, barSchema: row.schema };
  const continuous = await readContinuousInfo(db, row.id);
  if (continuous !== null) return { id: row.id, status: row.status, symbol: row.instrument.symbol, continuous };
  const mbo = await db.mboBlock.findFirst({ where: { datasetId: row.id }, select: { blockSeq: true } });
  const quotes = mbo === null ? await db.quoteBlock.findFirst({ where: { datasetId: row.id }, select: { blockSeq: true } }) : null;
  const depth = quotes === null ? null : await db.depthBlock.findFirst({ where: { datasetId: row.id }, select: { blockSeq: true } });
  const expiry = contractExpiryNs(row.provenance);
  return { id: row.id, status: row.status, symbol: row.instrument.symbol, hasMbo: mbo !== null, hasQuotes: quotes !== null, hasDepth: depth !== null, ...(expiry !== null ? { lastTradeNs: expiry.toString() } : {}) };
}

/** Last trading time of the dated contract a single dataset's provenance names (null: a root symbol or none). */
function contractExpiryNs(provenance: unknown): bigint | null {
  const contract = datasetContract(provenance);
  if (contract === null) return null;
  const id = parseContractSymbol(contract);
  return lastTradeNs(id.root, id.year, id.month);
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
  return buildBacktest(await loadBacktestDataset(db, inputs.datasetId, inputs.config), inputs, lookup);
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
  if (dataset.barSchema) {
    throw new AppError("unprocessable", `Dataset ${inputs.datasetName} holds ${dataset.barSchema} bars: bar datasets cannot drive the tick engine; import the instrument's trades (tick data) to backtest`);
  }
  const contract = getContractSpec(dataset.symbol);
  const fee = config.data.feePerSideUsd;
  const bookModel = isBookFillModel(config.data.fillModel);
  // Trading stops at the contract's expiry: a dated single dataset's, or a continuous dataset's
  // first component's (the engine moves it on at each roll).
  const expiryNs = dataset.continuous ? dataset.continuous.components[0].lastTradeNs : dataset.lastTradeNs !== undefined ? BigInt(dataset.lastTradeNs) : undefined;
  const baseInstrument = instrumentFromContractSpec(contract, fee === undefined ? contract.defaultFeePerSideCents : Math.round(fee * 100));
  const instrument = expiryNs === undefined ? baseInstrument : defineInstrument({ ...baseInstrument, lastTradeNs: expiryNs });
  // MBP-10 depth (no MBO): the book models replay the depth feed (lib/engine/depth/depth-feed.ts), one
  // synthetic order per displayed level - l2-queue and l1-quotes, not l3-fifo (no order ids).
  const depthFeed = bookModel && !dataset.hasMbo && dataset.hasDepth === true;
  if (depthFeed && config.data.fillModel === "l3-fifo") {
    throw new AppError("unprocessable", `Fill model l3-fifo needs order-by-order (MBO) data; dataset ${inputs.datasetName} holds MBP-10 price levels (no order queue): choose l2-queue or l1-quotes`);
  }
  // l1-quotes over stored quotes (no MBO, no depth): the book engine replays the quote feed (lib/engine/quotes/quote-feed.ts).
  const quoteFeed = bookModel && !dataset.hasMbo && !depthFeed && dataset.hasQuotes === true;
  if (quoteFeed && config.data.fillModel !== "l1-quotes") {
    throw new AppError("unprocessable", `Fill model ${config.data.fillModel} needs order-by-order (MBO) data; dataset ${inputs.datasetName} holds top-of-book quotes: choose l1-quotes`);
  }
  if (bookModel && !dataset.hasMbo && !quoteFeed && !depthFeed) {
    throw new AppError("unprocessable", `Fill model ${config.data.fillModel} needs order-by-order (MBO) data; dataset ${inputs.datasetName} holds trades only`);
  }
  if (dataset.continuous && (bookModel || strategy.requires === "mbo")) {
    throw new AppError("unprocessable", `Continuous dataset ${inputs.datasetName} holds trades only: use the l1-trades fill model`);
  }
  if (strategy.requires === "mbo" && !bookModel) {
    throw new AppError("unprocessable", `Strategy "${strategy.id}" needs order-book data: choose the l1-quotes, l2-queue or l3-fifo fill model on an MBO dataset`);
  }
  const fromNs = isoToNs(config.data.from);
  const toNs = isoToNs(config.data.to);
  // Exchange halts (market-hours.ts): closed intervals for both engines; none, no option (zero cost).
  const halts: AppliedHalt[] = (dataset.halts ?? []).map((h) => ({ fromNs: BigInt(h.fromNs), toNs: BigInt(h.toNs), action: h.action, reason: h.reason }));
  const haltOptions = halts.length > 0 ? { halts: halts.map(({ fromNs, toNs }) => ({ fromNs, toNs })) } : {};
  const recorded = halts.length > 0 ? { halts } : {};
  if (bookModel) {
    let book: BookBacktestEngine;
    try {
      book = new BookBacktestEngine({
        instrument,
        strategy,
        params: params.data,
        fillModel: config.data.fillModel as BookBacktestEngine["fillModel"],
        startingCashCents: Math.round(config.data.startingCashUsd * 100),
        seed: inputs.seed,
        latencyNs: Math.round(config.data.latencyMs * 1e6),
        // Latency legs and market hours mean what they mean on l1-trades (see the trades engine below).
        ...(config.data.latency ? { latency: config.data.latency } : {}),
        ...(config.data.calendar ? { calendar: config.data.calendar } : {}),
        dailySettlement: config.data.dailySettlement,
        ...(config.data.flattenAtSessionEnd ? { flattenAtSessionEnd: config.data.flattenAtSessionEnd } : {}),
        ...haltOptions,
        tickSizeNano: contract.tickSizeNano,
        queueModel: queueProbability(config.data.queueModel),
        strategyFromNs: fromNs,
        ...(quoteFeed || depthFeed ? { eventUnit: "event" as const } : {}),
      });
    } catch (error) {
      if (error instanceof AppError && error.code === "unprocessable") throw error;
      throw new StrategyFailure("Strategy failed to start", { cause: error });
    }
    return { engine: book, datasetId: dataset.id, contract, config: config.data, fromNs, toNs, ...(quoteFeed ? { quoteFeed } : {}), ...(depthFeed ? { depthFeed } : {}), ...recorded };
  }
  let engine: BacktestEngine;
  try {
    engine = new BacktestEngine({
      instrument,
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
      ...haltOptions,
    });
  } catch (error) {
    throw new StrategyFailure("Strategy failed to start", { cause: error });
  }
  return {
    engine,
    datasetId: dataset.id,
    contract,
    config: config.data,
    fromNs: isoToNs(config.data.from),
    toNs: isoToNs(config.data.to),
    ...(dataset.continuous ? { continuous: dataset.continuous } : {}),
    ...recorded,
  };
}

export function countEvents(pool: pg.Pool, prepared: PreparedBacktest): Promise<number> {
  // The book engine replays every MBO record from the start (the book needs them) up to `to`.
  if (prepared.quoteFeed) return countQuoteFeed(pool, prepared);
  // The depth feed's events: its source events (records with LAST), from the start up to `to`, as it replays them.
  if (prepared.depthFeed) return countDepthEvents(pool, prepared.datasetId, prepared.toNs);
  if (prepared.continuous) return countContinuous(pool, prepared, prepared.continuous);
  if (prepared.engine instanceof BookBacktestEngine) return countMbo(pool, prepared.datasetId);
  return countTrades(pool, prepared.datasetId, prepared.fromNs, prepared.toNs);
}

/** Quotes and trades the quote feed replays (from the start, like MBO: the top of book before `from` counts). */
async function countQuoteFeed(pool: pg.Pool, prepared: PreparedBacktest): Promise<number> {
  return (await countQuotes(pool, prepared.datasetId, prepared.toNs)) + (await countTrades(pool, prepared.datasetId, undefined, prepared.toNs));
}

/** A component's replayed range [fromNs, toNs) inside the run's range; null when empty. */
function componentRange(component: ContinuousInfo["components"][number], prepared: PreparedBacktest): { fromNs?: bigint; toNs?: bigint } | null {
  const pick = (a: bigint | undefined, b: bigint | undefined, later: boolean) => (a === undefined ? b : b === undefined ? a : (a > b) === later ? a : b);
  const fromNs = pick(component.fromNs, prepared.fromNs, true);
  const toNs = pick(component.toNs, prepared.toNs, false);
  return fromNs !== undefined && toNs !== undefined && fromNs >= toNs ? null : { fromNs, toNs };
}

async function countContinuous(pool: pg.Pool, prepared: PreparedBacktest, info: ContinuousInfo): Promise<number> {
  let total = 0;
  for (const component of info.components) {
    const range = componentRange(component, prepared);
    if (range !== null) total += await countTrades(pool, component.datasetId, range.fromNs, range.toNs);
  }
  return total;
}

/**
 * A continuous dataset: each component's trades in [its roll in, the next roll) (cut to the run's
 * range), one time-ordered stream in each contract's own prices; before the first trade of a
 * component after the first, the engine rolls (lib/engine/roll.ts) at the component's roll instant,
 * from the contract replayed last, at the new contract's first trade.
 */
async function* replayContinuous(pool: pg.Pool, prepared: PreparedBacktest, engine: BacktestEngine, info: ContinuousInfo, chunkEvents: number): AsyncGenerator<number> {
  let current = info.components[0].contract;
  for (const component of info.components) {
    const range = componentRange(component, prepared);
    if (range === null) continue;
    let first = true;
    const batches = readTrades(pool, { datasetId: component.datasetId, ...range, tickSizeNano: prepared.contract.tickSizeNano });
    for await (const batch of batches) {
      if (batch.length === 0) continue;
      if (first && component.contract !== current) {
        try {
          engine.roll({
            atNs: component.fromNs!,
            fromContract: current,
            toContract: component.contract,
            toLastTradeNs: component.lastTradeNs,
            toPriceTicks: batch.priceTicks[0],
            toTradeTsNs: tsRecvNsAt(batch, 0),
          });
        } catch (error) {
          throw new StrategyFailure("Strategy error", { cause: error });
        }
        current = component.contract;
      }
      first = false;
      yield* sliced((from, to) => engine.processBatch(batch, from, to), batch.length, chunkEvents);
    }
  }
}

/** The roll schedule a run over a continuous dataset records in its result. */
function runRollSchedule(info: ContinuousInfo): RunRollSchedule {
  return { rule: info.rule, contracts: info.components.map((c) => c.contract), rolls: toStoredRolls(info.rolls) };
}

/** Runs `process` over [0, length) in slices of `chunkEvents`, yielding each slice's size; a throw is the strategy's. */
function* sliced(process: (from: number, to: number) => void, length: number, chunkEvents: number): Generator<number> {
  for (let from = 0; from < length; from += chunkEvents) {
    const to = Math.min(length, from + chunkEvents);
    try {
      process(from, to);
    } catch (error) {
      throw new StrategyFailure("Strategy error", { cause: error });
    }
    yield to - from;
  }
}

/** Replays the dataset through the engine; yields the number of events of each slice. */
export async function* replaySlices(pool: pg.Pool, prepared: PreparedBacktest, chunkEvents: number): AsyncGenerator<number> {
  const { engine } = prepared;
  if (prepared.continuous && engine instanceof BacktestEngine) {
    yield* replayContinuous(pool, prepared, engine, prepared.continuous, chunkEvents);
    return;
  }
  if ((prepared.quoteFeed || prepared.depthFeed) && engine instanceof BookBacktestEngine) {
    // One slice per feed batch (depth batches end at event boundaries); it yields the feed's events
    // (quote feed: quotes + trades; depth feed: book events), as countEvents counts them.
    const options = { datasetId: prepared.datasetId, tickSizeNano: prepared.contract.tickSizeNano, toNs: prepared.toNs, maxEvents: Math.max(1, Math.min(chunkEvents, 65_536)) };
    for await (const batch of prepared.depthFeed ? readDepthFeed(pool, options) : readQuoteFeed(pool, options)) {
      try {
        engine.processBatch(batch.columns, 0, batch.columns.length);
      } catch (error) {
        throw new StrategyFailure("Strategy error", { cause: error });
      }
      yield batch.events;
    }
    return;
  }
  if (engine instanceof BookBacktestEngine) {
    for await (const batch of readMbo(pool, { datasetId: prepared.datasetId, toNs: prepared.toNs })) {
      yield* sliced((from, to) => engine.processBatch(batch, from, to), batch.length, chunkEvents);
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
    yield* sliced((from, to) => engine.processBatch(batch, from, to), batch.length, chunkEvents);
  }
}

/** Ends the replay: final bar, end-of-data close, result. */
export function finishBacktest(prepared: PreparedBacktest): BacktestResult {
  try {
    const result = prepared.engine.finish();
    const withHalts = prepared.halts ? { ...result, halts: prepared.halts } : result;
    return prepared.continuous ? { ...withHalts, rollSchedule: runRollSchedule(prepared.continuous) } : withHalts;
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
