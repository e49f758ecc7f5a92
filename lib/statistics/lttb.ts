/**
 * Largest-Triangle-Three-Buckets downsampling for charts (S. Steinarsson, "Downsampling Time
 * Series for Visual Representation", MSc thesis, University of Iceland, 2013, section 4.2).
 *
 * The first and last points are always kept. The n - 2 inner points are split into threshold - 2
 * buckets of (n - 2) / (threshold - 2) points (fractional bounds floored); from each bucket the
 * point forming the largest triangle with the previously selected point and the AVERAGE point of
 * the next bucket is kept (the last bucket's "next" is the last point). Ties keep the earliest.
 * With threshold >= n, or threshold < 3, the input is returned whole. xs must be ascending and
 * every value finite.
 */

/** Indices of the kept points, ascending. */
export function lttbIndices(xs: readonly number[], ys: readonly number[], threshold: number): number[] {
  const n = xs.length;
  if (ys.length !== n) throw new RangeError(`lttb: xs and ys differ in length (${n} vs ${ys.length})`);
  if (threshold >= n || threshold < 3) return Array.from({ length: n }, (_, i) => i);
  const every = (n - 2) / (threshold - 2);
  const kept = [0];
  let a = 0;
  for (let bucket = 0; bucket < threshold - 2; bucket++) {
    const from = Math.floor(bucket * every) + 1;
    const last = bucket === threshold - 3;
    const to = last ? n - 1 : Math.floor((bucket + 1) * every) + 1;
    const nextFrom = to;
    const nextTo = last ? n : Math.min(Math.floor((bucket + 2) * every) + 1, n - 1);
    let avgX = 0;
    let avgY = 0;
    for (let j = nextFrom; j < nextTo; j++) {
      avgX += xs[j];
      avgY += ys[j];
    }
    const count = nextTo - nextFrom;
    avgX /= count;
    avgY /= count;
    let best = from;
    let bestArea = -1;
    for (let j = from; j < to; j++) {
      const area = Math.abs((xs[a] - avgX) * (ys[j] - ys[a]) - (xs[a] - xs[j]) * (avgY - ys[a])) / 2;
      if (area > bestArea) {
        bestArea = area;
        best = j;
      }
    }
    kept.push(best);
    a = best;
  }
  kept.push(n - 1);
  return kept;
}

export function lttb(xs: readonly number[], ys: readonly number[], threshold: number): { xs: number[]; ys: number[] } {
  const idx = lttbIndices(xs, ys, threshold);
  return { xs: idx.map((i) => xs[i]), ys: idx.map((i) => ys[i]) };
}
