/**
 * Databento CSV and JSON lines of any schema we import -> a temporary DBN file, so that text goes
 * through exactly the validation and storage of the DBN importers (lib/data/import: the trades
 * schema keeps its direct text path, databento-text.ts).
 *
 * - Schema: a CSV's from its header (columns by name, databento-records.ts), a JSON file's from
 *   its metadata line (when Databento wrote one) or its first record's `hd.rtype`; the exact
 *   schema (bbo-1s/1m, the OHLCV interval) from the records' rtype, tbbo when every MBP-1 record
 *   is a trade. A file whose schema cannot be told is an AppError ("unprocessable").
 * - Every line is encoded as one DBN record, or rejected (`malformed`, with a detail and the raw
 *   line, `TextReject`), or is not a record (blank, the header, the metadata line): nothing is
 *   dropped silently. `LineMap` maps a record's index back to its line number.
 * - Instruments: `instrument_id` is kept. A `symbol` column (Databento's map_symbols) becomes
 *   the metadata's symbols and symbol -> instrument id mappings per UTC date, as Databento's own
 *   metadata has them; a file with symbols but no ids gets one id per symbol (1, 2, ...). Without
 *   symbols, the import's instrument (when given) names the file's first instrument id, the
 *   others stay unmapped (the DBN importers quarantine them as other_instrument), as the text
 *   trades path does. A JSON metadata line is used as it is (dataset, range, symbols, mappings).
 *   A CSV carries no range: the metadata's end is unknown (null).
 * - Output: DBN v3 (v2 for definitions with pre-v3 fields, databento-records.ts). Memory stays
 *   flat: lines are encoded as they come into 1 MiB chunks written at once; the metadata, known
 *   only at the end, is written into space reserved at the start of the file (or, when it does
 *   not fit, in front of a copy of the records).
 */
import { createReadStream, createWriteStream } from "node:fs";
import { open, rename, writeFile } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import { AppError } from "../../errors";
import { encodedLength, encodeMetadata, encodeRecordInto, type MetadataInput } from "../dbn/encoder";
import type { MappingInterval, SymbolMapping } from "../dbn/metadata";
import type { DbnRecord } from "../dbn/record";
import { utcDateOf } from "../dbn/symbol-map";
import { splitCsvLine } from "./csv-fields";
import {
  buildRecord, FAMILY_RTYPES, familyOfFields, familyOfRtype, familyOfSchema, LineError, missingField, PRE_V3_DEFINITION_FIELDS, REQUIRED_FIELDS,
  SCHEMA_OF_RTYPE, str, ts, type RecordContext, type TextFamily, type TextRow,
} from "./databento-records";
import { baseName, contentChunks, headBytes, headLines } from "./file-chunks";
import { LineSplitter } from "./line-splitter";
import type { ByteCounter } from "./types";

export type DatabentoTextFormat = "databento-csv" | "databento-json";

/** A line that is not a record: quarantined with its 1-based line number and the raw line. */
export interface TextReject {
  line: number;
  reason: "malformed";
  detail: string;
  /** The raw line, clipped to 2,000 characters. */
  text: string;
}

const CHUNK_BYTES = 1 << 20;
const MAX_RECORD_BYTES = 1024;
export const METADATA_RESERVE_BYTES = 64 * 1024;

/** The record lines of one file: record index (0-based, in file order) -> line number. */
export class LineMap {
  records = 0;
  /** Lines so far. */
  lines = 0;
  /** Runs of consecutive non-record lines: first line, length, non-record lines before the run. */
  private readonly runStart: number[] = [];
  private readonly runLength: number[] = [];
  private readonly runGapsBefore: number[] = [];

  record(): void {
    this.lines++;
    this.records++;
  }

  gap(): void {
    const line = ++this.lines;
    const last = this.runStart.length - 1;
    if (last >= 0 && this.runStart[last] + this.runLength[last] === line) this.runLength[last]++;
    else {
      this.runGapsBefore.push(last >= 0 ? this.runGapsBefore[last] + this.runLength[last] : 0);
      this.runStart.push(line);
      this.runLength.push(1);
    }
  }

  /** The 1-based line of record `index`. */
  lineOf(index: number): number {
    // Records before run k: runStart[k] - 1 - runGapsBefore[k] (non-decreasing): take the last run at or before the record.
    let lo = 0;
    let hi = this.runStart.length - 1;
    let k = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.runStart[mid] - 1 - this.runGapsBefore[mid] <= index) {
        k = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return k < 0 ? index + 1 : index + 1 + this.runGapsBefore[k] + this.runLength[k];
  }
}

/** The pure core: lines in, DBN record bytes and rejects out, the metadata at the end. */
export class DatabentoTextTranscoder {
  readonly lineMap = new LineMap();
  family: TextFamily | null = null;
  /** DBN version of the output: 3, or 2 for definitions with pre-v3 fields. */
  version = 3;
  tsOut = false;
  private schema: string | null = null;
  private firstRtype: number | null = null;
  private allTrades = true;
  private minTsNs: bigint | null = null;
  private columns: Map<string, number> | null = null;
  private width = 0;
  private jsonMetadata: MetadataInput | null = null;
  private contentLines = 0;
  private readonly symbols = new SymbolCollector();
  private readonly out = new ChunkWriter();
  private rejects: TextReject[] = [];
  private ctx: RecordContext | null = null;
  private firstInstrumentId: number | null = null;

  constructor(
    readonly format: DatabentoTextFormat,
    /** The file's name, for messages. */
    readonly file: string,
    /**
     * The import's instrument, for a file without symbols: it names the file's first instrument id
     * (in the metadata's mappings), as the text trades path takes the first trade's instrument.
     */
    private readonly assumeSymbol?: string,
  ) {}

  /** Feeds the next line of the file (without its terminator). */
  line(text: string): void {
    if (text.trim().length === 0) return this.lineMap.gap();
    this.contentLines++;
    if (this.format === "databento-csv") this.csvLine(text);
    else this.jsonLine(text);
  }

  /** End of the file: throws when its schema could not be told. */
  finish(): void {
    if (!this.family) {
      throw new AppError("unprocessable", `Cannot tell the Databento schema of ${this.file}: ${this.contentLines === 0 ? "it holds no line of text" : "no line is a record of a schema Tickbench imports"}`);
    }
    if (this.family === "ohlcv" && this.schemaName() === null) throw new AppError("unprocessable", `${this.file} holds no bar, so its bar interval cannot be told`);
  }

  /** The DBN schema of the records ("mbp-1", "ohlcv-1m"...), null while unknown. */
  schemaName(): string | null {
    if (this.schema) return this.schema;
    if (this.firstRtype !== null) {
      const schema = SCHEMA_OF_RTYPE[this.firstRtype];
      return schema === "mbp-1" && this.allTrades ? "tbbo" : schema;
    }
    if (!this.family || this.family === "ohlcv") return null;
    return this.family === "bbo" ? "bbo-1s" : this.family;
  }

  /** Encoded record bytes since the last call (full chunks; all of them when `final`). */
  takeBytes(final = false): Uint8Array[] {
    return final ? this.out.flush() : this.out.take();
  }

  takeRejects(): TextReject[] {
    const rejects = this.rejects;
    this.rejects = [];
    return rejects;
  }

  /** The DBN metadata of what was read (padded to `padTo` bytes when given; RangeError when it does not fit). */
  metadata(padTo?: number): Uint8Array {
    const m = this.jsonMetadata;
    const useFile = m !== null && !this.symbols.synthesized;
    const symbols = useFile && m.symbols && m.symbols.length > 0 ? m.symbols : this.symbols.symbols();
    return encodeMetadata(
      {
        version: this.version,
        dataset: m?.dataset ?? "",
        schema: this.schemaName(),
        startNs: m?.startNs ?? this.minTsNs ?? 0n,
        endNs: m?.endNs ?? null,
        limit: m?.limit ?? null,
        stypeIn: m?.stypeIn !== undefined ? m.stypeIn : symbols.length > 0 ? "raw_symbol" : null,
        stypeOut: m?.stypeOut ?? "instrument_id",
        tsOut: this.tsOut,
        symbols,
        partial: m?.partial ?? [],
        notFound: m?.notFound ?? [],
        mappings: useFile && m.mappings && m.mappings.length > 0 ? m.mappings : this.symbols.mappings(),
      },
      padTo,
    );
  }

  private csvLine(text: string): void {
    if (!this.columns) {
      this.header(splitCsvLine(text) ?? []);
      return this.lineMap.gap();
    }
    const fields = splitCsvLine(text);
    if (!fields) return this.reject(text, "unterminated quoted field");
    if (fields.length !== this.width) return this.reject(text, `${fields.length} fields, the header has ${this.width}`);
    this.record(new CsvRow(fields, this.columns), text);
  }

  private header(names: string[]): void {
    const columns = new Map<string, number>();
    names.forEach((name, i) => columns.set(name.trim(), i));
    const family = familyOfFields(names);
    const shown = names.join(",");
    const headerText = `"${shown.length > 200 ? `${shown.slice(0, 200)}...` : shown}"`;
    if (!family) {
      throw new AppError("unprocessable", `Cannot tell the Databento schema of ${this.file}: the header ${headerText} is not that of trades, tbbo, mbp-1, mbp-10, bbo, mbo, ohlcv, status, definition or statistics`);
    }
    const missing = REQUIRED_FIELDS[family].filter((name) => !columns.has(name));
    if (missing.length) throw new AppError("unprocessable", `${this.file} is not a Databento CSV of ${family}: the header ${headerText} lacks ${missing.join(", ")}`);
    this.columns = columns;
    this.width = names.length;
    this.start(family, (name) => columns.has(name));
  }

  private jsonLine(text: string): void {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return this.reject(text, "not a JSON object");
    }
    if (!value || typeof value !== "object" || Array.isArray(value)) return this.reject(text, "not a JSON object");
    const obj = value as Record<string, unknown>;
    const hd = obj.hd;
    if (!hd || typeof hd !== "object" || Array.isArray(hd)) {
      if (!("dataset" in obj && "schema" in obj)) return this.reject(text, 'no "hd" record header');
      if (this.contentLines > 1 || this.lineMap.records > 0) return this.reject(text, "a metadata object after the first line");
      try {
        this.readMetadata(obj);
      } catch (error) {
        if (error instanceof LineError) return this.reject(text, `metadata: ${error.message}`);
        throw error;
      }
      return this.lineMap.gap();
    }
    const row = new JsonRow(obj, hd as Record<string, unknown>);
    const rtype = (hd as Record<string, unknown>).rtype;
    if (!this.ctx) {
      const family = this.family ?? (typeof rtype === "number" ? familyOfRtype(rtype) : familyOfFields(jsonFieldNames(obj)));
      if (!family) return this.reject(text, typeof rtype === "number" ? `rtype ${rtype} is not a record of a schema Tickbench imports` : "not a record of a schema Tickbench imports");
      this.start(family, (name) => row.get(name) !== undefined);
    }
    if (typeof rtype === "number" && !FAMILY_RTYPES[this.family as TextFamily].includes(rtype)) return this.reject(text, `rtype ${rtype} is not a ${this.family} record`);
    const missing = missingField(row, this.family as TextFamily);
    if (missing) return this.reject(text, `no ${missing} field`);
    this.record(row, text);
  }

  /** The file's family is known: fix what depends on it before the first record. */
  private start(family: TextFamily, has: (name: string) => boolean): void {
    this.family = family;
    this.tsOut ||= has("ts_out");
    const preV3 = family === "definition" && PRE_V3_DEFINITION_FIELDS.some(has);
    if (preV3) this.version = 2;
    this.ctx = { family, defaultRtype: FAMILY_RTYPES[family][0], tsOut: this.tsOut, preV3, instrumentIdOf: (row) => this.symbols.idFor(symbolOf(row)) };
  }

  private record(row: TextRow, text: string): void {
    const ctx = this.ctx as RecordContext;
    try {
      const record = buildRecord(row, ctx);
      if (!FAMILY_RTYPES[ctx.family].includes(record.rtype)) throw new LineError(`rtype ${record.rtype} is not a ${ctx.family} record`);
      if (this.firstRtype !== null && record.rtype !== this.firstRtype) throw new LineError(`rtype ${record.rtype} differs from the file's first record (rtype ${this.firstRtype})`);
      const symbol = symbolOf(row);
      this.out.write(record, { version: this.version, tsOut: this.tsOut });
      this.firstRtype = record.rtype;
      this.firstInstrumentId ??= record.instrumentId;
      const at = indexTsOf(record);
      if (symbol) this.symbols.note(symbol, record.instrumentId, at);
      else if (this.assumeSymbol && row.get("symbol") === undefined && record.instrumentId === this.firstInstrumentId) this.symbols.note(this.assumeSymbol, record.instrumentId, at);
      if (record.kind !== "mbp-1" || record.action !== "T") this.allTrades = false;
      if (this.minTsNs === null || at < this.minTsNs) this.minTsNs = at;
      this.lineMap.record();
    } catch (error) {
      if (error instanceof LineError) return this.reject(text, error.message);
      throw error;
    }
  }

  private reject(text: string, detail: string): void {
    this.lineMap.gap();
    this.rejects.push({ line: this.lineMap.lines, reason: "malformed", detail, text: text.length > 2000 ? `${text.slice(0, 2000)}...` : text });
  }

  private readMetadata(obj: Record<string, unknown>): void {
    const schema = obj.schema;
    if (schema !== null && typeof schema !== "string") throw new LineError("schema is not text");
    if (typeof schema === "string") {
      const family = familyOfSchema(schema);
      if (!family) throw new AppError("unprocessable", `${this.file} holds Databento ${schema} records, which Tickbench does not import`);
      this.schema = schema;
      this.family = family;
    }
    this.tsOut = obj.ts_out === true;
    const row = new JsonRow(obj, {});
    const list = (name: string): string[] => {
      const v = obj[name];
      if (v === undefined || v === null) return [];
      if (!Array.isArray(v) || v.some((s) => typeof s !== "string")) throw new LineError(`${name} is not a list of symbols`);
      return v as string[];
    };
    const end = ts(row, "end");
    const limit = obj.limit === null || obj.limit === undefined ? 0n : BigInt(String(obj.limit).match(/^\d{1,20}$/)?.[0] ?? "0");
    this.jsonMetadata = {
      dataset: str(row, "dataset", 17),
      startNs: ts(row, "start", 0n),
      endNs: end === 0xffff_ffff_ffff_ffffn ? null : end,
      limit: limit === 0n ? null : limit,
      stypeIn: typeof obj.stype_in === "string" ? obj.stype_in : null,
      stypeOut: typeof obj.stype_out === "string" ? obj.stype_out : "instrument_id",
      symbols: list("symbols"),
      partial: list("partial"),
      notFound: list("not_found"),
      mappings: jsonMappings(obj.mappings),
    };
  }
}

/** The `symbol` field (map_symbols), or null. */
function symbolOf(row: TextRow): string | null {
  const s = row.get("symbol");
  if (s === undefined || s === null || s === "") return null;
  if (typeof s !== "string") throw new LineError(`symbol ${String(s)} is not text`);
  if (new TextEncoder().encode(s).length > 70) throw new LineError(`symbol "${s.slice(0, 60)}..." is longer than 70 bytes`);
  return s;
}

function indexTsOf(record: DbnRecord): bigint {
  return "tsRecvNs" in record ? record.tsRecvNs : record.tsEventNs;
}

function jsonFieldNames(obj: Record<string, unknown>): string[] {
  const names = Object.keys(obj);
  if (obj.hd && typeof obj.hd === "object") names.push(...Object.keys(obj.hd));
  if (Array.isArray(obj.levels)) {
    obj.levels.forEach((level, i) => {
      if (level && typeof level === "object") for (const k of Object.keys(level)) names.push(`${k}_${String(i).padStart(2, "0")}`);
    });
  }
  return names;
}

/** Metadata mappings of Databento's JSON: dates as YYYYMMDD integers or "YYYY-MM-DD" (pretty). */
function jsonMappings(value: unknown): SymbolMapping[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new LineError("mappings is not a list");
  const date = (v: unknown): number => {
    const n = typeof v === "number" ? v : typeof v === "string" ? Number(v.replaceAll("-", "")) : Number.NaN;
    if (!Number.isInteger(n) || n < 1000_01_01 || n > 9999_12_31) throw new LineError(`mapping date ${String(v)} is not a date`);
    return n;
  };
  return value.map((m: { raw_symbol?: unknown; intervals?: unknown }) => {
    if (!m || typeof m.raw_symbol !== "string" || !Array.isArray(m.intervals)) throw new LineError("a mapping lacks raw_symbol or intervals");
    return {
      rawSymbol: m.raw_symbol,
      intervals: m.intervals.map((iv: { start_date?: unknown; end_date?: unknown; symbol?: unknown }) => ({
        startDate: date(iv?.start_date),
        endDate: date(iv?.end_date),
        symbol: String(iv?.symbol ?? ""),
      })),
    };
  });
}

class CsvRow implements TextRow {
  constructor(
    private readonly fields: string[],
    private readonly columns: Map<string, number>,
  ) {}

  get(name: string): unknown {
    const i = this.columns.get(name);
    return i === undefined ? undefined : this.fields[i];
  }

  level(i: number, name: string): unknown {
    return this.get(`${name}_${i < 10 ? "0" : ""}${i}`);
  }
}

class JsonRow implements TextRow {
  constructor(
    private readonly obj: Record<string, unknown>,
    private readonly hd: Record<string, unknown>,
  ) {}

  get(name: string): unknown {
    return Object.hasOwn(this.hd, name) ? this.hd[name] : this.obj[name];
  }

  level(i: number, name: string): unknown {
    const levels = this.obj.levels;
    const level = Array.isArray(levels) ? levels[i] : undefined;
    return level && typeof level === "object" ? (level as Record<string, unknown>)[name] : undefined;
  }
}

/** Distinct symbols in order of appearance and their instrument ids per UTC date. */
class SymbolCollector {
  /** A file named symbols but no instrument ids: ids were made up (1, 2, ...). */
  synthesized = false;
  private readonly byDate = new Map<string, Map<number, number>>();
  private readonly madeUp = new Map<string, number>();
  private dayStartNs = 0n;
  private dayEndNs = 0n;
  private day = 0;

  idFor(symbol: string | null): number {
    if (symbol === null) return 0;
    this.synthesized = true;
    let id = this.madeUp.get(symbol);
    if (id === undefined) this.madeUp.set(symbol, (id = this.madeUp.size + 1));
    return id;
  }

  /** `symbol` named `instrumentId` at `tsNs` (the record's index timestamp, as map_symbols uses). */
  note(symbol: string, instrumentId: number, tsNs: bigint): void {
    let dates = this.byDate.get(symbol);
    if (!dates) this.byDate.set(symbol, (dates = new Map()));
    const date = this.dateOf(tsNs);
    if (!dates.has(date)) dates.set(date, instrumentId);
  }

  symbols(): string[] {
    return [...this.byDate.keys()];
  }

  /** Per symbol, consecutive dates of one id merged into [first, day after last). */
  mappings(): SymbolMapping[] {
    const out: SymbolMapping[] = [];
    for (const [symbol, dates] of this.byDate) {
      const intervals: MappingInterval[] = [];
      for (const date of [...dates.keys()].sort((a, b) => a - b)) {
        const id = String(dates.get(date));
        const last = intervals.at(-1);
        if (last && last.symbol === id) last.endDate = nextDay(date);
        else intervals.push({ startDate: date, endDate: nextDay(date), symbol: id });
      }
      out.push({ rawSymbol: symbol, intervals });
    }
    return out;
  }

  private dateOf(tsNs: bigint): number {
    if (tsNs < this.dayStartNs || tsNs >= this.dayEndNs) {
      this.day = utcDateOf(tsNs);
      const ms = Date.UTC(Math.floor(this.day / 10_000), (Math.floor(this.day / 100) % 100) - 1, this.day % 100);
      this.dayStartNs = BigInt(ms) * 1_000_000n;
      this.dayEndNs = this.dayStartNs + 86_400_000_000_000n;
    }
    return this.day;
  }
}

function nextDay(yyyymmdd: number): number {
  const d = new Date(Date.UTC(Math.floor(yyyymmdd / 10_000), (Math.floor(yyyymmdd / 100) % 100) - 1, (yyyymmdd % 100) + 1));
  return d.getUTCFullYear() * 10_000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
}

/** Encoded records collected in 1 MiB chunks (zeroed: reserved bytes stay zero). */
class ChunkWriter {
  private chunk = new Uint8Array(CHUNK_BYTES);
  private used = 0;
  private done: Uint8Array[] = [];

  write(record: DbnRecord, ctx: { version: number; tsOut: boolean }): void {
    const length = encodedLength(record, ctx);
    if (this.used + length > this.chunk.length) this.cut();
    try {
      encodeRecordInto(record, this.chunk, this.used, ctx);
    } catch (error) {
      this.chunk.fill(0, this.used, this.used + length);
      if (error instanceof RangeError) throw new LineError(error.message);
      throw error;
    }
    this.used += length;
  }

  take(): Uint8Array[] {
    if (this.used >= CHUNK_BYTES - MAX_RECORD_BYTES) this.cut();
    const done = this.done;
    this.done = [];
    return done;
  }

  /** Everything written so far (the end of the file). */
  flush(): Uint8Array[] {
    this.cut();
    return this.take();
  }

  private cut(): void {
    if (this.used === 0) return;
    this.done.push(this.chunk.subarray(0, this.used));
    this.chunk = new Uint8Array(CHUNK_BYTES);
    this.used = 0;
  }
}

// ---- files ---------------------------------------------------------------------------------------

export interface TranscodeFileOptions {
  /** Raw (possibly compressed) bytes read, for progress. */
  counter?: ByteCounter;
  /** Called after each chunk of input; throw from it to stop (cancellation). */
  onChunk?(): void;
  /** The rejected lines, in file order, as they come. */
  onRejects(rejects: TextReject[]): Promise<void>;
  /** Read only the first lines (the head of the file): the output is then `partial`. */
  maxLines?: number;
  /** Bytes reserved for the metadata at the start of the output (default 64 KiB). */
  reserveBytes?: number;
  /** The import's instrument: names the first instrument of a file without symbols. */
  assumeSymbol?: string;
}

export interface TranscodedFile {
  schema: string;
  records: number;
  rejected: number;
  lineMap: LineMap;
  /** Only the first `maxLines` lines were read. */
  partial: boolean;
}

/** Transcodes one Databento CSV / JSON-lines file (plain or zstd) into a DBN file at `output`. */
export async function transcodeFile(input: string, output: string, format: DatabentoTextFormat, options: TranscodeFileOptions): Promise<TranscodedFile> {
  const reserve = options.reserveBytes ?? METADATA_RESERVE_BYTES;
  const transcoder = new DatabentoTextTranscoder(format, baseName(input), options.assumeSymbol);
  const splitter = new LineSplitter(baseName(input));
  let position = reserve;
  let rejected = 0;
  let lines = 0;
  let partial = false;
  let fits = true;
  const handle = await open(output, "w");
  try {
    const drain = async (final: boolean) => {
      for (const chunk of transcoder.takeBytes(final)) {
        await handle.write(chunk, 0, chunk.length, position);
        position += chunk.length;
      }
      const rejects = transcoder.takeRejects();
      rejected += rejects.length;
      if (rejects.length) await options.onRejects(rejects);
    };
    read: for await (const chunk of contentChunks(input, options.counter)) {
      for (const text of splitter.push(chunk)) {
        transcoder.line(text);
        if (options.maxLines !== undefined && ++lines >= options.maxLines) {
          partial = true;
          break read;
        }
      }
      await drain(false);
      options.onChunk?.();
    }
    if (!partial) for (const text of splitter.finish()) transcoder.line(text);
    transcoder.finish();
    await drain(true);
    let head: Uint8Array | null = null;
    try {
      head = transcoder.metadata(reserve);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      fits = false;
    }
    if (head) await handle.write(head, 0, head.length, 0);
  } finally {
    await handle.close();
  }
  if (!fits) await prependMetadata(output, transcoder.metadata(), reserve);
  return { schema: transcoder.schemaName() as string, records: transcoder.lineMap.records, rejected, lineMap: transcoder.lineMap, partial };
}

/** Rewrites `file` as `head` followed by its bytes from `recordsAt` on (metadata too large for its reserve). */
async function prependMetadata(file: string, head: Uint8Array, recordsAt: number): Promise<void> {
  const tmp = `${file}.with-metadata`;
  await writeFile(tmp, head);
  await pipeline(createReadStream(file, { start: recordsAt }), createWriteStream(tmp, { flags: "a" }));
  await rename(tmp, file);
}

/** The family of a Databento text file from its first 64 KiB, null when it cannot be told from them. */
export async function detectTextFamily(file: string, format: DatabentoTextFormat): Promise<TextFamily | null> {
  const { bytes, complete } = await headBytes(file);
  for (const line of headLines(bytes, complete)) {
    if (!line.trim()) continue;
    if (format === "databento-csv") return familyOfFields(splitCsvLine(line) ?? []);
    let obj: Record<string, unknown>;
    try {
      obj = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    if (!obj || typeof obj !== "object") continue;
    const hd = obj.hd as Record<string, unknown> | undefined;
    if (hd && typeof hd === "object") return typeof hd.rtype === "number" ? familyOfRtype(hd.rtype) : familyOfFields(jsonFieldNames(obj));
    if (typeof obj.schema === "string") return familyOfSchema(obj.schema);
  }
  return null;
}

/**
 * True when Databento text files go through the transcoder and a DBN importer; false for the text
 * trades path (databento-text.ts): a trades file, with or without MBP files whose trade records
 * it also takes - as the DBN import of the same mix of schemas stores only their trades.
 */
export async function needsTranscoding(files: readonly string[], format: DatabentoTextFormat): Promise<boolean> {
  const families: Array<TextFamily | null> = [];
  for (const file of files) families.push(await detectTextFamily(file, format));
  return !(families.includes("trades") && families.every((f) => f === "trades" || f === "mbp-1" || f === "mbp-10"));
}
