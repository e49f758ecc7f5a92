/**
 * Where a run's replay happens, as the executor sees it. The executor owns the run (claim,
 * heartbeat, progress writes, cancellation, ownership, result); a ReplaySource only prepares the
 * backtest, reads the data, drives the engine and hands back the result:
 *
 *   - ThreadReplaySource (the workers): everything that touches strategy code runs in a
 *     worker_threads thread under a watchdog (thread-source.ts);
 *   - InProcessReplaySource (tests with inline strategies or injected database faults): the same
 *     replay on the calling thread, with no watchdog (in-process-source.ts).
 *
 * Both give bit-identical results for the same inputs (same backtest-replay.ts code).
 */
import { AppError } from "../../errors";
import type { BacktestResult } from "../../engine/result";
import type { BacktestStatistics } from "../../statistics";
import { describeFailure, StrategyFailure } from "../backtest-replay";

/** Progress after one engine slice. */
export interface SliceProgress {
  /** Events replayed in this slice. */
  events: number;
  /** Receive time of the last replayed trade (0n before the first). */
  simTimeNs: bigint;
  equityCents: number;
}

export interface OpenedReplay {
  /** Events the run will replay. */
  total: number;
  /** SHA-256 of the strategy's source file (null when unknown). */
  strategyCodeHash: string | null;
  /** The state before the first slice. */
  initial: SliceProgress;
}

export interface FinishedReplay {
  result: BacktestResult;
  /** Null when the statistics could not be computed (the result is kept; see statisticsError). */
  statistics: BacktestStatistics | null;
  statisticsError: string | null;
}

export interface ReplaySource {
  /** Validates the inputs, builds the engine and counts the events. */
  open(): Promise<OpenedReplay>;
  /** The replay, slice by slice; ends when the data is exhausted. */
  slices(): AsyncIterable<SliceProgress>;
  /** Ends the replay (final bar, end-of-data close) and computes the statistics. */
  finish(): Promise<FinishedReplay>;
  /** Stops the replay early (idempotent); a pending `slices()` step rejects with ReplayClosed. */
  close(): Promise<void>;
}

/** The run fails with this message, without retry (strategy error, bad input, watchdog, memory cap). */
export class RunFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RunFailure";
  }
}

/** The replay was closed by its owner (cancel, shutdown, lost ownership) before it ended. */
export class ReplayClosed extends Error {
  constructor() {
    super("Replay closed");
    this.name = "ReplayClosed";
  }
}

/** Input problems and strategy errors become a RunFailure (message and stack); anything else is returned as it is. */
export function asRunFailure(error: unknown): unknown {
  if (error instanceof StrategyFailure || (error instanceof AppError && error.code === "unprocessable")) return new RunFailure(describeFailure(error));
  return error;
}
