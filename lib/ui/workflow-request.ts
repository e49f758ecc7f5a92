/**
 * The guided workflow's state -> the body of POST /api/runs (lib/runs/run-config.ts), with every
 * problem per field. The execution options are mapped by lib/ui/workflow-execution.ts.
 */
import { coerceParams, type FieldIssue, type ParamField } from "./strategy-params";
import { checkField, checkRangeOrder, type CheckedField, type WorkflowState, type WorkflowStep } from "./workflow-state";
import type { ResolvedRange } from "./workflow-estimate";
import { fillModelHelp, fillModelsForDataset } from "./workflow-datasets";
import { executionConfig, executionFields, executionIssues } from "./workflow-execution";

export interface RequestContext {
  /** Resolved dataset name; "" when none is chosen or available. */
  datasetName: string;
  strategyKnown: boolean;
  fields: ParamField[];
  range: ResolvedRange | null;
  /** Fill models offered for the dataset. */
  fillModels: readonly string[];
}

const STEP_FIELDS: Record<WorkflowStep, (state: WorkflowState) => CheckedField[]> = {
  data: () => ["dataset", "from", "to"],
  strategy: () => ["strategy"],
  execution: executionFields,
  review: () => ["name"],
};

/** Problems of one step (paths are URL field names; strategy parameters are `p.<key>`). */
export function stepIssues(step: WorkflowStep, state: WorkflowState, ctx: RequestContext): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const field of STEP_FIELDS[step](state)) {
    const problem = checkField(field, state[field]);
    if (problem) issues.push({ path: field, message: problem });
  }
  if (step === "data") {
    if (!ctx.datasetName) issues.push({ path: "dataset", message: "Choose a dataset" });
    const order = checkRangeOrder(state.from, state.to);
    if (order) issues.push({ path: "to", message: order });
    if (ctx.range && ctx.range.sessions.length === 0 && ctx.datasetName) issues.push({ path: "range", message: "No session of the dataset in this range" });
  }
  if (step === "strategy") {
    if (!ctx.strategyKnown) issues.push({ path: "strategy", message: "Choose a strategy" });
    else for (const issue of coerceParams(ctx.fields, state.params).issues) issues.push({ path: `p.${issue.path}`, message: issue.message });
  }
  if (step === "execution") {
    if (!ctx.fillModels.includes(state.fill)) issues.push({ path: "fill", message: `Not available for this dataset; choose ${ctx.fillModels.join(" or ")}` });
    // Cross-field problems only once the fields themselves are valid.
    if (issues.length === 0) issues.push(...executionIssues(state));
  }
  return issues;
}

export function allIssues(state: WorkflowState, ctx: RequestContext): FieldIssue[] {
  return (["data", "strategy", "execution", "review"] as const).flatMap((step) => stepIssues(step, state, ctx));
}

export interface CreateRunBody {
  datasetName: string;
  strategyId: string;
  params: Record<string, unknown>;
  name?: string;
  config: Record<string, unknown>;
}

/** The request body, or the issues that prevent it. */
export function toCreateRunBody(state: WorkflowState, ctx: RequestContext): { body: CreateRunBody | null; issues: FieldIssue[] } {
  const issues = allIssues(state, ctx);
  if (issues.length > 0) return { body: null, issues };
  const config: Record<string, unknown> = { ...executionConfig(state), startingCashUsd: Number(state.cash), seed: Number(state.seed) };
  if (ctx.range?.fromIso) config.from = ctx.range.fromIso;
  if (ctx.range?.toIso) config.to = ctx.range.toIso;
  return {
    body: {
      datasetName: ctx.datasetName,
      strategyId: state.strategy,
      params: coerceParams(ctx.fields, state.params).params,
      ...(state.name.trim() ? { name: state.name.trim() } : {}),
      config,
    },
    issues: [],
  };
}

export interface ChoiceLists {
  /** `kind` "continuous" offers l1-trades only (workflow-datasets.ts); absent = "single". */
  datasets: ReadonlyArray<{ name: string; schema: string; kind?: string }>;
  strategies: ReadonlyArray<{ id: string; fields: ParamField[] }>;
  /** Fill models the API accepts. */
  apiFillModels: readonly string[];
}

/**
 * Fills in what the URL left open or named wrongly, once the lists are known: an unknown or
 * missing dataset/strategy becomes the first available one, a fill model the dataset cannot
 * support becomes the first it can, and missing strategy parameters get their defaults (those
 * of another strategy are dropped). Each replacement of a value the URL did name gets a notice.
 */
export function resolveChoices(state: WorkflowState, lists: ChoiceLists, defaultRaw: (f: ParamField) => string): { state: WorkflowState; notices: string[] } {
  const notices: string[] = [];
  const next: WorkflowState = { ...state, params: { ...state.params } };
  const dataset = lists.datasets.find((d) => d.name === state.dataset) ?? lists.datasets[0];
  if (state.dataset && dataset?.name !== state.dataset) notices.push(`Dataset "${state.dataset}" is not available; using ${dataset ? `"${dataset.name}"` : "none"}.`);
  next.dataset = dataset?.name ?? "";
  const strategy = lists.strategies.find((s) => s.id === state.strategy) ?? lists.strategies[0];
  if (state.strategy && strategy?.id !== state.strategy) notices.push(`Strategy "${state.strategy}" is not available; using ${strategy ? `"${strategy.id}"` : "none"}.`);
  next.strategy = strategy?.id ?? "";
  if (strategy) {
    const keys = new Set(strategy.fields.map((f) => f.key));
    for (const key of Object.keys(next.params)) {
      if (!keys.has(key)) {
        notices.push(`Parameter "${key}" is not a parameter of ${strategy.id}; ignored.`);
        delete next.params[key];
      }
    }
    for (const field of strategy.fields) if (next.params[field.key] === undefined) next.params[field.key] = defaultRaw(field);
  }
  if (dataset) {
    const supported = new Set(fillModelsForDataset({ kind: dataset.kind ?? "single", schema: dataset.schema }, lists.apiFillModels));
    if (supported.size === 0) notices.push(fillModelHelp({ kind: dataset.kind ?? "single", schema: dataset.schema }));
    else if (!supported.has(next.fill)) {
      const fallback = lists.apiFillModels.find((m) => supported.has(m)) ?? "l1-trades";
      const why = dataset.kind === "continuous" ? "a continuous series" : `${dataset.schema} data`;
      notices.push(`Fill model ${next.fill} is not available for ${dataset.name} (${why}); using ${fallback}.`);
      next.fill = fallback;
    }
  }
  return { state: next, notices };
}
