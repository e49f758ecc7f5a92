import { describe, expect, it } from "vitest";
import { z } from "zod";
import { getContractSpec } from "../../market/contract-spec";
import { MBO_FLAG } from "../../market/mbo-columns";
import { allocateTradeColumns, type TradeColumns } from "../../market/trade-columns";
import { BookBacktestEngine } from "../book/book-engine";
import type { BookStrategyContext, BookStrategyHandlers } from "../book/book-strategy";
import { instrumentFromContractSpec } from "../instrument";
import { defineStrategy } from "../strategy";
import { allocateQuoteColumns, QUOTE_KIND, type QuoteColumns } from "./quote-columns";
import { mergeQuoteFeed } from "./quote-feed";

const MNQ = getContractSpec("MNQ");
const TICK = Number(MNQ.tickSizeNano);
const BASE = 1_741_000_000_000_000_000n;

interface Q {
  t: number;
  bid: number;
  ask: number;
  bs?: number;
  as?: number;
  trade?: boolean;
}
interface T {
  t: number;
  px: number;
  size: number;
  side: 1 | -1 | 0;
}

function quotes(list: Q[]): QuoteColumns {
  const c = allocateQuoteColumns(list.length, BASE);
  list.forEach((q, i) => {
    c.tsRecvOffsetNs[i] = q.t;
    c.bidTicks[i] = q.bid;
    c.askTicks[i] = q.ask;
    c.bidSize[i] = q.bs ?? 5;
    c.askSize[i] = q.as ?? 7;
    c.kind[i] = q.trade ? QUOTE_KIND.TRADE : 0;
  });
  c.length = list.length;
  return c;
}

function trades(list: T[]): TradeColumns {
  const c = allocateTradeColumns(Math.max(1, list.length), BASE);
  list.forEach((t, i) => {
    c.tsOffsetNs[i] = t.t;
    c.priceTicks[i] = t.px;
    c.size[i] = t.size;
    c.side[i] = t.side;
  });
  c.length = list.length;
  return c;
}

/** Runs a strategy (given as handlers) over the merged feed on l1-quotes. */
function run(q: Q[], t: T[], handlers: () => BookStrategyHandlers, latencyNs = 0) {
  const strategy = defineStrategy({ id: "test-quotes", name: "t", description: "t", paramsSchema: z.object({}), create: handlers });
  const engine = new BookBacktestEngine({
    instrument: instrumentFromContractSpec(MNQ, 0),
    strategy,
    params: {},
    fillModel: "l1-quotes",
    startingCashCents: 10_000_000,
    seed: 1,
    latencyNs,
    tickSizeNano: MNQ.tickSizeNano,
  });
  for (const batch of mergeQuoteFeed([quotes(q)], [trades(t)], TICK, 3)) engine.processBatch(batch.columns, 0, batch.columns.length);
  return engine.finish();
}

/** Sends `send` once, at the first onQuote. */
function once(send: (ctx: BookStrategyContext) => void): () => BookStrategyHandlers {
  return () => {
    let sent = false;
    return {
      onStart() {},
      onQuote(ctx) {
        if (!sent) send(ctx);
        sent = true;
      },
    };
  };
}

describe("quote feed merge", () => {
  it("turns quotes into adds, modifies and cancels of one synthetic order per side, and a trade into one T record, each event ending with LAST", () => {
    const q = quotes([
      { t: 10, bid: 100, ask: 101, bs: 3, as: 4 },
      { t: 30, bid: 99, ask: Number.NaN, bs: 2 },
      { t: 40, bid: Number.NaN, ask: Number.NaN },
      { t: 50, bid: Number.NaN, ask: Number.NaN },
    ]);
    const [batch] = mergeQuoteFeed([q], [trades([{ t: 20, px: 101, size: 2, side: 1 }])], TICK);
    const c = batch.columns;
    const n = c.length;
    expect(batch.events).toBe(5);
    expect(c.baseNs).toBe(BASE + 10n);
    // 10: A bid, A ask | 20: T | 30: M bid, C ask | 40: C bid | 50: N (nothing rests, nothing changes)
    expect(String.fromCharCode(...c.action.subarray(0, n))).toBe("AATMCCN");
    expect(String.fromCharCode(...c.side.subarray(0, n))).toBe("BABBABN");
    expect([...c.orderIdLo.subarray(0, n)]).toEqual([1, 2, 0, 1, 2, 1, 0]);
    expect([...c.flags.subarray(0, n)]).toEqual([0, MBO_FLAG.LAST, MBO_FLAG.LAST, 0, MBO_FLAG.LAST, MBO_FLAG.LAST, MBO_FLAG.LAST]);
    expect([...c.priceNano.subarray(0, 6)]).toEqual([100 * TICK, 101 * TICK, 101 * TICK, 99 * TICK, 101 * TICK, 99 * TICK]);
    expect([...c.size.subarray(0, 6)]).toEqual([3, 4, 2, 2, 4, 2]);
    expect([...c.tsRecvOffsetNs.subarray(0, n)]).toEqual([0, 0, 10, 20, 20, 30, 40]);
  });

  it("puts a trade right after the quote of its own record, before later quotes of the same ts_recv", () => {
    const log: string[] = [];
    run(
      [
        { t: 100, bid: 100, ask: 101 },
        { t: 200, bid: 100, ask: 101, as: 3, trade: true },
        { t: 200, bid: 100, ask: 101, as: 1 },
      ],
      [{ t: 200, px: 101, size: 2, side: 1 }],
      () => ({
        onStart() {},
        onQuote(ctx) {
          log.push(`quote ${ctx.book.bestBidTicks}/${ctx.book.bestAskTicks} x${ctx.book.bestAskSize}`);
        },
        onTrade(ctx) {
          log.push(`trade ${ctx.trades.priceTicks[0]} x${ctx.trades.size[0]}`);
        },
      }),
    );
    expect(log).toEqual(["quote 100/101 x7", "quote 100/101 x3", "trade 101 x2", "quote 100/101 x1"]);
  });
});

describe("l1-quotes over quotes", () => {
  it("fills a market buy whole at the best ask, whatever its displayed size", () => {
    const r = run(
      [
        { t: 1_000, bid: 100, ask: 101, as: 7 },
        { t: 2_000, bid: 100, ask: 102 },
      ],
      [],
      once((ctx) => ctx.submitMarket(1, 10)),
    );
    expect(r.fills[0]).toMatchObject({ side: 1, qty: 10, priceTicks: 101, tsNs: BASE + 1_000n, reason: { model: "l1-quotes", rule: "book-walk" } });
  });

  it("fills a resting buy limit at its price when the ask comes down to it, not when a trade prints at it", () => {
    const r = run(
      [
        { t: 1_000, bid: 100, ask: 101 },
        { t: 2_000, bid: 99, ask: 100 },
        { t: 4_000, bid: 98, ask: 99 },
        { t: 5_000, bid: 97, ask: 98 },
      ],
      [{ t: 3_000, px: 99, size: 5, side: -1 }],
      once((ctx) => ctx.submitLimit(1, 2, 99)),
    );
    expect(r.fills.filter((f) => f.reason.model === "l1-quotes")).toEqual([
      expect.objectContaining({ side: 1, qty: 2, priceTicks: 99, tsNs: BASE + 4_000n, reason: expect.objectContaining({ rule: "opposite-cross" }) }),
    ]);
  });

  it("fills a resting buy limit at its own price when the ask gaps through it", () => {
    const r = run(
      [
        { t: 1_000, bid: 100, ask: 101 },
        { t: 2_000, bid: 96, ask: 97 },
      ],
      [],
      once((ctx) => ctx.submitLimit(1, 1, 99)),
    );
    expect(r.fills[0]).toMatchObject({ qty: 1, priceTicks: 99, tsNs: BASE + 2_000n });
  });

  it("never fills a buy limit that only the bid reaches", () => {
    const r = run(
      [
        { t: 1_000, bid: 100, ask: 102 },
        { t: 2_000, bid: 101, ask: 102 },
        { t: 3_000, bid: 100, ask: 102 },
      ],
      [{ t: 2_500, px: 101, size: 9, side: -1 }],
      once((ctx) => ctx.submitLimit(1, 1, 101)),
    );
    expect(r.fills.filter((f) => f.reason.model === "l1-quotes")).toEqual([]);
  });

  it("delays an order by the latency and matches it against the quote standing when it arrives", () => {
    const r = run(
      [
        { t: 1_000, bid: 100, ask: 101 },
        { t: 2_000, bid: 101, ask: 102 },
        { t: 3_000, bid: 102, ask: 103 },
      ],
      [],
      once((ctx) => ctx.submitMarket(1, 1)),
      1_500,
    );
    // Sent at 1000, arrives at 2500: the quote then is 101/102 (the 3000 quote is not yet known).
    expect(r.fills[0]).toMatchObject({ qty: 1, priceTicks: 102, tsNs: BASE + 2_500n, reason: { latencyNs: 1_500 } });
  });

  it("does not match a market order against a locked quote; it fills at the next open one", () => {
    const r = run(
      [
        { t: 1_000, bid: 100, ask: 101 },
        { t: 1_500, bid: 101, ask: 101 },
        { t: 2_000, bid: 101, ask: 102 },
      ],
      [],
      () => {
        let n = 0;
        return {
          onStart() {},
          onQuote(ctx) {
            if (++n === 2) ctx.submitMarket(1, 1);
          },
        };
      },
    );
    // Sent at the locked quote (1500), it reaches the venue at the next record (2000) against the
    // locked book: no match; at the 2000 boundary the book is 101/102 and it takes 102.
    expect(r.fills[0]).toMatchObject({ qty: 1, priceTicks: 102, tsNs: BASE + 2_000n });
  });
});
