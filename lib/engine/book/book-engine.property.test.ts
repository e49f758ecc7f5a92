import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { generateSyntheticMbo } from "../../book/test-support/synthetic-mbo";
import { getContractSpec } from "../../market/contract-spec";
import type { BookFillModelName, Fill } from "../fill";
import { instrumentFromContractSpec } from "../instrument";
import type { Side } from "../order";
import { resultHash } from "../result-hash";
import type { StrategyModule } from "../strategy";
import { BookBacktestEngine } from "./book-engine";
import type { BookStrategyHandlers } from "./book-strategy";

const ES = getContractSpec("ES");

interface Log {
  orderQty: Map<number, number>;
  /** Signed sum of fill quantities, and the position the strategy saw after each fill. */
  signedFills: number;
  mismatches: number;
}

/** Random order flow driven by ctx.random(): limits near the best, market orders, cancels, modifies. */
function randomBookTrader(pAct: number, log: Log): StrategyModule {
  return {
    id: "random-book-trader",
    name: "random",
    description: "test",
    paramsSchema: z.object({}),
    create(): BookStrategyHandlers {
      const ids: number[] = [];
      return {
        onStart() {},
        onBook(ctx) {
          if (ctx.random() >= pAct) return;
          const side: Side = ctx.random() < 0.5 ? 1 : -1;
          const qty = 1 + Math.floor(ctx.random() * 5);
          const r = ctx.random();
          const best = side === 1 ? ctx.book.bestBidTicks : ctx.book.bestAskTicks;
          if (r < 0.15) {
            const order = ctx.submitMarket(side, qty);
            log.orderQty.set(order.id, qty);
          } else if (r < 0.75 && best === best) {
            const price = best - side * Math.floor(ctx.random() * 3) + (ctx.random() < 0.1 ? side * 2 : 0);
            const order = ctx.submitLimit(side, qty, price);
            if (order.status === "working") {
              log.orderQty.set(order.id, qty);
              ids.push(order.id);
            }
          } else if (ids.length > 0) {
            const id = ids[Math.floor(ctx.random() * ids.length)];
            if (ctx.random() < 0.5) ctx.cancel(id);
            else {
              const newQty = 1 + Math.floor(ctx.random() * 6);
              if (ctx.modify(id, { qty: newQty })) log.orderQty.set(id, newQty);
            }
          }
        },
        onFill(ctx, fill: Fill) {
          log.signedFills += fill.side * fill.qty;
          if (ctx.position.qty !== log.signedFills) log.mismatches++;
        },
      };
    },
  };
}

function runRandom(seed: number, model: BookFillModelName, latencyNs: number, chunk: number, pAct: number) {
  const log: Log = { orderQty: new Map(), signedFills: 0, mismatches: 0 };
  const data = generateSyntheticMbo({ records: 4_000, seed, targetOrders: 400 });
  const engine = new BookBacktestEngine({
    instrument: instrumentFromContractSpec(ES, 100),
    strategy: randomBookTrader(pAct, log),
    params: {},
    fillModel: model,
    startingCashCents: 10_000_000,
    seed,
    latencyNs,
    tickSizeNano: ES.tickSizeNano,
  });
  for (let from = 0; from < data.length; from += chunk) engine.processBatch(data, from, Math.min(data.length, from + chunk));
  return { result: engine.finish(), log };
}

const arbitrary = fc.record({
  seed: fc.integer({ min: 1, max: 1_000_000 }),
  model: fc.constantFrom<BookFillModelName>("l1-quotes", "l2-queue", "l3-fifo"),
  latencyNs: fc.constantFrom(0, 1_000, 50_000_000),
  chunk: fc.integer({ min: 1, max: 5_000 }),
  pAct: fc.double({ min: 0.01, max: 0.5, noNaN: true }),
});

describe("book engine invariants (random order flow over synthetic MBO)", () => {
  it("never fills an order beyond its quantity; the position is the sum of the fills; the run ends flat", () => {
    fc.assert(
      fc.property(arbitrary, ({ seed, model, latencyNs, chunk, pAct }) => {
        const { result, log } = runRandom(seed, model, latencyNs, chunk, pAct);
        const filled = new Map<number, number>();
        for (const fill of result.fills) {
          expect(Number.isInteger(fill.qty) && fill.qty > 0).toBe(true);
          expect(Number.isInteger(fill.priceTicks)).toBe(true);
          filled.set(fill.orderId, (filled.get(fill.orderId) ?? 0) + fill.qty);
        }
        for (const [id, qty] of filled) {
          if (log.orderQty.has(id)) expect(qty).toBeLessThanOrEqual(log.orderQty.get(id)!);
        }
        expect(log.mismatches).toBe(0);
        expect(result.fills.reduce((sum, f) => sum + f.side * f.qty, 0)).toBe(0);
        expect(result.finalPositionQty).toBe(0);
        expect(result.metrics.netPnlCents).toBe(result.finalEquityCents - result.startingCashCents);
      }),
      { numRuns: 60 },
    );
  });

  it("gives the same result hash whatever the chunking", () => {
    fc.assert(
      fc.property(arbitrary, ({ seed, model, latencyNs, chunk, pAct }) => {
        expect(resultHash(runRandom(seed, model, latencyNs, chunk, pAct).result)).toBe(resultHash(runRandom(seed, model, latencyNs, 4_000, pAct).result));
      }),
      { numRuns: 20 },
    );
  });
});
