/**
 * SessionClock: the market's state (open, closed, halted) and its next change, from the CME Globex
 * calendar (lib/market/session-calendar.ts: America/Chicago, daily break, weekends, holidays,
 * halts). The engine asks it once per boundary, never per trade.
 *
 * A session is [open, close) minus its halts: at exactly `close` the market is closed, at exactly
 * `open` it is open. Boundaries: "open" and "close" of a session (the strategy's onSessionOpen /
 * onSessionClose), "halt-start" / "halt-end" inside one (market closed, no callbacks).
 */
import { sessionAt, sessionDate as nextSessionDate, sessionFor, type TradingSession } from "../market/session-calendar";

export type CalendarName = "cme-equity";

export const CALENDAR_NAMES: readonly CalendarName[] = ["cme-equity"];

export type BoundaryKind = "open" | "close" | "halt-start" | "halt-end";

export interface MarketState {
  /** True when orders may be sent and fill: inside a session, outside its halts. */
  readonly open: boolean;
  /** The session containing the time (halts count as inside), or null between sessions. */
  readonly session: TradingSession | null;
  /** The next change of state after the time. */
  readonly nextKind: BoundaryKind;
  readonly nextNs: bigint;
  /** Session the next boundary belongs to. */
  readonly nextSession: TradingSession;
}

const msToNs = (ms: number): bigint => BigInt(ms) * 1_000_000n;
const nsToMs = (ns: bigint): number => Number(ns / 1_000_000n) - (ns % 1_000_000n < 0n ? 1 : 0);

/** The market state at `tsNs` (sub-millisecond parts count: boundaries are whole minutes). */
export function marketStateAt(tsNs: bigint): MarketState {
  const ms = nsToMs(tsNs);
  const session = sessionAt(ms);
  if (session === null) {
    const next = sessionFor(nextSessionDate(ms))!;
    return { open: false, session: null, nextKind: "open", nextNs: next.openNs, nextSession: next };
  }
  for (const halt of session.halts) {
    const fromNs = msToNs(halt.fromMs);
    const toNs = msToNs(halt.toMs);
    if (tsNs < fromNs) return { open: true, session, nextKind: "halt-start", nextNs: fromNs, nextSession: session };
    if (tsNs < toNs) return { open: false, session, nextKind: "halt-end", nextNs: toNs, nextSession: session };
  }
  return { open: true, session, nextKind: "close", nextNs: session.closeNs, nextSession: session };
}
