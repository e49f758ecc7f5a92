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

/**
 * Random flow of every order type and link: market, limit, stop, stop-limit, trailing stop,
 * market-if-touched, any time in force (GTD with a near expiry), brackets on entries, OCO pairs,
 * cancels, modifications and timers. Logs every order it sent and every fill it was told about.
 */
export function randomLinkedOrderTrader(log: RandomTraderLog, pAct: number): StrategyModule {
  const tifs = ["GTC", "DAY", "IOC", "FOK", "GTD"] as const;
  const act = (ctx: StrategyContext) => {
    const r = ctx.random();
    const side = ctx.random() < 0.5 ? 1 : -1;
    const qty = 1 + Math.floor(ctx.random() * 4);
    const last = Number.isNaN(ctx.lastPriceTicks) ? 20_000 : ctx.lastPriceTicks;
    const price = () => last + Math.floor(ctx.random() * 9) - 4;
    const tif = tifs[Math.floor(ctx.random() * tifs.length)];
    const opts = { timeInForce: tif, reduceOnly: ctx.random() < 0.1, ...(tif === "GTD" ? { expireAtNs: ctx.timeNs + BigInt(1 + Math.floor(ctx.random() * 5e9)) } : {}) };
    const sent: Readonly<Order>[] = [];
    if (r < 0.15) sent.push(ctx.submitMarket(side, qty));
    else if (r < 0.3) sent.push(ctx.submitLimit(side, qty, price(), opts));
    else if (r < 0.4) sent.push(ctx.submitStop(side, qty, price(), opts));
    else if (r < 0.45) sent.push(ctx.submitStopLimit(side, qty, price(), price(), opts));
    else if (r < 0.55) sent.push(ctx.submitTrailingStop(side, qty, 1 + Math.floor(ctx.random() * 4), opts));
    else if (r < 0.62) sent.push(ctx.submitMarketIfTouched(side, qty, price(), opts));
    else if (r < 0.75) {
      const entry = ctx.random() < 0.5 ? ctx.submitMarket(side, qty) : ctx.submitLimit(side, qty, price(), { timeInForce: "GTC" });
      sent.push(entry);
      ctx.attachBracket(entry.id, { takeProfitTicks: 1 + Math.floor(ctx.random() * 6), ...(ctx.random() < 0.8 ? { stopLossTicks: 1 + Math.floor(ctx.random() * 6) } : {}) });
    } else if (r < 0.83) {
      const a = ctx.submitStop(1, qty, last + 1 + Math.floor(ctx.random() * 3));
      const b = ctx.submitStop(-1, qty, last - 1 - Math.floor(ctx.random() * 3));
      sent.push(a, b);
      ctx.linkOco([a.id, b.id], ctx.random() < 0.5 ? "cancel" : "reduce");
    } else if (r < 0.88) {
      ctx.setTimer(ctx.timeNs + BigInt(Math.floor(ctx.random() * 3e9)), Math.floor(ctx.random() * 3));
    } else {
      const working = ctx.workingOrders();
      if (working.length === 0) return;
      const target = working[Math.floor(ctx.random() * working.length)];
      if (r < 0.94) ctx.cancel(target.id);
      else ctx.modify(target.id, target.type === "trailing-stop" ? { trailTicks: 1 + Math.floor(ctx.random() * 3) } : { priceTicks: price(), qty: 1 + Math.floor(ctx.random() * 4) });
    }
    log.orders.push(...sent);
  };
  return defineStrategy({
    id: "random-linked-orders",
    name: "Random linked orders",
    description: "Test strategy sending random orders of every type, brackets, OCO pairs and timers",
    paramsSchema: z.object({}),
    create: () => ({
      onStart: act,
      onTrade(ctx) {
        if (ctx.random() < pAct) act(ctx);
      },
      onTimer: act,
      onFill(ctx, fill) {
        log.fills.push(fill);
        if (ctx.random() < pAct) act(ctx);
      },
    }),
  });
}
