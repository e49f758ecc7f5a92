/**
 * What the guided workflow says about a dataset's contracts: a single dataset trades one contract
 * (a dated one such as MNQH5, or a root whose front contract at the first tick is shown); a
 * continuous dataset (lib/data/continuous-datasets.ts) trades its components one after the other
 * and the engine rolls the position at each roll instant (lib/engine/roll.ts: two fills, source
 * "roll", each paying the fee; strategies see raw, unadjusted prices). Pure: the inputs are the
 * API's DTOs (GET /api/datasets, GET /api/datasets/:name).
 *
 * A roll is inside a range when the range holds trades on both sides of it: start < roll instant
 * < end (instants; an open end is the dataset's own bound, which holds every roll). A range that
 * starts exactly at a roll instant replays the new contract only: the engine switches contracts
 * before the first trade without fills (lib/engine/roll.ts), so that roll is not counted.
 */
import { datasetContract as frontContractAtStart, offeredFillModels, type ResolvedRange } from "./workflow-estimate";

/** The fields of a dataset DTO (lib/data/datasets.ts DatasetDto) this module reads. */
export interface DatasetKindFields {
  name: string;
  instrument: string;
  schema: string;
  kind: string;
  /** Dated contract of a single dataset (null for a root or a continuous dataset). */
  contract: string | null;
  rollRule: unknown;
  start: string | null;
  provenance: unknown;
}

/** A roll as GET /api/datasets/:name lists it (`continuous.rolls`, StoredRollPoint). */
export interface WorkflowRoll {
  atNs: string;
  /** The roll instant, ISO-8601 (the 17:00 CT open of `sessionDate`). */
  at: string;
  /** First session traded in `toContract`. */
  sessionDate: string;
  fromContract: string;
  toContract: string;
}

/** `continuous` of GET /api/datasets/:name (ContinuousDetailDto). */
export interface WorkflowContinuous {
  components: { name: string; contract: string; position: number }[];
  rolls: WorkflowRoll[];
}

export const isContinuous = (dataset: Pick<DatasetKindFields, "kind">): boolean => dataset.kind === "continuous";

/** "calendar (8 days before expiry)", "volume crossover", "manual (2025-03-13, 2025-06-12)". */
export function describeRollRule(rule: unknown): string {
  const r = (rule ?? {}) as { kind?: unknown; daysBeforeExpiry?: unknown; dates?: unknown };
  switch (r.kind) {
    case "calendar": {
      const days = typeof r.daysBeforeExpiry === "number" ? r.daysBeforeExpiry : 8;
      return `calendar (${days} day${days === 1 ? "" : "s"} before expiry)`;
    }
    case "volume":
      return "volume crossover";
    case "open-interest":
      return "open-interest crossover";
    case "manual":
      return `manual (${Array.isArray(r.dates) ? r.dates.join(", ") : ""})`;
    default:
      return "unknown";
  }
}

/** The contracts of a continuous dataset in the order they are traded (by component position). */
export function contractChain(continuous: WorkflowContinuous): string[] {
  return [...continuous.components].sort((a, b) => a.position - b.position).map((c) => c.contract);
}

/** What the workflow shows as a dataset's contract line. */
export type SeriesDescription =
  | {
      kind: "single";
      /** The contract traded: the dated contract, else the front contract at the first tick (null when unknown). */
      contract: string | null;
      /** True when the dataset names its dated contract; false for a root (e.g. the demo's MNQ). */
      dated: boolean;
      /** One line for the summary panel: "MNQH5" or "MNQ (front MNQH5)". */
      short: string;
    }
  | {
      kind: "continuous";
      contracts: string[];
      rule: string;
      /** "Continuous series: MNQH5 → MNQM5, roll rule calendar (8 days before expiry)". */
      title: string;
      /** One line for the summary panel: "MNQH5 → MNQM5". */
      short: string;
    };

/**
 * The contract line of a dataset. A continuous dataset needs its detail (`continuous`); while
 * that is not loaded, its chain is empty and the title says so.
 */
export function describeSeries(dataset: DatasetKindFields, continuous: WorkflowContinuous | null | undefined): SeriesDescription {
  if (isContinuous(dataset)) {
    const contracts = continuous ? contractChain(continuous) : [];
    const rule = describeRollRule(dataset.rollRule);
    const chain = contracts.length > 0 ? contracts.join(" → ") : `${dataset.instrument} contracts`;
    return { kind: "continuous", contracts, rule, title: `Continuous series: ${chain}, roll rule ${rule}`, short: chain };
  }
  if (dataset.contract) return { kind: "single", contract: dataset.contract, dated: true, short: dataset.contract };
  const front = frontContractAtStart(dataset);
  return { kind: "single", contract: front, dated: false, short: front && front !== dataset.instrument ? `${dataset.instrument} (front ${front})` : dataset.instrument };
}

/** The range's bounds in ms (open ends: ±Infinity). */
function rangeBoundsMs(range: Pick<ResolvedRange, "fromIso" | "toIso">): { fromMs: number; toMs: number } {
  return {
    fromMs: range.fromIso === undefined ? -Infinity : Date.parse(range.fromIso),
    toMs: range.toIso === undefined ? Infinity : Date.parse(range.toIso),
  };
}

/** The rolls a run over `range` executes (see the module comment), in schedule order. */
export function rollsInRange(rolls: readonly WorkflowRoll[], range: Pick<ResolvedRange, "fromIso" | "toIso">): WorkflowRoll[] {
  const { fromMs, toMs } = rangeBoundsMs(range);
  return rolls.filter((r) => {
    const atMs = Date.parse(r.at);
    return fromMs < atMs && atMs < toMs;
  });
}

/** "1 roll: 2025-03-13 MNQH5 → MNQM5" / "no roll in this range" (summary panel and review step). */
export function describeRollsInRange(rolls: readonly WorkflowRoll[]): string {
  if (rolls.length === 0) return "no roll in this range";
  const list = rolls.map((r) => `${r.sessionDate} ${r.fromContract} → ${r.toContract}`).join(", ");
  return `${rolls.length} roll${rolls.length === 1 ? "" : "s"}: ${list}`;
}

/**
 * The fill models to offer for a dataset: a continuous dataset holds trades only and its runs
 * roll on trade prices, so only l1-trades (the API refuses any other); a single dataset gets what
 * its schema supports (workflow-estimate.ts offeredFillModels). A bar dataset (schema ohlcv-*,
 * lib/data/bar-store.ts) gets none: bars cannot drive the tick engine (the API refuses the run).
 */
export function fillModelsForDataset(dataset: Pick<DatasetKindFields, "kind" | "schema">, apiModels: readonly string[]): string[] {
  if (isBarDataset(dataset)) return [];
  if (isContinuous(dataset)) return apiModels.filter((m) => m === "l1-trades");
  return offeredFillModels(dataset.schema, apiModels);
}

/** Why a fill model is limited, for the fill model's help text. */
export function fillModelHelp(dataset: Pick<DatasetKindFields, "kind" | "schema"> | undefined): string {
  if (dataset && isBarDataset(dataset)) return `This dataset holds ${dataset.schema} bars: bar datasets cannot drive the tick engine, so no fill model applies - choose a dataset of trades, quotes or MBO.`;
  if (dataset && isContinuous(dataset)) return "A continuous series holds trades only and rolls on trade prices: fills are simulated from trade prints (l1-trades).";
  if (dataset?.schema === "trades") return "This dataset holds trades only: fills are simulated from trade prints (l1-trades).";
  return `Models supported by ${dataset?.schema ?? "this"} data.`;
}

/** A bar dataset (schema ohlcv-1s/1m/1h/1d): no engine runs on it. */
export const isBarDataset = (dataset: Pick<DatasetKindFields, "schema">): boolean => /^ohlcv-/.test(dataset.schema);

/** The `continuous` part of a dataset detail (GET /api/datasets/:name), null for a single dataset. */
export function continuousOf(detail: unknown): WorkflowContinuous | null {
  const c = (detail as { continuous?: WorkflowContinuous | null } | null | undefined)?.continuous;
  return c && Array.isArray(c.components) && Array.isArray(c.rolls) ? c : null;
}
