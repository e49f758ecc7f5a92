/**
 * Helpers shared by the importers (trades of any format, DBN MBO, quotes, status): content hash,
 * cancellation, file checks, DBN schema sniffing, the contract of an import and its quarantine
 * (the run's rows and report: import-run.ts).
 */
import { createHash } from "node:crypto";
import { stat } from "node:fs/promises";
import type pg from "pg";
import { AppError } from "../../errors";
import { getContractSpec, isKnownRoot } from "../../market/contract-spec";
import { lastTradeNs, parseContractSymbol } from "../../market/contract-symbol";
import { readDbnMetadata } from "../dbn/decode";
import { readFileChunks } from "../dbn/dbn-file";
import { baseName } from "../formats/file-chunks";

export function throwIfCancelled(signal?: AbortSignal): void {
  if (signal?.aborted) throw new AppError("cancelled", "Import cancelled");
}

/** SHA-256 of the files' bytes, in order (the idempotency key of an import). */
export async function hashFiles(files: readonly string[], signal?: AbortSignal): Promise<string> {
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

  constructor(
    private readonly client: pg.PoolClient,
    private readonly importRunId: string,
  ) {}

  /** Queues one record: its index in the source, the reason, its receive time (ns) and a payload. */
  async add(recordIndex: number, reason: string, tsRecvNs: string | null, payload: unknown): Promise<void> {
    this.push(recordIndex, reason, tsRecvNs, payload);
    await this.flushIfFull();
  }

  /** Queues one record as `add` does, without flushing (for a synchronous loop: call `flushIfFull`). */
  push(recordIndex: number, reason: string, tsRecvNs: string | null, payload: unknown): void {
    this.rows.push([recordIndex, reason, tsRecvNs, payload]);
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
