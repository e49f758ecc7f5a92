/**
 * MarketHours: the run's session lifecycle on the exchange calendar - whether the market is open,
 * the current session, session boundaries scheduled on the engine's event queue, and what happens
 * at them (futures lifecycle):
 *
 * - open: the market opens; flattening of that session is scheduled; onSessionOpen;
 * - close: working market orders are cancelled (day orders), the position is settled at the
 *   session's last trade when daily settlement is on, the market closes; onSessionClose;
 * - halt start / end: market orders are cancelled, the market closes / reopens (no callbacks);
 * - flatten (close - N s): working orders are cancelled and the position closed at market;
 * - contract expiry (the instrument's last trading time): working orders are cancelled, the position
 *   is closed at the last trade before it ("expiry" fill), and the market stays closed for good.
 *
 * While closed, the venue refuses orders ("market-closed", after expiry "contract-expired") and the
 * engine matches nothing. Without a calendar only the contract expiry applies.
 */
import type { TradingSession } from "../market/session-calendar";
import type { Account } from "./account";
import type { EventQueue } from "./event-queue";
import type { Settlement } from "./result";
import { marketStateAt, type MarketState } from "./session-clock";
import type { SimClock } from "./sim-clock";
import type { Venue } from "./venue";

export interface MarketHoursOptions {
  readonly calendar: boolean;
  readonly dailySettlement: boolean;
  /** Flatten this long before each close, ns; null: never. */
  readonly flattenNs: bigint | null;
}

/** Strategy callbacks, delivered by the engine (which wraps strategy errors). */
export interface SessionListener {
  sessionOpened(sessionDate: string): void;
  sessionClosed(sessionDate: string): void;
}

export class MarketHours {
  /** Orders may be sent and fill. */
  open = true;
  /** Session date of the current session (calendar on), else null. */
  sessionDate: string | null = null;
  readonly settlements: Settlement[] = [];
  private state: MarketState | null = null;
  private expired = false;

  constructor(
    private readonly options: MarketHoursOptions,
    private readonly clock: SimClock,
    private readonly queue: EventQueue,
    private readonly venue: Venue,
    private readonly account: Account,
    private readonly listener: SessionListener,
  ) {}

  get usesCalendar(): boolean {
    return this.options.calendar;
  }

  /**
   * At the first trade (`tsNs`): schedules the contract expiry and, with a calendar, sets the state
   * and schedules the next boundary. Returns the session the run starts in, to open after onStart.
   */
  start(tsNs: bigint, lastTradeNs: bigint | undefined): TradingSession | null {
    if (lastTradeNs !== undefined) this.queue.schedule(lastTradeNs, { kind: "contract-expiry" });
    return this.options.calendar ? this.enter(tsNs) : null;
  }

  /** Close of the current session (DAY orders expire then), or null without a calendar / between sessions. */
  dayCloseNs(): bigint | null {
    return this.state !== null && this.state.session !== null ? this.state.session.closeNs : null;
  }

  /** A session boundary scheduled by `enter` is due at `atNs`. */
  cross(atNs: bigint): void {
    const { nextKind: kind, nextSession: closing } = this.state!;
    if (kind === "close" || kind === "halt-start") this.venue.cancelMarketOrders();
    if (kind === "close" && this.options.dailySettlement) this.settle(closing, atNs);
    const session = this.enter(atNs);
    if (kind === "open" && session !== null) this.openSession(session);
    else if (kind === "close") {
      this.sessionDate = null;
      this.listener.sessionClosed(closing.sessionDate);
    }
  }

  openSession(session: TradingSession): void {
    this.sessionDate = session.sessionDate;
    const flattenNs = this.options.flattenNs;
    if (flattenNs !== null && session.closeNs - flattenNs > this.clock.nowNs()) {
      this.queue.schedule(session.closeNs - flattenNs, { kind: "session-flatten", sessionDate: session.sessionDate });
    }
    this.listener.sessionOpened(session.sessionDate);
  }

  /** Flattening `flattenNs` before the close of session `sessionDate`. */
  flatten(sessionDate: string): void {
    if (this.sessionDate !== sessionDate || !this.open) return;
    this.venue.cancelAll();
    const qty = this.account.position.qty;
    if (qty !== 0) this.venue.submitMarket(qty > 0 ? -1 : 1, Math.abs(qty));
  }

  /** The contract's last trading time. */
  expire(): void {
    this.expired = true;
    this.open = false;
    this.venue.cancelAll();
    this.venue.closePosition("expiry");
    this.venue.closedReason = "contract-expired";
  }

  /**
   * A contract roll (roll.ts): the old contract's expiry no longer applies; the new contract's
   * last trading time (if any) is scheduled instead, and a market closed by an earlier expiry
   * reopens with the calendar's state.
   */
  rollTo(lastTradeNs: bigint | undefined): void {
    this.queue.remove((event) => event.kind === "contract-expiry");
    if (lastTradeNs !== undefined) this.queue.schedule(lastTradeNs, { kind: "contract-expiry" });
    if (!this.expired) return;
    this.expired = false;
    this.open = this.state === null ? true : this.state.open;
    this.venue.closedReason = this.open ? null : "market-closed";
  }

  /** Sets the state at `tsNs` and schedules its next boundary; returns the session containing it. */
  private enter(tsNs: bigint): TradingSession | null {
    const state = marketStateAt(tsNs);
    this.state = state;
    this.open = state.open && !this.expired;
    if (!this.expired) this.venue.closedReason = state.open ? null : "market-closed";
    this.queue.schedule(state.nextNs, { kind: "session-boundary" });
    return state.session;
  }

  /** Daily settlement: marks the position to the session's last trade. */
  private settle(session: TradingSession, atNs: bigint): void {
    const price = this.clock.lastPriceTicks;
    if (this.account.position.qty === 0 || Number.isNaN(price)) return;
    const variationCents = this.account.settle(price);
    this.settlements.push({ sessionDate: session.sessionDate, tsNs: atNs, priceTicks: price, positionQty: this.account.position.qty, variationCents });
  }
}
