"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter, useSearchParams } from "next/navigation";
import { useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import { FILL_MODELS } from "@/lib/runs/run-config";
import { api, queryKeys, strategyParamsSchema } from "@/lib/ui/api";
import { ErrorAlert } from "@/lib/ui/error-alert";
import { defaultRaw, paramFields, type FieldIssue } from "@/lib/ui/strategy-params";
import { dataWarnings, resolveRange } from "@/lib/ui/workflow-estimate";
import { continuousOf, fillModelsForDataset } from "@/lib/ui/workflow-datasets";
import { resolveChoices, stepIssues, toCreateRunBody, type RequestContext } from "@/lib/ui/workflow-request";
import {
  STEP_LABELS,
  WORKFLOW_PATH,
  WORKFLOW_STEPS,
  decodeWorkflow,
  encodeWorkflow,
  type WorkflowState,
  type WorkflowStep,
} from "@/lib/ui/workflow-state";
import { StepData } from "./step-data";
import { StepExecution } from "./step-execution";
import { StepReview } from "./step-review";
import { StepStrategy } from "./step-strategy";
import { SummaryPanel } from "./summary-panel";

export interface StepProps {
  state: WorkflowState;
  /** Changes fields of the current step (replaces the history entry: typing adds no entries). */
  update: (patch: Partial<WorkflowState>) => void;
  errorFor: (path: string) => string | undefined;
}

/**
 * The guided backtest setup: data -> strategy -> execution -> review. The URL is the state: every
 * field is a search parameter (lib/ui/workflow-state.ts); moving between steps pushes a history
 * entry, editing a field replaces it, and back/forward or a reload restore exactly what was shown.
 */
export function GuidedWorkflow() {
  const searchParams = useSearchParams();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [initial] = useState(() => decodeWorkflow(searchParams));
  const [rawState, setRawState] = useState(initial.state);
  const [urlNotices, setUrlNotices] = useState<string[]>(initial.notices);
  const [noticesDismissed, setNoticesDismissed] = useState(false);
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [attempted, setAttempted] = useState<ReadonlySet<WorkflowStep>>(new Set());

  // Back/forward between steps: the history entry's URL is the state to show.
  useEffect(() => {
    const onPopState = () => {
      const next = decodeWorkflow(new URLSearchParams(window.location.search));
      setRawState(next.state);
      setUrlNotices(next.notices);
      setNoticesDismissed(false);
    };
    window.addEventListener("popstate", onPopState);
    return () => window.removeEventListener("popstate", onPopState);
  }, []);

  const datasetsQuery = useQuery({ queryKey: queryKeys.datasets, queryFn: api.datasets });
  const strategiesQuery = useQuery({ queryKey: queryKeys.strategies, queryFn: api.strategies, staleTime: 5 * 60_000 });
  const readyDatasets = useMemo(() => (datasetsQuery.data?.datasets ?? []).filter((d) => d.status === "ready"), [datasetsQuery.data]);
  const strategies = useMemo(
    () => (strategiesQuery.data?.strategies ?? []).map((s) => ({ ...s, fields: paramFields(strategyParamsSchema(s), s.defaults) })),
    [strategiesQuery.data],
  );
  const listsLoaded = !!datasetsQuery.data && !!strategiesQuery.data;

  // What the URL left open or named wrongly is resolved against the lists (first dataset,
  // parameter defaults...); the effective state is what every step shows and what is sent.
  const resolved = useMemo(
    () => (listsLoaded ? resolveChoices(rawState, { datasets: readyDatasets, strategies, apiFillModels: FILL_MODELS }, defaultRaw) : { state: rawState, notices: [] }),
    [listsLoaded, rawState, readyDatasets, strategies],
  );
  const state = resolved.state;
  const notices = noticesDismissed ? [] : [...urlNotices, ...resolved.notices];

  // Keep the address bar equal to the effective state (a bookmark then reloads exactly this).
  const query = encodeWorkflow(state).toString();
  useEffect(() => {
    if (listsLoaded && window.location.search.slice(1) !== query) window.history.replaceState(null, "", `${WORKFLOW_PATH}?${query}`);
  }, [listsLoaded, query]);

  const write = (next: WorkflowState, mode: "push" | "replace") => {
    setRawState(next);
    window.history[mode === "push" ? "pushState" : "replaceState"](null, "", `${WORKFLOW_PATH}?${encodeWorkflow(next).toString()}`);
  };

  const dataset = readyDatasets.find((d) => d.name === state.dataset);
  const detailQuery = useQuery({
    queryKey: queryKeys.dataset(state.dataset),
    queryFn: () => api.dataset(state.dataset),
    enabled: !!dataset,
    staleTime: 60_000,
  });
  const coverage = dataset && detailQuery.data?.name === dataset.name ? detailQuery.data.coverage : null;
  const continuous = dataset && detailQuery.data?.name === dataset.name ? continuousOf(detailQuery.data) : null;
  const range = useMemo(() => (coverage ? resolveRange(state, coverage.sessions) : null), [coverage, state]);
  const strategy = strategies.find((s) => s.id === state.strategy);
  const fields = useMemo(() => strategy?.fields ?? [], [strategy]);
  const fillModels = useMemo(() => (dataset ? fillModelsForDataset(dataset, FILL_MODELS) : ["l1-trades"]), [dataset]);
  const warnings = useMemo(() => (range ? dataWarnings(range, state.params) : []), [range, state.params]);

  const ctx: RequestContext = {
    datasetName: dataset?.name ?? "",
    strategyKnown: !!strategy,
    fields,
    range,
    fillModels,
  };
  const issues = stepIssues(state.step, state, ctx);
  const errorFor = (path: string) =>
    attempted.has(state.step) || touched.has(path) ? issues.find((i) => i.path === path)?.message : undefined;

  const update = (patch: Partial<WorkflowState>) => {
    setTouched((t) => new Set([...t, ...Object.keys(patch), ...Object.keys(patch.params ?? {}).map((k) => `p.${k}`)]));
    write({ ...state, ...patch }, "replace");
  };
  const goTo = (step: WorkflowStep) => {
    if (step !== state.step) write({ ...state, step }, "push");
  };

  // A new step starts at the top of the page (Next sits under a long form), with focus on its
  // heading, so keyboard and screen-reader users land in it.
  const heading = useRef<HTMLHeadingElement>(null);
  const previousStep = useRef(state.step);
  useEffect(() => {
    if (previousStep.current !== state.step) {
      window.scrollTo({ top: 0 });
      heading.current?.focus({ preventScroll: true });
    }
    previousStep.current = state.step;
  }, [state.step]);

  const createRun = useMutation({
    mutationFn: api.createRun,
    onSuccess: async (run) => {
      await queryClient.invalidateQueries({ queryKey: queryKeys.runs });
      router.push(`/runs/${run.id}`);
    },
  });

  function onNext(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setAttempted((a) => new Set([...a, state.step]));
    if (issues.length > 0) {
      focusFirstInvalid(issues);
      return;
    }
    if (state.step === "review") {
      const request = toCreateRunBody(state, ctx);
      if (request.body) createRun.mutate(request.body);
      return;
    }
    goTo(WORKFLOW_STEPS[WORKFLOW_STEPS.indexOf(state.step) + 1]);
  }

  if (datasetsQuery.isPending || strategiesQuery.isPending) return <p className="text-sm text-zinc-500">Loading datasets and strategies…</p>;
  if (datasetsQuery.isError || strategiesQuery.isError) {
    return <ErrorAlert error={datasetsQuery.error ?? strategiesQuery.error} title="Could not load the workflow" />;
  }

  const index = WORKFLOW_STEPS.indexOf(state.step);
  const stepProps: StepProps = { state, update, errorFor };
  return (
    <div className="space-y-4" data-testid="workflow" data-step={state.step}>
      <nav aria-label="Workflow steps">
        <ol className="flex flex-wrap gap-2">
          {WORKFLOW_STEPS.map((step, i) => (
            <li key={step}>
              <button
                type="button"
                onClick={() => goTo(step)}
                aria-current={step === state.step ? "step" : undefined}
                className={`flex items-center gap-2 rounded border px-3 py-1.5 text-sm ${
                  step === state.step ? "border-accent bg-accent/15 text-zinc-100" : "border-line text-zinc-400 hover:text-zinc-200"
                }`}
              >
                <span aria-hidden className="grid size-5 place-items-center rounded-full bg-zinc-800 font-mono text-[11px]">
                  {i + 1}
                </span>
                {STEP_LABELS[step]}
              </button>
            </li>
          ))}
        </ol>
      </nav>

      {notices.length > 0 && (
        <div role="status" className="rounded border border-amber-800 bg-amber-950/40 px-3 py-2 text-sm text-amber-200" data-testid="workflow-notices">
          <div className="flex items-start justify-between gap-3">
            <ul className="list-disc space-y-0.5 pl-4">
              {notices.map((n, i) => (
                <li key={i}>{n}</li>
              ))}
            </ul>
            <button type="button" className="btn btn-ghost h-6 px-2 text-xs" onClick={() => setNoticesDismissed(true)}>
              Dismiss
            </button>
          </div>
        </div>
      )}

      <div className="grid items-start gap-4 lg:grid-cols-[minmax(0,1fr)_320px]">
        <form onSubmit={onNext} noValidate className="panel" aria-labelledby="step-heading" data-testid={`step-${state.step}`}>
          <div className="panel-header">
            <h2 id="step-heading" ref={heading} tabIndex={-1} className="panel-title outline-none">
              Step {index + 1} of {WORKFLOW_STEPS.length}: {STEP_LABELS[state.step]}
            </h2>
          </div>
          <div className="space-y-4 p-3">
            {state.step === "data" && (
              <StepData {...stepProps} datasets={readyDatasets} dataset={dataset} detail={detailQuery} range={range} warnings={warnings} />
            )}
            {state.step === "strategy" && (
              <StepStrategy {...stepProps} strategies={strategies} strategy={strategy} fields={fields} warnings={warnings} />
            )}
            {state.step === "execution" && <StepExecution {...stepProps} dataset={dataset} fillModels={fillModels} />}
            {state.step === "review" && (
              <StepReview state={state} ctx={ctx} dataset={dataset} continuous={continuous} strategy={strategy} warnings={warnings} goTo={goTo} createRun={createRun} update={update} />
            )}
            {attempted.has(state.step) && issues.length > 0 && (
              <p role="alert" className="text-sm text-down" data-testid="step-invalid">
                Fix the highlighted field{issues.length > 1 ? "s" : ""} to continue.
              </p>
            )}
          </div>
          <div className="flex items-center justify-between gap-2 border-t border-line px-3 py-2">
            <button type="button" className="btn btn-ghost" onClick={() => goTo(WORKFLOW_STEPS[index - 1])} disabled={index === 0}>
              Back
            </button>
            {state.step === "review" ? (
              <button type="submit" className="btn btn-primary" disabled={createRun.isPending || createRun.isSuccess}>
                {createRun.isPending || createRun.isSuccess ? "Starting…" : "Run backtest"}
              </button>
            ) : (
              <button type="submit" className="btn btn-primary">
                Next: {STEP_LABELS[WORKFLOW_STEPS[index + 1]]}
              </button>
            )}
          </div>
        </form>
        <SummaryPanel state={state} dataset={dataset} continuous={continuous} strategy={strategy} range={range} fields={fields} />
      </div>
    </div>
  );
}

/** Focuses the input of the first issue (ids follow the URL field names, see the steps). */
function focusFirstInvalid(issues: FieldIssue[]) {
  const id = `wf-${issues[0].path.replace(".", "-")}`;
  document.getElementById(id)?.focus();
}
