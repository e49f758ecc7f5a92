/**
 * What the run page and the coverage calendar say about contract rolls. A run over a continuous
 * dataset records its roll schedule (`metrics.rollSchedule`: rule, contracts, every roll point of
 * the dataset) and the rolls it executed (`metrics.rolls`, lib/engine/roll.ts): at a roll the open
 * position is closed in the old contract at its last price and reopened in the new one at its
 * first price - two fills stamped with the roll instant, each paying the fee per contract per side,
 * so a roll of q contracts costs 2 x fee x |q|. The round trip open at the roll therefore exits at
 * the roll instant and the next one enters there: the trade list marks both.
 *
 * Prices arrive in integer ticks and are converted with the contract's tick size here, at the edge;
 * money stays integer cents. Pure: the inputs are the API's DTOs.
 */
import type { RollDto } from "../runs/run-dto";
import type { RunRollSchedule } from "../engine/roll";
import { getContractSpec, isKnownRoot, ticksToPrice, type ContractSpec } from "../market/contract-spec";
import { parseContractSymbol } from "../market/contract-symbol";
import { describeRollRule } from "./workflow-datasets";

/**
 * The specification of a dated contract ("MNQH5") or a root ("MNQ"); null when the symbol names no
 * known contract.
 */
export function contractSpecOf(symbol: string): ContractSpec | null {
  let root = symbol.trim().toUpperCase();
  if (!isKnownRoot(root)) {
    try {
      root = parseContractSymbol(symbol).root;
    } catch {
      return null;
    }
  }
  return isKnownRoot(root) ? getContractSpec(root) : null;
}

/** The fee a run charged per contract per side, and where it came from. */
export interface RollFee {
  perSideCents: number;
  /** "run": the run's `feePerSideUsd`; "contract default": the contract's default fee. */
  source: "run" | "contract default";
}

/**
 * The fee per contract per side a run used, as the replay derives it (lib/runs/backtest-replay.ts):
 * the configuration's `feePerSideUsd` in whole cents, else the contract's default.
 */
export function rollFeePerSide(config: unknown, spec: ContractSpec): RollFee {
  const usd = (config as { feePerSideUsd?: unknown } | null | undefined)?.feePerSideUsd;
  if (typeof usd === "number" && Number.isFinite(usd)) return { perSideCents: Math.round(usd * 100), source: "run" };
  return { perSideCents: spec.defaultFeePerSideCents, source: "contract default" };
}

/** "1 long", "2 short", "flat, nothing rolled" (the signed position rolled over). */
export function describeRolledPosition(closedQty: number): string {
  if (closedQty === 0) return "flat, nothing rolled";
  return `${Math.abs(closedQty)} ${closedQty > 0 ? "long" : "short"}`;
}

/** One executed roll as the Rolls panel shows it. */
export interface RollRowView {
  atNs: string;
  fromContract: string;
  toContract: string;
  /** Signed position rolled (0 when flat). */
  closedQty: number;
  position: string;
  /** Old contract's last price (index points), null when it never traded or the contract is unknown. */
  fromPrice: number | null;
  /** New contract's first price (index points), null when the contract is unknown. */
  toPrice: number | null;
  fromPriceTicks: number | null;
  toPriceTicks: number;
  /** New minus old price, ticks (null when the old contract never traded). */
  diffTicks: number | null;
  /** The same in index points (null also when the contract is unknown). */
  diffPoints: number | null;
  /** 2 x fee per side x |qty|, cents (null when the fee is unknown). */
  feesCents: number | null;
  /** "#12, #13", or "none" when flat. */
  fillIds: string;
  cancelledOrders: number;
}

/** The executed rolls as rows, prices converted with `spec`'s tick size and fees from `fee`. */
export function rollRows(rolls: readonly RollDto[], spec: ContractSpec | null, fee: RollFee | null): RollRowView[] {
  return rolls.map((r) => {
    const fromTicks = r.fromPriceTicks === null || !Number.isFinite(r.fromPriceTicks) ? null : r.fromPriceTicks;
    const diffTicks = fromTicks === null ? null : r.toPriceTicks - fromTicks;
    return {
      atNs: r.atNs,
      fromContract: r.fromContract,
      toContract: r.toContract,
      closedQty: r.closedQty,
      position: describeRolledPosition(r.closedQty),
      fromPrice: spec && fromTicks !== null ? ticksToPrice(spec, fromTicks) : null,
      toPrice: spec ? ticksToPrice(spec, r.toPriceTicks) : null,
      fromPriceTicks: fromTicks,
      toPriceTicks: r.toPriceTicks,
      diffTicks,
      diffPoints: spec && diffTicks !== null ? ticksToPrice(spec, diffTicks) : null,
      feesCents: fee ? 2 * fee.perSideCents * Math.abs(r.closedQty) : null,
      fillIds: r.fillIds.length === 0 ? "none" : r.fillIds.map((id) => `#${id}`).join(", "),
      cancelledOrders: r.cancelledOrderIds.length,
    };
  });
}

/** The schedule a run used: its rule in words, the contract chain and the roll points. */
export interface RollScheduleView {
  rule: string;
  /** "MNQH5 → MNQM5". */
  chain: string;
  rolls: RunRollSchedule["rolls"];
}

export function describeRunRollSchedule(schedule: RunRollSchedule): RollScheduleView {
  return { rule: describeRollRule(schedule.rule), chain: schedule.contracts.join(" → "), rolls: schedule.rolls };
}

/** The instants (ns as decimal strings) of the rolls that moved a position: trades start or end there. */
export function rollInstants(rolls: readonly Pick<RollDto, "atNs" | "closedQty">[] | undefined): ReadonlySet<string> {
  return new Set((rolls ?? []).filter((r) => r.closedQty !== 0).map((r) => r.atNs));
}

/** Whether a round trip was entered and/or exited by a roll (its time equals a roll instant). */
export function tradeRollMarks(trade: { entryNs: string; exitNs: string }, instants: ReadonlySet<string>): { entry: boolean; exit: boolean } {
  return { entry: instants.has(trade.entryNs), exit: instants.has(trade.exitNs) };
}

/** The calendar-rule legend of a single dataset (CME convention, lib/data/coverage.ts). */
export const CALENDAR_ROLL_LEGEND = "calendar roll: first session of the next contract (8 days before the front contract's expiry, CME convention)";

/**
 * The roll line of the coverage calendar's legend. A continuous dataset rolls by its own rule
 * (its coverage lists its resolved roll dates): "roll rule volume crossover: first session traded
 * in the next contract - 2025-03-13 MNQH5 → MNQM5". A single dataset shows CME's calendar rule.
 */
export function coverageRollLegend(dataset: { kind: string; rollRule: unknown } | null | undefined, rolls: readonly { sessionDate: string; from: string; to: string }[]): string {
  if (dataset?.kind !== "continuous") return CALENDAR_ROLL_LEGEND;
  const head = `roll rule ${describeRollRule(dataset.rollRule)}: first session traded in the next contract`;
  if (rolls.length === 0) return `${head} (no roll in this series)`;
  return `${head} - ${rolls.map((r) => `${r.sessionDate} ${r.from} → ${r.to}`).join(", ")}`;
}
