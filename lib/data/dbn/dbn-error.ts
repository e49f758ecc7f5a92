/**
 * Every failure of the DBN decoder is an `AppError` with code "unprocessable": the input is not a
 * valid DBN stream. Messages name the byte offset (in the decompressed DBN stream) and, once the
 * metadata is read, the index of the record concerned, so a user can locate the damage.
 */
import { AppError } from "../../errors";

export function dbnError(message: string, details?: Record<string, unknown>): AppError {
  return new AppError("unprocessable", `Invalid DBN data: ${message}`, { details });
}

/** Formats a byte offset for messages: 1234567 -> "1,234,567". */
export function formatOffset(offset: number): string {
  return offset.toLocaleString("en-US");
}
