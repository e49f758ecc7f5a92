/**
 * A stable fingerprint of a backtest result: SHA-256 over a canonical serialisation (object keys
 * sorted, bigint as decimal strings, no whitespace, undefined fields omitted). Two runs with the
 * same data, code, configuration and seed must give the same hash. Kept apart from the engine so
 * that code bundled for the browser never imports node:crypto.
 */
import { createHash } from "node:crypto";
import type { BacktestResult } from "./result";

/** Bumped whenever the serialisation changes, so old and new hashes never collide silently. */
export const RESULT_HASH_VERSION = "tickbench-result-v1";

export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case "bigint":
      return JSON.stringify(value.toString());
    case "number":
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: non-finite number ${value}`);
      return JSON.stringify(value);
    case "string":
    case "boolean":
      return JSON.stringify(value);
    case "object": {
      if (value === null) return "null";
      if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? "null" : canonicalJson(item))).join(",")}]`;
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record)
        .filter((key) => record[key] !== undefined)
        .sort();
      return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(",")}}`;
    }
    default:
      throw new TypeError(`canonicalJson: unsupported ${typeof value}`);
  }
}

/** Hex SHA-256 of the canonical form of `result`. */
export function resultHash(result: BacktestResult): string {
  return createHash("sha256").update(RESULT_HASH_VERSION).update("\n").update(canonicalJson(result)).digest("hex");
}
