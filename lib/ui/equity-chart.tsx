"use client";
import { useId } from "react";
import { Area, AreaChart, CartesianGrid, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { useDisplayZone } from "./display-zone";
import { formatUsd } from "./format";
import type { EquityPoint } from "./series";

const UP = "var(--color-up)";
const DOWN = "var(--color-down)";

const compactUsd = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });

/**
 * Equity over time (in the page's display zone, exchange time by default). Green when the curve ends at or above where it started, red
 * otherwise, with the starting level as a dashed baseline. Callers pass at most a few thousand
 * points (see downsampleEvenly).
 */
export function EquityChart({ points, height = 260, label, testId }: { points: EquityPoint[]; height?: number; label: string; testId?: string }) {
  const gradientId = useId().replace(/:/g, "");
  const tz = useDisplayZone();
  if (points.length < 2) {
    return (
      <div className="grid place-items-center text-xs text-zinc-400" style={{ height }} data-testid={testId}>
        Waiting for equity data…
      </div>
    );
  }
  const start = points[0].equityUsd;
  const end = points[points.length - 1].equityUsd;
  const colour = end >= start ? UP : DOWN;
  return (
    <figure className="m-0" data-testid={testId} data-points={points.length}>
      <figcaption className="sr-only">
        {label}: from {formatUsd(start)} to {formatUsd(end)} between {tz.ms(points[0].tsMs)} and {tz.ms(points[points.length - 1].tsMs)}.
      </figcaption>
      <div style={{ height }} aria-hidden>
        <ResponsiveContainer width="100%" height="100%">
          <AreaChart accessibilityLayer={false} data={points} margin={{ top: 8, right: 12, bottom: 0, left: 4 }}>
            <defs>
              <linearGradient id={gradientId} x1="0" y1="0" x2="0" y2="1">
                <stop offset="0%" stopColor={colour} stopOpacity={0.25} />
                <stop offset="100%" stopColor={colour} stopOpacity={0} />
              </linearGradient>
            </defs>
            <CartesianGrid stroke="var(--color-line)" strokeDasharray="2 4" vertical={false} />
            <XAxis
              dataKey="tsMs"
              type="number"
              scale="time"
              domain={["dataMin", "dataMax"]}
              tickFormatter={(v: number) => tz.ms(v, { short: true })}
              tick={{ fill: "var(--color-zinc-400)", fontSize: 11 }}
              stroke="var(--color-line)"
              minTickGap={48}
            />
            <YAxis
              dataKey="equityUsd"
              domain={["auto", "auto"]}
              tickFormatter={(v: number) => `$${compactUsd.format(v)}`}
              tick={{ fill: "var(--color-zinc-400)", fontSize: 11 }}
              stroke="var(--color-line)"
              width={64}
            />
            <ReferenceLine y={start} stroke="var(--color-zinc-600)" strokeDasharray="4 4" />
            <Tooltip
              contentStyle={{ background: "var(--color-zinc-900)", border: "1px solid var(--color-zinc-700)", borderRadius: 4, fontSize: 12 }}
              labelStyle={{ color: "var(--color-zinc-400)" }}
              itemStyle={{ color: "var(--color-zinc-100)", fontVariantNumeric: "tabular-nums" }}
              labelFormatter={(value) => tz.ms(Number(value))}
              formatter={(value) => [formatUsd(Number(value)), "Equity"]}
            />
            <Area type="linear" dataKey="equityUsd" stroke={colour} strokeWidth={1.5} fill={`url(#${gradientId})`} isAnimationActive={false} dot={false} />
          </AreaChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
