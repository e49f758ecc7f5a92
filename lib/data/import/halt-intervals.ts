/**
 * Halt intervals from Databento status records (DBN status schema, rtype 0x12; action and reason
 * codes from databento/dbn `enums.rs`). Per instrument, in file (ts_recv) order:
 *
 * - a halt starts at a record that stops trading - action Halt (8), Pause (9), Suspend (10) or
 *   NotAvailableForTrading (15), or is_trading 'N' (CME reports its pauses as PreOpen with
 *   is_trading 'N', e.g. the 15:15-15:30 CT equity pause until 2021) - when the CME calendar
 *   places its ts_event inside a session (a closed market - daily break, weekend, closed holiday -
 *   is the schedule, not a halt; times the calendar does not cover count as inside);
 * - it ends at the next record of that instrument that trades again: is_trading 'Y', or action
 *   Trading (7) with is_trading not 'N';
 * - an interval still open at the end of the file ends at the file's end (the metadata's `end`
 *   when set and later, otherwise the last record's ts_recv) with `openAtEnd: true`: beyond the
 *   file nothing is known.
 *
 * Times are receive times (the dataset's time axis); the exchange times are in the detail.
 * `count` is the number of status records from the one that started the halt up to the one that
 * ended it (excluded). `calendarHalt` says the calendar itself has a pause there (scheduled).
 * Pure: no I/O.
 */
import { isInSession, sessionAt } from "../../market/session-calendar";

export const STATUS_ACTION = { TRADING: 7, HALT: 8, PAUSE: 9, SUSPEND: 10, NOT_AVAILABLE_FOR_TRADING: 15 } as const;

const ACTION_NAMES = [
  "none", "pre_open", "pre_cross", "quoting", "cross", "rotation", "new_price_indication", "trading", "halt", "pause", "suspend",
  "pre_close", "close", "post_close", "ssr_change", "not_available_for_trading",
];
const REASON_NAMES: Record<number, string> = {
  0: "none", 1: "scheduled", 2: "surveillance_intervention", 3: "market_event", 4: "instrument_activation",
  5: "instrument_expiration", 6: "recovery_in_process", 10: "regulatory", 11: "administrative", 12: "non_compliance",
  13: "filings_not_current", 14: "sec_trading_suspension", 15: "new_issue", 16: "issue_available", 17: "issues_reviewed",
  18: "filing_reqs_satisfied", 30: "news_pending", 31: "news_released", 40: "order_imbalance", 50: "luld_pause",
};

export const statusActionName = (action: number): string => ACTION_NAMES[action] ?? `action_${action}`;
export const statusReasonName = (reason: number): string => REASON_NAMES[reason] ?? `reason_${reason}`;

export interface StatusEvent {
  instrumentId: number;
  symbol: string;
  tsRecvNs: bigint;
  tsEventNs: bigint;
  action: number;
  reason: number;
  tradingEvent: number;
  isTrading: string;
}

export interface HaltInterval {
  fromNs: bigint;
  toNs: bigint;
  count: number;
  detail: {
    symbol: string;
    instrumentId: number;
    action: string;
    reason: string;
    /** Exchange times (ns, as strings) of the records that started and ended it. */
    eventFromNs: string;
    eventToNs: string | null;
    calendarHalt: boolean;
    openAtEnd: boolean;
  };
}

const stopsTrading = (e: StatusEvent) =>
  e.isTrading === "N" || e.action === STATUS_ACTION.HALT || e.action === STATUS_ACTION.PAUSE || e.action === STATUS_ACTION.SUSPEND || e.action === STATUS_ACTION.NOT_AVAILABLE_FOR_TRADING;
const tradesAgain = (e: StatusEvent) => e.isTrading === "Y" || (e.action === STATUS_ACTION.TRADING && e.isTrading !== "N");

function insideSession(tsNs: bigint): { inside: boolean; calendarHalt: boolean } {
  const ms = Number(tsNs / 1_000_000n);
  try {
    const inside = sessionAt(ms) !== null;
    return { inside, calendarHalt: inside && !isInSession(ms) };
  } catch {
    return { inside: true, calendarHalt: false };
  }
}

export class HaltTracker {
  private readonly open = new Map<number, { start: StatusEvent; count: number; calendarHalt: boolean }>();
  private readonly intervals: HaltInterval[] = [];
  private lastRecvNs: bigint | null = null;

  push(e: StatusEvent): void {
    this.lastRecvNs = e.tsRecvNs;
    const current = this.open.get(e.instrumentId);
    if (current) {
      if (tradesAgain(e)) {
        this.open.delete(e.instrumentId);
        this.intervals.push(interval(current.start, e.tsRecvNs, e.tsEventNs, current.count, current.calendarHalt, false));
      } else {
        current.count++;
      }
      return;
    }
    if (!stopsTrading(e)) return;
    const { inside, calendarHalt } = insideSession(e.tsEventNs);
    if (inside) this.open.set(e.instrumentId, { start: e, count: 1, calendarHalt });
  }

  /** Every interval, the open ones ended at `fileEndNs` (if later than their start) or the last record. */
  finish(fileEndNs: bigint | null): HaltInterval[] {
    for (const { start, count, calendarHalt } of this.open.values()) {
      const last = this.lastRecvNs ?? start.tsRecvNs;
      const end = fileEndNs !== null && fileEndNs > last ? fileEndNs : last;
      this.intervals.push(interval(start, end, null, count, calendarHalt, true));
    }
    this.open.clear();
    return this.intervals.sort((a, b) => (a.fromNs < b.fromNs ? -1 : a.fromNs > b.fromNs ? 1 : a.detail.instrumentId - b.detail.instrumentId));
  }
}

function interval(start: StatusEvent, toNs: bigint, eventToNs: bigint | null, count: number, calendarHalt: boolean, openAtEnd: boolean): HaltInterval {
  return {
    fromNs: start.tsRecvNs,
    toNs,
    count,
    detail: {
      symbol: start.symbol,
      instrumentId: start.instrumentId,
      action: statusActionName(start.action),
      reason: statusReasonName(start.reason),
      eventFromNs: start.tsEventNs.toString(),
      eventToNs: eventToNs?.toString() ?? null,
      calendarHalt,
      openAtEnd,
    },
  };
}
