"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useMemo, useState } from "react";
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { CompareRunDto, ComparisonDto, MetricFormat, MetricsRow } from "@/lib/runs/compare-math";
import { apiFetch } from "@/lib/ui/api";
import { ErrorAlert } from "@/lib/ui/error-alert";
import { MISSING, formatCtMs, formatCtShortMs, formatInt, formatSignedUsd, formatUsd } from "@/lib/ui/format";
import { Panel } from "@/lib/ui/panel";

/** One colour per run, in selection order (distinct on the dark surface; 10 runs at most). */
const RUN_COLOURS = ["#60a5fa", "#f59e0b", "#34d399", "#f472b6", "#a78bfa", "#f87171", "#22d3ee", "#a3e635", "#fb923c", "#e5e7eb"];
const colourOf = (i: number) => RUN_COLOURS[i % RUN_COLOURS.length];

type Scale = "absolute" | "normalised";

const compactUsd = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });
const axisTick = { fill: "var(--color-zinc-500)", fontSize: 11 };
const tooltipProps = {
  contentStyle: { background: "var(--color-zinc-900)", border: "1px solid var(--color-zinc-700)", borderRadius: 4, fontSize: 12 },
  labelStyle: { color: "var(--color-zinc-400)" },
  itemStyle: { fontVariantNumeric: "tabular-nums" },
};

export function CompareView({ ids }: { ids: string[] }) {
  const query = useQuery({
    queryKey: ["compare", ids],
    queryFn: () => apiFetch<ComparisonDto>(`/api/compare?ids=${ids.map(encodeURIComponent).join(",")}`),
    enabled: ids.length >= 2,
    retry: false,
  });
  const [scale, setScale] = useState<Scale>("absolute");

  if (ids.length < 2) {
    return (
      <p className="panel px-3 py-6 text-sm text-zinc-400" data-testid="compare-empty">
        Select two to ten succeeded runs in the <Link href="/" className="link">run list</Link> and press Compare.
      </p>
    );
  }
  if (query.isPending) return <p className="px-3 py-6 text-sm text-zinc-500">Loading comparison…</p>;
  if (query.isError) return <ErrorAlert error={query.error} title="Could not compare these runs" testId="compare-error" />;
  const { runs, metricsTable, configDifferences, correlation } = query.data;

  return (
    <div className="space-y-4" data-testid="compare-view">
      <ul className="flex flex-wrap gap-x-4 gap-y-1 text-sm" aria-label="Compared runs">
        {runs.map((run, i) => (
          <li key={run.id} className="flex items-center gap-1.5">
            <span aria-hidden className="inline-block h-2.5 w-2.5 rounded-sm" style={{ background: colourOf(i) }} />
            <Link href={`/runs/${run.id}`} className="text-zinc-100 hover:text-accent hover:underline">
              {run.name}
            </Link>
          </li>
        ))}
      </ul>

      <Panel
        id="compare-equity-heading"
        title="Equity"
        testId="compare-equity"
        actions={
          <div role="group" aria-label="Equity scale" className="flex gap-1">
            {(["absolute", "normalised"] as const).map((s) => (
              <button key={s} type="button" className={`btn h-6 px-2 text-xs ${scale === s ? "btn-primary" : "btn-ghost"}`} aria-pressed={scale === s} onClick={() => setScale(s)}>
                {s === "absolute" ? "USD" : "Normalised"}
              </button>
            ))}
          </div>
        }
      >
        <OverlayChart
          runs={runs}
          series={(r) => ({ tsMs: r.equity.tsMs, values: scale === "absolute" ? r.equity.equityUsd : r.equity.normalised })}
          format={scale === "absolute" ? (v) => formatUsd(v) : (v) => v.toFixed(4)}
          axisFormat={scale === "absolute" ? (v) => `$${compactUsd.format(v)}` : (v) => v.toFixed(3)}
          baseline={scale === "normalised" ? 1 : undefined}
          label={scale === "absolute" ? "Equity in USD" : "Equity divided by starting cash"}
        />
      </Panel>

      <Panel id="compare-drawdown-heading" title={scale === "absolute" ? "Drawdown (USD)" : "Drawdown (% of peak)"} testId="compare-drawdown">
        <OverlayChart
          runs={runs}
          series={(r) => (scale === "absolute" ? { tsMs: r.underwater.tsMs, values: r.underwater.drawdownUsd } : { tsMs: r.underwater.tsMs, values: r.underwater.drawdownPct })}
          format={scale === "absolute" ? (v) => formatUsd(v) : (v) => pct(v, 2)}
          axisFormat={scale === "absolute" ? (v) => `$${compactUsd.format(v)}` : (v) => pct(v, 1)}
          baseline={0}
          height={200}
          label={scale === "absolute" ? "Drawdown below the running peak, USD" : "Drawdown below the running peak, percent"}
        />
      </Panel>

      <div className="grid items-start gap-4 xl:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <Panel id="compare-metrics-heading" title="Metrics" testId="compare-metrics" actions={<span className="text-[11px] text-zinc-500">Best per row highlighted</span>}>
          <MetricsTable runs={runs} rows={metricsTable} />
        </Panel>
        <Panel id="compare-config-heading" title="Configuration differences" testId="compare-config">
          {configDifferences.length === 0 ? (
            <p className="px-3 py-4 text-sm text-zinc-500">The runs share the same configuration.</p>
          ) : (
            <div className="overflow-x-auto">
              <table className="data-table" aria-labelledby="compare-config-heading">
                <thead>
                  <tr>
                    <th scope="col">Setting</th>
                    {runs.map((run, i) => (
                      <RunHeader key={run.id} run={run} index={i} />
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {configDifferences.map((d) => (
                    <tr key={d.key} data-testid="config-difference" data-key={d.key}>
                      <th scope="row" className="font-normal text-zinc-400">
                        {d.label}
                      </th>
                      {d.values.map((v, i) => (
                        <td key={i} className="font-mono text-xs text-zinc-200">
                          {v === null ? <span className="text-zinc-500">default</span> : String(v)}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Panel>
      </div>

      <Panel id="compare-correlation-heading" title="Correlation of daily returns" testId="compare-correlation" actions={<span className="text-[11px] text-zinc-500">Pearson, over the sessions both runs cover</span>}>
        <div className="overflow-x-auto">
          <table className="data-table" aria-labelledby="compare-correlation-heading">
            <thead>
              <tr>
                <th scope="col">
                  <span className="sr-only">Run</span>
                </th>
                {runs.map((run, i) => (
                  <RunHeader key={run.id} run={run} index={i} />
                ))}
              </tr>
            </thead>
            <tbody>
              {runs.map((run, i) => (
                <tr key={run.id}>
                  <th scope="row" className="font-normal">
                    <RunName run={run} index={i} />
                  </th>
                  {correlation.values[i].map((r, j) => (
                    <td
                      key={j}
                      className="cell-num"
                      style={{ background: r === null ? undefined : correlationBackground(r) }}
                      title={`${correlation.commonDates[i][j]} common session(s)`}
                      data-testid="correlation-cell"
                    >
                      {r === null ? MISSING : r.toFixed(2)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          <p className="px-3 py-2 text-[11px] text-zinc-500">— : fewer than 3 common sessions, or no variation in returns.</p>
        </div>
      </Panel>
    </div>
  );
}

function RunName({ run, index }: { run: CompareRunDto; index: number }) {
  return (
    <span className="inline-flex max-w-[14rem] items-center gap-1.5 truncate">
      <span aria-hidden className="inline-block h-2 w-2 shrink-0 rounded-sm" style={{ background: colourOf(index) }} />
      <span className="truncate">{run.name}</span>
    </span>
  );
}

function RunHeader({ run, index }: { run: CompareRunDto; index: number }) {
  return (
    <th scope="col" className="cell-num">
      <RunName run={run} index={index} />
    </th>
  );
}

function MetricsTable({ runs, rows }: { runs: CompareRunDto[]; rows: MetricsRow[] }) {
  return (
    <div className="overflow-x-auto">
      <table className="data-table" aria-labelledby="compare-metrics-heading">
        <thead>
          <tr>
            <th scope="col">Metric</th>
            {runs.map((run, i) => (
              <RunHeader key={run.id} run={run} index={i} />
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key} data-testid="metric-row" data-key={row.key}>
              <th scope="row" className="font-normal text-zinc-400">
                {row.label}
                {row.higherIsBetter !== null && <span className="ml-1 text-[10px] text-zinc-600">{row.higherIsBetter ? "↑" : "↓"}</span>}
              </th>
              {row.values.map((v, i) => {
                const best = row.best === i;
                return (
                  <td key={i} className={`cell-num ${best ? "bg-accent-soft font-semibold text-zinc-50" : "text-zinc-300"}`} data-best={best || undefined}>
                    {row.infinite[i] ? "∞" : formatMetric(v, row.format, row.key)}
                    {best && <span className="sr-only"> (best)</span>}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * Runs overlaid on one time axis. Each run keeps its own timestamps: the points are merged into
 * one array with a column per run, and each line connects its own points across the gaps.
 */
function OverlayChart({
  runs,
  series,
  format,
  axisFormat,
  baseline,
  label,
  height = 280,
}: {
  runs: CompareRunDto[];
  series: (run: CompareRunDto) => { tsMs: number[]; values: (number | null)[] };
  format: (value: number) => string;
  axisFormat: (value: number) => string;
  baseline?: number;
  label: string;
  height?: number;
}) {
  const data = useMemo(() => {
    const byTs = new Map<number, Record<string, number>>();
    runs.forEach((run, i) => {
      const s = series(run);
      s.tsMs.forEach((ts, k) => {
        const v = s.values[k];
        if (v === null || !Number.isFinite(v)) return;
        const point = byTs.get(ts) ?? { tsMs: ts };
        point[`r${i}`] = v;
        byTs.set(ts, point);
      });
    });
    return [...byTs.values()].sort((a, b) => a.tsMs - b.tsMs);
  }, [runs, series]);

  if (data.length < 2) return <p className="px-3 py-6 text-xs text-zinc-500">Not enough data to chart.</p>;
  return (
    <figure className="m-0 p-3" data-points={data.length}>
      <figcaption className="sr-only">
        {label}, {runs.length} runs overlaid, between {formatCtMs(data[0].tsMs)} and {formatCtMs(data[data.length - 1].tsMs)}.
      </figcaption>
      <div style={{ height }} aria-hidden>
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: 4 }}>
            <CartesianGrid stroke="var(--color-line)" strokeDasharray="2 4" vertical={false} />
            <XAxis
              dataKey="tsMs"
              type="number"
              scale="time"
              domain={["dataMin", "dataMax"]}
              tickFormatter={(v: number) => formatCtShortMs(v)}
              tick={axisTick}
              stroke="var(--color-line)"
              minTickGap={48}
            />
            <YAxis domain={["auto", "auto"]} tickFormatter={(v: number) => axisFormat(v)} tick={axisTick} stroke="var(--color-line)" width={64} />
            {baseline !== undefined && <ReferenceLine y={baseline} stroke="var(--color-zinc-600)" strokeDasharray="4 4" />}
            <Tooltip {...tooltipProps} labelFormatter={(value) => formatCtMs(Number(value))} formatter={(value) => format(Number(value))} />
            <Legend wrapperStyle={{ fontSize: 11 }} />
            {runs.map((run, i) => (
              <Line
                key={run.id}
                type="linear"
                dataKey={`r${i}`}
                name={run.name}
                stroke={colourOf(i)}
                strokeWidth={1.5}
                dot={false}
                connectNulls
                isAnimationActive={false}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

function pct(fraction: number, digits: number): string {
  return `${(fraction * 100).toFixed(digits)}%`;
}

function formatMetric(value: number | null, format: MetricFormat, key: string): string {
  if (value === null) return MISSING;
  switch (format) {
    case "usd":
      return key === "netPnlUsd" || key === "grossPnlUsd" || key === "expectancyUsd" ? formatSignedUsd(value) : formatUsd(value);
    case "int":
      return formatInt(value);
    case "percent":
      return pct(value, 1);
    case "ratio":
      return value.toFixed(2);
  }
}

/** Blue for positive, red for negative correlation; stronger with |r|. */
function correlationBackground(r: number): string {
  const alpha = Math.min(1, Math.abs(r)) * 0.35;
  return r >= 0 ? `rgb(96 165 250 / ${alpha})` : `rgb(248 113 113 / ${alpha})`;
}
