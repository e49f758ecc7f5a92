import { describe, expect, it } from "vitest";
import type { RoundTrip } from "../engine/round-trip";
import { AppError } from "../errors";
import { SeededRandom } from "../market/random";
import { computeStatistics, type BacktestStatistics } from "./compute-statistics";
import { MNQ, ct, msToNs, trip } from "./test-support";
import type { StatisticsInput, StatisticsRoundTrip } from "./types";

// Compile-time contract: an engine RoundTrip is a valid statistics input as is.
const _fromEngine = (t: RoundTrip): StatisticsRoundTrip => t;

const START = 1_000_000; // $10,000

/** Random MNQ round trips through March-April 2024 with the matching closed-trade equity. */
function scenario(seed: number, count: number): StatisticsInput {
  const rng = new SeededRandom(seed);
  const trades: StatisticsRoundTrip[] = [];
  const tsMs: number[] = [];
  const equityCents: number[] = [];
  let t = ct("2024-03-03 17:00");
  let equity = START;
  for (let i = 0; i < count; i++) {
    t += (20 + rng.int(600)) * 60_000;
    const entry = t;
    t += (1 + rng.int(90)) * 60_000;
    const qty = 1 + rng.int(3);
    const ticks = rng.int(81) - 36;
    const pnl = ticks * qty * 50;
    const fees = 114 * qty;
    trades.push({ ...trip({ side: rng.next() < 0.5 ? 1 : -1, qty, entryMs: entry, exitMs: t, pnlCents: pnl, feesCents: fees }), maeTicks: rng.int(20), mfeTicks: rng.int(40) });
    if (i === 0) {
      tsMs.push(entry);
      equityCents.push(equity);
    }
    equity += pnl - fees;
    tsMs.push(t);
    equityCents.push(equity);
  }
  return { trades, equity: { tsMs, equityCents }, startingCashCents: START, instrument: MNQ, options: { seed: 42, chartPoints: 50, rollWeeks: [[ct("2024-03-11 00:00"), ct("2024-03-15 00:00")]] } };
}

const sumBy = <T>(xs: T[], f: (x: T) => number) => xs.reduce((a, x) => a + f(x), 0);

describe("computeStatistics", () => {
  const input = scenario(1, 200);
  const s = computeStatistics(input);

  it("produces plain JSON (no bigint, NaN or Infinity) and echoes its options", () => {
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
    expect(s.options).toMatchObject({ riskFreeRateAnnual: 0, periodsPerYear: 252, seed: 42, bootstrapResamples: 1000, monteCarloPaths: 1000, confidenceLevel: 0.95 });
    expect(s.version).toBe("statistics-1");
    expect(s.warnings).toEqual([]);
  });

  it("is deterministic, and its random parts follow the seed", () => {
    expect(computeStatistics(input)).toEqual(s);
    const other = computeStatistics({ ...input, options: { ...input.options, seed: 43 } });
    expect(other.sharpeBootstrap.lower).not.toBe(s.sharpeBootstrap.lower);
    expect(other.trades).toEqual(s.trades);
  });

  it("keeps every view of the P&L consistent with the trade totals", () => {
    const net = s.trades.all.netProfit.cents;
    expect(s.trades.long.netProfit.cents + s.trades.short.netProfit.cents).toBe(net);
    expect(s.trades.long.roundTrips + s.trades.short.roundTrips).toBe(200);
    expect(s.drawdown.netProfitCents).toBe(net);
    expect(sumBy(s.calendar, (d) => d.netPnlCents)).toBe(net);
    expect(sumBy(s.calendar, (d) => d.realisedNetCents)).toBe(net);
    expect(sumBy(s.calendar, (d) => d.roundTrips)).toBe(200);
    expect(sumBy(s.monthly.months, (m) => m.pnlCents)).toBe(net);
    const { byExitHour, bySessionWeekday, bySession, byRollWeek } = s.breakdowns;
    for (const buckets of [byExitHour, bySessionWeekday, bySession, byRollWeek]) {
      expect(sumBy(buckets, (b) => b.net.cents)).toBe(net);
      expect(sumBy(buckets, (b) => b.roundTrips)).toBe(200);
    }
  });

  it("derives the ratios from the session returns and the drawdown", () => {
    expect(s.returns.observations).toBe(s.calendar.length);
    expect(s.returns.calmar).toBeCloseTo(s.returns.annualisedReturn! / s.drawdown.maxDrawdownPct!, 10);
    expect(s.drawdownMonteCarlo.tradesPerPath).toBe(200);
    // closed-trade equity: the observed Monte-Carlo drawdown equals the equity-series drawdown
    expect(s.drawdownMonteCarlo.observedMaxDrawdownCents).toBe(s.drawdown.maxDrawdownCents);
    expect(s.exposure.wallFraction!).toBeGreaterThan(0);
    expect(s.exposure.sessionFraction!).toBeLessThanOrEqual(1);
  });

  it("downsamples the charts to at most chartPoints, keeping the ends", () => {
    expect(s.charts.equity.tsMs).toHaveLength(50);
    expect(s.charts.equity.tsMs[0]).toBe(input.equity.tsMs[0]);
    expect(s.charts.equity.equityUsd.at(-1)).toBe(input.equity.equityCents.at(-1)! / 100);
    expect(Math.min(...s.charts.underwater.drawdownUsd)).toBeLessThanOrEqual(0);
    expect(s.charts.underwater.drawdownPct).toHaveLength(50);
  });
});

describe("computeStatistics edge cases", () => {
  it("handles a run without trades or equity", () => {
    const s: BacktestStatistics = computeStatistics({ trades: [], equity: { tsMs: [], equityCents: [] }, startingCashCents: START, instrument: MNQ });
    expect(s.trades.all.roundTrips).toBe(0);
    expect(s.returns).toMatchObject({ observations: 0, sharpe: null });
    expect(s.drawdown.maxDrawdownCents).toBe(0);
    expect(s.calendar).toEqual([]);
    expect(s.sharpeBootstrap.lower).toBeNull();
    expect(s.drawdownMonteCarlo.maxDrawdownCents).toBeNull();
    expect(s.warnings).toContain("empty equity series: drawdown and return statistics are empty");
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });

  it("handles one flat-equity session: Sharpe null, no drawdown", () => {
    const t = ct("2024-03-05 10:00");
    const s = computeStatistics({ trades: [trip({ entryMs: t, exitMs: t + 60_000, pnlCents: 0 })], equity: { tsMs: [t, t + 60_000], equityCents: [START, START] }, startingCashCents: START, instrument: MNQ });
    expect(s.returns).toMatchObject({ observations: 1, sharpe: null });
    expect(s.drawdown).toMatchObject({ maxDrawdownCents: 0, recoveryFactor: null, recoveryFactorInfinite: false });
  });

  it("warns about inconsistent inputs it can still use", () => {
    const t = ct("2024-03-05 10:00");
    const bad = { ...trip({ entryMs: t, exitMs: t + 1, pnlCents: 100, feesCents: 10 }), netCents: 50 };
    const s = computeStatistics({ trades: [bad], equity: { tsMs: [t], equityCents: [START] }, startingCashCents: START, instrument: { ...MNQ, multiplier: 5 } });
    expect(s.warnings).toHaveLength(2);
    expect(s.warnings[0]).toMatch(/netCents != pnlCents - feesCents/);
    expect(s.warnings[1]).toMatch(/ticks and points per contract disagree/);
  });

  it("rejects malformed input with bad_request errors", () => {
    const t = ct("2024-03-05 10:00");
    const ok = { trades: [], equity: { tsMs: [t, t + 1], equityCents: [START, START] }, startingCashCents: START, instrument: MNQ };
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof AppError ? e.code : "other";
      }
      return "none";
    };
    expect(code(() => computeStatistics(ok))).toBe("none");
    expect(code(() => computeStatistics({ ...ok, equity: { tsMs: [t], equityCents: [1, 2] } }))).toBe("bad_request");
    expect(code(() => computeStatistics({ ...ok, equity: { tsMs: [t + 1, t], equityCents: [1, 2] } }))).toBe("bad_request");
    expect(code(() => computeStatistics({ ...ok, trades: [trip({ qty: 0, entryMs: t, exitMs: t, pnlCents: 0 })] }))).toBe("bad_request");
    expect(code(() => computeStatistics({ ...ok, trades: [{ ...trip({ entryMs: t, exitMs: t, pnlCents: 0 }), exitTimeNs: msToNs(t - 1) }] }))).toBe("bad_request");
    expect(code(() => computeStatistics({ ...ok, options: { periodsPerYear: -1 } }))).toBe("bad_request");
    expect(code(() => computeStatistics({ ...ok, instrument: { ...MNQ, tickSize: 0 } }))).toBe("bad_request");
    // outside the session calendar's covered years
    expect(code(() => computeStatistics({ ...ok, equity: { tsMs: [Date.UTC(2015, 0, 5)], equityCents: [START] } }))).toBe("unprocessable");
  });
});
