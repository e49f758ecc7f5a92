import { describe, expect, it } from "vitest";
import { coerceParams, defaultRaw, describeRange, humanizeKey, paramFields } from "./strategy-params";

// The shape z.toJSONSchema produces for a typical strategy.
const schema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  properties: {
    fastPeriod: { default: 10, description: "Fast EMA length", type: "integer", minimum: 1, maximum: 500 },
    threshold: { default: 1.5, type: "number", exclusiveMinimum: 0 },
    qty: { type: "integer", minimum: -9007199254740991, maximum: 9007199254740991 },
    flat_at_close: { default: true, type: "boolean" },
  },
  required: ["fastPeriod", "threshold", "qty", "flat_at_close"],
  additionalProperties: false,
};

describe("paramFields", () => {
  const fields = paramFields(schema);

  it("makes one field per property, in schema order, with a readable label", () => {
    expect(fields.map((f) => [f.key, f.label, f.kind])).toEqual([
      ["fastPeriod", "Fast period", "integer"],
      ["threshold", "Threshold", "number"],
      ["qty", "Qty", "integer"],
      ["flat_at_close", "Flat at close", "boolean"],
    ]);
  });

  it("keeps meaningful bounds and drops the safe-integer sentinels of z.int()", () => {
    expect(fields[0]).toMatchObject({ minimum: 1, maximum: 500, description: "Fast EMA length", defaultValue: 10 });
    expect(fields[1]).toMatchObject({ exclusiveMinimum: 0 });
    expect(fields[2].minimum).toBeUndefined();
    expect(fields[2].maximum).toBeUndefined();
  });

  it("treats a field as required only when it has no default", () => {
    expect(fields.map((f) => f.required)).toEqual([false, false, true, false]);
  });

  it("takes missing defaults from the strategy's parsed defaults", () => {
    const [, , qty] = paramFields(schema, { qty: 1 });
    expect(qty).toMatchObject({ defaultValue: 1, required: false });
  });

  it("returns no fields for a missing or malformed schema", () => {
    expect(paramFields(undefined)).toEqual([]);
    expect(paramFields({ type: "object" })).toEqual([]);
  });
});

describe("describeRange and defaultRaw", () => {
  const [fast, threshold, qty] = paramFields(schema);

  it("describes bounds compactly", () => {
    expect(describeRange(fast)).toBe("1 – 500");
    expect(describeRange(threshold)).toBe("> 0");
    expect(describeRange(qty)).toBe("");
  });

  it("starts inputs at the default", () => {
    expect(defaultRaw(fast)).toBe("10");
    expect(defaultRaw(qty)).toBe("");
  });
});

describe("coerceParams", () => {
  const fields = paramFields(schema);

  it("converts raw strings to typed params, using defaults for untouched fields", () => {
    expect(coerceParams(fields, { qty: "2", threshold: "0.25" })).toEqual({
      params: { fastPeriod: 10, threshold: 0.25, qty: 2, flat_at_close: true },
      issues: [],
    });
  });

  it("reports each invalid field with its key as the path", () => {
    const { issues } = coerceParams(fields, { fastPeriod: "2.5", threshold: "0", qty: "", flat_at_close: "false" });
    expect(issues).toEqual([
      { path: "fastPeriod", message: "Must be a whole number" },
      { path: "threshold", message: "Must be greater than 0" },
      { path: "qty", message: "Required" },
    ]);
  });

  it("checks inclusive bounds", () => {
    expect(coerceParams(fields, { fastPeriod: "501", qty: "1" }).issues).toEqual([{ path: "fastPeriod", message: "Must be at most 500" }]);
    expect(coerceParams(fields, { fastPeriod: "abc", qty: "1" }).issues).toEqual([{ path: "fastPeriod", message: "Must be a number" }]);
  });

  it("leaves out empty optional fields so the server default applies", () => {
    expect(coerceParams(fields, { fastPeriod: "", qty: "1" }).params).not.toHaveProperty("fastPeriod");
  });
});

describe("humanizeKey", () => {
  it("splits camelCase, snake_case and kebab-case", () => {
    expect(humanizeKey("stopLossTicks")).toBe("Stop loss ticks");
    expect(humanizeKey("take_profit")).toBe("Take profit");
    expect(humanizeKey("ema-len")).toBe("Ema len");
  });
});
