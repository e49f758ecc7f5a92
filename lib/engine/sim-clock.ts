/**
 * SimClock: the replay position shared by the engine loop and the venue. Times are float offsets
 * (exact integers) from the current batch origin `baseNs`, so hot paths never touch BigInt.
 * Only the engine writes it.
 */
export class SimClock {
  baseNs = 0n;
  /** Ordinal (from 0) of the current batch; -1 before the first. */
  batchOrdinal = -1;
  /** Simulation time seen by handlers. */
  nowOffset = 0;
  /** Time, price and index of the last delivered trade (NaN price before the first). */
  lastTsOffset = 0;
  lastPriceTicks = Number.NaN;
  lastIndex = -1;

  nowNs(): bigint {
    return this.baseNs + BigInt(this.nowOffset);
  }

  /** Offset of an absolute time from the batch origin. */
  offsetOf(tsNs: bigint): number {
    return Number(tsNs - this.baseNs);
  }
}
