/**
 * Stops, stop-limits, trailing stops, market-if-touched orders, brackets, OCO groups, timers, latency
 * legs and market hours on the book fill models. Every expected value is computed by hand from the
 * records in the test (prices: ES index points, 0.25 = 1 tick, 100.00 = 400 ticks; records are
 * 1000 ns apart unless `tsNs` says otherwise).
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { mboColumns, type MboLiteral } from "../../book/test-support/mbo-records";
import { getContractSpec } from "../../market/contract-spec";
import { allocateTradeColumns } from "../../market/trade-columns";
import type { BookFillModelName, Fill } from "../fill";
import { instrumentFromContractSpec } from "../instrument";
import { LatencyModel, type LatencyConfig } from "../latency-model";
import type { Order } from "../order";
import type { StrategyModule } from "../strategy";
import { allocateQuoteColumns } from "../quotes/quote-columns";
import { mergeQuoteFeed } from "../quotes/quote-feed";
import { BookBacktestEngine, type BookEngineConfig } from "./book-engine";
import type { BookStrategyContext, BookStrategyHandlers } from "./book-strategy";

const ES = getContractSpec("ES");
const MNQ = getContractSpec("MNQ");
const TICK_CENTS = ES.tickValueCents; // 1250
const MID = 0; // a record inside an event (no LAST)
const BASE = 1_703_462_400_000_000_000n; // mboColumns' default base

function strategyOf(create: () => BookStrategyHandlers): StrategyModule {
  return { id: "test", name: "test", description: "test", paramsSchema: z.object({}), create };
}

/** Handlers running `script[k]` at the k-th onBook (0-based). */
function onBooks(script: Record<number, (ctx: BookStrategyContext) => void>, extra: Partial<BookStrategyHandlers> = {}): StrategyModule {
  return strategyOf(() => {
    let k = 0;
    return {
      onStart() {},
      onBook(ctx) {
        script[k++]?.(ctx);
      },
      ...extra,
    };
  });
}

function run(records: readonly MboLiteral[], strategy: StrategyModule, fillModel: BookFillModelName = "l3-fifo", options: Partial<BookEngineConfig> = {}) {
  const engine = new BookBacktestEngine({
    instrument: instrumentFromContractSpec(ES, 0),
    strategy,
    params: {},
    fillModel,
    startingCashCents: 1_000_000,
    seed: 1,
    tickSizeNano: ES.tickSizeNano,
    ...options,
  });
  const columns = mboColumns(records);
  engine.processBatch(columns, 0, columns.length);
  return engine.finish();
}

const fillsOf = (fills: readonly Fill[]) => fills.map((f) => [f.side, f.qty, f.priceTicks, f.reason.model, f.reason.rule ?? null, f.reason.queuePosition ?? null]);

describe("stops on the book models", () => {
  // Bid 100.00 x5; asks 100.25 x2 (id11), 100.50 x3, 100.75 x4.
  const book: MboLiteral[] = [
    { action: "A", side: "B", price: 100, size: 5, id: 1 },
    { action: "A", side: "A", price: 100.25, size: 2, id: 11 },
    { action: "A", side: "A", price: 100.5, size: 3, id: 12 }, // boundary 2: buy stop 5 @ 100.25
    { action: "A", side: "A", price: 100.75, size: 4, id: 13 },
    { action: "T", side: "B", price: 100.25, size: 2, id: 90, flags: MID }, // record 4: elects (100.25 >= stop)
    { action: "F", side: "A", price: 100.25, size: 2, id: 11, flags: MID },
    { action: "C", side: "A", price: 100.25, size: 2, id: 11 }, // record 6: boundary, the stop walks 100.50, 100.75
  ];

  for (const model of ["l3-fifo", "l2-queue"] as const) {
    it(`${model}: a buy stop elected by a trade at its price walks the book at the event's boundary`, () => {
      const result = run(book, onBooks({ 2: (ctx) => ctx.submitStop(1, 5, 401) }), model);
      // After the electing event the asks are 100.50 x3, 100.75 x4: 3 @ 402 + 2 @ 403 (not the stop's 401).
      expect(fillsOf(result.fills)).toEqual([
        [1, 3, 402, model, "book-walk", null],
        [1, 2, 403, model, "book-walk", null],
        [-1, 5, 401, "end-of-data", null, null], // closed at the last trade, 100.25
      ]);
      expect(result.fills[0].tsNs).toBe(BASE + 6000n);
      expect(result.fills[0].reason.trigger).toEqual({ batch: 0, tradeIndex: 4, tradeTsNs: BASE + 4000n, tradePriceTicks: 401, stopPriceTicks: 401 });
      expect(result.metrics.grossPnlCents).toBe((5 * 401 - (3 * 402 + 2 * 403)) * TICK_CENTS);
    });
  }

  it("an IOC stop takes what the book shows when elected; the rest is cancelled, not filled later", () => {
    const more: MboLiteral[] = [...book, { action: "A", side: "A", price: 101, size: 9, id: 14 }]; // new depth at 7000
    const result = run(more, onBooks({ 2: (ctx) => ctx.submitStop(1, 9, 401, { timeInForce: "IOC" }) }));
    // 3 @ 100.50 + 4 @ 100.75 = 7 of 9; the 2 left are cancelled at once (the add at 101.00 fills nothing).
    expect(fillsOf(result.fills).slice(0, 2)).toEqual([
      [1, 3, 402, "l3-fifo", "book-walk", null],
      [1, 4, 403, "l3-fifo", "book-walk", null],
    ]);
    expect(fillsOf(result.fills)[2]).toEqual([-1, 7, 401, "end-of-data", null, null]);
    expect(result.cancelledOrders).toEqual([]);
  });

  it("a stop is not elected by trades before it reaches the venue (entry latency), nor by a trade short of its price", () => {
    // Latency 2500 ns: submitted at 2000, at the venue from 4500; the electing trade at 4000 is missed.
    const late = run(book, onBooks({ 2: (ctx) => ctx.submitStop(1, 5, 401) }), "l3-fifo", { latencyNs: 2500 });
    expect(late.fills).toEqual([]);
    const short = run(book, onBooks({ 2: (ctx) => ctx.submitStop(1, 5, 402) }), "l3-fifo");
    expect(short.fills).toEqual([]);
  });

  // Bids 100.00 x2 (id1), 99.50 x1 (id2), 99.25 x5 (id3); ask 100.25.
  const gap: MboLiteral[] = [
    { action: "A", side: "B", price: 100, size: 2, id: 1 },
    { action: "A", side: "B", price: 99.5, size: 1, id: 2 },
    { action: "A", side: "B", price: 99.25, size: 5, id: 3 },
    { action: "A", side: "A", price: 100.25, size: 1, id: 11 }, // boundary 3: sell stop 4 @ 99.75
    { action: "T", side: "A", price: 100, size: 2, id: 90, flags: MID }, // 100.00 > 99.75: not elected
    { action: "F", side: "B", price: 100, size: 2, id: 1, flags: MID },
    { action: "C", side: "B", price: 100, size: 2, id: 1 },
    { action: "T", side: "A", price: 99.5, size: 1, id: 91, flags: MID }, // record 7: gaps through 99.75: elected
    { action: "F", side: "B", price: 99.5, size: 1, id: 2, flags: MID },
    { action: "C", side: "B", price: 99.5, size: 1, id: 2 }, // boundary: only 99.25 x5 is left
  ];

  it("a gap through a sell stop fills at the first available price, never at the stop's", () => {
    const result = run(gap, onBooks({ 3: (ctx) => ctx.submitStop(-1, 4, 399) }));
    // Neither 99.75 (the stop) nor 99.50 (the electing trade, its liquidity gone): 4 @ 99.25.
    expect(fillsOf(result.fills)).toEqual([
      [-1, 4, 397, "l3-fifo", "book-walk", null],
      [1, 4, 398, "end-of-data", null, null],
    ]);
    expect(result.fills[0].reason.trigger).toMatchObject({ tradeIndex: 7, tradePriceTicks: 398, stopPriceTicks: 399 });
    expect(result.metrics.grossPnlCents).toBe(4 * (397 - 398) * TICK_CENTS);
  });

  it("a stop-limit elected through a gap rests at its limit when the book is beyond it", () => {
    let working: readonly Readonly<Order>[] = [];
    let ahead = Number.NaN;
    let id = 0;
    const result = run(
      gap,
      onBooks({
        3: (ctx) => (id = ctx.submitStopLimit(-1, 4, 399, 398).id),
        5: (ctx) => {
          working = ctx.workingOrders();
          ahead = ctx.queueAhead(id);
        },
      }),
    );
    expect(result.fills).toEqual([]);
    // Elected at record 7, it joined the (empty) ask queue at 99.50 at that boundary: nothing ahead.
    expect(working).toHaveLength(1);
    expect(working[0]).toMatchObject({ type: "stop-limit", status: "working", trigger: { tradeIndex: 7, tradePriceTicks: 398 } });
    expect(ahead).toBe(0);
    expect(result.cancelledOrders.map((o) => o.id)).toEqual([id]);
  });

});

describe("trailing stops and market-if-touched orders on the book models", () => {
  // Bids 100.00 x2 (id1), 99.75 x3, 99.50 x4; ask 100.25. No trade before the submission at boundary 3.
  const trail: MboLiteral[] = [
    { action: "A", side: "B", price: 100, size: 2, id: 1 },
    { action: "A", side: "B", price: 99.75, size: 3, id: 2 },
    { action: "A", side: "B", price: 99.5, size: 4, id: 3 },
    { action: "A", side: "A", price: 100.25, size: 5, id: 11 }, // boundary 3: sell trailing stop 4, trail 2
    { action: "T", side: "B", price: 100.25, size: 1, id: 90 }, // first trade: reference 401, stop 399
    { action: "T", side: "B", price: 100.75, size: 1, id: 91 }, // 403: reference 403, stop 401
    { action: "T", side: "A", price: 100.5, size: 1, id: 92 }, // 402 > 401: not elected; the stop stays 401
    { action: "T", side: "A", price: 100, size: 2, id: 93, flags: MID }, // record 7: gaps through 401 at 400: elected
    { action: "F", side: "B", price: 100, size: 2, id: 1, flags: MID },
    { action: "C", side: "B", price: 100, size: 2, id: 1 }, // boundary: bids 99.75 x3, 99.50 x4
  ];
  const stopsAt = (k: number[]) => {
    const seen: (number | null)[] = [];
    const script: Record<number, (ctx: BookStrategyContext) => void> = { 3: (ctx) => ctx.submitTrailingStop(-1, 4, 2) };
    for (const n of k) {
      const before = script[n];
      script[n] = (ctx) => {
        before?.(ctx);
        seen.push((ctx.workingOrders()[0] as Extract<Order, { type: "trailing-stop" }>).stopPriceTicks);
      };
    }
    return { strategy: onBooks(script), seen };
  };

  for (const model of ["l3-fifo", "l2-queue"] as const) {
    it(`${model}: a sell trailing stop ratchets up with the trades, never down, and a gap through it walks the bids`, () => {
      const { strategy, seen } = stopsAt([3, 4, 5, 6]);
      const result = run(trail, strategy, model);
      // No reference at submission; 401 - 2 = 399 after record 4, 403 - 2 = 401 after record 5, still 401 after 402.
      expect(seen).toEqual([null, 399, 401, 401]);
      // Elected at 400 (through the stop 401); at the boundary the bids are 99.75 x3, 99.50 x4: 3 @ 399 + 1 @ 398.
      expect(fillsOf(result.fills)).toEqual([
        [-1, 3, 399, model, "book-walk", null],
        [-1, 1, 398, model, "book-walk", null],
        [1, 4, 400, "end-of-data", null, null],
      ]);
      expect(result.fills[0].tsNs).toBe(BASE + 9000n);
      expect(result.fills[0].reason.trigger).toEqual({ batch: 0, tradeIndex: 7, tradeTsNs: BASE + 7000n, tradePriceTicks: 400, stopPriceTicks: 401 });
      expect(result.metrics.grossPnlCents).toBe((3 * 399 + 398 - 4 * 400) * TICK_CENTS);
    });
  }

  it("l1-quotes: the elected trailing stop takes the whole quantity at the best bid", () => {
    const result = run(trail, onBooks({ 3: (ctx) => ctx.submitTrailingStop(-1, 4, 2) }), "l1-quotes");
    expect(fillsOf(result.fills)).toEqual([
      [-1, 4, 399, "l1-quotes", "book-walk", null],
      [1, 4, 400, "end-of-data", null, null],
    ]);
  });

  it("a trailing stop's reference starts at the last trade known at submission; trades before it reaches the venue neither trail nor elect it", () => {
    // Submitted at boundary 4 (last trade 401): stop 399. Latency 2500 ns: at the venue from 6500, so
    // record 5 (403) does not trail it; 402 (record 6) does not elect it; 400 (record 7) does not reach 399.
    const late = run(trail, onBooks({ 4: (ctx) => ctx.submitTrailingStop(-1, 4, 2) }), "l3-fifo", { latencyNs: 2500 });
    expect(late.fills).toEqual([]);
    expect(late.cancelledOrders).toMatchObject([{ type: "trailing-stop", bestPriceTicks: 401, stopPriceTicks: 399, trigger: null }]);
    // Without latency record 5 trails it to 401 and record 7 elects it.
    const now = run(trail, onBooks({ 4: (ctx) => ctx.submitTrailingStop(-1, 4, 2) }));
    expect(now.fills[0].reason.trigger).toMatchObject({ tradeIndex: 7, stopPriceTicks: 401 });
  });

  it("a trail that is not a positive integer is rejected as an invalid price; a trail modification moves the stop from the reference", () => {
    const rejected: string[] = [];
    let seen: (number | null)[] = [];
    run(
      trail,
      onBooks(
        {
          3: (ctx) => {
            ctx.submitTrailingStop(-1, 1, 0);
            ctx.submitTrailingStop(-1, 1, 1.5);
            ctx.submitTrailingStop(-1, 4, 2);
          },
          5: (ctx) => {
            const id = ctx.workingOrders()[0].id;
            expect(ctx.modify(id, { priceTicks: 300 })).toBe(false);
            expect(ctx.modify(id, { trailTicks: 5 })).toBe(true);
            seen = ctx.workingOrders().map((o) => (o as Extract<Order, { type: "trailing-stop" }>).stopPriceTicks);
          },
        },
        { onOrderRejected: (_ctx, _order, reason) => rejected.push(reason) },
      ),
    );
    expect(rejected).toEqual(["invalid-price", "invalid-price", "invalid-price"]);
    // Reference 403 after record 5: 403 - 5 = 398.
    expect(seen).toEqual([398]);
  });

  // Bids 100.00 x2, 99.75 x3; asks 100.50 x2 (id11), x3 (id12).
  const touch: MboLiteral[] = [
    { action: "A", side: "B", price: 100, size: 2, id: 1 },
    { action: "A", side: "B", price: 99.75, size: 3, id: 2 },
    { action: "A", side: "A", price: 100.5, size: 2, id: 11 }, // boundary 2: MIT sell 4 @ 100.50
    { action: "A", side: "A", price: 100.5, size: 3, id: 12 },
    { action: "T", side: "B", price: 100.25, size: 1, id: 90 }, // 401 < 402: not touched
    { action: "T", side: "B", price: 100.5, size: 2, id: 91, flags: MID }, // record 5: touches 402: elected
    { action: "F", side: "A", price: 100.5, size: 2, id: 11, flags: MID },
    { action: "C", side: "A", price: 100.5, size: 2, id: 11 }, // boundary: bids 100.00 x2, 99.75 x3
  ];

  for (const model of ["l3-fifo", "l2-queue"] as const) {
    it(`${model}: a sell market-if-touched above the market is elected by a trade at its price and walks the bids`, () => {
      const result = run(touch, onBooks({ 2: (ctx) => ctx.submitMarketIfTouched(-1, 4, 402) }), model);
      // 2 @ 100.00 + 2 @ 99.75; closed at the last trade 100.50.
      expect(fillsOf(result.fills)).toEqual([
        [-1, 2, 400, model, "book-walk", null],
        [-1, 2, 399, model, "book-walk", null],
        [1, 4, 402, "end-of-data", null, null],
      ]);
      expect(result.fills[0].tsNs).toBe(BASE + 7000n);
      expect(result.fills[0].reason.trigger).toEqual({ batch: 0, tradeIndex: 5, tradeTsNs: BASE + 5000n, tradePriceTicks: 402, stopPriceTicks: 402 });
      expect(result.metrics.grossPnlCents).toBe((2 * 400 + 2 * 399 - 4 * 402) * TICK_CENTS);
    });
  }

  it("a buy market-if-touched is elected only at or below its trigger; a modified trigger restarts the latency", () => {
    // A buy MIT at 100.25 is touched by record 4 (401); one at 100.00 never is.
    const touched = run(touch, onBooks({ 2: (ctx) => ctx.submitMarketIfTouched(1, 1, 401) }));
    // Elected at record 4 (an event alone): it takes the best ask 100.50 at that boundary.
    expect(fillsOf(touched.fills)[0]).toEqual([1, 1, 402, "l3-fifo", "book-walk", null]);
    expect(touched.fills[0].reason.trigger).toMatchObject({ tradeIndex: 4, stopPriceTicks: 401 });
    const never = run(touch, onBooks({ 2: (ctx) => ctx.submitMarketIfTouched(1, 1, 400) }));
    expect(never.fills).toEqual([]);
    // Moved down to 100.00 at boundary 3, before the touching trade: never elected.
    const moved = run(touch, onBooks({ 2: (ctx) => ctx.submitMarketIfTouched(1, 1, 401), 3: (ctx) => ctx.modify(ctx.workingOrders()[0].id, { priceTicks: 400 }) }));
    expect(moved.fills).toEqual([]);
    expect(moved.cancelledOrders).toMatchObject([{ type: "market-if-touched", triggerPriceTicks: 400, trigger: null }]);
  });
});

describe("brackets and OCO on the book models", () => {
  it("l3-fifo: the take-profit rests in the real FIFO queue, fills when the queue ahead is consumed, the stop-loss sibling is cancelled", () => {
    const records: MboLiteral[] = [
      { action: "A", side: "B", price: 100, size: 5, id: 1 },
      { action: "A", side: "A", price: 100.5, size: 3, id: 11 },
      { action: "A", side: "A", price: 101, size: 2, id: 12 }, // boundary 2: market buy 1 + bracket tp 2 / sl 4
      { action: "A", side: "A", price: 101, size: 1, id: 13 }, // at 3000, after our take-profit joined: behind it
      { action: "T", side: "B", price: 101, size: 2, id: 90, flags: MID }, // consumes the 2 ahead (id12)
      { action: "F", side: "A", price: 101, size: 2, id: 12, flags: MID },
      { action: "C", side: "A", price: 101, size: 2, id: 12 },
      { action: "T", side: "B", price: 101, size: 1, id: 91, flags: MID }, // record 7: reaches us
      { action: "F", side: "A", price: 101, size: 1, id: 13, flags: MID },
      { action: "C", side: "A", price: 101, size: 1, id: 13 },
    ];
    const aheadLog: number[] = [];
    const exits: Readonly<Order>[] = [];
    let attached = false;
    let tpId = 0;
    const strategy = strategyOf(() => {
      let k = 0;
      return {
        onStart() {},
        onBook(ctx) {
          if (k++ === 2) attached = ctx.attachBracket(ctx.submitMarket(1, 1).id, { takeProfitTicks: 2, stopLossTicks: 4 });
          if (tpId !== 0) aheadLog.push(ctx.queueAhead(tpId));
        },
        onFill(ctx, fill) {
          if (fill.orderId === 1) {
            exits.push(...ctx.workingOrders());
            tpId = exits.find((o) => o.type === "limit")!.id;
          }
        },
      };
    });
    const result = run(records, strategy);
    expect(attached).toBe(true);
    // Entry: 1 @ 100.50 (402) when it reaches the book at 3000. Exits: sell limit 1 @ 402 + 2 = 404,
    // sell stop 1 @ 402 - 4 = 398, reduce-only, linked.
    expect(exits).toMatchObject([
      { type: "limit", side: -1, qty: 1, limitPriceTicks: 404, reduceOnly: true, parentId: 1 },
      { type: "stop", side: -1, qty: 1, stopPriceTicks: 398, reduceOnly: true, parentId: 1 },
    ]);
    expect(exits[0].ocoGroupId).toBe(exits[1].ocoGroupId);
    // queueAhead of the take-profit at the boundaries after it joined: 2 (id12; id13 came later),
    // 0 once id12 traded and left, then NaN (filled).
    expect(aheadLog).toEqual([2, 0, NaN]);
    expect(fillsOf(result.fills)).toEqual([
      [1, 1, 402, "l3-fifo", "book-walk", null],
      [-1, 1, 404, "l3-fifo", "queue", 0],
    ]);
    expect(result.fills[1].tsNs).toBe(BASE + 7000n);
    expect(result.finalPositionQty).toBe(0);
    expect(result.cancelledOrders).toEqual([]); // the stop-loss was cancelled by its sibling, not at the end
    expect(result.metrics.grossPnlCents).toBe(2 * TICK_CENTS);
  });

  it("OCO cancel: the breakout pair's first elected member fills, the other is cancelled", () => {
    const records: MboLiteral[] = [
      { action: "A", side: "B", price: 100, size: 5, id: 1 },
      { action: "A", side: "A", price: 100.25, size: 1, id: 11 },
      { action: "A", side: "A", price: 100.25, size: 1, id: 12 }, // boundary 2: buy stop @ 100.25, sell stop @ 99.75, linked
      { action: "T", side: "B", price: 100.25, size: 1, id: 90, flags: MID }, // elects the buy stop
      { action: "F", side: "A", price: 100.25, size: 1, id: 11, flags: MID },
      { action: "C", side: "A", price: 100.25, size: 1, id: 11 }, // boundary: buys 1 @ 100.25 (id12)
      { action: "T", side: "A", price: 99.75, size: 1, id: 91 }, // would elect the sell stop: cancelled already
    ];
    const links: boolean[] = [];
    const result = run(
      records,
      onBooks({
        2: (ctx) => {
          const up = ctx.submitStop(1, 1, 401);
          const down = ctx.submitStop(-1, 1, 399);
          links.push(ctx.linkOco([up.id, 99]), ctx.linkOco([up.id]), ctx.linkOco([up.id, down.id]), ctx.linkOco([up.id, down.id]));
        },
      }),
    );
    expect(links).toEqual([false, false, true, false]); // unknown id, one member, ok, already linked
    expect(fillsOf(result.fills)).toEqual([
      [1, 1, 401, "l3-fifo", "book-walk", null],
      [-1, 1, 399, "end-of-data", null, null],
    ]);
    expect(result.cancelledOrders).toEqual([]);
  });

  it("OCO reduce: a partial fill of one exit reduces the other by the same quantity", () => {
    const records: MboLiteral[] = [
      { action: "A", side: "B", price: 100, size: 5, id: 1 },
      { action: "A", side: "A", price: 100.25, size: 2, id: 11 }, // boundary 1: market buy 2
      { action: "A", side: "B", price: 99.75, size: 1, id: 2 }, // 2000: bought 2 @ 100.25 before it; boundary 2: exits
      { action: "A", side: "B", price: 99.5, size: 1, id: 3 }, // 3000: the exits join (nothing ahead at 100.50 / 101.00)
      { action: "T", side: "B", price: 100.5, size: 1, id: 90 }, // 4000: 1 lifted at 100.50: our first exit fills 1
    ];
    let remaining: number[] = [];
    let working = 0;
    const result = run(
      records,
      onBooks(
        {
          1: (ctx) => ctx.submitMarket(1, 2),
          2: (ctx) => {
            const ids = [ctx.submitLimit(-1, 2, 402, { reduceOnly: true }).id, ctx.submitLimit(-1, 2, 404, { reduceOnly: true }).id];
            ctx.linkOco(ids, "reduce");
          },
        },
        {
          onTrade(ctx) {
            remaining = ctx.workingOrders().map((o) => o.qty - o.filledQty);
            working = ctx.workingQty;
          },
        },
      ),
    );
    expect(fillsOf(result.fills)).toEqual([
      [1, 2, 401, "l3-fifo", "book-walk", null],
      [-1, 1, 402, "l3-fifo", "queue", 0],
      [-1, 1, 402, "end-of-data", null, null],
    ]);
    // The 100.50 exit has 1 left; the 101.00 one was reduced from 2 to 1.
    expect(remaining).toEqual([1, 1]);
    expect(working).toBe(-2);
  });
});

describe("timers on the book engine", () => {
  it("fires onTimer at its exact time, before the first MBO record at or after it; orders sent there arrive then", () => {
    const records: MboLiteral[] = [
      { action: "A", side: "B", price: 100, size: 5, id: 1 },
      { action: "A", side: "A", price: 100.25, size: 5, id: 11 },
      { action: "A", side: "A", price: 100.5, size: 5, id: 12 },
      { action: "A", side: "B", price: 99.75, size: 5, id: 2 }, // 3000
      { action: "A", side: "B", price: 99.5, size: 5, id: 3 }, // 4000
    ];
    const log: string[] = [];
    const t = (ctx: { timeNs: bigint }) => String(ctx.timeNs - BASE);
    const strategy = strategyOf(() => ({
      onStart(ctx) {
        ctx.setTimer(BASE + 2500n, 7);
        ctx.setTimer(BASE + 4000n, 8); // at a record's own time: before it
        ctx.setTimer(BASE + 3500n, 9);
        ctx.setTimer(BASE + 9000n, 10); // after the last record: never fires
      },
      onBook(ctx) {
        log.push(`book@${t(ctx)}`);
      },
      onTimer(ctx, id) {
        log.push(`timer${id}@${t(ctx)} bid=${(ctx as BookStrategyContext).book.bestBidTicks}`);
        if (id === 7) {
          ctx.cancelTimer(9);
          ctx.submitMarket(1, 1);
        }
      },
      onFill(ctx, fill) {
        log.push(`fill@${t(ctx)} ${fill.priceTicks}`);
      },
    }));
    const result = run(records, strategy);
    expect(log).toEqual(["book@0", "book@1000", "book@2000", "timer7@2500 bid=400", "fill@2500 401", "book@3000", "timer8@4000 bid=400", "book@4000"]);
    expect(result.fills[0].tsNs).toBe(BASE + 2500n);
  });

  it("refuses a timer in the past and a timer without onTimer", () => {
    const records: MboLiteral[] = [{ action: "A", side: "B", price: 100, size: 5, id: 1, tsNs: 5000 }];
    expect(() => run(records, onBooks({ 0: (ctx) => ctx.setTimer(BASE + 4999n, 1) }, { onTimer() {} }))).toThrow(/in the past/);
    expect(() => run(records, onBooks({ 0: (ctx) => ctx.setTimer(BASE + 6000n, 1) }))).toThrow(/no onTimer handler/);
  });
});

describe("latency legs on the book engine", () => {
  const records: MboLiteral[] = [
    { action: "A", side: "B", price: 100, size: 5, id: 1 },
    { action: "A", side: "A", price: 100.25, size: 5, id: 11 }, // 1000: market buy 1
    { action: "A", side: "A", price: 100.5, size: 5, id: 12 }, // 2000
    { action: "A", side: "B", price: 99.75, size: 5, id: 2 }, // 3000
    { action: "A", side: "B", price: 99.5, size: 5, id: 3 }, // 4000
  ];
  function logged(latency: LatencyConfig) {
    const log: string[] = [];
    const strategy = onBooks(
      { 1: (ctx) => ctx.submitMarket(1, 1) },
      {
        onBook(ctx) {
          log.push(`book@${ctx.timeNs - BASE} pos=${ctx.position.qty}`);
          if (ctx.timeNs === BASE + 1000n) ctx.submitMarket(1, 1);
        },
        onFill(ctx, fill) {
          log.push(`fill@${ctx.timeNs - BASE} ${fill.tsNs - BASE}`);
        },
      },
    );
    return { result: run(records, strategy, "l3-fifo", { latency }), log };
  }

  it("the response leg delays onFill; the entry leg delays the arrival", () => {
    const { result, log } = logged({ entry: { kind: "constant", ns: 1000 }, response: { kind: "constant", ns: 1500 } });
    // Sent at 1000, at the venue at 2000 (book of boundary 1000: ask 100.25): filled at 2000, reported at 3500.
    expect(log).toEqual(["book@0 pos=0", "book@1000 pos=0", "book@2000 pos=1", "book@3000 pos=1", "fill@3500 2000", "book@4000 pos=1"]);
    expect(result.fills[0]).toMatchObject({ priceTicks: 401, tsNs: BASE + 2000n, reason: { latencyNs: 1000, responseLatencyNs: 1500 } });
  });

  it("samples seeded distributions per order (entry) and per fill (response), reports in fill order", () => {
    const latency: LatencyConfig = { entry: { kind: "uniform", minNs: 0, maxNs: 900 }, response: { kind: "uniform", minNs: 100, maxNs: 5000 } };
    const { result, log } = logged(latency);
    const model = new LatencyModel(latency.entry!, latency.response!, 1);
    const entry = model.entryNs(); // the one submission
    const response = model.responseNs(); // its fill
    const fillAt = 1000 + entry; // arrives before the record at 2000
    expect(result.fills[0]).toMatchObject({ tsNs: BASE + BigInt(fillAt), reason: { latencyNs: entry, responseLatencyNs: response } });
    expect(log).toContain(`fill@${fillAt + response} ${fillAt}`);
    const again = logged(latency);
    expect(again.log).toEqual(log);
  });
});

describe("market hours on the book engine (quote data, l1-quotes)", () => {
  // 2024-01-03 21:59:58 UTC = 15:59:58 CT: two seconds before the close of session 2024-01-03.
  const base = BigInt(Date.UTC(2024, 0, 3, 21, 59, 58)) * 1_000_000n;
  const S = 1_000_000_000;
  function quoteRun(list: { t: number; bid: number; ask: number }[], handlers: () => BookStrategyHandlers, options: Partial<BookEngineConfig>) {
    const q = allocateQuoteColumns(list.length, base);
    list.forEach((x, i) => {
      q.tsRecvOffsetNs[i] = x.t;
      q.bidTicks[i] = x.bid;
      q.askTicks[i] = x.ask;
      q.bidSize[i] = 5;
      q.askSize[i] = 7;
      q.kind[i] = 0;
    });
    q.length = list.length;
    const noTrades = allocateTradeColumns(1, base);
    noTrades.length = 0;
    const engine = new BookBacktestEngine({
      instrument: instrumentFromContractSpec(MNQ, 0),
      strategy: strategyOf(handlers),
      params: {},
      fillModel: "l1-quotes",
      startingCashCents: 1_000_000,
      seed: 1,
      tickSizeNano: MNQ.tickSizeNano,
      ...options,
    });
    for (const batch of mergeQuoteFeed([q], [noTrades], Number(MNQ.tickSizeNano))) engine.processBatch(batch.columns, 0, batch.columns.length);
    return engine.finish();
  }
  const quotesList = [
    { t: 0, bid: 19200, ask: 19201 },
    { t: 0.5 * S, bid: 19200, ask: 19202 },
    { t: 1.5 * S, bid: 19199, ask: 19202 },
    { t: 2.5 * S, bid: 19198, ask: 19203 }, // after the close (2 s): the market is closed
    { t: 3603 * S, bid: 19210, ask: 19211 }, // 17:00:01 CT: session 2024-01-04 is open
  ];

  it("flattens before the close, calls onSessionClose at the close, rejects orders while closed, opens the next session", () => {
    const log: string[] = [];
    const at = (ctx: { timeNs: bigint }) => `${(Number(ctx.timeNs - base) / S).toFixed(1)}s`;
    const result = quoteRun(
      quotesList,
      () => ({
        onStart(ctx) {
          ctx.submitMarket(1, 1);
          ctx.submitLimit(-1, 1, 19300, { timeInForce: "DAY" });
        },
        onSessionOpen(ctx, date) {
          log.push(`open ${date} @${at(ctx)} open=${ctx.marketOpen}`);
        },
        onSessionClose(ctx, date) {
          log.push(`close ${date} @${at(ctx)} open=${ctx.marketOpen} pos=${ctx.position.qty} working=${ctx.workingOrders().length}`);
          ctx.submitLimit(1, 1, 19000);
        },
        onOrderRejected(ctx, _order, reason) {
          log.push(`rejected ${reason} @${at(ctx)}`);
        },
      }),
      { flattenAtSessionEnd: { secondsBeforeClose: 1 } },
    );
    expect(log).toEqual([
      "open 2024-01-03 @0.0s open=true",
      "close 2024-01-03 @2.0s open=false pos=0 working=0",
      "rejected market-closed @2.0s",
      "open 2024-01-04 @3602.0s open=true",
    ]);
    // Bought at the ask 19201 at 0 s; flattened at 1 s (close - 1 s) at the bid of the 0.5 s quote, 19200.
    expect(result.fills.map((f) => [f.side, f.qty, f.priceTicks, Number(f.tsNs - base) / S])).toEqual([
      [1, 1, 19201, 0],
      [-1, 1, 19200, 1],
    ]);
    expect(result.metrics.grossPnlCents).toBe(-MNQ.tickValueCents);
  });

  it("without flattening: DAY orders expire at the close (after onSessionClose, as in the trades engine), GTC ones stay", () => {
    const log: string[] = [];
    const result = quoteRun(
      quotesList.slice(0, 4),
      () => ({
        onStart(ctx) {
          ctx.submitMarket(1, 1);
          ctx.submitLimit(-1, 1, 19300, { timeInForce: "DAY" });
          ctx.submitLimit(-1, 1, 19301);
        },
        onSessionClose(ctx) {
          log.push(ctx.workingOrders().map((o) => `${o.type}:${o.type === "limit" ? o.limitPriceTicks : ""}`).join(","));
        },
        onBook(ctx) {
          if (!ctx.marketOpen) log.push(ctx.workingOrders().map((o) => `${o.type}:${o.type === "limit" ? o.limitPriceTicks : ""}`).join(","));
        },
      }),
      { calendar: "cme-equity" },
    );
    // At the close both limits still work (the close comes first at equal times); the DAY one
    // expired right after it, so the quote at 2.5 s sees the GTC one only.
    expect(log).toEqual(["limit:19300,limit:19301", "limit:19301"]);
    expect(result.cancelledOrders.map((o) => (o.type === "limit" ? o.limitPriceTicks : 0))).toEqual([19301]);
  });
});
