"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useMemo, useState, type FormEvent } from "react";
import { ApiError, api, apiIssues, queryKeys, strategyParamsSchema, type DatasetSummary } from "@/lib/ui/api";
import { ErrorAlert } from "@/lib/ui/error-alert";
import { formatCtIso, formatInt } from "@/lib/ui/format";
import { coerceParams, defaultRaw, paramFields, type FieldIssue } from "@/lib/ui/strategy-params";
import { ParamInput } from "./param-input";

const FILL_MODELS = [{ id: "l1-trades", label: "L1 trades (fills at next trade)" }] as const;

interface FormValues {
  datasetId: string;
  strategyId: string;
  fillModel: string;
  feePerSideUsd: string;
  startingCashUsd: string;
}

/** Client-side checks of the run configuration; the API validates again. */
function checkConfig(values: FormValues): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (!values.datasetId) issues.push({ path: "datasetId", message: "Choose a dataset" });
  if (!values.strategyId) issues.push({ path: "strategyId", message: "Choose a strategy" });
  const fee = values.feePerSideUsd.trim();
  if (fee !== "" && !(Number(fee) >= 0 && Number(fee) <= 1000)) issues.push({ path: "feePerSideUsd", message: "Between 0 and 1,000" });
  const cash = Number(values.startingCashUsd);
  if (!(cash > 0) || !Number.isFinite(cash)) issues.push({ path: "startingCashUsd", message: "Must be greater than 0" });
  return issues;
}

function datasetLabel(d: DatasetSummary): string {
  return `${d.name} · ${d.instrument} v${d.version} (${formatInt(d.recordCount)} ticks)`;
}

export function NewBacktestForm() {
  const router = useRouter();
  const queryClient = useQueryClient();
  const datasetsQuery = useQuery({ queryKey: queryKeys.datasets, queryFn: api.datasets });
  const strategiesQuery = useQuery({ queryKey: queryKeys.strategies, queryFn: api.strategies, staleTime: 5 * 60_000 });

  const readyDatasets = useMemo(() => (datasetsQuery.data?.datasets ?? []).filter((d) => d.status === "ready"), [datasetsQuery.data]);
  const strategies = useMemo(() => strategiesQuery.data?.strategies ?? [], [strategiesQuery.data]);

  // Empty selections fall back to the first option, so the form is usable without a click.
  const [values, setValues] = useState<FormValues>({ datasetId: "", strategyId: "", fillModel: "l1-trades", feePerSideUsd: "", startingCashUsd: "100000" });
  // Raw parameter text per strategy: switching strategies keeps what was typed for each.
  const [paramValues, setParamValues] = useState<Record<string, Record<string, string>>>({});
  const [issues, setIssues] = useState<FieldIssue[]>([]);

  const datasetId = values.datasetId || (readyDatasets[0] ? String(readyDatasets[0].id) : "");
  const strategyId = values.strategyId || strategies[0]?.id || "";
  const strategy = strategies.find((s) => s.id === strategyId);
  const dataset = readyDatasets.find((d) => String(d.id) === datasetId);
  const fields = useMemo(() => paramFields(strategyParamsSchema(strategy), strategy?.defaults), [strategy]);
  const rawParams = paramValues[strategyId] ?? {};

  const createRun = useMutation({
    mutationFn: api.createRun,
    onSuccess: async (run) => {
      await queryClient.invalidateQueries({ queryKey: queryKeys.runs });
      router.push(`/runs/${run.id}`);
    },
  });

  // Field messages: the client's own checks, then the server's (paths like "params.fast", "config.feePerSideUsd").
  const serverIssues = createRun.error instanceof ApiError ? apiIssues(createRun.error) : [];
  const issueFor = (path: string) =>
    issues.find((i) => i.path === path)?.message ??
    serverIssues.find((i) => i.path === path || i.path === `params.${path}` || i.path === `config.${path}`)?.message;
  const set = (key: keyof FormValues) => (value: string) => setValues((v) => ({ ...v, [key]: value }));

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const effective = { ...values, datasetId, strategyId };
    const coerced = coerceParams(fields, rawParams);
    const found = [...checkConfig(effective), ...coerced.issues];
    setIssues(found);
    if (found.length > 0) return;
    const fee = effective.feePerSideUsd.trim();
    createRun.mutate({
      datasetId: Number(effective.datasetId),
      strategyId: effective.strategyId,
      params: coerced.params,
      config: {
        fillModel: effective.fillModel,
        ...(fee !== "" ? { feePerSideUsd: Number(fee) } : {}),
        startingCashUsd: Number(effective.startingCashUsd),
      },
    });
  }

  if (datasetsQuery.isPending || strategiesQuery.isPending) {
    return <p className="p-3 text-sm text-zinc-500">Loading datasets and strategies…</p>;
  }
  if (datasetsQuery.isError || strategiesQuery.isError) {
    return (
      <div className="p-3">
        <ErrorAlert error={datasetsQuery.error ?? strategiesQuery.error} title="Could not load the form" />
      </div>
    );
  }

  const noDatasets = readyDatasets.length === 0;
  const pending = createRun.isPending || createRun.isSuccess;

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4 p-3" aria-label="New backtest">
      <fieldset className="space-y-3">
        <legend className="sr-only">Data and strategy</legend>
        <div>
          <label htmlFor="dataset" className="field-label">
            Dataset
          </label>
          <select
            id="dataset"
            name="datasetId"
            className="input"
            value={datasetId}
            onChange={(e) => set("datasetId")(e.target.value)}
            disabled={noDatasets}
            aria-describedby="dataset-help"
            aria-invalid={issueFor("datasetId") ? true : undefined}
          >
            {noDatasets && <option value="">No ready datasets</option>}
            {readyDatasets.map((d) => (
              <option key={d.id} value={d.id}>
                {datasetLabel(d)}
              </option>
            ))}
          </select>
          <span id="dataset-help" className="field-help">
            {noDatasets
              ? "No dataset is ready. An administrator can import or generate one."
              : dataset && `${formatCtIso(dataset.start)} → ${formatCtIso(dataset.end)}`}
          </span>
        </div>

        <div>
          <label htmlFor="strategy" className="field-label">
            Strategy
          </label>
          <select
            id="strategy"
            name="strategyId"
            className="input"
            value={strategyId}
            onChange={(e) => {
              set("strategyId")(e.target.value);
              setIssues([]);
            }}
            aria-describedby={strategy?.description ? "strategy-help" : undefined}
          >
            {strategies.length === 0 && <option value="">No strategies available</option>}
            {strategies.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
          {strategy?.description && (
            <span id="strategy-help" className="field-help">
              {strategy.description}
            </span>
          )}
        </div>
      </fieldset>

      {fields.length > 0 && (
        <fieldset className="rounded border border-line p-3" data-testid="strategy-params">
          <legend className="px-1 text-[11px] font-semibold tracking-wider text-zinc-400 uppercase">Parameters</legend>
          <div className="grid grid-cols-2 gap-3">
            {fields.map((field) => (
              <ParamInput
                key={`${strategyId}:${field.key}`}
                field={field}
                value={rawParams[field.key] ?? defaultRaw(field)}
                error={issueFor(field.key)}
                onChange={(value) => setParamValues((all) => ({ ...all, [strategyId]: { ...all[strategyId], [field.key]: value } }))}
              />
            ))}
          </div>
        </fieldset>
      )}

      <fieldset className="rounded border border-line p-3">
        <legend className="px-1 text-[11px] font-semibold tracking-wider text-zinc-400 uppercase">Execution</legend>
        <div className="grid grid-cols-2 gap-3">
          <div className="col-span-2">
            <label htmlFor="fill-model" className="field-label">
              Fill model
            </label>
            <select id="fill-model" name="fillModel" className="input" value={values.fillModel} onChange={(e) => set("fillModel")(e.target.value)}>
              {FILL_MODELS.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.label}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="fee-per-side" className="field-label">
              Fee per side (USD)
            </label>
            <input
              id="fee-per-side"
              name="feePerSideUsd"
              type="number"
              inputMode="decimal"
              min={0}
              max={1000}
              step="0.01"
              placeholder="contract default"
              className="input"
              value={values.feePerSideUsd}
              onChange={(e) => set("feePerSideUsd")(e.target.value)}
              aria-describedby={issueFor("feePerSideUsd") ? "fee-per-side-error" : "fee-per-side-help"}
              aria-invalid={issueFor("feePerSideUsd") ? true : undefined}
            />
            {issueFor("feePerSideUsd") ? (
              <span id="fee-per-side-error" className="mt-1 block text-[11px] text-down">
                {issueFor("feePerSideUsd")}
              </span>
            ) : (
              <span id="fee-per-side-help" className="field-help">
                Per contract, per side; empty uses the contract&apos;s fee.
              </span>
            )}
          </div>
          <div>
            <label htmlFor="starting-cash" className="field-label">
              Starting cash (USD)
            </label>
            <input
              id="starting-cash"
              name="startingCashUsd"
              type="number"
              inputMode="decimal"
              min={1}
              step="any"
              required
              className="input"
              value={values.startingCashUsd}
              onChange={(e) => set("startingCashUsd")(e.target.value)}
              aria-describedby={issueFor("startingCashUsd") ? "starting-cash-error" : undefined}
              aria-invalid={issueFor("startingCashUsd") ? true : undefined}
            />
            {issueFor("startingCashUsd") && (
              <span id="starting-cash-error" className="mt-1 block text-[11px] text-down">
                {issueFor("startingCashUsd")}
              </span>
            )}
          </div>
        </div>
      </fieldset>

      {issues.length > 0 && (
        <p role="alert" className="text-sm text-down" data-testid="new-backtest-invalid">
          Fix the highlighted field{issues.length > 1 ? "s" : ""} before starting the run.
        </p>
      )}
      {createRun.isError && <ErrorAlert error={createRun.error} title="Could not start the backtest" testId="new-backtest-error" />}

      <button type="submit" className="btn btn-primary w-full" disabled={pending || noDatasets || !strategy}>
        {pending ? "Starting…" : "Run backtest"}
      </button>
    </form>
  );
}
