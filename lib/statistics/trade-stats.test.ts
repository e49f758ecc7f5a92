import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MNQ, ct, trip } from "./test-support";
import { summariseTrades } from "./trade-stats";
import type { StatisticsRoundTrip } from "./types";

// Five MNQ round trips on Tue 2024-03-05 (fees $0.57 per contract per side = 114 cents a round trip).
// Given in input order T1..T5; in EXIT order they are T1 T3 T4 T5 T2 = W W S W L.
//   T1 long  1 lot  +20 ticks: pnl 1000, fees 114, net  886   09:00-09:10
//   T2 short 2 lots -10 ticks: pnl -1000, fees 228, net -1228  12:00-14:00
//   T3 long  1 lot  +10 ticks: pnl 500,  fees 114, net  386   09:20-09:30
//   T4 long  1 lot  pnl 114, fees 114, net 0 (scratch)        09:40-10:00
//   T5 short 1 lot  +40 ticks: pnl 2000, fees 114, net 1886   10:30-11:30
const T = (hhmm: string) => ct(`2024-03-05 ${hhmm}`);
const trades: StatisticsRoundTrip[] = [
  trip({ side: 1, entryMs: T("09:00"), exitMs: T("09:10"), pnlCents: 1000, feesCents: 114, maeTicks: 4, mfeTicks: 24 }),
  trip({ side: -1, qty: 2, entryMs: T("12:00"), exitMs: T("14:00"), pnlCents: -1000, feesCents: 228, maeTicks: 12, mfeTicks: 2 }),
  trip({ side: 1, entryMs: T("09:20"), exitMs: T("09:30"), pnlCents: 500, feesCents: 114, maeTicks: 0, mfeTicks: 10 }),
  trip({ side: 1, entryMs: T("09:40"), exitMs: T("10:00"), pnlCents: 114, feesCents: 114 }),
  trip({ side: -1, entryMs: T("10:30"), exitMs: T("11:30"), pnlCents: 2000, feesCents: 114, maeTicks: 8, mfeTicks: 44 }),
];

describe("summariseTrades on a hand-computed example", () => {
  const s = summariseTrades(trades, MNQ);

  it("counts winners, losers and scratches by net P&L", () => {
    expect(s).toMatchObject({ roundTrips: 5, winners: 3, losers: 1, scratches: 1, contracts: 6 });
  });

  it("sums net, gross and fees in exact cents, USD, and ticks/points per contract", () => {
    // net 886 - 1228 + 386 + 0 + 1886 = 1930; gross 1000 - 1000 + 500 + 114 + 2000 = 2614; fees 684
    expect(s.netProfit.cents).toBe(1930);
    expect(s.netProfit.usd).toBe(19.3);
    expect(s.grossPnl.cents).toBe(2614);
    expect(s.fees.cents).toBe(684);
    // ticks per contract = cents / (qty * 50): 17.72 - 12.28 + 7.72 + 0 + 37.72 = 50.88
    expect(s.netProfit.ticksPerContract).toBeCloseTo(50.88, 10);
    // points = cents / (qty * $2 * 100): 4.43 - 3.07 + 1.93 + 0 + 9.43 = 12.72 (= 50.88 * 0.25)
    expect(s.netProfit.pointsPerContract).toBeCloseTo(12.72, 10);
    // gross ticks 20 - 10 + 10 + 2.28 + 40 = 62.28; fee ticks 2.28 each -> 11.4
    expect(s.grossPnl.ticksPerContract).toBeCloseTo(62.28, 10);
    expect(s.fees.ticksPerContract).toBeCloseTo(11.4, 10);
  });

  it("computes gross profit/loss, profit factor and win rate", () => {
    // gross profit 886 + 386 + 1886 = 3158; gross loss -1228; PF 3158 / 1228
    expect(s.grossProfit.cents).toBe(3158);
    expect(s.grossLoss.cents).toBe(-1228);
    expect(s.grossProfit.ticksPerContract).toBeCloseTo(63.16, 10);
    expect(s.grossLoss.ticksPerContract).toBeCloseTo(-12.28, 10);
    expect(s.profitFactor).toBeCloseTo(3158 / 1228, 12);
    expect(s.profitFactorInfinite).toBe(false);
    expect(s.winRate).toBe(0.6);
  });

  it("computes averages, largest trades, ratio, expectancy, Kelly and SQN", () => {
    expect(s.averageTrade!.cents).toBe(386); // 1930 / 5
    expect(s.averageTrade!.ticksPerContract).toBeCloseTo(10.176, 10); // 50.88 / 5
    expect(s.averageWinner!.cents).toBeCloseTo(3158 / 3, 10);
    expect(s.averageLoser!.cents).toBe(-1228);
    expect(s.largestWinner!.cents).toBe(1886);
    expect(s.largestWinner!.ticksPerContract).toBeCloseTo(37.72, 10);
    expect(s.largestLoser!.cents).toBe(-1228);
    expect(s.largestLoser!.ticksPerContract).toBeCloseTo(-12.28, 10);
    // R = (3158/3) / 1228 = 0.857220; Kelly = 0.6 - 0.4 / R = 0.6 - 1473.6 / 3158 = 0.1333756
    expect(s.winLossRatio).toBeCloseTo(3158 / 3 / 1228, 12);
    expect(s.kellyFraction).toBeCloseTo(0.6 - 1473.6 / 3158, 12);
    // expectancy = 0.6 * 1052.67 + 0.2 * (-1228) = 631.6 - 245.6 = 386 = average trade
    expect(s.expectancy!.cents).toBeCloseTo(0.6 * (3158 / 3) + 0.2 * -1228, 10);
    expect(s.expectancyR).toBeCloseTo(386 / 1228, 12);
    // SQN: deviations from 386: 500 -1614 0 -386 1500; sum sq 5 253 992; sample var / 4
    expect(s.sqn).toBeCloseTo((Math.sqrt(5) * 386) / Math.sqrt(5253992 / 4), 12);
  });

  it("finds streaks in exit-time order, a scratch breaking a run", () => {
    // exit order W W S W L: longest win run 2 (not 3 across the scratch), loss run 1
    expect(s.maxConsecutiveWins).toBe(2);
    expect(s.maxConsecutiveLosses).toBe(1);
  });

  it("averages the time in trade", () => {
    // 10 + 120 + 10 + 20 + 60 minutes = 220 / 5 = 44 minutes
    expect(s.averageTimeInTradeMs).toBe(44 * 60_000);
  });

  it("summarises MAE/MFE over the trips that carry them", () => {
    // MAE 4, 12, 0, 8 (T4 has none): mean 6, median 6, max 12; winners T1 T3 T5 -> 4; loser T2 -> 12
    expect(s.excursions!.mae).toEqual({ count: 4, meanTicks: 6, medianTicks: 6, maxTicks: 12, meanWinnersTicks: 4, meanLosersTicks: 12 });
    // MFE 24, 2, 10, 44: mean 20, median 17, max 44; winners (24+10+44)/3 = 26
    expect(s.excursions!.mfe).toEqual({ count: 4, meanTicks: 20, medianTicks: 17, maxTicks: 44, meanWinnersTicks: 26, meanLosersTicks: 2 });
  });

  it("splits long and short", () => {
    const long = summariseTrades(trades.filter((t) => t.side === 1), MNQ);
    const short = summariseTrades(trades.filter((t) => t.side === -1), MNQ);
    expect(long.netProfit.cents).toBe(1272); // 886 + 386 + 0
    expect(short.netProfit.cents).toBe(658); // -1228 + 1886
    expect(long.profitFactorInfinite).toBe(true);
  });
});

describe("summariseTrades edge cases", () => {
  it("has zeros and nulls without trades", () => {
    const s = summariseTrades([], MNQ);
    expect(s).toMatchObject({ roundTrips: 0, winRate: null, profitFactor: null, profitFactorInfinite: false, averageTrade: null, sqn: null, kellyFraction: null, excursions: null });
    expect(s.netProfit.cents).toBe(0);
    expect(s.maxConsecutiveWins).toBe(0);
  });

  it("handles one trade", () => {
    const s = summariseTrades([trip({ entryMs: T("09:00"), exitMs: T("09:01"), pnlCents: -500, feesCents: 114 })], MNQ);
    expect(s).toMatchObject({ roundTrips: 1, losers: 1, winRate: 0, profitFactor: 0, sqn: null, kellyFraction: null, maxConsecutiveLosses: 1 });
  });

  it("reports an infinite profit factor as null plus a flag when every trade wins", () => {
    const s = summariseTrades(
      [trip({ entryMs: T("09:00"), exitMs: T("09:01"), pnlCents: 500 }), trip({ entryMs: T("09:02"), exitMs: T("09:03"), pnlCents: 300 })],
      MNQ,
    );
    expect(s).toMatchObject({ profitFactor: null, profitFactorInfinite: true, winLossRatio: null, winLossRatioInfinite: true, winRate: 1, kellyFraction: 1, expectancyR: null });
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });

  it("treats all-scratch trading as neither infinite nor defined", () => {
    const s = summariseTrades([trip({ entryMs: T("09:00"), exitMs: T("09:01"), pnlCents: 0 })], MNQ);
    expect(s).toMatchObject({ profitFactor: null, profitFactorInfinite: false, scratches: 1, winRate: 0 });
  });

  it("gives a null SQN at zero variance", () => {
    const same = [1, 2, 3].map((i) => trip({ entryMs: T("09:00") + i, exitMs: T("09:01") + i, pnlCents: 100 }));
    expect(summariseTrades(same, MNQ).sqn).toBeNull();
  });

  it("caps N at 100 in the SQN", () => {
    // 200 trades alternating 300 / -100: mean 100, sample std = 200 * sqrt(200/199); SQN = sqrt(100) * 100 / std
    const many = Array.from({ length: 200 }, (_, i) => trip({ entryMs: T("09:00") + 2 * i, exitMs: T("09:00") + 2 * i + 1, pnlCents: i % 2 ? -100 : 300 }));
    expect(summariseTrades(many, MNQ).sqn).toBeCloseTo((10 * 100) / (200 * Math.sqrt(200 / 199)), 10);
  });
});

const tripArb = fc.record({
  side: fc.constantFrom<1 | -1>(1, -1),
  qty: fc.integer({ min: 1, max: 5 }),
  startMin: fc.integer({ min: 0, max: 600 }),
  lengthMin: fc.integer({ min: 0, max: 60 }),
  pnlTicks: fc.integer({ min: -200, max: 200 }),
  feesCents: fc.integer({ min: 0, max: 300 }),
});
type TripSpec = { side: 1 | -1; qty: number; startMin: number; lengthMin: number; pnlTicks: number; feesCents: number };
const toTrip = (t: TripSpec) =>
  trip({ side: t.side, qty: t.qty, entryMs: T("08:00") + t.startMin * 60_000, exitMs: T("08:00") + (t.startMin + t.lengthMin) * 60_000, pnlCents: t.pnlTicks * t.qty * 50, feesCents: t.feesCents });

describe("summariseTrades properties", () => {
  it("keeps the profit factor consistent with gross profit and loss, and the win rate in [0, 1]", () => {
    fc.assert(
      fc.property(fc.array(tripArb, { maxLength: 40 }), (raw) => {
        const s = summariseTrades(raw.map(toTrip), MNQ);
        if (s.winRate !== null && !(s.winRate >= 0 && s.winRate <= 1)) return false;
        if (s.grossLoss.cents < 0) return Math.abs(s.profitFactor! - s.grossProfit.cents / -s.grossLoss.cents) < 1e-12;
        return s.profitFactor === null && s.profitFactorInfinite === s.grossProfit.cents > 0;
      }),
    );
  });

  it("does not change totals when the trade order is shuffled", () => {
    fc.assert(
      fc.property(fc.array(tripArb, { maxLength: 40 }).chain((raw) => fc.tuple(fc.constant(raw), fc.shuffledSubarray(raw, { minLength: raw.length }))), ([raw, shuffled]) => {
        const a = summariseTrades(raw.map(toTrip), MNQ);
        const b = summariseTrades(shuffled.map(toTrip), MNQ);
        expect([b.netProfit.cents, b.grossPnl.cents, b.fees.cents, b.grossProfit.cents, b.grossLoss.cents, b.winners, b.losers, b.contracts]).toEqual([
          a.netProfit.cents, a.grossPnl.cents, a.fees.cents, a.grossProfit.cents, a.grossLoss.cents, a.winners, a.losers, a.contracts,
        ]);
        expect(b.netProfit.ticksPerContract).toBeCloseTo(a.netProfit.ticksPerContract, 8);
        if (a.sqn !== null) expect(b.sqn).toBeCloseTo(a.sqn, 8);
      }),
    );
  });

  it("keeps cents integer-exact and net = gross - fees", () => {
    fc.assert(
      fc.property(fc.array(tripArb, { maxLength: 40 }), (raw) => {
        const s = summariseTrades(raw.map(toTrip), MNQ);
        return Number.isInteger(s.netProfit.cents) && s.netProfit.cents === s.grossPnl.cents - s.fees.cents && s.netProfit.cents === s.grossProfit.cents + s.grossLoss.cents;
      }),
    );
  });
});
