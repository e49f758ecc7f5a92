"use client";
import type { StrategySummary } from "@/lib/ui/api";
import type { ParamField } from "@/lib/ui/strategy-params";
import type { WorkflowWarning } from "@/lib/ui/workflow-estimate";
import { ParamInput } from "../param-input";
import type { StepProps } from "./guided-workflow";
import { Warnings } from "./warnings";

/** Step 2: strategy and its parameters, a form generated from the strategy's JSON Schema. */
export function StepStrategy({
  state,
  update,
  errorFor,
  strategies,
  strategy,
  fields,
  warnings,
}: StepProps & { strategies: StrategySummary[]; strategy: StrategySummary | undefined; fields: ParamField[]; warnings: WorkflowWarning[] }) {
  return (
    <>
      <div>
        <label htmlFor="wf-strategy" className="field-label">
          Strategy
        </label>
        <select
          id="wf-strategy"
          className="input"
          value={state.strategy}
          // A different strategy starts from its own defaults (filled in by the workflow).
          onChange={(e) => update({ strategy: e.target.value, params: {} })}
          aria-describedby={strategy?.description ? "wf-strategy-help" : undefined}
        >
          {strategies.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
        {strategy?.description && (
          <span id="wf-strategy-help" className="field-help">
            {strategy.description}
          </span>
        )}
      </div>
      {fields.length > 0 && (
        <fieldset className="rounded border border-line p-3" data-testid="strategy-params">
          <legend className="px-1 text-[11px] font-semibold tracking-wider text-zinc-400 uppercase">Parameters</legend>
          <div className="grid gap-3 sm:grid-cols-2">
            {fields.map((field) => (
              <ParamInput
                key={`${state.strategy}:${field.key}`}
                idPrefix="wf-p-"
                field={field}
                value={state.params[field.key] ?? ""}
                error={errorFor(`p.${field.key}`)}
                onChange={(value) => update({ params: { ...state.params, [field.key]: value } })}
              />
            ))}
          </div>
        </fieldset>
      )}
      <Warnings warnings={warnings.filter((w) => /warm-up/.test(w.message))} />
    </>
  );
}
