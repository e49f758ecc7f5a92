"use client";
import type { ValidationRules } from "@/lib/data/import/trade-validation";
import { CHOICE_OPTIONS, CHOICE_RULES, describePriceBand, RULE_DESCRIPTIONS } from "./validation-rules";

/**
 * The controls of a dataset's validation rules (the import form for a new dataset, the dataset
 * page for an existing one). `defaults` adds each rule's default to its help text.
 */
export function RulesFields({
  idPrefix,
  value,
  onChange,
  disabled = false,
  defaults,
}: {
  idPrefix: string;
  value: ValidationRules;
  onChange: (rules: ValidationRules) => void;
  disabled?: boolean;
  defaults?: ValidationRules;
}) {
  const band = value.priceBand;
  return (
    <div className="space-y-2">
      {CHOICE_RULES.map((rule) => (
        <div key={rule} className="grid grid-cols-[1fr_120px] items-start gap-2">
          <label htmlFor={`${idPrefix}-${rule}`} className="text-xs text-zinc-200">
            {RULE_DESCRIPTIONS[rule].label}
            <span className="block text-[11px] text-zinc-500">
              {RULE_DESCRIPTIONS[rule].help}
              {defaults && <> Default: <span className="font-mono">{defaults[rule]}</span>.</>}
            </span>
          </label>
          <select
            id={`${idPrefix}-${rule}`}
            className="input"
            value={value[rule]}
            onChange={(e) => onChange({ ...value, [rule]: e.target.value })}
            disabled={disabled}
            data-testid={`rule-${rule}`}
          >
            {CHOICE_OPTIONS.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </div>
      ))}
      <div className="grid grid-cols-[1fr_120px] items-start gap-2">
        <label htmlFor={`${idPrefix}-priceBand`} className="text-xs text-zinc-200">
          {RULE_DESCRIPTIONS.priceBand.label}
          <span className="block text-[11px] text-zinc-500">
            {RULE_DESCRIPTIONS.priceBand.help}
            {defaults && <> Default: {describePriceBand(defaults.priceBand)}.</>}
          </span>
        </label>
        <div className="flex items-center gap-1.5">
          <input
            type="checkbox"
            aria-label="Flag trades outside a price band"
            checked={band !== null}
            disabled={disabled}
            onChange={(e) => onChange({ ...value, priceBand: e.target.checked ? { percent: defaults?.priceBand?.percent ?? 7, reference: "prior-session-last" } : null })}
            data-testid="rule-priceBand-on"
          />
          <input
            id={`${idPrefix}-priceBand`}
            type="number"
            className="input w-16 px-1"
            min={0.01}
            max={100}
            step={0.01}
            value={band?.percent ?? ""}
            disabled={disabled || band === null}
            onChange={(e) => onChange({ ...value, priceBand: { percent: Number(e.target.value), reference: "prior-session-last" } })}
            data-testid="rule-priceBand"
          />
          <span className="text-xs text-zinc-500">%</span>
        </div>
      </div>
    </div>
  );
}
