import { describe, expect, it } from "vitest";
import { computeExposure, intersectionLength, unionIntervals } from "./exposure";
import { ct, trip } from "./test-support";

const MIN = 60_000;

describe("computeExposure", () => {
  it("measures holding time against the span inside one session", () => {
    // Tue 2024-03-05: holdings 09:00-09:10, 09:20-09:30, 09:40-10:00, 10:30-11:30, 12:00-14:00
    // = 10 + 10 + 20 + 60 + 120 = 220 min over a 09:00-14:00 span of 300 min -> 0.7333
    const T = (hhmm: string) => ct(`2024-03-05 ${hhmm}`);
    const spans = [["09:00", "09:10"], ["09:20", "09:30"], ["09:40", "10:00"], ["10:30", "11:30"], ["12:00", "14:00"]];
    const e = computeExposure(spans.map(([a, b]) => trip({ entryMs: T(a), exitMs: T(b), pnlCents: 0 })));
    expect(e.spanMs).toBe(300 * MIN);
    expect(e.timeInMarketMs).toBe(220 * MIN);
    expect(e.wallFraction).toBeCloseTo(220 / 300, 14);
    expect(e.sessionTimeMs).toBe(300 * MIN);
    expect(e.sessionFraction).toBeCloseTo(220 / 300, 14);
  });

  it("leaves the 16:00-17:00 CT daily break out of session time", () => {
    // Tue 2024-03-05 14:00-15:00 and 17:30-18:00 CT: span 14:00-18:00 = 240 min, holding 90 min.
    // Session time in span: 14:00-16:00 (120) + 17:00-18:00 (60) = 180 min -> 90 / 180 = 0.5
    const e = computeExposure([
      trip({ entryMs: ct("2024-03-05 14:00"), exitMs: ct("2024-03-05 15:00"), pnlCents: 0 }),
      trip({ entryMs: ct("2024-03-05 17:30"), exitMs: ct("2024-03-05 18:00"), pnlCents: 0 }),
    ]);
    expect(e.wallFraction).toBeCloseTo(90 / 240, 14);
    expect(e.sessionTimeMs).toBe(180 * MIN);
    expect(e.sessionFraction).toBeCloseTo(0.5, 14);
  });

  it("counts a position held through the break only for its in-session part", () => {
    // Held 15:30-17:30 CT: 120 min wall, 30 + 30 = 60 min in session, all of the session time in span
    const e = computeExposure([trip({ entryMs: ct("2024-03-05 15:30"), exitMs: ct("2024-03-05 17:30"), pnlCents: 0 })]);
    expect(e).toMatchObject({ spanMs: 120 * MIN, timeInMarketMs: 120 * MIN, wallFraction: 1, sessionTimeMs: 60 * MIN, timeInMarketInSessionMs: 60 * MIN, sessionFraction: 1 });
  });

  it("does not double-count overlapping round trips", () => {
    const T = (hhmm: string) => ct(`2024-03-05 ${hhmm}`);
    const e = computeExposure([
      trip({ entryMs: T("09:00"), exitMs: T("10:00"), pnlCents: 0 }),
      trip({ entryMs: T("09:30"), exitMs: T("10:30"), pnlCents: 0 }),
      trip({ entryMs: T("11:00"), exitMs: T("12:00"), pnlCents: 0 }),
    ]);
    // union 09:00-10:30 + 11:00-12:00 = 150 of 180 min
    expect(e.timeInMarketMs).toBe(150 * MIN);
    expect(e.wallFraction).toBeCloseTo(150 / 180, 14);
  });

  it("is empty without trades and null for a zero-length span", () => {
    expect(computeExposure([])).toMatchObject({ wallFraction: null, sessionFraction: null, spanMs: 0 });
    const t = ct("2024-03-05 09:00");
    expect(computeExposure([trip({ entryMs: t, exitMs: t, pnlCents: 0 })]).wallFraction).toBeNull();
  });
});

describe("interval helpers", () => {
  it("unites and intersects like a brute-force minute count", () => {
    const xs = unionIntervals([[0, 10], [5, 15], [20, 25], [30, 30]]);
    expect(xs).toEqual([[0, 15], [20, 25]]);
    const ys: [number, number][] = [[3, 7], [12, 22], [24, 40]];
    let brute = 0;
    for (let m = 0; m < 40; m++) {
      const inX = xs.some(([a, b]) => m >= a && m < b);
      const inY = ys.some(([a, b]) => m >= a && m < b);
      if (inX && inY) brute++;
    }
    expect(intersectionLength(xs, ys)).toBe(brute); // 4 + 3 + 2 + 1 = 10
  });
});
