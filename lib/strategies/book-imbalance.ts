/**
 * Order-book imbalance - reference semantics (this comment is the specification). Needs book data
 * and a book fill model (`requires: "mbo"`): MBO datasets, MBP-10 datasets (ten levels a side,
 * lib/engine/depth/depth-feed.ts; l1-quotes or l2-queue), or top-of-book quote datasets (MBP-1,
 * TBBO, BBO, NinjaTrader bid/ask) on `l1-quotes`, where the book holds the best level only - there
 * `levels` has no effect and I is the top-of-book imbalance of the quoted sizes.
 *
 * Parameters: levels (3), threshold (0.6), qty (1), exitTicks (4), timeoutSeconds (30).
 *
 * At every book boundary (onBook) with both sides present and the book not crossed:
 * - imbalance I = (B - A) / (B + A), B and A the total sizes of the best `levels` bid and ask levels;
 * - flat with no working order: I >= threshold sends a market buy of qty, I <= -threshold a market
 *   sell (compared exactly: B - A >= threshold * (B + A));
 * - in a position (entry = average entry price): exit with one market order for the whole position
 *   when the price we would exit at (best bid when long, best ask when short) is at least
 *   `exitTicks` away from the entry in either direction (target or stop), or when
 *   `timeoutSeconds` have passed since the entry fill (clock = ts_recv of the boundary).
 * While an order is working nothing else is sent; after the exit fill the strategy is flat and may
 * enter again at a later boundary.
 */
import { z } from "zod";
import type { Fill } from "../engine/fill";
import type { BookStrategyContext, BookStrategyHandlers } from "../engine/book/book-strategy";
import { defineStrategy, type StrategyContext } from "../engine/strategy";

export const bookImbalanceParamsSchema = z.object({
  levels: z.number().int().min(1).max(10).default(3).describe("Best levels per side summed into the imbalance"),
  threshold: z.number().gt(0).lt(1).default(0.6).describe("Enter when |(bid size - ask size) / (bid size + ask size)| reaches it"),
  qty: z.number().int().min(1).max(100).default(1).describe("Contracts per entry"),
  exitTicks: z.number().int().min(1).max(1_000).default(4).describe("Exit when the exit price is this many ticks from the entry (target or stop)"),
  timeoutSeconds: z.number().int().min(1).max(86_400).default(30).describe("Exit after holding this long"),
});

export type BookImbalanceParams = z.output<typeof bookImbalanceParamsSchema>;

export const bookImbalance = defineStrategy({
  id: "book-imbalance",
  name: "Order-book imbalance",
  description:
    "Enters with a market order when the size of the best levels is lopsided (bids over asks: buy; asks over bids: sell), exits after a fixed number of ticks either way or a timeout. Needs order-book data and a book fill model: MBO, MBP-10 depth, or top-of-book quotes (MBP-1/TBBO) on l1-quotes, where it uses the best level only.",
  paramsSchema: bookImbalanceParamsSchema,
  requires: "mbo",
  create(params: BookImbalanceParams): BookStrategyHandlers {
    const { levels, threshold, qty, exitTicks } = params;
    const timeoutNs = BigInt(params.timeoutSeconds) * 1_000_000_000n;
    const px = new Float64Array(levels);
    const sz = new Float64Array(levels);
    let entryAtNs: bigint | null = null;

    const sideSize = (ctx: BookStrategyContext, side: 1 | -1): number => {
      const n = ctx.book.depth(side, levels, px, sz);
      let total = 0;
      for (let k = 0; k < n; k++) total += sz[k];
      return total;
    };

    return {
      onStart() {},
      onBook(ctx: BookStrategyContext) {
        const bestBid = ctx.book.bestBidTicks;
        const bestAsk = ctx.book.bestAskTicks;
        if (!(bestBid < bestAsk) || ctx.workingQty !== 0) return;
        const position = ctx.position.qty;
        if (position === 0) {
          const b = sideSize(ctx, 1);
          const a = sideSize(ctx, -1);
          if (b - a >= threshold * (b + a)) ctx.submitMarket(1, qty);
          else if (a - b >= threshold * (b + a)) ctx.submitMarket(-1, qty);
          return;
        }
        const entry = ctx.position.avgEntryTicks!;
        const exitPrice = position > 0 ? bestBid : bestAsk;
        const timedOut = entryAtNs !== null && ctx.timeNs - entryAtNs >= timeoutNs;
        if (Math.abs(exitPrice - entry) >= exitTicks || timedOut) ctx.submitMarket(position > 0 ? -1 : 1, Math.abs(position));
      },
      onFill(ctx: StrategyContext, fill: Fill) {
        entryAtNs = ctx.position.qty === 0 ? null : (entryAtNs ?? fill.tsNs);
      },
    };
  },
});
