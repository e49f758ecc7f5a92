import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { isInSession, isRth, sessionFor } from "../market/session-calendar";
import { chicagoParts, chicagoToUtcMs } from "../market/time-zone";
import type { TradeColumns } from "../market/trade-columns";
import { generateTrades, generatorVersion, type GenerateTradesOptions, type SessionTrades } from "./demo-generator";

const MNQ_WEEK: GenerateTradesOptions = { root: "MNQ", fromDate: "2025-06-16", toDate: "2025-06-20", seed: 42, intensity: 1 };

const cache = new Map<string, SessionTrades[]>();
/** Generated batches, memoised per options (a session takes tens of milliseconds). */
const batches = (options: GenerateTradesOptions): SessionTrades[] => {
  const key = JSON.stringify(options);
  if (!cache.has(key)) cache.set(key, [...generateTrades(options)]);
  return cache.get(key)!;
};

const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const sameColumns = (a: TradeColumns, b: TradeColumns) =>
  a.length === b.length &&
  a.baseNs === b.baseNs &&
  (["tsOffsetNs", "eventDeltaNs", "priceTicks", "size", "side"] as const).every((k) => bytes(a[k]).equals(bytes(b[k])));

const recvMs = (c: TradeColumns, i: number) => Number(c.baseNs / 1_000_000n) + Math.floor(c.tsOffsetNs[i] / 1e6);
const eventMs = (c: TradeColumns, i: number) => Number(c.baseNs / 1_000_000n) + Math.floor((c.tsOffsetNs[i] + c.eventDeltaNs[i]) / 1e6);

describe("demo trade generator", () => {
  it("has a version to record with every dataset", () => {
    expect(generatorVersion).toMatch(/^demo-trades-\d{4}\.\d+$/);
  });

  it("yields one batch per calendar session, based at the session open", () => {
    const out = batches(MNQ_WEEK);
    expect(out.map((b) => b.sessionDate)).toEqual(["2025-06-16", "2025-06-17", "2025-06-18", "2025-06-19", "2025-06-20"]);
    for (const { sessionDate, columns } of out) {
      expect(columns.baseNs).toBe(sessionFor(sessionDate)!.openNs);
      expect(columns.tsOffsetNs.length).toBe(columns.length);
    }
  });

  it("replays identically for the same seed", () => {
    const again = [...generateTrades(MNQ_WEEK)];
    const first = batches(MNQ_WEEK);
    expect(again.length).toBe(first.length);
    again.forEach((b, i) => expect(sameColumns(b.columns, first[i].columns)).toBe(true));
  });

  it("differs for a different seed", () => {
    const [a] = batches(MNQ_WEEK);
    const [b] = [...generateTrades({ ...MNQ_WEEK, toDate: MNQ_WEEK.fromDate, seed: 43 })];
    expect(sameColumns(a.columns, b.columns)).toBe(false);
  });

  it("gives a session the same trades whatever range it is generated in", () => {
    const [alone] = [...generateTrades({ ...MNQ_WEEK, fromDate: "2025-06-18", toDate: "2025-06-18" })];
    expect(sameColumns(alone.columns, batches(MNQ_WEEK)[2].columns)).toBe(true);
  });

  it("prints integer ticks near the start price (21000.00 points = 84000 MNQ ticks)", () => {
    for (const { columns: c } of batches(MNQ_WEEK)) {
      for (let i = 0; i < c.length; i += 97) {
        expect(Number.isInteger(c.priceTicks[i])).toBe(true);
        expect(Math.abs(c.priceTicks[i] / 84000 - 1)).toBeLessThan(0.15);
      }
    }
    const [es] = [...generateTrades({ ...MNQ_WEEK, root: "ES", toDate: MNQ_WEEK.fromDate })];
    expect(Math.abs(es.columns.priceTicks[0] / 24000 - 1)).toBeLessThan(0.15);
    const [custom] = [...generateTrades({ ...MNQ_WEEK, toDate: MNQ_WEEK.fromDate, startPrice: 15000 })];
    expect(Math.abs(custom.columns.priceTicks[0] / 60000 - 1)).toBeLessThan(0.15);
  });

  it("trades only while the calendar says the market is open (receive and exchange times)", () => {
    for (const { columns: c } of batches(MNQ_WEEK)) {
      let outside = 0;
      for (let i = 0; i < c.length; i++) if (!isInSession(recvMs(c, i)) || !isInSession(eventMs(c, i))) outside++;
      expect(outside).toBe(0);
    }
  });

  it("keeps receive times non-decreasing at ns resolution, 20-200 us after the exchange time", () => {
    for (const { columns: c } of batches(MNQ_WEEK)) {
      let unordered = 0, badDelta = 0, subMicro = 0;
      for (let i = 0; i < c.length; i++) {
        if (i > 0 && c.tsOffsetNs[i] < c.tsOffsetNs[i - 1]) unordered++;
        if (!(c.eventDeltaNs[i] <= -20_000 && c.eventDeltaNs[i] >= -200_000) || !Number.isInteger(c.eventDeltaNs[i])) badDelta++;
        if (c.tsOffsetNs[i] % 1000 !== 0) subMicro++;
      }
      expect(unordered).toBe(0);
      expect(badDelta).toBe(0);
      expect(subMicro / c.length).toBeGreaterThan(0.9);
    }
  });

  it("opens each session with an auction print at exactly the open and no aggressor", () => {
    for (const { columns: c } of batches(MNQ_WEEK)) {
      expect(c.side[0]).toBe(0);
      expect(c.tsOffsetNs[0] + c.eventDeltaNs[0]).toBe(0);
      let auctions = 0;
      for (let i = 0; i < c.length; i++) if (c.side[i] === 0) auctions++;
      expect(auctions).toBe(1);
    }
  });

  it("has at least one second with more than 10,000 trades in every session", () => {
    for (const { columns: c } of batches(MNQ_WEEK)) {
      let best = 0, run = 0, second = -1;
      for (let i = 0; i < c.length; i++) {
        const s = Math.floor(c.tsOffsetNs[i] / 1e9);
        run = s === second ? run + 1 : 1;
        second = s;
        best = Math.max(best, run);
      }
      expect(best).toBeGreaterThan(10_000);
    }
  });

  it("is several times busier per minute in RTH than overnight (19:00-01:00 CT)", () => {
    for (const { columns: c } of batches(MNQ_WEEK)) {
      let rth = 0, night = 0;
      for (let i = 0; i < c.length; i++) {
        const t = recvMs(c, i);
        const hour = chicagoParts(t).hour;
        if (isRth(t)) rth++;
        else if (hour >= 19 || hour < 1) night++;
      }
      expect(rth / 390).toBeGreaterThan(3 * (night / 360));
    }
  });

  it("draws heavy-tailed sizes: mostly 1-2 lots, sometimes 50 or more, power-law tail", () => {
    let n = 0, nonPositive = 0, small = 0, ge10 = 0, ge50 = 0, ge100 = 0;
    for (const { columns: c } of batches(MNQ_WEEK)) {
      for (let i = 0; i < c.length; i++) {
        const s = c.size[i];
        if (s < 1) nonPositive++;
        n++;
        if (s <= 2) small++;
        if (s >= 10) ge10++;
        if (s >= 50) ge50++;
        if (s >= 100) ge100++;
      }
    }
    expect(nonPositive).toBe(0);
    expect(small / n).toBeGreaterThan(0.7);
    expect(ge50 / n).toBeGreaterThan(0.001);
    expect(ge50 / n).toBeLessThan(0.02);
    // P(size >= 10) / P(size >= 100) is 10^alpha for a power law (alpha 1.3 -> ~20), ~10^7 for an exponential.
    expect(ge10 / ge100).toBeGreaterThan(8);
    expect(ge10 / ge100).toBeLessThan(60);
  });

  it("moves the price up only on buyer-initiated trades and down only on seller-initiated ones", () => {
    let up = 0, upBuys = 0, down = 0, downSells = 0, buys = 0, n = 0;
    for (const { columns: c } of batches(MNQ_WEEK)) {
      for (let i = 1; i < c.length; i++) {
        const d = c.priceTicks[i] - c.priceTicks[i - 1];
        if (c.side[i] === 1) buys++;
        n++;
        if (d > 0) {
          up++;
          if (c.side[i] === 1) upBuys++;
        }
        if (d < 0) {
          down++;
          if (c.side[i] === -1) downSells++;
        }
      }
    }
    expect(upBuys / up).toBeGreaterThan(0.95);
    expect(downSells / down).toBeGreaterThan(0.95);
    expect(buys / n).toBeGreaterThan(0.4);
    expect(buys / n).toBeLessThan(0.6);
  });

  it("clusters volatility: large one-minute moves follow large ones", () => {
    for (const { columns: c } of batches(MNQ_WEEK)) {
      const lastByMinute = new Map<number, number>();
      for (let i = 0; i < c.length; i++) lastByMinute.set(Math.floor(c.tsOffsetNs[i] / 60e9), c.priceTicks[i]);
      const closes = [...lastByMinute.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
      const moves = closes.slice(1).map((p, k) => Math.abs(p - closes[k]));
      const mean = moves.reduce((a, b) => a + b, 0) / moves.length;
      let num = 0, den = 0;
      for (let k = 0; k < moves.length; k++) {
        den += (moves[k] - mean) ** 2;
        if (k > 0) num += (moves[k] - mean) * (moves[k - 1] - mean);
      }
      expect(num / den).toBeGreaterThan(0.1);
    }
  });

  it("produces roughly 150,000-300,000 trades per regular session by default", () => {
    const counts = batches(MNQ_WEEK).map((b) => b.columns.length).sort((a, b) => a - b);
    expect(counts[2]).toBeGreaterThan(150_000);
    expect(counts[2]).toBeLessThan(300_000);
    for (const n of counts) expect(n > 100_000 && n < 450_000).toBe(true);
  });

  it("scales the number of trades with intensity", () => {
    const total = (intensity: number) => batches({ ...MNQ_WEEK, intensity }).reduce((n, b) => n + b.columns.length, 0);
    const base = total(1);
    expect(total(2)).toBeGreaterThan(1.3 * base);
    expect(total(0.25)).toBeLessThan(0.6 * base);
  });

  it("has no trades on Christmas Day and stops at the 12:15 CT early close on Christmas Eve", () => {
    const out = [...generateTrades({ root: "MNQ", fromDate: "2025-12-24", toDate: "2025-12-26", seed: 7 })];
    expect(out.map((b) => b.sessionDate)).toEqual(["2025-12-24", "2025-12-26"]);
    const eveClose = chicagoToUtcMs(2025, 12, 24, 12, 15);
    const reopen = chicagoToUtcMs(2025, 12, 25, 17, 0);
    for (const { columns: c } of out) {
      for (let i = 0; i < c.length; i += 13) {
        const t = recvMs(c, i);
        expect(t < eveClose || t >= reopen).toBe(true);
      }
    }
    const eve = out[0].columns;
    expect(recvMs(eve, eve.length - 1)).toBeLessThan(eveClose);
  });

  it("stops at the 12:00 CT Thanksgiving halt", () => {
    const [thanksgiving] = [...generateTrades({ root: "MNQ", fromDate: "2025-11-27", toDate: "2025-11-27", seed: 7 })];
    const c = thanksgiving.columns;
    expect(recvMs(c, c.length - 1)).toBeLessThan(chicagoToUtcMs(2025, 11, 27, 12, 0));
    expect(c.length).toBeGreaterThan(50_000);
  });

  it("leaves the historical 15:15-15:30 CT pause empty and reopens it with an auction", () => {
    const [day] = [...generateTrades({ root: "MNQ", fromDate: "2021-06-25", toDate: "2021-06-25", seed: 7 })];
    const c = day.columns;
    const from = chicagoToUtcMs(2021, 6, 25, 15, 15);
    const to = chicagoToUtcMs(2021, 6, 25, 15, 30);
    let inPause = 0, auctions = 0;
    for (let i = 0; i < c.length; i++) {
      const t = recvMs(c, i);
      if (t >= from && t < to) inPause++;
      if (c.side[i] === 0) auctions++;
    }
    expect(inPause).toBe(0);
    expect(auctions).toBe(2);
  });

  it("validates options before generating anything", () => {
    const bad = (patch: Partial<GenerateTradesOptions>) => () => generateTrades({ ...MNQ_WEEK, ...patch });
    expect(bad({ root: "XYZ" })).toThrow(AppError);
    expect(bad({ seed: 1.5 })).toThrow(/seed/);
    expect(bad({ intensity: 0 })).toThrow(/intensity/);
    expect(bad({ startPrice: -1 })).toThrow(/startPrice/);
    expect(bad({ fromDate: "2025-13-01" })).toThrow(AppError);
    expect(bad({ fromDate: "2030-01-01", toDate: "2030-01-02" })).toThrow(/outside the CME equity calendar/);
  });
});
