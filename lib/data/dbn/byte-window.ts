/**
 * A growable byte buffer holding the not-yet-decoded tail of a DBN stream. Incoming chunks are
 * copied in (one memcpy per chunk); `compact()` moves the unread bytes to offset 0 of an
 * 8-byte-aligned ArrayBuffer.
 *
 * Invariant used by the fast columnar paths: the decoder compacts right after the metadata, and
 * every DBN record length is a multiple of 4 bytes, so while records are decoded `start` is
 * always a multiple of 4 and 32-bit typed views (`u32`, `i32`) address record fields directly.
 */
const MIN_CAPACITY = 64 * 1024;

export class ByteWindow {
  bytes: Uint8Array;
  u32: Uint32Array;
  i32: Int32Array;
  view: DataView;
  /** First unread byte. */
  start = 0;
  /** One past the last valid byte. */
  end = 0;
  /** Stream offset of `bytes[0]`: absolute offset of byte i = `streamOffset + i`. */
  streamOffset = 0;

  constructor(capacity = MIN_CAPACITY) {
    const buffer = new ArrayBuffer(roundUp8(capacity));
    this.bytes = new Uint8Array(buffer);
    this.u32 = new Uint32Array(buffer);
    this.i32 = new Int32Array(buffer);
    this.view = new DataView(buffer);
  }

  get available(): number {
    return this.end - this.start;
  }

  /**
   * Appends a chunk after the unread bytes: in place when it fits, else after moving the unread
   * bytes to the front, else into a larger buffer (each byte is moved O(1) times amortised).
   */
  append(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (this.end + chunk.length > this.bytes.length) {
      const pending = this.end - this.start;
      if (pending + chunk.length > this.bytes.length || pending > this.bytes.length / 2) this.grow(pending + chunk.length);
      else this.compact();
    }
    this.bytes.set(chunk, this.end);
    this.end += chunk.length;
  }

  /** Moves the unread bytes to offset 0. */
  compact(): void {
    if (this.start === 0) return;
    this.bytes.copyWithin(0, this.start, this.end);
    this.streamOffset += this.start;
    this.end -= this.start;
    this.start = 0;
  }

  private grow(needed: number): void {
    const capacity = roundUp8(Math.max(needed, this.bytes.length * 2));
    const buffer = new ArrayBuffer(capacity);
    const bytes = new Uint8Array(buffer);
    bytes.set(this.bytes.subarray(this.start, this.end));
    this.streamOffset += this.start;
    this.end -= this.start;
    this.start = 0;
    this.bytes = bytes;
    this.u32 = new Uint32Array(buffer);
    this.i32 = new Int32Array(buffer);
    this.view = new DataView(buffer);
  }
}

function roundUp8(n: number): number {
  return Math.ceil(n / 8) * 8;
}
