"use client";
import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { HistogramBin } from "../runs/pnl-histogram";
import { formatCompactUsd, formatInt, formatSignedUsd } from "./format";

/** Distribution of round-trip net P&L: bins of equal width, losers red, break-even-or-better green. */
export function PnlHistogramChart({ bins, winners, losers, breakEven, height = 200 }: { bins: readonly HistogramBin[]; winners: number; losers: number; breakEven: number; height?: number }) {
  const data = bins.map((b) => ({ lo: b.loCents / 100, hi: b.hiCents / 100, count: b.count, label: `${formatSignedUsd(b.loCents / 100)} to ${formatSignedUsd(b.hiCents / 100)}` }));
  const largest = data.reduce((best, d) => (d.count > best.count ? d : best), data[0] ?? { count: 0, label: "—" });
  return (
    <figure className="m-0 min-w-0" aria-labelledby="pnl-histogram-title" aria-describedby="pnl-histogram-desc" data-testid="pnl-histogram" data-bins={data.length}>
      <figcaption id="pnl-histogram-title" className="mb-1 text-[11px] font-semibold tracking-wider text-zinc-300 uppercase">
        Trade P&amp;L distribution <span className="font-normal text-zinc-400 normal-case">net of fees, per round trip</span>
      </figcaption>
      <p id="pnl-histogram-desc" className="sr-only">
        {formatInt(winners)} winners, {formatInt(losers)} losers, {formatInt(breakEven)} break-even, in {data.length} bins; the most frequent range is {largest.label} ({formatInt(largest.count)} trips).
      </p>
      <div style={{ height }} aria-hidden>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart accessibilityLayer={false} data={data} margin={{ top: 4, right: 8, bottom: 0, left: 4 }} barCategoryGap={1}>
            <CartesianGrid stroke="var(--color-line)" strokeDasharray="2 4" vertical={false} />
            <XAxis dataKey="lo" tickFormatter={(v: number) => formatCompactUsd(v)} tick={{ fill: "var(--color-zinc-400)", fontSize: 11 }} stroke="var(--color-line)" minTickGap={24} />
            <YAxis allowDecimals={false} tick={{ fill: "var(--color-zinc-400)", fontSize: 11 }} stroke="var(--color-line)" width={40} />
            <Tooltip
              cursor={{ fill: "var(--color-zinc-800)", opacity: 0.4 }}
              contentStyle={{ background: "var(--color-zinc-900)", border: "1px solid var(--color-zinc-700)", borderRadius: 4, fontSize: 12 }}
              labelStyle={{ color: "var(--color-zinc-400)" }}
              itemStyle={{ color: "var(--color-zinc-100)" }}
              labelFormatter={(_v, payload) => (payload?.[0]?.payload as { label?: string } | undefined)?.label ?? ""}
              formatter={(value) => [formatInt(Number(value)), "Round trips"]}
            />
            <Bar dataKey="count" isAnimationActive={false}>
              {data.map((d) => (
                <Cell key={d.lo} fill={d.lo >= 0 ? "var(--color-up)" : "var(--color-down)"} />
              ))}
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
