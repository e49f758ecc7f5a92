/**
 * Test support: small strategies used by engine tests. Not registered as built-ins.
 */
import { z } from "zod";
import type { Fill } from "../fill";
import type { Order } from "../order";
import { defineStrategy, type StrategyHandlers, type StrategyModule } from "../strategy";

/** A strategy whose handlers are given directly (parameters ignored). */
export function scripted(handlers: Partial<StrategyHandlers>): StrategyModule {
  return defineStrategy({
    id: "scripted",
    name: "Scripted",
    description: "Test strategy with fixed handlers",
    paramsSchema: z.object({}),
    create: () => ({ onStart() {}, ...handlers }),
  });
}

export interface RandomTraderLog {
  readonly orders: Readonly<Order>[];
  readonly fills: Fill[];
}

/**
 * Sends random market orders from onTrade, onBar and onFill using ctx.random (so it is
 * deterministic per seed) and logs what it sent and received.
 */
export function randomTrader(log: RandomTraderLog, barIntervalNs: number, pTrade: number, pBar: number, pFill: number): StrategyModule {
  return defineStrategy({
    id: "random-trader",
    name: "Random trader",
    description: "Test strategy sending random market orders",
    paramsSchema: z.object({}),
    create: () => ({
      barIntervalNs,
      onStart() {},
      onTrade(ctx) {
        if (ctx.random() < pTrade) log.orders.push(ctx.submitMarket(ctx.random() < 0.5 ? 1 : -1, 1 + Math.floor(ctx.random() * 3)));
      },
      onBar(ctx) {
        if (ctx.random() < pBar) log.orders.push(ctx.submitMarket(ctx.random() < 0.5 ? 1 : -1, 1 + Math.floor(ctx.random() * 3)));
      },
      onFill(ctx, fill) {
        log.fills.push(fill);
        if (ctx.random() < pFill) log.orders.push(ctx.submitMarket(fill.side === 1 ? -1 : 1, 1 + Math.floor(ctx.random() * 2)));
      },
    }),
  });
}
