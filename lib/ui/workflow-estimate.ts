/**
 * What the guided workflow works out from a dataset's coverage and the chosen configuration,
 * before anything is sent: the date range a preset stands for, the sessions (and gaps) in it, the
 * indicator warm-up and whether the range covers it, the fill models the data supports, and an
 * estimate of the run's events and duration. Pure: the inputs are the API's DTOs.
 */
import type { SessionCoverage } from "../data/coverage";
import { listContracts } from "../market/contract-symbol";
import { sessionFor } from "../market/session-calendar";
import { isSessionDate, type WorkflowState } from "./workflow-state";

/**
 * Planning figure for the end-to-end throughput of one run on a worker, in events per second:
 * reading ticks from the block store (README benchmarks: 14.2 M trades/s median read), the engine
 * (about 250 M events/s for sma-cross) and result/statistics writing. Deliberately below the read
 * rate, so the estimate errs long. It is an estimate shown to the user, never a promise.
 */
export const RUN_THROUGHPUT_EVENTS_PER_SEC = 5_000_000;
/** Fixed cost of a run regardless of its size (queue pick-up, statistics, result write), ms. */
export const RUN_OVERHEAD_MS = 1_000;

/**
 * Fill models a dataset can support, from its `schema` field: trade prints allow only the
 * trades-based L1 model; MBO (full order book) also supports quotes, queue position and FIFO
 * matching; MBP-1/TBBO (top of book with trades) adds the quote-based L1 model; MBP-10 (ten
 * price levels, lib/data/depth-blocks.ts) adds the level-queue model too, not FIFO (no order ids).
 */
export function fillModelsForSchema(schema: string): string[] {
  switch (schema) {
    case "mbo":
      return ["l1-trades", "l1-quotes", "l2-queue", "l3-fifo"];
    case "mbp-10":
      return ["l1-trades", "l1-quotes", "l2-queue"];
    case "mbp-1":
    case "tbbo":
      return ["l1-trades", "l1-quotes"];
    default:
      return ["l1-trades"];
  }
}

/** The models to offer: those the data supports and the API accepts, in the API's order. */
export function offeredFillModels(schema: string, apiModels: readonly string[]): string[] {
  const supported = new Set(fillModelsForSchema(schema));
  return apiModels.filter((m) => supported.has(m));
}

export interface ResolvedRange {
  /** Inclusive session dates of the range ("" = the dataset's first / last). */
  fromDate: string;
  toDate: string;
  /** What the run is sent (ISO-8601, inclusive start / exclusive end); undefined = dataset bound. */
  fromIso?: string;
  toIso?: string;
  /** Coverage rows of the sessions the range touches. */
  sessions: SessionCoverage[];
  /** The share of each session's ticks inside the range (1 unless an end is an instant inside it). */
  fractions: number[];
}

/** A session's [open, close) in ms, from the exchange calendar; null when no session that date. */
export function sessionBounds(date: string): { openMs: number; closeMs: number } | null {
  try {
    const s = sessionFor(date);
    return s ? { openMs: s.openMs, closeMs: s.closeMs } : null;
  } catch {
    return null; // outside the calendar's covered years
  }
}

export const sessionBoundsIso = (date: string) => {
  const b = sessionBounds(date);
  return b && { openIso: new Date(b.openMs).toISOString(), closeIso: new Date(b.closeMs).toISOString() };
};

/**
 * The range a state stands for, against a dataset's coverage (ascending session rows).
 * Presets count sessions that hold data: "last" is the last session with ticks, "last5" the
 * last five of them. Custom session dates are whole sessions (open of `from` to close of `to`);
 * instants are sent as they are.
 */
export function resolveRange(state: Pick<WorkflowState, "range" | "from" | "to">, coverage: SessionCoverage[]): ResolvedRange {
  const withData = coverage.filter((s) => !s.gap);
  const first = coverage[0]?.sessionDate ?? "";
  const last = coverage.at(-1)?.sessionDate ?? "";
  let fromDate = "";
  let toDate = "";
  let fromMs = -Infinity;
  let toMs = Infinity;
  if (state.range === "last" || state.range === "last5") {
    const picked = withData.slice(state.range === "last" ? -1 : -5);
    fromDate = picked[0]?.sessionDate ?? "";
    toDate = picked.at(-1)?.sessionDate ?? "";
  } else if (state.range === "custom") {
    if (state.from) {
      if (isSessionDate(state.from)) fromDate = state.from;
      else fromMs = Date.parse(state.from);
    }
    if (state.to) {
      if (isSessionDate(state.to)) toDate = state.to;
      else toMs = Date.parse(state.to);
    }
  }
  let fromIso: string | undefined;
  let toIso: string | undefined;
  if (fromDate) {
    // The first session on or after the date (a weekend date starts with Monday's session).
    const open = coverage.find((s) => s.sessionDate >= fromDate)?.sessionDate ?? fromDate;
    const b = sessionBounds(open);
    if (b) fromMs = b.openMs;
  }
  if (toDate) {
    const close = [...coverage].reverse().find((s) => s.sessionDate <= toDate)?.sessionDate ?? toDate;
    const b = sessionBounds(close);
    if (b) toMs = b.closeMs;
  }
  if (Number.isFinite(fromMs)) fromIso = new Date(fromMs).toISOString();
  if (Number.isFinite(toMs)) toIso = new Date(toMs).toISOString();

  const sessions: SessionCoverage[] = [];
  const fractions: number[] = [];
  for (const s of coverage) {
    const b = sessionBounds(s.sessionDate);
    if (!b) continue;
    const lo = Math.max(b.openMs, fromMs);
    const hi = Math.min(b.closeMs, toMs);
    if (hi <= lo) continue;
    sessions.push(s);
    fractions.push((hi - lo) / (b.closeMs - b.openMs));
  }
  return {
    fromDate: fromDate || (sessions[0]?.sessionDate ?? first),
    toDate: toDate || (sessions.at(-1)?.sessionDate ?? last),
    fromIso,
    toIso,
    sessions,
    fractions,
  };
}

/** Calendar sessions without data inside the range. */
export function gapsInRange(range: ResolvedRange): string[] {
  return range.sessions.filter((s) => s.gap).map((s) => s.sessionDate);
}

/**
 * Estimated events (ticks) of a run: the coverage counts of the sessions in the range, a session
 * cut by an instant end counted in proportion to the time inside (ticks are not uniform over a
 * session, so this part is rough). Exact when both ends are session dates or presets.
 */
export function estimateEvents(range: ResolvedRange): number {
  let total = 0;
  range.sessions.forEach((s, i) => {
    total += range.fractions[i] === 1 ? s.ticks : Math.round(s.ticks * range.fractions[i]);
  });
  return total;
}

/** Estimated wall time of a run, ms: events / RUN_THROUGHPUT_EVENTS_PER_SEC plus RUN_OVERHEAD_MS. */
export function estimateDurationMs(events: number): number {
  return RUN_OVERHEAD_MS + Math.ceil((events * 1000) / RUN_THROUGHPUT_EVENTS_PER_SEC);
}

/** Trading time covered by the range's sessions that hold data, ms (halts not deducted). */
export function tradingTimeMs(range: ResolvedRange): number {
  let total = 0;
  range.sessions.forEach((s, i) => {
    if (s.gap) return;
    const b = sessionBounds(s.sessionDate);
    if (b) total += (b.closeMs - b.openMs) * range.fractions[i];
  });
  return Math.round(total);
}

export interface WarmUp {
  /** Bars before the first signal. */
  bars: number;
  barSeconds: number;
  /** bars x barSeconds: the least trading time before the first signal. */
  seconds: number;
  /** Which parameters set it, e.g. "slow 30 × 60 s bars". */
  because: string;
}

// Parameter names that count bars of an indicator's look-back window.
const LOOKBACK = /^(slow|fast|period|lookback|length|window|bars)$|(period|length|lookback|window)$/i;

/**
 * The indicator warm-up of a strategy, estimated from its parameters: a strategy on time bars
 * (`barSeconds`) whose look-back parameters (slow, fast, period, length, lookback, window, ...)
 * count bars cannot signal before max(look-back) bars have closed. For sma-cross that is exactly
 * `slow` bars (lib/strategies/sma-cross.ts). Null when the parameters show no bar look-back.
 * Bars exist only where trades are, so this is a lower bound in trading time.
 */
export function estimateWarmUp(params: Record<string, string>): WarmUp | null {
  const barSeconds = Number(params.barSeconds);
  if (!Number.isInteger(barSeconds) || barSeconds <= 0) return null;
  let bars = 0;
  let key = "";
  for (const [k, v] of Object.entries(params)) {
    const n = Number(v);
    if (k !== "barSeconds" && LOOKBACK.test(k) && Number.isInteger(n) && n > bars) {
      bars = n;
      key = k;
    }
  }
  if (bars === 0) return null;
  return { bars, barSeconds, seconds: bars * barSeconds, because: `${key} ${bars} × ${barSeconds} s bars` };
}

export interface WorkflowWarning {
  level: "warning" | "info";
  message: string;
}

function formatSpan(ms: number): string {
  const min = Math.round(ms / 60_000);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  const m = min % 60;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

/** Warnings about the data for the chosen range and strategy parameters. */
export function dataWarnings(range: ResolvedRange, params: Record<string, string>): WorkflowWarning[] {
  const out: WorkflowWarning[] = [];
  if (range.sessions.length === 0) {
    out.push({ level: "warning", message: "The range holds no trading session of this dataset." });
    return out;
  }
  const gaps = gapsInRange(range);
  if (gaps.length > 0) {
    out.push({
      level: "warning",
      message: `${gaps.length} session${gaps.length > 1 ? "s" : ""} in the range ha${gaps.length > 1 ? "ve" : "s"} no data: ${gaps.join(", ")}.`,
    });
  }
  const warmUp = estimateWarmUp(params);
  if (warmUp) {
    const trading = tradingTimeMs(range);
    const need = warmUp.seconds * 1000;
    if (need >= trading) {
      out.push({
        level: "warning",
        message: `The range has ${formatSpan(trading)} of trading time, not more than the indicator warm-up of ${formatSpan(need)} (${warmUp.because}): the strategy cannot trade.`,
      });
    } else if (need > trading / 2) {
      out.push({
        level: "warning",
        message: `The indicator warm-up (${formatSpan(need)}, ${warmUp.because}) takes more than half of the range's ${formatSpan(trading)} of trading time.`,
      });
    } else {
      out.push({ level: "info", message: `No signal during the first ${formatSpan(need)} of data (warm-up: ${warmUp.because}).` });
    }
  }
  return out;
}

/**
 * The contract a single-contract dataset holds: the symbol its import recorded, else the front
 * contract at the dataset's first tick (what the demo generator simulates).
 */
export function datasetContract(dataset: { instrument: string; start: string | null; provenance: unknown }): string | null {
  const p = (dataset.provenance ?? {}) as { instruments?: unknown; lastImport?: { instruments?: unknown } };
  const recorded = Array.isArray(p.lastImport?.instruments) ? p.lastImport.instruments : Array.isArray(p.instruments) ? p.instruments : [];
  if (typeof recorded[0] === "string") return recorded[0];
  if (!dataset.start) return null;
  try {
    return listContracts(dataset.instrument, BigInt(Date.parse(dataset.start)) * 1_000_000n, 1)[0]?.symbol ?? null;
  } catch {
    return null;
  }
}
