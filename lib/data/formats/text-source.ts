/**
 * A trade source over line-oriented text files (Databento CSV/JSON, NinjaTrader, generic CSV):
 * each file gets a fresh `LineParser` (its own header), lines are split streaming
 * (line-splitter.ts) and every line is a trade, a rejected record (quarantined with the raw line
 * and its 1-based line number) or skipped (blank, header, a non-trade record such as a book update
 * in MBP-1). Skipped lines are not counted as read records, like non-trade records in DBN files.
 */
import { baseName, contentChunks } from "./file-chunks";
import { LineSplitter } from "./line-splitter";
import { TradeBatcher } from "./trade-batcher";
import { emptyParsedTrade, type ByteCounter, type ImportFormat, type ParsedTrade, type ParseReject, type SourceBatch, type TradeSource } from "./types";

/** What a line is: a trade (written into `out`), a reject, or nothing to count. */
export type LineOutcome = "trade" | "skip" | ParseReject;

export interface LineParser {
  parse(line: string, out: ParsedTrade): LineOutcome;
  /** End of the file: may throw when the file as a whole is unusable. */
  end?(file: string): void;
}

export interface TextSourceSpec {
  format: ImportFormat;
  files: string[];
  counter?: ByteCounter;
  newParser(file: string): LineParser;
  /** Symbols the files name (default: none). */
  symbols?(): Promise<string[]>;
}

export class TextTradeSource implements TradeSource {
  readonly format: ImportFormat;

  constructor(private readonly spec: TextSourceSpec) {
    this.format = spec.format;
  }

  symbols(): Promise<string[]> {
    return this.spec.symbols ? this.spec.symbols() : Promise.resolve([]);
  }

  async *batches(tickSizeNano: bigint): AsyncGenerator<SourceBatch> {
    const batcher = new TradeBatcher(tickSizeNano);
    for (const file of this.spec.files) {
      const reader = new TextRecordReader(this.spec.newParser(file), batcher, baseName(file));
      for await (const chunk of contentChunks(file, this.spec.counter)) {
        reader.push(chunk);
        yield* batcher.takeReady();
      }
      reader.finish();
      yield* batcher.takeReady();
    }
    batcher.cut();
    yield* batcher.takeReady();
  }
}

/** Feeds one file's bytes, chunk by chunk, through a line parser into a batcher. Pure. */
export class TextRecordReader {
  private readonly splitter: LineSplitter;
  private lineNo = 0;
  private readonly scratch = emptyParsedTrade();

  constructor(
    private readonly parser: LineParser,
    private readonly batcher: TradeBatcher,
    private readonly file: string,
  ) {
    this.splitter = new LineSplitter(file);
  }

  push(chunk: Uint8Array): void {
    for (const line of this.splitter.push(chunk)) this.line(line);
  }

  finish(): void {
    for (const line of this.splitter.finish()) this.line(line);
    this.parser.end?.(this.file);
  }

  private line(line: string): void {
    this.lineNo++;
    if (line.trim().length === 0) return;
    const outcome = this.parser.parse(line, this.scratch);
    if (outcome === "skip") return;
    const origin = { recordIndex: this.lineNo, file: this.file, text: line };
    if (outcome === "trade") this.batcher.add(this.scratch, origin);
    else this.batcher.reject(origin, outcome.reason, outcome.tsRecvNs, { detail: outcome.detail });
  }
}
