/**
 * What crosses the boundary between the executor and a run's sandbox thread: the job (workerData,
 * structured-cloned once) and the thread's messages, in this order:
 *
 *   opened → slice* → finished        the replay ran to the end
 *   [opened → slice*] → failed        the thread caught an error (it has closed its connections)
 *
 * The parent never writes to the thread: it stops it with worker.terminate().
 */
import type { BacktestDataset, BacktestInputs } from "../backtest-replay";
import type { FinishedReplay, OpenedReplay, SliceProgress } from "./replay-source";

export interface SandboxJob {
  databaseUrl: string;
  /** Read by the parent (it owns the Prisma client); null when the dataset was deleted. */
  dataset: BacktestDataset | null;
  inputs: BacktestInputs;
  chunkEvents: number;
  /** Pause after each slice (replay pacing used by tests; 0 in production). */
  chunkDelayMs: number;
  /** Test hook: accept lib/strategies/test-strategies.ts. */
  testStrategies: boolean;
  /** The handler probe (handler-probe.ts). */
  probe: SharedArrayBuffer;
}

/**
 * Why the thread gave up: `run` fails the run with `message` (strategy error with its stack, bad
 * input), `transient` is an infrastructure failure worth a retry (`code` as node-postgres gave
 * it), `internal` is a bug of ours.
 */
export type FailureKind = "run" | "transient" | "internal";

export type ThreadMessage =
  | { type: "opened"; opened: OpenedReplay }
  | { type: "slice"; slice: SliceProgress }
  | { type: "finished"; finished: FinishedReplay }
  | { type: "failed"; kind: FailureKind; message: string; code?: string };
