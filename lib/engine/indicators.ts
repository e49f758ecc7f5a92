/**
 * Indicators for strategies: trading-signals' (pinned 8.3.0) SMA, EMA, RSI, ATR and VWAP behind a
 * small adapter that takes integer ticks (prices) or bars (OHLCV in ticks). Direct use, no engine
 * magic: a strategy creates its indicators in `create()` (one set per run) and feeds them from its
 * handlers, e.g. `const ema = indicators.ema(20)` ... `onBar(ctx, bar) { ema.add(bar.closeTicks) }`.
 *
 * Streaming API (the library's): `add(x)` appends an input and returns the result; `replace(x)`
 * replaces the last input (e.g. a bar still forming) and returns the result; `result` is the
 * current value. Results are floating-point ticks (RSI: 0..100) and null during warm-up, i.e.
 * until `requiredInputs` inputs were added. Library semantics, kept as they are:
 * - SMA(n): mean of the last n inputs.
 * - EMA(n): k = 2 / (n + 1), seeded with the first input (not with an SMA), reported after n inputs.
 * - RSI(n): Wilder's: average gain and loss smoothed by Wilder's moving average (WSMA, seeded with
 *   the mean of the first n changes); needs n + 1 prices; 100 when the average loss is 0.
 * - ATR(n): Wilder's smoothing of the true range max(high - low, |high - prev close|, |low - prev close|).
 * - VWAP: cumulative (high + low + close) / 3 x volume / cumulative volume over bars, never reset
 *   (make a new one per session). A trade-exact VWAP is PV / V kept on integers (vwap-reversion).
 * Where an exact comparison matters, keep integer sums by hand (sma-cross): the library is
 * floating point.
 */
import { ATR, EMA, RSI, SMA, VWAP } from "trading-signals";
import { AppError } from "../errors";

interface LibraryIndicator<Input> {
  update(input: Input, replace: boolean): number | null;
  getResult(): number | null;
  getRequiredInputs(): number;
  readonly isStable: boolean;
}

/** The bar fields ATR and VWAP read (an ActivityBar has them). */
export interface OhlcvTicks {
  readonly highTicks: number;
  readonly lowTicks: number;
  readonly closeTicks: number;
  readonly volume: number;
}

function requireTicks(name: string, value: number): number {
  if (!Number.isInteger(value)) throw new AppError("strategy_failed", `${name} takes integer ticks, got ${value}`);
  return value;
}

function requirePeriod(name: string, period: number): number {
  if (!Number.isInteger(period) || period < 1) throw new AppError("strategy_failed", `${name} period must be a positive integer, got ${period}`);
  return period;
}

/** An indicator over one price per input (SMA, EMA, RSI). */
export class PriceIndicator {
  constructor(
    readonly name: string,
    private readonly inner: LibraryIndicator<number>,
  ) {}

  add(priceTicks: number): number | null {
    this.inner.update(requireTicks(this.name, priceTicks), false);
    return this.inner.getResult();
  }

  replace(priceTicks: number): number | null {
    this.inner.update(requireTicks(this.name, priceTicks), true);
    return this.inner.getResult();
  }

  get result(): number | null {
    return this.inner.getResult();
  }

  get isStable(): boolean {
    return this.inner.isStable;
  }

  get requiredInputs(): number {
    return this.inner.getRequiredInputs();
  }
}

interface Candle {
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** An indicator over bars (ATR, VWAP). */
export class BarIndicator {
  constructor(
    readonly name: string,
    private readonly inner: LibraryIndicator<Candle>,
  ) {}

  add(bar: OhlcvTicks): number | null {
    this.inner.update(this.candle(bar), false);
    return this.inner.getResult();
  }

  replace(bar: OhlcvTicks): number | null {
    this.inner.update(this.candle(bar), true);
    return this.inner.getResult();
  }

  get result(): number | null {
    return this.inner.getResult();
  }

  get isStable(): boolean {
    return this.inner.isStable;
  }

  get requiredInputs(): number {
    return this.inner.getRequiredInputs();
  }

  private candle(bar: OhlcvTicks): Candle {
    const n = this.name;
    return { high: requireTicks(n, bar.highTicks), low: requireTicks(n, bar.lowTicks), close: requireTicks(n, bar.closeTicks), volume: bar.volume };
  }
}

export const indicators = {
  sma: (period: number) => new PriceIndicator("SMA", new SMA(requirePeriod("SMA", period))),
  ema: (period: number) => new PriceIndicator("EMA", new EMA(requirePeriod("EMA", period))),
  rsi: (period: number) => new PriceIndicator("RSI", new RSI(requirePeriod("RSI", period))),
  atr: (period: number) => new BarIndicator("ATR", new ATR(requirePeriod("ATR", period))),
  vwap: () => new BarIndicator("VWAP", new VWAP()),
};
