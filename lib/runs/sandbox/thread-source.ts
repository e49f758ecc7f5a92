/**
 * A run's replay in a worker_threads thread under a watchdog: the strategy (and the engine and the
 * data reads that feed it) run in the thread; this side relays its messages to the executor and
 * stops it with worker.terminate() when
 *
 *   - one strategy handler call runs longer than `handlerBudgetMs` (the handler probe,
 *     handler-probe.ts): "Strategy handler onBar exceeded its time budget of 5000 ms (stopped)";
 *   - the run passes its wall-time deadline: "Time limit of N s exceeded";
 *   - the thread's heap passes `memoryMb` (resourceLimits.maxOldGenerationSizeMb; V8 stops the
 *     thread, never the process): "Strategy exceeded the memory cap of N MB (stopped)". Typed-array
 *     backing stores (the tick batches) live outside the V8 heap and are not counted;
 *   - its owner closes it (cancel, shutdown, lost ownership).
 *
 * A strategy exception arrives as a `failed` message with the strategy's stack. Every failure ends
 * the thread and nothing else: the worker process goes on with its next job. One thread per run
 * (startup ~0.3 s: tsx and the replay modules load in the thread), so no state leaks between runs.
 * This contains runaway strategies; it is not a security boundary (a thread can use all of Node).
 */
import { Worker } from "node:worker_threads";
import type { BacktestDataset, BacktestInputs } from "../backtest-replay";
import { createProbe, HandlerWatch } from "./handler-probe";
import type { SandboxJob, ThreadMessage } from "./protocol";
import { ReplayClosed, RunFailure, type FinishedReplay, type OpenedReplay, type ReplaySource, type SliceProgress } from "./replay-source";

export interface SandboxOptions {
  databaseUrl: string;
  /** Heap cap of the thread (V8 old generation), MB. */
  memoryMb: number;
  /** Wall time one call of a strategy handler may take, ms. */
  handlerBudgetMs: number;
  /** Test hook: accept the strategies of lib/strategies/test-strategies.ts. */
  testStrategies: boolean;
}

export interface ThreadSourceOptions {
  sandbox: SandboxOptions;
  dataset: BacktestDataset | null;
  inputs: BacktestInputs;
  chunkEvents: number;
  chunkDelayMs: number;
  /** Wall-clock deadline of the run, ms since the epoch, and the limit it came from (for the message). */
  deadlineMs: number;
  timeLimitSec: number;
}

const ENTRY = new URL("./thread-entry.mjs", import.meta.url);

/** Watchdog period: a tenth of the budget, between 5 and 100 ms. */
export const watchdogTickMs = (budgetMs: number) => Math.min(100, Math.max(5, Math.round(budgetMs / 10)));

export class ThreadReplaySource implements ReplaySource {
  private worker: Worker | null = null;
  private watchdog: NodeJS.Timeout | null = null;
  private readonly inbox: ThreadMessage[] = [];
  private wake: (() => void) | null = null;
  /** Set once: why the thread was stopped (or a ReplayClosed). */
  private failure: Error | null = null;
  private finished: FinishedReplay | null = null;
  private exited: Promise<void> = Promise.resolve();

  constructor(private readonly options: ThreadSourceOptions) {}

  async open(): Promise<OpenedReplay> {
    this.start();
    const message = await this.next();
    if (message.type !== "opened") throw new Error(`Sandbox protocol: expected "opened", got "${message.type}"`);
    return message.opened;
  }

  async *slices(): AsyncIterable<SliceProgress> {
    for (;;) {
      const message = await this.next();
      if (message.type === "slice") yield message.slice;
      else if (message.type === "finished") {
        this.finished = message.finished;
        return;
      } else throw new Error(`Sandbox protocol: unexpected "${message.type}"`);
    }
  }

  async finish(): Promise<FinishedReplay> {
    if (!this.finished) throw new Error("ThreadReplaySource: finish() before the replay ended");
    return this.finished;
  }

  async close(): Promise<void> {
    this.stop(new ReplayClosed());
    await this.exited;
  }

  private start(): void {
    const { sandbox, dataset, inputs, chunkEvents, chunkDelayMs } = this.options;
    const probe = createProbe();
    const job: SandboxJob = { databaseUrl: sandbox.databaseUrl, dataset, inputs, chunkEvents, chunkDelayMs, testStrategies: sandbox.testStrategies, probe };
    const worker = new Worker(ENTRY, {
      workerData: job,
      // The entry registers tsx itself; the parent's flags (--import tsx, --inspect...) are not inherited.
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: sandbox.memoryMb },
    });
    this.worker = worker;
    this.exited = new Promise((resolve) => worker.once("exit", () => resolve()));
    worker.on("message", (message: ThreadMessage) => this.receive(message));
    worker.on("error", (error: Error & { code?: string }) => {
      if (error.code === "ERR_WORKER_OUT_OF_MEMORY") this.stop(new RunFailure(`Strategy exceeded the memory cap of ${sandbox.memoryMb} MB (stopped)`));
      else this.stop(new RunFailure(`Strategy thread crashed: ${error.stack ?? error.message}`));
    });
    worker.on("exit", (code) => {
      if (!this.finished && !this.inbox.some((m) => m.type === "finished")) {
        this.stop(new RunFailure(`Strategy thread exited unexpectedly (exit code ${code})`));
      }
      this.clearWatchdog();
    });

    const watch = new HandlerWatch(probe, sandbox.handlerBudgetMs);
    this.watchdog = setInterval(() => {
      const now = Date.now();
      const overrun = watch.sample(now);
      if (overrun) {
        this.stop(new RunFailure(`Strategy handler ${overrun.handler} exceeded its time budget of ${sandbox.handlerBudgetMs} ms (stopped)`));
      } else if (now > this.options.deadlineMs) {
        this.stop(new RunFailure(`Time limit of ${this.options.timeLimitSec} s exceeded`));
      }
    }, watchdogTickMs(sandbox.handlerBudgetMs));
    this.watchdog.unref();
  }

  private receive(message: ThreadMessage): void {
    if (this.failure) return;
    if (message.type === "failed") {
      this.stop(failureError(message));
      return;
    }
    this.inbox.push(message);
    if (message.type === "finished") {
      // No strategy code runs any more, and the thread has closed its connections.
      this.clearWatchdog();
      void this.worker?.terminate();
    }
    this.notify();
  }

  /** The next message in order; rejects once the thread was stopped. */
  private async next(): Promise<ThreadMessage> {
    for (;;) {
      if (this.failure) throw this.failure;
      const message = this.inbox.shift();
      if (message) return message;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  /** Records why the replay ends (the first reason wins) and terminates the thread. */
  private stop(reason: Error): void {
    if (!this.failure && !(reason instanceof ReplayClosed && this.finished)) this.failure = reason;
    this.clearWatchdog();
    void this.worker?.terminate();
    this.notify();
  }

  private clearWatchdog(): void {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = null;
  }
}

function failureError(message: Extract<ThreadMessage, { type: "failed" }>): Error {
  switch (message.kind) {
    case "run":
      return new RunFailure(message.message);
    case "transient":
      // isTransientError() recognises the node-postgres / network code again.
      return Object.assign(new Error(message.message), { code: message.code });
    case "internal":
      return new Error(message.message);
  }
}
