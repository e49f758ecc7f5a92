"use client";
import { describeRange, type ParamField } from "@/lib/ui/strategy-params";

/** One strategy parameter: label (readable name + API key), typed input, help text and error. */
export function ParamInput({
  field,
  value,
  error,
  onChange,
  idPrefix = "param-",
}: {
  /** Prefix of the input's id (the id is prefix + parameter key). */
  idPrefix?: string;
  field: ParamField;
  value: string;
  error?: string;
  onChange: (value: string) => void;
}) {
  const id = `${idPrefix}${field.key}`;
  const range = describeRange(field);
  const help = [field.description, range && `Range ${range}`, field.defaultValue !== undefined && `default ${String(field.defaultValue)}`]
    .filter(Boolean)
    .join(" · ");
  const describedBy = [help && `${id}-help`, error && `${id}-error`].filter(Boolean).join(" ") || undefined;
  const invalid = error ? true : undefined;

  const label = (
    <label htmlFor={id} className="field-label flex items-baseline justify-between gap-2">
      <span>
        {field.label}
        {field.required && <span className="text-down"> *</span>}
      </span>
      <code className="font-mono text-[10px] font-normal text-zinc-600">{field.key}</code>
    </label>
  );

  let control;
  if (field.kind === "boolean") {
    control = (
      <select id={id} name={field.key} className="input" value={value} onChange={(e) => onChange(e.target.value)} aria-describedby={describedBy} aria-invalid={invalid}>
        <option value="true">Yes</option>
        <option value="false">No</option>
      </select>
    );
  } else if (field.kind === "enum") {
    control = (
      <select id={id} name={field.key} className="input" value={value} onChange={(e) => onChange(e.target.value)} aria-describedby={describedBy} aria-invalid={invalid}>
        {!field.required && field.defaultValue === undefined && <option value="">(default)</option>}
        {field.options?.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    );
  } else {
    const numeric = field.kind === "integer" || field.kind === "number";
    control = (
      <input
        id={id}
        name={field.key}
        type={numeric ? "number" : "text"}
        inputMode={field.kind === "integer" ? "numeric" : numeric ? "decimal" : undefined}
        step={field.kind === "integer" ? 1 : numeric ? "any" : undefined}
        min={field.minimum ?? field.exclusiveMinimum}
        max={field.maximum ?? field.exclusiveMaximum}
        required={field.required}
        className="input"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-describedby={describedBy}
        aria-invalid={invalid}
      />
    );
  }

  return (
    <div>
      {label}
      {control}
      {help && (
        <span id={`${id}-help`} className="field-help">
          {help}
        </span>
      )}
      {error && (
        <span id={`${id}-error`} className="mt-1 block text-[11px] text-down">
          {error}
        </span>
      )}
    </div>
  );
}
