import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { TradeColumns } from "../market/trade-columns";
import { BacktestEngine } from "./engine";
import type { Fill } from "./fill";
import { defineInstrument } from "./instrument";
import { resultHash } from "./result-hash";
import { randomOrderFlowTrader, randomTrader, type RandomTraderLog } from "./test-support/strategies";
import { tape, T0_NS } from "./test-support/tape";

const sessionArbitrary = fc.record({
  gapNs: fc.integer({ min: 0, max: 50_000_000_000 }),
  originBeforeNs: fc.integer({ min: 0, max: 10_000_000_000 }),
  steps: fc.array(
    fc.record({ dtNs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3_000_000_000 })), dTicks: fc.integer({ min: -4, max: 4 }) }),
    { minLength: 1, maxLength: 150, size: "max" },
  ),
});

const runArbitrary = fc.record({
  sessions: fc.array(sessionArbitrary, { minLength: 1, maxLength: 3 }),
  chunk: fc.integer({ min: 1, max: 60 }),
  seed: fc.nat(),
  feePerSideCents: fc.integer({ min: 0, max: 300 }),
  tickValueCents: fc.constantFrom(50, 125, 500),
  latencyNs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5_000_000_000 })),
  slippageTicks: fc.integer({ min: 0, max: 2 }),
  barSeconds: fc.integer({ min: 1, max: 30 }),
  pTrade: fc.double({ min: 0.01, max: 0.3, noNaN: true }),
  pBar: fc.double({ min: 0.1, max: 1, noNaN: true }),
  pFill: fc.double({ min: 0, max: 0.5, noNaN: true }),
});

type RunSpec = typeof runArbitrary extends fc.Arbitrary<infer T> ? T : never;

function buildBatches(spec: RunSpec): TradeColumns[] {
  let t = T0_NS + 987_654_321n;
  let price = 20_000;
  return spec.sessions.map((session) => {
    t += BigInt(session.gapNs);
    const trades = session.steps.map((step) => {
      t += BigInt(step.dtNs);
      price += step.dTicks;
      return { tsNs: t, priceTicks: price };
    });
    return tape(trades, trades[0].tsNs - BigInt(session.originBeforeNs));
  });
}

/** Cash-flow view of P&L, independent of the FIFO lot accounting: -sum(side x qty x price) in tick-contracts. */
function cashFlowTicks(fills: readonly Fill[]): number {
  return fills.reduce((sum, f) => sum - f.side * f.qty * f.priceTicks, 0);
}

function signedQty(fills: readonly Fill[]): number {
  return fills.reduce((sum, f) => sum + f.side * f.qty, 0);
}

type Trader = typeof randomTrader;

function runOnce(
  spec: RunSpec,
  batches: TradeColumns[],
  chunk: number,
  onChunk?: (engine: BacktestEngine, log: RandomTraderLog, lastPriceTicks: number) => void,
  trader: Trader = randomTrader,
  limitFillRule: "through" | "touch" = "through",
) {
  const log: RandomTraderLog = { orders: [], fills: [] };
  const instrument = defineInstrument({ symbol: "TEST", tickSize: 0.25, tickValueCents: spec.tickValueCents, feePerSideCents: spec.feePerSideCents });
  const engine = new BacktestEngine({
    instrument,
    strategy: trader(log, spec.barSeconds * 1e9, spec.pTrade, spec.pBar, spec.pFill),
    params: {},
    fillModel: "l1-trades",
    startingCashCents: 5_000_000,
    seed: spec.seed,
    latencyNs: spec.latencyNs,
    slippageTicks: spec.slippageTicks,
    limitFillRule,
  });
  for (const batch of batches) {
    for (let from = 0; from < batch.length; from += chunk) {
      const to = Math.min(batch.length, from + chunk);
      engine.processBatch(batch, from, to);
      onChunk?.(engine, log, batch.priceTicks[to - 1]);
    }
  }
  return { result: engine.finish(), log, instrument };
}

const traders: readonly (readonly [string, Trader])[] = [
  ["market orders", randomTrader],
  ["market, limit, stop and stop-limit orders with cancels and modifications", randomOrderFlowTrader],
  ["resting orders sent from bars and fills only (scanning loops)", (...args) => randomOrderFlowTrader(...args, "none")],
];

describe.each(traders)("BacktestEngine invariants on random tapes and random %s", (_name, trader) => {
  it("keeps position, equity, fees and round trips consistent at every chunk boundary and at the end", () => {
    fc.assert(
      fc.property(runArbitrary, fc.constantFrom("through" as const, "touch" as const), (spec, rule) => {
        const batches = buildBatches(spec);
        const { result, log, instrument } = runOnce(spec, batches, spec.chunk, (engine, log, lastPriceTicks) => {
          const snapshot = engine.snapshot();
          // Position equals the sum of signed fills.
          expect(snapshot.positionQty).toBe(signedQty(log.fills));
          // realised + unrealised - fees = equity change, checked against cash flows marked at the last trade.
          const fees = log.fills.reduce((sum, f) => sum + f.feeCents, 0);
          const expected = 5_000_000 + (cashFlowTicks(log.fills) + snapshot.positionQty * lastPriceTicks) * spec.tickValueCents - fees;
          expect(snapshot.equityCents).toBe(expected);
        }, trader, rule);

        // The strategy saw every fill (onFill, including the end-of-data close), and the run ends flat.
        expect(log.fills).toEqual(result.fills);
        expect(signedQty(result.fills)).toBe(0);
        expect(result.finalPositionQty).toBe(0);

        // Fills never exceed order quantity; filled orders are exactly those fully filled.
        const filledByOrder = new Map<number, number>();
        for (const fill of result.fills) filledByOrder.set(fill.orderId, (filledByOrder.get(fill.orderId) ?? 0) + fill.qty);
        for (const order of log.orders) {
          const filled = filledByOrder.get(order.id) ?? 0;
          expect(filled).toBe(order.filledQty);
          expect(order.filledQty).toBeLessThanOrEqual(order.qty);
          // (A rejected order may carry an invalid quantity such as 0.)
          if (order.status !== "rejected") expect(order.status === "filled").toBe(order.filledQty === order.qty);
          // Nothing stays working after the end; rejected orders never fill.
          expect(order.status).not.toBe("working");
          if (order.status === "rejected") expect(filled).toBe(0);
          // A limit never fills worse than its limit.
          for (const fill of result.fills) {
            if (fill.orderId === order.id && (order.type === "limit" || order.type === "stop-limit") && fill.reason.model === "l1-trades") {
              expect(order.side * (fill.priceTicks - order.limitPriceTicks)).toBeLessThanOrEqual(0);
            }
          }
        }

        // A fill happens at or after submission + latency.
        const submitted = new Map(log.orders.map((o) => [o.id, o.submittedAtNs]));
        for (const fill of result.fills) {
          if (fill.reason.model === "l1-trades") expect(fill.tsNs >= submitted.get(fill.orderId)! + BigInt(spec.latencyNs)).toBe(true);
        }

        // Money: exact cents, metrics agree with round trips and with equity.
        const fees = result.fills.reduce((sum, f) => sum + f.feeCents, 0);
        expect(result.metrics.feesCents).toBe(fees);
        expect(result.finalEquityCents - result.startingCashCents).toBe(cashFlowTicks(result.fills) * instrument.tickValueCents - fees);
        expect(result.metrics.netPnlCents).toBe(result.finalEquityCents - result.startingCashCents);
        expect(result.trades.reduce((s, t) => s + t.pnlCents, 0)).toBe(result.metrics.grossPnlCents);
        expect(result.trades.reduce((s, t) => s + t.feesCents, 0)).toBe(fees);
        expect(result.trades.every((t) => t.netCents === t.pnlCents - t.feesCents)).toBe(true);

        // Equity series: aligned arrays, non-decreasing time.
        expect(result.equity.tsMs.length).toBe(result.equity.equityCents.length);
        for (let k = 1; k < result.equity.tsMs.length; k++) expect(result.equity.tsMs[k]).toBeGreaterThanOrEqual(result.equity.tsMs[k - 1]);
      }),
      { numRuns: 200 },
    );
  });

  it("gives the same result hash for the same seed, whatever the chunking", () => {
    fc.assert(
      fc.property(runArbitrary, fc.integer({ min: 1, max: 500 }), (spec, otherChunk) => {
        const batches = buildBatches(spec);
        const a = resultHash(runOnce(spec, batches, spec.chunk, undefined, trader).result);
        const b = resultHash(runOnce(spec, batches, otherChunk, undefined, trader).result);
        expect(b).toBe(a);
      }),
      { numRuns: 100 },
    );
  });
});

describe("BacktestEngine scanning loops with resting orders", () => {
  // Switching between the time-only and banded scans must not change anything (the band itself is
  // checked against matchTrade in fill-model.test.ts).
  it("give the same result as the per-trade loop", () => {
    fc.assert(
      fc.property(runArbitrary, fc.constantFrom("through" as const, "touch" as const), (spec, rule) => {
        const batches = buildBatches(spec);
        const scanned = runOnce(spec, batches, spec.chunk, undefined, (...args) => randomOrderFlowTrader(...args, "none"), rule);
        const perTrade = runOnce(spec, batches, spec.chunk, undefined, (...args) => randomOrderFlowTrader(...args, "noop"), rule);
        expect(resultHash(scanned.result)).toBe(resultHash(perTrade.result));
      }),
      { numRuns: 200 },
    );
  });
});
