/**
 * Contract rolls in the engine (roll.ts), hand-computed. MNQ: 0.25 points a tick, 50 cents a
 * tick, fee 57 cents per contract per side. The old contract (MNQH5) trades until the roll instant
 * 2025-03-12T22:00:00Z (the 17:00 CT open of session 2025-03-13), the new one (MNQM5) from it on,
 * about 700 ticks (175 points) higher: the calendar spread.
 */
import { describe, expect, it } from "vitest";
import type { TradeColumns } from "../market/trade-columns";
import { BacktestEngine, type BacktestEngineConfig } from "./engine";
import { defineInstrument } from "./instrument";
import type { BacktestResult } from "./result";
import type { RollEvent, RollPoint } from "./roll";
import type { StrategyHandlers } from "./strategy";
import { scripted } from "./test-support/strategies";
import { tape } from "./test-support/tape";

const utc = (iso: string): bigint => BigInt(Date.parse(iso)) * 1_000_000n;
const H5_LAST_TRADE = utc("2025-03-21T13:30:00Z");
const M5_LAST_TRADE = utc("2025-06-20T13:30:00Z");
const MNQH5 = defineInstrument({ symbol: "MNQ", tickSize: 0.25, tickValueCents: 50, feePerSideCents: 57, lastTradeNs: H5_LAST_TRADE });
const ROLL_NS = utc("2025-03-12T22:00:00Z");

function trades(...list: [string, number][]): TradeColumns {
  return tape(list.map(([time, priceTicks]) => ({ tsNs: utc(time), priceTicks })));
}

const OLD = trades(["2025-03-12T14:00:00Z", 84_000], ["2025-03-12T14:00:01Z", 84_010]);
const NEW = trades(["2025-03-12T22:00:00.500Z", 84_700], ["2025-03-12T22:01:00Z", 84_720]);

function point(overrides: Partial<RollPoint> = {}): RollPoint {
  return { atNs: ROLL_NS, fromContract: "MNQH5", toContract: "MNQM5", toLastTradeNs: M5_LAST_TRADE, toPriceTicks: 84_700, toTradeTsNs: utc("2025-03-12T22:00:00.500Z"), ...overrides };
}

function engineFor(handlers: Partial<StrategyHandlers>, overrides: Partial<BacktestEngineConfig> = {}): BacktestEngine {
  return new BacktestEngine({ instrument: MNQH5, strategy: scripted(handlers), params: {}, fillModel: "l1-trades", startingCashCents: 100_000, seed: 1, ...overrides });
}

/** Old batch, roll, new batch, finish. */
function runWithRoll(handlers: Partial<StrategyHandlers>, oldBatch = OLD, newBatch = NEW, roll = point(), overrides: Partial<BacktestEngineConfig> = {}): BacktestResult {
  const engine = engineFor(handlers, overrides);
  engine.processBatch(oldBatch, 0, oldBatch.length);
  engine.roll(roll);
  engine.processBatch(newBatch, 0, newBatch.length);
  return engine.finish();
}

describe("BacktestEngine.roll", () => {
  it("rolls a long 2 as two fills: sell 2 at the old contract's last trade, buy 2 at the new one's first trade, each paying fees", () => {
    const seen: { roll: RollEvent; qty: number; avg: number | null; equity: number; time: bigint }[] = [];
    const result = runWithRoll({
      onStart: (ctx) => void ctx.submitMarket(1, 2),
      onRoll: (ctx, roll) => void seen.push({ roll, qty: ctx.position.qty, avg: ctx.position.avgEntryTicks, equity: ctx.account.equityCents, time: ctx.timeNs }),
    });
    expect(result.fills.map((f) => [f.side, f.qty, f.priceTicks, f.feeCents, f.reason.model, f.tsNs])).toEqual([
      [1, 2, 84_000, 114, "l1-trades", utc("2025-03-12T14:00:00Z")],
      [-1, 2, 84_010, 114, "roll", ROLL_NS],
      [1, 2, 84_700, 114, "roll", ROLL_NS],
      [-1, 2, 84_720, 114, "end-of-data", utc("2025-03-12T22:01:00Z")],
    ]);
    // The legs name the trades their prices come from.
    expect(result.fills[1].reason).toMatchObject({ batch: 0, tradeIndex: 1, tradeTsNs: utc("2025-03-12T14:00:01Z") });
    expect(result.fills[2].reason).toMatchObject({ batch: 1, tradeIndex: 0, tradeTsNs: utc("2025-03-12T22:00:00.500Z") });
    // Round trips split at the roll: old leg +10 ticks x 2 x 50 = 1000 gross, 4 x 57 = 228 fees;
    // new leg +20 ticks x 2 x 50 = 2000 gross, 228 fees.
    expect(result.trades.map((t) => [t.side, t.qty, t.entryPrice, t.exitPrice, t.pnlCents, t.feesCents, t.netCents, t.exitTimeNs])).toEqual([
      [1, 2, 21_000, 21_002.5, 1_000, 228, 772, ROLL_NS],
      [1, 2, 21_175, 21_180, 2_000, 228, 1_772, utc("2025-03-12T22:01:00Z")],
    ]);
    expect(result.metrics).toMatchObject({ grossPnlCents: 3_000, feesCents: 456, netPnlCents: 2_544, roundTrips: 2 });
    expect(result.finalEquityCents).toBe(102_544);
    // onRoll after both fills: position continues in the new contract at its price, the old leg's
    // P&L realised: 100000 + 1000 - 3 x 114 = 100658.
    expect(seen).toEqual([
      {
        roll: { atNs: ROLL_NS, fromContract: "MNQH5", toContract: "MNQM5", closedQty: 2, fromPriceTicks: 84_010, toPriceTicks: 84_700 },
        qty: 2,
        avg: 84_700,
        equity: 100_658,
        time: ROLL_NS,
      },
    ]);
    expect(result.rolls).toEqual([{ ...seen[0].roll, fillIds: [2, 3], cancelledOrderIds: [] }]);
    // The equity point of the roll's open leg is marked at the new contract's price (no spread jump).
    expect(result.equity.equityCents).toContain(100_658);
    expect(Math.max(...result.equity.equityCents)).toBe(102_544);
  });

  it("rolls a short position the other way round", () => {
    const result = runWithRoll({ onStart: (ctx) => void ctx.submitMarket(-1, 1) });
    expect(result.fills.map((f) => [f.side, f.qty, f.priceTicks, f.reason.model])).toEqual([
      [-1, 1, 84_000, "l1-trades"],
      [1, 1, 84_010, "roll"],
      [-1, 1, 84_700, "roll"],
      [1, 1, 84_720, "end-of-data"],
    ]);
    // -10 ticks x 50 and -20 ticks x 50; fees 4 x 57 = 228.
    expect(result.metrics).toMatchObject({ grossPnlCents: -1_500, feesCents: 228 });
    expect(result.rolls?.[0].closedQty).toBe(-1);
  });

  it("calls onRoll when flat, without fills", () => {
    const rolls: RollEvent[] = [];
    const result = runWithRoll({ onRoll: (_ctx, roll) => void rolls.push(roll) });
    expect(result.fills).toEqual([]);
    expect(rolls).toEqual([{ atNs: ROLL_NS, fromContract: "MNQH5", toContract: "MNQM5", closedQty: 0, fromPriceTicks: 84_010, toPriceTicks: 84_700 }]);
    expect(result.rolls).toEqual([{ ...rolls[0], fillIds: [], cancelledOrderIds: [] }]);
  });

  it("cancels working orders of the old contract at the roll; orders placed in onRoll work in the new contract", () => {
    const result = runWithRoll(
      {
        onStart: (ctx) => void ctx.submitLimit(1, 1, 83_000),
        onRoll: (ctx) => void ctx.submitLimit(1, 1, 84_650),
      },
      OLD,
      trades(["2025-03-12T22:00:00.500Z", 84_700], ["2025-03-12T22:01:00Z", 82_000], ["2025-03-12T22:02:00Z", 82_010]),
      point(),
    );
    expect(result.cancelledOrders.map((o) => [o.id, o.status])).toEqual([[1, "cancelled"]]);
    expect(result.rolls?.[0].cancelledOrderIds).toEqual([1]);
    // Order 1 (83000) would have filled at 82000; only the re-placed order 2 fills (limit-through at its price).
    expect(result.fills.map((f) => [f.orderId, f.priceTicks, f.reason.model])).toEqual([
      [2, 84_650, "l1-trades"],
      [3, 82_010, "end-of-data"],
    ]);
  });

  it("fires events due before the roll before it, and events at the roll instant after onRoll", () => {
    const log: string[] = [];
    runWithRoll({
      onStart(ctx) {
        ctx.setTimer(ROLL_NS - 1_000_000n, 1);
        ctx.setTimer(ROLL_NS, 2);
      },
      onTimer: (_ctx, id) => void log.push(`timer ${id}`),
      onRoll: () => void log.push("roll"),
    });
    expect(log).toEqual(["timer 1", "roll", "timer 2"]);
  });

  it("stops trading at the new contract's expiry: the position is closed there and nothing fills after it", () => {
    const expiry = utc("2025-03-12T22:30:00Z");
    const rejected: string[] = [];
    const result = runWithRoll(
      {
        onStart: (ctx) => void ctx.submitMarket(1, 1),
        onTrade(ctx) {
          if (ctx.timeNs === utc("2025-03-12T22:40:00Z")) ctx.submitMarket(1, 1);
        },
        onOrderRejected: (_ctx, order, reason) => void rejected.push(`${order.id} ${reason}`),
      },
      OLD,
      trades(["2025-03-12T22:00:00.500Z", 84_700], ["2025-03-12T22:29:00Z", 84_705], ["2025-03-12T22:40:00Z", 84_800], ["2025-03-12T22:50:00Z", 84_900]),
      point({ toLastTradeNs: expiry }),
    );
    expect(result.fills.map((f) => [f.side, f.priceTicks, f.reason.model, f.tsNs])).toEqual([
      [1, 84_000, "l1-trades", utc("2025-03-12T14:00:00Z")],
      [-1, 84_010, "roll", ROLL_NS],
      [1, 84_700, "roll", ROLL_NS],
      [-1, 84_705, "expiry", utc("2025-03-12T22:29:00Z")],
    ]);
    expect(rejected).toEqual(["5 contract-expired"]);
  });

  it("drops the old contract's expiry at the roll", () => {
    // MNQH5 "expires" 30 minutes after the roll in this test: after the roll that no longer matters.
    const instrument = { ...MNQH5, lastTradeNs: utc("2025-03-12T22:30:00Z") };
    const result = runWithRoll(
      { onStart: (ctx) => void ctx.submitMarket(1, 1) },
      OLD,
      trades(["2025-03-12T22:00:00.500Z", 84_700], ["2025-03-12T22:40:00Z", 84_800]),
      point(),
      { instrument },
    );
    expect(result.fills.map((f) => f.reason.model)).toEqual(["l1-trades", "roll", "roll", "end-of-data"]);
    expect(result.fills[3].priceTicks).toBe(84_800);
  });

  it("before the first trade, a roll only switches the contract (no onRoll, no fills)", () => {
    const rolls: RollEvent[] = [];
    const engine = engineFor({ onRoll: (_ctx, roll) => void rolls.push(roll), onStart: (ctx) => void ctx.submitMarket(1, 1) });
    engine.roll(point({ toLastTradeNs: utc("2025-03-12T22:00:30Z") }));
    engine.processBatch(NEW, 0, NEW.length);
    const result = engine.finish();
    expect(rolls).toEqual([]);
    expect(result.rolls).toBeUndefined();
    // The new contract's expiry applies: closed at the last trade before 22:00:30 (84700).
    expect(result.fills.map((f) => [f.priceTicks, f.reason.model])).toEqual([
      [84_700, "l1-trades"],
      [84_700, "expiry"],
    ]);
  });

  it("refuses a roll before the last replayed trade and fails the engine on an onRoll error", () => {
    const early = engineFor({});
    early.processBatch(OLD, 0, OLD.length);
    expect(() => early.roll(point({ atNs: utc("2025-03-12T14:00:00Z") }))).toThrow(/before the last replayed trade/);
    const throwing = engineFor({
      onRoll() {
        throw new Error("boom");
      },
    });
    throwing.processBatch(OLD, 0, OLD.length);
    expect(() => throwing.roll(point())).toThrow(/failed in onRoll/);
    expect(() => throwing.finish()).toThrow(/failed engine/);
  });

  it("leaves runs without rolls unchanged (no rolls field)", () => {
    const engine = engineFor({ onStart: (ctx) => void ctx.submitMarket(1, 1) });
    engine.processBatch(OLD, 0, OLD.length);
    expect(engine.finish().rolls).toBeUndefined();
  });
});
