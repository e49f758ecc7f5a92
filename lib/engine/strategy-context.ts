/**
 * The StrategyContext handed to every handler: live read-only views of the clock, the account and
 * the position, and the order and timer requests, forwarded to the venue and the engine. Built once
 * per run; its getters read the current state, so handlers never hold stale copies.
 */
import type { Account } from "./account";
import type { Instrument } from "./instrument";
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
  return new TradesContext(host, clock, venue, account, random);
}

/**
 * Classes, not object literals with getters: V8 keeps a literal with accessors in dictionary mode
 * (slow properties), and strategies read `ctx.position.qty` or `ctx.lastPriceTicks` on every event.
 * The requests stay own function properties, so a strategy can call them detached. `PositionView`
 * and `AccountView` serve both engines' contexts (book/book-context.ts).
 */
export class PositionView {
  readonly #account: Account;

  constructor(account: Account) {
    this.#account = account;
  }

  get qty(): number {
    return this.#account.position.qty;
  }

  get avgEntryTicks(): number | null {
    return this.#account.position.avgEntryTicks;
  }
}

/** The price the account marks open positions to (the engine's last trade; 0 before any). */
export interface MarkSource {
  markTicks(): number;
}

export class AccountView {
  readonly #account: Account;
  readonly #mark: MarkSource;

  constructor(account: Account, mark: MarkSource) {
    this.#account = account;
    this.#mark = mark;
  }

  get equityCents(): number {
    return this.#account.equityCents(this.#mark.markTicks());
  }

  get realisedCents(): number {
    return this.#account.realisedCents;
  }

  get unrealisedCents(): number {
    return this.#account.unrealisedCents(this.#mark.markTicks());
  }

  get feesCents(): number {
    return this.#account.feesCents;
  }
}

/** The trades engine's mark: the clock's last trade price, 0 before the first trade. */
class ClockMark implements MarkSource {
  readonly #clock: SimClock;

  constructor(clock: SimClock) {
    this.#clock = clock;
  }

  markTicks(): number {
    const last = this.#clock.lastPriceTicks;
    return Number.isNaN(last) ? 0 : last;
  }
}

class TradesContext implements StrategyContext {
  readonly #host: ContextHost;
  readonly #clock: SimClock;
  readonly #venue: Venue;
  readonly instrument: Instrument;
  readonly position: PositionView;
  readonly account: AccountView;

  constructor(host: ContextHost, clock: SimClock, venue: Venue, account: Account, random: SeededRandom) {
    this.#host = host;
    this.#clock = clock;
    this.#venue = venue;
    this.instrument = account.instrument;
    this.position = new PositionView(account);
    this.account = new AccountView(account, new ClockMark(clock));
    this.random = () => random.next();
  }

  get timeNs(): bigint {
    return this.#clock.nowNs();
  }

  get trades(): TradeColumns {
    return this.#host.batch;
  }

  get lastPriceTicks(): number {
    return this.#clock.lastPriceTicks;
  }

  get workingQty(): number {
    return this.#venue.workingQty;
  }

  get marketOpen(): boolean {
    return this.#host.marketOpen;
  }

  get sessionDate(): string | null {
    return this.#host.sessionDate;
  }

  readonly submitMarket: StrategyContext["submitMarket"] = (side, qty) => this.#venue.submitMarket(side, qty);

  readonly submitLimit: StrategyContext["submitLimit"] = (side, qty, priceTicks, opts) =>
    this.#venue.submitResting(side, qty, [priceTicks], opts, (id, submittedAtNs, f) => ({ ...f, id, submittedAtNs, type: "limit", limitPriceTicks: priceTicks, marketable: false }));

  readonly submitStop: StrategyContext["submitStop"] = (side, qty, stopTicks, opts) =>
    this.#venue.submitResting(side, qty, [stopTicks], opts, (id, submittedAtNs, f) => ({ ...f, id, submittedAtNs, type: "stop", stopPriceTicks: stopTicks, trigger: null }));

  readonly submitStopLimit: StrategyContext["submitStopLimit"] = (side, qty, stopTicks, limitTicks, opts) =>
    this.#venue.submitResting(side, qty, [stopTicks, limitTicks], opts, (id, submittedAtNs, f) => ({
      ...f,
      id,
      submittedAtNs,
      type: "stop-limit",
      stopPriceTicks: stopTicks,
      limitPriceTicks: limitTicks,
      trigger: null,
      marketable: false,
    }));

  readonly submitTrailingStop: StrategyContext["submitTrailingStop"] = (side, qty, trailTicks, opts) =>
    // A trail is a positive distance; an invalid one is rejected as an invalid price.
    this.#venue.submitResting(side, qty, [Number.isInteger(trailTicks) && trailTicks >= 1 ? trailTicks : Number.NaN], opts, (id, submittedAtNs, f) => ({
      ...f,
      id,
      submittedAtNs,
      type: "trailing-stop",
      trailTicks,
      bestPriceTicks: null,
      stopPriceTicks: null,
      trigger: null,
    }));

  readonly submitMarketIfTouched: StrategyContext["submitMarketIfTouched"] = (side, qty, triggerTicks, opts) =>
    this.#venue.submitResting(side, qty, [triggerTicks], opts, (id, submittedAtNs, f) => ({
      ...f,
      id,
      submittedAtNs,
      type: "market-if-touched",
      triggerPriceTicks: triggerTicks,
      trigger: null,
    }));

  readonly attachBracket: StrategyContext["attachBracket"] = (entryOrderId, exits) => this.#venue.attachBracket(entryOrderId, exits);
  readonly linkOco: StrategyContext["linkOco"] = (orderIds, mode = "cancel") => this.#venue.linkOco(orderIds, mode);
  readonly setTimer: StrategyContext["setTimer"] = (atNs, timerId) => this.#host.setTimer(atNs, timerId);
  readonly cancelTimer: StrategyContext["cancelTimer"] = (timerId) => this.#host.cancelTimer(timerId);
  readonly cancel: StrategyContext["cancel"] = (orderId) => this.#venue.cancel(orderId);
  readonly modify: StrategyContext["modify"] = (orderId, change) => this.#venue.modify(orderId, change);
  readonly workingOrders: StrategyContext["workingOrders"] = () => this.#venue.workingOrders();
  readonly random: StrategyContext["random"];
}
