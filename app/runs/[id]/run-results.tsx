"use client";
import { useMemo, type ReactNode } from "react";
import { EquityChart } from "@/lib/ui/equity-chart";
import { RunStatistics } from "@/lib/ui/run-statistics";
import type { RunResult } from "@/lib/ui/api";
import { formatCtNs, formatInt, formatPrice, formatRatio, formatSignedUsd, formatUsd, pnlClass } from "@/lib/ui/format";
import { downsampleEvenly, zipEquity } from "@/lib/ui/series";
import { humanizeKey } from "@/lib/ui/strategy-params";

const MAX_CHART_POINTS = 2000;
const MAX_TRADE_ROWS = 500;
// Shown as cards, or mirrors of them in cents.
const CARD_METRICS = new Set(["netPnlUsd", "grossPnlUsd", "feesUsd", "roundTrips", "winners", "losers"]);

export function RunResults({ result }: { result: RunResult }) {
  const m = result.metrics ?? {};
  const roundTrips = num(m.roundTrips);
  const winners = num(m.winners);
  const losers = num(m.losers);
  const equity = useMemo(() => downsampleEvenly(zipEquity(result.equity), MAX_CHART_POINTS), [result.equity]);
  const trades = result.trades.slice(0, MAX_TRADE_ROWS);
  const extraMetrics = Object.entries(m).filter(([k, v]) => !CARD_METRICS.has(k) && !k.endsWith("Cents") && typeof v === "number") as [string, number][];

  return (
    <div className="space-y-4 p-3">
      <div className="grid grid-cols-2 gap-2 sm:grid-cols-3 xl:grid-cols-6">
        <Card label="Net P&L" testId="metric-net-pnl" valueClass={pnlClass(num(m.netPnlUsd))} emphasis>
          {formatSignedUsd(num(m.netPnlUsd))}
        </Card>
        <Card label="Gross P&L" testId="metric-gross-pnl" valueClass={pnlClass(num(m.grossPnlUsd))}>
          {formatSignedUsd(num(m.grossPnlUsd))}
        </Card>
        <Card label="Fees" testId="metric-fees">
          {formatUsd(num(m.feesUsd))}
        </Card>
        <Card label="Round trips" testId="metric-round-trips">
          {formatInt(roundTrips)}
        </Card>
        <Card label="Win rate" testId="metric-win-rate">
          {formatRatio(winners ?? 0, roundTrips ?? 0)}
        </Card>
        <Card label="Winners / Losers" testId="metric-winners-losers">
          <span className="text-up">{formatInt(winners)}</span>
          <span className="text-zinc-600"> / </span>
          <span className="text-down">{formatInt(losers)}</span>
        </Card>
      </div>

      {extraMetrics.length > 0 && (
        <dl className="grid grid-cols-2 gap-x-4 gap-y-1 text-xs sm:grid-cols-4" data-testid="metrics-extra">
          {extraMetrics.map(([key, value]) => (
            <div key={key} className="flex justify-between gap-2 border-b border-zinc-800/70 py-1">
              <dt className="text-zinc-500">{humanizeKey(key.replace(/Usd$/, ""))}</dt>
              <dd className="num text-zinc-200">{key.endsWith("Usd") ? formatUsd(value) : Number.isInteger(value) ? formatInt(value) : value.toFixed(4)}</dd>
            </div>
          ))}
        </dl>
      )}

      <div>
        <h3 className="mb-1 text-[11px] font-semibold tracking-wider text-zinc-400 uppercase" id="equity-heading">
          Equity curve <span className="font-normal text-zinc-600 normal-case">(exchange time, CT)</span>
        </h3>
        <EquityChart points={equity} height={280} label="Equity curve" testId="equity-chart" />
      </div>

      {result.statistics ? (
        <RunStatistics statistics={result.statistics} />
      ) : (
        <p className="text-xs text-zinc-500">Detailed statistics are not available for this result.</p>
      )}

      <div>
        <div className="mb-1 flex items-baseline justify-between">
          <h3 className="text-[11px] font-semibold tracking-wider text-zinc-400 uppercase" id="trades-heading">
            Trades
          </h3>
          <span className="num text-[11px] text-zinc-500" data-testid="trades-count">
            {result.tradeCount > trades.length
              ? `Showing first ${formatInt(trades.length)} of ${formatInt(result.tradeCount)}`
              : `${formatInt(result.tradeCount)} round trip${result.tradeCount === 1 ? "" : "s"}`}
          </span>
        </div>
        {trades.length === 0 ? (
          <p className="rounded border border-line px-3 py-6 text-center text-sm text-zinc-500">No trades: the strategy never opened a position.</p>
        ) : (
          <div className="max-h-[480px] overflow-auto rounded border border-line">
            <table className="data-table" aria-labelledby="trades-heading" data-testid="trades-table">
              <thead>
                <tr>
                  <th scope="col" className="cell-num">#</th>
                  <th scope="col">Side</th>
                  <th scope="col" className="cell-num">Qty</th>
                  <th scope="col">Entry (CT)</th>
                  <th scope="col" className="cell-num">Entry price</th>
                  <th scope="col">Exit (CT)</th>
                  <th scope="col" className="cell-num">Exit price</th>
                  <th scope="col" className="cell-num">P&amp;L</th>
                  <th scope="col" className="cell-num">Fees</th>
                </tr>
              </thead>
              <tbody>
                {trades.map((t) => (
                  <tr key={t.seq} data-testid="trade-row">
                    <td className="cell-num text-zinc-500">{t.seq}</td>
                    <td className={t.side > 0 ? "text-up" : "text-down"}>{t.side > 0 ? "Long" : "Short"}</td>
                    <td className="cell-num">{formatInt(t.qty)}</td>
                    <td className="text-zinc-400">{formatCtNs(t.entryNs, { zone: false })}</td>
                    <td className="cell-num">{formatPrice(t.entryPrice)}</td>
                    <td className="text-zinc-400">{formatCtNs(t.exitNs, { zone: false })}</td>
                    <td className="cell-num">{formatPrice(t.exitPrice)}</td>
                    <td className={`cell-num ${pnlClass(t.pnlUsd)}`}>{formatSignedUsd(t.pnlUsd)}</td>
                    <td className="cell-num text-zinc-400">{formatUsd(t.feesUsd)}</td>
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

function num(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function Card({ label, testId, valueClass = "text-zinc-100", emphasis = false, children }: { label: string; testId: string; valueClass?: string; emphasis?: boolean; children: ReactNode }) {
  return (
    <div className={`rounded border px-3 py-2 ${emphasis ? "border-zinc-700 bg-surface-raised" : "border-line bg-zinc-950/40"}`}>
      <div className="text-[11px] tracking-wide text-zinc-500 uppercase">{label}</div>
      <div className={`num mt-0.5 text-base font-semibold ${valueClass}`} data-testid={testId}>
        {children}
      </div>
    </div>
  );
}
