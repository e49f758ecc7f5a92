/**
 * Histogram of round-trip net P&L in integer cents, for the distribution chart.
 *
 * Bins are [lo, lo + width), width a "nice" amount (1, 2 or 5 x 10^k cents, at least 1 cent) - the
 * smallest one that covers [min, max] in at most `maxBins` bins. Edges are multiples of the width,
 * so 0 is always an edge and no bin mixes losers with winners: a bin with lo >= 0 holds
 * break-even-or-better trips, one with lo < 0 only losers. Counting is exact (integers only).
 */

export interface HistogramBin {
  /** Inclusive lower edge, cents. */
  loCents: number;
  /** Exclusive upper edge, cents. */
  hiCents: number;
  count: number;
}

export interface PnlHistogram {
  widthCents: number;
  bins: HistogramBin[];
  count: number;
  minCents: number | null;
  maxCents: number | null;
}

export const DEFAULT_MAX_BINS = 40;

/** Smallest 1-2-5 x 10^k integer >= x (and >= 1). */
export function niceWidth(x: number): number {
  if (!(x > 1)) return 1;
  let magnitude = 1;
  while (magnitude * 10 < x) magnitude *= 10;
  for (const step of [1, 2, 5, 10]) if (step * magnitude >= x) return step * magnitude;
  return 10 * magnitude;
}

const floorDiv = (a: number, b: number) => Math.floor(a / b);

/** `maxBins` >= 2: a range crossing zero always needs two bins, since 0 is an edge. */
export function pnlHistogram(netCents: readonly number[], maxBins = DEFAULT_MAX_BINS): PnlHistogram {
  if (!Number.isInteger(maxBins) || maxBins < 2) throw new RangeError(`maxBins must be an integer >= 2, got ${maxBins}`);
  if (netCents.length === 0) return { widthCents: 1, bins: [], count: 0, minCents: null, maxCents: null };
  let min = netCents[0];
  let max = netCents[0];
  for (const v of netCents) {
    if (!Number.isSafeInteger(v)) throw new RangeError(`net P&L must be integer cents, got ${v}`);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  // Bins needed for width w: floor(max/w) - floor(min/w) + 1. Start from the ideal width and widen
  // along the 1-2-5 ladder until it fits (rounding the edges can cost one bin).
  let width = niceWidth((max - min) / maxBins);
  while (floorDiv(max, width) - floorDiv(min, width) + 1 > maxBins) width = niceWidth(width + 1);
  const first = floorDiv(min, width);
  const n = floorDiv(max, width) - first + 1;
  const bins: HistogramBin[] = Array.from({ length: n }, (_, i) => ({ loCents: (first + i) * width, hiCents: (first + i + 1) * width, count: 0 }));
  for (const v of netCents) bins[floorDiv(v, width) - first].count++;
  return { widthCents: width, bins, count: netCents.length, minCents: min, maxCents: max };
}
