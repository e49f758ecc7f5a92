/**
 * Trade statistics over round trips. Every money figure is a `MoneyFigure` (cents, USD, ticks and
 * points per contract; see money.ts). Definitions:
 *
 * - winner: net P&L (after fees) > 0; loser: net < 0; scratch: net = 0 (neither; same as the
 *   engine's BacktestMetrics).
 * - net profit = sum net; gross P&L = sum pnl (before fees); fees = sum fees.
 * - gross profit = sum of the positive NET trade P&Ls; gross loss = sum of the negative ones (<= 0).
 * - profit factor = gross profit / |gross loss|. No losers: +Infinity reported as null with
 *   `profitFactorInfinite` = true when gross profit > 0; null (not infinite) when both are 0.
 * - win rate W = winners / round trips (scratches count in the denominator).
 * - average trade = net / N; average winner = gross profit / winners; average loser = gross loss /
 *   losers (<= 0).
 * - win/loss ratio R = average winner / |average loser| (cents); no losers -> null + infinite flag.
 * - largest winner / loser: the trip with the largest / smallest net cents.
 * - max consecutive wins / losses: longest runs in exit-time order; a scratch ends both runs.
 * - expectancy = W * avg winner + L * avg loser (L = losers / N), which equals the average trade;
 *   expectancyR = expectancy / |average loser| (Van Tharp's expectancy per unit of average loss).
 * - SQN (Van Tharp) = sqrt(min(N, 100)) * mean(net) / std(net), sample std, on net cents per trip;
 *   N capped at 100 as commonly done so it does not grow with the number of trades alone. Null for
 *   N < 2 or zero variance.
 * - Kelly fraction = W - (1 - W) / R with the W above (scratches count as non-wins, the cautious
 *   reading). No losers (R infinite): W. Null without trades or without winners.
 * - average time in trade: mean of (exit - entry), ms.
 */
import { isZeroSpread, moments } from "./descriptive";
import { summariseExcursions, type ExcursionSummary } from "./excursions";
import { MoneySum, tripMoney, type MoneyFigure } from "./money";
import { byExitTime, nsToMicrosecondMs } from "./trade-order";
import type { StatisticsInstrument, StatisticsRoundTrip } from "./types";

export const SQN_TRADE_CAP = 100;

export interface TradeSummary {
  roundTrips: number;
  winners: number;
  losers: number;
  scratches: number;
  /** Sum of qty over the round trips. */
  contracts: number;
  netProfit: MoneyFigure;
  grossPnl: MoneyFigure;
  fees: MoneyFigure;
  grossProfit: MoneyFigure;
  grossLoss: MoneyFigure;
  profitFactor: number | null;
  profitFactorInfinite: boolean;
  winRate: number | null;
  averageTrade: MoneyFigure | null;
  averageWinner: MoneyFigure | null;
  averageLoser: MoneyFigure | null;
  winLossRatio: number | null;
  winLossRatioInfinite: boolean;
  largestWinner: MoneyFigure | null;
  largestLoser: MoneyFigure | null;
  maxConsecutiveWins: number;
  maxConsecutiveLosses: number;
  expectancy: MoneyFigure | null;
  expectancyR: number | null;
  sqn: number | null;
  kellyFraction: number | null;
  averageTimeInTradeMs: number | null;
  excursions: ExcursionSummary | null;
}

export function summariseTrades(trades: readonly StatisticsRoundTrip[], instrument: StatisticsInstrument): TradeSummary {
  const net = new MoneySum(instrument);
  const gross = new MoneySum(instrument);
  const fees = new MoneySum(instrument);
  const wins = new MoneySum(instrument);
  const losses = new MoneySum(instrument);
  let contracts = 0;
  let largestWinner: StatisticsRoundTrip | null = null;
  let largestLoser: StatisticsRoundTrip | null = null;
  let durationNs = 0n;
  for (const t of trades) {
    net.add(t.netCents, t.qty);
    gross.add(t.pnlCents, t.qty);
    fees.add(t.feesCents, t.qty);
    contracts += t.qty;
    durationNs += t.exitTimeNs - t.entryTimeNs;
    if (t.netCents > 0) {
      wins.add(t.netCents, t.qty);
      if (!largestWinner || t.netCents > largestWinner.netCents) largestWinner = t;
    } else if (t.netCents < 0) {
      losses.add(t.netCents, t.qty);
      if (!largestLoser || t.netCents < largestLoser.netCents) largestLoser = t;
    }
  }
  const n = trades.length;
  const winners = wins.count;
  const losers = losses.count;
  const winRate = n === 0 ? null : winners / n;
  const averageTrade = net.mean();
  const averageWinner = wins.mean();
  const averageLoser = losses.mean();
  const pf = ratio(wins.cents, -losses.cents);
  const wl = averageWinner && ratio(averageWinner.cents, averageLoser ? -averageLoser.cents : 0);
  const streaks = longestStreaks(trades);
  return {
    roundTrips: n,
    winners,
    losers,
    scratches: n - winners - losers,
    contracts,
    netProfit: net.total(),
    grossPnl: gross.total(),
    fees: fees.total(),
    grossProfit: wins.total(),
    grossLoss: losses.total(),
    profitFactor: pf.value,
    profitFactorInfinite: pf.infinite,
    winRate,
    averageTrade,
    averageWinner,
    averageLoser,
    winLossRatio: wl ? wl.value : null,
    winLossRatioInfinite: wl ? wl.infinite : false,
    largestWinner: largestWinner && tripMoney(instrument, largestWinner.netCents, largestWinner.qty),
    largestLoser: largestLoser && tripMoney(instrument, largestLoser.netCents, largestLoser.qty),
    maxConsecutiveWins: streaks.wins,
    maxConsecutiveLosses: streaks.losses,
    expectancy: averageTrade && { ...averageTrade },
    expectancyR: averageTrade && averageLoser ? averageTrade.cents / -averageLoser.cents : null,
    sqn: sqn(trades.map((t) => t.netCents)),
    kellyFraction: kelly(winRate, winners, wl),
    averageTimeInTradeMs: n === 0 ? null : nsToMicrosecondMs(durationNs) / n,
    excursions: summariseExcursions(trades),
  };
}

/** a / b for a, b >= 0: b = 0 gives null, flagged infinite when a > 0. */
function ratio(a: number, b: number): { value: number | null; infinite: boolean } {
  if (b > 0) return { value: a / b, infinite: false };
  return { value: null, infinite: a > 0 };
}

export function sqn(netPerTrade: readonly number[]): number | null {
  const m = moments(netPerTrade);
  if (m.std === null || isZeroSpread(m.std, m.mean)) return null;
  return (Math.sqrt(Math.min(m.n, SQN_TRADE_CAP)) * m.mean) / m.std;
}

function kelly(winRate: number | null, winners: number, wl: { value: number | null; infinite: boolean } | null): number | null {
  if (winRate === null || winners === 0 || !wl) return null;
  if (wl.infinite) return winRate;
  return wl.value === null ? null : winRate - (1 - winRate) / wl.value;
}

/** Longest runs of winners and of losers in exit-time order; scratches break both. */
export function longestStreaks(trades: readonly StatisticsRoundTrip[]): { wins: number; losses: number } {
  let wins = 0;
  let losses = 0;
  let runWins = 0;
  let runLosses = 0;
  for (const t of byExitTime(trades)) {
    runWins = t.netCents > 0 ? runWins + 1 : 0;
    runLosses = t.netCents < 0 ? runLosses + 1 : 0;
    wins = Math.max(wins, runWins);
    losses = Math.max(losses, runLosses);
  }
  return { wins, losses };
}
