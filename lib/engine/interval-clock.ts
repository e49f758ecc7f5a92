/**
 * A clock of fixed intervals [k*P, (k+1)*P) on the UTC epoch grid (P in ns). An interval exists
 * only if it holds an event; it ends when the clock reaches (k+1)*P, i.e. before the first event
 * at or after that time. Used for strategy time bars and for equity sampling.
 *
 * Times are float offsets (exact integers) from the current batch origin, so the hot loop never
 * touches BigInt: `endOffset` is compared directly with `tsOffsetNs[i]`. When a new batch becomes
 * current, `rebase` moves `endOffset` to the new origin with exact BigInt arithmetic (once per batch)
 * and recomputes the grid phase (origin mod P). Precondition: offsets + P stay below 2^53 ns
 * (~104 days), which per-session batches satisfy by far.
 */
import { AppError } from "../errors";

/** Longest interval accepted: 31 days. */
export const MAX_INTERVAL_NS = 31 * 86_400 * 1e9;

export class IntervalClock {
  readonly periodNs: number;
  private readonly periodBigNs: bigint;
  /** End of the open interval as an offset from the current batch origin; -Infinity before the first event. */
  endOffset = -Infinity;
  isOpen = false;
  /** Origin of the current batch mod P. */
  private phase = 0;

  constructor(periodNs: number) {
    if (!Number.isInteger(periodNs) || periodNs < 1 || periodNs > MAX_INTERVAL_NS) {
      throw new AppError("bad_request", `Interval must be an integer number of ns from 1 to ${MAX_INTERVAL_NS}, got ${periodNs}`);
    }
    this.periodNs = periodNs;
    this.periodBigNs = BigInt(periodNs);
  }

  /** Makes `baseNs` the origin of offsets; `previousBaseNs` is the origin `endOffset` refers to now. */
  rebase(previousBaseNs: bigint, baseNs: bigint): void {
    let phase = baseNs % this.periodBigNs;
    if (phase < 0n) phase += this.periodBigNs;
    this.phase = Number(phase);
    if (Number.isFinite(this.endOffset)) {
      this.endOffset = Number(BigInt(this.endOffset) + previousBaseNs - baseNs);
    }
  }

  /** Opens the interval holding the event at offset `t` (at or after the previous end, if any). */
  openAt(t: number): void {
    const period = this.periodNs;
    const next = this.endOffset + period;
    if (t >= this.endOffset && t < next) {
      // Dense data: the event falls in the interval right after the previous one.
      this.endOffset = next;
      this.isOpen = true;
      return;
    }
    let intoInterval = (t + this.phase) % period;
    if (intoInterval < 0) intoInterval += period;
    this.endOffset = t - intoInterval + period;
    this.isOpen = true;
  }

  /** End of the open interval in ns since the epoch. */
  endNs(baseNs: bigint): bigint {
    return baseNs + BigInt(this.endOffset);
  }

  startNs(baseNs: bigint): bigint {
    return this.endNs(baseNs) - this.periodBigNs;
  }
}
