/** Client-side shaping of chart series: the browser draws a few thousand points, not millions. */

export interface EquityPoint {
  tsMs: number;
  equityUsd: number;
}

/**
 * Picks `maxPoints` evenly spaced elements, always keeping the first and the last, so the chart
 * starts and ends on the true values. Returns the input when it is already small enough.
 */
export function downsampleEvenly<T>(points: readonly T[], maxPoints: number): T[] {
  const n = points.length;
  if (n <= maxPoints) return points.slice();
  if (maxPoints <= 0) return [];
  if (maxPoints === 1) return [points[n - 1]];
  const out: T[] = new Array(maxPoints);
  for (let i = 0; i < maxPoints; i++) out[i] = points[Math.round((i * (n - 1)) / (maxPoints - 1))];
  return out;
}

export interface EquityColumns {
  tsMs?: readonly number[];
  equityUsd?: readonly number[];
  /** The engine stores integer cents; accepted when no USD column is present. */
  equityCents?: readonly number[];
}

/** Zips the columnar equity curve of a result; the shorter column bounds the length. */
export function zipEquity(curve: EquityColumns | null | undefined): EquityPoint[] {
  const ts = curve?.tsMs ?? [];
  const usd = curve?.equityUsd;
  const cents = curve?.equityCents ?? [];
  const n = Math.min(ts.length, usd ? usd.length : cents.length);
  const out: EquityPoint[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = { tsMs: ts[i], equityUsd: usd ? usd[i] : cents[i] / 100 };
  return out;
}
