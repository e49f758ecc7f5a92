"use client";
import type { ReactNode } from "react";

/** A labelled input with help text and an inline error (wired with aria-describedby). */
export function TextField({
  id,
  label,
  value,
  onChange,
  error,
  help,
  inputMode,
  placeholder,
  className,
  disabled,
}: {
  id: string;
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
  error?: string | null;
  help?: ReactNode;
  inputMode?: "numeric" | "decimal" | "text";
  placeholder?: string;
  className?: string;
  disabled?: boolean;
}) {
  const describedBy = [help && `${id}-help`, error && `${id}-error`].filter(Boolean).join(" ") || undefined;
  return (
    <div className={className}>
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      <input
        id={id}
        name={id}
        type="text"
        inputMode={inputMode}
        placeholder={placeholder}
        autoComplete="off"
        disabled={disabled}
        className="input"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-describedby={describedBy}
        aria-invalid={error ? true : undefined}
      />
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
