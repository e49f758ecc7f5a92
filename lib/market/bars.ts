/**
 * OHLCV bars from trades: intervals [k*P, (k+1)*P) on the UTC epoch grid in nanoseconds, keyed by
 * the trade's exchange time (ts_event) like Databento's own OHLCV schema, one bar series per
 * instrument. A bar exists only if it has a trade. Prices stay in the caller's integer unit
 * (1e-9 fixed point here), so aggregation is exact.
 */
export interface Bar {
  instrumentId: number;
  tsStartNs: bigint;
  open: bigint;
  high: bigint;
  low: bigint;
  close: bigint;
  volume: bigint;
  trades: number;
}

export const INTERVALS: Record<string, bigint> = {
  "1s": 1_000_000_000n,
  "1m": 60_000_000_000n,
  "5m": 300_000_000_000n,
  "15m": 900_000_000_000n,
  "1h": 3_600_000_000_000n,
  "1d": 86_400_000_000_000n,
};

/** Parses "1m", "30s", "4h"... into nanoseconds. */
export function parseInterval(text: string): bigint {
  const m = /^(\d+)(s|m|h|d)$/.exec(text.trim());
  if (!m || BigInt(m[1]) <= 0n) throw new Error(`Invalid interval "${text}": use e.g. 30s, 1m, 5m, 1h, 1d`);
  const unit = { s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n, d: 86_400_000_000_000n }[m[2] as "s" | "m" | "h" | "d"];
  return BigInt(m[1]) * unit;
}

export class BarAggregator {
  private readonly bars = new Map<string, Bar>();

  constructor(readonly intervalNs: bigint) {
    if (intervalNs <= 0n) throw new Error("interval must be positive");
  }

  add(instrumentId: number, tsEventNs: bigint, price: bigint, size: number): void {
    const start = tsEventNs - (((tsEventNs % this.intervalNs) + this.intervalNs) % this.intervalNs);
    const key = `${instrumentId}:${start}`;
    const bar = this.bars.get(key);
    if (!bar) {
      this.bars.set(key, { instrumentId, tsStartNs: start, open: price, high: price, low: price, close: price, volume: BigInt(size), trades: 1 });
      return;
    }
    if (price > bar.high) bar.high = price;
    if (price < bar.low) bar.low = price;
    bar.close = price;
    bar.volume += BigInt(size);
    bar.trades++;
  }

  /** Bars ordered by start time, then instrument id. */
  result(): Bar[] {
    return [...this.bars.values()].sort((a, b) =>
      a.tsStartNs === b.tsStartNs ? a.instrumentId - b.instrumentId : a.tsStartNs < b.tsStartNs ? -1 : 1,
    );
  }
}
