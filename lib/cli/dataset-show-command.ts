/**
 * `tickbench dataset show NAME` and `tickbench dataset reference NAME`: a dataset as JSON (a
 * continuous one with its components and roll dates) with a summary of the reference data it
 * holds (lib/data/reference-data.ts): definitions and statistics counted by type, the contract's
 * definition fields with their checks against the spec, the latest value of each statistic and
 * the last settlement prices. `reference` prints the full reference data with the daily series
 * of one statistic (settlement prices by default).
 */
import type pg from "pg";
import type { Db } from "../db/prisma";
import { continuousDetail, getDataset } from "../data/datasets";
import { readReferenceData, type ReferenceDataDto, type ReferenceQuery } from "../data/reference-data";

/** Settlement prices shown by `dataset show` (the API and `dataset reference` give more). */
const SHOWN_SETTLEMENTS = 5;

export interface ReferenceSummary {
  contract: string | null;
  definitions: { count: number; instruments: number; matching: number };
  /** The contract's latest definition of each symbol: the fields a backtester uses, and the checks. */
  contractDefinitions: Array<Record<string, unknown>>;
  statistics: { count: number; matching: number; byType: Record<string, { count: number; matching: number }> };
  /** Latest value of each statistic type among the contract's records. */
  latest: Record<string, { symbol: string | null; sessionDate: string | null; price: string | null; quantity: string | null; final: boolean | null }>;
  settlements: Array<{ sessionDate: string | null; symbol: string | null; price: string | null; final: boolean | null }>;
}

export function summarizeReference(ref: ReferenceDataDto): ReferenceSummary {
  return {
    contract: ref.contract,
    definitions: { count: ref.definitions.count, instruments: ref.definitions.instruments, matching: ref.definitions.matching },
    contractDefinitions: ref.definitions.contract.map((d) => ({
      rawSymbol: d.rawSymbol,
      instrumentId: d.instrumentId,
      received: d.tsRecv,
      tickSize: d.minPriceIncrement,
      multiplier: d.multiplier,
      currency: d.currency,
      expiration: d.expiration,
      activation: d.activation,
      maturity: d.maturityYear === null ? null : `${d.maturityYear}-${String(d.maturityMonth ?? 0).padStart(2, "0")}`,
      highLimitPrice: d.highLimitPrice,
      lowLimitPrice: d.lowLimitPrice,
      marketSegmentId: d.marketSegmentId,
      exchange: d.exchange,
      group: d.group,
      checks: Object.fromEntries(d.checks.map((c) => [c.field, c.ok ? "ok" : `MISMATCH: ${c.actual ?? "(none)"} vs ${c.expected}`])),
    })),
    statistics: {
      count: ref.statistics.count,
      matching: ref.statistics.matching,
      byType: Object.fromEntries(ref.statistics.byType.map((t) => [t.name, { count: t.count, matching: t.matching }])),
    },
    latest: Object.fromEntries(ref.statistics.latest.map((s) => [s.name, { symbol: s.rawSymbol, sessionDate: s.sessionDate, price: s.price, quantity: s.quantity, final: s.final }])),
    settlements: ref.series.points.slice(0, SHOWN_SETTLEMENTS).map((p) => ({ sessionDate: p.sessionDate, symbol: p.rawSymbol, price: p.price, final: p.final })),
  };
}

/** The JSON `dataset show` prints. */
export async function datasetShowCommand(db: Db, pool: pg.Pool, name: string): Promise<unknown> {
  const shown = await getDataset(db, name);
  const continuous = await continuousDetail(db, shown.id);
  const reference = summarizeReference(await readReferenceData(pool, name, { type: "settlement_price", limit: SHOWN_SETTLEMENTS }));
  return continuous === null ? { ...shown, reference } : { ...shown, continuous, reference };
}

/** The JSON `dataset reference` prints: the API's reference data. */
export function datasetReferenceCommand(pool: pg.Pool, name: string, query: ReferenceQuery): Promise<ReferenceDataDto> {
  return readReferenceData(pool, name, query);
}
