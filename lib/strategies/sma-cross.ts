/**
 * SMA cross - reference semantics (this comment is the specification; tests check it exactly).
 *
 * Parameters: barSeconds (60), fast (10), slow (30), qty (1); fast < slow.
 *
 * - Time bars are the intervals [k*P, (k+1)*P) on the UTC epoch grid in ns, P = barSeconds * 1e9.
 *   A bar exists only if it has a trade; its close is the price of its last trade. Bars ignore
 *   session gaps: the last bar of a session closes when the first trade of the next session
 *   arrives (or at end of data).
 * - A bar closes when the clock reaches (k+1)*P, before any event at or after that time: the
 *   engine's bar clock closes it when the next trade's time is >= (k+1)*P, then delivers that trade.
 * - At each bar close, once at least `slow` closes exist (counting the bar that just closed), fast
 *   and slow are the simple means of the last `fast` and `slow` closes. Target position: +qty if
 *   fast > slow, -qty if fast < slow, unchanged if equal. If the target differs from the position
 *   (plus any still-working order quantity, which is zero without latency) one market order for
 *   the difference is sent.
 * - With l1-trades, zero latency and no slippage, that order fills entirely at the price of the
 *   first trade at or after the bar end, i.e. the trade that closed the bar.
 * - End of data: the final bar closes, but no trade exists at or after its end, so an order it
 *   sends can never fill and is cancelled; a position still open is then closed at the last trade
 *   price (engine "end-of-data" fill). Fees are charged per contract per side at every fill.
 *
 * Arithmetic: exact by construction, on integer ticks. The means are compared without dividing:
 * fast > slow  <=>  fastSum * slow > slowSum * fast. Running sums of Int32 ticks and these products
 * stay below 2^53 for the parameter bounds below (1000 x 2000 x 2^31 < 2^53), so "equal" is an
 * exact integer equality. trading-signals is not used: its SMA recomputes sum / length over an
 * array window in floating point at every update. On integer ticks that happens to compare
 * correctly (exact sums, correctly rounded division), but the guarantee would rest on a rounding
 * argument about a library's internals, it costs O(window) per bar, and the exact version is a
 * dozen lines (O(1) per bar, no allocation).
 */
import { z } from "zod";
import { defineStrategy, type StrategyContext, type TimeBar } from "../engine/strategy";

export const smaCrossParamsSchema = z
  .object({
    barSeconds: z
      .number()
      .int()
      .min(1)
      .max(86_400)
      .default(60)
      .describe("Bar length in seconds; bars are [k*P, (k+1)*P) on the UTC epoch grid"),
    fast: z.number().int().min(1).max(1_000).default(10).describe("Number of bar closes in the fast simple moving average"),
    slow: z.number().int().min(2).max(2_000).default(30).describe("Number of bar closes in the slow simple moving average"),
    qty: z.number().int().min(1).max(1_000).default(1).describe("Contracts held long when fast > slow, short when fast < slow"),
  })
  .refine((p) => p.fast < p.slow, { message: "fast must be smaller than slow", path: ["fast"] });

export type SmaCrossParams = z.output<typeof smaCrossParamsSchema>;

export const smaCross = defineStrategy({
  id: "sma-cross",
  name: "SMA cross",
  description:
    "Always in the market once warmed up: long qty when the fast simple moving average of bar closes is above the slow one, short when below. Trades at bar closes with market orders.",
  paramsSchema: smaCrossParamsSchema,
  create(params: SmaCrossParams) {
    const { fast, slow, qty } = params;
    // Ring buffer of the last `slow` closes; `head` is where the next close goes.
    const closes = new Int32Array(slow);
    let head = 0;
    let count = 0;
    let fastSum = 0;
    let slowSum = 0;

    return {
      barIntervalNs: params.barSeconds * 1e9,
      onStart() {},
      onBar(ctx: StrategyContext, bar: TimeBar) {
        const close = bar.closeTicks;
        if (count >= fast) fastSum -= closes[(head + slow - fast) % slow];
        if (count >= slow) slowSum -= closes[head];
        closes[head] = close;
        head = head + 1 === slow ? 0 : head + 1;
        fastSum += close;
        slowSum += close;
        count++;
        if (count < slow) return;

        const left = fastSum * slow;
        const right = slowSum * fast;
        const current = ctx.position.qty + ctx.workingQty;
        const target = left > right ? qty : left < right ? -qty : current;
        const difference = target - current;
        if (difference !== 0) ctx.submitMarket(difference > 0 ? 1 : -1, Math.abs(difference));
      },
    };
  },
});
