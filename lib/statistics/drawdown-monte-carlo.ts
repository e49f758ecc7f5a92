/**
 * Monte-Carlo distribution of the maximum drawdown from trade resampling: each path draws N round
 * trips WITH replacement from the N observed net P&Ls (so the final P&L varies too, unlike a pure
 * reshuffle), builds closed-trade equity from the starting cash, and records its max drawdown in
 * cents and as a fraction of the running peak (peak initialised to the starting cash, as in
 * drawdown.ts). Reported: type-7 percentiles 5 / 50 / 95 over the paths, next to the drawdown of
 * the observed sequence (exit-time order) on the same closed-trade basis - lower than the
 * mark-to-market drawdown, which also sees open-trade swings.
 * Deterministic: the draws come from SeededRandom(seed).
 */
import { SeededRandom } from "../market/random";
import { quantileSorted } from "./descriptive";

export interface Percentiles {
  p5: number;
  p50: number;
  p95: number;
}

export interface DrawdownMonteCarlo {
  paths: number;
  tradesPerPath: number;
  seed: number;
  maxDrawdownCents: Percentiles | null;
  /** Null when no path has a positive peak. */
  maxDrawdownPct: Percentiles | null;
  observedMaxDrawdownCents: number;
  observedMaxDrawdownPct: number | null;
}

export function drawdownMonteCarlo(netCentsInExitOrder: readonly number[], startingCashCents: number, options: { paths: number; seed: number }): DrawdownMonteCarlo {
  const n = netCentsInExitOrder.length;
  const observed = closedTradeDrawdown(netCentsInExitOrder, startingCashCents);
  const cents: number[] = [];
  const pcts: number[] = [];
  if (n > 0) {
    const rng = new SeededRandom(options.seed);
    const path = new Array<number>(n);
    for (let p = 0; p < options.paths; p++) {
      for (let i = 0; i < n; i++) path[i] = netCentsInExitOrder[rng.int(n)];
      const dd = closedTradeDrawdown(path, startingCashCents);
      cents.push(dd.cents);
      if (dd.pct !== null) pcts.push(dd.pct);
    }
  }
  return {
    paths: n > 0 ? options.paths : 0,
    tradesPerPath: n,
    seed: options.seed,
    maxDrawdownCents: percentiles(cents),
    maxDrawdownPct: percentiles(pcts),
    observedMaxDrawdownCents: observed.cents,
    observedMaxDrawdownPct: observed.pct,
  };
}

/** Max drawdown of closed-trade equity: cents, and the largest (peak - equity) / peak over peak > 0. */
export function closedTradeDrawdown(netCents: readonly number[], startingCashCents: number): { cents: number; pct: number | null } {
  let equity = startingCashCents;
  let peak = startingCashCents;
  let maxCents = 0;
  let maxPct: number | null = peak > 0 ? 0 : null;
  for (const x of netCents) {
    equity += x;
    if (equity > peak) peak = equity;
    const dd = peak - equity;
    if (dd > maxCents) maxCents = dd;
    if (peak > 0) maxPct = Math.max(maxPct ?? 0, dd / peak);
  }
  return { cents: maxCents, pct: maxPct };
}

function percentiles(xs: number[]): Percentiles | null {
  if (xs.length === 0) return null;
  xs.sort((a, b) => a - b);
  return { p5: quantileSorted(xs, 0.05), p50: quantileSorted(xs, 0.5), p95: quantileSorted(xs, 0.95) };
}
