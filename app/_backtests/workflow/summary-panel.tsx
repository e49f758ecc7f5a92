"use client";
import type { ReactNode } from "react";
import type { DatasetSummary, StrategySummary } from "@/lib/ui/api";
import type { ParamField } from "@/lib/ui/strategy-params";
import { formatDuration, formatInt } from "@/lib/ui/format";
import { estimateDurationMs, estimateEvents, type ResolvedRange } from "@/lib/ui/workflow-estimate";
import { describeRollsInRange, describeSeries, rollsInRange, type WorkflowContinuous } from "@/lib/ui/workflow-datasets";
import { RANGE_LABELS, type WorkflowState } from "@/lib/ui/workflow-state";
import { Panel } from "@/lib/ui/panel";
import { executionLines } from "./execution-summary";

/** The configuration so far, beside the steps; it follows every edit. */
export function SummaryPanel({
  state,
  dataset,
  continuous,
  strategy,
  range,
  fields,
}: {
  state: WorkflowState;
  dataset: DatasetSummary | undefined;
  /** The dataset's components and rolls when it is continuous (its detail loaded), else null. */
  continuous: WorkflowContinuous | null;
  strategy: StrategySummary | undefined;
  range: ResolvedRange | null;
  fields: ParamField[];
}) {
  const events = range ? estimateEvents(range) : null;
  const series = dataset ? describeSeries(dataset, continuous) : null;
  return (
    <Panel id="wf-summary-heading" title="Summary" testId="wf-summary">
      <dl className="divide-y divide-zinc-800/70 text-[13px]">
        <Row label="Dataset" testId="sum-dataset">
          {dataset ? `${dataset.name} v${dataset.version}` : "—"}
        </Row>
        <Row label="Contract" testId="sum-contract">
          <span className="font-mono">{series?.short ?? "—"}</span>
          {series?.kind === "continuous" && <span className="block text-zinc-400">continuous, roll rule {series.rule}</span>}
        </Row>
        {series?.kind === "continuous" && (
          <Row label="Rolls" testId="sum-rolls">
            {continuous && range ? describeRollsInRange(rollsInRange(continuous.rolls, range)) : "—"}
          </Row>
        )}
        <Row label="Range" testId="sum-range">
          {RANGE_LABELS[state.range]}
          {range && (
            <span className="block text-zinc-400">
              {range.fromDate} → {range.toDate} ·{" "}
              <span className="whitespace-nowrap">
                {range.sessions.length} session{range.sessions.length === 1 ? "" : "s"}
              </span>
            </span>
          )}
        </Row>
        <Row label="Strategy" testId="sum-strategy">
          {strategy?.name ?? "—"}
          {fields.length > 0 && (
            <ul className="font-mono text-xs text-zinc-400">
              {fields.map((f) => (
                <li key={f.key}>
                  {f.key} = {state.params[f.key] || "default"}
                </li>
              ))}
            </ul>
          )}
        </Row>
        {executionLines(state, dataset).map((line) => (
          <Row key={line.key} label={line.label} testId={`sum-${line.key}`}>
            {line.value}
          </Row>
        ))}
        <Row label="Events" testId="sum-events">
          {events === null ? "—" : `≈ ${formatInt(events)}`}
        </Row>
        <Row label="Duration" testId="sum-duration">
          {events === null ? "—" : `≈ ${formatDuration(estimateDurationMs(events))}`}
        </Row>
      </dl>
    </Panel>
  );
}

function Row({ label, testId, children }: { label: string; testId: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-[96px_minmax(0,1fr)] gap-2 px-3 py-1.5">
      <dt className="text-zinc-400">{label}</dt>
      <dd className="min-w-0 text-zinc-200" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}
