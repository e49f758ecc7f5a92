"use client";
import type { UseQueryResult } from "@tanstack/react-query";
import { CoverageCalendar } from "@/app/datasets/[name]/coverage-calendar";
import type { DatasetDetail, DatasetSummary } from "@/lib/ui/api";
import { ErrorAlert } from "@/lib/ui/error-alert";
import { formatCtIso, formatInt } from "@/lib/ui/format";
import { estimateEvents, type ResolvedRange, type WorkflowWarning } from "@/lib/ui/workflow-estimate";
import { continuousOf, describeSeries, rollsInRange, type WorkflowContinuous } from "@/lib/ui/workflow-datasets";
import { RANGE_LABELS, RANGE_PRESETS, type RangePreset } from "@/lib/ui/workflow-state";
import type { StepProps } from "./guided-workflow";
import { TextField } from "./text-field";
import { Warnings } from "./warnings";

/** Step 1: instrument, dataset (coverage, counts), contract or continuous series (rolls in the range), date range. */
export function StepData({
  state,
  update,
  errorFor,
  datasets,
  dataset,
  detail,
  range,
  warnings,
}: StepProps & {
  datasets: DatasetSummary[];
  dataset: DatasetSummary | undefined;
  detail: UseQueryResult<DatasetDetail>;
  range: ResolvedRange | null;
  warnings: WorkflowWarning[];
}) {
  const instruments = [...new Set(datasets.map((d) => d.instrument))].sort();
  const instrument = dataset?.instrument ?? instruments[0] ?? "";
  const ofInstrument = datasets.filter((d) => d.instrument === instrument);
  const loaded = detail.data?.name === dataset?.name ? detail.data : undefined;
  const coverage = loaded?.coverage;
  const continuous = continuousOf(loaded);

  if (datasets.length === 0) {
    return <p className="text-sm text-zinc-400">No dataset is ready. An administrator can import or generate one.</p>;
  }
  return (
    <>
      <div className="grid gap-3 sm:grid-cols-2">
        <div>
          <label htmlFor="wf-instrument" className="field-label">
            Instrument
          </label>
          <select
            id="wf-instrument"
            className="input"
            value={instrument}
            onChange={(e) => update({ dataset: datasets.find((d) => d.instrument === e.target.value)?.name ?? "", range: "all", from: "", to: "" })}
          >
            {instruments.map((i) => (
              <option key={i} value={i}>
                {i}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="wf-dataset" className="field-label">
            Dataset
          </label>
          <select
            id="wf-dataset"
            className="input"
            value={state.dataset}
            onChange={(e) => update({ dataset: e.target.value, range: "all", from: "", to: "" })}
            aria-describedby="wf-dataset-help"
            aria-invalid={errorFor("dataset") ? true : undefined}
          >
            {ofInstrument.map((d) => (
              <option key={d.id} value={d.name}>
                {d.name} v{d.version} ({formatInt(d.recordCount)} ticks{d.kind === "continuous" ? ", continuous" : ""})
              </option>
            ))}
          </select>
          <span id="wf-dataset-help" className="field-help" data-testid="wf-dataset-help">
            {dataset && `${dataset.schema} · ${formatInt(dataset.recordCount)} records · ${formatCtIso(dataset.start)} → ${formatCtIso(dataset.end)}`}
          </span>
        </div>
      </div>

      {dataset && <SeriesPanel dataset={dataset} continuous={continuous} range={range} />}

      <section aria-labelledby="wf-coverage-heading" className="rounded border border-line">
        <h3 id="wf-coverage-heading" className="border-b border-line px-3 py-1.5 text-[11px] font-semibold tracking-wider text-zinc-400 uppercase">
          Coverage by session date (CT)
          {coverage && (
            <span className="ml-2 font-normal tracking-normal normal-case text-zinc-500">
              {coverage.sessions.length} sessions · {coverage.gaps} without data
            </span>
          )}
        </h3>
        {detail.isPending && <p className="px-3 py-4 text-sm text-zinc-500">Loading coverage…</p>}
        {detail.isError && (
          <div className="p-3">
            <ErrorAlert error={detail.error} title="Could not load the coverage" />
          </div>
        )}
        {coverage && <CoverageCalendar coverage={coverage} dataset={loaded} />}
      </section>

      <fieldset className="space-y-2">
        <legend className="field-label">Date range</legend>
        <div className="flex flex-wrap gap-3" role="radiogroup" aria-label="Date range preset">
          {RANGE_PRESETS.map((preset) => (
            <label key={preset} className="flex items-center gap-1.5 text-sm text-zinc-300">
              <input
                type="radio"
                name="wf-range"
                value={preset}
                checked={state.range === preset}
                onChange={() => update(presetPatch(preset, range))}
                className="accent-accent"
              />
              {RANGE_LABELS[preset]}
            </label>
          ))}
        </div>
        {state.range === "custom" && (
          <div className="grid gap-3 sm:grid-cols-2">
            <TextField
              id="wf-from"
              label="From (session date)"
              value={state.from}
              onChange={(from) => update({ from })}
              error={errorFor("from")}
              placeholder={coverage?.sessions[0]?.sessionDate ?? "YYYY-MM-DD"}
              help="YYYY-MM-DD, inclusive; or an ISO-8601 instant"
            />
            <TextField
              id="wf-to"
              label="To (session date)"
              value={state.to}
              onChange={(to) => update({ to })}
              error={errorFor("to")}
              placeholder={coverage?.sessions.at(-1)?.sessionDate ?? "YYYY-MM-DD"}
              help="YYYY-MM-DD, inclusive; or an ISO-8601 instant (exclusive)"
            />
          </div>
        )}
        {range && (
          <p className="text-sm text-zinc-300" data-testid="wf-range-summary">
            Sessions {range.fromDate} → {range.toDate}: {range.sessions.length} session{range.sessions.length === 1 ? "" : "s"}, ≈{" "}
            {formatInt(estimateEvents(range))} ticks
          </p>
        )}
        {errorFor("range") && <p className="text-[11px] text-down">{errorFor("range")}</p>}
      </fieldset>

      <Warnings warnings={warnings} />
    </>
  );
}

/** Choosing "Custom" starts from the range shown so far, so it can be narrowed from there. */
function presetPatch(preset: RangePreset, range: ResolvedRange | null) {
  if (preset !== "custom") return { range: preset, from: "", to: "" };
  return { range: preset, from: range?.fromDate ?? "", to: range?.toDate ?? "" };
}

/**
 * The contract the backtest trades: one (dated, or a root's front contract), or a continuous
 * series with its roll rule and the rolls inside the chosen range (lib/ui/workflow-datasets.ts).
 */
function SeriesPanel({ dataset, continuous, range }: { dataset: DatasetSummary; continuous: WorkflowContinuous | null; range: ResolvedRange | null }) {
  const series = describeSeries(dataset, continuous);
  if (series.kind === "single") {
    const shown = series.dated ? series.contract : series.contract && series.contract !== dataset.instrument ? `${dataset.instrument} (root; front contract at the first tick: ${series.contract})` : dataset.instrument;
    return (
      <div className="rounded border border-line px-3 py-2 text-sm" data-testid="wf-contract" data-kind="single">
        <span className="text-zinc-500">Contract: </span>
        <span className="font-mono text-zinc-100">{shown ?? "unknown"}</span>
        <p className="field-help">
          This dataset holds a single contract, so there is no continuous series and no roll rule to choose: the backtest trades{" "}
          {series.contract ?? "it"} as recorded.
        </p>
      </div>
    );
  }
  const rolls = continuous && range ? rollsInRange(continuous.rolls, range) : null;
  return (
    <div className="space-y-1.5 rounded border border-line px-3 py-2 text-sm" data-testid="wf-contract" data-kind="continuous">
      <p className="font-mono text-zinc-100" data-testid="wf-series">
        {series.title}
      </p>
      <div data-testid="wf-rolls">
        {rolls === null ? (
          <p className="text-zinc-500">Loading the roll dates…</p>
        ) : rolls.length === 0 ? (
          <p className="text-zinc-300">No roll inside the chosen range: the run trades one contract.</p>
        ) : (
          <>
            <p className="text-zinc-300">
              {rolls.length} roll{rolls.length === 1 ? "" : "s"} inside the chosen range:
            </p>
            <ul className="list-disc pl-5 font-mono text-xs text-zinc-300">
              {rolls.map((r) => (
                <li key={r.atNs} data-testid="wf-roll">
                  {r.sessionDate}: {r.fromContract} → {r.toContract} at the session open, {formatCtIso(r.at)}
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
      <p className="field-help">
        Trading happens in the real contract of each period, in its own prices. At each roll the engine cancels working orders and rolls an open
        position in two fills (close in the old contract at its last trade, reopen in the new one at its first trade), each paying the fee per
        side. Strategies see raw, unadjusted prices: an indicator spanning a roll sees the calendar spread as a jump.
      </p>
    </div>
  );
}
