/**
 * Drawdowns of a mark-to-market equity series.
 *
 * Running peak P_i = max(startingCash, E_0 .. E_i) (the run starts at its starting cash, so a
 * series that opens below it starts underwater). Drawdown DD_i = P_i - E_i >= 0 (cents) and
 * DD%_i = DD_i / P_i (a fraction; undefined - null - while P_i <= 0).
 *
 * - max drawdown $ = max DD_i; max drawdown % = max DD%_i. They can come from different episodes.
 * - episode: from the last point at the peak to the first point with E >= that peak (equality
 *   recovers) or, unrecovered, to the series end. Its depth is its largest DD.
 * - average drawdown = mean of the episodes' depths ($ and %), not a mean over points: the engine's
 *   equity series is sampled irregularly, so a per-point mean would weight busy periods.
 * - longest drawdown = longest episode duration (peak -> recovery, or -> last point if open).
 * - time to recovery = trough -> recovery of the maximum-$ episode; null when not recovered.
 * - recovery factor = net profit / max drawdown $, net profit = last equity - starting cash; null
 *   (flagged infinite when net profit > 0) when there is no drawdown.
 * The underwater series (for charts) is -DD_i and -DD%_i: at or below zero.
 */
import type { EquitySeriesInput } from "./types";

export interface DrawdownEpisode {
  peakTsMs: number;
  troughTsMs: number;
  /** First point back at or above the peak; null when still underwater at the end. */
  recoveryTsMs: number | null;
  peakCents: number;
  depthCents: number;
  depthPct: number | null;
  /** Peak to recovery, or peak to the last point when not recovered. */
  durationMs: number;
}

export interface DrawdownStats {
  maxDrawdownCents: number;
  maxDrawdownUsd: number;
  maxDrawdownPct: number | null;
  /** The episode with the largest $ depth (the first one on ties). */
  maxDrawdownEpisode: DrawdownEpisode | null;
  episodes: number;
  averageDrawdownCents: number | null;
  averageDrawdownUsd: number | null;
  averageDrawdownPct: number | null;
  longestDrawdownMs: number;
  longestDrawdownRecovered: boolean;
  timeToRecoveryMs: number | null;
  netProfitCents: number;
  recoveryFactor: number | null;
  recoveryFactorInfinite: boolean;
}

export interface UnderwaterSeries {
  tsMs: number[];
  /** -(peak - equity), cents, <= 0. */
  drawdownCents: number[];
  /** -(peak - equity) / peak, <= 0; null while the peak is <= 0. */
  drawdownPct: (number | null)[];
}

export function drawdownEpisodes(equity: EquitySeriesInput, startingCashCents: number): DrawdownEpisode[] {
  const { tsMs, equityCents } = equity;
  const episodes: DrawdownEpisode[] = [];
  let peak = startingCashCents;
  let peakTs = tsMs.length > 0 ? tsMs[0] : 0;
  let open: DrawdownEpisode | null = null;
  for (let i = 0; i < equityCents.length; i++) {
    const e = equityCents[i];
    if (e >= peak) {
      if (open) {
        open.recoveryTsMs = tsMs[i];
        open.durationMs = tsMs[i] - open.peakTsMs;
        episodes.push(open);
        open = null;
      }
      peak = e;
      peakTs = tsMs[i];
      continue;
    }
    const depth = peak - e;
    if (!open) open = { peakTsMs: peakTs, troughTsMs: tsMs[i], recoveryTsMs: null, peakCents: peak, depthCents: 0, depthPct: null, durationMs: 0 };
    if (depth > open.depthCents) {
      open.depthCents = depth;
      open.depthPct = peak > 0 ? depth / peak : null;
      open.troughTsMs = tsMs[i];
    }
  }
  if (open) {
    open.durationMs = tsMs[tsMs.length - 1] - open.peakTsMs;
    episodes.push(open);
  }
  return episodes;
}

export function computeDrawdown(equity: EquitySeriesInput, startingCashCents: number): DrawdownStats {
  const episodes = drawdownEpisodes(equity, startingCashCents);
  let maxEpisode: DrawdownEpisode | null = null;
  let maxPct: number | null = null;
  let sumCents = 0;
  let sumPct = 0;
  let pctCount = 0;
  let longest: DrawdownEpisode | null = null;
  for (const ep of episodes) {
    if (!maxEpisode || ep.depthCents > maxEpisode.depthCents) maxEpisode = ep;
    if (!longest || ep.durationMs > longest.durationMs) longest = ep;
    sumCents += ep.depthCents;
    if (ep.depthPct !== null) {
      sumPct += ep.depthPct;
      pctCount++;
      if (maxPct === null || ep.depthPct > maxPct) maxPct = ep.depthPct;
    }
  }
  const n = equity.equityCents.length;
  const netProfitCents = n === 0 ? 0 : equity.equityCents[n - 1] - startingCashCents;
  const maxDrawdownCents = maxEpisode ? maxEpisode.depthCents : 0;
  const anyPositivePeak = startingCashCents > 0 || equity.equityCents.some((e) => e > 0);
  return {
    maxDrawdownCents,
    maxDrawdownUsd: maxDrawdownCents / 100,
    maxDrawdownPct: maxPct ?? (anyPositivePeak ? 0 : null),
    maxDrawdownEpisode: maxEpisode,
    episodes: episodes.length,
    averageDrawdownCents: episodes.length > 0 ? sumCents / episodes.length : null,
    averageDrawdownUsd: episodes.length > 0 ? sumCents / episodes.length / 100 : null,
    averageDrawdownPct: pctCount > 0 ? sumPct / pctCount : null,
    longestDrawdownMs: longest ? longest.durationMs : 0,
    longestDrawdownRecovered: longest ? longest.recoveryTsMs !== null : true,
    timeToRecoveryMs: maxEpisode && maxEpisode.recoveryTsMs !== null ? maxEpisode.recoveryTsMs - maxEpisode.troughTsMs : null,
    netProfitCents,
    recoveryFactor: maxDrawdownCents > 0 ? netProfitCents / maxDrawdownCents : null,
    recoveryFactorInfinite: maxDrawdownCents === 0 && netProfitCents > 0,
  };
}

export function underwaterSeries(equity: EquitySeriesInput, startingCashCents: number): UnderwaterSeries {
  const { tsMs, equityCents } = equity;
  const drawdownCents: number[] = new Array(equityCents.length);
  const drawdownPct: (number | null)[] = new Array(equityCents.length);
  let peak = startingCashCents;
  for (let i = 0; i < equityCents.length; i++) {
    peak = Math.max(peak, equityCents[i]);
    const dd = peak - equityCents[i];
    drawdownCents[i] = dd === 0 ? 0 : -dd;
    drawdownPct[i] = peak > 0 ? (dd === 0 ? 0 : -dd / peak) : null;
  }
  return { tsMs: [...tsMs], drawdownCents, drawdownPct };
}
