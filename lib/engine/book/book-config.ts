/**
 * Configuration of one book backtest (book-engine.ts), validated once at construction (zod at the
 * edge). The latency legs, the calendar and the futures lifecycle options have the meaning and the
 * defaults of the trades engine's (engine-config.ts), so one run configuration drives both engines.
 */
import { z } from "zod";
import type { BookFillModelName } from "../fill";
import { instrumentSchema, type Instrument } from "../instrument";
import { latencyConfigSchema, type LatencyConfig } from "../latency-model";
import { marketHaltsSchema, type MarketHalt } from "../market-hours";
import { CALENDAR_NAMES, type CalendarName } from "../session-clock";
import type { StrategyModule } from "../strategy";
import { BOOK_FILL_MODELS, type QueueProbability } from "./queue-model";

export interface BookEngineConfig {
  readonly instrument: Instrument;
  readonly strategy: StrategyModule;
  readonly params: unknown;
  readonly fillModel: BookFillModelName;
  readonly startingCashCents: number;
  readonly feePerSideCents?: number;
  readonly seed: number;
  /** Constant entry latency, ns (default 0); `latency.entry` replaces it when given. */
  readonly latencyNs?: number;
  /** Latency legs (constant or seeded distributions, latency-model.ts): entry and response. */
  readonly latency?: LatencyConfig;
  /** Equity sampling interval, seconds (default 60). */
  readonly equityIntervalSeconds?: number;
  /** Tick size in 1e-9 units (the MBO price unit), e.g. 250000000n for 0.25. */
  readonly tickSizeNano: bigint;
  /** l2-queue: how a size decrease at our level is split (default risk-averse: the conservative one). */
  readonly queueModel?: QueueProbability;
  /** The strategy starts at the first boundary at or after this time (default: the first one). */
  readonly strategyFromNs?: bigint;
  /**
   * What `events` (progress, result) counts: "record" (default) every MBO record; "event" the
   * records that close an event (LAST) - one per quote or trade of the quote feed (lib/engine/quotes).
   */
  readonly eventUnit?: "record" | "event";
  /**
   * Market hours, as in the trades engine (engine-config.ts): "cme-equity" turns on the session
   * clock (onSessionOpen/onSessionClose, DAY orders ending at the session close, "market-closed"
   * rejections, nothing of ours fills while closed, settlement and flattening). Default: on when the
   * strategy defines a session handler, settlement/flattening is asked for or the run has `halts`,
   * else "none".
   */
  readonly calendar?: CalendarName | "none";
  /** Exchange halts from the data, as in the trades engine (engine-config.ts, market-hours.ts). */
  readonly halts?: readonly MarketHalt[];
  /** Daily mark-to-market at each session close (calendar on). */
  readonly dailySettlement?: boolean;
  /** Cancel working orders and flatten with a market order this long before each session close. */
  readonly flattenAtSessionEnd?: { readonly secondsBeforeClose: number };
}

export const bookConfigSchema = z.object({
  instrument: instrumentSchema,
  fillModel: z.enum(BOOK_FILL_MODELS),
  startingCashCents: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  feePerSideCents: z.number().int().min(0).max(1_000_000).optional(),
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  latencyNs: z.number().int().min(0).max(60e9).default(0),
  latency: latencyConfigSchema.optional(),
  equityIntervalSeconds: z.number().int().min(1).max(86_400).default(60),
  tickSizeNano: z.bigint().positive(),
  queueModel: z
    .discriminatedUnion("kind", [z.object({ kind: z.literal("risk-averse") }), z.object({ kind: z.literal("power"), n: z.number().min(0.1).max(10) }), z.object({ kind: z.literal("log") })])
    .default({ kind: "risk-averse" }),
  calendar: z.enum(["none", ...CALENDAR_NAMES] as [CalendarName | "none", ...(CalendarName | "none")[]]).optional(),
  halts: marketHaltsSchema,
  dailySettlement: z.boolean().default(false),
  flattenAtSessionEnd: z.object({ secondsBeforeClose: z.number().int().min(1).max(3_600) }).optional(),
});

export interface BookEngineSnapshot {
  readonly eventsProcessed: number;
  readonly simTimeNs: bigint;
  readonly equityCents: number;
  readonly positionQty: number;
}
