import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { describeStrategies } from "./describe";
import { builtInStrategies, findStrategy, getStrategy } from "./index";

describe("built-in strategy registry", () => {
  it("lists strategies with unique kebab-case ids", () => {
    const ids = builtInStrategies.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(ids).toContain("sma-cross");
  });

  it("gives every strategy defaults for all parameters and a working create()", () => {
    for (const strategy of builtInStrategies) {
      const params = strategy.paramsSchema.parse({});
      const handlers = strategy.create(params);
      expect(typeof handlers.onStart).toBe("function");
      if (handlers.onBar) expect(Number.isInteger(handlers.barIntervalNs)).toBe(true);
    }
  });

  it("finds strategies by id and rejects unknown ids as bad_request", () => {
    expect(getStrategy("sma-cross").name).toBe("SMA cross");
    expect(findStrategy("nope")).toBeUndefined();
    expect(() => getStrategy("nope")).toThrow(AppError);
  });

  it("describes strategies as plain JSON with parameter schemas, bounds, descriptions and defaults", () => {
    const [sma] = describeStrategies().filter((d) => d.id === "sma-cross");
    expect(JSON.parse(JSON.stringify(sma))).toEqual(sma);
    expect(sma.defaults).toEqual({ barSeconds: 60, fast: 10, slow: 30, qty: 1 });
    expect(sma.paramsJsonSchema).toMatchObject({
      type: "object",
      properties: { fast: { type: "integer", minimum: 1, maximum: 1000, default: 10, description: expect.any(String) } },
    });
  });
});
