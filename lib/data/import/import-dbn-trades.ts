/**
 * Imports the trades of Databento DBN files (trades schema, or the trade records of MBP-1/TBBO/
 * MBP-10 files) into a dataset. Streaming: memory stays bounded whatever the file size.
 *
 * - Every record is stored or quarantined with a reason (decoder: off_tick_grid, undefined_price,
 *   undefined_size, out_of_range; validation: see trade-validation.ts).
 * - All-or-nothing: ticks, quarantine and dataset statistics are written in one transaction; a
 *   failed import leaves the dataset exactly as before and is recorded as a failed import run.
 * - Idempotent: the files' content hash is recorded; importing the same content into the same
 *   dataset again changes nothing and says so.
 * - One instrument per dataset: the contract comes from `instrument` or from the file's symbols
 *   (e.g. ESU4 -> ES, expiring 2024-09-20 13:30 UTC).
 */
import { createHash } from "node:crypto";
import type pg from "pg";
import { AppError, conflict } from "../../errors";
import type { Db } from "../../db/prisma";
import { withTransaction } from "../../db/transaction";
import { getContractSpec, isKnownRoot } from "../../market/contract-spec";
import { lastTradeNs, parseContractSymbol } from "../../market/contract-symbol";
import { tsRecvNsAt } from "../../market/trade-columns";
import { readDbnMetadata } from "../dbn/decode";
import { readFileChunks } from "../dbn/dbn-file";
import { decodeTradeColumns } from "../dbn/columnar-trades";
import { syncInstruments } from "../datasets";
import { writeTrades } from "../tick-blocks";
import { TradeValidator, validationRulesSchema, type ValidationRules } from "./trade-validation";

export interface ImportReport {
  dataset: string;
  importRunId: string | null;
  skipped: boolean;
  read: number;
  accepted: number;
  rejected: number;
  rejectedByReason: Record<string, number>;
  from: string | null;
  to: string | null;
  instruments: string[];
  contentHash: string;
  ms: number;
}

export interface ImportOptions {
  files: string[];
  dataset: string;
  /** Contract symbol (ESU4, MNQZ5, MNQ 12-25) or root (MNQ); default: from the file's symbols. */
  instrument?: string;
  rules?: Partial<ValidationRules>;
  createdBy?: string;
}

async function hashFiles(files: string[]): Promise<string> {
  const hash = createHash("sha256");
  for (const file of files) for await (const chunk of readFileChunks(file)) hash.update(chunk);
  return hash.digest("hex");
}

async function* chunksOf(files: string[]): AsyncGenerator<Uint8Array> {
  for (const file of files) yield* readFileChunks(file);
}

/** The contract of the import: root (for tick size) and, for a dated contract, its expiry. */
async function resolveContract(files: string[], given?: string): Promise<{ root: string; symbol: string; expiryNs: bigint | null }> {
  let symbol = given?.trim().toUpperCase();
  if (!symbol) {
    const symbols = new Set<string>();
    for (const file of files) for (const s of (await readDbnMetadata(readFileChunks(file))).symbols) symbols.add(s);
    if (symbols.size !== 1) {
      throw new AppError("unprocessable", `Cannot tell the instrument from the files (symbols: ${[...symbols].join(", ") || "none"}); pass --instrument`);
    }
    symbol = [...symbols][0];
  }
  if (isKnownRoot(symbol)) return { root: getContractSpec(symbol).root, symbol, expiryNs: null };
  const rootOfParent = /^([A-Z0-9]+)\.(FUT|[cvn]\.\d+)$/.exec(symbol)?.[1];
  if (rootOfParent && isKnownRoot(rootOfParent)) return { root: rootOfParent, symbol, expiryNs: null };
  const contract = parseContractSymbol(symbol);
  return { root: getContractSpec(contract.root).root, symbol, expiryNs: lastTradeNs(contract.root, contract.year, contract.month) };
}

export async function importDbnTrades(db: Db, pool: pg.Pool, options: ImportOptions): Promise<ImportReport> {
  const started = Date.now();
  const rules = validationRulesSchema.parse(options.rules ?? {});
  const contract = await resolveContract(options.files, options.instrument);
  const spec = getContractSpec(contract.root);
  const contentHash = await hashFiles(options.files);
  await syncInstruments(db);
  const instrument = await db.instrument.findUniqueOrThrow({ where: { symbol: spec.root }, select: { id: true } });

  const existing = await db.dataset.findUnique({ where: { name: options.dataset }, include: { instrument: { select: { symbol: true } } } });
  if (existing && existing.instrument.symbol !== spec.root) {
    throw conflict(`Dataset ${options.dataset} holds ${existing.instrument.symbol}, not ${spec.root}`);
  }
  if (existing) {
    const previous = await db.importRun.findFirst({ where: { datasetId: existing.id, contentHash, status: "succeeded" } });
    if (previous) {
      return {
        dataset: options.dataset,
        importRunId: previous.id,
        skipped: true,
        read: 0,
        accepted: 0,
        rejected: 0,
        rejectedByReason: {},
        from: null,
        to: null,
        instruments: [contract.symbol],
        contentHash,
        ms: Date.now() - started,
      };
    }
  }

  const source = { files: options.files, format: "dbn", instrument: contract.symbol, rules };
  const counts: Record<string, number> = {};
  let read = 0;
  let accepted = 0;
  let firstNs: bigint | null = null;
  let lastNs: bigint | null = null;
  try {
    const importRunId = await withTransaction(pool, async (client) => {
      const dataset = existing
        ? existing.id
        : (
            await client.query<{ id: number }>(
              `INSERT INTO datasets (name, instrument_id, schema, status, provenance, created_by) VALUES ($1, $2, 'trades', 'importing', '{}', $3) RETURNING id`,
              [options.dataset, instrument.id, options.createdBy ?? null],
            )
          ).rows[0].id;
      const { rows: seqRows } = await client.query<{ n: string }>("SELECT record_count::text AS n FROM datasets WHERE id = $1 FOR UPDATE", [dataset]);
      let nextSeq = BigInt(seqRows[0].n);
      const run = await client.query<{ id: string }>(
        `INSERT INTO import_runs (dataset_id, status, source, content_hash, created_by) VALUES ($1, 'running', $2, $3, $4) RETURNING id`,
        [dataset, source, contentHash, options.createdBy ?? null],
      );
      const runId = run.rows[0].id;
      const validator = new TradeValidator(rules, contract.expiryNs);
      const quarantine: unknown[][] = [];
      const flushQuarantine = async () => {
        if (!quarantine.length) return;
        const values: unknown[] = [];
        const tuples = quarantine.map((row, i) => {
          values.push(runId, ...row);
          const o = i * 5;
          return `($${o + 1}, $${o + 2}, $${o + 3}, $${o + 4}, $${o + 5})`;
        });
        await client.query(`INSERT INTO quarantined_records (import_run_id, record_index, reason, ts_recv_ns, payload) VALUES ${tuples.join(",")}`, values);
        quarantine.length = 0;
      };
      const stream = decodeTradeColumns(chunksOf(options.files), { tickSizeNano: spec.tickSizeNano });
      for await (const batch of stream) {
        read += batch.columns.length + batch.rejected.length;
        for (const r of batch.rejected) {
          counts[r.reason] = (counts[r.reason] ?? 0) + 1;
          quarantine.push([r.recordIndex, r.reason, r.tsRecvNs.toString(), { instrumentId: r.instrumentId, priceNano: r.priceNano?.toString() ?? null, size: r.size }]);
        }
        const { accepted: ok, rejected } = validator.filter(batch.columns);
        for (const r of rejected) {
          counts[r.reason] = (counts[r.reason] ?? 0) + 1;
          quarantine.push([r.index, r.reason, r.tsRecvNs.toString(), { price: r.priceTicks * Number(spec.tickSize), size: r.size, side: r.side }]);
        }
        if (quarantine.length >= 1000) await flushQuarantine();
        if (ok.length > 0) {
          await writeTrades(client, { datasetId: dataset, instrumentId: instrument.id, tickSizeNano: spec.tickSizeNano, firstSeq: nextSeq }, ok);
          nextSeq += BigInt(ok.length);
          accepted += ok.length;
          firstNs ??= tsRecvNsAt(ok, 0);
          lastNs = tsRecvNsAt(ok, ok.length - 1);
        }
      }
      await flushQuarantine();
      const rejectedTotal = read - accepted;
      await client.query(
        `UPDATE import_runs SET status = 'succeeded', read_count = $2, accepted_count = $3, rejected_count = $4, rejected_by_reason = $5, finished_at = now() WHERE id = $1`,
        [runId, read, accepted, rejectedTotal, counts],
      );
      await client.query(
        `UPDATE datasets SET status = 'ready', record_count = $2, updated_at = now(),
                version = CASE WHEN record_count > 0 THEN version + 1 ELSE version END,
                start_ns = (SELECT min(first_ts_recv) FROM trade_blocks WHERE dataset_id = $1),
                end_ns = (SELECT max(last_ts_recv) FROM trade_blocks WHERE dataset_id = $1),
                provenance = provenance || jsonb_build_object('source', 'import', 'lastImport', $3::jsonb)
          WHERE id = $1`,
        [dataset, nextSeq.toString(), JSON.stringify({ importRunId: runId, contentHash, files: options.files.map((f) => f.split("/").pop()) })],
      );
      return runId;
    });
    const iso = (ns: bigint | null) => (ns === null ? null : new Date(Number(ns / 1_000_000n)).toISOString());
    return {
      dataset: options.dataset,
      importRunId,
      skipped: false,
      read,
      accepted,
      rejected: read - accepted,
      rejectedByReason: counts,
      from: iso(firstNs),
      to: iso(lastNs),
      instruments: [contract.symbol],
      contentHash,
      ms: Date.now() - started,
    };
  } catch (error) {
    // Nothing was written (the transaction rolled back); keep a trace of the failed attempt.
    if (existing) {
      await db.importRun
        .create({ data: { datasetId: existing.id, status: "failed", source, contentHash, error: (error as Error).message, finishedAt: new Date(), createdById: options.createdBy } })
        .catch(() => {});
    }
    throw error;
  }
}
