/**
 * Imports Databento DBN quote files - schemas mbp-1, tbbo, bbo-1s/bbo-1m and mbp-10 - into a
 * dataset of schema 'mbp-1' (or 'mbp-10' when every file is MBP-10): every record's top of book
 * into `quote_blocks` (lib/data/quote-blocks.ts) AND its trade, when it is one, into
 * `trade_blocks`, in one transaction (all-or-nothing), idempotent by content hash, failed attempts
 * recorded as in import-trades.ts. Streaming: memory bounded by a few blocks.
 *
 * Quotes (one per record, the book after the record; TBBO: the BBO just before the trade):
 * - an empty side (undefined price, size 0) is stored as empty (NaN);
 * - rejected (quarantined, reason): `quote_off_tick_grid` (a defined bid or ask off the contract's
 *   tick grid, never rounded), `quote_undefined_price` (a side with size > 0 but no price),
 *   `other_instrument` (the file's metadata maps the contract to other instrument ids);
 * - flagged, kept: `flag_crossed_quote` (bid > ask) and `flag_locked_quote` (bid = ask), quarantine
 *   rows with a `flag_` reason as in import-dbn-mbo.ts (counted in `flaggedByReason`, not rejected).
 *   Quotes are not checked against the session calendar or the expiry: they are the book's state.
 * - MBP-10 (every file of the import, and the dataset's quotes so far all have theirs): each
 *   record's ten levels a side and its update (action, side, depth, price, size, flags) are also
 *   stored in `depth_blocks` (lib/data/depth-blocks.ts), depth record i = quote i, for l2-queue
 *   on MBP-10 (lib/engine/depth/depth-feed.ts). The level rules extend the top of book's, and
 *   reject the whole record (quote and depth): `depth_off_tick_grid` (a defined price of level
 *   1-9 off the grid or out of range), `depth_undefined_price` (a level 1-9 side with a size but
 *   no price), `depth_inconsistent_levels` (a side's levels not strictly ordered best first, or a
 *   level after an empty one). An empty level is stored as price NaN, size 0, count 0. The
 *   record's own price is kept when on the grid, else stored as undefined (its trade, if any, is
 *   quarantined as below). A dataset that holds quotes without depth (imported before depth was
 *   kept, or MBP-1 data) keeps no depth: its runs stay on l1-quotes.
 * Trades: the T records of mbp-1 / tbbo / mbp-10 (BBO records carry the interval's last trade,
 * not a trade event: none), rejected as the DBN trade decoder does (`off_tick_grid`,
 * `undefined_price`, `undefined_size`, `out_of_range`), then the dataset's trade validation
 * (trade-validation.ts); counted in `trades`. The price band (a flag only) is not computed here.
 * A quote whose record was a trade is marked (QUOTE_KIND.TRADE) so a replay puts the trade right
 * after it (lib/engine/quotes/quote-feed.ts).
 */
import type pg from "pg";
import { AppError, conflict } from "../../errors";
import type { Db } from "../../db/prisma";
import { withTransaction } from "../../db/transaction";
import { getContractSpec } from "../../market/contract-spec";
import { allocateTradeColumns } from "../../market/trade-columns";
import { allocateQuoteColumns, QUOTE_KIND } from "../../engine/quotes/quote-columns";
import { decodeDbn, readDbnMetadata } from "../dbn/decode";
import { readFileChunks } from "../dbn/dbn-file";
import type { BidAskLevel } from "../dbn/records-market";
import { countedChunks } from "../formats/file-chunks";
import type { ByteCounter } from "../formats/types";
import { QUOTE_BLOCK_MAX_RECORDS, writeQuotes } from "../quote-blocks";
import { countDepth, DEPTH_BLOCK_MAX_RECORDS, writeDepth } from "../depth-blocks";
import { allocateDepthColumns, DEPTH_LEVELS, depthLevelsProblem, type DepthColumns } from "../../engine/depth/depth-columns";
import type { Mbp10Record } from "../dbn/records-market";
import type { ImportTradesOptions } from "./import-trades";
import { TradeValidator, validationRulesSchema } from "./trade-validation";
import { fileSizes, hashFiles, QuarantineWriter, resolveContract, throwIfCancelled, dbnSchemas } from "./import-files";
import { datasetIdFor, emptyImportReport, findImportDataset, finishDataset, finishImportRun, importReportOf, instrumentIdOf, lockDatasetCounts, noStoredTrades } from "./import-run";
import { previousImportRunId, recordFailedImport, startImportRun, storeTrades } from "./import-run";
import type { ImportReport, ImportReportBase } from "./import-run";

export const QUOTE_SCHEMAS = ["mbp-1", "tbbo", "mbp-10", "bbo-1s", "bbo-1m"] as const;

export function isQuoteSchema(schema: string | null): boolean {
  return schema !== null && (QUOTE_SCHEMAS as readonly string[]).includes(schema);
}

/**
 * The top-level counts (read, accepted, rejected, rejectedByReason) are the trades', exactly as a
 * trades import of the same files reports them (so existing clients and the dataset's record count
 * keep their meaning); `quotes` counts the quotes.
 */
export interface QuoteImportReport extends ImportReport {
  schema: "mbp-1" | "mbp-10";
  quotes: {
    /** Quote-bearing records read (of the contract's instrument or not). */
    read: number;
    accepted: number;
    rejected: number;
    rejectedByReason: Record<string, number>;
    /** Quotes stored but flagged (sum of the `flag_` reasons). */
    flagged: number;
    flaggedByReason: Record<string, number>;
  };
  /** MBP-10 depth records stored (one per accepted quote); 0 when the import keeps no depth. */
  depth?: { accepted: number };
}

const BATCH = QUOTE_BLOCK_MAX_RECORDS * 4;
/** Depth records per write: one block (a depth batch holds ~330 bytes a record in memory). */
const DEPTH_BATCH = DEPTH_BLOCK_MAX_RECORDS;
const TWO_50 = 2n ** 50n;
const TWO_31 = 0x7fffffff;
const PROGRESS_EVERY_MS = 250;

export async function importDbnQuotes(db: Db, pool: pg.Pool, options: ImportTradesOptions): Promise<QuoteImportReport> {
  const started = Date.now();
  const { signal, onProgress } = options;
  throwIfCancelled(signal);
  if (options.files.length === 0) throw new AppError("bad_request", "No file to import");
  const schemas = await dbnSchemas(options.files);
  const wrong = schemas.findIndex((s) => !isQuoteSchema(s));
  if (wrong >= 0) throw new AppError("unprocessable", `${options.files[wrong]} is a DBN file of schema ${schemas[wrong] ?? "mixed"}, not a quote schema (${QUOTE_SCHEMAS.join(", ")})`);
  const datasetSchema: "mbp-1" | "mbp-10" = schemas.every((s) => s === "mbp-10") ? "mbp-10" : "mbp-1";
  const rules = validationRulesSchema.parse(options.rules ?? {});
  const metas = [];
  for (const file of options.files) metas.push(await readDbnMetadata(readFileChunks(file)));
  const symbols = [...new Set(metas.flatMap((m) => m.symbols.map((s) => s.toUpperCase())))];
  const contract = resolveContract(options.instrument ? [] : symbols, options.instrument);
  // The Databento instrument ids the metadata maps the contract to (empty: no mapping, keep all).
  const onlyIds = new Set<number>();
  for (const m of metas) for (const map of m.mappings) if (map.rawSymbol.toUpperCase() === contract.symbol) for (const iv of map.intervals) if (/^\d+$/.test(iv.symbol)) onlyIds.add(Number(iv.symbol));
  const spec = getContractSpec(contract.root);
  const tickNano = spec.tickSizeNano;
  const totalBytes = await fileSizes(options.files);
  const contentHash = await hashFiles(options.files, signal);
  const instrumentId = await instrumentIdOf(db, spec.root);
  const existing = await findImportDataset(db, options.dataset, spec.root);
  // A trades dataset takes quotes too (it becomes a quote dataset); an MBO dataset does not.
  if (existing && existing.schema === "mbo") throw conflict(`Dataset ${options.dataset} holds mbo data; import quote files (MBP-1, TBBO, BBO, MBP-10) into a trades or quote dataset`);

  const base: ImportReportBase = { dataset: options.dataset, format: "dbn", contentHash, instruments: [contract.symbol], started, flags: {} };
  const report = (core: ImportReport, fields: Partial<QuoteImportReport> = {}): QuoteImportReport => ({
    ...core,
    schema: datasetSchema,
    quotes: { read: 0, accepted: 0, rejected: 0, rejectedByReason: {}, flagged: 0, flaggedByReason: {} },
    depth: { accepted: 0 },
    ...fields,
  });
  const previous = existing && (await previousImportRunId(db, existing.id, contentHash));
  if (previous) {
    onProgress?.({ bytesRead: totalBytes, totalBytes, read: 0, accepted: 0, rejected: 0 });
    return report({ ...emptyImportReport(base), importRunId: previous, skipped: true });
  }

  const sourceInfo = { files: options.files, format: "dbn", schema: datasetSchema, instrument: contract.symbol, rules };
  const counter: ByteCounter = { bytesRead: 0 };
  const counts: Record<string, number> = {};
  const flags: Record<string, number> = {};
  const tradeCounts: Record<string, number> = {};
  let read = 0;
  let accepted = 0;
  let flagged = 0;
  let tradesRead = 0;
  let depthAccepted = 0;
  const stored = noStoredTrades();
  // Mixing MBP-1 into MBP-10 (or into an mbp-1 dataset) makes an mbp-1 dataset.
  const finalSchema = existing?.schema === "mbp-10" && datasetSchema === "mbp-10" ? "mbp-10" : existing?.schema === "mbp-1" ? "mbp-1" : datasetSchema;
  let lastProgressAt = Date.now();
  try {
    const importRunId = await withTransaction(pool, async (client) => {
      const dataset = await datasetIdFor(client, existing, { name: options.dataset, instrumentId, schema: datasetSchema, createdBy: options.createdBy, contract: contract.expiryNs === null ? null : contract.symbol });
      const seqs = await lockDatasetCounts(client, dataset, { table: "quote_blocks", countColumn: "quote_count" });
      let nextQuoteSeq = seqs.records;
      stored.nextSeq = seqs.trades;
      // Depth is kept when the dataset stays mbp-10 and every quote it holds has its depth record.
      let nextDepthSeq = finalSchema === "mbp-10" ? BigInt(await countDepth(client, dataset)) : -1n;
      const depth: DepthColumns | null = nextDepthSeq === seqs.records ? allocateDepthColumns(DEPTH_BATCH, 0n) : null;
      const runId = await startImportRun(client, dataset, sourceInfo, contentHash, options.createdBy);
      const quarantine = new QuarantineWriter(client, runId);
      const validator = new TradeValidator(rules, contract.expiryNs);
      const quotes = allocateQuoteColumns(BATCH, 0n);
      const trades = allocateTradeColumns(BATCH, 0n);
      const tradeRecord = new Float64Array(BATCH);

      const flushDepth = async () => {
        if (depth === null || depth.length === 0) return;
        await writeDepth(client, { datasetId: dataset, instrumentId, tickSizeNano: tickNano, firstSeq: nextDepthSeq }, depth);
        nextDepthSeq += BigInt(depth.length);
        depthAccepted += depth.length;
        depth.length = 0;
      };
      const flush = async () => {
        await flushDepth();
        if (quotes.length > 0) {
          await writeQuotes(client, { datasetId: dataset, instrumentId, tickSizeNano: tickNano, firstSeq: nextQuoteSeq }, quotes);
          nextQuoteSeq += BigInt(quotes.length);
          accepted += quotes.length;
          quotes.length = 0;
        }
        tradesRead += trades.length;
        const { accepted: ok, rejected } = validator.filter(trades);
        for (const r of rejected) {
          tradeCounts[r.reason] = (tradeCounts[r.reason] ?? 0) + 1;
          quarantine.push(tradeRecord[r.index], r.reason, r.tsRecvNs.toString(), { price: r.priceTicks * Number(spec.tickSize), size: r.size, side: r.side });
        }
        await storeTrades(client, { datasetId: dataset, instrumentId, tickSizeNano: tickNano }, ok, stored);
        trades.length = 0;
        await quarantine.flush();
      };

      const tick = Number(tickNano);
      /** A side's price in ticks: NaN = empty; undefined = rejected (reason in `why`). */
      const why: { reason: string | null } = { reason: null };
      const sideTicks = (px: bigint | null, size: number | null): number => {
        if (px === null) {
          if (size !== null && size > 0) why.reason = "quote_undefined_price";
          return Number.NaN;
        }
        if (px % tickNano !== 0n || px / tickNano > BigInt(TWO_31) || px / tickNano < -BigInt(TWO_31)) {
          why.reason = "quote_off_tick_grid";
          return Number.NaN;
        }
        return Number(px) / tick;
      };

      /**
       * Writes record `r`'s depth into the next free row of `depth` (not yet counted) and returns the
       * reason to reject the record, or null (level 0 passed the quote rules already).
       */
      const depthRow = (d: DepthColumns, r: Mbp10Record): string | null => {
        if (d.length === 0) d.baseNs = r.tsRecvNs;
        const i = d.length;
        const row = i * DEPTH_LEVELS;
        for (let k = 0; k < DEPTH_LEVELS; k++) {
          const l = r.levels[k];
          why.reason = null;
          d.bidTicks[row + k] = sideTicks(l?.bidPxNano ?? null, l?.bidSize ?? null);
          d.askTicks[row + k] = sideTicks(l?.askPxNano ?? null, l?.askSize ?? null);
          if (why.reason !== null) return why.reason === "quote_off_tick_grid" ? "depth_off_tick_grid" : "depth_undefined_price";
          const bid = d.bidTicks[row + k] === d.bidTicks[row + k];
          const ask = d.askTicks[row + k] === d.askTicks[row + k];
          d.bidSize[row + k] = bid ? (l.bidSize ?? 0) : 0;
          d.askSize[row + k] = ask ? (l.askSize ?? 0) : 0;
          d.bidCount[row + k] = bid ? (l.bidCount ?? 0) : 0;
          d.askCount[row + k] = ask ? (l.askCount ?? 0) : 0;
        }
        if (depthLevelsProblem(d, i) !== null) return "depth_inconsistent_levels";
        d.tsRecvOffsetNs[i] = Number(r.tsRecvNs - d.baseNs);
        d.tsEventDeltaNs[i] = Number(r.tsEventNs - r.tsRecvNs);
        d.action[i] = r.action.charCodeAt(0);
        d.side[i] = r.side.charCodeAt(0);
        d.depth[i] = r.depth;
        d.flags[i] = r.flags;
        const px = r.priceNano;
        d.priceTicks[i] = px !== null && px % tickNano === 0n && px / tickNano <= BigInt(TWO_31) && px / tickNano >= -BigInt(TWO_31) ? Number(px / tickNano) : Number.NaN;
        d.size[i] = r.size ?? 0;
        return null;
      };

      for (let f = 0; f < options.files.length; f++) {
        const stream = decodeDbn(countedChunks(options.files[f], counter));
        for await (const record of stream) {
          if (record.kind !== "mbp-1" && record.kind !== "mbp-10" && record.kind !== "bbo") continue;
          const index = read++;
          if (index % 65_536 === 0) throwIfCancelled(signal);
          const tsNs = record.tsRecvNs;
          const tsText = () => tsNs.toString();
          if (onlyIds.size > 0 && !onlyIds.has(record.instrumentId)) {
            counts.other_instrument = (counts.other_instrument ?? 0) + 1;
            quarantine.push(index, "other_instrument", tsText(), { instrumentId: record.instrumentId });
            await quarantine.flushIfFull();
            continue;
          }
          if (quotes.length === 0 && trades.length === 0) {
            quotes.baseNs = tsNs;
            trades.baseNs = tsNs;
          }
          const offset = Number(tsNs - quotes.baseNs);
          const evDelta = Number(record.tsEventNs - tsNs);
          const level: BidAskLevel = record.levels[0];
          const isTrade = record.kind !== "bbo" && record.action === "T";
          why.reason = null;
          const bid = sideTicks(level.bidPxNano, level.bidSize);
          const ask = sideTicks(level.askPxNano, level.askSize);
          // Depth rows go with the quotes: record i of the depth is quote i (every file is MBP-10 when depth is kept).
          let rejection: string | null = why.reason;
          let payload: Record<string, unknown> | null = rejection === null ? null : levelPayload(level);
          if (rejection === null && depth !== null && record.kind === "mbp-10") {
            rejection = depthRow(depth, record);
            if (rejection === null) depth.length++;
            else payload = { levels: record.levels.map(levelPayload) };
          }
          if (rejection !== null) {
            counts[rejection] = (counts[rejection] ?? 0) + 1;
            quarantine.push(index, rejection, tsText(), payload);
          } else {
            const q = quotes.length++;
            quotes.tsRecvOffsetNs[q] = offset;
            quotes.tsEventDeltaNs[q] = evDelta;
            quotes.bidTicks[q] = bid;
            quotes.askTicks[q] = ask;
            quotes.bidSize[q] = bid === bid ? (level.bidSize ?? 0) : 0;
            quotes.askSize[q] = ask === ask ? (level.askSize ?? 0) : 0;
            quotes.bidCount[q] = level.bidCount ?? 0;
            quotes.askCount[q] = level.askCount ?? 0;
            quotes.kind[q] = isTrade ? QUOTE_KIND.TRADE : 0;
            if (bid === bid && ask === ask && bid >= ask) {
              const reason = bid > ask ? "flag_crossed_quote" : "flag_locked_quote";
              flags[reason] = (flags[reason] ?? 0) + 1;
              flagged++;
              quarantine.push(index, reason, tsText(), levelPayload(level));
            }
          }
          if (isTrade) {
            const px = record.priceNano;
            const sz = record.size;
            const reason =
              px === null ? "undefined_price"
              : sz === null ? "undefined_size"
              : sz > TWO_31 ? "out_of_range"
              : px % tickNano !== 0n ? "off_tick_grid"
              : px / tickNano > BigInt(TWO_31) || px / tickNano < -BigInt(TWO_31) ? "out_of_range"
              : null;
            if (reason !== null) {
              tradeCounts[reason] = (tradeCounts[reason] ?? 0) + 1;
              tradesRead++;
              quarantine.push(index, reason, tsText(), { instrumentId: record.instrumentId, priceNano: px?.toString() ?? null, size: sz });
            } else {
              const t = trades.length++;
              trades.tsOffsetNs[t] = offset;
              trades.eventDeltaNs[t] = evDelta;
              trades.priceTicks[t] = Number(px! / tickNano);
              trades.size[t] = sz!;
              trades.side[t] = record.side === "B" ? 1 : record.side === "A" ? -1 : 0;
              tradeRecord[t] = index;
            }
          }
          await quarantine.flushIfFull();
          if (quotes.length === BATCH || trades.length === BATCH || offset > 2 ** 50) await flush();
          else if (depth !== null && (depth.length === DEPTH_BATCH || (depth.length > 0 && tsNs - depth.baseNs > TWO_50))) await flushDepth();
          if (onProgress && Date.now() - lastProgressAt >= PROGRESS_EVERY_MS) {
            lastProgressAt = Date.now();
            onProgress({ bytesRead: counter.bytesRead, totalBytes, read: tradesRead + trades.length, accepted: stored.accepted, rejected: tradesRead - stored.accepted });
          }
        }
      }
      await flush();
      throwIfCancelled(signal);
      // The run's counts are the trades' (as a trades import); its reasons add the quotes' (quote_*, flag_*, other_instrument).
      await finishImportRun(client, runId, { read: tradesRead, accepted: stored.accepted, rejected: tradesRead - stored.accepted, rejectedByReason: { ...tradeCounts, ...counts, ...flags } });
      await finishDataset(client, dataset, {
        recordCount: stored.nextSeq,
        blockTables: ["quote_blocks", "trade_blocks"],
        lastImport: { importRunId: runId, contentHash, format: "dbn", schema: datasetSchema, files: options.files },
        schema: finalSchema,
      });
      return runId;
    });
    onProgress?.({ bytesRead: totalBytes, totalBytes, read: tradesRead, accepted: stored.accepted, rejected: tradesRead - stored.accepted });
    return report(importReportOf(base, { importRunId, read: tradesRead, accepted: stored.accepted, rejectedByReason: tradeCounts, firstNs: stored.firstNs, lastNs: stored.lastNs }), {
      quotes: { read, accepted, rejected: read - accepted, rejectedByReason: { ...counts, ...flags }, flagged, flaggedByReason: flags },
      depth: { accepted: depthAccepted },
    });
  } catch (error) {
    await recordFailedImport(db, { error, existing, datasetName: options.dataset, source: sourceInfo, contentHash, createdBy: options.createdBy, started });
    throw error;
  }
}

function levelPayload(level: BidAskLevel): Record<string, unknown> {
  return {
    bidPxNano: level.bidPxNano?.toString() ?? null,
    askPxNano: level.askPxNano?.toString() ?? null,
    bidSize: level.bidSize,
    askSize: level.askSize,
  };
}
