import { describe, expect, it } from "vitest";
import type { SessionCoverage } from "../data/coverage";
import {
  dataWarnings,
  datasetContract,
  estimateDurationMs,
  estimateEvents,
  estimateWarmUp,
  gapsInRange,
  offeredFillModels,
  resolveRange,
  tradingTimeMs,
} from "./workflow-estimate";

// The week of 2025-03-03 (CST, UTC-6): each session opens 17:00 CT the evening before (23:00 UTC)
// and closes 16:00 CT (22:00 UTC): 23 h. Wednesday has no data.
const row = (sessionDate: string, ticks: number): SessionCoverage => ({ sessionDate, kind: "regular", holiday: null, ticks, gap: ticks === 0 });
const week = [row("2025-03-03", 100), row("2025-03-04", 200), row("2025-03-05", 0), row("2025-03-06", 400), row("2025-03-07", 800)];
const HOUR = 3_600_000;

describe("resolveRange", () => {
  it("sends no bounds for the whole dataset and counts every session", () => {
    const r = resolveRange({ range: "all", from: "", to: "" }, week);
    expect(r).toMatchObject({ fromDate: "2025-03-03", toDate: "2025-03-07", fromIso: undefined, toIso: undefined });
    expect(r.sessions).toHaveLength(5);
    expect(estimateEvents(r)).toBe(1500);
  });

  it("takes the last session(s) that hold data, from open to close", () => {
    const last = resolveRange({ range: "last", from: "", to: "" }, week);
    expect(last).toMatchObject({ fromDate: "2025-03-07", toDate: "2025-03-07", fromIso: "2025-03-06T23:00:00.000Z", toIso: "2025-03-07T22:00:00.000Z" });
    expect(estimateEvents(last)).toBe(800);
    // The last five sessions with data reach back past the gap of 03-05 to 02-28.
    const five = resolveRange({ range: "last5", from: "", to: "" }, [row("2025-02-28", 50), ...week]);
    expect(five).toMatchObject({ fromDate: "2025-02-28", fromIso: "2025-02-27T23:00:00.000Z", toIso: "2025-03-07T22:00:00.000Z" });
    expect(estimateEvents(five)).toBe(1550);
  });

  it("turns custom session dates into whole sessions and reports gaps inside", () => {
    const r = resolveRange({ range: "custom", from: "2025-03-04", to: "2025-03-06" }, week);
    expect(r).toMatchObject({ fromIso: "2025-03-03T23:00:00.000Z", toIso: "2025-03-06T22:00:00.000Z" });
    expect(r.sessions.map((s) => s.sessionDate)).toEqual(["2025-03-04", "2025-03-05", "2025-03-06"]);
    expect(gapsInRange(r)).toEqual(["2025-03-05"]);
    expect(estimateEvents(r)).toBe(600);
    expect(tradingTimeMs(r)).toBe(2 * 23 * HOUR);
  });

  it("prorates a session cut by an instant", () => {
    // 2025-03-07 session: 23 h from 2025-03-06T23:00Z; cut at 2025-03-07T10:30Z = 11.5 h = half.
    const r = resolveRange({ range: "custom", from: "2025-03-06", to: "2025-03-07T10:30:00.000Z" }, week);
    expect(r.toIso).toBe("2025-03-07T10:30:00.000Z");
    expect(r.fractions).toEqual([1, 0.5]);
    expect(estimateEvents(r)).toBe(400 + 400);
  });
});

describe("estimates and warnings", () => {
  it("estimates duration from the documented throughput", () => {
    expect(estimateDurationMs(0)).toBe(1000);
    expect(estimateDurationMs(1_100_000)).toBe(1000 + 220);
    expect(estimateDurationMs(50_000_000)).toBe(11_000);
  });

  it("derives the warm-up from the look-back parameters and bar length", () => {
    expect(estimateWarmUp({ barSeconds: "60", fast: "10", slow: "30", qty: "1" })).toEqual({ bars: 30, barSeconds: 60, seconds: 1800, because: "slow 30 × 60 s bars" });
    expect(estimateWarmUp({ emaPeriod: "50", barSeconds: "300" })).toMatchObject({ seconds: 15_000 });
    expect(estimateWarmUp({ fast: "10", slow: "30" })).toBeNull();
    expect(estimateWarmUp({ barSeconds: "x", slow: "30" })).toBeNull();
  });

  it("warns when the range cannot cover the warm-up, and when sessions lack data", () => {
    const oneSession = resolveRange({ range: "last", from: "", to: "" }, week); // 23 h of trading
    expect(dataWarnings(oneSession, { barSeconds: "60", slow: "30" })).toEqual([
      { level: "info", message: "No signal during the first 30 min of data (warm-up: slow 30 × 60 s bars)." },
    ]);
    // 2,000 bars of 60 s = 33 h 20 min > 23 h.
    expect(dataWarnings(oneSession, { barSeconds: "60", slow: "2000" })).toEqual([
      {
        level: "warning",
        message: "The range has 23 h of trading time, not more than the indicator warm-up of 33 h 20 min (slow 2000 × 60 s bars): the strategy cannot trade.",
      },
    ]);
    // 1,000 bars = 16 h 40 min > half of 23 h.
    expect(dataWarnings(oneSession, { barSeconds: "60", slow: "1000" })[0].level).toBe("warning");
    const withGap = resolveRange({ range: "custom", from: "2025-03-04", to: "2025-03-06" }, week);
    expect(dataWarnings(withGap, {})).toEqual([{ level: "warning", message: "1 session in the range has no data: 2025-03-05." }]);
    expect(dataWarnings(resolveRange({ range: "custom", from: "2025-04-01", to: "" }, week), {})[0].message).toBe(
      "The range holds no trading session of this dataset.",
    );
  });

  it("offers only fill models the data and the API support", () => {
    expect(offeredFillModels("trades", ["l1-trades", "l3-fifo"])).toEqual(["l1-trades"]);
    expect(offeredFillModels("mbo", ["l1-trades", "l1-quotes", "l2-queue", "l3-fifo"])).toEqual(["l1-trades", "l1-quotes", "l2-queue", "l3-fifo"]);
    expect(offeredFillModels("mbo", ["l1-trades"])).toEqual(["l1-trades"]);
  });

  it("names the contract of a single-contract dataset", () => {
    // MNQH5 trades until 2025-03-21: the front contract during the demo week.
    expect(datasetContract({ instrument: "MNQ", start: "2025-03-02T23:00:00.000Z", provenance: { source: "generator" } })).toBe("MNQH5");
    expect(datasetContract({ instrument: "MNQ", start: "2025-03-25T23:00:00.000Z", provenance: {} })).toBe("MNQM5");
    expect(datasetContract({ instrument: "ES", start: null, provenance: { lastImport: { instruments: ["ESU4"] } } })).toBe("ESU4");
  });
});
