/**
 * EventQueue: the engine's scheduled events (strategy timers, delayed fill reports, order expiries,
 * session boundaries, session-end flattening, contract expiry), in time order.
 *
 * Ordering invariant: events pop by (atNs, rank, seq) - time first; at equal times the market's own
 * changes (session boundaries, contract expiry: rank 0) before everything else (rank 1), so a
 * strategy event at exactly the open sees the market open; then the order in which they were
 * scheduled - so two runs with the same inputs fire the same events in the same order. The engine
 * fires every event whose time is at or before a trade's time before delivering that trade.
 *
 * Times are bigint ns since the epoch; `headOffset` caches the head's time as a float offset from
 * the current batch origin for the hot loop's single "next wake" compare (exact while the head is
 * within 2^53 ns of the origin; farther events are compared exactly in bigint before they fire).
 * The queue stays small (a few events per session), so a sorted array with binary insertion is
 * the right structure.
 */

export type ScheduledEvent =
  | { readonly kind: "timer"; readonly timerId: number }
  | { readonly kind: "fill-report"; readonly fillIndex: number }
  | { readonly kind: "order-expiry"; readonly orderId: number }
  | { readonly kind: "session-boundary" }
  | { readonly kind: "session-flatten"; readonly sessionDate: string }
  | { readonly kind: "contract-expiry" };

interface Entry {
  readonly atNs: bigint;
  readonly rank: number;
  readonly seq: number;
  readonly event: ScheduledEvent;
}

export class EventQueue {
  private readonly entries: Entry[] = [];
  private seq = 0;
  private baseNs = 0n;
  /** Offset of the head from the batch origin; +Infinity when empty. */
  headOffset = Infinity;

  get size(): number {
    return this.entries.length;
  }

  /** Makes `baseNs` the origin of `headOffset`. */
  rebase(baseNs: bigint): void {
    this.baseNs = baseNs;
    this.updateHead();
  }

  schedule(atNs: bigint, event: ScheduledEvent): void {
    const entries = this.entries;
    const rank = event.kind === "session-boundary" || event.kind === "contract-expiry" ? 0 : 1;
    let lo = 0;
    let hi = entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const e = entries[mid];
      if (e.atNs < atNs || (e.atNs === atNs && e.rank <= rank)) lo = mid + 1;
      else hi = mid;
    }
    entries.splice(lo, 0, { atNs, rank, seq: this.seq++, event });
    if (lo === 0) this.updateHead();
  }

  /** Time of the head event, or null when empty. */
  peekNs(): bigint | null {
    return this.entries.length === 0 ? null : this.entries[0].atNs;
  }

  /** Removes and returns the head event. */
  pop(): { atNs: bigint; event: ScheduledEvent } {
    const entry = this.entries.shift()!;
    this.updateHead();
    return entry;
  }

  /** Removes the events matching `predicate`; returns how many. */
  remove(predicate: (event: ScheduledEvent) => boolean): number {
    const entries = this.entries;
    let kept = 0;
    for (const entry of entries) if (!predicate(entry.event)) entries[kept++] = entry;
    const removed = entries.length - kept;
    entries.length = kept;
    if (removed > 0) this.updateHead();
    return removed;
  }

  private updateHead(): void {
    this.headOffset = this.entries.length === 0 ? Infinity : Number(this.entries[0].atNs - this.baseNs);
  }
}
