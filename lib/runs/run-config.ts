/** What a user submits to start a backtest, validated at the edge (API, CLI, job payload). */
import { z } from "zod";
import { latencyConfigSchema } from "../engine/latency-model";
import { QUEUE_MODEL_NAMES } from "../engine/book/queue-model";

/** l1-trades on trades; the book models (lib/engine/book) need an MBO dataset. */
export const FILL_MODELS = ["l1-trades", "l1-quotes", "l2-queue", "l3-fifo"] as const;

export const runConfigSchema = z
  .object({
    fillModel: z.enum(FILL_MODELS).default("l1-trades"),
    /** Fee per contract per side in USD; the contract's default when omitted. */
    feePerSideUsd: z.number().min(0).max(1000).optional(),
    startingCashUsd: z.number().positive().max(1e12).default(100_000),
    /** Order entry latency in milliseconds (constant; 0 = orders act on the next trade). */
    latencyMs: z.number().min(0).max(60_000).default(0),
    /** Adverse slippage in ticks applied to market fills of the L1 models. */
    slippageTicks: z.number().int().min(0).max(1000).default(0),
    /**
     * Latency legs in ns (constant or a seeded distribution; see lib/engine/latency-model.ts).
     * When given, replaces `latencyMs`.
     */
    latency: latencyConfigSchema.optional(),
    /** Resting limits fill at most the size of the trade that fills them (conservative: on by default). */
    partialFills: z.boolean().default(true),
    /**
     * l2-queue only: how a level decrease not explained by trades is split around our order
     * (lib/engine/book/queue-model.ts). Omitted: "risk-averse" (every cancel behind us).
     */
    queueModel: z.enum(QUEUE_MODEL_NAMES).optional(),
    /** Market-like orders (market, stop, trailing stop, MIT) fill at most the size of each trade. */
    marketFillsTradeSize: z.boolean().default(false),
    /**
     * Market hours: "cme-equity" (session callbacks, market-closed rejections, DAY orders ending at
     * the close) or "none". Omitted: on when the strategy has session handlers or the run settles
     * or flattens daily.
     */
    calendar: z.enum(["cme-equity", "none"]).optional(),
    /** Daily mark-to-market at each session close (needs the calendar). */
    dailySettlement: z.boolean().default(false),
    /** Cancel working orders and flatten this many seconds before each session close (needs the calendar). */
    flattenAtSessionEnd: z.object({ secondsBeforeClose: z.number().int().min(1).max(3_600) }).strict().optional(),
    /** Optional time window, ISO-8601 instants, inclusive start, exclusive end. */
    from: z.string().datetime({ offset: true }).optional(),
    to: z.string().datetime({ offset: true }).optional(),
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
  })
  .strict()
  .refine((c) => !c.from || !c.to || Date.parse(c.from) < Date.parse(c.to), { message: "`from` must be before `to`", path: ["to"] });
export type RunConfig = z.infer<typeof runConfigSchema>;

export const createRunSchema = z
  .object({
    datasetId: z.number().int().positive().optional(),
    datasetName: z.string().min(1).max(200).optional(),
    strategyId: z.string().min(1).max(100),
    params: z.record(z.string(), z.unknown()).default({}),
    name: z.string().trim().min(1).max(200).optional(),
    visibility: z.enum(["private", "team"]).default("private"),
    config: runConfigSchema.default(() => runConfigSchema.parse({})),
    timeLimitSec: z.number().int().min(1).max(24 * 3600).optional(),
  })
  .strict()
  .refine((r) => r.datasetId !== undefined || r.datasetName !== undefined, { message: "datasetId or datasetName is required", path: ["datasetId"] });
export type CreateRunInput = z.input<typeof createRunSchema>;
