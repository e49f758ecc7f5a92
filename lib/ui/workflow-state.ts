/**
 * The guided backtest workflow's state, kept entirely in the URL's search parameters so a
 * configuration can be bookmarked, reloaded and navigated with back/forward:
 *
 *   step      data | strategy | execution | review
 *   dataset   dataset name
 *   range     all | last | last5 | custom      (date range preset)
 *   from, to  custom range ends: a CME session date (YYYY-MM-DD, inclusive) or an ISO-8601 instant
 *   strategy  strategy id
 *   p.<key>   one strategy parameter, as typed (validated against the strategy's schema later)
 *   fill      fill model id
 *   lat       entry latency, ms (order -> venue; the constant, the uniform minimum or the log-normal median)
 *   rlat      response latency, ms (fill -> strategy; same meaning)          default 0
 *   latd      latency distribution of both legs: constant | uniform | lognormal   default constant
 *   latj      uniform spread, ms: each leg is uniform in [value, value + spread]  default 1
 *   lats      log-normal sigma (0-5)                                          default 0.5
 *   latcap    log-normal cap, a multiple of each leg's median                 default 10
 *   fee       fee per contract per side, USD ("" or absent = the contract's default)
 *   slip      adverse slippage, ticks
 *   pf        0 = resting limits fill in full (default 1: at most the trade's size)
 *   mts       1 = market-like orders fill at most the trade's size           default 0
 *   cal       exchange calendar: auto | cme-equity | none                    default auto
 *   settle    1 = daily mark-to-market at each session close                 default 0
 *   flat      1 = flatten at session end
 *   flats     seconds before the close to flatten (1-3,600)                  default 60
 *   cash      starting cash, USD
 *   seed      random seed
 *   name      run name (optional)
 *
 * Fields with a "default" above are written only when they differ from it (short URLs); the
 * others are always written. Field values are raw strings, exactly what the inputs show. `decodeWorkflow` replaces invalid
 * values by their default and says so in a notice; while the user types, values are written as
 * they are and checked inline (`checkField`). Strategy parameters are checked against the schema
 * by lib/ui/strategy-params.ts, which needs the strategy, so they are kept as typed here.
 */

import { executionFromConfig } from "./workflow-execution";

export const WORKFLOW_STEPS = ["data", "strategy", "execution", "review"] as const;
export type WorkflowStep = (typeof WORKFLOW_STEPS)[number];
export const STEP_LABELS: Record<WorkflowStep, string> = { data: "Data", strategy: "Strategy", execution: "Execution", review: "Review" };

export const RANGE_PRESETS = ["all", "last", "last5", "custom"] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];
export const RANGE_LABELS: Record<RangePreset, string> = { all: "Whole dataset", last: "Last session", last5: "Last 5 sessions", custom: "Custom" };

/** Every fill model the workflow knows; the ones offered depend on the dataset and the API. */
export const KNOWN_FILL_MODELS = ["l1-trades", "l1-quotes", "l2-queue", "l3-fifo"] as const;

/** How both latency legs are drawn (lib/engine/latency-model.ts). */
export const LATENCY_DISTRIBUTIONS = ["constant", "uniform", "lognormal"] as const;
export type LatencyDistribution = (typeof LATENCY_DISTRIBUTIONS)[number];

/** "auto": the engine decides (on for session handlers, settlement or flattening). */
export const CALENDAR_CHOICES = ["auto", "cme-equity", "none"] as const;
export type CalendarChoice = (typeof CALENDAR_CHOICES)[number];

export interface WorkflowState {
  step: WorkflowStep;
  dataset: string;
  range: RangePreset;
  from: string;
  to: string;
  strategy: string;
  params: Record<string, string>;
  fill: string;
  lat: string;
  rlat: string;
  latd: LatencyDistribution;
  latj: string;
  lats: string;
  latcap: string;
  fee: string;
  slip: string;
  pf: boolean;
  mts: boolean;
  cal: CalendarChoice;
  settle: boolean;
  flat: boolean;
  flats: string;
  cash: string;
  seed: string;
  name: string;
}

export const DEFAULT_STATE: Readonly<WorkflowState> = Object.freeze({
  step: "data",
  dataset: "",
  range: "all",
  from: "",
  to: "",
  strategy: "",
  params: {},
  fill: "l1-trades",
  lat: "0",
  rlat: "0",
  latd: "constant",
  latj: "1",
  lats: "0.5",
  latcap: "10",
  fee: "",
  slip: "0",
  // The run-config schema's defaults: partial fills of resting limits on, whole market fills.
  pf: true,
  mts: false,
  cal: "auto",
  settle: false,
  flat: false,
  flats: "60",
  cash: "100000",
  seed: "0",
  name: "",
});

/** The scalar fields checked by `checkField`, with their URL names. */
export type CheckedField =
  | "from"
  | "to"
  | "lat"
  | "rlat"
  | "latj"
  | "lats"
  | "latcap"
  | "fee"
  | "slip"
  | "flats"
  | "cash"
  | "seed"
  | "name"
  | "dataset"
  | "strategy";

const NAME_RE = /^[\w.:-]{1,200}$/;
const PARAM_KEY_RE = /^[A-Za-z_]\w{0,63}$/;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** A real calendar date "YYYY-MM-DD" (rejects 2025-02-30). */
export function isSessionDate(value: string): boolean {
  if (!DATE_RE.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

export function isInstant(value: string): boolean {
  return INSTANT_RE.test(value) && !Number.isNaN(Date.parse(value));
}

/** A range end as a comparable number: a session date sorts by its UTC midnight. */
function rangeEndMs(value: string): number {
  return isSessionDate(value) ? Date.parse(`${value}T00:00:00Z`) : Date.parse(value);
}

function numberIn(text: string, min: number, max: number, integer: boolean): string | null {
  const t = text.trim();
  if (t === "") return "Required";
  const v = Number(t);
  if (!Number.isFinite(v)) return "Must be a number";
  if (integer && !Number.isInteger(v)) return "Must be a whole number";
  if (v < min) return `Must be at least ${min.toLocaleString("en-US")}`;
  if (v > max) return `Must be at most ${max.toLocaleString("en-US")}`;
  return null;
}

/** A latency in ms: 0-60,000 (the engine's 60 s) with at most 6 decimals (whole nanoseconds). */
function checkMs(value: string): string | null {
  return numberIn(value, 0, 60_000, false) ?? (/\.\d{7,}$/.test(value.trim()) ? "At most 6 decimals (1 ns)" : null);
}

/**
 * The problem with one field's value, or null. Bounds mirror lib/runs/run-config.ts and
 * lib/engine/latency-model.ts (the API validates again): latency 0-60,000 ms, sigma 0-5, fee
 * 0-1,000 USD, slippage 0-1,000 ticks, flatten 1-3,600 s before the close, cash > 0.
 */
export function checkField(field: CheckedField, value: string): string | null {
  switch (field) {
    case "from":
    case "to":
      return value === "" || isSessionDate(value) || isInstant(value) ? null : "A session date (YYYY-MM-DD) or an ISO-8601 instant";
    case "lat":
    case "rlat":
    case "latj":
      return checkMs(value);
    case "lats":
      return numberIn(value, 0, 5, false);
    case "latcap":
      return numberIn(value, 1, 1000, false);
    case "flats":
      return numberIn(value, 1, 3600, true);
    case "fee":
      return value.trim() === "" ? null : numberIn(value, 0, 1000, false);
    case "slip":
      return numberIn(value, 0, 1000, true);
    case "cash": {
      const problem = numberIn(value, 0, 1e12, false);
      return problem ?? (Number(value) > 0 ? null : "Must be greater than 0");
    }
    case "seed":
      return numberIn(value, 0, 2 ** 31 - 1, true);
    case "name":
      return value.length <= 200 ? null : "At most 200 characters";
    case "dataset":
    case "strategy":
      return value === "" || NAME_RE.test(value) ? null : "Unknown name";
  }
}

/** `from` must come before `to` (a session date range may be a single session: from = to). */
export function checkRangeOrder(from: string, to: string): string | null {
  if (from === "" || to === "" || checkField("from", from) || checkField("to", to)) return null;
  const a = rangeEndMs(from);
  const b = rangeEndMs(to);
  const bothDates = isSessionDate(from) && isSessionDate(to);
  return (bothDates ? a <= b : a < b) ? null : "The start must be before the end";
}

export interface DecodedWorkflow {
  state: WorkflowState;
  /** One message per invalid value that was replaced by its default. */
  notices: string[];
}

type ParamsLike = Pick<URLSearchParams, "get" | "forEach">;

/** Search parameters -> state; invalid values become defaults, each with a notice. */
export function decodeWorkflow(search: ParamsLike): DecodedWorkflow {
  const notices: string[] = [];
  const state: WorkflowState = { ...DEFAULT_STATE, params: {} };
  const get = (key: string) => search.get(key);
  const reject = (key: string, value: string, fallback: string, why: string) =>
    notices.push(`Ignored ${key}=${JSON.stringify(value.slice(0, 40))}: ${why}; using ${fallback}.`);

  const step = get("step");
  if (step !== null) {
    if ((WORKFLOW_STEPS as readonly string[]).includes(step)) state.step = step as WorkflowStep;
    else reject("step", step, "the first step", `expected one of ${WORKFLOW_STEPS.join(", ")}`);
  }

  for (const key of ["dataset", "strategy"] as const) {
    const value = get(key);
    if (value === null) continue;
    const problem = checkField(key, value);
    if (problem) reject(key, value, "the first available", "not a valid name");
    else state[key] = value;
  }

  for (const key of ["from", "to"] as const) {
    const value = get(key);
    if (value === null || value === "") continue;
    if (checkField(key, value)) reject(key, value, "the dataset's bounds", "expected YYYY-MM-DD or an ISO-8601 instant");
    else state[key] = value;
  }
  const order = checkRangeOrder(state.from, state.to);
  if (order) {
    notices.push(`Ignored from=${state.from} and to=${state.to}: the start is not before the end; using the whole dataset.`);
    state.from = "";
    state.to = "";
  }

  const range = get("range");
  if (range !== null && (RANGE_PRESETS as readonly string[]).includes(range)) state.range = range as RangePreset;
  else {
    if (range !== null) reject("range", range, state.from || state.to ? "custom" : "the whole dataset", `expected one of ${RANGE_PRESETS.join(", ")}`);
    state.range = state.from || state.to ? "custom" : "all";
  }
  // Presets carry no dates: ends only mean something for a custom range.
  if (state.range !== "custom") {
    state.from = "";
    state.to = "";
  }

  const fill = get("fill");
  if (fill !== null) {
    if ((KNOWN_FILL_MODELS as readonly string[]).includes(fill)) state.fill = fill;
    else reject("fill", fill, DEFAULT_STATE.fill, `expected one of ${KNOWN_FILL_MODELS.join(", ")}`);
  }

  const latd = get("latd");
  if (latd !== null) {
    if ((LATENCY_DISTRIBUTIONS as readonly string[]).includes(latd)) state.latd = latd as LatencyDistribution;
    else reject("latd", latd, DEFAULT_STATE.latd, `expected one of ${LATENCY_DISTRIBUTIONS.join(", ")}`);
  }
  const cal = get("cal");
  if (cal !== null) {
    if ((CALENDAR_CHOICES as readonly string[]).includes(cal)) state.cal = cal as CalendarChoice;
    else reject("cal", cal, DEFAULT_STATE.cal, `expected one of ${CALENDAR_CHOICES.join(", ")}`);
  }

  for (const key of ["lat", "rlat", "latj", "lats", "latcap", "fee", "slip", "flats", "cash", "seed"] as const) {
    const value = get(key);
    if (value === null) continue;
    const problem = checkField(key, value);
    if (problem) reject(key, value, DEFAULT_STATE[key] === "" ? "the contract default" : DEFAULT_STATE[key], problem.toLowerCase());
    else state[key] = value.trim();
  }

  for (const key of ["pf", "mts", "settle", "flat"] as const) {
    const value = get(key);
    if (value === null) continue;
    if (value === "1" || value === "true") state[key] = true;
    else if (value === "0" || value === "false") state[key] = false;
    else reject(key, value, DEFAULT_STATE[key] ? "on" : "off", "expected 1 or 0");
  }

  const name = get("name");
  if (name !== null) {
    if (checkField("name", name)) reject("name", name, "the default name", "at most 200 characters");
    else state.name = name;
  }

  search.forEach((value, key) => {
    if (!key.startsWith("p.")) return;
    const param = key.slice(2);
    if (!PARAM_KEY_RE.test(param) || value.length > 100) reject(key, value, "the strategy default", "not a parameter");
    else state.params[param] = value;
  });

  return { state, notices };
}

/**
 * State -> search parameters, in a fixed order. Empty values are left out, so an absent key
 * and an empty one mean the same; decodeWorkflow(encodeWorkflow(s)) returns s for every valid s.
 */
export function encodeWorkflow(state: WorkflowState): URLSearchParams {
  const out = new URLSearchParams();
  const put = (key: string, value: string) => {
    if (value !== "") out.set(key, value);
  };
  put("step", state.step);
  put("dataset", state.dataset);
  put("range", state.range);
  if (state.range === "custom") {
    put("from", state.from);
    put("to", state.to);
  }
  put("strategy", state.strategy);
  for (const key of Object.keys(state.params).sort()) put(`p.${key}`, state.params[key]);
  // Written only when not the default (see the table above).
  const putOptional = <K extends OptionalKey>(key: K) => {
    const value = state[key];
    if (value !== DEFAULT_STATE[key]) out.set(key, typeof value === "boolean" ? (value ? "1" : "0") : value);
  };
  put("fill", state.fill);
  put("lat", state.lat);
  for (const key of ["rlat", "latd", "latj", "lats", "latcap"] as const) putOptional(key);
  put("fee", state.fee);
  put("slip", state.slip);
  for (const key of ["pf", "mts", "cal", "settle", "flat", "flats"] as const) putOptional(key);
  put("cash", state.cash);
  put("seed", state.seed);
  put("name", state.name);
  return out;
}

type OptionalKey = "rlat" | "latd" | "latj" | "lats" | "latcap" | "pf" | "mts" | "cal" | "settle" | "flat" | "flats";

export const WORKFLOW_PATH = "/backtests/new";

export function workflowHref(state: WorkflowState): string {
  return `${WORKFLOW_PATH}?${encodeWorkflow(state).toString()}`;
}

/** A stored run as the API returns it (the fields the workflow needs). */
export interface RunLike {
  name: string;
  strategyId: string;
  datasetName: string;
  params: unknown;
  config: unknown;
  seed: number;
}

const SESSION_DATE_OF_OPEN = (iso: string, openIso: (date: string) => string | null): string => {
  const date = iso.slice(0, 10);
  // A run's window starting at a session's open is shown as that session date (the open is the
  // evening before, so try the next calendar day too); otherwise the instant is kept as it is.
  for (const candidate of [date, nextDay(date)]) if (openIso(candidate) === iso) return candidate;
  return iso;
};

function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/**
 * The workflow state that recreates a run ("Run again with changes"), at the review step.
 * `sessionBounds` maps a session date to its open/close instants (ISO), so a window that starts
 * and ends on session bounds comes back as session dates; any other window is kept as instants.
 */
export function stateFromRun(
  run: RunLike,
  sessionBounds: (date: string) => { openIso: string; closeIso: string } | null,
  step: WorkflowStep = "review",
): WorkflowState {
  const config = (run.config && typeof run.config === "object" ? run.config : {}) as Record<string, unknown>;
  const params = (run.params && typeof run.params === "object" ? run.params : {}) as Record<string, unknown>;
  const num = (v: unknown, fallback: string) => (typeof v === "number" && Number.isFinite(v) ? String(v) : fallback);
  const from = typeof config.from === "string" ? config.from : "";
  const to = typeof config.to === "string" ? config.to : "";
  const fromValue = from && SESSION_DATE_OF_OPEN(normalizeIso(from), (d) => sessionBounds(d)?.openIso ?? null);
  let toValue = to && normalizeIso(to);
  if (toValue) {
    const date = toValue.slice(0, 10);
    if (sessionBounds(date)?.closeIso === toValue) toValue = date;
  }
  return {
    step,
    dataset: run.datasetName,
    range: fromValue || toValue ? "custom" : "all",
    from: fromValue,
    to: toValue,
    strategy: run.strategyId,
    params: Object.fromEntries(
      Object.entries(params)
        .filter(([k, v]) => PARAM_KEY_RE.test(k) && (typeof v === "number" || typeof v === "string" || typeof v === "boolean"))
        .map(([k, v]) => [k, String(v)]),
    ),
    fill: typeof config.fillModel === "string" && (KNOWN_FILL_MODELS as readonly string[]).includes(config.fillModel) ? config.fillModel : DEFAULT_STATE.fill,
    ...executionFromConfig(config, DEFAULT_STATE),
    fee: num(config.feePerSideUsd, ""),
    slip: num(config.slippageTicks, DEFAULT_STATE.slip),
    cash: num(config.startingCashUsd, DEFAULT_STATE.cash),
    seed: num(config.seed ?? run.seed, DEFAULT_STATE.seed),
    name: "",
  };
}

/** "2025-03-03T23:00:00.000Z" for any parseable instant (the API stores what the user sent). */
function normalizeIso(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : new Date(ms).toISOString();
}
