/**
 * The engine's view of a tradable instrument. Inside the engine prices are integer ticks and money
 * is integer cents, so every P&L figure is exact: P&L = ticks x contracts x tickValueCents.
 * Contract data (tick size, tick value, fees) is data an admin can correct; nothing here hard-codes
 * a contract. Convert ticks to index points only at the edges (results, UI).
 */
import { z } from "zod";
import { AppError } from "../errors";
import { ticksToPrice, type ContractSpec } from "../market/contract-spec";

export interface Instrument {
  /** Root symbol, e.g. "MNQ". */
  readonly symbol: string;
  /** Minimum price increment in index points (MNQ: 0.25). */
  readonly tickSize: number;
  /** Value of one tick for one contract, in integer cents (MNQ: 50 = $0.50). */
  readonly tickValueCents: number;
  /** Commission + exchange + regulatory fee per contract per side, in integer cents. */
  readonly feePerSideCents: number;
  /**
   * Last trading time of a dated contract, ns since the epoch (absent for a continuous series):
   * orders are rejected from then on and a position is closed at the last trade before it.
   */
  readonly lastTradeNs?: bigint;
}

export const instrumentSchema = z.object({
  symbol: z.string().min(1).max(32).describe("Root symbol, e.g. MNQ"),
  tickSize: z.number().positive().finite().describe("Minimum price increment in index points"),
  tickValueCents: z.number().int().positive().describe("Value of one tick per contract in cents"),
  feePerSideCents: z.number().int().nonnegative().describe("Fees per contract per side in cents"),
  lastTradeNs: z.bigint().optional().describe("Last trading time of a dated contract, ns since the epoch"),
});

/** Validates instrument data (e.g. a contract row) into an immutable `Instrument`. */
export function defineInstrument(input: unknown): Instrument {
  const parsed = instrumentSchema.safeParse(input);
  if (!parsed.success) {
    throw new AppError("bad_request", `Invalid instrument: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
  }
  return Object.freeze({ ...parsed.data });
}

/** Price in index points of a price in integer ticks. */
export function ticksToPoints(instrument: Instrument, ticks: number): number {
  return ticks * instrument.tickSize;
}

/** Integer ticks of a price in index points; the price must lie on the tick grid (within 1e-6 tick). */
export function pointsToTicks(instrument: Instrument, points: number): number {
  const ticks = points / instrument.tickSize;
  const rounded = Math.round(ticks);
  if (Math.abs(ticks - rounded) > 1e-6) {
    throw new AppError("bad_request", `Price ${points} is not a multiple of the tick size ${instrument.tickSize}`);
  }
  return rounded;
}

/** The engine's view of a contract specification; `feePerSideCents` defaults to the spec's default fee. */
export function instrumentFromContractSpec(spec: ContractSpec, feePerSideCents = spec.defaultFeePerSideCents): Instrument {
  return defineInstrument({ symbol: spec.root, tickSize: ticksToPrice(spec, 1), tickValueCents: spec.tickValueCents, feePerSideCents });
}
