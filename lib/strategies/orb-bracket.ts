/**
 * Opening-range breakout with a bracket - reference semantics (this comment is the specification;
 * tests check it exactly). Needs the session calendar (it defines onSessionOpen, so the engine
 * turns the CME calendar on).
 *
 * Parameters: rangeMinutes (15), breakoutTicks (1), takeProfitTicks (40), stopLossTicks (20),
 * qty (1), flattenSeconds (60).
 *
 * - Per session (onSessionOpen with its session date, from lib/market/session-calendar): the
 *   opening range is the high and low of the trades with receive time in [rthFrom, rthFrom +
 *   rangeMinutes), rthFrom = 08:30 CT of the session date. Sessions whose RTH is shorter than the
 *   range (early closes) or that the run joins after the range ended are not traded.
 * - At rthFrom + rangeMinutes (a timer, before any trade at that time), if the range holds at least
 *   one trade: a buy stop at high + breakoutTicks and a sell stop at low - breakoutTicks, qty each,
 *   DAY, each the entry of a bracket (take profit takeProfitTicks, stop loss stopLossTicks from the
 *   entry's fill price, see lib/engine/venue.ts), the two entries linked one-cancels-other: the first
 *   breakout cancels the other side, so there is at most one trade per session. A gap through an
 *   entry or an exit fills at the first trade beyond it (never at the order's own price).
 * - Flat at session end: at close - flattenSeconds (a timer) every working order is cancelled and a
 *   position still open is closed with a market order (it fills at the next trade before the close;
 *   without one, the close cancels it and the end of data or the next session closes it).
 */
import { z } from "zod";
import { sessionFor } from "../market/session-calendar";
import { defineStrategy, type StrategyContext } from "../engine/strategy";

export const orbBracketParamsSchema = z.object({
  rangeMinutes: z.number().int().min(1).max(240).default(15).describe("Minutes after the 08:30 CT RTH open that form the opening range"),
  breakoutTicks: z.number().int().min(1).max(1_000).default(1).describe("Entry stops sit this many ticks beyond the range high / low"),
  takeProfitTicks: z.number().int().min(1).max(10_000).default(40).describe("Take-profit distance from the entry fill, ticks"),
  stopLossTicks: z.number().int().min(1).max(10_000).default(20).describe("Stop-loss distance from the entry fill, ticks"),
  qty: z.number().int().min(1).max(1_000).default(1).describe("Contracts per trade"),
  flattenSeconds: z.number().int().min(1).max(3_600).default(60).describe("Cancel and flatten this many seconds before the session close"),
});

export type OrbBracketParams = z.output<typeof orbBracketParamsSchema>;

const RANGE_END = 1;
const FLATTEN = 2;
const NS_PER_MS = 1_000_000n;

export const orbBracket = defineStrategy({
  id: "orb-bracket",
  name: "Opening-range breakout (bracket)",
  description:
    "Trades the first breakout of the opening range (first N minutes after 08:30 CT) with a stop entry and a take-profit/stop-loss bracket; one trade per session, flat before the close.",
  paramsSchema: orbBracketParamsSchema,
  create(params: OrbBracketParams) {
    let rangeFromNs = 0n;
    let rangeToNs = 0n;
    let collecting = false;
    let high = -Infinity;
    let low = Infinity;

    const flatten = (ctx: StrategyContext) => {
      for (const order of ctx.workingOrders()) ctx.cancel(order.id);
      const qty = ctx.position.qty;
      if (qty !== 0) ctx.submitMarket(qty > 0 ? -1 : 1, Math.abs(qty));
    };

    return {
      onStart() {},
      onSessionOpen(ctx, sessionDate) {
        collecting = false;
        high = -Infinity;
        low = Infinity;
        const session = sessionFor(sessionDate);
        if (session === null) return;
        rangeFromNs = BigInt(session.rthFromMs) * NS_PER_MS;
        rangeToNs = rangeFromNs + BigInt(params.rangeMinutes) * 60_000_000_000n;
        const flattenNs = session.closeNs - BigInt(params.flattenSeconds) * 1_000_000_000n;
        if (rangeFromNs >= ctx.timeNs && rangeToNs <= BigInt(session.rthToMs) * NS_PER_MS && rangeToNs < flattenNs) {
          collecting = true;
          ctx.setTimer(rangeToNs, RANGE_END);
        }
        if (flattenNs >= ctx.timeNs) ctx.setTimer(flattenNs, FLATTEN);
      },
      onTrade(ctx, i) {
        if (!collecting) return;
        const t = ctx.timeNs;
        if (t < rangeFromNs || t >= rangeToNs) return;
        const p = ctx.trades.priceTicks[i];
        if (p > high) high = p;
        if (p < low) low = p;
      },
      onTimer(ctx, timerId) {
        if (timerId === FLATTEN) {
          collecting = false;
          flatten(ctx);
          return;
        }
        collecting = false;
        if (high === -Infinity || !ctx.marketOpen) return;
        const exits = { takeProfitTicks: params.takeProfitTicks, stopLossTicks: params.stopLossTicks };
        const up = ctx.submitStop(1, params.qty, high + params.breakoutTicks, { timeInForce: "DAY" });
        const down = ctx.submitStop(-1, params.qty, low - params.breakoutTicks, { timeInForce: "DAY" });
        if (up.status !== "working" || down.status !== "working") return;
        ctx.attachBracket(up.id, exits);
        ctx.attachBracket(down.id, exits);
        ctx.linkOco([up.id, down.id], "cancel");
      },
    };
  },
});
