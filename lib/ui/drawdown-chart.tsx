"use client";
import { Area, AreaChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { useDisplayZone } from "./display-zone";
import { formatCompactUsd, formatUsd } from "./format";

export interface UnderwaterSeries {
  tsMs: readonly number[];
  drawdownUsd: readonly number[];
}

/**
 * The underwater curve: equity below its running peak (<= 0), as stored by the statistics
 * (already LTTB-downsampled to at most ~1,000 points, whatever the number of trades).
 */
export function DrawdownChart({ series, height = 160, testId = "underwater-chart" }: { series: UnderwaterSeries; height?: number; testId?: string }) {
  const tz = useDisplayZone();
  const data = series.tsMs.map((tsMs, i) => ({ tsMs, drawdownUsd: series.drawdownUsd[i] }));
  const worst = data.reduce((m, p) => Math.min(m, p.drawdownUsd), 0);
  return (
    <figure className="m-0" data-testid={testId} data-points={data.length}>
      <figcaption className="mb-1 text-[11px] font-semibold tracking-wider text-zinc-300 uppercase">
        Drawdown (underwater) <span className="font-normal text-zinc-400 normal-case">below the running equity peak, {tz.suffix}</span>
        <span className="sr-only">
          {data.length < 2 ? "No drawdown data." : `Deepest drawdown ${formatUsd(worst)} between ${tz.ms(data[0].tsMs)} and ${tz.ms(data[data.length - 1].tsMs)}.`}
        </span>
      </figcaption>
      <div style={{ height }} aria-hidden>
        <ResponsiveContainer width="100%" height="100%">
          <AreaChart accessibilityLayer={false} data={data} margin={{ top: 4, right: 12, bottom: 0, left: 4 }}>
            <CartesianGrid stroke="var(--color-line)" strokeDasharray="2 4" vertical={false} />
            <XAxis dataKey="tsMs" type="number" scale="time" domain={["dataMin", "dataMax"]} tickFormatter={(v: number) => tz.ms(v, { short: true })} tick={{ fill: "var(--color-zinc-400)", fontSize: 11 }} stroke="var(--color-line)" minTickGap={48} />
            <YAxis dataKey="drawdownUsd" tickFormatter={(v: number) => formatCompactUsd(v)} tick={{ fill: "var(--color-zinc-400)", fontSize: 11 }} stroke="var(--color-line)" width={64} />
            <Tooltip
              contentStyle={{ background: "var(--color-zinc-900)", border: "1px solid var(--color-zinc-700)", borderRadius: 4, fontSize: 12 }}
              labelStyle={{ color: "var(--color-zinc-400)" }}
              itemStyle={{ color: "var(--color-zinc-100)" }}
              labelFormatter={(value) => tz.ms(Number(value))}
              formatter={(value) => [formatUsd(Number(value)), "Drawdown"]}
            />
            <Area type="stepAfter" dataKey="drawdownUsd" stroke="var(--color-down)" fill="var(--color-down)" fillOpacity={0.2} isAnimationActive={false} dot={false} />
          </AreaChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
