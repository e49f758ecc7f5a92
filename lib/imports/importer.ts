/**
 * The contract between an import job and the importer that reads the files
 * (`importTrades` of lib/data/import/import-trades.ts in production). The executor only needs
 * this shape, so tests may pass another importer with the same first arguments.
 */
import type pg from "pg";
import type { Db } from "../db/prisma";
import type { ValidationRules } from "../data/import/trade-validation";
import type { ImportProgress } from "../data/import/import-run";
import type { ImportFormat } from "./import-jobs";

export type { ImportProgress } from "../data/import/import-run";

export interface ImporterOptions {
  files: string[];
  dataset: string;
  format?: ImportFormat;
  instrument?: string;
  rules?: Partial<ValidationRules>;
  createdBy?: string;
  onProgress?: (progress: ImportProgress) => void;
  signal?: AbortSignal;
}

/** What the executor reads of an importer's report. */
export interface ImporterReport {
  importRunId: string | null;
  skipped: boolean;
  read: number;
  accepted: number;
  rejected: number;
}

export type Importer = (db: Db, pool: pg.Pool, options: ImporterOptions) => Promise<ImporterReport>;
