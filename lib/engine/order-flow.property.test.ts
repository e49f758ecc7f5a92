/**
 * Invariants of the engine under random flows of every order type and link (trailing stops, MIT,
 * GTD, brackets, OCO groups, timers), partial fills and latency distributions: fills never exceed
 * order quantity (nor, with trade-size caps, the trade's size), the position is the sum of fills,
 * realised + unrealised - fees = equity change, and results are deterministic whatever the chunking.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isInSessionNs } from "../market/session-calendar";
import type { TradeColumns } from "../market/trade-columns";
import { BacktestEngine } from "./engine";
import type { Fill } from "./fill";
import { defineInstrument } from "./instrument";
import type { LatencyConfig } from "./latency-model";
import { resultHash } from "./result-hash";
import { randomLinkedOrderTrader, type RandomTraderLog } from "./test-support/strategies";
import { tape, T0_NS } from "./test-support/tape";

const latencyArbitrary: fc.Arbitrary<LatencyConfig | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.record({
    entry: fc.oneof(
      fc.integer({ min: 0, max: 2_000_000_000 }).map((ns) => ({ kind: "constant" as const, ns })),
      fc.integer({ min: 0, max: 1_000_000_000 }).map((minNs) => ({ kind: "uniform" as const, minNs, maxNs: minNs + 500_000_000 })),
    ),
    response: fc.oneof(
      fc.constant({ kind: "constant" as const, ns: 0 }),
      fc.integer({ min: 1, max: 3_000_000_000 }).map((medianNs) => ({ kind: "lognormal" as const, medianNs, sigma: 0.5, maxNs: 4_000_000_000 })),
    ),
  }),
);

const specArbitrary = fc.record({
  sessions: fc.array(
    fc.record({
      gapNs: fc.integer({ min: 0, max: 20_000_000_000 }),
      steps: fc.array(
        fc.record({ dtNs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 2_000_000_000 })), dTicks: fc.integer({ min: -3, max: 3 }), size: fc.integer({ min: 1, max: 4 }) }),
        { minLength: 1, maxLength: 120 },
      ),
    }),
    { minLength: 1, maxLength: 3 },
  ),
  chunk: fc.integer({ min: 1, max: 50 }),
  seed: fc.nat(),
  pAct: fc.double({ min: 0.02, max: 0.4, noNaN: true }),
  partialFills: fc.boolean(),
  marketFillsTradeSize: fc.boolean(),
  slippageTicks: fc.integer({ min: 0, max: 1 }),
  latency: latencyArbitrary,
  /** "none": no calendar, trades near T0; otherwise the CME calendar around a daily break, with gaps up to an hour. */
  hours: fc.constantFrom("none" as const, "calendar" as const, "settle-and-flatten" as const),
});

type Spec = typeof specArbitrary extends fc.Arbitrary<infer T> ? T : never;

/** 2024-03-07 21:50:00Z: ten minutes before the close of session 2024-03-07 (it reopens at 23:00Z). */
const BEFORE_CLOSE_NS = 1_709_848_200_000_000_000n;

function buildBatches(spec: Spec): TradeColumns[] {
  const calendar = spec.hours !== "none";
  let t = (calendar ? BEFORE_CLOSE_NS : T0_NS) + 123_456_789n;
  let price = 20_000;
  return spec.sessions.map((session) => {
    t += BigInt(session.gapNs) * (calendar ? 180n : 1n);
    return tape(
      session.steps.map((step) => {
        t += BigInt(step.dtNs);
        price += step.dTicks;
        return { tsNs: t, priceTicks: price, size: step.size };
      }),
    );
  });
}

const cashFlowTicks = (fills: readonly Fill[]) => fills.reduce((sum, f) => sum - f.side * f.qty * f.priceTicks, 0);
const signedQty = (fills: readonly Fill[]) => fills.reduce((sum, f) => sum + f.side * f.qty, 0);

function runSpec(spec: Spec, batches: TradeColumns[], chunk: number, check?: (engine: BacktestEngine, log: RandomTraderLog, last: number) => void) {
  const log: RandomTraderLog = { orders: [], fills: [] };
  const engine = new BacktestEngine({
    instrument: defineInstrument({ symbol: "TEST", tickSize: 0.25, tickValueCents: 50, feePerSideCents: 57 }),
    strategy: randomLinkedOrderTrader(log, spec.pAct),
    params: {},
    fillModel: "l1-trades",
    startingCashCents: 5_000_000,
    seed: spec.seed,
    slippageTicks: spec.slippageTicks,
    partialFills: spec.partialFills,
    marketFillsTradeSize: spec.marketFillsTradeSize,
    ...(spec.latency ? { latency: spec.latency } : {}),
    calendar: spec.hours === "none" ? "none" : "cme-equity",
    ...(spec.hours === "settle-and-flatten" ? { dailySettlement: true, flattenAtSessionEnd: { secondsBeforeClose: 30 } } : {}),
  });
  for (const batch of batches) {
    for (let from = 0; from < batch.length; from += chunk) {
      const to = Math.min(batch.length, from + chunk);
      engine.processBatch(batch, from, to);
      check?.(engine, log, batch.priceTicks[to - 1]);
    }
  }
  return { result: engine.finish(), log };
}

describe("BacktestEngine invariants under random flows of every order type and link", () => {
  it("never overfills an order or a trade; position = sum of fills; realised + unrealised - fees = equity change", () => {
    fc.assert(
      fc.property(specArbitrary, (spec) => {
        const batches = buildBatches(spec);
        const { result, log } = runSpec(spec, batches, spec.chunk, (engine, log, last) => {
          const snapshot = engine.snapshot();
          // Every booked fill so far, whether or not its report reached the strategy yet.
          const booked = (engine as unknown as { venue: { fills: Fill[] } }).venue.fills;
          expect(snapshot.positionQty).toBe(signedQty(booked));
          const fees = booked.reduce((sum, f) => sum + f.feeCents, 0);
          expect(snapshot.equityCents).toBe(5_000_000 + (cashFlowTicks(booked) + snapshot.positionQty * last) * 50 - fees);
        });
        expect(log.fills).toEqual(result.fills);
        expect(signedQty(result.fills)).toBe(0);
        const byOrder = new Map<number, number>();
        for (const fill of result.fills) byOrder.set(fill.orderId, (byOrder.get(fill.orderId) ?? 0) + fill.qty);
        const everyOrder = [...log.orders, ...result.cancelledOrders];
        for (const order of everyOrder) {
          const filled = byOrder.get(order.id) ?? 0;
          expect(filled).toBe(order.filledQty);
          expect(order.filledQty).toBeLessThanOrEqual(order.qty);
          expect(order.status).not.toBe("working");
        }
        if (spec.partialFills && spec.marketFillsTradeSize) {
          const perTrade = new Map<string, number>();
          for (const fill of result.fills) {
            if (fill.reason.model !== "l1-trades") continue;
            const key = `${fill.reason.batch}:${fill.reason.tradeIndex}`;
            perTrade.set(key, (perTrade.get(key) ?? 0) + fill.qty);
          }
          for (const [key, qty] of perTrade) {
            const [b, i] = key.split(":").map(Number);
            expect(qty).toBeLessThanOrEqual(batches[b].size[i]);
          }
        }
        // Nothing fills while the market is closed.
        if (spec.hours !== "none") {
          for (const fill of result.fills) if (fill.reason.model === "l1-trades") expect(isInSessionNs(fill.tsNs)).toBe(true);
        }
        const fees = result.fills.reduce((sum, f) => sum + f.feeCents, 0);
        expect(result.finalEquityCents - result.startingCashCents).toBe(cashFlowTicks(result.fills) * 50 - fees);
        expect(result.trades.reduce((s, t) => s + t.pnlCents, 0)).toBe(result.metrics.grossPnlCents);
      }),
      { numRuns: 150 },
    );
  });

  it("is deterministic: the same inputs give the same result hash whatever the chunking", () => {
    fc.assert(
      fc.property(specArbitrary, fc.integer({ min: 1, max: 400 }), (spec, otherChunk) => {
        const batches = buildBatches(spec);
        expect(resultHash(runSpec(spec, batches, otherChunk).result)).toBe(resultHash(runSpec(spec, batches, spec.chunk).result));
      }),
      { numRuns: 80 },
    );
  });
});
