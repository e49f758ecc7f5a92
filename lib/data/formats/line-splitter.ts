/**
 * Splits a byte stream (chunks of any size) into text lines: UTF-8 (a multi-byte character split
 * across chunks is kept whole), a leading byte-order mark dropped, LF or CRLF terminators removed,
 * a final line without terminator kept. Memory stays bounded by one chunk plus the longest line;
 * a "line" longer than `maxLineChars` means the input is not a line-oriented text file.
 */
import { AppError } from "../../errors";

export const MAX_LINE_CHARS = 1 << 20;

export class LineSplitter {
  private readonly decoder = new TextDecoder("utf-8");
  private rest = "";
  private started = false;

  constructor(
    private readonly what = "input",
    private readonly maxLineChars = MAX_LINE_CHARS,
  ) {}

  /** The complete lines ended by `chunk` (without terminators). */
  push(chunk: Uint8Array): string[] {
    return this.split(this.decoder.decode(chunk, { stream: true }), false);
  }

  /** The last line, when the input does not end with a line break. */
  finish(): string[] {
    return this.split(this.decoder.decode(), true);
  }

  private split(text: string, final: boolean): string[] {
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const lines = (this.rest + text).split("\n");
    this.rest = final ? "" : (lines.pop() as string);
    if (this.rest.length > this.maxLineChars) {
      throw new AppError("unprocessable", `${this.what}: a line is longer than ${this.maxLineChars} characters (not a line-oriented text file?)`);
    }
    if (final && lines[lines.length - 1] === "") lines.pop();
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      if (line.length > 0 && line.charCodeAt(line.length - 1) === 13) lines[i] = line.slice(0, -1);
    }
    return lines;
  }
}
