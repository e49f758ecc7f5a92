/**
 * Queue models of the book fill models (DOMAIN.md section 7; hftbacktest `backtest/models/queue.rs`).
 *
 * - `l3-fifo` (MBO): exact. Our resting limit takes the book's `queueClock()` when it reaches the
 *   venue, so it sits behind every real order resting at its price then; the size ahead of it is
 *   always `sizeAhead(side, price, priority)`: real orders ahead that are cancelled or filled
 *   leave it, orders behind it (later adds, re-queued modifies) never count. A trade at our price
 *   by an aggressor on the other side first consumes the size ahead (as it stood before the trade's
 *   event), and what is left of it fills us (partial fills possible).
 * - `l2-queue` (aggregated level sizes, MBP): our order joins the back of the displayed size at
 *   its price: ahead = level size. Trades at our price advance it by their size (the excess fills
 *   us). A decrease of the level size not explained by those trades (cancels) is split between
 *   the front and the back of our order by `QueueProbability`:
 *     risk-averse: every cancel is behind us (ahead only shrinks when the level becomes smaller
 *       than it: ahead = min(ahead, level size));
 *     power n / log: hftbacktest's ProbQueueModel. With front = ahead, back = prev - front (prev =
 *       level size at the last boundary net of trades since) and a decrease d,
 *         p = f(back) / (f(back) + f(front)),  f(x) = x^n (power) or ln(1 + x) (log)
 *         front' = front - (1 - p) d + min(back - p d, 0),  then capped to [0, level size]
 *       p is the share of the decrease assumed behind us: the longer the queue behind us, the
 *       likelier a cancel came from there. Deterministic (an expectation, no random draw), so the
 *       same data always gives the same fills; front may be fractional, fills are whole contracts.
 * - `l1-quotes` (best bid/offer only): no queue. Market orders fill whole at the opposite best;
 *   a limit fills at its price when the opposite best reaches it (ask <= buy limit).
 * All three also fill a resting limit when the opposite best reaches its price at a boundary; the
 * l2/l3 models fill it when a trade prints through its price.
 */
import type { BookFillModelName } from "../fill";

export const BOOK_FILL_MODELS = ["l1-quotes", "l2-queue", "l3-fifo"] as const satisfies readonly BookFillModelName[];

export function isBookFillModel(name: string): name is BookFillModelName {
  return (BOOK_FILL_MODELS as readonly string[]).includes(name);
}

export type QueueProbability = { readonly kind: "risk-averse" } | { readonly kind: "power"; readonly n: number } | { readonly kind: "log" };

/** Named queue models of the run configuration: risk-averse, f(x) = x^2, x^3, ln(1 + x). */
export const QUEUE_MODEL_NAMES = ["risk-averse", "power-2", "power-3", "log"] as const;
export type QueueModelName = (typeof QUEUE_MODEL_NAMES)[number];

export function queueProbability(name: QueueModelName = "risk-averse"): QueueProbability {
  if (name === "power-2") return { kind: "power", n: 2 };
  if (name === "power-3") return { kind: "power", n: 3 };
  return name === "log" ? { kind: "log" } : { kind: "risk-averse" };
}

/**
 * The size ahead after a level decrease of `decrease` contracts not explained by trades, for an
 * order with `front` ahead in a level of `prev` contracts (net of trades). See the module comment.
 */
export function probQueueFront(model: QueueProbability, front: number, prev: number, decrease: number): number {
  if (model.kind === "risk-averse") return front;
  const back = Math.max(0, prev - front);
  const fb = model.kind === "power" ? back ** model.n : Math.log1p(back);
  const ff = model.kind === "power" ? front ** model.n : Math.log1p(front);
  let p = fb / (fb + ff);
  if (!Number.isFinite(p)) p = 1;
  const next = front - (1 - p) * decrease + Math.min(back - p * decrease, 0);
  return next > 0 ? next : 0;
}
