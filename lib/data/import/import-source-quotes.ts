/**
 * The quotes a trade source carries next to its trades (`SourceBatch.quotes`: NinjaTrader
 * `last;bid;ask;volume` exports, lib/data/formats/types.ts), stored by importTrades inside its
 * transaction: `quote_blocks` rows after the dataset's stored quotes (lib/data/quote-blocks.ts),
 * the rejected quotes (`quote_*`) and the flagged ones (`flag_*`, stored too) in quarantine, and
 * the counts of a QuoteImportReport's `quotes` (as the DBN quote import, import-dbn-quotes.ts).
 *
 * A quote paired with a trade (QUOTE_KIND.TRADE) loses the mark when trade validation rejects
 * that trade, so the replay never pairs it with the next trade of the same time
 * (lib/engine/quotes/quote-feed.ts).
 */
import type pg from "pg";
import { conflict } from "../../errors";
import { QUOTE_KIND } from "../../engine/quotes/quote-columns";
import type { SourceQuotes, SourceRejected } from "../formats/types";
import { writeQuotes } from "../quote-blocks";
import type { QuarantineWriter } from "./import-files";
import type { QuoteImportReport } from "./import-dbn-quotes";
import type { ImportDataset } from "./import-run";

export class SourceQuoteWriter {
  /** Index in the dataset of the next quote written; read from the store at the first write. */
  private nextSeq: bigint | null = null;

  constructor(
    private readonly client: pg.PoolClient,
    private readonly dataset: { datasetId: number; instrumentId: number; tickSizeNano: bigint },
    private readonly quarantine: QuarantineWriter,
    /** Where the counts go (a report's `quotes`). */
    readonly counts: QuoteImportReport["quotes"] = noQuoteCounts(),
  ) {}

  /**
   * Stores a batch's quotes. `rejectedTrades`: positions (in the batch's trade columns) of the
   * trades validation rejected. Call it while the dataset's row is locked (the import's transaction).
   */
  async write(quotes: SourceQuotes, rejectedTrades: Iterable<number>): Promise<void> {
    const c = quotes.columns;
    for (const position of rejectedTrades) {
      const q = quotes.quoteOfTrade[position];
      if (q >= 0) c.kind[q] &= ~QUOTE_KIND.TRADE;
    }
    const counts = this.counts;
    counts.read += quotes.read;
    counts.accepted += c.length;
    counts.rejected = counts.read - counts.accepted;
    for (const r of quotes.rejected) await this.quarantined(r, counts.rejectedByReason);
    for (const r of quotes.flagged) {
      counts.flagged++;
      await this.quarantined(r, counts.flaggedByReason);
      counts.rejectedByReason[r.reason] = (counts.rejectedByReason[r.reason] ?? 0) + 1;
    }
    if (c.length === 0) return;
    if (this.nextSeq === null) {
      const { rows } = await this.client.query<{ n: string }>("SELECT coalesce(sum(quote_count), 0)::text AS n FROM quote_blocks WHERE dataset_id = $1", [this.dataset.datasetId]);
      this.nextSeq = BigInt(rows[0].n);
    }
    await writeQuotes(this.client, { ...this.dataset, firstSeq: this.nextSeq }, c);
    this.nextSeq += BigInt(c.length);
  }

  private async quarantined(r: SourceRejected, byReason: Record<string, number>): Promise<void> {
    byReason[r.reason] = (byReason[r.reason] ?? 0) + 1;
    await this.quarantine.add(r.recordIndex, r.reason, r.tsRecvNs?.toString() ?? null, r.payload);
  }
}

/** The `quotes` counts of a report with none read. */
export function noQuoteCounts(): QuoteImportReport["quotes"] {
  return { read: 0, accepted: 0, rejected: 0, rejectedByReason: {}, flagged: 0, flaggedByReason: {} };
}

/**
 * NinjaTrader's two tick forms do not mix in one dataset (lib/data/formats/ninjatrader.ts):
 * `price;volume` (Last) trades appended to a quote dataset (mbp-1, mbp-10) would meet a stale book
 * on l1-quotes, and a `last;bid;ask;volume` export into a dataset of trades without quotes would
 * give quotes to part of its time only. Both are refused (409). A quote dataset takes further
 * bid/ask exports (and DBN quote files), a trades dataset further Last exports.
 */
export async function refuseMixedTickForms(pool: pg.Pool, name: string, existing: ImportDataset, withQuotes: boolean): Promise<void> {
  if (!withQuotes && (existing.schema === "mbp-1" || existing.schema === "mbp-10")) {
    throw conflict(
      `Dataset ${name} holds quotes (${existing.schema}); this NinjaTrader export has no bid/ask (price;volume), so its trades would replay against a stale book: import it into a trades dataset, or export last;bid;ask;volume`,
    );
  }
  if (withQuotes && existing.schema === "trades") {
    const { rows } = await pool.query("SELECT 1 FROM trade_blocks WHERE dataset_id = $1 LIMIT 1", [existing.id]);
    if (rows.length > 0) {
      throw conflict(`Dataset ${name} holds trades without quotes; this NinjaTrader export has bid/ask (last;bid;ask;volume): import it into a new dataset (it becomes a quote dataset, schema mbp-1)`);
    }
  }
}
