"use client";
import type { UseMutationResult } from "@tanstack/react-query";
import type { RunDto } from "@/lib/runs/run-dto";
import type { DatasetSummary, StrategySummary } from "@/lib/ui/api";
import { ErrorAlert } from "@/lib/ui/error-alert";
import { formatDuration, formatInt } from "@/lib/ui/format";
import {
  RUN_THROUGHPUT_EVENTS_PER_SEC,
  estimateDurationMs,
  estimateEvents,
  type WorkflowWarning,
} from "@/lib/ui/workflow-estimate";
import { stepIssues, type RequestContext } from "@/lib/ui/workflow-request";
import { describeRollsInRange, describeSeries, rollsInRange, type WorkflowContinuous } from "@/lib/ui/workflow-datasets";
import { STEP_LABELS, WORKFLOW_STEPS, type WorkflowState, type WorkflowStep } from "@/lib/ui/workflow-state";
import { executionLines } from "./execution-summary";
import { TextField } from "./text-field";
import { Warnings } from "./warnings";

/** Step 4: what will run, the estimates, every open problem, and the run name. */
export function StepReview({
  state,
  ctx,
  dataset,
  continuous,
  strategy,
  warnings,
  goTo,
  createRun,
  update,
}: {
  /** The dataset's components and rolls when it is continuous (its detail loaded), else null. */
  continuous: WorkflowContinuous | null;
  update: (patch: Partial<WorkflowState>) => void;
  state: WorkflowState;
  ctx: RequestContext;
  dataset: DatasetSummary | undefined;
  strategy: StrategySummary | undefined;
  warnings: WorkflowWarning[];
  goTo: (step: WorkflowStep) => void;
  createRun: UseMutationResult<RunDto, Error, unknown>;
}) {
  const events = ctx.range ? estimateEvents(ctx.range) : null;
  const series = dataset ? describeSeries(dataset, continuous) : null;
  const blocking = WORKFLOW_STEPS.filter((s) => s !== "review").flatMap((step) => stepIssues(step, state, ctx).map((issue) => ({ step, issue })));
  return (
    <>
      <dl className="grid grid-cols-[140px_minmax(0,1fr)] gap-x-3 gap-y-1 text-sm" data-testid="wf-review">
        <dt className="text-zinc-400">Dataset</dt>
        <dd className="text-zinc-100">{dataset ? `${dataset.name} v${dataset.version} (${dataset.instrument})` : "—"}</dd>
        <dt className="text-zinc-400">Contract</dt>
        <dd className="font-mono text-zinc-100" data-testid="wf-review-contract">
          {series === null ? "—" : series.kind === "continuous" ? series.title : series.short}
        </dd>
        {series?.kind === "continuous" && (
          <>
            <dt className="text-zinc-400">Rolls</dt>
            <dd className="text-zinc-100" data-testid="wf-review-rolls">
              {continuous && ctx.range ? describeRollsInRange(rollsInRange(continuous.rolls, ctx.range)) : "—"}
              <span className="block text-[11px] text-zinc-500">each roll: two fills (close old, reopen new) with fees; raw prices</span>
            </dd>
          </>
        )}
        <dt className="text-zinc-400">Sessions</dt>
        <dd className="text-zinc-100" data-testid="wf-review-range">
          {ctx.range ? `${ctx.range.fromDate} → ${ctx.range.toDate} (${ctx.range.sessions.length})` : "—"}
        </dd>
        <dt className="text-zinc-400">Strategy</dt>
        <dd className="font-mono text-zinc-100" data-testid="wf-review-strategy">
          {strategy?.id ?? "—"} {Object.entries(state.params).map(([k, v]) => `${k}=${v}`).join(" ")}
        </dd>
        {executionLines(state, dataset).map((line) => (
          <div key={line.key} className="contents">
            <dt className="text-zinc-400">{line.label}</dt>
            <dd className="text-zinc-100" data-testid={`wf-review-${line.key}`}>
              {line.value}
            </dd>
          </div>
        ))}
        <dt className="text-zinc-400">Estimated events</dt>
        <dd className="text-zinc-100" data-testid="wf-estimate-events">
          {events === null ? "—" : `≈ ${formatInt(events)}`}
        </dd>
        <dt className="text-zinc-400">Estimated duration</dt>
        <dd className="text-zinc-100" data-testid="wf-estimate-duration">
          {events === null ? "—" : `≈ ${formatDuration(estimateDurationMs(events))}`}
          <span className="block text-[11px] text-zinc-500">
            at {formatInt(RUN_THROUGHPUT_EVENTS_PER_SEC / 1e6)} M events/s plus 1 s overhead; the worker may be busy with other runs
          </span>
        </dd>
      </dl>
      <Warnings warnings={warnings} />
      <TextField
        id="wf-name"
        label="Run name (optional)"
        value={state.name}
        onChange={(name) => update({ name })}
        help={`Empty: "${state.strategy} on ${state.dataset}"`}
      />
      {blocking.length > 0 && (
        <div role="alert" className="rounded border border-red-900 bg-red-950/60 px-3 py-2 text-sm text-red-200" data-testid="wf-blocking">
          <p className="font-medium">Fix these before running:</p>
          <ul className="mt-1 space-y-0.5">
            {blocking.map(({ step, issue }, i) => (
              <li key={i}>
                <button type="button" className="underline" onClick={() => goTo(step)}>
                  {STEP_LABELS[step]}
                </button>
                : <code>{issue.path}</code> {issue.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {createRun.isError && <ErrorAlert error={createRun.error} title="Could not start the backtest" testId="wf-run-error" />}
    </>
  );
}
