import { describe, expect, it } from "vitest";
import { computeBreakdowns } from "./breakdowns";
import { MNQ, ct, trip, utc } from "./test-support";

// Exit times chosen on both sides of the 2024-03-10 DST change (CST = UTC-6, CDT = UTC-5):
//   A Thu 03-07 14:30 UTC = 08:30 CST  hour 8  RTH  Thursday   net +100
//   B Tue 03-12 14:30 UTC = 09:30 CDT  hour 9  RTH  Tuesday    net  -50
//   C Tue 03-12 13:15 UTC = 08:15 CDT  hour 8  ETH  Tuesday    net +200
//   D Sun 03-10 23:00 UTC = 18:00 CDT  hour 18 ETH  Monday (session 03-11)  net -300
//   E Fri 03-08 20:59 UTC = 14:59 CST  hour 14 RTH  Friday     net    0
//   F Wed 03-13 20:59 UTC = 15:59 CDT  hour 15 ETH  Wednesday  net +400
const exit = (iso: string, net: number) => trip({ entryMs: utc(iso) - 60_000, exitMs: utc(iso), pnlCents: net });
const trades = [
  exit("2024-03-07T14:30:00Z", 100),
  exit("2024-03-12T14:30:00Z", -50),
  exit("2024-03-12T13:15:00Z", 200),
  exit("2024-03-10T23:00:00Z", -300),
  exit("2024-03-08T20:59:00Z", 0),
  exit("2024-03-13T20:59:00Z", 400),
];
const rollWeek: [number, number] = [ct("2024-03-11 00:00"), ct("2024-03-15 00:00")];
const b = computeBreakdowns(trades, MNQ, [rollWeek]);
const pick = (buckets: typeof b.byExitHour) => Object.fromEntries(buckets.filter((x) => x.roundTrips > 0).map((x) => [x.key, [x.roundTrips, x.net.cents]]));

describe("computeBreakdowns", () => {
  it("buckets by the exchange (Chicago) hour of exit across DST", () => {
    expect(b.byExitHour).toHaveLength(24);
    expect(pick(b.byExitHour)).toEqual({ "08": [2, 300], "09": [1, -50], "14": [1, 0], "15": [1, 400], "18": [1, -300] });
  });

  it("buckets by weekday of the session date (Sunday evening is Monday)", () => {
    expect(b.bySessionWeekday.map((x) => x.key)).toEqual(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]);
    expect(pick(b.bySessionWeekday)).toEqual({ Monday: [1, -300], Tuesday: [2, 150], Wednesday: [1, 400], Thursday: [1, 100], Friday: [1, 0] });
  });

  it("splits RTH (08:30-15:00 CT) from ETH by exit time", () => {
    const [rth, eth] = b.bySession;
    // RTH: A, B, E -> +100 -50 +0 = 50, PF 100/50 = 2; ETH: C, D, F -> 200 - 300 + 400 = 300, PF 600/300 = 2
    expect(rth).toMatchObject({ key: "RTH", roundTrips: 3, winners: 1, losers: 1, profitFactor: 2, grossProfitCents: 100, grossLossCents: -50 });
    expect(rth.net.cents).toBe(50);
    expect(rth.winRate).toBeCloseTo(1 / 3, 15);
    expect(eth).toMatchObject({ key: "ETH", roundTrips: 3, profitFactor: 2 });
    expect(eth.net.cents).toBe(300);
  });

  it("splits trades exiting in roll weeks from the rest", () => {
    // [Mon 03-11 00:00 CT, Fri 03-15 00:00 CT) holds B, C and F (D exits Sunday 18:00, before it)
    expect(pick(b.byRollWeek)).toEqual({ "roll-week": [3, 550], other: [3, -200] });
    expect(pick(computeBreakdowns(trades, MNQ, []).byRollWeek)).toEqual({ other: [6, 350] });
  });

  it("puts both readings of the repeated November hour in hour 1", () => {
    // 2024-11-03 06:30 UTC = 01:30 CDT, 07:30 UTC = 01:30 CST
    const nov = computeBreakdowns([exit("2024-11-03T06:30:00Z", 10), exit("2024-11-03T07:30:00Z", 20)], MNQ, []);
    expect(pick(nov.byExitHour)).toEqual({ "01": [2, 30] });
  });

  it("reports empty buckets with nulls and an infinite profit factor as a flag", () => {
    const none = computeBreakdowns([], MNQ, []);
    expect(none.byExitHour[0]).toMatchObject({ roundTrips: 0, winRate: null, averageTrade: null, profitFactor: null, profitFactorInfinite: false });
    const hour8 = b.byExitHour[8];
    expect(hour8).toMatchObject({ profitFactor: null, profitFactorInfinite: true });
  });
});
