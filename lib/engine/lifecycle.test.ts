/**
 * Market hours, session callbacks, timers, latency legs and the futures lifecycle, on real CME
 * Globex times (America/Chicago). Sessions used (UTC):
 *   2024-03-07: Wed 03-06 23:00 -> Thu 03-07 22:00 (CST);   2024-03-08: Thu 23:00 -> Fri 03-08 22:00;
 *   2024-03-11: Sun 03-10 22:00 (CDT, the DST weekend) -> Mon 03-11 21:00;
 *   2020-03-05 has the pre-2021 halt 21:15-21:30.
 * Prices are ticks; MNQ: 50 cents per tick, fee 57 cents per side.
 */
import { describe, expect, it } from "vitest";
import type { TradeColumns } from "../market/trade-columns";
import { BacktestEngine, type BacktestEngineConfig } from "./engine";
import { defineInstrument, type Instrument } from "./instrument";
import type { OrderRejectReason } from "./order";
import type { BacktestResult } from "./result";
import { resultHash } from "./result-hash";
import type { StrategyHandlers } from "./strategy";
import { scripted } from "./test-support/strategies";
import { at, tape } from "./test-support/tape";

const MNQ = defineInstrument({ symbol: "MNQ", tickSize: 0.25, tickValueCents: 50, feePerSideCents: 57 });
const utc = (iso: string): bigint => BigInt(Date.parse(iso)) * 1_000_000n;
const iso = (ns: bigint): string => new Date(Number(ns / 1_000_000n)).toISOString().replace(".000Z", "Z");

function trades(...list: [string, number][]): TradeColumns {
  return tape(list.map(([time, priceTicks]) => ({ tsNs: utc(time), priceTicks })));
}

function run(handlers: Partial<StrategyHandlers>, batches: TradeColumns[], overrides: Partial<BacktestEngineConfig> = {}, instrument: Instrument = MNQ): BacktestResult {
  const engine = new BacktestEngine({
    instrument,
    strategy: scripted(handlers),
    params: {},
    fillModel: "l1-trades",
    startingCashCents: 100_000,
    seed: 1,
    ...overrides,
  });
  for (const batch of batches) engine.processBatch(batch, 0, batch.length);
  return engine.finish();
}

describe("market hours (calendar cme-equity)", () => {
  it("rejects orders sent in the daily break and on the weekend as market-closed, and accepts them once open", () => {
    const log: string[] = [];
    const handlers: Partial<StrategyHandlers> = {
      onStart(ctx) {
        ctx.setTimer(utc("2024-03-07T22:30:00Z"), 1); // daily break
        ctx.setTimer(utc("2024-03-09T18:00:00Z"), 2); // Saturday
        ctx.setTimer(utc("2024-03-10T22:00:00Z"), 3); // Sunday open (CDT)
      },
      onTimer(ctx, id) {
        const market = ctx.submitMarket(1, 1);
        const limit = ctx.submitLimit(1, 1, 50);
        log.push(`${id} ${iso(ctx.timeNs)} open=${ctx.marketOpen} ${market.status} ${limit.status}`);
      },
      onOrderRejected: (_ctx, order, reason) => void log.push(`rejected ${order.id} ${reason}`),
    };
    const result = run(handlers, [trades(["2024-03-07T21:59:00Z", 100]), trades(["2024-03-10T22:00:01Z", 101])], { calendar: "cme-equity" });
    expect(log).toEqual([
      "rejected 1 market-closed",
      "rejected 2 market-closed",
      "1 2024-03-07T22:30:00Z open=false rejected rejected",
      "rejected 3 market-closed",
      "rejected 4 market-closed",
      "2 2024-03-09T18:00:00Z open=false rejected rejected",
      "3 2024-03-10T22:00:00Z open=true working working",
    ]);
    // The Sunday market order fills at the first trade of the session.
    expect(result.fills.map((f) => [f.orderId, f.priceTicks, f.reason.model])).toEqual([
      [5, 101, "l1-trades"],
      [7, 101, "end-of-data"],
    ]);
  });

  it("fills nothing while the market is closed, even when the data holds trades there", () => {
    const result = run(
      { onStart: (ctx) => void ctx.submitLimit(1, 1, 95) },
      [trades(["2024-03-07T21:59:00Z", 100], ["2024-03-07T22:10:00Z", 90], ["2024-03-07T23:00:01Z", 94])],
      { calendar: "cme-equity" },
    );
    expect(result.fills.map((f) => [f.priceTicks, f.reason.tradeIndex, f.reason.model])).toEqual([
      [95, 2, "l1-trades"],
      [94, 2, "end-of-data"],
    ]);
  });

  it("treats a halt inside a session as closed (2020: 15:15-15:30 CT)", () => {
    const reasons: OrderRejectReason[] = [];
    run(
      {
        onStart: (ctx) => ctx.setTimer(utc("2020-03-05T21:20:00Z"), 1),
        onTimer: (ctx) => void ctx.submitMarket(1, 1),
        onOrderRejected: (_ctx, _o, reason) => void reasons.push(reason),
      },
      [trades(["2020-03-05T21:10:00Z", 100], ["2020-03-05T21:31:00Z", 101])],
      { calendar: "cme-equity" },
    );
    expect(reasons).toEqual(["market-closed"]);
  });

  it("expires DAY orders at their session's close", () => {
    const result = run(
      { onStart: (ctx) => void ctx.submitLimit(1, 1, 90, { timeInForce: "DAY" }) },
      [trades(["2024-03-07T21:59:00Z", 100]), trades(["2024-03-07T23:00:10Z", 80])],
      { calendar: "cme-equity" },
    );
    expect(result.fills).toEqual([]);
    expect(result.cancelledOrders).toMatchObject([{ id: 1, timeInForce: "DAY", status: "cancelled" }]);
  });

  it("cancels working market orders at the close (they are day orders)", () => {
    let sent = false;
    const result = run(
      { onTrade: (ctx) => void (!sent && (sent = true) && ctx.submitMarket(1, 1)) },
      [trades(["2024-03-07T21:59:59Z", 100]), trades(["2024-03-07T23:00:10Z", 80])],
      { calendar: "cme-equity", latencyNs: 2_000_000_000 },
    );
    expect(result.fills).toEqual([]);
    expect(result.cancelledOrders).toMatchObject([{ id: 1, type: "market", status: "cancelled" }]);
  });
});

describe("session callbacks", () => {
  it("fire at the exact open and close, around the daily break and across the DST weekend, before later trades", () => {
    const log: string[] = [];
    run(
      {
        onStart: (ctx) => void log.push(`start ${iso(ctx.timeNs)}`),
        onSessionOpen: (ctx, date) => void log.push(`open ${date} ${iso(ctx.timeNs)}`),
        onSessionClose: (ctx, date) => void log.push(`close ${date} ${iso(ctx.timeNs)}`),
        onTrade: (ctx, i) => void log.push(`trade ${i} ${iso(ctx.timeNs)}`),
      },
      [
        trades(["2024-03-07T21:59:00Z", 100]),
        trades(["2024-03-07T23:00:10Z", 101], ["2024-03-08T21:59:59Z", 102]),
        trades(["2024-03-10T22:00:00Z", 103], ["2024-03-10T22:00:30Z", 104]),
      ],
    );
    expect(log).toEqual([
      "start 2024-03-07T21:59:00Z",
      "open 2024-03-07 2024-03-07T21:59:00Z",
      "trade 0 2024-03-07T21:59:00Z",
      "close 2024-03-07 2024-03-07T22:00:00Z",
      "open 2024-03-08 2024-03-07T23:00:00Z",
      "trade 0 2024-03-07T23:00:10Z",
      "trade 1 2024-03-08T21:59:59Z",
      "close 2024-03-08 2024-03-08T22:00:00Z",
      "open 2024-03-11 2024-03-10T22:00:00Z",
      "trade 0 2024-03-10T22:00:00Z",
      "trade 1 2024-03-10T22:00:30Z",
    ]);
  });

  it("need a calendar: calendar 'none' with session handlers is a configuration error", () => {
    expect(() => run({ onSessionOpen() {} }, [], { calendar: "none" })).toThrow(/need a calendar/);
  });
});

describe("timers", () => {
  it("fire at their exact time, before a trade at the same or a later time, and can be moved or cancelled", () => {
    const log: string[] = [];
    const t = tape([
      { tsNs: at(1), priceTicks: 100 },
      { tsNs: at(3), priceTicks: 101 },
      { tsNs: at(3), priceTicks: 102 },
      { tsNs: at(7), priceTicks: 103 },
    ]);
    run(
      {
        onStart(ctx) {
          ctx.setTimer(at(3), 1);
          ctx.setTimer(at(2.5), 2);
          ctx.setTimer(at(4), 3);
          ctx.setTimer(at(5), 3); // moved
          ctx.setTimer(at(6), 4);
          expect(ctx.cancelTimer(4)).toBe(true);
          expect(ctx.cancelTimer(4)).toBe(false);
        },
        onTimer: (ctx, id) => {
          log.push(`timer ${id} ${ctx.timeNs - at(0)}`);
          if (id === 1) ctx.setTimer(ctx.timeNs, 9); // at the current time: before the next event
        },
        onTrade(ctx, i) {
          log.push(`trade ${i}`);
          if (i === 1) ctx.setTimer(ctx.timeNs, 7); // same time as trade 2: fires before it
        },
      },
      [t],
    );
    expect(log).toEqual([
      "trade 0",
      "timer 2 2500000000",
      "timer 1 3000000000",
      "timer 9 3000000000",
      "trade 1",
      "timer 7 3000000000",
      "trade 2",
      "timer 3 5000000000",
      "trade 3",
    ]);
  });

  it("refuse a time in the past and a strategy without onTimer", () => {
    expect(() => run({ onTrade: (ctx, i) => void (i === 1 && ctx.setTimer(at(1), 1)), onTimer() {} }, [tape([{ tsNs: at(1), priceTicks: 1 }, { tsNs: at(2), priceTicks: 1 }])])).toThrow(/in the past/);
    expect(() => run({ onStart: (ctx) => ctx.setTimer(at(5), 1) }, [tape([{ tsNs: at(1), priceTicks: 1 }])])).toThrow(/no onTimer/);
  });
});

describe("latency legs", () => {
  const sixTrades = tape([1, 2, 3, 4, 5, 6].map((s) => ({ tsNs: at(s), priceTicks: 100 + s })));

  it("delay the fill by the entry leg and onFill by the response leg", () => {
    const log: string[] = [];
    const result = run(
      {
        onStart: (ctx) => void ctx.submitMarket(1, 1),
        onFill: (ctx, fill) => void log.push(`fill ${fill.orderId} at ${fill.tsNs - at(0)} seen ${ctx.timeNs - at(0)}`),
        onTrade: (_ctx, i) => void log.push(`trade ${i}`),
      },
      [sixTrades],
      { latency: { entry: { kind: "constant", ns: 1_500_000_000 }, response: { kind: "constant", ns: 2_000_000_000 } } },
    );
    // Sent at 1 s, at the venue at 2.5 s: fills at the 3 s trade (103); reported at 5 s, before the 5 s trade.
    expect(result.fills[0]).toMatchObject({ priceTicks: 103, tsNs: at(3) });
    expect(result.fills[0].reason).toEqual({ model: "l1-trades", batch: 0, tradeIndex: 2, tradeTsNs: at(3), latencyNs: 1_500_000_000, slippageTicks: 0, responseLatencyNs: 2_000_000_000 });
    expect(log).toEqual(["trade 0", "trade 1", "trade 2", "trade 3", "fill 1 at 3000000000 seen 5000000000", "trade 4", "trade 5", "fill 2 at 6000000000 seen 8000000000"]);
  });

  it("draw per-order entry latencies from a seeded distribution: reproducible, within bounds", () => {
    const sample = (seed: number) => {
      const result = run(
        { onTrade: (ctx, i) => void (i < 5 && ctx.submitMarket(i % 2 === 0 ? 1 : -1, 1)) },
        [tape(Array.from({ length: 40 }, (_, k) => ({ tsNs: at(k * 0.1 + 1), priceTicks: 100 + (k % 7) })))],
        { seed, latency: { entry: { kind: "uniform", minNs: 1_000_000, maxNs: 1_000_000_000 } } },
      );
      return result;
    };
    const a = sample(7);
    const latencies = a.fills.filter((f) => f.reason.model === "l1-trades").map((f) => f.reason.latencyNs);
    expect(latencies).toHaveLength(5);
    for (const ns of latencies) expect(ns >= 1_000_000 && ns <= 1_000_000_000 && Number.isInteger(ns)).toBe(true);
    // Each fill is at the first trade at or after submission + its own latency.
    for (const fill of a.fills.filter((f) => f.reason.model === "l1-trades")) {
      const submitted = at(1 + (fill.orderId - 1) * 0.1);
      expect(fill.tsNs >= submitted + BigInt(fill.reason.latencyNs)).toBe(true);
      expect(fill.tsNs - BigInt(100_000_000) < submitted + BigInt(fill.reason.latencyNs)).toBe(true);
    }
    expect(resultHash(sample(7))).toBe(resultHash(a));
    expect(sample(8).fills.map((f) => f.reason.latencyNs)).not.toEqual(a.fills.map((f) => f.reason.latencyNs));
  });

  it("leave ctx.random() unchanged: latency samples use a stream of their own", () => {
    const draws = (latency?: BacktestEngineConfig["latency"]) => {
      const out: number[] = [];
      run({ onTrade: (ctx) => void (ctx.submitMarket(1, 1), out.push(ctx.random())) }, [sixTrades], latency ? { latency } : {});
      return out;
    };
    expect(draws({ entry: { kind: "lognormal", medianNs: 5_000_000, sigma: 1, maxNs: 50_000_000 } })).toEqual(draws());
  });
});

describe("futures lifecycle", () => {
  it("settles daily: the open position is marked to the session's last trade and the variation moves to cash", () => {
    const result = run(
      { onStart: (ctx) => void ctx.submitMarket(1, 1) },
      [trades(["2024-03-07T21:00:00Z", 100], ["2024-03-07T21:59:00Z", 104]), trades(["2024-03-07T23:00:10Z", 106])],
      { dailySettlement: true },
    );
    expect(result.settlements).toEqual([{ sessionDate: "2024-03-07", tsNs: utc("2024-03-07T22:00:00Z"), priceTicks: 104, positionQty: 1, variationCents: 200 }]);
    // The round trip still spans the whole excursion: (106 - 100) x 50.
    expect(result.trades).toMatchObject([{ pnlCents: 300, feesCents: 114, netCents: 186 }]);
    expect(result.metrics.grossPnlCents).toBe(300);
    expect(result.finalEquityCents).toBe(100_000 + 186);
  });

  it("flattens N seconds before the close: cancels working orders and sends a market order", () => {
    const result = run(
      {
        onStart(ctx) {
          ctx.submitMarket(1, 2);
          ctx.submitLimit(1, 1, 50);
        },
      },
      [trades(["2024-03-07T21:58:30Z", 100], ["2024-03-07T21:59:10Z", 101], ["2024-03-07T21:59:40Z", 102])],
      { flattenAtSessionEnd: { secondsBeforeClose: 60 } },
    );
    expect(result.fills.map((f) => [f.orderId, f.side, f.qty, f.priceTicks, f.reason.model])).toEqual([
      [1, 1, 2, 100, "l1-trades"],
      [3, -1, 2, 101, "l1-trades"],
    ]);
    expect(result.cancelledOrders).toMatchObject([{ id: 2, type: "limit" }]);
  });

  it("stops trading at the contract's last trading time: closes at the last trade before it, rejects later orders", () => {
    const dated = defineInstrument({ ...MNQ, lastTradeNs: at(3.5) });
    const reasons: OrderRejectReason[] = [];
    const result = run(
      {
        onStart: (ctx) => void ctx.submitMarket(1, 1),
        onTrade: (ctx, i) => void (i === 3 && ctx.submitLimit(1, 1, 90)),
        onOrderRejected: (_ctx, _o, reason) => void reasons.push(reason),
      },
      [tape([1, 2, 3, 4, 5].map((s) => ({ tsNs: at(s), priceTicks: 99 + s })))],
      {},
      dated,
    );
    expect(result.fills.map((f) => [f.side, f.priceTicks, f.reason.model, f.reason.tradeIndex])).toEqual([
      [1, 100, "l1-trades", 0],
      [-1, 102, "expiry", 2],
    ]);
    expect(reasons).toEqual(["contract-expired"]);
  });
});
