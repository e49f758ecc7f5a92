import { describe, expect, it } from "vitest";
import { HaltTracker, type StatusEvent } from "./halt-intervals";

const ns = (iso: string) => BigInt(Date.parse(iso)) * 1_000_000n;
const event = (instrumentId: number, iso: string, action: number, isTrading: string, reason = 3): StatusEvent => ({
  instrumentId,
  symbol: `I${instrumentId}`,
  tsRecvNs: ns(iso) + 10n,
  tsEventNs: ns(iso),
  action,
  reason,
  tradingEvent: 0,
  isTrading,
});

describe("HaltTracker", () => {
  it("keeps one interval per instrument from the stop to the next trading record", () => {
    const t = new HaltTracker();
    // Tuesday 2025-03-04, 09:00 CT = 15:00 UTC: inside the session.
    t.push(event(1, "2025-03-04T15:00:00Z", 9, "N")); // pause of 1
    t.push(event(2, "2025-03-04T15:01:00Z", 8, "~")); // halt of 2 (is_trading not available)
    t.push(event(1, "2025-03-04T15:02:00Z", 1, "N")); // still paused: pre-open
    t.push(event(1, "2025-03-04T15:05:00Z", 7, "Y")); // 1 trades again
    t.push(event(2, "2025-03-04T15:06:00Z", 7, "~")); // 2 trades again (action Trading)
    expect(t.finish(null).map((h) => [h.detail.instrumentId, h.fromNs, h.toNs, h.count, h.detail.action])).toEqual([
      [1, ns("2025-03-04T15:00:00Z") + 10n, ns("2025-03-04T15:05:00Z") + 10n, 2, "pause"],
      [2, ns("2025-03-04T15:01:00Z") + 10n, ns("2025-03-04T15:06:00Z") + 10n, 1, "halt"],
    ]);
  });

  it("ignores the scheduled closes (daily break, weekend) and closes an open halt at the file's end", () => {
    const t = new HaltTracker();
    t.push(event(1, "2025-03-04T22:00:00Z", 12, "N", 1)); // 16:00 CT close: the daily break
    t.push(event(1, "2025-03-04T23:00:00Z", 7, "Y", 1));
    t.push(event(1, "2025-03-08T15:00:00Z", 15, "N", 1)); // Saturday: closed by the schedule
    t.push(event(1, "2025-03-05T15:00:00Z", 10, "N")); // suspend, never resumed
    const end = ns("2025-03-05T20:00:00Z");
    const [h] = t.finish(end);
    expect([h.fromNs, h.toNs, h.detail.openAtEnd, h.detail.eventToNs, h.detail.reason]).toEqual([ns("2025-03-05T15:00:00Z") + 10n, end, true, null, "market_event"]);
    expect(new HaltTracker().finish(end)).toEqual([]);
  });
});
