import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import type { TradeColumns } from "../market/trade-columns";
import { BarBuilder, buildBars, TimeBarAccumulator } from "./bar-builder";
import type { ActivityBar, BarSpec } from "./strategy";
import { at, tape } from "./test-support/tape";

/** [open, high, low, close, volume, trades, startNs, endNs] of each bar. */
const rows = (bars: ActivityBar[]) => bars.map((b) => [b.openTicks, b.highTicks, b.lowTicks, b.closeTicks, b.volume, b.trades, b.startNs, b.endNs]);

// Seven trades; trades 1-3 share one timestamp.
const seven = tape([
  { tsNs: at(1), priceTicks: 100, size: 2 },
  { tsNs: at(2), priceTicks: 102, size: 1 },
  { tsNs: at(2), priceTicks: 99, size: 4 },
  { tsNs: at(2), priceTicks: 101, size: 1 },
  { tsNs: at(3), priceTicks: 103, size: 3 },
  { tsNs: at(4), priceTicks: 104, size: 1 },
  { tsNs: at(5), priceTicks: 98, size: 2 },
]);

describe("BarBuilder: tick bars", () => {
  it("closes each bar on its Nth trade, counting trades at the same timestamp one by one; the last bar is partial", () => {
    expect(rows(buildBars({ kind: "tick", count: 3 }, [seven]))).toEqual([
      [100, 102, 99, 99, 7, 3, at(1), at(2)],
      [101, 104, 101, 104, 5, 3, at(2), at(4)],
      [98, 98, 98, 98, 2, 1, at(5), at(5)],
    ]);
  });

  it("makes one bar per trade with count 1", () => {
    const bars = buildBars({ kind: "tick", count: 1 }, [seven]);
    expect(bars.map((b) => [b.closeTicks, b.volume])).toEqual([
      [100, 2],
      [102, 1],
      [99, 4],
      [101, 1],
      [103, 3],
      [104, 1],
      [98, 2],
    ]);
  });
});

describe("BarBuilder: volume bars", () => {
  it("closes on the trade that brings the volume to N or more; that trade stays whole in the bar and the next bar starts empty", () => {
    // Sizes 2,1,4,1,3,1,2 with N = 5: 2+1 = 3 < 5, +4 = 7 >= 5 (excess 2 not carried); 1+3+1 = 5; 2 (partial).
    expect(rows(buildBars({ kind: "volume", size: 5 }, [seven]))).toEqual([
      [100, 102, 99, 99, 7, 3, at(1), at(2)],
      [101, 104, 101, 104, 5, 3, at(2), at(4)],
      [98, 98, 98, 98, 2, 1, at(5), at(5)],
    ]);
  });

  it("puts a trade larger than a whole bar into one bar of its own", () => {
    const big = tape([
      { tsNs: at(1), priceTicks: 10, size: 1 },
      { tsNs: at(1), priceTicks: 11, size: 25 },
      { tsNs: at(2), priceTicks: 12, size: 3 },
      { tsNs: at(3), priceTicks: 13, size: 1 },
    ]);
    expect(rows(buildBars({ kind: "volume", size: 4 }, [big]))).toEqual([
      [10, 11, 10, 11, 26, 2, at(1), at(1)],
      [12, 13, 12, 13, 4, 2, at(2), at(3)],
    ]);
  });
});

describe("BarBuilder: range bars", () => {
  it("closes before the trade that would take high - low past N ticks; that trade opens the next bar", () => {
    // N = 3. Bar 1: 100, 102, 99 (range 3), 101, 103 would make 103 - 99 = 4 > 3: breaks.
    // Bar 2: 103, 104, then 98 would make 104 - 98 = 6: breaks. Bar 3: 98 (partial).
    expect(rows(buildBars({ kind: "range", ticks: 3 }, [seven]))).toEqual([
      [100, 102, 99, 101, 8, 4, at(1), at(2)],
      [103, 104, 103, 104, 4, 2, at(3), at(4)],
      [98, 98, 98, 98, 2, 1, at(5), at(5)],
    ]);
  });

  it("keeps a bar whose range is exactly N open", () => {
    const flat = tape([
      { tsNs: at(1), priceTicks: 50 },
      { tsNs: at(2), priceTicks: 52 },
      { tsNs: at(3), priceTicks: 50 },
    ]);
    expect(buildBars({ kind: "range", ticks: 2 }, [flat]).map((b) => b.trades)).toEqual([3]);
    expect(buildBars({ kind: "range", ticks: 1 }, [flat]).map((b) => b.trades)).toEqual([1, 1, 1]);
  });

  it("spans batches: a bar open at a batch end continues in the next batch", () => {
    const first = tape([{ tsNs: at(1), priceTicks: 10, size: 1 }]);
    const second = tape([
      { tsNs: at(100), priceTicks: 11, size: 2 },
      { tsNs: at(101), priceTicks: 20, size: 1 },
    ]);
    expect(rows(buildBars({ kind: "range", ticks: 4 }, [first, second]))).toEqual([
      [10, 11, 10, 11, 3, 2, at(1), at(100)],
      [20, 20, 20, 20, 1, 1, at(101), at(101)],
    ]);
  });
});

describe("BarBuilder: spec", () => {
  it("refuses a spec that is not a positive integer", () => {
    expect(() => new BarBuilder({ kind: "tick", count: 0 })).toThrow(AppError);
    expect(() => new BarBuilder({ kind: "volume", size: 1.5 })).toThrow(/Invalid bar spec/);
    expect(() => new BarBuilder({ kind: "hour" } as unknown as BarSpec)).toThrow(AppError);
  });
});

const specArb: fc.Arbitrary<BarSpec> = fc.oneof(
  fc.integer({ min: 1, max: 8 }).map((count) => ({ kind: "tick" as const, count })),
  fc.integer({ min: 1, max: 20 }).map((size) => ({ kind: "volume" as const, size })),
  fc.integer({ min: 1, max: 6 }).map((ticks) => ({ kind: "range" as const, ticks })),
);

/** Batches of trades in time order: [step ns >= 0, price move, size]. */
const batchesArb = fc
  .array(fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: -3, max: 3 }), fc.integer({ min: 1, max: 9 })), { minLength: 1, maxLength: 40 }), {
    minLength: 1,
    maxLength: 4,
  })
  .map((groups) => {
    let ns = at(0);
    let price = 1000;
    return groups.map((group) =>
      tape(
        group.map(([step, move, size]) => {
          ns += BigInt(step);
          price += move;
          return { tsNs: ns, priceTicks: price, size };
        }),
      ),
    );
  });

function flatten(batches: TradeColumns[]) {
  return batches.flatMap((b) => Array.from({ length: b.length }, (_, i) => ({ ns: b.baseNs + BigInt(b.tsOffsetNs[i]), p: b.priceTicks[i], s: b.size[i] })));
}

describe("BarBuilder: invariants", () => {
  it("partitions the trade stream: contiguous bars whose volumes and counts sum to the trades', each obeying its kind's rule", () => {
    fc.assert(
      fc.property(specArb, batchesArb, (spec, batches) => {
        const trades = flatten(batches);
        const bars = buildBars(spec, batches);
        expect(bars.reduce((sum, b) => sum + b.volume, 0)).toBe(trades.reduce((sum, t) => sum + t.s, 0));
        let next = 0;
        bars.forEach((bar, k) => {
          const own = trades.slice(next, next + bar.trades);
          expect(own.length).toBe(bar.trades);
          expect(bar.startNs).toBe(own[0].ns);
          expect(bar.endNs).toBe(own[own.length - 1].ns);
          expect(bar.openTicks).toBe(own[0].p);
          expect(bar.closeTicks).toBe(own[own.length - 1].p);
          expect(bar.highTicks).toBe(Math.max(...own.map((t) => t.p)));
          expect(bar.lowTicks).toBe(Math.min(...own.map((t) => t.p)));
          expect(bar.volume).toBe(own.reduce((sum, t) => sum + t.s, 0));
          const last = k === bars.length - 1;
          if (spec.kind === "tick") expect(bar.trades).toBe(last ? bar.trades : spec.count);
          if (spec.kind === "tick") expect(bar.trades).toBeLessThanOrEqual(spec.count);
          if (spec.kind === "volume") {
            expect(bar.volume - own[own.length - 1].s).toBeLessThan(spec.size);
            if (!last) expect(bar.volume).toBeGreaterThanOrEqual(spec.size);
          }
          if (spec.kind === "range") {
            expect(bar.highTicks - bar.lowTicks).toBeLessThanOrEqual(spec.ticks);
            if (!last) {
              const breaker = trades[next + bar.trades].p;
              expect(Math.max(bar.highTicks, breaker) - Math.min(bar.lowTicks, breaker)).toBeGreaterThan(spec.ticks);
            }
          }
          next += bar.trades;
        });
        expect(next).toBe(trades.length);
      }),
      { numRuns: 300 },
    );
  });
});

describe("TimeBarAccumulator (OHLCV of time bars)", () => {
  it("folds runs of trades exactly as it adds them one by one, and starts empty after take", () => {
    const trade = fc.record({ p: fc.integer({ min: -5, max: 5 }), s: fc.integer({ min: 1, max: 9 }) });
    fc.assert(
      fc.property(fc.array(trade, { minLength: 1, maxLength: 40 }), fc.array(fc.nat(40)), (list, cuts) => {
        const px = Int32Array.from(list.map((t) => t.p));
        const sz = Int32Array.from(list.map((t) => t.s));
        const one = new TimeBarAccumulator();
        for (const t of list) one.add(t.p, t.s);
        const runs = new TimeBarAccumulator();
        const points = [...new Set([0, ...cuts.map((c) => c % (list.length + 1)), list.length])].sort((a, b) => a - b);
        for (let k = 1; k < points.length; k++) runs.fold(px, sz, points[k - 1], points[k]);
        const expected = { kind: "time", startNs: 0n, endNs: 1n, openTicks: list[0].p, highTicks: Math.max(...px), lowTicks: Math.min(...px), closeTicks: list[list.length - 1].p, volume: sz.reduce((a, b) => a + b, 0), trades: list.length };
        expect(one.take(0n, 1n)).toEqual(expected);
        expect(runs.take(0n, 1n)).toEqual(expected);
        runs.add(7, 2);
        expect(runs.take(1n, 2n)).toMatchObject({ openTicks: 7, highTicks: 7, lowTicks: 7, closeTicks: 7, volume: 2, trades: 1 });
      }),
    );
  });
});
