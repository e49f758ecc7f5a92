/**
 * Validation of imported trades against the exchange's rules. Every record is either accepted or
 * rejected with a reason - never dropped silently. Default rules (per dataset configurable):
 * - non_positive_size: size <= 0;
 * - outside_session: not inside a CME Globex session per the calendar (daily break, weekends,
 *   holidays) - rule "keep" stores such prints anyway;
 * - out_of_order: ts_recv earlier than the last accepted trade (files are sorted by ts_recv);
 * - after_expiry: at or after the contract's last trading time.
 * Identical trades at the same timestamp are legitimate and kept. Pure: no I/O.
 *
 * `priceBand` does not reject: accepted trades outside the band are kept and flagged
 * (price-band.ts). Default { percent: 7, reference: "prior-session-last" }; null or "off" disables.
 */
import { z } from "zod";
import { isInSession, sessionAt } from "../../market/session-calendar";
import { allocateTradeColumns, type TradeColumns } from "../../market/trade-columns";
import { DEFAULT_PRICE_BAND, priceBandRuleSchema } from "./price-band";

export const validationRulesSchema = z
  .object({
    outsideSession: z.enum(["reject", "keep"]).default("reject"),
    afterExpiry: z.enum(["reject", "keep"]).default("reject"),
    priceBand: priceBandRuleSchema.default(DEFAULT_PRICE_BAND),
  })
  .strict();
export type ValidationRules = z.infer<typeof validationRulesSchema>;
/** Rules as given (every field optional; `priceBand: "off"` accepted). */
export type ValidationRulesInput = z.input<typeof validationRulesSchema>;

export type ValidationReason = "non_positive_size" | "outside_session" | "out_of_order" | "after_expiry";

export interface RejectedTick {
  /** Position of the trade among the file's trade records (0-based). */
  index: number;
  /** Position of the trade in the batch given to `filter`. */
  position: number;
  reason: ValidationReason;
  tsRecvNs: bigint;
  priceTicks: number;
  size: number;
  side: number;
}

export class TradeValidator {
  private lastAcceptedNs: bigint | null = null;
  private seen = 0;
  /** The last in-session stretch found ([fromNs, toNs): inside a session, between its halts). */
  private inside: { fromNs: bigint; toNs: bigint } | null = null;

  constructor(
    private readonly rules: ValidationRules,
    private readonly expiryNs: bigint | null,
  ) {}

  /**
   * Splits a batch into accepted ticks and rejected ones. The accepted ticks are the batch itself
   * when nothing is rejected (the common case: no copy), otherwise a new, compact batch.
   * Hot loop on the batch's float offsets: no BigInt per trade, the calendar asked only when a
   * trade leaves the in-session stretch of the previous one.
   */
  filter(columns: TradeColumns): { accepted: TradeColumns; rejected: RejectedTick[] } {
    const n = columns.length;
    const base = columns.baseNs;
    const offsets = columns.tsOffsetNs;
    const sizes = columns.size;
    const rel = (ns: bigint) => Number(ns - base);
    let lastOff = this.lastAcceptedNs === null ? -Infinity : rel(this.lastAcceptedNs);
    const expiryOff = this.expiryNs !== null && this.rules.afterExpiry === "reject" ? rel(this.expiryNs) : Infinity;
    const checkSession = this.rules.outsideSession === "reject";
    let inFrom = this.inside ? rel(this.inside.fromNs) : 0;
    let inTo = this.inside ? rel(this.inside.toNs) : 0;
    let accepted: TradeColumns | null = null;
    let acceptedAny = false;
    const rejected: RejectedTick[] = [];
    for (let i = 0; i < n; i++) {
      const off = offsets[i];
      let reason: ValidationReason | null = null;
      if (sizes[i] <= 0) reason = "non_positive_size";
      else if (off < lastOff) reason = "out_of_order";
      else if (off >= expiryOff) reason = "after_expiry";
      else if (checkSession && !(off >= inFrom && off < inTo)) {
        const stretch = this.insideStretch(base + BigInt(off));
        if (stretch) {
          inFrom = rel(stretch.fromNs);
          inTo = rel(stretch.toNs);
        } else reason = "outside_session";
      }
      if (reason) {
        if (!accepted) {
          // First reject: copy the accepted prefix into a compact batch.
          accepted = allocateTradeColumns(n, base);
          copyTicks(columns, 0, i, accepted);
        }
        rejected.push({ index: this.seen + i, position: i, reason, tsRecvNs: base + BigInt(off), priceTicks: columns.priceTicks[i], size: sizes[i], side: columns.side[i] });
        continue;
      }
      if (accepted) copyTicks(columns, i, i + 1, accepted);
      lastOff = off;
      acceptedAny = true;
    }
    if (acceptedAny) this.lastAcceptedNs = base + BigInt(lastOff);
    this.seen += n;
    return { accepted: accepted ?? columns, rejected };
  }

  /** The in-session stretch holding `tsNs` (ms granularity, as isInSession), or null when closed. */
  private insideStretch(tsNs: bigint): { fromNs: bigint; toNs: bigint } | null {
    const ms = Number(tsNs / 1_000_000n);
    if (!isInSession(ms)) return null;
    const session = sessionAt(ms)!;
    let fromMs = session.openMs;
    let toMs = session.closeMs;
    for (const h of session.halts) {
      if (h.toMs <= ms) fromMs = Math.max(fromMs, h.toMs);
      else if (h.fromMs > ms) toMs = Math.min(toMs, h.fromMs);
    }
    this.inside = { fromNs: BigInt(fromMs) * 1_000_000n, toNs: BigInt(toMs) * 1_000_000n };
    return this.inside;
  }
}

function copyTicks(from: TradeColumns, start: number, end: number, to: TradeColumns): void {
  for (let i = start; i < end; i++) {
    const j = to.length++;
    to.tsOffsetNs[j] = from.tsOffsetNs[i];
    to.eventDeltaNs[j] = from.eventDeltaNs[i];
    to.priceTicks[j] = from.priceTicks[i];
    to.size[j] = from.size[i];
    to.side[j] = from.side[i];
  }
}
