/**
 * Test support: a small trade tape with its time bars computed by hand (P = 10 s), shared by the
 * trades engine and book engine bar tests.
 */
import type { Bar } from "../strategy";
import { at } from "./tape";

/**
 * Hand-computed time bars, P = 10 s (times in s from T0, a multiple of 10 s; price ticks, size):
 *   [0, 10)   1: 100x2, 3: 104x1, 3: 98x5, 9.999999999: 101x1  -> O 100 H 104 L 98 C 101 V 9 N 4
 *   [10, 20)  10 (exactly k P: opens this bar): 102x3, 19: 103x1 -> O 102 H 103 L 102 C 103 V 4 N 2
 *   [20, 40)  no trade: no bar
 *   [40, 50)  40: 99x2                                          -> O=H=L=C 99 V 2 N 1
 *   [50, 60)  50: 97x1, 55: 105x4, 59.5: 100x1 (end of data)     -> O 97 H 105 L 97 C 100 V 6 N 3
 */
export const OHLCV_TRADES = [
  { tsNs: at(1), priceTicks: 100, size: 2 },
  { tsNs: at(3), priceTicks: 104, size: 1 },
  { tsNs: at(3), priceTicks: 98, size: 5 },
  { tsNs: at(9.999999999), priceTicks: 101, size: 1 },
  { tsNs: at(10), priceTicks: 102, size: 3 },
  { tsNs: at(19), priceTicks: 103, size: 1 },
  { tsNs: at(40), priceTicks: 99, size: 2 },
  { tsNs: at(50), priceTicks: 97, size: 1 },
  { tsNs: at(55), priceTicks: 105, size: 4 },
  { tsNs: at(59.5), priceTicks: 100, size: 1 },
];
export const OHLCV_BARS = [
  { kind: "time" as const, startNs: at(0), endNs: at(10), openTicks: 100, highTicks: 104, lowTicks: 98, closeTicks: 101, volume: 9, trades: 4 },
  { kind: "time" as const, startNs: at(10), endNs: at(20), openTicks: 102, highTicks: 103, lowTicks: 102, closeTicks: 103, volume: 4, trades: 2 },
  { kind: "time" as const, startNs: at(40), endNs: at(50), openTicks: 99, highTicks: 99, lowTicks: 99, closeTicks: 99, volume: 2, trades: 1 },
  { kind: "time" as const, startNs: at(50), endNs: at(60), openTicks: 97, highTicks: 105, lowTicks: 97, closeTicks: 100, volume: 6, trades: 3 },
];

/** A bar's fields as plain data (getters read, so a close-only bar throws). */
export function timeBarFields(bar: Bar) {
  return { kind: bar.kind, startNs: bar.startNs, endNs: bar.endNs, openTicks: bar.openTicks, highTicks: bar.highTicks, lowTicks: bar.lowTicks, closeTicks: bar.closeTicks, volume: bar.volume, trades: bar.trades };
}
