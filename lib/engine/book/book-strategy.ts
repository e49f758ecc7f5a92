/**
 * What book strategies see on top of the trade-strategy API (lib/engine/strategy.ts) when a run
 * replays order-by-order data through the book engine (book-engine.ts):
 *
 *   onBook   at every event boundary of the MBO feed (a record with the LAST flag, or the end of
 *            a snapshot), after the fills that event caused; ctx.book is the book at that boundary
 *   onQuote  at a boundary where the best bid/ask (price or size) changed, before onBook
 *   onTrade  for every trade record (action T; `i` is 0 and ctx.trades holds that one trade),
 *            before the rest of its event reaches the book
 *
 * onStart, onFill (after the response latency, when the run has one), onEnd, onOrderRejected,
 * onTimer and onSessionOpen/onSessionClose (calendar on) keep their meaning (book-engine.ts gives
 * their order relative to the feed); onBar gets time bars (`barIntervalNs`) with full OHLCV over
 * the trade records (book-engine.ts: when they close); activity bars (`barSpec`) are refused.
 */
import type { Fill } from "../fill";
import type { StrategyContext, StrategyHandlers } from "../strategy";
import type { BookView } from "./book-view";

export interface BookStrategyContext extends StrategyContext {
  readonly book: BookView;
  /**
   * Contracts ahead of one of our resting limit orders in its queue: exact on l3-fifo (real orders
   * still ahead of it), the model's estimate on l2-queue, NaN on l1-quotes, for orders not yet
   * in the book (latency) and for unknown ids.
   */
  queueAhead(orderId: number): number;
}

export interface BookStrategyHandlers extends StrategyHandlers {
  onBook?(ctx: BookStrategyContext): void;
  /**
   * At an event boundary where the top of book changed (best bid or ask price or size, compared
   * with the last onQuote; the first boundary of the run always counts), right before onBook.
   * Read ctx.book.bestBidTicks / bestAskTicks / bestBidSize / bestAskSize. On quote datasets
   * (MBP-1, TBBO, BBO, MBP-10 - lib/engine/quotes/quote-feed.ts) this is every stored quote that
   * differs from the one before; on MBO data every L1 change.
   */
  onQuote?(ctx: BookStrategyContext): void;
  onFill?(ctx: StrategyContext, fill: Fill): void;
}

export function isBookContext(ctx: StrategyContext): ctx is BookStrategyContext {
  return (ctx as Partial<BookStrategyContext>).book !== undefined;
}
