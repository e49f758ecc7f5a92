/**
 * Exchange halts from the data (engine option `halts`, market-hours.ts) on the trades engine, on
 * real CME Globex times. Session 2024-03-07: Wed 03-06 23:00 UTC -> Thu 03-07 22:00 UTC (CST).
 * The halt used below: 15:00:00 -> 15:10:00 UTC (09:00-09:10 CT), i.e. [fromNs, toNs).
 * Prices are ticks; MNQ: 50 cents per tick, fee 57 cents per side.
 */
import { describe, expect, it } from "vitest";
import type { TradeColumns } from "../market/trade-columns";
import { BacktestEngine, type BacktestEngineConfig } from "./engine";
import { defineInstrument } from "./instrument";
import { normaliseHalts } from "./market-hours";
import type { OrderRejectReason } from "./order";
import type { BacktestResult } from "./result";
import { resultHash } from "./result-hash";
import type { StrategyHandlers } from "./strategy";
import { scripted } from "./test-support/strategies";
import { tape } from "./test-support/tape";

const MNQ = defineInstrument({ symbol: "MNQ", tickSize: 0.25, tickValueCents: 50, feePerSideCents: 57 });
const utc = (iso: string): bigint => BigInt(Date.parse(iso)) * 1_000_000n;
const iso = (ns: bigint): string => new Date(Number(ns / 1_000_000n)).toISOString().replace(".000Z", "Z");
const HALT = { fromNs: utc("2024-03-07T15:00:00Z"), toNs: utc("2024-03-07T15:10:00Z") };

function trades(...list: [string, number][]): TradeColumns {
  return tape(list.map(([time, priceTicks]) => ({ tsNs: utc(time), priceTicks })));
}

function run(handlers: Partial<StrategyHandlers>, batches: TradeColumns[], overrides: Partial<BacktestEngineConfig> = {}): BacktestResult {
  const engine = new BacktestEngine({ instrument: MNQ, strategy: scripted(handlers), params: {}, fillModel: "l1-trades", startingCashCents: 100_000, seed: 1, ...overrides });
  for (const batch of batches) engine.processBatch(batch, 0, batch.length);
  return engine.finish();
}

describe("exchange halts from the data (trades engine)", () => {
  it("a resting limit whose price trades during the halt does not fill; it fills at the first trade through it after the halt", () => {
    const open: string[] = [];
    const result = run(
      {
        onStart: (ctx) => {
          ctx.submitLimit(1, 1, 95);
          ctx.setTimer(utc("2024-03-07T15:05:00Z"), 1);
        },
        onTimer: (ctx) => void open.push(`${iso(ctx.timeNs)} open=${ctx.marketOpen}`),
      },
      // 90 and 93 trade through 95 inside the halt; 96 after it does not; 94 does.
      [trades(["2024-03-07T14:59:00Z", 100], ["2024-03-07T15:00:00Z", 90], ["2024-03-07T15:09:59Z", 93], ["2024-03-07T15:10:00Z", 96], ["2024-03-07T15:11:00Z", 94])],
      { halts: [HALT] },
    );
    expect(open).toEqual(["2024-03-07T15:05:00Z open=false"]);
    // Bought 1 @ 95 against trade 4 (15:11); closed at the last trade, 94, at the end of data.
    expect(result.fills.map((f) => [f.orderId, f.side, f.priceTicks, f.reason.tradeIndex, f.reason.model, iso(f.tsNs)])).toEqual([
      [1, 1, 95, 4, "l1-trades", "2024-03-07T15:11:00Z"],
      [2, -1, 94, 4, "end-of-data", "2024-03-07T15:11:00Z"],
    ]);
    // -1 tick = -50 cents gross, two fees of 57.
    expect(result.metrics.netPnlCents).toBe(-50 - 2 * 57);
  });

  it("rejects orders sent inside the halt as halted and accepts them from its end on", () => {
    const log: string[] = [];
    const reasons: OrderRejectReason[] = [];
    const result = run(
      {
        onStart: (ctx) => {
          ctx.setTimer(utc("2024-03-07T15:00:00Z"), 1); // the halt's first instant
          ctx.setTimer(HALT.toNs - 1n, 2); // its last ns
          ctx.setTimer(HALT.toNs, 3); // trading resumes
        },
        onTimer: (ctx, id) => {
          const market = ctx.submitMarket(1, 1);
          const limit = ctx.submitLimit(-1, 1, 200);
          log.push(`${id} open=${ctx.marketOpen} ${market.status} ${limit.status}`);
        },
        onOrderRejected: (_ctx, _order, reason) => void reasons.push(reason),
      },
      [trades(["2024-03-07T14:59:00Z", 100], ["2024-03-07T15:10:30Z", 101])],
      { halts: [HALT] },
    );
    expect(log).toEqual(["1 open=false rejected rejected", "2 open=false rejected rejected", "3 open=true working working"]);
    expect(reasons).toEqual(["halted", "halted", "halted", "halted"]);
    // Timer 3's market buy (order 5) fills at the next trade, 101; closed there at the end of data.
    expect(result.fills.map((f) => [f.orderId, f.priceTicks, f.reason.model])).toEqual([
      [5, 101, "l1-trades"],
      [7, 101, "end-of-data"],
    ]);
  });

  it("cancels a market order still in its latency at the halt's start; resting orders stay working", () => {
    let sent = false;
    const result = run(
      {
        onTrade: (ctx) => {
          if (sent) return;
          sent = true;
          ctx.submitMarket(1, 1);
          ctx.submitLimit(1, 1, 50);
        },
      },
      [trades(["2024-03-07T14:59:59Z", 100], ["2024-03-07T15:00:05Z", 100], ["2024-03-07T15:10:05Z", 99])],
      { halts: [HALT], latencyNs: 2_000_000_000 },
    );
    expect(result.fills).toEqual([]);
    // The market order at the halt's start; the limit (never filled) at the end of data.
    expect(result.cancelledOrders.map((o) => [o.id, o.type, o.status])).toEqual([
      [1, "market", "cancelled"],
      [2, "limit", "cancelled"],
    ]);
  });

  it("applies with calendar \"none\" too: the market is open outside the halts, even in the daily break", () => {
    const reasons: OrderRejectReason[] = [];
    const result = run(
      {
        onStart: (ctx) => {
          ctx.setTimer(utc("2024-03-07T15:05:00Z"), 1);
          ctx.setTimer(utc("2024-03-07T22:30:00Z"), 2); // daily break: no calendar, accepted
        },
        onTimer: (ctx) => void ctx.submitMarket(1, 1),
        onOrderRejected: (_ctx, _order, reason) => void reasons.push(reason),
      },
      [trades(["2024-03-07T14:59:00Z", 100], ["2024-03-07T22:31:00Z", 102])],
      { halts: [HALT], calendar: "none" },
    );
    expect(reasons).toEqual(["halted"]);
    expect(result.fills.map((f) => [f.orderId, f.priceTicks, f.reason.model])).toEqual([
      [2, 102, "l1-trades"],
      [3, 102, "end-of-data"],
    ]);
  });

  it("turns the calendar on when it is left to default: orders in the daily break are refused as market-closed", () => {
    const reasonsWith: OrderRejectReason[] = [];
    const reasonsWithout: OrderRejectReason[] = [];
    const handlers = (reasons: OrderRejectReason[]): Partial<StrategyHandlers> => ({
      onStart: (ctx) => ctx.setTimer(utc("2024-03-07T22:30:00Z"), 1),
      onTimer: (ctx) => void ctx.submitMarket(1, 1),
      onOrderRejected: (_ctx, _order, reason) => void reasons.push(reason),
    });
    const tapeOf = () => [trades(["2024-03-07T21:59:00Z", 100], ["2024-03-07T23:00:05Z", 101])];
    // A halt outside the data still switches the calendar on.
    run(handlers(reasonsWith), tapeOf(), { halts: [{ fromNs: utc("2024-03-05T15:00:00Z"), toNs: utc("2024-03-05T15:01:00Z") }] });
    run(handlers(reasonsWithout), tapeOf());
    expect(reasonsWith).toEqual(["market-closed"]);
    expect(reasonsWithout).toEqual([]);
  });

  it("a halt over the session close: halted before the close, market-closed after it, open at the next session", () => {
    const log: string[] = [];
    run(
      {
        onStart: (ctx) => {
          for (const [id, time] of [[1, "2024-03-07T21:57:00Z"], [2, "2024-03-07T22:10:00Z"], [3, "2024-03-07T23:00:00Z"]] as const) ctx.setTimer(utc(time), id);
        },
        onTimer: (ctx) => void ctx.submitLimit(1, 1, 10),
        onOrderRejected: (ctx, order, reason) => void log.push(`${iso(ctx.timeNs)} ${order.id} ${reason}`),
        onSessionClose: (ctx, date) => void log.push(`${iso(ctx.timeNs)} close ${date}`),
        onSessionOpen: (ctx, date) => void log.push(`${iso(ctx.timeNs)} open ${date} ${ctx.marketOpen}`),
      },
      [trades(["2024-03-07T21:50:00Z", 100], ["2024-03-07T23:00:05Z", 101])],
      { halts: [{ fromNs: utc("2024-03-07T21:55:00Z"), toNs: utc("2024-03-07T22:30:00Z") }] },
    );
    expect(log).toEqual([
      "2024-03-07T21:50:00Z open 2024-03-07 true",
      "2024-03-07T21:57:00Z 1 halted",
      "2024-03-07T22:00:00Z close 2024-03-07",
      "2024-03-07T22:10:00Z 2 market-closed",
      "2024-03-07T23:00:00Z open 2024-03-08 true",
    ]);
  });

  it("halts that never overlap the replayed trades leave a calendar run bit-identical", () => {
    const handlers: Partial<StrategyHandlers> = {
      onTrade: (ctx, i) => {
        if (i % 2 === 0) ctx.submitMarket(ctx.position.qty > 0 ? -1 : 1, 1);
      },
    };
    const tapeOf = () => [trades(["2024-03-07T14:00:00Z", 100], ["2024-03-07T14:01:00Z", 103], ["2024-03-07T14:02:00Z", 99], ["2024-03-07T14:03:00Z", 104])];
    const plain = run(handlers, tapeOf(), { calendar: "cme-equity" });
    const withHalts = run(handlers, tapeOf(), { calendar: "cme-equity", halts: [{ fromNs: utc("2024-03-07T18:00:00Z"), toNs: utc("2024-03-07T18:05:00Z") }] });
    expect(plain.fills.length).toBeGreaterThan(0);
    expect(resultHash(withHalts)).toBe(resultHash(plain));
  });

  it("normalises halts: sorted, empty ones dropped, overlapping and touching ones merged", () => {
    expect(
      normaliseHalts([
        { fromNs: 50n, toNs: 60n },
        { fromNs: 10n, toNs: 20n },
        { fromNs: 30n, toNs: 30n },
        { fromNs: 15n, toNs: 25n },
        { fromNs: 25n, toNs: 27n },
        { fromNs: 55n, toNs: 58n },
      ]),
    ).toEqual([
      { fromNs: 10n, toNs: 27n },
      { fromNs: 50n, toNs: 60n },
    ]);
  });

  it("refuses a halt that ends before it starts", () => {
    expect(() => run({}, [trades(["2024-03-07T14:00:00Z", 100])], { halts: [{ fromNs: 20n, toNs: 10n }] })).toThrow(/a halt ends at or after its start/);
  });
});
