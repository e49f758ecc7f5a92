/**
 * Validation of imported trades against the exchange's rules. Every record is either accepted or
 * rejected with a reason - never dropped silently. Default rules (per dataset configurable):
 * - non_positive_size: size <= 0;
 * - outside_session: not inside a CME Globex session per the calendar (daily break, weekends,
 *   holidays) - rule "keep" stores such prints anyway;
 * - out_of_order: ts_recv earlier than the last accepted trade (files are sorted by ts_recv);
 * - after_expiry: at or after the contract's last trading time.
 * Identical trades at the same timestamp are legitimate and kept. Pure: no I/O.
 */
import { z } from "zod";
import { isInSession } from "../../market/session-calendar";
import { allocateTradeColumns, type TradeColumns } from "../../market/trade-columns";

export const validationRulesSchema = z
  .object({
    outsideSession: z.enum(["reject", "keep"]).default("reject"),
    afterExpiry: z.enum(["reject", "keep"]).default("reject"),
  })
  .strict();
export type ValidationRules = z.infer<typeof validationRulesSchema>;

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

  constructor(
    private readonly rules: ValidationRules,
    private readonly expiryNs: bigint | null,
  ) {}

  /** Splits a batch into accepted ticks (a new, compact batch) and rejected ones. */
  filter(columns: TradeColumns): { accepted: TradeColumns; rejected: RejectedTick[] } {
    const accepted = allocateTradeColumns(columns.length, columns.baseNs);
    const rejected: RejectedTick[] = [];
    for (let i = 0; i < columns.length; i++) {
      const tsNs = columns.baseNs + BigInt(columns.tsOffsetNs[i]);
      const reason = this.check(tsNs, columns.size[i]);
      if (reason) {
        rejected.push({ index: this.seen + i, position: i, reason, tsRecvNs: tsNs, priceTicks: columns.priceTicks[i], size: columns.size[i], side: columns.side[i] });
        continue;
      }
      const j = accepted.length++;
      accepted.tsOffsetNs[j] = columns.tsOffsetNs[i];
      accepted.eventDeltaNs[j] = columns.eventDeltaNs[i];
      accepted.priceTicks[j] = columns.priceTicks[i];
      accepted.size[j] = columns.size[i];
      accepted.side[j] = columns.side[i];
      this.lastAcceptedNs = tsNs;
    }
    this.seen += columns.length;
    return { accepted, rejected };
  }

  private check(tsNs: bigint, size: number): ValidationReason | null {
    if (size <= 0) return "non_positive_size";
    if (this.lastAcceptedNs !== null && tsNs < this.lastAcceptedNs) return "out_of_order";
    if (this.expiryNs !== null && tsNs >= this.expiryNs && this.rules.afterExpiry === "reject") return "after_expiry";
    if (this.rules.outsideSession === "reject" && !isInSession(Number(tsNs / 1_000_000n))) return "outside_session";
    return null;
  }
}
