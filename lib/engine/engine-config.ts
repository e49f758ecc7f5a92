/**
 * Configuration of one backtest run, validated once at construction (zod at the edge).
 */
import { z } from "zod";
import { FILL_MODEL_NAMES, LIMIT_FILL_RULES, type FillModelName, type LimitFillRule } from "./fill-model";
import { instrumentSchema, type Instrument } from "./instrument";
import { latencyConfigSchema, type LatencyConfig } from "./latency-model";
import { marketHaltsSchema, type MarketHalt } from "./market-hours";
import { CALENDAR_NAMES, type CalendarName } from "./session-clock";
import type { StrategyModule } from "./strategy";

export interface BacktestEngineConfig {
  readonly instrument: Instrument;
  readonly strategy: StrategyModule;
  /** Raw strategy parameters; validated (and defaulted) with the strategy's paramsSchema. */
  readonly params: unknown;
  readonly fillModel: FillModelName;
  readonly startingCashCents: number;
  /** Overrides the instrument's fee per contract per side, cents. */
  readonly feePerSideCents?: number;
  /** Seed of ctx.random() (SeededRandom) and of latency samples, a non-negative safe integer. */
  readonly seed: number;
  /** Constant entry latency, ns (default 0); `latency.entry` replaces it when given. */
  readonly latencyNs?: number;
  /** Latency legs (constant or seeded distributions), see latency-model.ts. */
  readonly latency?: LatencyConfig;
  /** Adverse slippage, ticks (default 0). */
  readonly slippageTicks?: number;
  /** Equity sampling interval, seconds (default 60). */
  readonly equityIntervalSeconds?: number;
  /** When a resting limit fills on trade-only data (default "through"; see fill-model.ts). */
  readonly limitFillRule?: LimitFillRule;
  /** Limit-like fills take at most the trade's size (default false; true is the conservative choice). */
  readonly partialFills?: boolean;
  /** Market-like fills take at most the trade's size (default false: the sma-cross reference). */
  readonly marketFillsTradeSize?: boolean;
  /**
   * Market hours: "cme-equity" turns on the session clock (onSessionOpen/onSessionClose, DAY orders
   * ending at the session close, market-closed rejections, no fills while closed, settlement and
   * flattening). "none": no calendar. Default: "cme-equity" when the strategy defines a session
   * handler, settlement/flattening is asked for or the run has `halts`, else "none" (the legacy,
   * calendar-free engine).
   */
  readonly calendar?: CalendarName | "none";
  /**
   * Exchange halts from the data (the dataset's `halt` flags in the run's window), closed intervals
   * [fromNs, toNs) on top of the calendar (market-hours.ts): orders sent inside are rejected
   * "halted", nothing fills, working market orders are cancelled at the halt's start. They apply
   * with `calendar: "none"` too (the market is then open outside them).
   */
  readonly halts?: readonly MarketHalt[];
  /** Daily mark-to-market at each session close (calendar on): realised P&L moves to cash. */
  readonly dailySettlement?: boolean;
  /** Cancel working orders and flatten with a market order this long before each session close. */
  readonly flattenAtSessionEnd?: { readonly secondsBeforeClose: number };
}

export const engineOptionsSchema = z.object({
  instrument: instrumentSchema,
  fillModel: z.enum(FILL_MODEL_NAMES as [FillModelName, ...FillModelName[]]),
  startingCashCents: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  feePerSideCents: z.number().int().min(0).max(1_000_000).optional(),
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  latencyNs: z.number().int().min(0).max(60e9).default(0),
  latency: latencyConfigSchema.optional(),
  slippageTicks: z.number().int().min(0).max(10_000).default(0),
  equityIntervalSeconds: z.number().int().min(1).max(86_400).default(60),
  limitFillRule: z.enum(LIMIT_FILL_RULES as [LimitFillRule, ...LimitFillRule[]]).default("through"),
  partialFills: z.boolean().default(false),
  marketFillsTradeSize: z.boolean().default(false),
  calendar: z.enum(["none", ...CALENDAR_NAMES] as [CalendarName | "none", ...(CalendarName | "none")[]]).optional(),
  halts: marketHaltsSchema,
  dailySettlement: z.boolean().default(false),
  flattenAtSessionEnd: z.object({ secondsBeforeClose: z.number().int().min(1).max(3_600) }).optional(),
});

export type EngineOptions = z.output<typeof engineOptionsSchema>;
