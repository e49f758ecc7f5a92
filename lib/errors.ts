/**
 * The one error taxonomy of Tickbench. Domain and service code throws `AppError`s; HTTP maps them
 * to status codes in lib/http/route.ts and the worker maps them to job outcomes. The message is
 * meant for the user; `cause` and internals are never sent to clients.
 */
export type ErrorCode =
  | "bad_request"
  | "unauthenticated"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "payload_too_large"
  | "unprocessable"
  | "strategy_failed"
  | "time_limit"
  | "cancelled"
  | "unavailable"
  | "internal";

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; details?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.details = options?.details;
  }
}

export const badRequest = (message: string, details?: unknown) => new AppError("bad_request", message, { details });
export const unauthenticated = (message = "Sign in required") => new AppError("unauthenticated", message);
export const forbidden = (message = "You do not have access to this resource") => new AppError("forbidden", message);
export const notFound = (what = "Resource") => new AppError("not_found", `${what} not found`);
export const conflict = (message: string) => new AppError("conflict", message);

export const HTTP_STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unprocessable: 422,
  strategy_failed: 422,
  time_limit: 422,
  cancelled: 409,
  unavailable: 503,
  internal: 500,
};

const TRANSIENT_PG_CODES = new Set(["57P01", "57P02", "57P03", "53300", "40001", "40P01"]);
const TRANSIENT_NET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN"]);

/**
 * True for failures worth retrying later: the database is unreachable or restarting, a
 * connection dropped, a serialisation conflict. Strategy errors and bad input are not transient.
 */
export function isTransientError(error: unknown): boolean {
  if (error instanceof AppError) return error.code === "unavailable";
  const e = error as { code?: string; message?: string } | null;
  if (!e) return false;
  if (e.code && (TRANSIENT_PG_CODES.has(e.code) || TRANSIENT_NET_CODES.has(e.code) || e.code.startsWith("08"))) return true;
  const message = e.message ?? "";
  return /Connection terminated|connection timeout|Can't reach database|timeout exceeded when trying to connect/i.test(message);
}
