import { describe, expect, it } from "vitest";
import { canonicalJson, resultHash } from "./result-hash";
import type { BacktestResult } from "./result";

describe("canonicalJson", () => {
  it("sorts keys at every level, writes bigint as decimal strings and drops undefined fields", () => {
    expect(canonicalJson({ b: 1, a: { d: 2n, c: [1, "x", null] }, u: undefined })).toBe('{"a":{"c":[1,"x",null],"d":"2"},"b":1}');
  });

  it("refuses non-finite numbers", () => {
    expect(() => canonicalJson({ x: Number.NaN })).toThrow(TypeError);
  });
});

describe("resultHash", () => {
  it("is a hex SHA-256 independent of key order", () => {
    const a = { events: 1, finalPositionQty: 0 } as unknown as BacktestResult;
    const b = { finalPositionQty: 0, events: 1 } as unknown as BacktestResult;
    expect(resultHash(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(resultHash(a)).toBe(resultHash(b));
    expect(resultHash(a)).not.toBe(resultHash({ events: 2, finalPositionQty: 0 } as unknown as BacktestResult));
  });
});
