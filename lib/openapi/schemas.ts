/**
 * zod schemas of the API's response bodies, for the OpenAPI document (z.toJSONSchema) and for the
 * test that checks real responses against it (test/openapi.test.ts). The DTOs themselves are
 * TypeScript interfaces next to their services; these mirror them. Objects are "loose": a field
 * added to a DTO does not break clients, a field removed or retyped fails the test.
 */
import { z } from "zod";

const isoInstant = z.string().describe("ISO-8601 instant");
const nullableIso = isoInstant.nullable();

export const errorBodySchema = z
  .object({
    error: z.looseObject({
      code: z.enum(["bad_request", "unauthenticated", "forbidden", "not_found", "conflict", "unprocessable", "strategy_failed", "time_limit", "cancelled", "unavailable", "internal"]),
      message: z.string(),
      issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: "Error" });

export const runSchema = z
  .looseObject({
    id: z.uuid(),
    runId: z.uuid(),
    name: z.string(),
    status: z.enum(["queued", "running", "succeeded", "failed", "cancelled"]),
    progress: z.number().min(0).max(1).describe("Fraction of events processed"),
    eventsProcessed: z.number().int(),
    eventsTotal: z.number().int(),
    eventsPerSec: z.number(),
    simTimeNs: z.string().nullable().describe("Simulated exchange time, ns since the epoch as a decimal string"),
    equityUsd: z.number().nullable(),
    etaMs: z.number().nullable(),
    heartbeatAt: nullableIso,
    stalled: z.boolean(),
    attempt: z.number().int(),
    error: z.string().nullable(),
    finishedAt: nullableIso,
    strategyId: z.string(),
    params: z.record(z.string(), z.unknown()),
    config: z.record(z.string(), z.unknown()).describe("The run configuration (see RunConfig)"),
    datasetId: z.number().int().nullable(),
    datasetName: z.string(),
    datasetVersion: z.number().int(),
    datasetDeleted: z.boolean(),
    visibility: z.enum(["private", "team"]),
    engineVersion: z.string().nullable(),
    seed: z.number().int(),
    tags: z.array(z.string()),
    notes: z.string().nullable(),
    queuedAt: isoInstant,
    startedAt: nullableIso,
  })
  .meta({ id: "Run" });

export const tradeSchema = z
  .looseObject({
    seq: z.number().int(),
    side: z.union([z.literal(1), z.literal(-1)]).describe("1 long, -1 short"),
    qty: z.number().int(),
    entryNs: z.string(),
    exitNs: z.string(),
    entryPrice: z.number(),
    exitPrice: z.number(),
    pnlUsd: z.number(),
    feesUsd: z.number(),
    netUsd: z.number(),
  })
  .meta({ id: "Trade" });

/** The roll schedule a run over a continuous dataset records (lib/engine/roll.ts RunRollSchedule). */
const runRollScheduleSchema = z
  .looseObject({
    rule: z.unknown().describe("The dataset's roll rule (RollRule)"),
    contracts: z.array(z.string()).describe("Contracts in the order traded"),
    rolls: z.array(
      z.looseObject({ atNs: z.string(), at: isoInstant, sessionDate: z.string(), fromContract: z.string(), toContract: z.string() }),
    ),
  })
  .meta({ id: "RunRollSchedule" });

/** A roll the engine executed (lib/runs/run-dto.ts RollDto). */
const executedRollSchema = z
  .looseObject({
    at: isoInstant,
    atNs: z.string().describe("Roll instant, ns since the epoch as a decimal string"),
    fromContract: z.string(),
    toContract: z.string(),
    closedQty: z.number().int().describe("Signed position rolled (0: flat, no fills)"),
    fromPriceTicks: z.number().int().nullable().describe("Old contract's last trade price at or before the roll, in ticks (null: none)"),
    toPriceTicks: z.number().int().describe("New contract's first trade price at or after the roll, in ticks"),
    fillIds: z.array(z.number().int()).describe("The two roll fills (close, reopen); empty when flat"),
    cancelledOrderIds: z.array(z.number().int()),
  })
  .meta({ id: "ExecutedRoll" });

export const metricsSchema = z
  .looseObject({
    netPnlUsd: z.number(),
    grossPnlUsd: z.number(),
    feesUsd: z.number(),
    netPnlCents: z.number().int(),
    grossPnlCents: z.number().int(),
    feesCents: z.number().int(),
    roundTrips: z.number().int(),
    winners: z.number().int(),
    losers: z.number().int(),
    events: z.number().int(),
    startingCashUsd: z.number(),
    finalEquityUsd: z.number(),
    rollSchedule: runRollScheduleSchema.optional().describe("Continuous datasets: the roll schedule the run used"),
    rolls: z.array(executedRollSchema).optional().describe("Continuous datasets: the rolls executed, in order"),
  })
  .meta({ id: "ResultMetrics" });

const equitySchema = z.object({ tsMs: z.array(z.number()), equityUsd: z.array(z.number()) });

export const runResultSchema = z
  .looseObject({
    runId: z.uuid(),
    metrics: metricsSchema,
    statistics: z.record(z.string(), z.unknown()).nullable().describe("Full statistics (lib/statistics/README.md)"),
    equity: equitySchema,
    tradeCount: z.number().int(),
    resultHash: z.string(),
    trades: z.array(tradeSchema),
  })
  .meta({ id: "RunResult" });

export const tradesPageSchema = z
  .looseObject({
    page: z.number().int(),
    pageSize: z.number().int(),
    total: z.number().int(),
    pages: z.number().int(),
    trades: z.array(tradeSchema.extend({ durationMs: z.number() })),
  })
  .meta({ id: "TradesPage" });

/** A continuous dataset's roll rule (lib/data/continuous-datasets.ts datasetRollRuleSchema). */
export const rollRuleSchema = z
  .discriminatedUnion("kind", [
    z.object({ kind: z.literal("calendar"), daysBeforeExpiry: z.number().int().describe("Calendar days before the expiry session (CME: 8)") }),
    z.object({ kind: z.literal("volume").describe("Daily volume crossover, no look-ahead") }),
    z.object({ kind: z.literal("open-interest").describe("Daily open-interest crossover from the components' stored Databento statistics, no look-ahead") }),
    z.object({ kind: z.literal("manual"), dates: z.array(z.string()).describe("Roll session dates, YYYY-MM-DD") }),
  ])
  .meta({ id: "RollRule" });

export const datasetSchema = z
  .looseObject({
    id: z.number().int(),
    name: z.string(),
    instrument: z.string(),
    schema: z.string().describe("Record schema of the data: trades, mbo, mbp-1, mbp-10, or ohlcv-1s/1m/1h/1d for bar datasets"),
    barIntervalS: z.number().int().nullable().optional().describe("Bar interval in seconds of a bar dataset (schema ohlcv-*), else null"),
    version: z.number().int(),
    status: z.string(),
    description: z.string().nullable(),
    recordCount: z.number().int(),
    start: nullableIso,
    end: nullableIso,
    provenance: z.unknown(),
    createdAt: isoInstant,
    kind: z.enum(["single", "continuous"]).describe("single: one instrument's ticks; continuous: component datasets strung together by a roll rule"),
    contract: z.string().nullable().describe("Dated contract of a single dataset (e.g. MNQH5); null for a root symbol or a continuous dataset"),
    rollRule: rollRuleSchema.nullable().describe("Roll rule of a continuous dataset, else null"),
  })
  .meta({ id: "Dataset" });

export const coverageSchema = z
  .looseObject({
    calendarVersion: z.string(),
    sessions: z.array(
      z.object({
        sessionDate: z.string(),
        kind: z.enum(["regular", "early-close", "holiday-halt"]),
        holiday: z.string().nullable(),
        ticks: z.number().int(),
        gap: z.boolean(),
      }),
    ),
    gaps: z.number().int(),
    outsideSessions: z.number().int(),
    rolls: z.array(z.object({ sessionDate: z.string(), from: z.string(), to: z.string() })),
  })
  .meta({ id: "Coverage" });

const rollPointSchema = z
  .object({
    atNs: z.string().describe("Roll instant, ns since the epoch as a decimal string: the open of sessionDate"),
    at: isoInstant,
    sessionDate: z.string().describe("First CME session date traded in toContract"),
    fromContract: z.string(),
    toContract: z.string(),
  })
  .meta({ id: "RollPoint" });

export const continuousDetailSchema = z
  .object({
    components: z.array(
      z.object({
        name: z.string().describe("Component dataset"),
        contract: z.string().describe("Its dated contract"),
        position: z.number().int().describe("0-based, in expiry order"),
        from: nullableIso.describe("Traded from (its roll in); null for the first component"),
        to: nullableIso.describe("Traded until (the next roll); null for the last component"),
      }),
    ),
    rolls: z.array(rollPointSchema).describe("Roll schedule resolved when the dataset was created"),
  })
  .meta({ id: "ContinuousDetail" });

export const datasetDetailSchema = datasetSchema
  .extend({
    coverage: coverageSchema,
    continuous: continuousDetailSchema.nullable().describe("Components and roll dates of a continuous dataset, null for a single one"),
    storedRecords: z
      .object({ trades: z.number().int(), quotes: z.number().int(), depth: z.number().int().describe("MBP-10 records with their ten levels"), mbo: z.number().int() })
      .describe("Records stored, by kind (recordCount counts the records of the dataset's schema: trades, quotes of a trades-and-quotes import, MBO records, bars)"),
  })
  .meta({ id: "DatasetDetail" });

export const strategySchema = z
  .looseObject({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    paramsJsonSchema: z.record(z.string(), z.unknown()).describe("JSON Schema of the parameters"),
    defaults: z.record(z.string(), z.unknown()),
  })
  .meta({ id: "Strategy" });

export const shareLinkSchema = z
  .looseObject({
    id: z.uuid(),
    runId: z.uuid(),
    runName: z.string(),
    includeCode: z.boolean(),
    createdAt: isoInstant,
    expiresAt: nullableIso,
    revokedAt: nullableIso,
    active: z.boolean(),
  })
  .meta({ id: "ShareLink" });

export const createdShareLinkSchema = shareLinkSchema.extend({ token: z.string(), path: z.string() }).meta({ id: "CreatedShareLink" });

export const sharedRunSchema = z
  .looseObject({
    name: z.string(),
    strategyId: z.string(),
    datasetName: z.string(),
    result: runResultSchema.omit({ runId: true }),
  })
  .meta({ id: "SharedRun" });

export const meSchema = z.object({ id: z.string(), email: z.string(), name: z.string(), role: z.enum(["admin", "analyst"]) }).meta({ id: "Me" });

export const userSchema = z
  .looseObject({ id: z.string(), email: z.string(), name: z.string(), role: z.enum(["admin", "analyst"]), createdAt: isoInstant })
  .meta({ id: "User" });

export const tokenSchema = z
  .looseObject({ id: z.string(), name: z.string(), prefix: z.string(), createdAt: isoInstant, lastUsedAt: nullableIso, revokedAt: nullableIso })
  .meta({ id: "ApiToken" });

export const createdTokenSchema = z.object({ id: z.string(), token: z.string().describe("Shown once"), prefix: z.string() }).meta({ id: "CreatedApiToken" });

export const healthSchema = z
  .looseObject({
    status: z.enum(["ok", "degraded", "down"]),
    database: z.looseObject({ ok: z.boolean() }),
    queue: z.looseObject({ ok: z.boolean() }),
    workers: z.looseObject({ ok: z.boolean(), alive: z.number().int() }),
  })
  .meta({ id: "Health" });

/** A dataset's reference data (lib/data/reference-data.ts): exact decimals and integers as strings. */
const statisticSchema = z.looseObject({
  rawSymbol: z.string().nullable(),
  statType: z.number().int().describe("Databento StatType number"),
  name: z.string().describe("settlement_price, open_interest, cleared_volume...; unknown_<n> for a number without a name"),
  sessionDate: z.string().nullable(),
  price: z.string().nullable().describe("Exact decimal"),
  quantity: z.string().nullable().describe("Exact integer"),
  final: z.boolean().nullable().describe("Settlement prices: final or preliminary"),
});
export const referenceDataSchema = z
  .looseObject({
    dataset: z.string(),
    root: z.string(),
    contract: z.string().nullable(),
    definitions: z.looseObject({ count: z.number().int(), instruments: z.number().int(), matching: z.number().int(), contract: z.array(z.looseObject({ rawSymbol: z.string(), checks: z.array(z.looseObject({ field: z.string(), ok: z.boolean() })) })) }),
    statistics: z.looseObject({
      count: z.number().int(),
      matching: z.number().int(),
      byType: z.array(z.looseObject({ statType: z.number().int(), name: z.string(), known: z.boolean(), count: z.number().int(), matching: z.number().int() })),
      latest: z.array(statisticSchema),
    }),
    series: z.looseObject({ statType: z.number().int(), name: z.string(), points: z.array(statisticSchema) }),
  })
  .meta({ id: "DatasetReference" });

/** Import reports and comparisons: documented by their main fields only. */
export const importRunSchema = z.looseObject({ id: z.string(), status: z.string() }).meta({ id: "ImportRun" });
export const importJobSchema = z.looseObject({ id: z.string(), status: z.string() }).meta({ id: "ImportJob" });
export const looseRecordSchema = z.record(z.string(), z.unknown());
export const importUploadSchema = z.object({
  dataset: z.string().describe("Target dataset name"),
  format: z.string().default("auto"),
  instrument: z.string().optional(),
  rules: z.string().optional().describe("Validation rules as JSON, for a new dataset"),
  files: z.array(z.string().meta({ format: "binary" })).min(1).describe("One or more data files"),
});
export const comparisonSchema = z.record(z.string(), z.unknown()).meta({ id: "Comparison" });

/** The tokens route's body (declared inline there: route files may export only handlers). */
export const createTokenBodySchema = z.object({ name: z.string().trim().min(1).max(100).default("api") });
