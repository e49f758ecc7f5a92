/**
 * Passive market maker - reference semantics (this comment is the specification). Needs
 * order-by-order data (`requires: "mbo"`): it shows the queue models at work, since every one of
 * its fills is a resting limit reached through the queue (or a cross / trade-through).
 *
 * Parameters: qty (1) contracts per quote, maxInventory (1) contracts.
 *
 * At every book boundary (onBook), when both sides have orders and the book is not crossed
 * (best bid < best ask):
 * - wanted bid = the best bid, if position + qty <= maxInventory, else none;
 *   wanted ask = the best ask, if position - qty >= -maxInventory, else none;
 * - a working quote whose price differs from the wanted one (the best moved, or the side is not
 *   wanted any more) is cancelled; then, if a side is wanted and has no working quote, a limit of
 *   `qty` at the wanted price is sent (GTC). A re-quote therefore joins the back of the new level's
 *   queue - the strategy never keeps a stale place.
 * A crossed or one-sided book leaves the quotes as they are. Fills reduce the quote's remaining
 * size; a fully filled quote is forgotten, so the next boundary re-quotes that side (inventory
 * permitting). No other exit: the engine closes what is left at the end of data.
 */
import { z } from "zod";
import type { Fill } from "../engine/fill";
import type { BookStrategyContext, BookStrategyHandlers } from "../engine/book/book-strategy";
import { defineStrategy, type StrategyContext } from "../engine/strategy";

export const passiveMarketMakerParamsSchema = z.object({
  qty: z.number().int().min(1).max(100).default(1).describe("Contracts per quote"),
  maxInventory: z.number().int().min(1).max(1_000).default(1).describe("Largest absolute position the quotes may build"),
});

export type PassiveMarketMakerParams = z.output<typeof passiveMarketMakerParamsSchema>;

interface Quote {
  id: number;
  priceTicks: number;
  remaining: number;
}

export const passiveMarketMaker = defineStrategy({
  id: "passive-market-maker",
  name: "Passive market maker",
  description:
    "Quotes qty at the best bid and the best ask with limit orders, re-quotes when the best moves, stops quoting a side at the inventory limit. Needs order-by-order (MBO) data and a book fill model.",
  paramsSchema: passiveMarketMakerParamsSchema,
  requires: "mbo",
  create(params: PassiveMarketMakerParams): BookStrategyHandlers {
    const { qty, maxInventory } = params;
    let bid: Quote | null = null;
    let ask: Quote | null = null;

    const requote = (ctx: BookStrategyContext, side: 1 | -1, quote: Quote | null, wanted: number): Quote | null => {
      if (quote !== null && quote.priceTicks !== wanted) {
        ctx.cancel(quote.id);
        quote = null;
      }
      if (quote === null && wanted === wanted) {
        const order = ctx.submitLimit(side, qty, wanted);
        if (order.status === "working") quote = { id: order.id, priceTicks: wanted, remaining: qty };
      }
      return quote;
    };

    return {
      onStart() {},
      onBook(ctx: BookStrategyContext) {
        const bestBid = ctx.book.bestBidTicks;
        const bestAsk = ctx.book.bestAskTicks;
        if (!(bestBid < bestAsk)) return; // NaN (a side is empty) or crossed
        const position = ctx.position.qty;
        bid = requote(ctx, 1, bid, position + qty <= maxInventory ? bestBid : Number.NaN);
        ask = requote(ctx, -1, ask, position - qty >= -maxInventory ? bestAsk : Number.NaN);
      },
      onFill(_ctx: StrategyContext, fill: Fill) {
        if (bid !== null && fill.orderId === bid.id && (bid.remaining -= fill.qty) <= 0) bid = null;
        if (ask !== null && fill.orderId === ask.id && (ask.remaining -= fill.qty) <= 0) ask = null;
      },
    };
  },
});
