"use client";
import { useMemo, type ReactNode } from "react";
import type { RunResultDto } from "@/lib/runs/run-dto";
import { DrawdownChart } from "@/lib/ui/drawdown-chart";
import { EquityChart } from "@/lib/ui/equity-chart";
import { RunStatistics } from "@/lib/ui/run-statistics";
import { useDisplayZone } from "@/lib/ui/display-zone";
import { formatInt, formatPrice, formatRatio, formatSignedUsd, formatUsd, pnlClass } from "@/lib/ui/format";
import { downsampleEvenly, zipEquity, type EquityPoint } from "@/lib/ui/series";

/** What the dashboard needs of a result (the run page's and the shared page's DTOs both fit). */
export type DashboardResult = Omit<RunResultDto, "runId">;

const MAX_CHART_POINTS = 2000;
const PREVIEW_TRADES = 8;

/**
 * Chart series: the statistics' LTTB-downsampled curves (<= ~1,000 points, whatever the number of
 * trades) when present, otherwise the raw equity thinned evenly.
 */
function equityPoints(result: DashboardResult): EquityPoint[] {
  const charted = result.statistics?.charts.equity;
  if (charted && charted.tsMs.length > 1) return zipEquity(charted);
  return downsampleEvenly(zipEquity(result.equity), MAX_CHART_POINTS);
}

/** Headline figures, equity and underwater curves, detailed statistics and the first trades. */
export function RunOverview({ result, onShowTrades }: { result: DashboardResult; onShowTrades?: () => void }) {
  const tz = useDisplayZone();
  const m = result.metrics;
  const s = result.statistics;
  const equity = useMemo(() => equityPoints(result), [result]);
  const pf = s?.trades.all;
  const preview = result.trades.slice(0, PREVIEW_TRADES);

  return (
    <div className="space-y-4" data-testid="run-overview">
      <div className="grid grid-cols-2 gap-2 sm:grid-cols-3 xl:grid-cols-6">
        <Card label="Net P&L" testId="metric-net-pnl" valueClass={pnlClass(m.netPnlUsd)} emphasis hint={`gross ${formatSignedUsd(m.grossPnlUsd)} · fees ${formatUsd(m.feesUsd)}`}>
          {formatSignedUsd(m.netPnlUsd)}
        </Card>
        <Card label="Profit factor" testId="metric-profit-factor" hint={pf ? `${formatSignedUsd(pf.expectancy?.usd)} per trip` : undefined}>
          {pf ? (pf.profitFactorInfinite ? "∞" : pf.profitFactor === null ? "—" : pf.profitFactor.toFixed(2)) : "—"}
        </Card>
        <Card label="Win rate" testId="metric-win-rate" hint={`${formatInt(m.winners)} won / ${formatInt(m.losers)} lost`}>
          {formatRatio(m.winners, m.roundTrips)}
        </Card>
        <Card label="Max drawdown" testId="metric-max-drawdown" valueClass="text-down" hint={s?.drawdown.maxDrawdownPct != null ? `${(-s.drawdown.maxDrawdownPct * 100).toFixed(2)}%` : undefined}>
          {s ? formatUsd(-s.drawdown.maxDrawdownUsd) : "—"}
        </Card>
        <Card label="Sharpe (ann.)" testId="metric-sharpe" hint={s ? `${s.returns.observations} session days` : undefined}>
          {s?.returns.sharpe == null ? "—" : s.returns.sharpe.toFixed(2)}
        </Card>
        <Card label="Round trips" testId="metric-round-trips" hint={`${formatInt(m.events)} events`}>
          {formatInt(m.roundTrips)}
        </Card>
      </div>

      <div>
        <h3 className="mb-1 text-[11px] font-semibold tracking-wider text-zinc-300 uppercase" id="equity-heading">
          Equity curve <span className="font-normal text-zinc-400 normal-case">({tz.label})</span>
        </h3>
        <EquityChart points={equity} height={260} label="Equity curve" testId="equity-chart" />
      </div>
      {s ? <DrawdownChart series={s.charts.underwater} /> : <p className="text-xs text-zinc-400">Detailed statistics are not available for this result.</p>}

      {s && <RunStatistics statistics={s} />}

      <div>
        <div className="mb-1 flex items-baseline justify-between gap-2">
          <h3 className="text-[11px] font-semibold tracking-wider text-zinc-300 uppercase" id="trades-preview-heading">
            First trades
          </h3>
          {onShowTrades && result.tradeCount > 0 && (
            <button type="button" className="link text-xs" onClick={onShowTrades}>
              All {formatInt(result.tradeCount)} trades: sort, filter, charts →
            </button>
          )}
        </div>
        {preview.length === 0 ? (
          <p className="rounded border border-line px-3 py-6 text-center text-sm text-zinc-400">No trades: the strategy never opened a position.</p>
        ) : (
          <div className="overflow-x-auto rounded border border-line">
            <table className="data-table" aria-labelledby="trades-preview-heading" data-testid="trades-preview">
              <thead>
                <tr>
                  <th scope="col" className="cell-num">#</th>
                  <th scope="col">Side</th>
                  <th scope="col" className="cell-num">Qty</th>
                  <th scope="col">Entry ({tz.suffix})</th>
                  <th scope="col" className="cell-num">Entry price</th>
                  <th scope="col">Exit ({tz.suffix})</th>
                  <th scope="col" className="cell-num">Exit price</th>
                  <th scope="col" className="cell-num">Net P&amp;L</th>
                </tr>
              </thead>
              <tbody>
                {preview.map((t) => (
                  <tr key={t.seq} data-testid="trade-row">
                    <td className="cell-num text-zinc-400">{t.seq}</td>
                    <td className={t.side > 0 ? "text-up" : "text-down"}>{t.side > 0 ? "Long" : "Short"}</td>
                    <td className="cell-num">{formatInt(t.qty)}</td>
                    <td className="text-zinc-300">{tz.ns(t.entryNs, { zone: false })}</td>
                    <td className="cell-num">{formatPrice(t.entryPrice)}</td>
                    <td className="text-zinc-300">{tz.ns(t.exitNs, { zone: false })}</td>
                    <td className="cell-num">{formatPrice(t.exitPrice)}</td>
                    <td className={`cell-num ${pnlClass(t.netUsd)}`}>{formatSignedUsd(t.netUsd)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </div>
  );
}

function Card({ label, testId, valueClass = "text-zinc-100", emphasis = false, hint, children }: { label: string; testId: string; valueClass?: string; emphasis?: boolean; hint?: string; children: ReactNode }) {
  return (
    <div className={`rounded border px-3 py-2 ${emphasis ? "border-zinc-700 bg-surface-raised" : "border-line bg-zinc-950/40"}`}>
      <div className="text-[11px] tracking-wide text-zinc-400 uppercase">{label}</div>
      <div className={`num mt-0.5 text-base font-semibold ${valueClass}`} data-testid={testId}>
        {children}
      </div>
      {hint && <div className="num truncate text-[11px] text-zinc-400">{hint}</div>}
    </div>
  );
}
