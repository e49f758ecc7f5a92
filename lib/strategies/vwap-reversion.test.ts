import { describe, expect, it } from "vitest";
import { BacktestEngine } from "../engine/engine";
import { defineInstrument } from "../engine/instrument";
import type { BacktestResult } from "../engine/result";
import { tape } from "../engine/test-support/tape";
import { vwapReversion, vwapReversionParamsSchema } from "./vwap-reversion";

const MNQ = defineInstrument({ symbol: "MNQ", tickSize: 0.25, tickValueCents: 50, feePerSideCents: 57 });
const START_NS = BigInt(Date.parse("2024-03-07T15:00:00Z")) * 1_000_000n;

/** One trade per second from 15:00:00Z (session 2024-03-07); [price, size]. */
function run(list: [number, number][], params: unknown): BacktestResult {
  const engine = new BacktestEngine({ instrument: MNQ, strategy: vwapReversion, params, fillModel: "l1-trades", startingCashCents: 1_000_000, seed: 1 });
  const batch = tape(list.map(([priceTicks, size], k) => ({ tsNs: START_NS + BigInt(k) * 1_000_000_000n, priceTicks, size })));
  engine.processBatch(batch, 0, batch.length);
  return engine.finish();
}

describe("vwap-reversion", () => {
  it("has documented defaults", () => {
    expect(vwapReversionParamsSchema.parse({})).toEqual({ band: "ticks", bandTicks: 8, k: 2, stdBars: 20, barSeconds: 60, stopTicks: 12, qty: 1, flattenSeconds: 60 });
  });

  it("fades an excursion beyond VWAP + band and exits at VWAP, cancelling its stop", () => {
    // VWAP after each trade: 100, 100, 103 (412/4), 104.4 (522/5): 110 x 5 = 550 >= 522 + 4 x 5 -> sell 1.
    // Fill at 109 -> buy stop 112. Trade 6 (104 x2): V 8, PV 839, 104 x 8 = 832 <= 839 -> cancel stop, buy at market -> 105.
    const trades: [number, number][] = [
      [100, 1],
      [100, 1],
      [106, 2],
      [110, 1],
      [109, 1],
      [104, 2],
      [105, 1],
      [105, 1],
    ];
    const result = run(trades, { bandTicks: 4, stopTicks: 3 });
    expect(result.fills.map((f) => [f.orderId, f.side, f.qty, f.priceTicks, f.reason.tradeIndex])).toEqual([
      [1, -1, 1, 109, 4],
      [3, 1, 1, 105, 6],
    ]);
    expect(result.cancelledOrders).toMatchObject([{ id: 2, type: "stop", side: 1, stopPriceTicks: 112, reduceOnly: true }]);
    expect(result.metrics).toMatchObject({ grossPnlCents: 200, feesCents: 114, netPnlCents: 86 });
  });

  it("is stopped out when the excursion continues (a gap fills beyond the stop)", () => {
    const result = run(
      [
        [100, 1],
        [100, 1],
        [106, 2],
        [110, 1],
        [109, 1],
        [115, 1],
        [116, 1],
      ],
      { bandTicks: 4, stopTicks: 3 },
    );
    // Short at 109, stop 112 gapped by the 115 print: fills at 115. Flat again, 115 x 7 = 805 >= 746 + 4 x 7:
    // a new short fills at 116 (stop 119), closed at the end of data at 116.
    expect(result.fills.map((f) => [f.orderId, f.side, f.priceTicks, f.reason.rule ?? f.reason.model])).toEqual([
      [1, -1, 109, "l1-trades"],
      [2, 1, 115, "stop"],
      [3, -1, 116, "l1-trades"],
      [5, 1, 116, "end-of-data"],
    ]);
    expect(result.metrics.grossPnlCents).toBe(-300);
  });

  it("does not trade in std mode before stdBars bars of the session exist", () => {
    const result = run(
      Array.from({ length: 100 }, (_, k) => [100 + (k % 2 === 0 ? 30 : -30), 1] as [number, number]),
      { band: "std", stdBars: 5, barSeconds: 60 },
    );
    expect(result.fills).toEqual([]);
  });
});
