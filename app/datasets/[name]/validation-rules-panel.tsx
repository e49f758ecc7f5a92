"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import type { ValidationRules } from "@/lib/data/import/trade-validation";
import { api, queryKeys, type DatasetDetail } from "@/lib/ui/api";
import { ErrorAlert } from "@/lib/ui/error-alert";
import { Panel } from "@/lib/ui/panel";
import { RulesFields } from "../rules-fields";
import { CHOICE_RULES, describePriceBand, FIXED_CHECKS, RULE_DESCRIPTIONS } from "../validation-rules";

/**
 * The dataset's validation rules: what later imports into it accept, quarantine or flag, with
 * the defaults. Admins edit them here; everyone else reads them.
 */
export function ValidationRulesPanel({ dataset, canEdit }: { dataset: DatasetDetail; canEdit: boolean }) {
  const ids = useId();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<ValidationRules>(dataset.validationRules);
  const save = useMutation({
    mutationFn: (rules: ValidationRules) => api.updateDataset(dataset.name, { validationRules: rules }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.dataset(dataset.name) }),
  });
  const changed = JSON.stringify(draft) !== JSON.stringify(dataset.validationRules);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate(draft);
  };
  const defaults = dataset.validationRuleDefaults;
  return (
    <Panel id="rules-heading" title="Validation rules" testId="validation-rules-panel">
      <form className="space-y-3 p-3 text-sm" onSubmit={submit}>
        <p className="text-xs text-zinc-500">Later imports into this dataset use these rules; rejected records are quarantined with their reason.</p>
        {canEdit ? (
          <RulesFields idPrefix={ids} value={draft} onChange={setDraft} defaults={defaults} />
        ) : (
          <dl className="space-y-1.5" data-testid="rules-readonly">
            {CHOICE_RULES.map((rule) => (
              <div key={rule} className="grid grid-cols-[130px_1fr] gap-2">
                <dt className="text-zinc-400" title={RULE_DESCRIPTIONS[rule].help}>
                  {RULE_DESCRIPTIONS[rule].label}
                </dt>
                <dd className="font-mono text-zinc-100">
                  {dataset.validationRules[rule]} <span className="text-zinc-500">(default {defaults[rule]})</span>
                </dd>
              </div>
            ))}
            <div className="grid grid-cols-[130px_1fr] gap-2">
              <dt className="text-zinc-400" title={RULE_DESCRIPTIONS.priceBand.help}>
                {RULE_DESCRIPTIONS.priceBand.label}
              </dt>
              <dd className="text-zinc-100">
                {describePriceBand(dataset.validationRules.priceBand)} <span className="text-zinc-500">(default {describePriceBand(defaults.priceBand)})</span>
              </dd>
            </div>
          </dl>
        )}
        <details className="text-[11px] text-zinc-500">
          <summary className="cursor-pointer">Always checked</summary>
          <ul className="mt-1 list-disc space-y-0.5 pl-4">
            {FIXED_CHECKS.map(([reason, what]) => (
              <li key={reason}>
                <span className="font-mono">{reason}</span>: {what}
              </li>
            ))}
          </ul>
        </details>
        {canEdit && (
          <div className="flex items-center gap-2">
            <button type="submit" className="btn btn-primary" disabled={!changed || save.isPending} data-testid="rules-save">
              {save.isPending ? "Saving…" : "Save rules"}
            </button>
            {changed && (
              <button type="button" className="btn btn-ghost" onClick={() => setDraft(dataset.validationRules)}>
                Reset
              </button>
            )}
            {save.isSuccess && !changed && <span className="text-xs text-emerald-400">Saved</span>}
          </div>
        )}
        {save.isError && <ErrorAlert error={save.error} title="Could not save the rules" />}
      </form>
    </Panel>
  );
}
