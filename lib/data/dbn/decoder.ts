/**
 * The pure, incremental core of the DBN decoder: it consumes Uint8Array chunks (`push`), parses
 * the metadata as soon as it is complete, then hands out complete records one at a time
 * (`nextRecord`), stepping by each record's own length. No I/O, no timers: callers feed it from
 * memory, a file stream or a network socket.
 *
 * Guarantees: a record is handed out only when all its bytes are present; after `finish()` a
 * partial trailing record or incomplete metadata is an AppError ("unprocessable") naming the
 * byte offset and record index, so truncated input never yields garbage. A record length below
 * the 16-byte header (e.g. 0) is an error, never an infinite loop.
 */
import { ByteWindow } from "./byte-window";
import { dbnError, formatOffset } from "./dbn-error";
import { parseMetadata, PRELUDE_LEN, readPrelude, type DbnMetadata, type MetadataPrelude } from "./metadata";
import { decodeRecordAt, isDecodedRtype, type DbnRecord } from "./record";
import { recordLengthAt, type RecordContext } from "./record-header";

export interface DecodeStats {
  /** Records walked (decoded, skipped or unknown). */
  records: number;
  /** Records per rtype, e.g. { 160: 68792 } (numeric keys). */
  byRtype: Record<number, number>;
  /** Records whose rtype this decoder does not know (stepped over by their length). */
  unknown: number;
  /** The unknown rtypes and their counts. */
  unknownByRtype: Record<number, number>;
}


export class DbnDecoder {
  readonly window = new ByteWindow();
  metadata: DbnMetadata | null = null;
  /** Index of the next record to be handed out (= complete records so far). */
  recordIndex = 0;
  /** Records walked per rtype; the columnar fast paths increment it directly. */
  readonly rtypeCounts = new Float64Array(256);
  private prelude: MetadataPrelude | null = null;
  private finished = false;
  private totalBytes = 0;
  private ctx: RecordContext | null = null;

  /** Appends input. Throws as soon as the prelude or metadata is invalid. */
  push(chunk: Uint8Array): void {
    if (this.finished) throw new Error("DbnDecoder.push() after finish()");
    this.totalBytes += chunk.length;
    this.window.append(chunk);
    if (!this.metadata) this.tryMetadata();
  }

  /** Marks the end of input. Throws when the input is empty or ends inside the metadata. */
  finish(): void {
    this.finished = true;
    if (this.metadata) return;
    if (this.totalBytes === 0) throw dbnError("empty input: no DBN metadata");
    const need = this.prelude ? PRELUDE_LEN + this.prelude.length : PRELUDE_LEN;
    throw dbnError(`truncated metadata: the input ends at byte offset ${formatOffset(this.totalBytes)}, the metadata needs ${formatOffset(need)} bytes`);
  }

  get isFinished(): boolean {
    return this.finished;
  }

  get stats(): DecodeStats {
    const stats: DecodeStats = { records: 0, byRtype: {}, unknown: 0, unknownByRtype: {} };
    this.rtypeCounts.forEach((count, rtype) => {
      if (count === 0) return;
      stats.records += count;
      stats.byRtype[rtype] = count;
      if (!isDecodedRtype(rtype)) {
        stats.unknown += count;
        stats.unknownByRtype[rtype] = count;
      }
    });
    return stats;
  }

  /** Version, ts_out and symbol length of the stream (metadata must be read). */
  get context(): RecordContext {
    if (!this.ctx) throw new Error("DBN metadata not read yet");
    return this.ctx;
  }

  /**
   * Offset in `window.bytes` of the next complete record (and advances past it), or -1 when more
   * input is needed / the stream is done. Throws on a truncated record after `finish()`.
   */
  nextRecord(): number {
    const w = this.window;
    const p = w.start;
    if (!this.metadata || p >= w.end) return -1;
    const length = recordLengthAt(w.bytes, p, this.location(p));
    if (p + length > w.end) {
      if (this.finished) throw this.truncatedRecord(p);
      return -1;
    }
    w.start = p + length;
    this.rtypeCounts[w.bytes[p + 1]]++;
    this.recordIndex++;
    return p;
  }

  /** The next record as an object; unknown rtypes are counted and skipped. undefined = no more. */
  nextObject(): DbnRecord | undefined {
    for (;;) {
      const index = this.recordIndex;
      const p = this.nextRecord();
      if (p < 0) return undefined;
      const w = this.window;
      const length = w.bytes[p] * 4;
      const record = decodeRecordAt(w.bytes, w.view, p, length, this.context, { index, streamOffset: w.streamOffset + p });
      if (record) return record;
    }
  }

  location(p: number): { index: number; streamOffset: number } {
    return { index: this.recordIndex, streamOffset: this.window.streamOffset + p };
  }

  /** The error for a record that starts at window offset `p` but is cut off by the end of input. */
  truncatedRecord(p: number): Error {
    const w = this.window;
    const have = w.end - p;
    const need = w.bytes[p] * 4;
    const at = w.streamOffset + p;
    return dbnError(
      `truncated input: record ${this.recordIndex} at byte offset ${formatOffset(at)} needs ${need} bytes but only ${have} remain (${this.recordIndex} complete records before it)`,
      { recordIndex: this.recordIndex, offset: at },
    );
  }

  private tryMetadata(): void {
    const w = this.window;
    if (!this.prelude) {
      this.prelude = readPrelude(w.bytes, w.start, w.available);
      if (!this.prelude) return;
    }
    const total = PRELUDE_LEN + this.prelude.length;
    if (w.available < total) return;
    this.metadata = parseMetadata(w.bytes, w.start + PRELUDE_LEN, this.prelude);
    this.ctx = { version: this.metadata.version, tsOut: this.metadata.tsOut, symbolCstrLen: this.metadata.symbolCstrLen };
    w.start += total;
    // Records start on a 4-byte boundary of the window from here on (see ByteWindow).
    w.compact();
  }
}
