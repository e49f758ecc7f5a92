/**
 * Entry point: every statistic of a backtest from its round trips and equity series, as plain
 * JSON-serialisable data (numbers and strings, no bigint, no Infinity/NaN: an infinite ratio is
 * null plus an `...Infinite` flag). Pure and deterministic: the random draws derive their seeds
 * from `options.seed`, and the resolved options are echoed in the result.
 *
 * Throws AppError "bad_request" on malformed input (mismatched or unsorted equity arrays, a trip
 * with qty <= 0) and "unprocessable" (from the session calendar) for times outside its years.
 * Definitions live beside each module and in README.md.
 */
import { AppError } from "../errors";
import { deriveSeed, hashString } from "../market/random";
import { computeBreakdowns, type Breakdowns } from "./breakdowns";
import { dailyReturns, pnlCalendar, sessionDays, type CalendarDay } from "./daily-returns";
import { computeDrawdown, underwaterSeries, type DrawdownStats } from "./drawdown";
import { drawdownMonteCarlo, type DrawdownMonteCarlo } from "./drawdown-monte-carlo";
import { computeExposure, type Exposure } from "./exposure";
import { lttbIndices } from "./lttb";
import { monthlyReturns, type MonthlyTable } from "./monthly";
import { resolveStatisticsOptions, type ResolvedStatisticsOptions } from "./options";
import { computeReturnStatistics, type ReturnStatistics } from "./return-ratios";
import { bootstrapSharpe, type SharpeBootstrap } from "./sharpe-bootstrap";
import { byExitTime } from "./trade-order";
import { summariseTrades, type TradeSummary } from "./trade-stats";
import type { StatisticsInput } from "./types";

/** Bumped whenever a definition changes, so stored statistics say which conventions made them. */
export const STATISTICS_VERSION = "statistics-1";

export interface BacktestStatistics {
  version: string;
  options: ResolvedStatisticsOptions;
  /** Input oddities that did not stop the computation. */
  warnings: string[];
  trades: { all: TradeSummary; long: TradeSummary; short: TradeSummary };
  exposure: Exposure;
  drawdown: DrawdownStats;
  /** Ratios of the daily (session-date) returns. */
  returns: ReturnStatistics;
  sharpeBootstrap: SharpeBootstrap;
  drawdownMonteCarlo: DrawdownMonteCarlo;
  breakdowns: Breakdowns;
  monthly: MonthlyTable;
  calendar: CalendarDay[];
  charts: {
    equity: { tsMs: number[]; equityUsd: number[] };
    underwater: { tsMs: number[]; drawdownUsd: number[]; drawdownPct: (number | null)[] };
  };
}

export function computeStatistics(input: StatisticsInput): BacktestStatistics {
  const options = resolveStatisticsOptions(input.options);
  const warnings = validate(input);
  const { trades, equity, startingCashCents, instrument } = input;

  const drawdown = computeDrawdown(equity, startingCashCents);
  const days = sessionDays(equity, startingCashCents);
  const returns = dailyReturns(days);
  const returnStats = computeReturnStatistics(returns, drawdown.maxDrawdownPct, options);
  const ordered = byExitTime(trades);

  const equityIdx = lttbIndices(equity.tsMs, equity.equityCents, options.chartPoints);
  const underwater = underwaterSeries(equity, startingCashCents);
  const underwaterIdx = lttbIndices(underwater.tsMs, underwater.drawdownCents, options.chartPoints);

  return {
    version: STATISTICS_VERSION,
    options,
    warnings,
    trades: {
      all: summariseTrades(trades, instrument),
      long: summariseTrades(trades.filter((t) => t.side === 1), instrument),
      short: summariseTrades(trades.filter((t) => t.side === -1), instrument),
    },
    exposure: computeExposure(trades),
    drawdown,
    returns: returnStats,
    sharpeBootstrap: bootstrapSharpe(returns, {
      resamples: options.bootstrapResamples,
      confidenceLevel: options.confidenceLevel,
      seed: deriveSeed(options.seed, hashString("sharpe-bootstrap")),
      riskFreePerPeriod: returnStats.riskFreeRatePerPeriod,
      periodsPerYear: options.periodsPerYear,
    }),
    drawdownMonteCarlo: drawdownMonteCarlo(
      ordered.map((t) => t.netCents),
      startingCashCents,
      { paths: options.monteCarloPaths, seed: deriveSeed(options.seed, hashString("drawdown-monte-carlo")) },
    ),
    breakdowns: computeBreakdowns(trades, instrument, options.rollWeeks),
    monthly: monthlyReturns(days, startingCashCents),
    calendar: pnlCalendar(days, trades),
    charts: {
      equity: { tsMs: equityIdx.map((i) => equity.tsMs[i]), equityUsd: equityIdx.map((i) => equity.equityCents[i] / 100) },
      underwater: {
        tsMs: underwaterIdx.map((i) => underwater.tsMs[i]),
        drawdownUsd: underwaterIdx.map((i) => underwater.drawdownCents[i] / 100),
        drawdownPct: underwaterIdx.map((i) => underwater.drawdownPct[i]),
      },
    },
  };
}

function validate(input: StatisticsInput): string[] {
  const { trades, equity, startingCashCents, instrument } = input;
  const bad = (message: string) => new AppError("bad_request", `Statistics input: ${message}`);
  if (!Number.isFinite(startingCashCents)) throw bad("starting cash must be a finite number of cents");
  if (!(instrument.tickSize > 0 && instrument.tickValueCents > 0 && instrument.multiplier > 0)) {
    throw bad("tick size, tick value and multiplier must be positive");
  }
  if (equity.tsMs.length !== equity.equityCents.length) {
    throw bad(`equity series has ${equity.tsMs.length} times but ${equity.equityCents.length} values`);
  }
  for (let i = 0; i < equity.tsMs.length; i++) {
    if (!Number.isFinite(equity.tsMs[i]) || !Number.isFinite(equity.equityCents[i])) throw bad(`equity point ${i} is not finite`);
    if (i > 0 && equity.tsMs[i] < equity.tsMs[i - 1]) throw bad(`equity times must be ascending (point ${i})`);
  }
  const warnings: string[] = [];
  let netMismatches = 0;
  for (const t of trades) {
    if (!(t.qty > 0) || !Number.isFinite(t.qty)) throw bad(`round trip quantity must be positive, got ${t.qty}`);
    if (t.exitTimeNs < t.entryTimeNs) throw bad("a round trip exits before it enters");
    if (t.netCents !== t.pnlCents - t.feesCents) netMismatches++;
  }
  if (netMismatches > 0) warnings.push(`${netMismatches} round trip(s) have netCents != pnlCents - feesCents; netCents was used`);
  const impliedTickValue = 100 * instrument.tickSize * instrument.multiplier;
  if (Math.abs(impliedTickValue - instrument.tickValueCents) > 1e-6 * instrument.tickValueCents) {
    warnings.push(`tickValueCents ${instrument.tickValueCents} != 100 x tickSize x multiplier (${impliedTickValue}): ticks and points per contract disagree`);
  }
  if (equity.tsMs.length === 0) warnings.push("empty equity series: drawdown and return statistics are empty");
  return warnings;
}
