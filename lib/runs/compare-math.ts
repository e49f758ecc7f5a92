/**
 * Pure parts of a run comparison: the metrics table with the best value per row, the
 * configuration keys that differ across runs, and the correlation matrix of daily returns.
 * No database, no Next: the service (compare.ts) feeds it plain data, and the browser imports
 * its types.
 *
 * Conventions:
 * - best of a row = the index of the UNIQUE best finite-or-infinite value among the non-null
 *   ones; null when the row has no direction (higherIsBetter null), fewer than two runs have a
 *   value, or the best value is tied (no single winner to highlight).
 * - correlation of two runs = Pearson over the session dates where BOTH have a defined return;
 *   null with fewer than 3 such dates or when either side has zero variance on them.
 */

export type MetricFormat = "usd" | "int" | "percent" | "ratio";

export interface MetricDefinition {
  key: string;
  label: string;
  format: MetricFormat;
  /** true: larger wins; false: smaller wins; null: informative only, no best. */
  higherIsBetter: boolean | null;
}

/** Headline metrics and key statistics of the comparison, in table order. */
export const COMPARE_METRICS: readonly MetricDefinition[] = [
  { key: "netPnlUsd", label: "Net P&L", format: "usd", higherIsBetter: true },
  { key: "grossPnlUsd", label: "Gross P&L", format: "usd", higherIsBetter: true },
  { key: "feesUsd", label: "Fees", format: "usd", higherIsBetter: false },
  { key: "roundTrips", label: "Round trips", format: "int", higherIsBetter: null },
  { key: "winRate", label: "Win rate", format: "percent", higherIsBetter: true },
  { key: "profitFactor", label: "Profit factor", format: "ratio", higherIsBetter: true },
  { key: "expectancyUsd", label: "Expectancy / trade", format: "usd", higherIsBetter: true },
  { key: "maxDrawdownUsd", label: "Max drawdown", format: "usd", higherIsBetter: false },
  { key: "maxDrawdownPct", label: "Max drawdown %", format: "percent", higherIsBetter: false },
  { key: "sharpe", label: "Sharpe (ann.)", format: "ratio", higherIsBetter: true },
  { key: "sortino", label: "Sortino (ann.)", format: "ratio", higherIsBetter: true },
  { key: "calmar", label: "Calmar", format: "ratio", higherIsBetter: true },
  { key: "psr", label: "PSR", format: "percent", higherIsBetter: true },
];

/** A metric value; Infinity stands for an infinite ratio (no losses, no downside). */
export type MetricValues = Record<string, number | null>;

export interface MetricsRow {
  key: string;
  label: string;
  format: MetricFormat;
  /** One per run, in the runs' order; null = not available. Infinite ratios are null here with `infinite` set. */
  values: (number | null)[];
  infinite: boolean[];
  best: number | null;
  higherIsBetter: boolean | null;
}

/** Index of the unique best value (see the module comment), or null. */
export function bestIndex(values: readonly (number | null)[], higherIsBetter: boolean | null): number | null {
  if (higherIsBetter === null) return null;
  let best: number | null = null;
  let tied = false;
  let present = 0;
  values.forEach((v, i) => {
    if (v === null || Number.isNaN(v)) return;
    present++;
    if (best === null) {
      best = i;
      return;
    }
    const current = values[best] as number;
    if (v === current) tied = true;
    else if (higherIsBetter ? v > current : v < current) {
      best = i;
      tied = false;
    }
  });
  return present >= 2 && !tied ? best : null;
}

export function buildMetricsTable(perRun: readonly MetricValues[], definitions: readonly MetricDefinition[] = COMPARE_METRICS): MetricsRow[] {
  return definitions.map((d) => {
    const raw = perRun.map((m) => {
      const v = m[d.key];
      return v === undefined || v === null || Number.isNaN(v) ? null : v;
    });
    return {
      key: d.key,
      label: d.label,
      format: d.format,
      values: raw.map((v) => (v !== null && Number.isFinite(v) ? v : null)),
      infinite: raw.map((v) => v !== null && !Number.isFinite(v)),
      best: bestIndex(raw, d.higherIsBetter),
      higherIsBetter: d.higherIsBetter,
    };
  });
}

export type ConfigValue = string | number | boolean | null;

export interface ConfigDifference {
  key: string;
  label: string;
  /** One per run; null when the run does not have the key. */
  values: ConfigValue[];
}

/** The configuration of one run as labelled flat entries (params as `params.<name>`). */
export interface ConfigEntries {
  [key: string]: { label: string; value: ConfigValue };
}

/** Keys whose values differ across the runs, in first-seen order (a key missing in some runs differs). */
export function configDifferences(perRun: readonly ConfigEntries[]): ConfigDifference[] {
  const keys: string[] = [];
  const labels = new Map<string, string>();
  for (const entries of perRun) {
    for (const [key, { label }] of Object.entries(entries)) {
      if (!labels.has(key)) {
        labels.set(key, label);
        keys.push(key);
      }
    }
  }
  const out: ConfigDifference[] = [];
  for (const key of keys) {
    const values = perRun.map((e) => (key in e ? e[key].value : null));
    const canonical = new Set(values.map((v) => JSON.stringify(v)));
    if (canonical.size > 1) out.push({ key, label: labels.get(key)!, values });
  }
  return out;
}

/** Flattens a parameter or config value to something a table cell can show and compare. */
export function toConfigValue(value: unknown): ConfigValue {
  if (value === undefined || value === null) return null;
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  return JSON.stringify(value);
}

export interface DailyReturn {
  /** "YYYY-MM-DD", CME session date. */
  sessionDate: string;
  return: number | null;
}

/** Pearson correlation of paired samples; null below 3 pairs or with zero variance. */
export function pearson(xs: readonly number[], ys: readonly number[]): number | null {
  const n = xs.length;
  if (n !== ys.length || n < 3) return null;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += xs[i];
    my += ys[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i] - mx;
    const dy = ys[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return null;
  // Clamp rounding noise so the diagonal reads exactly 1.
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

export interface CorrelationMatrix {
  /** values[i][j]: correlation of runs i and j; symmetric. */
  values: (number | null)[][];
  /** commonDates[i][j]: session dates where both runs have a return. */
  commonDates: number[][];
}

export function correlationMatrix(perRun: readonly (readonly DailyReturn[])[]): CorrelationMatrix {
  const maps = perRun.map((days) => {
    const m = new Map<string, number>();
    for (const d of days) if (d.return !== null && Number.isFinite(d.return)) m.set(d.sessionDate, d.return);
    return m;
  });
  const n = maps.length;
  const values: (number | null)[][] = Array.from({ length: n }, () => Array<number | null>(n).fill(null));
  const commonDates: number[][] = Array.from({ length: n }, () => Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const xs: number[] = [];
      const ys: number[] = [];
      // Sorted dates: the pairing never depends on map insertion order.
      for (const date of [...maps[i].keys()].sort()) {
        const y = maps[j].get(date);
        if (y === undefined) continue;
        xs.push(maps[i].get(date)!);
        ys.push(y);
      }
      const r = pearson(xs, ys);
      values[i][j] = values[j][i] = r;
      commonDates[i][j] = commonDates[j][i] = xs.length;
    }
  }
  return { values, commonDates };
}

// ----- The comparison's output shape (shared with the browser) ------------------------------

export interface CompareRunDto {
  id: string;
  name: string;
  strategyId: string;
  params: unknown;
  config: unknown;
  datasetName: string;
  datasetVersion: number;
  engineVersion: string | null;
  seed: number;
  startingCashUsd: number;
  /** Keyed like COMPARE_METRICS; infinite ratios are null here (see the table's `infinite`). */
  metrics: Record<string, number | null>;
  /** LTTB-downsampled (<= 1000 points); normalised = equity / starting cash. */
  equity: { tsMs: number[]; equityUsd: number[]; normalised: number[] };
  /** LTTB-downsampled underwater series, <= 0. */
  underwater: { tsMs: number[]; drawdownUsd: number[]; drawdownPct: (number | null)[] };
  daily: { sessionDate: string; return: number | null; netPnlUsd: number }[];
}

export interface ComparisonDto {
  runs: CompareRunDto[];
  metricsTable: MetricsRow[];
  configDifferences: ConfigDifference[];
  correlation: CorrelationMatrix;
}
