/**
 * The replay on the calling thread (no watchdog): for tests that inject inline strategies or
 * database faults, and the reference the sandbox thread is checked against (same code, same hash).
 */
import type pg from "pg";
import type { Db } from "../../db/prisma";
import type { StrategyModule } from "../../engine/strategy";
import { countEvents, finishBacktest, prepareBacktest, replaySlices, runStatistics, type BacktestInputs, type PreparedBacktest } from "../backtest-replay";
import { asRunFailure, ReplayClosed, type FinishedReplay, type OpenedReplay, type ReplaySource, type SliceProgress } from "./replay-source";
import { resolveStrategy, strategyCodeHash } from "./strategy-lookup";

export interface InProcessOptions {
  db: Db;
  pool: pg.Pool;
  inputs: BacktestInputs;
  chunkEvents: number;
  chunkDelayMs: number;
  /** Strategy lookup; default: the built-in registry (whose source files are hashed). */
  findStrategy?: (id: string) => StrategyModule | undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const yieldToLoop = () => new Promise<void>((r) => setImmediate(r));

export class InProcessReplaySource implements ReplaySource {
  private prepared: PreparedBacktest | null = null;
  private closed = false;

  constructor(private readonly options: InProcessOptions) {}

  async open(): Promise<OpenedReplay> {
    const { db, pool, inputs, findStrategy } = this.options;
    const resolved = findStrategy ? undefined : resolveStrategy(inputs.strategyId, { testStrategies: false });
    try {
      this.prepared = await prepareBacktest(db, inputs, findStrategy ?? (() => resolved?.module));
    } catch (error) {
      throw asRunFailure(error);
    }
    const total = await countEvents(pool, this.prepared);
    const snap = this.prepared.engine.snapshot();
    return {
      total,
      strategyCodeHash: strategyCodeHash(resolved?.sourceFile ?? null),
      initial: { events: 0, simTimeNs: snap.simTimeNs, equityCents: snap.equityCents },
    };
  }

  async *slices(): AsyncIterable<SliceProgress> {
    const prepared = this.opened();
    try {
      for await (const events of replaySlices(this.options.pool, prepared, this.options.chunkEvents)) {
        const snap = prepared.engine.snapshot();
        yield { events, simTimeNs: snap.simTimeNs, equityCents: snap.equityCents };
        if (this.closed) throw new ReplayClosed();
        if (this.options.chunkDelayMs > 0) await sleep(this.options.chunkDelayMs);
        else await yieldToLoop();
      }
    } catch (error) {
      throw asRunFailure(error);
    }
  }

  async finish(): Promise<FinishedReplay> {
    const prepared = this.opened();
    let result;
    try {
      result = finishBacktest(prepared);
    } catch (error) {
      throw asRunFailure(error);
    }
    try {
      return { result, statistics: runStatistics(result, prepared, this.options.inputs.seed), statisticsError: null };
    } catch (error) {
      return { result, statistics: null, statisticsError: (error as Error).message ?? String(error) };
    }
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private opened(): PreparedBacktest {
    if (!this.prepared) throw new Error("InProcessReplaySource: open() first");
    return this.prepared;
  }
}
