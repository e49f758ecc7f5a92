/**
 * Test support: small strategies used by engine tests. Not registered as built-ins.
 */
import { z } from "zod";
import type { Fill } from "../fill";
import type { Order } from "../order";
import { defineStrategy, type StrategyContext, type StrategyHandlers, type StrategyModule } from "../strategy";

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

/**
 * Like randomTrader, plus random limit, stop and stop-limit orders (any time in force, sometimes
 * reduce-only, prices within a few ticks of the last trade, occasionally invalid), cancels and
 * modifications of working orders. Logs every order it sent, including rejected ones.
 */
export function randomOrderFlowTrader(
  log: RandomTraderLog,
  barIntervalNs: number,
  pTrade: number,
  pBar: number,
  pFill: number,
  /** "noop": an onTrade that does nothing; "none": no onTrade (the engine's scanning loops). */
  tradeHandler: "active" | "noop" | "none" = "active",
): StrategyModule {
  const tifs = ["GTC", "DAY", "IOC", "FOK"] as const;
  const act = (ctx: StrategyContext) => {
    const r = ctx.random();
    const side = ctx.random() < 0.5 ? 1 : -1;
    const qty = ctx.random() < 0.03 ? 0 : 1 + Math.floor(ctx.random() * 3);
    const last = Number.isNaN(ctx.lastPriceTicks) ? 20_000 : ctx.lastPriceTicks;
    const price = () => last + Math.floor(ctx.random() * 9) - 4;
    const opts = { timeInForce: tifs[Math.floor(ctx.random() * 4)], reduceOnly: ctx.random() < 0.15 };
    if (r < 0.2) log.orders.push(ctx.submitMarket(side, Math.max(1, qty)));
    else if (r < 0.45) log.orders.push(ctx.submitLimit(side, qty, price(), opts));
    else if (r < 0.65) log.orders.push(ctx.submitStop(side, qty, price(), opts));
    else if (r < 0.8) log.orders.push(ctx.submitStopLimit(side, qty, price(), price(), opts));
    else {
      const working = ctx.workingOrders();
      if (working.length === 0) return;
      const target = working[Math.floor(ctx.random() * working.length)];
      if (r < 0.9) ctx.cancel(target.id);
      else ctx.modify(target.id, { priceTicks: price(), qty: 1 + Math.floor(ctx.random() * 3) });
    }
  };
  return defineStrategy({
    id: "random-order-flow",
    name: "Random order flow",
    description: "Test strategy sending random orders of every type",
    paramsSchema: z.object({}),
    create: () => ({
      barIntervalNs,
      onStart(ctx) {
        act(ctx);
      },
      ...(tradeHandler === "none"
        ? {}
        : {
            onTrade(ctx: StrategyContext) {
              if (tradeHandler === "active" && ctx.random() < pTrade) act(ctx);
            },
          }),
      onBar(ctx) {
        if (ctx.random() < pBar) act(ctx);
      },
      onFill(ctx, fill) {
        log.fills.push(fill);
        if (ctx.random() < pFill) act(ctx);
      },
    }),
  });
}
