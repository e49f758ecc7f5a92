/**
 * Session VWAP mean reversion - reference semantics (this comment is the specification; tests
 * check it exactly). Needs the session calendar (it defines onSessionOpen, so the engine turns the
 * CME calendar on).
 *
 * Parameters: band ("ticks" | "std", default "ticks"), bandTicks (8), k (2), stdBars (20),
 * barSeconds (60), stopTicks (12), qty (1), flattenSeconds (60).
 *
 * - VWAP of the session: PV / V over every trade of the current session so far (V = sum of sizes,
 *   PV = sum of price x size, integer ticks), reset at each session open. Exact: comparisons are
 *   made on integers (p >= VWAP + b  <=>  p V >= PV + b V), as sma-cross does for its means.
 * - Band b: "ticks" - bandTicks; "std" - k x the population standard deviation of the last stdBars
 *   deviations (bar close - VWAP at the bar close), bars [k P, (k+1) P) on the UTC epoch grid,
 *   computed with trading-signals' getStandardDeviation; no trading until stdBars bars of the
 *   session exist. (Std mode compares in floating point: p - VWAP >= b.)
 * - Entry, on a trade, when flat with no working order and before the flatten time: p >= VWAP + b
 *   sells qty at market (fade the excursion); p <= VWAP - b buys qty at market.
 * - On the entry's fill at F: a reduce-only stop at F -+ stopTicks (below for a long).
 * - Exit at VWAP: long and a trade at p >= VWAP (short: p <= VWAP) - the stop is cancelled and the
 *   position closed at market. A stop fill (gaps fill at the first trade beyond) also ends the trade.
 * - Flat at session end: at close - flattenSeconds (a timer) working orders are cancelled and the
 *   position closed at market; no entry after that until the next session.
 */
import { getStandardDeviation } from "trading-signals";
import { z } from "zod";
import { sessionFor } from "../market/session-calendar";
import { defineStrategy, type StrategyContext, type TimeBar } from "../engine/strategy";

export const vwapReversionParamsSchema = z.object({
  band: z.enum(["ticks", "std"]).default("ticks").describe("Band around VWAP: a fixed number of ticks, or k x rolling std of bar deviations"),
  bandTicks: z.number().int().min(1).max(10_000).default(8).describe("Band half-width in ticks (band = ticks)"),
  k: z.number().positive().max(20).default(2).describe("Band = k x std of the last stdBars bar deviations from VWAP (band = std)"),
  stdBars: z.number().int().min(2).max(1_000).default(20).describe("Bars in the rolling std (band = std)"),
  barSeconds: z.number().int().min(1).max(3_600).default(60).describe("Bar length for the rolling std, seconds"),
  stopTicks: z.number().int().min(1).max(10_000).default(12).describe("Protective stop distance from the entry fill, ticks"),
  qty: z.number().int().min(1).max(1_000).default(1).describe("Contracts per trade"),
  flattenSeconds: z.number().int().min(1).max(3_600).default(60).describe("Cancel and flatten this many seconds before the session close"),
});

export type VwapReversionParams = z.output<typeof vwapReversionParamsSchema>;

const FLATTEN = 1;

export const vwapReversion = defineStrategy({
  id: "vwap-reversion",
  name: "VWAP reversion",
  description:
    "Fades excursions beyond a band around the session VWAP (fixed ticks or k x rolling std), exits at VWAP, protective stop in ticks, flat before the close.",
  paramsSchema: vwapReversionParamsSchema,
  create(params: VwapReversionParams) {
    let volume = 0;
    let priceVolume = 0;
    let tradingOpen = false;
    let entryId = -1;
    let stopId = -1;
    const deviations: number[] = [];

    const flatten = (ctx: StrategyContext) => {
      for (const order of ctx.workingOrders()) ctx.cancel(order.id);
      stopId = -1;
      const qty = ctx.position.qty;
      if (qty !== 0) ctx.submitMarket(qty > 0 ? -1 : 1, Math.abs(qty));
    };

    /** Band in ticks, or NaN while the std mode is warming up. */
    const band = (): number => {
      if (params.band === "ticks") return params.bandTicks;
      return deviations.length < params.stdBars ? Number.NaN : params.k * getStandardDeviation(deviations);
    };

    return {
      barIntervalNs: params.barSeconds * 1e9,
      onStart() {},
      onSessionOpen(ctx, sessionDate) {
        volume = 0;
        priceVolume = 0;
        deviations.length = 0;
        const session = sessionFor(sessionDate);
        if (session === null) return;
        const flattenNs = session.closeNs - BigInt(params.flattenSeconds) * 1_000_000_000n;
        tradingOpen = flattenNs > ctx.timeNs;
        if (tradingOpen) ctx.setTimer(flattenNs, FLATTEN);
      },
      onTimer(ctx) {
        tradingOpen = false;
        flatten(ctx);
      },
      onBar(_ctx, bar: TimeBar) {
        if (params.band !== "std" || volume === 0) return;
        deviations.push(bar.closeTicks - priceVolume / volume);
        if (deviations.length > params.stdBars) deviations.shift();
      },
      onTrade(ctx, i) {
        const trades = ctx.trades;
        const p = trades.priceTicks[i];
        const size = trades.size[i];
        volume += size;
        priceVolume += p * size;
        const position = ctx.position.qty;
        if (position !== 0) {
          // Exit at VWAP: p >= VWAP <=> p V >= PV.
          const atVwap = position > 0 ? p * volume >= priceVolume : p * volume <= priceVolume;
          if (atVwap && ctx.workingQty === (stopId >= 0 ? -position : 0)) {
            if (stopId >= 0) ctx.cancel(stopId);
            stopId = -1;
            ctx.submitMarket(position > 0 ? -1 : 1, Math.abs(position));
          }
          return;
        }
        if (!tradingOpen || ctx.workingQty !== 0 || !ctx.marketOpen) return;
        const b = band();
        if (Number.isNaN(b)) return;
        const above = params.band === "ticks" ? p * volume >= priceVolume + b * volume : p - priceVolume / volume >= b;
        const below = params.band === "ticks" ? p * volume <= priceVolume - b * volume : priceVolume / volume - p >= b;
        if (above) entryId = ctx.submitMarket(-1, params.qty).id;
        else if (below) entryId = ctx.submitMarket(1, params.qty).id;
      },
      onFill(ctx, fill) {
        if (fill.orderId !== entryId || ctx.position.qty === 0) return;
        entryId = -1;
        const stop = ctx.submitStop(fill.side === 1 ? -1 : 1, Math.abs(ctx.position.qty), fill.priceTicks - fill.side * params.stopTicks, { reduceOnly: true });
        stopId = stop.status === "working" ? stop.id : -1;
      },
    };
  },
});
