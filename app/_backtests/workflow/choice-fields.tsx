"use client";
import type { ReactNode } from "react";

/** A labelled select with help text and an inline error (wired with aria-describedby). */
export function SelectField<T extends string>({
  id,
  label,
  value,
  options,
  onChange,
  help,
  error,
  disabled,
}: {
  id: string;
  label: ReactNode;
  value: T;
  options: ReadonlyArray<{ value: T; label: string }>;
  onChange: (value: T) => void;
  help?: ReactNode;
  error?: string | null;
  disabled?: boolean;
}) {
  const describedBy = [help && `${id}-help`, error && `${id}-error`].filter(Boolean).join(" ") || undefined;
  return (
    <div>
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      <select
        id={id}
        name={id}
        className="input"
        value={value}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value as T)}
        aria-describedby={describedBy}
        aria-invalid={error ? true : undefined}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {help && (
        <span id={`${id}-help`} className="field-help">
          {help}
        </span>
      )}
      {error && (
        <span id={`${id}-error`} className="mt-1 block text-[11px] text-down" data-testid={`${id}-error`}>
          {error}
        </span>
      )}
    </div>
  );
}

/** A checkbox with its label beside it and one line of help under it. */
export function CheckField({
  id,
  label,
  checked,
  onChange,
  help,
  disabled,
}: {
  id: string;
  label: ReactNode;
  checked: boolean;
  onChange: (checked: boolean) => void;
  help: ReactNode;
  disabled?: boolean;
}) {
  return (
    <div>
      <label className={`flex items-center gap-2 text-sm ${disabled ? "text-zinc-500" : "text-zinc-200"}`}>
        <input
          id={id}
          name={id}
          type="checkbox"
          className="size-4 accent-accent"
          checked={checked}
          disabled={disabled}
          onChange={(e) => onChange(e.target.checked)}
          aria-describedby={`${id}-help`}
        />
        {label}
      </label>
      <span id={`${id}-help`} className="field-help pl-6">
        {help}
      </span>
    </div>
  );
}

/** A titled group of fields (fieldset + legend) laid out in two columns from `sm` up. */
export function FieldGroup({ title, note, children }: { title: string; note?: ReactNode; children: ReactNode }) {
  return (
    <fieldset className="rounded border border-line px-3 pt-1 pb-3">
      <legend className="px-1 text-xs font-semibold tracking-wider text-zinc-300 uppercase">{title}</legend>
      {note && <p className="mb-2 text-[11px] text-zinc-400">{note}</p>}
      <div className="grid gap-3 sm:grid-cols-2">{children}</div>
    </fieldset>
  );
}
