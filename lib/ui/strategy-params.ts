/**
 * Form fields from a strategy's parameter schema (JSON Schema produced by zod's z.toJSONSchema).
 * The form keeps raw strings; `coerceParams` turns them into the JSON the API expects and reports
 * problems per field. The server validates again with the strategy's own zod schema: this is
 * only for quick feedback.
 */

export type ParamKind = "integer" | "number" | "boolean" | "enum" | "string";

export interface ParamField {
  key: string;
  label: string;
  kind: ParamKind;
  defaultValue: unknown;
  required: boolean;
  description?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  options?: string[];
}

export interface FieldIssue {
  path: string;
  message: string;
}

interface PropertySchema {
  type?: string | string[];
  title?: string;
  description?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  enum?: unknown[];
}

// z.int() emits the safe-integer range as bounds; they carry no information for a user.
const meaningful = (bound: unknown): number | undefined =>
  typeof bound === "number" && Number.isFinite(bound) && Math.abs(bound) < Number.MAX_SAFE_INTEGER ? bound : undefined;

/** "fastPeriod" / "fast_period" -> "Fast period". */
export function humanizeKey(key: string): string {
  const words = key
    .replace(/[_-]+/g, " ")
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function kindOf(schema: PropertySchema): ParamKind {
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return "enum";
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  if (type === "integer" || type === "number" || type === "boolean") return type;
  return "string";
}

/** Fields of a parameter schema; `defaults` (parsed default values) fills defaults the schema lacks. */
export function paramFields(schema: unknown, defaults?: unknown): ParamField[] {
  if (!schema || typeof schema !== "object") return [];
  const fallback = defaults && typeof defaults === "object" ? (defaults as Record<string, unknown>) : {};
  const { properties, required } = schema as { properties?: Record<string, PropertySchema>; required?: unknown };
  if (!properties || typeof properties !== "object") return [];
  const requiredKeys = new Set(Array.isArray(required) ? required.filter((k): k is string => typeof k === "string") : []);
  return Object.entries(properties).map(([key, prop]) => ({
    key,
    label: prop.title ?? humanizeKey(key),
    kind: kindOf(prop),
    defaultValue: prop.default ?? fallback[key],
    // A field with a default may be left empty: the server fills the default in.
    required: requiredKeys.has(key) && prop.default === undefined && fallback[key] === undefined,
    description: prop.description,
    minimum: meaningful(prop.minimum),
    maximum: meaningful(prop.maximum),
    exclusiveMinimum: meaningful(prop.exclusiveMinimum),
    exclusiveMaximum: meaningful(prop.exclusiveMaximum),
    options: Array.isArray(prop.enum) ? prop.enum.map(String) : undefined,
  }));
}

/** The input's initial text: the default, or empty. */
export function defaultRaw(field: ParamField): string {
  const d = field.defaultValue;
  if (d === undefined || d === null) return field.kind === "boolean" ? "false" : "";
  return String(d);
}

/** "1 – 500", "≥ 1", "> 0", or "" when unbounded. */
export function describeRange(field: ParamField): string {
  const lower =
    field.minimum !== undefined ? { op: "≥", v: field.minimum } : field.exclusiveMinimum !== undefined ? { op: ">", v: field.exclusiveMinimum } : null;
  const upper =
    field.maximum !== undefined ? { op: "≤", v: field.maximum } : field.exclusiveMaximum !== undefined ? { op: "<", v: field.exclusiveMaximum } : null;
  if (lower && upper && lower.op === "≥" && upper.op === "≤") return `${lower.v} – ${upper.v}`;
  return [lower && `${lower.op} ${lower.v}`, upper && `${upper.op} ${upper.v}`].filter(Boolean).join(", ");
}

function checkNumber(field: ParamField, value: number): string | null {
  if (field.kind === "integer" && !Number.isInteger(value)) return "Must be a whole number";
  if (field.minimum !== undefined && value < field.minimum) return `Must be at least ${field.minimum}`;
  if (field.maximum !== undefined && value > field.maximum) return `Must be at most ${field.maximum}`;
  if (field.exclusiveMinimum !== undefined && value <= field.exclusiveMinimum) return `Must be greater than ${field.exclusiveMinimum}`;
  if (field.exclusiveMaximum !== undefined && value >= field.exclusiveMaximum) return `Must be less than ${field.exclusiveMaximum}`;
  return null;
}

/** Raw form strings -> API params. Empty optional fields are left out. */
export function coerceParams(fields: ParamField[], raw: Record<string, string | undefined>): { params: Record<string, unknown>; issues: FieldIssue[] } {
  const params: Record<string, unknown> = {};
  const issues: FieldIssue[] = [];
  for (const field of fields) {
    const text = (raw[field.key] ?? defaultRaw(field)).trim();
    if (text === "") {
      if (field.required) issues.push({ path: field.key, message: "Required" });
      continue;
    }
    switch (field.kind) {
      case "integer":
      case "number": {
        const value = Number(text);
        const problem = Number.isFinite(value) ? checkNumber(field, value) : "Must be a number";
        if (problem) issues.push({ path: field.key, message: problem });
        else params[field.key] = value;
        break;
      }
      case "boolean":
        params[field.key] = text === "true";
        break;
      case "enum":
        if (field.options && !field.options.includes(text)) issues.push({ path: field.key, message: `Must be one of ${field.options.join(", ")}` });
        else params[field.key] = text;
        break;
      default:
        params[field.key] = text;
    }
  }
  return { params, issues };
}
