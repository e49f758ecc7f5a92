import { describe, expect, it } from "vitest";
import { z } from "zod";
import { getContractSpec } from "../../market/contract-spec";
import { allocateTradeColumns } from "../../market/trade-columns";
import { instrumentFromContractSpec } from "../instrument";
import { allocateQuoteColumns, QUOTE_KIND } from "../quotes/quote-columns";
import { mergeQuoteFeed } from "../quotes/quote-feed";
import { defineStrategy, type Bar } from "../strategy";
import { T0_NS, at } from "../test-support/tape";
import { OHLCV_BARS, OHLCV_TRADES, timeBarFields } from "../test-support/time-bars";
import { BookBacktestEngine } from "./book-engine";
import type { BookStrategyContext, BookStrategyHandlers } from "./book-strategy";

const MNQ = getContractSpec("MNQ");
const TICK = Number(MNQ.tickSizeNano);

/**
 * The trades of OHLCV_TRADES, each with the quote it printed against (bid = price - 1, ask =
 * price + 1, marked as a trade's quote), plus two quote-only events: 25 s (no trade: closes bar
 * [10, 20) but opens nothing) and 59.8 s (the last record: the final bar closes at its time).
 */
function feed(maxEvents: number) {
  const extra = [
    { tsNs: at(25), bid: 101, ask: 103 },
    { tsNs: at(59.8), bid: 99, ask: 101 },
  ];
  const rows = [...OHLCV_TRADES.map((t) => ({ tsNs: t.tsNs, bid: t.priceTicks - 1, ask: t.priceTicks + 1, trade: true })), ...extra.map((q) => ({ ...q, trade: false }))].sort((a, b) => (a.tsNs < b.tsNs ? -1 : a.tsNs > b.tsNs ? 1 : 0));
  const q = allocateQuoteColumns(rows.length, T0_NS);
  rows.forEach((r, i) => {
    q.tsRecvOffsetNs[i] = Number(r.tsNs - T0_NS);
    q.bidTicks[i] = r.bid;
    q.askTicks[i] = r.ask;
    q.bidSize[i] = 5;
    q.askSize[i] = 5;
    q.kind[i] = r.trade ? QUOTE_KIND.TRADE : 0;
  });
  q.length = rows.length;
  const t = allocateTradeColumns(OHLCV_TRADES.length, T0_NS);
  OHLCV_TRADES.forEach((trade, i) => {
    t.tsOffsetNs[i] = Number(trade.tsNs - T0_NS);
    t.priceTicks[i] = trade.priceTicks;
    t.size[i] = trade.size;
    t.side[i] = 1;
  });
  t.length = OHLCV_TRADES.length;
  return mergeQuoteFeed([q], [t], TICK, maxEvents);
}

function run(handlers: () => BookStrategyHandlers, options: { chunk?: number; maxEvents?: number; strategyFromNs?: bigint } = {}) {
  const strategy = defineStrategy({ id: "bars", name: "bars", description: "bars", paramsSchema: z.object({}), create: handlers });
  const engine = new BookBacktestEngine({
    instrument: instrumentFromContractSpec(MNQ, 0),
    strategy,
    params: {},
    fillModel: "l1-quotes",
    startingCashCents: 10_000_000,
    seed: 1,
    tickSizeNano: MNQ.tickSizeNano,
    ...(options.strategyFromNs !== undefined ? { strategyFromNs: options.strategyFromNs } : {}),
  });
  const chunk = options.chunk ?? Infinity;
  for (const batch of feed(options.maxEvents ?? 65_536)) {
    const c = batch.columns;
    for (let from = 0; from < c.length; from = Math.min(c.length, from + chunk)) engine.processBatch(c, from, Math.min(c.length, from + chunk));
  }
  return engine.finish();
}

describe("BookBacktestEngine: time bars", () => {
  it("delivers time bars with the hand-computed OHLCV of the trade records, whatever the batching and chunking", () => {
    for (const [maxEvents, chunk] of [
      [65_536, Infinity],
      [3, 1],
      [4, 2],
    ]) {
      const seen: unknown[] = [];
      const clocks: bigint[] = [];
      run(
        () => ({
          barIntervalNs: 10e9,
          onStart() {},
          onBar(ctx, bar: Bar) {
            seen.push(timeBarFields(bar));
            clocks.push(ctx.timeNs);
          },
        }),
        { maxEvents, chunk },
      );
      expect(seen).toEqual(OHLCV_BARS);
      // Closes at the first event at or after the bar end, clock = the end (bar [10, 20): the quote
      // at 25 s); the final bar at the end of data, clock = the last record (the quote at 59.8 s).
      expect(clocks).toEqual([at(10), at(20), at(50), at(59.8)]);
    }
  });

  it("closes a bar before the arrivals and timers due at its end; a market order from onBar fills at the opposite best standing at the bar end", () => {
    const log: string[] = [];
    const result = run(() => ({
      barIntervalNs: 10e9,
      onStart(ctx) {
        ctx.setTimer(at(10), 1);
      },
      onTimer: (ctx, id) => void log.push(`timer ${id} @${(ctx.timeNs - T0_NS) / 1_000_000_000n}`),
      onFill: (ctx, fill) => void log.push(`fill ${fill.side} ${fill.priceTicks} @${(ctx.timeNs - T0_NS) / 1_000_000_000n}`),
      onBar(ctx: BookStrategyContext, bar: Bar) {
        log.push(`bar ${bar.closeTicks} @${(ctx.timeNs - T0_NS) / 1_000_000_000n}`);
        if (bar.endNs === at(10)) ctx.submitMarket(1, 2);
      },
    }));
    // At 10 s the book is the quote of the 9.999999999 s trade (bid 100, ask 102): the buy takes 102.
    expect(log.slice(0, 3)).toEqual(["bar 101 @10", "fill 1 102 @10", "timer 1 @10"]);
    expect(result.fills[0]).toMatchObject({ side: 1, qty: 2, priceTicks: 102, tsNs: at(10), reason: { model: "l1-quotes", rule: "book-walk" } });
  });

  it("counts only the trades from the strategy's start (strategyFromNs)", () => {
    const seen: unknown[] = [];
    run(() => ({ barIntervalNs: 10e9, onStart() {}, onBar: (_ctx, bar) => void seen.push(timeBarFields(bar)) }), { strategyFromNs: at(10) });
    expect(seen).toEqual(OHLCV_BARS.slice(1));
  });

  it("refuses activity bars (barSpec) with a clear message", () => {
    expect(() => run(() => ({ barSpec: { kind: "tick", count: 5 }, onStart() {}, onBar() {} }))).toThrow(/uses tick bars, which the book engine \(l1-quotes\) does not deliver \(time bars, barIntervalNs, it does\)/);
  });
});
