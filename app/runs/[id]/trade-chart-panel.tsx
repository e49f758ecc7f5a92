"use client";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { CHART_INTERVALS, CHART_INTERVAL_NAMES, type ChartInterval } from "@/lib/runs/trade-chart";
import { dashboardApi, dashboardKeys, type ResultAccess } from "@/lib/ui/dashboard-api";
import { useDisplayZone } from "@/lib/ui/display-zone";
import { ErrorAlert } from "@/lib/ui/error-alert";
import { formatDuration, formatInt, formatPrice, formatSignedUsd, formatUsd, pnlClass } from "@/lib/ui/format";
import { TradePriceChart, formatLatencyNs } from "@/lib/ui/trade-price-chart";
import type { ChartFillDto } from "@/lib/runs/run-fills";

/** The price chart around one round trip (`?trade=<seq>`), with its entry/exit and every fill, and the list of its fills with their audit fields. */
export function TradeChartPanel({ access, seq, onClose }: { access: ResultAccess; seq: number; onClose: () => void }) {
  const tz = useDisplayZone();
  const [interval, setInterval] = useState<ChartInterval | undefined>(undefined);
  const chart = useQuery({
    queryKey: dashboardKeys.tradeChart(access, seq, interval),
    queryFn: () => dashboardApi.tradeChart(access, seq, interval),
    staleTime: Infinity,
    retry: false,
  });
  const data = chart.data;
  const t = data?.trade;
  return (
    <section className="rounded border border-line bg-surface-raised" aria-labelledby="trade-chart-heading" data-testid="trade-chart" data-seq={seq}>
      <div className="flex flex-wrap items-center gap-3 border-b border-line px-3 py-2">
        <h3 id="trade-chart-heading" className="text-xs font-semibold tracking-wider text-zinc-200 uppercase">
          Trade #{seq}
        </h3>
        {t && (
          <p className="num text-xs text-zinc-300" data-testid="trade-chart-summary">
            <span className={t.side > 0 ? "text-up" : "text-down"}>{t.side > 0 ? "Long" : "Short"}</span> {formatInt(t.qty)} · {formatPrice(t.entryPrice)} → {formatPrice(t.exitPrice)} ·{" "}
            {formatDuration(t.durationMs)} · fees {formatUsd(t.feesUsd)} · <span className={pnlClass(t.netUsd)}>net {formatSignedUsd(t.netUsd)}</span>
          </p>
        )}
        <label className="ml-auto flex items-center gap-1.5 text-xs text-zinc-400">
          Bars
          <select className="input h-7 w-auto py-0 text-xs" value={interval ?? ""} onChange={(e) => setInterval((e.target.value || undefined) as ChartInterval | undefined)}>
            <option value="">auto{data && !interval ? ` (${data.interval})` : ""}</option>
            {CHART_INTERVAL_NAMES.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="btn btn-ghost h-7 text-xs" onClick={onClose}>
          Close chart
        </button>
      </div>
      <div className="space-y-2 p-3">
        {chart.isPending && <p className="text-xs text-zinc-400">Loading prices…</p>}
        {chart.isError && <ErrorAlert error={chart.error} title="Could not load the trade chart" />}
        {data && !data.available && (
          <p role="status" className="rounded border border-amber-800 bg-amber-950 px-2 py-1.5 text-xs text-amber-200" data-testid="trade-chart-message">
            {data.message}
          </p>
        )}
        {data && data.datasetVersionChanged && <p className="text-xs text-amber-300">The dataset changed since this run (another version): prices may differ from what the run saw.</p>}
        {data && data.available && (
          <TradePriceChart
            bars={data.bars}
            markers={data.markers}
            fills={data.fills}
            intervalMs={CHART_INTERVALS[data.interval] * 1000}
            fromMs={data.fromMs}
            toMs={data.toMs}
            label={`Price of the dataset from ${tz.ms(data.fromMs)} to ${tz.ms(data.toMs)} in ${data.interval} bars, with the entry at ${formatPrice(data.trade.entryPrice)} (${tz.ns(data.trade.entryNs)}) and the exit at ${formatPrice(data.trade.exitPrice)} (${tz.ns(data.trade.exitNs)}).`}
          />
        )}
        {data && (
          <dl className="grid grid-cols-2 gap-x-4 gap-y-1 text-xs sm:grid-cols-4" data-testid="trade-fills">
            {data.markers.map((m) => (
              <div key={m.kind} className="min-w-0">
                <dt className="text-zinc-400">
                  {m.kind === "entry" ? "Entry" : "Exit"} ({m.side > 0 ? "buy" : "sell"} {formatInt(m.qty)})
                </dt>
                <dd className="num text-zinc-200">
                  {formatPrice(m.price)} at {tz.ns(m.tsNs)}
                </dd>
              </div>
            ))}
            <div className="col-span-2 text-zinc-400">
              {data.fillsSource === "fills"
                ? `Entry and exit at average prices; small hollow triangles: every fill (this trade's${data.fills.length > data.fills.filter((f) => f.tradeQty > 0).length ? ", faint: other trades' in the window" : ""}${data.fillsTruncated ? "; more fills in the window are not shown" : ""}).`
                : "Fills: the round trip's first entry and its exit at average prices (this run stored no individual fills)."}{" "}
              {formatInt(data.ticks)} ticks in the window.
            </div>
          </dl>
        )}
        {data && data.fillsSource === "fills" && <TradeFillList fills={data.fills.filter((f) => f.tradeQty > 0)} />}
      </div>
    </section>
  );
}

/** The round trip's fills in fill order, each with why it happened (the engine's audit fields). */
function TradeFillList({ fills }: { fills: readonly ChartFillDto[] }) {
  const tz = useDisplayZone();
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-xs" data-testid="trade-fill-list" aria-label="Fills of this trade">
        <thead className="text-zinc-400">
          <tr className="border-b border-line text-left">
            <th scope="col" className="py-1 pr-3 font-medium">Fill</th>
            <th scope="col" className="py-1 pr-3 font-medium">Time ({tz.label})</th>
            <th scope="col" className="py-1 pr-3 font-medium">Side</th>
            <th scope="col" className="py-1 pr-3 text-right font-medium">Qty</th>
            <th scope="col" className="py-1 pr-3 text-right font-medium">Price</th>
            <th scope="col" className="py-1 pr-3 font-medium">Why</th>
            <th scope="col" className="py-1 pr-3 text-right font-medium">Latency</th>
            <th scope="col" className="py-1 pr-3 text-right font-medium">Queue pos.</th>
            <th scope="col" className="py-1 pr-3 text-right font-medium">Slippage</th>
            <th scope="col" className="py-1 text-right font-medium">Fee</th>
          </tr>
        </thead>
        <tbody className="num text-zinc-200">
          {fills.map((f) => (
            <tr key={f.seq} className="border-b border-line/50" data-testid="trade-fill-row" data-seq={f.seq}>
              <td className="py-1 pr-3">
                #{f.seq} <span className="text-zinc-400">order {f.orderId}</span>
              </td>
              <td className="py-1 pr-3 whitespace-nowrap">{tz.ns(f.tsNs, { zone: false })}</td>
              <td className={`py-1 pr-3 ${f.side > 0 ? "text-up" : "text-down"}`}>{f.side > 0 ? "Buy" : "Sell"}</td>
              <td className="py-1 pr-3 text-right">{f.tradeQty < f.qty ? `${formatInt(f.tradeQty)} of ${formatInt(f.qty)}` : formatInt(f.qty)}</td>
              <td className="py-1 pr-3 text-right">{formatPrice(f.price)}</td>
              <td className="py-1 pr-3" data-testid="trade-fill-reason">
                {f.model}
                {f.rule ? ` · ${f.rule}` : ""}
                {f.detail.partial ? ` · partial (${formatInt(f.detail.partial.remainingQty)} left)` : ""}
              </td>
              <td className="py-1 pr-3 text-right whitespace-nowrap">
                {formatLatencyNs(f.latencyNs)}
                {f.responseLatencyNs !== null ? ` / ${formatLatencyNs(f.responseLatencyNs)}` : ""}
              </td>
              <td className="py-1 pr-3 text-right">{f.queuePosition === null ? "–" : formatInt(f.queuePosition)}</td>
              <td className="py-1 pr-3 text-right">{f.slippageTicks} t</td>
              <td className="py-1 text-right">{formatUsd(f.feeUsd)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
