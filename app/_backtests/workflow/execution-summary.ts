import type { DatasetSummary } from "@/lib/ui/api";
import { describeFills, describeLatency, describeSession, takesTradeEngineOptions } from "@/lib/ui/workflow-execution";
import type { WorkflowState } from "@/lib/ui/workflow-state";
import { FILL_MODEL_LABELS, defaultFeeUsd } from "./step-execution";

/** One line of the execution options, shown by the summary panel and the review step. */
export interface ExecutionLine {
  /** Test id suffix and React key. */
  key: "fill" | "lat" | "fee" | "slip" | "fills" | "session" | "cash" | "seed";
  label: string;
  value: string;
}

/** The execution options as the summary and the review show them (raw field text when invalid). */
export function executionLines(state: WorkflowState, dataset: DatasetSummary | undefined): ExecutionLine[] {
  const fee = defaultFeeUsd(dataset?.instrument);
  const cash = Number(state.cash);
  return [
    { key: "fill", label: "Fill model", value: FILL_MODEL_LABELS[state.fill] ?? state.fill },
    { key: "lat", label: "Latency", value: describeLatency(state) },
    {
      key: "fee",
      label: "Fee per side",
      value: state.fee.trim() !== "" ? `$${state.fee.trim()}` : fee !== null ? `$${fee.toFixed(2)} (contract default)` : "contract default",
    },
    { key: "slip", label: "Slippage", value: takesTradeEngineOptions(state.fill) ? `${state.slip || "0"} ticks` : "none (book model)" },
    { key: "fills", label: "Fill sizes", value: describeFills(state) },
    { key: "session", label: "Sessions", value: describeSession(state) },
    { key: "cash", label: "Starting cash", value: Number.isFinite(cash) && state.cash.trim() !== "" ? `$${cash.toLocaleString("en-US", { maximumFractionDigits: 2 })}` : state.cash },
    { key: "seed", label: "Seed", value: state.seed },
  ];
}
