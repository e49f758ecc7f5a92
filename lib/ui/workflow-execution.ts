/**
 * The execution options of the guided workflow (step 3) in the engine's terms: which options a
 * fill model takes, the latency legs the state stands for (lib/engine/latency-model.ts), the
 * configuration sent for them (lib/runs/run-config.ts), the way back from a stored run's
 * configuration, and the one-line descriptions of the summary panel and the review step.
 *
 * Latency: one distribution for both legs, each leg with its own value (entry: order -> venue,
 * response: fill -> strategy):
 *   constant   the value;
 *   uniform    every whole ns of [value, value + spread] equally likely;
 *   lognormal  median = the value, sigma, capped at cap x median (and at the engine's 60 s).
 * A constant entry leg without a response leg is sent as `latencyMs` (what every engine takes);
 * anything else as `latency: { entry, response }` in ns.
 *
 * Which options a fill model takes: every model (l1-trades and the book models l1-quotes,
 * l2-queue, l3-fifo of lib/engine/book) takes the fee, both latency legs with their distribution,
 * the calendar, daily settlement and flattening; slippage and the fill sizes are options of the
 * trade-driven engine (l1-trades) only - the book models take prices and sizes from the book. The
 * workflow shows the options a model does not take disabled and does not send them.
 */
import { isBookFillModel } from "../engine/book/queue-model";
import { latencyConfigSchema, type LatencyLeg } from "../engine/latency-model";
import type { CheckedField, WorkflowState } from "./workflow-state";

/** The engine's largest latency, ns (60 s). */
export const MAX_LATENCY_NS = 60e9;

type ExecutionState = Pick<
  WorkflowState,
  "fill" | "lat" | "rlat" | "latd" | "latj" | "lats" | "latcap" | "fee" | "slip" | "pf" | "mts" | "cal" | "settle" | "flat" | "flats"
>;

/** True for the trade-driven engine, the only one taking slippage and fill sizes (see above). */
export const takesTradeEngineOptions = (fill: string): boolean => fill === "l1-trades";

/** Latency legs with a distribution (entry and response): every engine (see above). */
export const takesLatencyLegs = (fill: string): boolean => takesTradeEngineOptions(fill) || isBookFillModel(fill);

/** Calendar, daily settlement and flattening: every engine (see above). */
export const takesSessionOptions = (fill: string): boolean => takesTradeEngineOptions(fill) || isBookFillModel(fill);

/** A latency typed in ms -> whole ns (fields carry at most 6 decimals, see checkField). */
export const msToNs = (ms: string): number => Math.round(Number(ms) * 1e6);

/** Whole ns -> the ms text the inputs show ("1.5", "0.000001"). */
export const nsToMs = (ns: number): string => String(ns / 1e6);

/** The fields step 3 checks for this state: hidden and unused inputs never block a run. */
export function executionFields(state: ExecutionState): CheckedField[] {
  const fields: CheckedField[] = ["lat", "fee"];
  if (takesLatencyLegs(state.fill)) {
    fields.push("rlat");
    if (state.latd === "uniform") fields.push("latj");
    if (state.latd === "lognormal") fields.push("lats", "latcap");
  }
  if (takesTradeEngineOptions(state.fill)) fields.push("slip");
  if (takesSessionOptions(state.fill) && state.flat) fields.push("flats");
  fields.push("cash", "seed");
  return fields;
}

/** Problems between fields (each field's own value is checked by checkField first). */
export function executionIssues(state: ExecutionState): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  if (takesLatencyLegs(state.fill) && state.latd === "uniform") {
    const spread = msToNs(state.latj);
    if (msToNs(state.lat) + spread > MAX_LATENCY_NS || msToNs(state.rlat) + spread > MAX_LATENCY_NS) {
      issues.push({ path: "latj", message: "Latency + spread must be at most 60,000 ms" });
    }
  }
  if (takesSessionOptions(state.fill) && state.cal === "none" && (state.settle || state.flat)) {
    issues.push({ path: "cal", message: "Daily settlement and flattening need the exchange calendar" });
  }
  return issues;
}

function leg(state: ExecutionState, valueMs: string): LatencyLeg {
  const ns = msToNs(valueMs);
  switch (state.latd) {
    case "constant":
      return { kind: "constant", ns };
    case "uniform":
      return { kind: "uniform", minNs: ns, maxNs: ns + msToNs(state.latj) };
    case "lognormal":
      return { kind: "lognormal", medianNs: ns, sigma: Number(state.lats), maxNs: Math.min(MAX_LATENCY_NS, Math.round(ns * Number(state.latcap))) };
  }
}

/** Both latency legs in ns, as lib/engine/latency-model.ts takes them. */
export function latencyLegs(state: ExecutionState): { entry: LatencyLeg; response: LatencyLeg } {
  return { entry: leg(state, state.lat), response: leg(state, state.rlat) };
}

/** A constant entry leg and no response leg: expressible as the plain `latencyMs`. */
export function isPlainLatency(state: ExecutionState): boolean {
  return state.latd === "constant" && msToNs(state.rlat) === 0;
}

/** The run-config keys of the execution options, for a state whose fields are valid. */
export function executionConfig(state: ExecutionState): Record<string, unknown> {
  const config: Record<string, unknown> = { fillModel: state.fill };
  if (state.fee.trim() !== "") config.feePerSideUsd = Number(state.fee);
  const legs = takesLatencyLegs(state.fill) && !isPlainLatency(state);
  if (legs) config.latency = latencyLegs(state);
  else config.latencyMs = Number(state.lat);
  if (takesTradeEngineOptions(state.fill)) {
    config.slippageTicks = Number(state.slip);
    config.partialFills = state.pf;
    config.marketFillsTradeSize = state.mts;
  }
  if (takesSessionOptions(state.fill)) {
    if (state.cal !== "auto") config.calendar = state.cal;
    config.dailySettlement = state.settle;
    if (state.flat) config.flattenAtSessionEnd = { secondsBeforeClose: Number(state.flats) };
  }
  return config;
}

type ExecutionFields = Pick<WorkflowState, "lat" | "rlat" | "latd" | "latj" | "lats" | "latcap" | "pf" | "mts" | "cal" | "settle" | "flat" | "flats">;

/**
 * The execution fields of a stored run's configuration (the inverse of executionConfig): exact
 * for every configuration the workflow writes; legs of different kinds (possible through the
 * API) come back as the nearest shared distribution, taken from the first leg that is not
 * constant. Missing keys take the given defaults.
 */
export function executionFromConfig(config: Record<string, unknown>, defaults: ExecutionFields): ExecutionFields {
  const { lat, rlat, latd, latj, lats, latcap, pf, mts, cal, settle, flat, flats } = defaults;
  const out: ExecutionFields = { lat, rlat, latd, latj, lats, latcap, pf, mts, cal, settle, flat, flats };
  const latency = latencyConfigSchema.safeParse(config.latency);
  if (config.latency !== undefined && latency.success) {
    const { entry, response } = latency.data;
    const value = (l: LatencyLeg) => (l.kind === "constant" ? l.ns : l.kind === "uniform" ? l.minNs : l.medianNs);
    out.lat = nsToMs(value(entry));
    out.rlat = nsToMs(value(response));
    const shaped = [entry, response].find((l) => l.kind !== "constant");
    if (shaped?.kind === "uniform") {
      out.latd = "uniform";
      out.latj = nsToMs(shaped.maxNs - shaped.minNs);
    } else if (shaped?.kind === "lognormal") {
      out.latd = "lognormal";
      out.lats = String(shaped.sigma);
      if (shaped.medianNs > 0) out.latcap = String(Number((shaped.maxNs / shaped.medianNs).toFixed(6)));
    } else out.latd = "constant";
  } else if (typeof config.latencyMs === "number" && Number.isFinite(config.latencyMs)) {
    out.lat = String(config.latencyMs);
  }
  if (typeof config.partialFills === "boolean") out.pf = config.partialFills;
  if (typeof config.marketFillsTradeSize === "boolean") out.mts = config.marketFillsTradeSize;
  if (config.calendar === "cme-equity" || config.calendar === "none") out.cal = config.calendar;
  if (typeof config.dailySettlement === "boolean") out.settle = config.dailySettlement;
  const flatten = config.flattenAtSessionEnd as { secondsBeforeClose?: unknown } | undefined;
  if (flatten && typeof flatten === "object" && typeof flatten.secondsBeforeClose === "number") {
    out.flat = true;
    out.flats = String(flatten.secondsBeforeClose);
  } else out.flat = false;
  return out;
}

export const LATENCY_DISTRIBUTION_LABELS: Record<WorkflowState["latd"], string> = {
  constant: "Constant",
  uniform: "Uniform",
  lognormal: "Log-normal",
};

export const CALENDAR_LABELS: Record<WorkflowState["cal"], string> = {
  auto: "Automatic",
  "cme-equity": "CME equity hours",
  none: "Off",
};

/** "entry 2 ms, response 0 ms (constant)" and the like. */
export function describeLatency(state: ExecutionState): string {
  if (!takesLatencyLegs(state.fill)) return `entry ${state.lat || "0"} ms (constant)`;
  const { entry, response } = latencyLegs(state);
  const show = (l: LatencyLeg) => (l.kind === "uniform" ? `${nsToMs(l.minNs)}–${nsToMs(l.maxNs)} ms` : `${nsToMs(l.kind === "constant" ? l.ns : l.medianNs)} ms`);
  switch (state.latd) {
    case "constant":
      return `entry ${show(entry)}, response ${show(response)} (constant)`;
    case "uniform":
      return `entry ${show(entry)}, response ${show(response)} (uniform)`;
    case "lognormal":
      return `median entry ${show(entry)}, response ${show(response)} (log-normal, σ ${state.lats}, cap ×${state.latcap})`;
  }
}

/** "limits: partial, market: whole" and the like. */
export function describeFills(state: ExecutionState): string {
  if (!takesTradeEngineOptions(state.fill)) return "by the book model";
  return `limits: ${state.pf ? "up to the trade's size" : "in full"}; market: ${state.mts ? "up to the trade's size" : "in full"}`;
}

/** "CME equity hours; daily settlement; flatten 60 s before the close" and the like. */
export function describeSession(state: ExecutionState): string {
  if (!takesSessionOptions(state.fill)) return "no calendar";
  const parts = [{ auto: "calendar when needed", "cme-equity": "CME equity hours", none: "no calendar" }[state.cal]];
  parts.push(state.settle ? "daily settlement" : "no settlement");
  parts.push(state.flat ? `flatten ${state.flats} s before the close` : "positions held over the close");
  return parts.join("; ");
}
