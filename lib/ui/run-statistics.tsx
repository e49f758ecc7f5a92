"use client";
import type { BacktestStatistics } from "../statistics";
import type { MoneyFigure } from "../statistics/money";
import { formatDuration, formatInt, formatPercent, formatSignedUsd, formatUsd, pnlClass } from "./format";

const ratio = (v: number | null | undefined, infinite = false, digits = 2) => (infinite ? "∞" : v === null || v === undefined ? "—" : v.toFixed(digits));
/** Signed percent of a fraction (formatPercent clamps to 0..100 %, right for progress, not here). */
const pct = (v: number | null | undefined, digits = 1) => (v === null || v === undefined ? "—" : `${(v * 100).toFixed(digits)}%`);
const money = (m: MoneyFigure | null | undefined) => (m ? formatSignedUsd(m.usd) : "—");
const ticks = (m: MoneyFigure | null | undefined) => (m ? `${m.ticksPerContract.toFixed(1)} ticks/ct` : undefined);

/**
 * The statistics of a result (lib/statistics): risk-adjusted ratios on session-date returns,
 * drawdowns, trade figures (the underwater curve is lib/ui/drawdown-chart.tsx). Formulas: lib/statistics/README.md.
 */
export function RunStatistics({ statistics: s }: { statistics: BacktestStatistics }) {
  const t = s.trades.all;
  const r = s.returns;
  const d = s.drawdown;
  const items: Array<{ label: string; value: string; hint?: string; className?: string; testId?: string }> = [
    { label: "Sharpe (ann.)", value: ratio(r.sharpe), hint: `${r.observations} session days, rf ${pct(s.options.riskFreeRateAnnual)}`, testId: "stat-sharpe" },
    { label: "Sortino (ann.)", value: ratio(r.sortino, r.sortinoInfinite) },
    { label: "Calmar", value: ratio(r.calmar) },
    { label: "PSR (SR* = 0)", value: r.psr === null ? "—" : formatPercent(r.psr, 1) },
    { label: "Max drawdown", value: formatUsd(-d.maxDrawdownUsd), hint: d.maxDrawdownPct === null ? undefined : pct(-d.maxDrawdownPct, 2), className: "text-down", testId: "stat-max-drawdown" },
    { label: "Recovery factor", value: ratio(d.recoveryFactor, d.recoveryFactorInfinite) },
    { label: "Profit factor", value: ratio(t.profitFactor, t.profitFactorInfinite), testId: "stat-profit-factor" },
    { label: "Expectancy", value: money(t.expectancy), hint: ticks(t.expectancy), className: pnlClass(t.expectancy?.usd) },
    { label: "Avg winner / loser", value: `${money(t.averageWinner)} / ${money(t.averageLoser)}` },
    { label: "Largest winner / loser", value: `${money(t.largestWinner)} / ${money(t.largestLoser)}` },
    { label: "Max consec. wins / losses", value: `${t.maxConsecutiveWins} / ${t.maxConsecutiveLosses}` },
    { label: "SQN", value: ratio(t.sqn) },
    { label: "Kelly", value: pct(t.kellyFraction) },
    { label: "Time in market", value: s.exposure.sessionFraction === null ? "—" : formatPercent(s.exposure.sessionFraction, 1), hint: "of session time" },
    { label: "Avg time in trade", value: formatDuration(t.averageTimeInTradeMs) },
    { label: "Skew / kurtosis", value: `${ratio(r.skewness)} / ${ratio(r.kurtosis)}`, hint: "daily returns, raw kurtosis" },
    {
      label: "Sharpe 95% CI",
      value: s.sharpeBootstrap.lower === null || s.sharpeBootstrap.upper === null ? "—" : `${s.sharpeBootstrap.lower.toFixed(2)} … ${s.sharpeBootstrap.upper.toFixed(2)}`,
      hint: `bootstrap, ${formatInt(s.sharpeBootstrap.resamples)} resamples`,
    },
    {
      label: "Monte-Carlo max DD p95",
      value: s.drawdownMonteCarlo.maxDrawdownCents === null ? "—" : formatUsd(-s.drawdownMonteCarlo.maxDrawdownCents.p95 / 100),
      hint: `${formatInt(s.drawdownMonteCarlo.paths)} trade resamplings`,
    },
  ];
  return (
    <div className="space-y-3" data-testid="run-statistics">
      <dl className="grid grid-cols-2 gap-2 sm:grid-cols-3 xl:grid-cols-6">
        {items.map((item) => (
          <div key={item.label} className="rounded border border-line bg-zinc-950/40 px-2.5 py-1.5">
            <dt className="text-[10px] tracking-wide text-zinc-400 uppercase">{item.label}</dt>
            <dd className={`num text-sm font-semibold ${item.className ?? "text-zinc-100"}`} data-testid={item.testId}>
              {item.value}
            </dd>
            {item.hint && <dd className="text-[10px] text-zinc-400">{item.hint}</dd>}
          </div>
        ))}
      </dl>
    </div>
  );
}
