/**
 * The StrategyContext handed to every handler: live read-only views of the clock, the account and
 * the position, and the order and timer requests, forwarded to the venue and the engine. Built once
 * per run; its getters read the current state, so handlers never hold stale copies.
 */
import type { Account } from "./account";
import type { SeededRandom } from "../market/random";
import type { TradeColumns } from "../market/trade-columns";
import type { SimClock } from "./sim-clock";
import type { StrategyContext } from "./strategy";
import type { Venue } from "./venue";

/** What the context needs from the engine besides the venue. */
export interface ContextHost {
  readonly batch: TradeColumns;
  readonly marketOpen: boolean;
  readonly sessionDate: string | null;
  setTimer(atNs: bigint, timerId: number): void;
  cancelTimer(timerId: number): boolean;
}

export function createStrategyContext(host: ContextHost, clock: SimClock, venue: Venue, account: Account, random: SeededRandom): StrategyContext {
  const position = account.position;
  const markTicks = () => (Number.isNaN(clock.lastPriceTicks) ? 0 : clock.lastPriceTicks);
  return {
    get timeNs() {
      return clock.nowNs();
    },
    instrument: account.instrument,
    get trades() {
      return host.batch;
    },
    get lastPriceTicks() {
      return clock.lastPriceTicks;
    },
    position: {
      get qty() {
        return position.qty;
      },
      get avgEntryTicks() {
        return position.avgEntryTicks;
      },
    },
    get workingQty() {
      return venue.workingQty;
    },
    account: {
      get equityCents() {
        return account.equityCents(markTicks());
      },
      get realisedCents() {
        return account.realisedCents;
      },
      get unrealisedCents() {
        return account.unrealisedCents(markTicks());
      },
      get feesCents() {
        return account.feesCents;
      },
    },
    get marketOpen() {
      return host.marketOpen;
    },
    get sessionDate() {
      return host.sessionDate;
    },
    submitMarket: (side, qty) => venue.submitMarket(side, qty),
    submitLimit: (side, qty, priceTicks, opts) =>
      venue.submitResting(side, qty, [priceTicks], opts, (id, submittedAtNs, f) => ({ ...f, id, submittedAtNs, type: "limit", limitPriceTicks: priceTicks, marketable: false })),
    submitStop: (side, qty, stopTicks, opts) =>
      venue.submitResting(side, qty, [stopTicks], opts, (id, submittedAtNs, f) => ({ ...f, id, submittedAtNs, type: "stop", stopPriceTicks: stopTicks, trigger: null })),
    submitStopLimit: (side, qty, stopTicks, limitTicks, opts) =>
      venue.submitResting(side, qty, [stopTicks, limitTicks], opts, (id, submittedAtNs, f) => ({
        ...f,
        id,
        submittedAtNs,
        type: "stop-limit",
        stopPriceTicks: stopTicks,
        limitPriceTicks: limitTicks,
        trigger: null,
        marketable: false,
      })),
    submitTrailingStop: (side, qty, trailTicks, opts) =>
      // A trail is a positive distance; an invalid one is rejected as an invalid price.
      venue.submitResting(side, qty, [Number.isInteger(trailTicks) && trailTicks >= 1 ? trailTicks : Number.NaN], opts, (id, submittedAtNs, f) => ({
        ...f,
        id,
        submittedAtNs,
        type: "trailing-stop",
        trailTicks,
        bestPriceTicks: null,
        stopPriceTicks: null,
        trigger: null,
      })),
    submitMarketIfTouched: (side, qty, triggerTicks, opts) =>
      venue.submitResting(side, qty, [triggerTicks], opts, (id, submittedAtNs, f) => ({
        ...f,
        id,
        submittedAtNs,
        type: "market-if-touched",
        triggerPriceTicks: triggerTicks,
        trigger: null,
      })),
    attachBracket: (entryOrderId, exits) => venue.attachBracket(entryOrderId, exits),
    linkOco: (orderIds, mode = "cancel") => venue.linkOco(orderIds, mode),
    setTimer: (atNs, timerId) => host.setTimer(atNs, timerId),
    cancelTimer: (timerId) => host.cancelTimer(timerId),
    cancel: (orderId) => venue.cancel(orderId),
    modify: (orderId, change) => venue.modify(orderId, change),
    workingOrders: () => venue.workingOrders(),
    random: () => random.next(),
  };
}
