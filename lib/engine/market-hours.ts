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
 *
 * Exchange halts from the data (option `halts`: the dataset's `halt` data flags, Databento status
 * records) are closed intervals on top of the calendar, with or without it: a halt [fromNs, toNs)
 * closes the market at fromNs (working market orders are cancelled, as at a calendar halt) and
 * reopens it at toNs (the receive time of the record that resumed trading); working limit and stop
 * orders stay working but nothing fills or is elected in between. Orders sent inside a halt are
 * rejected "halted" (a choice: the venue has no pre-open queue in this model; a calendar closure
 * takes precedence, "market-closed"). No session callbacks: the session goes on underneath. Halts
 * share the calendar's one pending "session-boundary" event (the earlier of the two next changes),
 * so a run without halts schedules exactly what it did before.
 */
import { z } from "zod";
import type { TradingSession } from "../market/session-calendar";
import type { Account } from "./account";
import type { EventQueue } from "./event-queue";
import type { Settlement } from "./result";
import { marketStateAt, type MarketState } from "./session-clock";
import type { SimClock } from "./sim-clock";
import type { Venue } from "./venue";

/** An exchange halt from the data: the market is closed in [fromNs, toNs) (receive times, ns since the epoch). */
export interface MarketHalt {
  readonly fromNs: bigint;
  readonly toNs: bigint;
}

/** Engine option `halts` (engine-config.ts, book-config.ts): any order, overlaps allowed, empty ones ignored. */
export const marketHaltsSchema = z
  .array(z.object({ fromNs: z.bigint(), toNs: z.bigint() }).refine((h) => h.fromNs <= h.toNs, "a halt ends at or after its start"))
  .default([]);

/** Halts in time order, empty ones dropped, overlapping or touching ones merged. */
export function normaliseHalts(halts: readonly MarketHalt[]): MarketHalt[] {
  const sorted = halts.filter((h) => h.toNs > h.fromNs).sort((a, b) => (a.fromNs < b.fromNs ? -1 : a.fromNs > b.fromNs ? 1 : 0));
  const out: MarketHalt[] = [];
  for (const h of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && h.fromNs <= last.toNs) out[out.length - 1] = { fromNs: last.fromNs, toNs: h.toNs > last.toNs ? h.toNs : last.toNs };
    else out.push({ fromNs: h.fromNs, toNs: h.toNs });
  }
  return out;
}

export interface MarketHoursOptions {
  readonly calendar: boolean;
  readonly dailySettlement: boolean;
  /** Flatten this long before each close, ns; null: never. */
  readonly flattenNs: bigint | null;
  /** Exchange halts from the data (closed intervals on top of the calendar); default none. */
  readonly halts?: readonly MarketHalt[];
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
  /** Data halts (normalised) and the first one not yet over; `halted`: inside halts[nextHalt]. */
  private readonly halts: readonly MarketHalt[];
  private nextHalt = 0;
  private halted = false;

  constructor(
    private readonly options: MarketHoursOptions,
    private readonly clock: SimClock,
    private readonly queue: EventQueue,
    private readonly venue: Venue,
    private readonly account: Account,
    private readonly listener: SessionListener,
  ) {
    this.halts = options.halts === undefined || options.halts.length === 0 ? [] : normaliseHalts(options.halts);
  }

  get usesCalendar(): boolean {
    return this.options.calendar;
  }

  /**
   * At the first trade (`tsNs`): schedules the contract expiry and, with a calendar, sets the state
   * and schedules the next boundary. Returns the session the run starts in, to open after onStart.
   */
  start(tsNs: bigint, lastTradeNs: bigint | undefined): TradingSession | null {
    if (lastTradeNs !== undefined) this.queue.schedule(lastTradeNs, { kind: "contract-expiry" });
    if (!this.options.calendar && this.halts.length === 0) return null;
    this.passHalts(tsNs);
    const session = this.options.calendar ? this.enter(tsNs) : null;
    this.refresh();
    this.scheduleNext();
    return session;
  }

  /** Close of the current session (DAY orders expire then), or null without a calendar / between sessions. */
  dayCloseNs(): bigint | null {
    return this.state !== null && this.state.session !== null ? this.state.session.closeNs : null;
  }

  /** The boundary scheduled by `scheduleNext` (calendar, data halt or both) is due at `atNs`. */
  cross(atNs: bigint): void {
    const state = this.state;
    const calendarDue = state !== null && state.nextNs <= atNs;
    const kind = calendarDue ? state.nextKind : null;
    const closing = state?.nextSession;
    const haltStarted = this.passHalts(atNs);
    if (kind === "close" || kind === "halt-start" || haltStarted) this.venue.cancelMarketOrders();
    if (kind === "close" && this.options.dailySettlement) this.settle(closing!, atNs);
    const session = calendarDue ? this.enter(atNs) : null;
    this.refresh();
    this.scheduleNext();
    if (kind === "open" && session !== null) this.openSession(session);
    else if (kind === "close") {
      this.sessionDate = null;
      this.listener.sessionClosed(closing!.sessionDate);
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
    this.refresh();
  }

  /** Sets the calendar state at `tsNs`; returns the session containing it. */
  private enter(tsNs: bigint): TradingSession | null {
    const state = marketStateAt(tsNs);
    this.state = state;
    return state.session;
  }

  /**
   * Moves past the data halts over by `tsNs` and sets `halted`; true when this enters a halt
   * (the market was not halted before).
   */
  private passHalts(tsNs: bigint): boolean {
    const halts = this.halts;
    if (halts.length === 0) return false;
    const was = this.halted;
    while (this.nextHalt < halts.length && halts[this.nextHalt].toNs <= tsNs) this.nextHalt++;
    this.halted = this.nextHalt < halts.length && halts[this.nextHalt].fromNs <= tsNs;
    return this.halted && !was;
  }

  /** `open` and the venue's refusal reason from the calendar, the data halts and the expiry. */
  private refresh(): void {
    const calendarOpen = this.state === null || this.state.open;
    this.open = calendarOpen && !this.halted && !this.expired;
    if (!this.expired) this.venue.closedReason = !calendarOpen ? "market-closed" : this.halted ? "halted" : null;
  }

  /** Schedules the next change: the earlier of the calendar's next boundary and the next halt edge. */
  private scheduleNext(): void {
    let nextNs = this.state === null ? null : this.state.nextNs;
    if (this.nextHalt < this.halts.length) {
      const halt = this.halts[this.nextHalt];
      const edge = this.halted ? halt.toNs : halt.fromNs;
      if (nextNs === null || edge < nextNs) nextNs = edge;
    }
    if (nextNs !== null) this.queue.schedule(nextNs, { kind: "session-boundary" });
  }

  /** Daily settlement: marks the position to the session's last trade. */
  private settle(session: TradingSession, atNs: bigint): void {
    const price = this.clock.lastPriceTicks;
    if (this.account.position.qty === 0 || Number.isNaN(price)) return;
    const variationCents = this.account.settle(price);
    this.settlements.push({ sessionDate: session.sessionDate, tsNs: atNs, priceTicks: price, positionQty: this.account.position.qty, variationCents });
  }
}
