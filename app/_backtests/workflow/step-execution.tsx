"use client";
import type { DatasetSummary } from "@/lib/ui/api";
import { getContractSpec } from "@/lib/market/contract-spec";
import { FLATTEN_KEYS } from "@/lib/ui/workflow-request";
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

/** Step 3: fill model (what the data supports), latency, fees, slippage, session rules. */
export function StepExecution({
  state,
  update,
  errorFor,
  dataset,
  fillModels,
  configKeys,
}: StepProps & { dataset: DatasetSummary | undefined; fillModels: readonly string[]; configKeys: readonly string[] }) {
  const fee = defaultFeeUsd(dataset?.instrument);
  const flattenSupported = FLATTEN_KEYS.some((k) => configKeys.includes(k));
  return (
    <>
      <div>
        <label htmlFor="wf-fill" className="field-label">
          Fill model
        </label>
        <select
          id="wf-fill"
          className="input"
          value={state.fill}
          onChange={(e) => update({ fill: e.target.value })}
          aria-describedby="wf-fill-help"
          aria-invalid={errorFor("fill") ? true : undefined}
        >
          {fillModels.map((m) => (
            <option key={m} value={m}>
              {FILL_MODEL_LABELS[m] ?? m}
            </option>
          ))}
        </select>
        <span id="wf-fill-help" className="field-help">
          {dataset?.schema === "trades"
            ? "This dataset holds trades only: fills are simulated from trade prints (l1-trades)."
            : `Models supported by ${dataset?.schema ?? "this"} data.`}
        </span>
        {errorFor("fill") && <span className="mt-1 block text-[11px] text-down">{errorFor("fill")}</span>}
      </div>
      <div className="grid gap-3 sm:grid-cols-2">
        {configKeys.includes("latencyMs") && (
          <TextField
            id="wf-lat"
            label="Latency (ms)"
            inputMode="decimal"
            value={state.lat}
            onChange={(lat) => update({ lat })}
            error={errorFor("lat")}
            help="Order entry latency, constant; 0 acts on the next trade"
          />
        )}
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
        {configKeys.includes("slippageTicks") && (
          <TextField
            id="wf-slip"
            label="Slippage (ticks)"
            inputMode="numeric"
            value={state.slip}
            onChange={(slip) => update({ slip })}
            error={errorFor("slip")}
            help="Adverse ticks on every market fill"
          />
        )}
        <TextField
          id="wf-cash"
          label="Starting cash (USD)"
          inputMode="decimal"
          value={state.cash}
          onChange={(cash) => update({ cash })}
          error={errorFor("cash")}
        />
        <TextField
          id="wf-seed"
          label="Seed"
          inputMode="numeric"
          value={state.seed}
          onChange={(seed) => update({ seed })}
          error={errorFor("seed")}
          help="Same seed, same inputs: same result"
        />
      </div>
      <fieldset>
        <legend className="field-label">Session rules</legend>
        <label className="flex items-center gap-2 text-sm text-zinc-300">
          <input
            id="wf-flat"
            type="checkbox"
            className="accent-accent"
            checked={flattenSupported && state.flat}
            disabled={!flattenSupported}
            onChange={(e) => update({ flat: e.target.checked })}
            aria-describedby="wf-flat-help"
          />
          Flatten at session end
        </label>
        <span id="wf-flat-help" className="field-help">
          {flattenSupported
            ? "Close any open position at the last trade before each session's close."
            : "Not supported by the engine yet: positions are held across sessions."}
        </span>
      </fieldset>
    </>
  );
}
