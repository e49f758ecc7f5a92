"use client";
import type { DatasetSummary } from "@/lib/ui/api";
import { getContractSpec } from "@/lib/market/contract-spec";
import { CALENDAR_LABELS, LATENCY_DISTRIBUTION_LABELS, takesLatencyLegs, takesSessionOptions, takesTradeEngineOptions } from "@/lib/ui/workflow-execution";
import { CALENDAR_CHOICES, LATENCY_DISTRIBUTIONS } from "@/lib/ui/workflow-state";
import { fillModelHelp } from "@/lib/ui/workflow-datasets";
import { CheckField, FieldGroup, SelectField } from "./choice-fields";
import type { StepProps } from "./guided-workflow";
import { TextField } from "./text-field";

export const FILL_MODEL_LABELS: Record<string, string> = {
  "l1-trades": "L1 trades: fills at the next trade",
  "l1-quotes": "L1 quotes: fills against the best bid/ask",
  "l2-queue": "L2 queue: queue position estimated from depth",
  "l3-fifo": "L3 FIFO: exact queue position from MBO",
};

/** The contract's default fee per side in USD, e.g. 0.57 for MNQ; null for an unknown root. */
export function defaultFeeUsd(instrument: string | undefined): number | null {
  if (!instrument) return null;
  try {
    return getContractSpec(instrument).defaultFeePerSideCents / 100;
  } catch {
    return null;
  }
}

const LATENCY_VALUE_HELP = { constant: "", uniform: "; the minimum", lognormal: "; the median" } as const;

/**
 * Step 3: every execution option of lib/runs/run-config.ts: fill model (what the data supports),
 * latency legs and their distribution, costs, fill sizes, market hours, starting cash and seed.
 * Options the chosen fill model ignores are shown disabled (see lib/ui/workflow-execution.ts).
 */
export function StepExecution({ state, update, errorFor, dataset, fillModels }: StepProps & { dataset: DatasetSummary | undefined; fillModels: readonly string[] }) {
  const fee = defaultFeeUsd(dataset?.instrument);
  const tradeEngine = takesTradeEngineOptions(state.fill);
  const latencyLegs = takesLatencyLegs(state.fill);
  const sessions = takesSessionOptions(state.fill);
  const bookNote = tradeEngine ? undefined : "The book fill models take prices and sizes from the book; these options apply to L1 trades.";
  return (
    <>
      <SelectField
        id="wf-fill"
        label="Fill model"
        value={state.fill}
        options={fillModels.map((m) => ({ value: m, label: FILL_MODEL_LABELS[m] ?? m }))}
        onChange={(fill) => update({ fill })}
        error={errorFor("fill")}
        help={fillModelHelp(dataset)}
      />

      <FieldGroup title="Latency">
        <SelectField
          id="wf-latd"
          label="Distribution"
          value={state.latd}
          options={LATENCY_DISTRIBUTIONS.map((d) => ({ value: d, label: LATENCY_DISTRIBUTION_LABELS[d] }))}
          onChange={(latd) => update({ latd })}
          disabled={!latencyLegs}
          help="How each order's latency is drawn; samples follow the run's seed"
        />
        <div aria-hidden className="hidden sm:block" />
        <TextField
          id="wf-lat"
          label="Entry latency (ms)"
          inputMode="decimal"
          value={state.lat}
          onChange={(lat) => update({ lat })}
          error={errorFor("lat")}
          help={`Order to exchange${latencyLegs ? LATENCY_VALUE_HELP[state.latd] : ""}; 0 acts on the next trade`}
        />
        <TextField
          id="wf-rlat"
          label="Response latency (ms)"
          inputMode="decimal"
          value={state.rlat}
          onChange={(rlat) => update({ rlat })}
          error={errorFor("rlat")}
          disabled={!latencyLegs}
          help={`Fill to strategy (onFill)${LATENCY_VALUE_HELP[state.latd]}`}
        />
        {latencyLegs && state.latd === "uniform" && (
          <TextField
            id="wf-latj"
            label="Spread (ms)"
            inputMode="decimal"
            value={state.latj}
            onChange={(latj) => update({ latj })}
            error={errorFor("latj")}
            help="Each leg is uniform in [latency, latency + spread]"
          />
        )}
        {latencyLegs && state.latd === "lognormal" && (
          <>
            <TextField
              id="wf-lats"
              label="Sigma"
              inputMode="decimal"
              value={state.lats}
              onChange={(lats) => update({ lats })}
              error={errorFor("lats")}
              help="Spread of the log latency, 0-5; 0 = always the median"
            />
            <TextField
              id="wf-latcap"
              label="Cap (× median)"
              inputMode="decimal"
              value={state.latcap}
              onChange={(latcap) => update({ latcap })}
              error={errorFor("latcap")}
              help="Longest sample as a multiple of each leg's median (at most 60 s)"
            />
          </>
        )}
      </FieldGroup>

      <FieldGroup title="Costs">
        <TextField
          id="wf-fee"
          label="Fee per side (USD)"
          inputMode="decimal"
          value={state.fee}
          onChange={(fee) => update({ fee })}
          error={errorFor("fee")}
          placeholder={fee === null ? "contract default" : fee.toFixed(2)}
          help={fee === null ? "Per contract, per side" : `Per contract, per side; empty = ${dataset?.instrument} default $${fee.toFixed(2)}`}
        />
        <TextField
          id="wf-slip"
          label="Slippage (ticks)"
          inputMode="numeric"
          value={state.slip}
          onChange={(slip) => update({ slip })}
          error={errorFor("slip")}
          disabled={!tradeEngine}
          help={tradeEngine ? "Adverse ticks on every market-like fill" : "L1 trades only"}
        />
      </FieldGroup>

      <FieldGroup title="Fill sizes" note={bookNote}>
        <CheckField
          id="wf-pf"
          label="Partial fills of resting limits"
          checked={state.pf}
          onChange={(pf) => update({ pf })}
          disabled={!tradeEngine}
          help="A limit fills at most the size of the trade that reaches it (conservative)"
        />
        <CheckField
          id="wf-mts"
          label="Market orders fill only the trade's size"
          checked={state.mts}
          onChange={(mts) => update({ mts })}
          disabled={!tradeEngine}
          help="Market, stop and MIT orders take at most each trade's size"
        />
      </FieldGroup>

      <FieldGroup title="Session rules">
        <SelectField
          id="wf-cal"
          label="Exchange calendar"
          value={state.cal}
          options={CALENDAR_CHOICES.map((c) => ({ value: c, label: CALENDAR_LABELS[c] }))}
          onChange={(cal) => update({ cal })}
          error={errorFor("cal")}
          disabled={!sessions}
          help="Market hours: closed-market rejections, DAY orders; Automatic: when needed"
        />
        <CheckField
          id="wf-settle"
          label="Daily settlement"
          checked={state.settle}
          onChange={(settle) => update({ settle })}
          disabled={!sessions}
          help="Mark to market at each session close: realised P&L moves to cash"
        />
        <CheckField
          id="wf-flat"
          label="Flatten at session end"
          checked={state.flat}
          onChange={(flat) => update({ flat })}
          disabled={!sessions}
          help="Cancel working orders and close the position before each session close"
        />
        <TextField
          id="wf-flats"
          label="Seconds before the close"
          inputMode="numeric"
          value={state.flats}
          onChange={(flats) => update({ flats })}
          error={errorFor("flats")}
          disabled={!sessions || !state.flat}
          help="When to flatten, 1-3,600 s; the market order fills on the next trade"
        />
      </FieldGroup>

      <FieldGroup title="Account">
        <TextField
          id="wf-cash"
          label="Starting cash (USD)"
          inputMode="decimal"
          value={state.cash}
          onChange={(cash) => update({ cash })}
          error={errorFor("cash")}
          help="Cash before the first trade"
        />
        <TextField
          id="wf-seed"
          label="Seed"
          inputMode="numeric"
          value={state.seed}
          onChange={(seed) => update({ seed })}
          error={errorFor("seed")}
          help="Seeds ctx.random() and latency samples: same inputs, same result"
        />
      </FieldGroup>
    </>
  );
}
