import { describe, expect, it } from "vitest";
import { mboColumns, type MboLiteral } from "../book/test-support/mbo-records";
import { decodeMboFile } from "../data/dbn/dbn-file";
import { BookBacktestEngine } from "../engine/book/book-engine";
import type { BookFillModelName } from "../engine/fill";
import { instrumentFromContractSpec } from "../engine/instrument";
import { resultHash } from "../engine/result-hash";
import type { StrategyModule } from "../engine/strategy";
import { getContractSpec } from "../market/contract-spec";
import { ACTION, type MboColumns } from "../market/mbo-columns";
import { bookImbalance } from "./book-imbalance";
import { passiveMarketMaker } from "./passive-market-maker";

const ES = getContractSpec("ES");
const ESH4 = "../shared/fixtures/databento/nautilus_trader/tests/test_data/databento/esh4-glbx-mdp3-20231225.mbo.dbn.zst";

function engineFor(strategy: StrategyModule, params: unknown, fillModel: BookFillModelName, latencyNs = 0) {
  return new BookBacktestEngine({
    instrument: instrumentFromContractSpec(ES, 0),
    strategy,
    params,
    fillModel,
    startingCashCents: 10_000_000,
    seed: 7,
    latencyNs,
    tickSizeNano: ES.tickSizeNano,
  });
}

function runRecords(records: MboLiteral[], strategy: StrategyModule, params: unknown, fillModel: BookFillModelName = "l3-fifo") {
  const engine = engineFor(strategy, params, fillModel);
  const c = mboColumns(records);
  engine.processBatch(c, 0, c.length);
  return engine.finish();
}

describe("passive-market-maker rules", () => {
  it("quotes the best bid and ask, re-quotes a side when its best moves, and stops buying at the inventory limit", () => {
    const records: MboLiteral[] = [
      { action: "A", side: "B", price: 100, size: 2, id: 1 },
      { action: "A", side: "A", price: 100.5, size: 2, id: 2 }, // quotes: buy 1 @ 400, sell 1 @ 402 (behind 2 each)
      { action: "A", side: "B", price: 100.25, size: 1, id: 3 }, // best bid moves up: bid re-quoted @ 401 (behind 1)
      { action: "T", side: "A", price: 100.25, size: 2, id: 90 }, // 1 ahead, then our bid: filled @ 401
      { action: "C", side: "B", price: 100.25, size: 1, id: 3 }, // long 1 = maxInventory: no new bid
      { action: "A", side: "B", price: 100.25, size: 5, id: 4 },
    ];
    const result = runRecords(records, passiveMarketMaker, { qty: 1, maxInventory: 1 });
    expect(result.fills.map((f) => [f.orderId, f.side, f.qty, f.priceTicks, f.reason.rule ?? null])).toEqual([
      [3, 1, 1, 401, "queue"],
      // End of data: the ask @ 402 never filled; long 1 closed at the last trade, 100.25.
      [4, -1, 1, 401, null],
    ]);
    // Orders: 1 = bid @ 400 (cancelled by the strategy on the move), 2 = ask @ 402 (still working at
    // the end of data: cancelled there, the only order the result lists), 3 = bid @ 401.
    expect(result.cancelledOrders.map((o) => [o.id, o.status])).toEqual([[2, "cancelled"]]);
  });
});

describe("book-imbalance rules", () => {
  it("buys when the top levels lean to the bid and exits after exitTicks", () => {
    const records: MboLiteral[] = [
      { action: "A", side: "B", price: 100, size: 8, id: 1 },
      { action: "A", side: "A", price: 100.25, size: 2, id: 2 }, // (8 - 2) / 10 = 0.6 >= 0.6: market buy 1
      { action: "A", side: "B", price: 99.75, size: 1, id: 3 }, // bought @ 100.25 (401)
      { action: "C", side: "B", price: 100, size: 8, id: 1 }, // best bid 99.75: 2 ticks below the entry: exit
      { action: "A", side: "B", price: 99.5, size: 1, id: 4 }, // sold @ 99.75 (399)
    ];
    const result = runRecords(records, bookImbalance, { levels: 1, threshold: 0.6, qty: 1, exitTicks: 2, timeoutSeconds: 30 });
    expect(result.fills.map((f) => [f.side, f.qty, f.priceTicks])).toEqual([
      [1, 1, 401],
      [-1, 1, 399],
    ]);
    expect(result.metrics.grossPnlCents).toBe(-2 * ES.tickValueCents);
  });
});

async function esh4(): Promise<MboColumns> {
  const batches: MboColumns[] = [];
  for await (const batch of decodeMboFile(ESH4, { batchSize: 1_000_000 })) batches.push(batch);
  return batches[0];
}

describe("passive-market-maker over the real ESH4 day (l3-fifo, golden run)", () => {
  it("is deterministic and every fill is consistent with the data", async () => {
    const data = await esh4();
    const once = () => {
      const engine = engineFor(passiveMarketMaker, {}, "l3-fifo", 1_000_000);
      for (let from = 0; from < data.length; from += 10_000) engine.processBatch(data, from, Math.min(data.length, from + 10_000));
      return engine.finish();
    };
    const a = once();
    const b = once();
    expect(resultHash(a)).toBe(resultHash(b));
    expect(a.events).toBe(68_792);
    const book = a.fills.filter((f) => f.reason.model === "l3-fifo");
    expect(book.length).toBeGreaterThan(20);
    expect(a.trades.length).toBeGreaterThan(10);
    let position = 0;
    for (const fill of book) {
      position += fill.side * fill.qty;
      expect(Math.abs(position)).toBeLessThanOrEqual(1); // maxInventory 1, qty 1
      expect(fill.qty).toBe(1);
      if (fill.reason.rule === "queue" || fill.reason.rule === "trade-through") {
        // The fill points at a real trade record: at our price (queue) or through it, sold into our bid / bought from our ask.
        const k = fill.reason.tradeIndex;
        expect(data.action[k]).toBe(ACTION.TRADE);
        const tradeTicks = data.priceNano[k] / Number(ES.tickSizeNano);
        if (fill.reason.rule === "queue") expect(tradeTicks).toBe(fill.priceTicks);
        else expect(fill.side === 1 ? tradeTicks < fill.priceTicks : tradeTicks > fill.priceTicks).toBe(true);
        expect(fill.reason.queuePosition).toBeGreaterThanOrEqual(0);
      }
    }
    expect(a.finalPositionQty).toBe(0);
    expect(a.metrics.netPnlCents).toBe(a.finalEquityCents - a.startingCashCents);
  });
});
