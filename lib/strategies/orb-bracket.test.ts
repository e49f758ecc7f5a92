import { describe, expect, it } from "vitest";
import { BacktestEngine } from "../engine/engine";
import { defineInstrument } from "../engine/instrument";
import type { BacktestResult } from "../engine/result";
import { tape } from "../engine/test-support/tape";
import { orbBracket, orbBracketParamsSchema } from "./orb-bracket";

const MNQ = defineInstrument({ symbol: "MNQ", tickSize: 0.25, tickValueCents: 50, feePerSideCents: 57 });
const utc = (iso: string): bigint => BigInt(Date.parse(iso)) * 1_000_000n;

/** Session 2024-03-07 (CST): RTH opens 14:30Z, the session closes 22:00Z. */
function run(list: [string, number][], params: unknown = {}): BacktestResult {
  const engine = new BacktestEngine({ instrument: MNQ, strategy: orbBracket, params, fillModel: "l1-trades", startingCashCents: 1_000_000, seed: 1 });
  const batch = tape(list.map(([time, priceTicks]) => ({ tsNs: utc(`2024-03-07T${time}Z`), priceTicks })));
  engine.processBatch(batch, 0, batch.length);
  return engine.finish();
}

const range: [string, number][] = [
  ["14:29:00", 100], // before the range
  ["14:30:00", 200],
  ["14:35:00", 204],
  ["14:40:00", 198],
  ["14:45:00", 201], // at the range end: the timer fires first, so not in the range (high 204, low 198)
];

describe("orb-bracket", () => {
  it("defaults to a 15-minute range, 1-tick breakout, TP 40, SL 20, qty 1", () => {
    expect(orbBracketParamsSchema.parse({})).toEqual({ rangeMinutes: 15, breakoutTicks: 1, takeProfitTicks: 40, stopLossTicks: 20, qty: 1, flattenSeconds: 60 });
  });

  it("buys the upside breakout, cancels the other side, exits at the take-profit and trades once", () => {
    const result = run([...range, ["14:50:00", 206], ["15:00:00", 230], ["15:10:00", 247], ["15:20:00", 190], ["15:30:00", 180]]);
    // Buy stop 205 elected at 206 -> TP sell limit 246, SL sell stop 186; 247 prints through 246.
    expect(result.fills.map((f) => [f.orderId, f.side, f.qty, f.priceTicks, f.reason.rule])).toEqual([
      [1, 1, 1, 206, "stop"],
      [3, -1, 1, 246, "limit-through"],
    ]);
    expect(result.cancelledOrders.map((o) => [o.id, o.type, o.side])).toEqual([
      [2, "stop", -1],
      [4, "stop", -1],
    ]);
    expect(result.metrics).toMatchObject({ grossPnlCents: 2_000, feesCents: 114, netPnlCents: 1_886, roundTrips: 1 });
  });

  it("sells a downside gap at the gap price and flattens before the close", () => {
    const result = run([...range, ["14:50:00", 195], ["21:58:00", 190], ["21:59:30", 192], ["21:59:50", 193]]);
    // Sell stop 197 gapped: fills at 195; TP 155 / SL 215 are cancelled at 21:59:00 and a buy flattens at 192.
    expect(result.fills.map((f) => [f.orderId, f.side, f.priceTicks, f.tsNs])).toEqual([
      [2, -1, 195, utc("2024-03-07T14:50:00Z")],
      [5, 1, 192, utc("2024-03-07T21:59:30Z")],
    ]);
    expect(result.cancelledOrders.map((o) => o.id)).toEqual([1, 3, 4]);
    expect(result.metrics.grossPnlCents).toBe(150);
  });

  it("does not trade a session it joins after the range started, nor a range without trades", () => {
    expect(run([["14:31:00", 200], ["14:50:00", 230]]).fills).toEqual([]);
    expect(run([["14:00:00", 200], ["14:50:00", 230]]).fills).toEqual([]);
  });
});
