/**
 * The body of a run's sandbox thread: prepares the backtest with the guarded strategy, reads the
 * dataset (its own small pool: reads only - every write of run state stays with the executor),
 * replays it slice by slice and posts progress, then the result and its statistics.
 *
 * Every error is caught and posted as a `failed` message after the thread's connections are
 * closed; what cannot be caught here (a handler that never returns, heap exhaustion, a strategy
 * calling process.exit) is the parent's watchdog's to see.
 */
import { parentPort, workerData } from "node:worker_threads";
import { isTransientError } from "../../errors";
import { createPool } from "../../db/pool";
import { buildBacktest, countEvents, finishBacktest, replaySlices, runStatistics, type PreparedBacktest } from "../backtest-replay";
import { StrategyGuard } from "./handler-probe";
import type { SandboxJob, ThreadMessage } from "./protocol";
import { asRunFailure, RunFailure, type FinishedReplay } from "./replay-source";
import { resolveStrategy, strategyCodeHash } from "./strategy-lookup";

const job = workerData as SandboxJob;
const post = (message: ThreadMessage) => parentPort!.postMessage(message);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function failure(error: unknown): ThreadMessage {
  const mapped = asRunFailure(error);
  if (mapped instanceof RunFailure) return { type: "failed", kind: "run", message: mapped.message };
  const e = error as { message?: string; code?: string; stack?: string };
  if (isTransientError(error)) return { type: "failed", kind: "transient", message: e.message ?? String(error), code: e.code };
  return { type: "failed", kind: "internal", message: e.stack ?? e.message ?? String(error) };
}

async function replay(pool: ReturnType<typeof createPool>): Promise<ThreadMessage> {
  const resolved = resolveStrategy(job.inputs.strategyId, { testStrategies: job.testStrategies });
  const guard = new StrategyGuard(job.probe);
  const guarded = resolved ? guard.guard(resolved.module) : undefined;
  const prepared: PreparedBacktest = buildBacktest(job.dataset, job.inputs, (id) => (id === guarded?.id ? guarded : undefined));
  const total = await countEvents(pool, prepared);
  const initial = prepared.engine.snapshot();
  post({
    type: "opened",
    opened: {
      total,
      strategyCodeHash: strategyCodeHash(resolved?.sourceFile ?? null),
      initial: { events: 0, simTimeNs: initial.simTimeNs, equityCents: initial.equityCents },
    },
  });
  for await (const events of replaySlices(pool, prepared, job.chunkEvents)) {
    // Between slices no strategy code runs (the next read from the database may take a while).
    guard.idle();
    const snap = prepared.engine.snapshot();
    post({ type: "slice", slice: { events, simTimeNs: snap.simTimeNs, equityCents: snap.equityCents } });
    if (job.chunkDelayMs > 0) await sleep(job.chunkDelayMs);
  }
  const result = finishBacktest(prepared);
  guard.idle();
  let finished: FinishedReplay;
  try {
    finished = { result, statistics: runStatistics(result, prepared, job.inputs.seed), statisticsError: null };
  } catch (error) {
    finished = { result, statistics: null, statisticsError: (error as Error).message ?? String(error) };
  }
  return { type: "finished", finished };
}

async function main(): Promise<void> {
  const pool = createPool(job.databaseUrl, 2);
  let outcome: ThreadMessage;
  try {
    outcome = await replay(pool);
  } catch (error) {
    outcome = failure(error);
  }
  await pool.end().catch(() => {});
  post(outcome);
}

void main();
