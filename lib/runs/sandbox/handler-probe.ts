/**
 * Handler probe: lets the parent thread see which strategy handler the sandbox thread is running
 * and for how long, with no clock read in the replay's hot path.
 *
 * The probe is one Int32 slot in a SharedArrayBuffer. 0 means no strategy code is running;
 * otherwise it holds `(callNumber << 4) | handlerId`. A guarded handler stores a new word on entry
 * and restores the previous word on exit - calls nest: onOrderRejected runs inside the handler
 * that submitted the order. The per-event handlers (onTrade, onBook) only store on entry, with a
 * plain store: the thread marks the probe idle itself between engine slices and before the
 * statistics (`StrategyGuard.idle`), so a stale per-event word lasts no longer than the rest of one
 * slice. Plain stores to shared memory are not ordered for other threads, but they do become
 * visible (x86/ARM store buffers drain); a call that never returns has nothing after its store.
 *
 * The parent samples the slot (HandlerWatch). Seeing the same non-zero word for longer than the
 * budget means one call has run at least that long: every call gets a new word, so two short
 * calls of the same handler never look like one long call. Sampling every `tick` ms stops a
 * runaway call between `budget` and `budget + 2 x tick` after it began.
 *
 * Cost: one extra function call per handler call, plus two seq-cst stores and a try/finally for
 * the occasional handlers, one plain store for the per-event ones (bench/strategy-guard.bench.ts).
 * The engine itself is untouched: the guard is a wrapper strategy.
 */
import type { StrategyHandlers, StrategyModule } from "../../engine/strategy";

/**
 * Handler names the watchdog reports; any other `on...` method a strategy defines is guarded too and
 * reported as "(unlisted)". Ids are positions + 1 and fit ID_BITS.
 */
export const HANDLER_NAMES = [
  "create",
  "onStart",
  "onTrade",
  "onBar",
  "onFill",
  "onEnd",
  "onOrderRejected",
  "onTimer",
  "onSessionOpen",
  "onSessionClose",
  "onBook",
  "onRoll",
] as const;
export type HandlerName = (typeof HANDLER_NAMES)[number] | "(unlisted)";

const ID_BITS = 4;
const ID_MASK = (1 << ID_BITS) - 1;
const UNLISTED_ID = ID_MASK;
/** Call numbers wrap below 2^27, so a word stays a positive Int32. */
const CALL_MASK = (1 << (31 - ID_BITS)) - 1;
const handlerId = (name: string) => {
  const index = (HANDLER_NAMES as readonly string[]).indexOf(name);
  return index < 0 ? UNLISTED_ID : index + 1;
};
const HANDLER_KEY = /^on[A-Z]/;

/** A fresh probe: one shared Int32 slot, initially idle. */
export function createProbe(): SharedArrayBuffer {
  return new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
}

/** The handler a probe word names (null for 0, nothing running). */
export function handlerOfWord(word: number): HandlerName | null {
  if (word === 0) return null;
  return HANDLER_NAMES[(word & ID_MASK) - 1] ?? "(unlisted)";
}

type Handler = (this: unknown, a?: unknown, b?: unknown, c?: unknown) => void;

/** Handlers called once per market event: entry-only plain store (see the module comment). */
const PER_EVENT: ReadonlySet<string> = new Set(["onTrade", "onBook"]);

/** Property names of an object and its prototypes (handlers may be class methods), Object.prototype excluded. */
function propertyNames(value: object): string[] {
  const names = new Set<string>();
  for (let o: object | null = value; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const name of Object.getOwnPropertyNames(o)) if (name !== "constructor") names.add(name);
  }
  return [...names];
}

/** The sandbox thread's side of one run's probe: guards the strategy, marks idle between slices. */
export class StrategyGuard {
  private readonly slot: Int32Array;
  /** The word of the innermost running call (0: none), restored when a nested call returns. */
  private current = 0;
  private calls = 0;

  constructor(probe: SharedArrayBuffer) {
    this.slot = new Int32Array(probe);
  }

  /** No strategy code runs now (between slices, before the statistics). */
  idle(): void {
    this.current = 0;
    Atomics.store(this.slot, 0, 0);
  }

  /**
   * The strategy with its `create` and every handler (`on...` method) it defines reporting to the
   * probe; other properties (barIntervalNs...) are copied. Handlers it does not define stay
   * absent, so the engine keeps its fast paths (no onTrade: no per-trade call).
   */
  guard(strategy: StrategyModule): StrategyModule {
    const createId = handlerId("create");
    return {
      ...strategy,
      create: (params: unknown): StrategyHandlers => {
        const previous = this.enter(createId);
        let handlers: StrategyHandlers;
        try {
          handlers = strategy.create(params);
        } finally {
          this.exit(previous);
        }
        const source = handlers as unknown as Record<string, unknown>;
        const guarded: Record<string, unknown> = {};
        for (const name of propertyNames(source)) {
          const value = source[name];
          if (typeof value !== "function" || !HANDLER_KEY.test(name)) guarded[name] = value;
          else if (PER_EVENT.has(name)) guarded[name] = this.perEvent(handlerId(name), source, value as Handler);
          else guarded[name] = this.occasional(handlerId(name), source, value as Handler);
        }
        return guarded as unknown as StrategyHandlers;
      },
    };
  }

  /** Marks a call of handler `id` as running (seq-cst store); returns the word to restore on exit. */
  private enter(id: number): number {
    const previous = this.current;
    this.calls = (this.calls + 1) & CALL_MASK;
    const word = (this.calls << ID_BITS) | id;
    this.current = word;
    Atomics.store(this.slot, 0, word);
    return previous;
  }

  private exit(previous: number): void {
    this.current = previous;
    Atomics.store(this.slot, 0, previous);
  }

  private occasional(id: number, target: unknown, handler: Handler): Handler {
    return (a?: unknown, b?: unknown, c?: unknown) => {
      const previous = this.enter(id);
      try {
        handler.call(target, a, b, c);
      } finally {
        this.exit(previous);
      }
    };
  }

  private perEvent(id: number, target: unknown, handler: Handler): Handler {
    const slot = this.slot;
    return (a?: unknown, b?: unknown) => {
      this.calls = (this.calls + 1) & CALL_MASK;
      const word = (this.calls << ID_BITS) | id;
      this.current = word;
      slot[0] = word;
      handler.call(target, a, b);
    };
  }
}

/** `new StrategyGuard(probe).guard(strategy)`, for callers that never mark idle (tests, benches). */
export function guardStrategy(strategy: StrategyModule, probe: SharedArrayBuffer): StrategyModule {
  return new StrategyGuard(probe).guard(strategy);
}

/** A handler call that ran past its budget. */
export interface HandlerOverrun {
  handler: HandlerName;
  /** Time the parent has seen this call running (a lower bound of its duration). */
  elapsedMs: number;
}

/**
 * The parent's view of a probe: `sample(nowMs)` at a steady tick; returns the overrun once the
 * same call has been seen running for at least `budgetMs`.
 */
export class HandlerWatch {
  private readonly slot: Int32Array;
  private word = 0;
  private sinceMs = 0;

  constructor(
    probe: SharedArrayBuffer,
    private readonly budgetMs: number,
  ) {
    this.slot = new Int32Array(probe);
  }

  sample(nowMs: number): HandlerOverrun | null {
    const word = Atomics.load(this.slot, 0);
    if (word !== this.word) {
      this.word = word;
      this.sinceMs = nowMs;
      return null;
    }
    if (word === 0) return null;
    const elapsedMs = nowMs - this.sinceMs;
    return elapsedMs >= this.budgetMs ? { handler: handlerOfWord(word)!, elapsedMs } : null;
  }

  /** The handler running at the last sample (null: none). */
  running(): HandlerName | null {
    return handlerOfWord(this.word);
  }
}
