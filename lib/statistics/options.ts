/**
 * Statistics options: the zod schema for job payloads and run configuration, and the defaults.
 * The resolved options are echoed in every `BacktestStatistics` so a figure can be reproduced.
 */
import { z } from "zod";
import { AppError } from "../errors";
import type { StatisticsOptions } from "./types";

export const statisticsOptionsSchema = z.object({
  riskFreeRateAnnual: z.number().gt(-1).lt(10).default(0).describe("Annual risk-free rate, fraction"),
  periodsPerYear: z.number().positive().max(10_000).default(252).describe("Return periods per year"),
  rollWeeks: z
    .array(z.tuple([z.number().finite(), z.number().finite()]).refine(([from, to]) => from <= to, "fromMs must not exceed toMs"))
    .default([])
    .describe("Roll weeks as [fromMs, toMs) ranges"),
  seed: z.number().int().safe().default(0).describe("Seed of the bootstrap and Monte-Carlo draws"),
  bootstrapResamples: z.number().int().min(0).max(100_000).default(1000),
  confidenceLevel: z.number().gt(0).lt(1).default(0.95),
  monteCarloPaths: z.number().int().min(0).max(100_000).default(1000),
  psrBenchmarkSharpe: z.number().finite().default(0),
  chartPoints: z.number().int().min(3).max(100_000).default(1000),
});

export type ResolvedStatisticsOptions = z.output<typeof statisticsOptionsSchema>;

/** Applies the defaults; throws a `bad_request` AppError on invalid options. */
export function resolveStatisticsOptions(options: StatisticsOptions | undefined): ResolvedStatisticsOptions {
  const parsed = statisticsOptionsSchema.safeParse(options ?? {});
  if (!parsed.success) {
    throw new AppError("bad_request", `Invalid statistics options: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
  }
  return parsed.data;
}
