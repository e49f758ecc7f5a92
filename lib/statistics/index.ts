/** Public API of lib/statistics: pure functions over round trips and equity (see README.md). */
export * from "./types";
export { statisticsOptionsSchema, resolveStatisticsOptions, type ResolvedStatisticsOptions } from "./options";
export { computeStatistics, STATISTICS_VERSION, type BacktestStatistics } from "./compute-statistics";
export { summariseTrades, longestStreaks, sqn, SQN_TRADE_CAP, type TradeSummary } from "./trade-stats";
export { summariseExcursions, type ExcursionSummary, type ExcursionFigures } from "./excursions";
export { MoneySum, tripMoney, type MoneyFigure } from "./money";
export { computeExposure, type Exposure } from "./exposure";
export { computeDrawdown, drawdownEpisodes, underwaterSeries, type DrawdownStats, type DrawdownEpisode, type UnderwaterSeries } from "./drawdown";
export { sessionDays, dailyReturns, pnlCalendar, type SessionDay, type CalendarDay } from "./daily-returns";
export { computeReturnStatistics, annualisedSharpe, sharpePerPeriod, riskFreePerPeriod, type ReturnStatistics, type ReturnRatioOptions } from "./return-ratios";
export { probabilisticSharpeRatio, deflatedSharpeRatio, expectedMaxSharpe, EULER_MASCHERONI, type SharpeSample, type DeflatedSharpe, type DeflatedSharpeInput } from "./sharpe-inference";
export { normalCdf, normalPdf, normalQuantile } from "./normal";
export { moments, quantile, quantileSorted, median, downsideDeviation, type Moments } from "./descriptive";
export { computeBreakdowns, type Breakdowns, type BucketStats } from "./breakdowns";
export { monthlyReturns, type MonthlyTable, type MonthReturn, type YearReturns } from "./monthly";
export { bootstrapSharpe, type SharpeBootstrap, type SharpeBootstrapOptions } from "./sharpe-bootstrap";
export { drawdownMonteCarlo, closedTradeDrawdown, type DrawdownMonteCarlo, type Percentiles } from "./drawdown-monte-carlo";
export { lttb, lttbIndices } from "./lttb";
