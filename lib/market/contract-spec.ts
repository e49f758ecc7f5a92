/**
 * Contract specifications as data: adding an instrument means adding a row here, never code.
 * Sources: CME contract specification pages (see docs/DOMAIN.md section 1).
 *
 * Prices inside Tickbench are integer ticks; `tickSizeNano` (price fixed point 1e-9, the DBN
 * convention) and the decimal string `tickSize` are the only bridges to real prices, used at the
 * edges. Money is integer cents.
 */
import { AppError } from "../errors";

/** How the last trading day is derived (see contract-symbol.ts). */
export type ExpiryRule = "third-friday-0930-et";

export interface ContractSpec {
  /** Root symbol, e.g. "MNQ". */
  readonly root: string;
  readonly name: string;
  readonly exchange: "CME";
  readonly currency: "USD";
  /** Minimum price increment in index points, as an exact decimal string. */
  readonly tickSize: string;
  /** Minimum price increment in 1e-9 price units (0.25 -> 250_000_000n). */
  readonly tickSizeNano: bigint;
  /** USD per index point. */
  readonly multiplier: number;
  /** Value of one tick for one contract, in US cents (tickSize x multiplier). */
  readonly tickValueCents: number;
  /** Listed contract months as CME month codes (H M U Z = Mar Jun Sep Dec). */
  readonly contractMonths: string;
  readonly expiryRule: ExpiryRule;
  /** Session calendar id (lib/market/session-calendar.ts). */
  readonly sessionCalendar: "cme-equity";
  /**
   * Default all-in fee per contract per side, in cents: one public fee model (commission +
   * exchange + NFA, e.g. MNQ $0.25 + $0.30 + $0.02). Verify with your broker; every fee is
   * configurable per run.
   */
  readonly defaultFeePerSideCents: number;
}

const EQUITY_INDEX = {
  exchange: "CME",
  currency: "USD",
  tickSize: "0.25",
  tickSizeNano: 250_000_000n,
  contractMonths: "HMUZ",
  expiryRule: "third-friday-0930-et",
  sessionCalendar: "cme-equity",
} as const;

const SPECS: readonly ContractSpec[] = Object.freeze([
  { ...EQUITY_INDEX, root: "MNQ", name: "Micro E-mini Nasdaq-100", multiplier: 2, tickValueCents: 50, defaultFeePerSideCents: 57 },
  { ...EQUITY_INDEX, root: "NQ", name: "E-mini Nasdaq-100", multiplier: 20, tickValueCents: 500, defaultFeePerSideCents: 215 },
  { ...EQUITY_INDEX, root: "MES", name: "Micro E-mini S&P 500", multiplier: 5, tickValueCents: 125, defaultFeePerSideCents: 57 },
  { ...EQUITY_INDEX, root: "ES", name: "E-mini S&P 500", multiplier: 50, tickValueCents: 1250, defaultFeePerSideCents: 215 },
].map((spec) => Object.freeze(spec)));

const BY_ROOT = new Map(SPECS.map((spec) => [spec.root, spec]));

/** All known contract specifications, in a stable order. */
export function listContractSpecs(): readonly ContractSpec[] {
  return SPECS;
}

/** True when `root` names a known contract. */
export function isKnownRoot(root: string): boolean {
  return BY_ROOT.has(root.trim().toUpperCase());
}

/** The specification for a root symbol (case-insensitive); throws a bad_request AppError if unknown. */
export function getContractSpec(root: string): ContractSpec {
  const spec = BY_ROOT.get(root.trim().toUpperCase());
  if (!spec) {
    const known = SPECS.map((s) => s.root).join(", ");
    throw new AppError("bad_request", `Unknown contract root "${root}". Known roots: ${known}.`);
  }
  return spec;
}

/** Price in index points -> integer ticks; throws RangeError if the price is off the tick grid. */
export function priceToTicks(spec: ContractSpec, price: number): number {
  const ticks = (price * 1e9) / Number(spec.tickSizeNano);
  const rounded = Math.round(ticks);
  if (Math.abs(ticks - rounded) > 1e-6) throw new RangeError(`${price} is not a multiple of ${spec.root} tick size ${spec.tickSize}`);
  return rounded;
}

/** Integer ticks -> price in index points (a float: for display and edges only). */
export function ticksToPrice(spec: ContractSpec, ticks: number): number {
  return (ticks * Number(spec.tickSizeNano)) / 1e9;
}
