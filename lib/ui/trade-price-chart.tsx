"use client";
/**
 * Price around one round trip: OHLC candles of the dataset's trades (server-side bars), the
 * entry and exit (average prices) as triangles (up = buy, down = sell) with dashed lines at their
 * prices, and every fill in the window as a small hollow triangle with its apex at its own price
 * (other trips' fills faint), with a tooltip of its audit fields. Plain SVG: a few hundred
 * candles need no chart library, and the markers sit exactly where the fills happened.
 */
import type { ChartBarDto } from "../runs/trade-chart";
import type { ChartMarkerDto } from "../runs/trade-chart-data";
import type { ChartFillDto } from "../runs/run-fills";
import { priceTicks, timeTicks } from "./chart-ticks";
import { useDisplayZone } from "./display-zone";
import { formatPrice } from "./format";
import { useElementWidth } from "./use-element-width";

const PAD = { top: 12, right: 64, bottom: 24, left: 8 };

/** ns -> "3 ms", "250 µs", "0" (latencies of the fills' audit). */
export function formatLatencyNs(ns: number | null): string {
  if (ns === null) return "–";
  if (ns === 0) return "0";
  if (ns >= 1_000_000) return `${Number((ns / 1_000_000).toFixed(3))} ms`;
  if (ns >= 1_000) return `${Number((ns / 1_000).toFixed(3))} µs`;
  return `${ns} ns`;
}

/** The tooltip of a fill: what, where, and why (model, rule, latency, queue position, slippage). */
export function fillTooltip(f: ChartFillDto, time: string): string {
  const parts = [
    `Fill #${f.seq} (order ${f.orderId}): ${f.side > 0 ? "buy" : "sell"} ${f.qty} @ ${formatPrice(f.price)}`,
    time,
    `model ${f.model}${f.rule ? `, rule ${f.rule}` : ""}`,
    `latency ${formatLatencyNs(f.latencyNs)}${f.responseLatencyNs !== null ? `, response ${formatLatencyNs(f.responseLatencyNs)}` : ""}`,
    `queue position ${f.queuePosition ?? "–"}, slippage ${f.slippageTicks} ticks`,
    f.tradeQty > 0 ? (f.tradeQty < f.qty ? `${f.tradeQty} of ${f.qty} in this trade (reversal)` : "in this trade") : `round trip #${f.tradeSeq}`,
  ];
  return parts.join("\n");
}

export function TradePriceChart({ bars, markers, fills = [], intervalMs, fromMs, toMs, height = 300, label }: { bars: readonly ChartBarDto[]; markers: readonly ChartMarkerDto[]; fills?: readonly ChartFillDto[]; intervalMs: number; fromMs: number; toMs: number; height?: number; label: string }) {
  const { ref, width } = useElementWidth<HTMLDivElement>();
  const tz = useDisplayZone();
  let lo = Infinity;
  let hi = -Infinity;
  for (const b of bars) {
    lo = Math.min(lo, b.low);
    hi = Math.max(hi, b.high);
  }
  for (const m of [...markers, ...fills]) {
    lo = Math.min(lo, m.price);
    hi = Math.max(hi, m.price);
  }
  if (!(hi > lo)) {
    hi = lo + 1;
    lo -= 1;
  }
  const span = hi - lo;
  lo -= span * 0.05;
  hi += span * 0.05;
  const plotW = width - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  const x = (ms: number) => PAD.left + ((ms - fromMs) / (toMs - fromMs)) * plotW;
  const y = (price: number) => PAD.top + ((hi - price) / (hi - lo)) * plotH;
  const candleW = Math.max(1, Math.min(12, (intervalMs / (toMs - fromMs)) * plotW * 0.7));
  const yTicks = priceTicks(lo, hi, 5);
  const xTicks = timeTicks(fromMs, toMs, Math.max(2, Math.floor(plotW / 110)));
  return (
    <div ref={ref} className="w-full">
      <svg width={width} height={height} role="img" aria-label={label} data-testid="trade-price-svg">
        {yTicks.map((p) => (
          <g key={p}>
            <line x1={PAD.left} x2={PAD.left + plotW} y1={y(p)} y2={y(p)} stroke="var(--color-line)" strokeDasharray="2 4" />
            <text x={PAD.left + plotW + 6} y={y(p) + 4} fontSize={11} fill="var(--color-zinc-400)">
              {formatPrice(p)}
            </text>
          </g>
        ))}
        {xTicks.map((t) => (
          <text key={t} x={x(t)} y={height - 6} fontSize={11} fill="var(--color-zinc-400)" textAnchor="middle">
            {tz.ms(t, { zone: false }).slice(11)}
          </text>
        ))}
        {bars.map((b) => {
          const cx = x(b.tMs + intervalMs / 2);
          const up = b.close >= b.open;
          const colour = up ? "var(--color-up)" : "var(--color-down)";
          const top = y(Math.max(b.open, b.close));
          const bottom = y(Math.min(b.open, b.close));
          return (
            <g key={b.tMs} data-testid="trade-bar">
              <line x1={cx} x2={cx} y1={y(b.high)} y2={y(b.low)} stroke={colour} strokeWidth={1} />
              <rect x={cx - candleW / 2} y={top} width={candleW} height={Math.max(1, bottom - top)} fill={colour} fillOpacity={up ? 0.35 : 0.85} stroke={colour} strokeWidth={1} />
            </g>
          );
        })}
        {markers.map((m) => {
          const mx = x(m.tsMs);
          const my = y(m.price);
          const buy = m.side > 0;
          const path = buy ? `M ${mx} ${my + 3} l -7 12 l 14 0 z` : `M ${mx} ${my - 3} l -7 -12 l 14 0 z`;
          return (
            <g key={m.kind} data-testid={`marker-${m.kind}`} data-price={m.price}>
              <line x1={PAD.left} x2={PAD.left + plotW} y1={my} y2={my} stroke="var(--color-accent)" strokeDasharray="4 3" strokeOpacity={0.7} />
              <path d={path} fill={buy ? "var(--color-up)" : "var(--color-down)"} stroke="var(--color-zinc-50)" strokeWidth={1} />
              <text x={mx + 9} y={buy ? my + 16 : my - 8} fontSize={11} fill="var(--color-zinc-100)" stroke="var(--color-surface-raised)" strokeWidth={3} paintOrder="stroke" fontWeight={600}>
                {m.kind === "entry" ? "Entry" : "Exit"} {buy ? "buy" : "sell"} {m.qty} @ {formatPrice(m.price)}
              </text>
            </g>
          );
        })}
        {fills.map((f) => {
          const fx = x(f.tsMs);
          const fy = y(f.price);
          const buy = f.side > 0;
          const own = f.tradeQty > 0;
          // Drawn over the entry/exit markers. Apex at the fill's price: buys point up from below, sells down from above.
          const path = buy ? `M ${fx} ${fy} l -4.5 8 l 9 0 z` : `M ${fx} ${fy} l -4.5 -8 l 9 0 z`;
          return (
            <g key={`fill-${f.seq}`} data-testid="fill-marker" data-seq={f.seq} data-side={buy ? "buy" : "sell"} data-own={own ? "true" : "false"} data-price={f.price} opacity={own ? 1 : 0.45}>
              <title>{fillTooltip(f, tz.ns(f.tsNs))}</title>
              <path d={path} fill="var(--color-surface-raised)" stroke={buy ? "var(--color-up)" : "var(--color-down)"} strokeWidth={1.5} strokeLinejoin="round" />
              <circle cx={fx} cy={fy} r={1.5} fill="var(--color-zinc-50)" />
            </g>
          );
        })}
      </svg>
    </div>
  );
}
