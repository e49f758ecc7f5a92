/**
 * Helpers shared by the importers (trades of any format, DBN MBO, quotes, status): content hash,
 * cancellation, file checks, DBN schema sniffing, the contract of an import and its quarantine
 * (the run's rows and report: import-run.ts), and the registry of transcoded imports (Databento
 * text handed to a DBN importer as temporary DBN files, see `TranscodedImport`).
 */
import { createHash } from "node:crypto";
import { stat } from "node:fs/promises";
import type pg from "pg";
import { AppError } from "../../errors";
import { getContractSpec, isKnownRoot } from "../../market/contract-spec";
import { lastTradeNs, parseContractSymbol } from "../../market/contract-symbol";
import { readDbnMetadata } from "../dbn/decode";
import { readFileChunks } from "../dbn/dbn-file";
import type { LineMap } from "../formats/databento-transcode";
import { baseName } from "../formats/file-chunks";
import type { ImportFormat } from "../formats/types";

export function throwIfCancelled(signal?: AbortSignal): void {
  if (signal?.aborted) throw new AppError("cancelled", "Import cancelled");
}

/**
 * SHA-256 of the files' bytes, in order (the idempotency key of an import); for the temporary DBN
 * files of a transcoded import, the hash of the user's files.
 */
export async function hashFiles(files: readonly string[], signal?: AbortSignal): Promise<string> {
  const transcoded = transcodedImportOf(files);
  if (transcoded) return transcoded.contentHash;
  const hash = createHash("sha256");
  for (const file of files) {
    for await (const chunk of readFileChunks(file)) {
      hash.update(chunk);
      throwIfCancelled(signal);
    }
  }
  return hash.digest("hex");
}

/** Total size of the files; a missing or empty file is a clear error before anything starts. */
export async function fileSizes(files: readonly string[]): Promise<number> {
  if (files.length === 0) throw new AppError("bad_request", "No file to import");
  let total = 0;
  for (const file of files) {
    let size: number;
    try {
      size = (await stat(file)).size;
    } catch {
      throw new AppError("not_found", `File not found: ${file}`);
    }
    if (size === 0) throw new AppError("unprocessable", `${baseName(file)} is empty: nothing to import`);
    total += size;
  }
  return total;
}

/** The DBN schema of each file ("trades", "mbo", "status"...; null for mixed). */
export async function dbnSchemas(files: readonly string[]): Promise<Array<string | null>> {
  const out: Array<string | null> = [];
  for (const file of files) out.push((await readDbnMetadata(readFileChunks(file))).schema);
  return out;
}

export interface ImportContract {
  root: string;
  symbol: string;
  /** Last trading time of a dated contract, ns; null for a root or a parent/continuous symbol. */
  expiryNs: bigint | null;
}

/** The contract of an import from the given symbol or the files' single symbol (ESU4 -> ES, expiry). */
export function resolveContract(symbols: readonly string[], given?: string): ImportContract {
  let symbol = given?.trim().toUpperCase();
  if (!symbol) {
    if (symbols.length !== 1) {
      throw new AppError("unprocessable", `Cannot tell the instrument from the files (symbols: ${symbols.join(", ") || "none"}); give the instrument (CLI: --instrument)`);
    }
    symbol = symbols[0].toUpperCase();
  }
  if (isKnownRoot(symbol)) return { root: getContractSpec(symbol).root, symbol, expiryNs: null };
  const rootOfParent = /^([A-Z0-9]+)\.(FUT|[cvn]\.\d+)$/.exec(symbol)?.[1];
  if (rootOfParent && isKnownRoot(rootOfParent)) return { root: rootOfParent, symbol, expiryNs: null };
  const contract = parseContractSymbol(symbol);
  return { root: getContractSpec(contract.root).root, symbol, expiryNs: lastTradeNs(contract.root, contract.year, contract.month) };
}

/**
 * Quarantined records of one import run, written in batches of 1,000 rows inside the import's
 * transaction (so they roll back with it). `add` flushes by itself; call `flush` at the end.
 */
export class QuarantineWriter {
  private readonly rows: unknown[][] = [];
  /** The run imports transcoded text: record indexes become line numbers of the user's files. */
  private readonly transcoded: TranscodedImport | null;

  constructor(
    private readonly client: pg.PoolClient,
    private readonly importRunId: string,
  ) {
    this.transcoded = byRun.get(importRunId) ?? null;
  }

  /** Queues one record: its index in the source, the reason, its receive time (ns) and a payload. */
  async add(recordIndex: number, reason: string, tsRecvNs: string | null, payload: unknown): Promise<void> {
    this.push(recordIndex, reason, tsRecvNs, payload);
    await this.flushIfFull();
  }

  /** Queues one record as `add` does, without flushing (for a synchronous loop: call `flushIfFull`). */
  push(recordIndex: number, reason: string, tsRecvNs: string | null, payload: unknown): void {
    const origin = this.transcoded && textOrigin(this.transcoded, recordIndex);
    if (origin) this.rows.push([origin.line, reason, tsRecvNs, { ...(payload as object), file: origin.file }]);
    else this.rows.push([recordIndex, reason, tsRecvNs, payload]);
  }

  /** Writes the queued records once there are 1,000 of them. */
  async flushIfFull(): Promise<void> {
    if (this.rows.length >= 1000) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.rows.length === 0) return;
    const values: unknown[] = [];
    const tuples = this.rows.map((row, i) => {
      values.push(this.importRunId, ...row);
      const o = i * 5;
      return `($${o + 1}, $${o + 2}, $${o + 3}, $${o + 4}, $${o + 5})`;
    });
    await this.client.query(`INSERT INTO quarantined_records (import_run_id, record_index, reason, ts_recv_ns, payload) VALUES ${tuples.join(",")}`, values);
    this.rows.length = 0;
  }
}

/**
 * Databento CSV / JSON files an import transcoded to temporary DBN files, one per file
 * (import-run.ts `importTranscoded`), and hands to a DBN importer in their place. The importer
 * reads the DBN files; what it records names the user's files: `hashFiles` gives their hash, the
 * run's source and the dataset's provenance list them (import-run.ts `recordedSource`), its
 * quarantine rows point at their lines (`QuarantineWriter`), and the lines the transcoder
 * rejected are quarantined in its run and counted (import-run.ts `startImportRun`,
 * `finishImportRun`). Registered for the duration of the import; temporary paths are unique.
 */
export interface TranscodedImport {
  format: ImportFormat;
  /** The user's files. */
  files: readonly string[];
  /** Their DBN transcodings, same order. */
  dbnFiles: readonly string[];
  /** SHA-256 of the user's files. */
  contentHash: string;
  /** The rejected lines, JSON lines of `TextReject` plus `file` (base name). */
  rejectsFile: string;
  rejected: number;
  rejectedByReason: Record<string, number>;
  /** Per file, the line of each record. */
  lineMaps: readonly LineMap[];
  /** Only the head of each file was transcoded: enough for an import the dataset holds already (skipped), never stored. */
  partial: boolean;
}

/**
 * Thrown when a partial (head-only) transcoding reaches `startImportRun`: the dataset no longer
 * holds the import, so it must be read whole (import-transcoded.ts retries). Never recorded.
 */
export class PartialTranscodingError extends Error {
  constructor() {
    super("The import was transcoded in part only; it is read again in full");
  }
}

const byDbnFiles = new Map<string, TranscodedImport>();
const byRun = new Map<string, TranscodedImport>();
const filesKey = (files: readonly unknown[]) => files.join("\0");

/** Registers a transcoded import; returns its unregistration. */
export function registerTranscodedImport(t: TranscodedImport): () => void {
  byDbnFiles.set(filesKey(t.dbnFiles), t);
  return () => {
    byDbnFiles.delete(filesKey(t.dbnFiles));
    for (const [run, registered] of byRun) if (registered === t) byRun.delete(run);
  };
}

/** The transcoded import whose DBN files are exactly `files`, or null. */
export function transcodedImportOf(files: unknown): TranscodedImport | null {
  return Array.isArray(files) && byDbnFiles.size > 0 ? (byDbnFiles.get(filesKey(files)) ?? null) : null;
}

/** Links an import run to the transcoded import it stores (its quarantine rows are then mapped to lines). */
export function attachTranscodedRun(importRunId: string, t: TranscodedImport): void {
  byRun.set(importRunId, t);
}

export function transcodedImportOfRun(importRunId: string): TranscodedImport | null {
  return byRun.get(importRunId) ?? null;
}

/** The user's file (base name) and line of record `index` (0-based, counted over all the import's files). */
export function textOrigin(t: TranscodedImport, index: number): { file: string; line: number } | null {
  let first = 0;
  for (let f = 0; f < t.lineMaps.length; f++) {
    const map = t.lineMaps[f];
    if (index < first + map.records) return { file: baseName(t.files[f]), line: map.lineOf(index - first) };
    first += map.records;
  }
  return null;
}
