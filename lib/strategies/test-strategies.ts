/**
 * Misbehaving strategies for the sandbox tests (test/strategy-sandbox.test.ts). They are not in the
 * built-in registry, so the API and the UI never offer them; a worker accepts them only with
 * TICKBENCH_TEST_STRATEGIES=1 (lib/runs/sandbox/strategy-lookup.ts).
 */
import { z } from "zod";
import { defineStrategy, type StrategyModule } from "../engine/strategy";

const afterBars = z.number().int().min(0).default(3).describe("Bars handled normally before misbehaving");

/**
 * Spins in onBar once `afterBars` bars have closed: forever (spinMs 0), or spinMs of wall time in
 * each of the next `spinBars` bars.
 */
export const runawayLoop = defineStrategy({
  id: "test-runaway-loop",
  name: "Test: runaway loop",
  description: "onBar never returns (or busy-waits spinMs in a few bars)",
  paramsSchema: z.object({ afterBars, spinMs: z.number().int().min(0).default(0), spinBars: z.number().int().min(1).default(1) }),
  create: ({ afterBars, spinMs, spinBars }) => {
    let bars = 0;
    return {
      barIntervalNs: 60e9,
      onStart() {},
      onBar() {
        bars++;
        if (bars <= afterBars || bars > afterBars + spinBars) return;
        const until = spinMs === 0 ? Number.POSITIVE_INFINITY : Date.now() + spinMs;
        let spins = 0;
        while (Date.now() < until) spins++;
        if (spins < 0) throw new Error("unreachable");
      },
    };
  },
});

/** Spins forever in onTrade once `afterTrades` trades have been delivered. */
export const runawayTrade = defineStrategy({
  id: "test-runaway-trade",
  name: "Test: runaway onTrade",
  description: "onTrade never returns",
  paramsSchema: z.object({ afterTrades: z.number().int().min(0).default(50_000) }),
  create: ({ afterTrades }) => {
    let trades = 0;
    let spins = 0;
    return {
      onStart() {},
      onTrade() {
        if (++trades <= afterTrades) return;
        for (;;) if (++spins < 0) return;
      },
    };
  },
});

/** Keeps every array it allocates in onBar: the heap grows without bound. */
export const memoryHog = defineStrategy({
  id: "test-memory-hog",
  name: "Test: memory hog",
  description: "onBar allocates without bound",
  paramsSchema: z.object({ afterBars }),
  create: ({ afterBars }) => {
    let bars = 0;
    const hoard: number[][] = [];
    return {
      barIntervalNs: 60e9,
      onStart() {},
      onBar() {
        if (++bars <= afterBars) return;
        for (;;) hoard.push(new Array<number>(4096).fill(hoard.length));
      },
    };
  },
});

/** Throws from onBar once `afterBars` bars have closed. */
export const throwing = defineStrategy({
  id: "test-throwing",
  name: "Test: throwing",
  description: "onBar throws",
  paramsSchema: z.object({ afterBars }),
  create: ({ afterBars }) => {
    let bars = 0;
    return {
      barIntervalNs: 60e9,
      onStart() {},
      onBar() {
        if (++bars > afterBars) throw new Error(`test strategy threw in onBar after ${afterBars} bars`);
      },
    };
  },
});

export const testStrategies: readonly StrategyModule[] = Object.freeze([runawayLoop, runawayTrade, memoryHog, throwing]);

export function findTestStrategy(id: string): StrategyModule | undefined {
  return testStrategies.find((s) => s.id === id);
}
