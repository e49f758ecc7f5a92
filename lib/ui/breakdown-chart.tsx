"use client";
import { Bar, BarChart, CartesianGrid, Cell, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { BucketStats } from "../statistics";
import { niceStep, priceTicks } from "./chart-ticks";
import { formatCompactUsd, formatInt, formatSignedUsd } from "./format";

/**
 * Net P&L per bucket (hour, weekday, RTH/ETH) as bars, green above zero and red below. The same
 * figures are in a visually hidden table for screen readers.
 */
export function BreakdownChart({ title, description, buckets, testId, labelOf = (k) => k, height = 180 }: { title: string; description: string; buckets: readonly BucketStats[]; testId: string; labelOf?: (key: string) => string; height?: number }) {
  const data = buckets.map((b) => ({ key: labelOf(b.key), net: b.net.usd, trips: b.roundTrips, winRate: b.winRate }));
  const id = `${testId}-title`;
  // A zero-based axis on round values: bars always grow from $0.
  const nets = data.map((d) => d.net);
  const step = niceStep((Math.max(0, ...nets) - Math.min(0, ...nets)) / 4 || 1);
  const domain: [number, number] = [Math.floor(Math.min(0, ...nets) / step) * step, Math.ceil(Math.max(0, ...nets) / step) * step];
  const ticks = priceTicks(domain[0], domain[1], Math.round((domain[1] - domain[0]) / step));
  return (
    <figure className="m-0 min-w-0" aria-labelledby={id} data-testid={testId}>
      <figcaption id={id} className="mb-1 text-[11px] font-semibold tracking-wider text-zinc-300 uppercase">
        {title} <span className="font-normal text-zinc-400 normal-case">{description}</span>
      </figcaption>
      <div style={{ height }} aria-hidden>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart accessibilityLayer={false} data={data} margin={{ top: 4, right: 8, bottom: 0, left: 4 }}>
            <CartesianGrid stroke="var(--color-line)" strokeDasharray="2 4" vertical={false} />
            <XAxis dataKey="key" tick={{ fill: "var(--color-zinc-400)", fontSize: 11 }} stroke="var(--color-line)" interval="preserveStartEnd" />
            <YAxis domain={domain} ticks={ticks} tickFormatter={(v: number) => formatCompactUsd(v)} tick={{ fill: "var(--color-zinc-400)", fontSize: 11 }} stroke="var(--color-line)" width={56} />
            <Tooltip
              cursor={{ fill: "var(--color-zinc-800)", opacity: 0.4 }}
              contentStyle={{ background: "var(--color-zinc-900)", border: "1px solid var(--color-zinc-700)", borderRadius: 4, fontSize: 12 }}
              labelStyle={{ color: "var(--color-zinc-400)" }}
              itemStyle={{ color: "var(--color-zinc-100)" }}
              formatter={(value, _name, item) => [`${formatSignedUsd(Number(value))} · ${formatInt((item.payload as { trips: number }).trips)} trips`, "Net P&L"]}
            />
            <ReferenceLine y={0} stroke="var(--color-zinc-600)" />
            <Bar dataKey="net" isAnimationActive={false}>
              {data.map((d) => (
                <Cell key={d.key} fill={d.net >= 0 ? "var(--color-up)" : "var(--color-down)"} />
              ))}
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </div>
      <table className="sr-only">
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">Bucket</th>
            <th scope="col">Net P&amp;L</th>
            <th scope="col">Round trips</th>
          </tr>
        </thead>
        <tbody>
          {data.map((d) => (
            <tr key={d.key}>
              <th scope="row">{d.key}</th>
              <td>{formatSignedUsd(d.net)}</td>
              <td>{formatInt(d.trips)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
