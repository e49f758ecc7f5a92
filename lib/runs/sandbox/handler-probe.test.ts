import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineStrategy, type StrategyContext, type StrategyHandlers, type TimeBar } from "../../engine/strategy";
import { createProbe, guardStrategy, handlerOfWord, HandlerWatch, StrategyGuard, type HandlerOverrun } from "./handler-probe";

const ctx = {} as StrategyContext;
const bar = { startNs: 0n, endNs: 60n, closeTicks: 1 } as TimeBar;

describe("handler probe", () => {
  it("names the running handler while it runs and shows idle once it returned", () => {
    const probe = createProbe();
    const watch = new HandlerWatch(probe, 1000);
    const seen: (string | null)[] = [];
    const strategy = defineStrategy({
      id: "probe-test",
      name: "probe test",
      description: "",
      paramsSchema: z.object({}),
      create: () => ({
        barIntervalNs: 60e9,
        onStart() {
          watch.sample(0);
          seen.push(watch.running());
        },
        onBar() {
          watch.sample(0);
          seen.push(watch.running());
        },
      }),
    });
    const handlers = guardStrategy(strategy, probe).create({});
    handlers.onStart(ctx);
    handlers.onBar!(ctx, bar);
    watch.sample(0);
    seen.push(watch.running());
    expect(seen).toEqual(["onStart", "onBar", null]);
  });

  it("keeps absent handlers absent (the engine's fast paths) and passes barIntervalNs and `this` through", () => {
    const probe = createProbe();
    const strategy = defineStrategy({
      id: "probe-this",
      name: "",
      description: "",
      paramsSchema: z.object({}),
      create: () => ({
        barIntervalNs: 15e9,
        bars: 0,
        onStart() {},
        onBar(this: { bars: number }) {
          this.bars++;
        },
      }),
    });
    const handlers = guardStrategy(strategy, probe).create({}) as StrategyHandlers;
    expect(handlers.onTrade).toBeUndefined();
    expect(handlers.onFill).toBeUndefined();
    expect(handlers.onEnd).toBeUndefined();
    expect(handlers.onOrderRejected).toBeUndefined();
    expect(handlers.barIntervalNs).toBe(15e9);
    handlers.onBar!(ctx, bar);
    handlers.onBar!(ctx, bar);
    expect(Atomics.load(new Int32Array(probe), 0)).toBe(0);
  });

  it("reports a call only once it has been seen running for the whole budget", () => {
    const probe = createProbe();
    const watch = new HandlerWatch(probe, 1000);
    const samples: (HandlerOverrun | null)[] = [];
    const strategy = defineStrategy({
      id: "probe-budget",
      name: "",
      description: "",
      paramsSchema: z.object({}),
      create: () => ({
        barIntervalNs: 60e9,
        onStart() {},
        onBar() {
          // The parent's clock, sampled while this call is running.
          for (const t of [5_000, 5_999, 6_000, 6_500]) samples.push(watch.sample(t));
        },
      }),
    });
    guardStrategy(strategy, probe).create({}).onBar!(ctx, bar);
    expect(samples).toEqual([null, null, { handler: "onBar", elapsedMs: 1000 }, { handler: "onBar", elapsedMs: 1500 }]);
  });

  it("never adds two short calls of the same handler into one long call", () => {
    const probe = createProbe();
    const watch = new HandlerWatch(probe, 1000);
    const words: number[] = [];
    const results: (HandlerOverrun | null)[] = [];
    let clock = 0;
    const strategy = defineStrategy({
      id: "probe-calls",
      name: "",
      description: "",
      paramsSchema: z.object({}),
      create: () => ({
        barIntervalNs: 60e9,
        onStart() {},
        onBar() {
          words.push(Atomics.load(new Int32Array(probe), 0));
          results.push(watch.sample(clock));
          clock += 700;
        },
      }),
    });
    const handlers = guardStrategy(strategy, probe).create({});
    for (let i = 0; i < 4; i++) handlers.onBar!(ctx, bar);
    expect(new Set(words).size).toBe(4);
    expect(words.every((w) => handlerOfWord(w) === "onBar")).toBe(true);
    expect(results).toEqual([null, null, null, null]);
  });

  it("restores the outer handler after a nested call (onOrderRejected inside onBar) and marks create", () => {
    const probe = createProbe();
    const watch = new HandlerWatch(probe, 1000);
    const seen: (string | null)[] = [];
    const strategy = defineStrategy({
      id: "probe-nested",
      name: "",
      description: "",
      paramsSchema: z.object({}),
      create: () => {
        watch.sample(0);
        seen.push(watch.running());
        return {
          barIntervalNs: 60e9,
          onStart() {},
          onBar() {
            guarded.onOrderRejected!(ctx, {} as never, "invalid_price" as never);
            watch.sample(0);
            seen.push(watch.running());
          },
          onOrderRejected() {
            watch.sample(0);
            seen.push(watch.running());
          },
        };
      },
    });
    const guarded: StrategyHandlers = guardStrategy(strategy, probe).create({});
    guarded.onBar!(ctx, bar);
    expect(seen).toEqual(["create", "onOrderRejected", "onBar"]);
  });

  it("guards class-method handlers and handlers it does not list by name", () => {
    const probe = createProbe();
    const watch = new HandlerWatch(probe, 1000);
    const seen: (string | null)[] = [];
    class Handlers {
      readonly barIntervalNs = 60e9;
      bars = 0;
      onStart() {}
      onBar() {
        this.bars++;
        watch.sample(0);
        seen.push(watch.running());
      }
      onSomethingNew() {
        watch.sample(0);
        seen.push(watch.running());
      }
      helper() {
        watch.sample(0);
        seen.push(watch.running());
      }
    }
    const instance = new Handlers();
    const strategy = defineStrategy({ id: "probe-class", name: "", description: "", paramsSchema: z.object({}), create: () => instance });
    const handlers = guardStrategy(strategy, probe).create({}) as unknown as Handlers;
    handlers.onBar();
    handlers.onSomethingNew();
    handlers.helper();
    expect(seen).toEqual(["onBar", "(unlisted)", null]);
    expect(instance.bars).toBe(1);
    expect(handlers.barIntervalNs).toBe(60e9);
  });

  it("marks per-trade calls on entry only, each with a new word, until the thread marks the probe idle", () => {
    const probe = createProbe();
    const slot = new Int32Array(probe);
    const watch = new HandlerWatch(probe, 1000);
    const inside: (string | null)[] = [];
    const strategy = defineStrategy({
      id: "probe-per-trade",
      name: "",
      description: "",
      paramsSchema: z.object({}),
      create: () => ({
        onStart() {},
        onTrade() {
          watch.sample(0);
          inside.push(watch.running());
        },
      }),
    });
    const guard = new StrategyGuard(probe);
    const handlers = guard.guard(strategy).create({});
    handlers.onTrade!(ctx, 0);
    const first = Atomics.load(slot, 0);
    handlers.onTrade!(ctx, 1);
    const second = Atomics.load(slot, 0);
    expect(inside).toEqual(["onTrade", "onTrade"]);
    expect(handlerOfWord(first)).toBe("onTrade");
    expect(second).not.toBe(first);
    guard.idle();
    expect(Atomics.load(slot, 0)).toBe(0);
  });

  it("restores the per-trade word after a nested call inside onTrade, so a loop after it is still seen", () => {
    const probe = createProbe();
    const watch = new HandlerWatch(probe, 1000);
    const after: (string | null)[] = [];
    const strategy = defineStrategy({
      id: "probe-nested-trade",
      name: "",
      description: "",
      paramsSchema: z.object({}),
      create: () => ({
        onStart() {},
        onTrade() {
          guarded.onOrderRejected!(ctx, {} as never, "invalid_price" as never);
          watch.sample(0);
          after.push(watch.running());
        },
        onOrderRejected() {},
      }),
    });
    const guarded: StrategyHandlers = new StrategyGuard(probe).guard(strategy).create({});
    guarded.onTrade!(ctx, 0);
    expect(after).toEqual(["onTrade"]);
  });

  it("leaves the probe idle when a handler throws", () => {
    const probe = createProbe();
    const strategy = defineStrategy({
      id: "probe-throw",
      name: "",
      description: "",
      paramsSchema: z.object({}),
      create: () => ({
        barIntervalNs: 60e9,
        onStart() {},
        onBar() {
          throw new Error("boom");
        },
      }),
    });
    const handlers = guardStrategy(strategy, probe).create({});
    expect(() => handlers.onBar!(ctx, bar)).toThrow("boom");
    expect(Atomics.load(new Int32Array(probe), 0)).toBe(0);
  });
});
