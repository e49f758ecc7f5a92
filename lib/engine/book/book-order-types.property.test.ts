/**
 * Invariants of the book engine under random order flow with every order type it simulates -
 * market, limit, stop, stop-limit, trailing stop, market-if-touched, brackets, OCO groups, timers,
 * modifications - with seeded latency legs (entry
 * and response) and, half the time, the CME calendar with the data crossing a session close.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { generateSyntheticMbo } from "../../book/test-support/synthetic-mbo";
import { getContractSpec } from "../../market/contract-spec";
import type { BookFillModelName, Fill } from "../fill";
import { instrumentFromContractSpec } from "../instrument";
import type { LatencyConfig } from "../latency-model";
import type { Order, Side } from "../order";
import { resultHash } from "../result-hash";
import type { StrategyModule } from "../strategy";
import { BookBacktestEngine } from "./book-engine";
import type { BookStrategyContext, BookStrategyHandlers } from "./book-strategy";

const ES = getContractSpec("ES");
/** 8 ms before the close of session 2024-01-03 (22:00 UTC): the synthetic data (~16 ms) crosses it. */
const NEAR_CLOSE_NS = BigInt(Date.UTC(2024, 0, 3, 22, 0, 0)) * 1_000_000n - 8_000_000n;

interface Log {
  /** The live orders the strategy sent (the engine mutates them). */
  orders: Readonly<Order>[];
  /** onFill deliveries: fill ids and the clock at delivery. */
  reported: Fill[];
  reportedAt: bigint[];
}

function randomTrader(pAct: number, log: Log): StrategyModule {
  return {
    id: "random-order-types",
    name: "random",
    description: "test",
    paramsSchema: z.object({}),
    create(): BookStrategyHandlers {
      const ids: number[] = [];
      let timer = 0;
      const keep = (order: Readonly<Order>) => {
        log.orders.push(order);
        if (order.status === "working") ids.push(order.id);
        return order;
      };
      const act = (ctx: BookStrategyContext) => {
        const side: Side = ctx.random() < 0.5 ? 1 : -1;
        const qty = 1 + Math.floor(ctx.random() * 4);
        const bid = ctx.book.bestBidTicks;
        const ask = ctx.book.bestAskTicks;
        if (!(bid === bid && ask === ask)) return;
        const near = side === 1 ? bid : ask;
        const far = side === 1 ? ask : bid;
        const r = ctx.random();
        const offset = Math.floor(ctx.random() * 4);
        if (r < 0.1) keep(ctx.submitMarket(side, qty));
        else if (r < 0.3) keep(ctx.submitLimit(side, qty, near - side * offset, { timeInForce: ctx.random() < 0.1 ? "IOC" : ctx.random() < 0.2 ? "DAY" : "GTC" }));
        else if (r < 0.4) keep(ctx.submitStop(side, qty, far + side * offset));
        else if (r < 0.48) keep(ctx.submitStopLimit(side, qty, far + side * offset, far + side * (offset + Math.floor(ctx.random() * 3) - 1)));
        else if (r < 0.53) keep(ctx.submitTrailingStop(side, qty, 1 + offset, { reduceOnly: ctx.random() < 0.1 }));
        else if (r < 0.58) keep(ctx.submitMarketIfTouched(side, qty, near - side * offset, { timeInForce: ctx.random() < 0.1 ? "IOC" : "GTC" }));
        else if (r < 0.68) {
          const entry = keep(ctx.random() < 0.5 ? ctx.submitMarket(side, qty) : ctx.submitLimit(side, qty, near));
          ctx.attachBracket(entry.id, { takeProfitTicks: 1 + Math.floor(ctx.random() * 4), ...(ctx.random() < 0.8 ? { stopLossTicks: 1 + Math.floor(ctx.random() * 4) } : {}) });
        } else if (r < 0.76) {
          const up = keep(ctx.submitStop(1, qty, ask + offset));
          const down = keep(ctx.submitStop(-1, qty, bid - offset));
          ctx.linkOco([up.id, down.id], ctx.random() < 0.5 ? "cancel" : "reduce");
        } else if (r < 0.84) {
          ctx.setTimer(ctx.timeNs + BigInt(Math.floor(ctx.random() * 30_000)), timer++ % 3);
        } else if (ids.length > 0) {
          const id = ids[Math.floor(ctx.random() * ids.length)];
          if (ctx.random() < 0.5) ctx.cancel(id);
          else {
            const m = ctx.random();
            ctx.modify(id, m < 0.4 ? { qty: 1 + Math.floor(ctx.random() * 5) } : m < 0.8 ? { priceTicks: near - side * offset } : { trailTicks: 1 + offset });
          }
        }
      };
      return {
        onStart() {},
        onBook(ctx) {
          if (ctx.random() < pAct) act(ctx);
        },
        onTimer(ctx) {
          act(ctx as BookStrategyContext);
        },
        onFill(ctx, fill) {
          log.reported.push(fill);
          log.reportedAt.push(ctx.timeNs);
        },
      };
    },
  };
}

function runRandom(seed: number, model: BookFillModelName, latency: LatencyConfig, calendar: boolean, chunk: number, pAct: number) {
  const log: Log = { orders: [], reported: [], reportedAt: [] };
  const data = generateSyntheticMbo({ records: 4_000, seed, targetOrders: 400, ...(calendar ? { baseNs: NEAR_CLOSE_NS } : {}) });
  const engine = new BookBacktestEngine({
    instrument: instrumentFromContractSpec(ES, 100),
    strategy: randomTrader(pAct, log),
    params: {},
    fillModel: model,
    startingCashCents: 10_000_000,
    seed,
    latency,
    calendar: calendar ? "cme-equity" : "none",
    tickSizeNano: ES.tickSizeNano,
  });
  for (let from = 0; from < data.length; from += chunk) engine.processBatch(data, from, Math.min(data.length, from + chunk));
  return { result: engine.finish(), log };
}

const leg = fc.oneof(
  fc.constantFrom(0, 1_000, 20_000).map((ns) => ({ kind: "constant" as const, ns })),
  fc.integer({ min: 0, max: 30_000 }).map((minNs) => ({ kind: "uniform" as const, minNs, maxNs: minNs + 10_000 })),
);

const arbitrary = fc.record({
  seed: fc.integer({ min: 1, max: 1_000_000 }),
  model: fc.constantFrom<BookFillModelName>("l1-quotes", "l2-queue", "l3-fifo"),
  latency: fc.record({ entry: leg, response: leg }),
  calendar: fc.boolean(),
  chunk: fc.integer({ min: 1, max: 5_000 }),
  pAct: fc.double({ min: 0.02, max: 0.4, noNaN: true }),
});

describe("book engine invariants with stops, brackets, OCO, timers, latency legs and sessions", () => {
  it("never fills an order beyond its quantity; the position is the sum of the fills; every fill is reported once, in order, after it happened", () => {
    fc.assert(
      fc.property(arbitrary, ({ seed, model, latency, calendar, chunk, pAct }) => {
        const { result, log } = runRandom(seed, model, latency, calendar, chunk, pAct);
        const filled = new Map<number, number>();
        for (const fill of result.fills) {
          expect(Number.isInteger(fill.qty) && fill.qty > 0).toBe(true);
          expect(Number.isInteger(fill.priceTicks)).toBe(true);
          filled.set(fill.orderId, (filled.get(fill.orderId) ?? 0) + fill.qty);
        }
        for (const order of log.orders) {
          expect(order.filledQty).toBeLessThanOrEqual(order.qty);
          expect(filled.get(order.id) ?? 0).toBe(order.filledQty);
        }
        // Position: the signed sum of every fill, flat at the end (the end-of-data close included).
        expect(result.fills.reduce((sum, f) => sum + f.side * f.qty, 0)).toBe(0);
        expect(result.finalPositionQty).toBe(0);
        expect(result.metrics.netPnlCents).toBe(result.finalEquityCents - result.startingCashCents);
        // Every fill of the fill models reached onFill exactly once, in fill order, never before it happened.
        const modelled = result.fills.filter((f) => f.reason.model === model);
        expect(log.reported.map((f) => f.id)).toEqual(modelled.map((f) => f.id));
        for (let k = 0; k < log.reported.length; k++) {
          const f = log.reported[k];
          const response = f.reason.responseLatencyNs ?? 0;
          expect(log.reportedAt[k]).toBe(f.tsNs + BigInt(response));
          if (k > 0) expect(log.reportedAt[k] >= log.reportedAt[k - 1]).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });

  it("gives the same result hash whatever the chunking", () => {
    fc.assert(
      fc.property(arbitrary, ({ seed, model, latency, calendar, chunk, pAct }) => {
        expect(resultHash(runRandom(seed, model, latency, calendar, chunk, pAct).result)).toBe(resultHash(runRandom(seed, model, latency, calendar, 4_000, pAct).result));
      }),
      { numRuns: 20 },
    );
  });
});
