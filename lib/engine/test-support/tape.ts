/**
 * Test support: hand-written trade tapes as TradeColumns. Times are absolute ns; the batch origin
 * defaults to the first trade's time.
 */
import type { TradeColumns } from "../../market/trade-columns";

export interface TapeTrade {
  readonly tsNs: bigint;
  readonly priceTicks: number;
  readonly size?: number;
  readonly side?: -1 | 0 | 1;
}

export function tape(trades: readonly TapeTrade[], baseNs: bigint = trades[0]?.tsNs ?? 0n): TradeColumns {
  const n = trades.length;
  const columns: TradeColumns = {
    length: n,
    baseNs,
    tsOffsetNs: new Float64Array(n),
    eventDeltaNs: new Float64Array(n),
    priceTicks: new Int32Array(n),
    size: new Int32Array(n),
    side: new Int8Array(n),
  };
  trades.forEach((trade, i) => {
    columns.tsOffsetNs[i] = Number(trade.tsNs - baseNs);
    columns.priceTicks[i] = trade.priceTicks;
    columns.size[i] = trade.size ?? 1;
    columns.side[i] = trade.side ?? 1;
  });
  return columns;
}

/** 2024-01-02T00:00:00Z, a minute boundary, in ns. */
export const T0_NS = 1_704_153_600_000_000_000n;

/** T0 + seconds (may be fractional down to 1 ns), in ns. */
export function at(seconds: number): bigint {
  return T0_NS + BigInt(Math.round(seconds * 1e9));
}
