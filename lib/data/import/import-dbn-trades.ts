/**
 * The DBN importer of before the format-neutral pipeline, kept for its callers: the same import
 * with the format fixed to Databento DBN (see import-trades.ts for the guarantees).
 */
import type pg from "pg";
import type { Db } from "../../db/prisma";
import { importTrades, type ImportReport, type ImportTradesOptions } from "./import-trades";

export type { ImportReport } from "./import-trades";
export type ImportOptions = Omit<ImportTradesOptions, "format" | "formatOptions">;

export function importDbnTrades(db: Db, pool: pg.Pool, options: ImportOptions): Promise<ImportReport> {
  return importTrades(db, pool, { ...options, format: "dbn" });
}
