/**
 * The configurable validation rules of imports (lib/data/import/trade-validation.ts), as the
 * browser shows and edits them. The server's zod schema is the authority: these lists only
 * render the form; a value it does not know is answered with a 400.
 */
import type { ValidationRules } from "@/lib/data/import/trade-validation";

/** Rules that choose between rejecting (quarantine) and keeping a kind of trade. */
export type ChoiceRule = "outsideSession" | "afterExpiry";
export const CHOICE_RULES: readonly ChoiceRule[] = ["outsideSession", "afterExpiry"];
export const CHOICE_OPTIONS = ["reject", "keep"] as const;

export const RULE_DESCRIPTIONS: Record<keyof ValidationRules, { label: string; help: string }> = {
  outsideSession: {
    label: "Trades outside sessions",
    help: "Outside a CME Globex session per the calendar (daily break, weekends, holidays). reject: quarantined as outside_session; keep: stored.",
  },
  afterExpiry: {
    label: "Trades after expiry",
    help: "At or after the contract's last trading time. reject: quarantined as after_expiry; keep: stored.",
  },
  priceBand: {
    label: "Price band",
    help: "Trades further than this from the prior session's last trade are kept but flagged as extreme moves. Off: no flags.",
  },
};

/** "7 %" or "off". */
export const describePriceBand = (band: ValidationRules["priceBand"]) => (band ? `${band.percent} % of the prior session's last price` : "off");

/** Checks that always apply, whatever the rules. */
export const FIXED_CHECKS = [
  ["non_positive_size", "size of zero or less"],
  ["out_of_order", "receive time earlier than the last accepted trade"],
  ["off_tick_grid, undefined_price, undefined_size, out_of_range, malformed", "records the file's parser cannot take as a trade"],
] as const;
