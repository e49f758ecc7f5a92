/**
 * Registry of built-in strategies, in a stable order (the UI lists them in this order). A run
 * stores the strategy id; ids never change meaning once released.
 */
import { AppError } from "../errors";
import type { StrategyModule } from "../engine/strategy";
import { orbBracket } from "./orb-bracket";
import { smaCross } from "./sma-cross";
import { vwapReversion } from "./vwap-reversion";
import { bookImbalance } from "./book-imbalance";
import { passiveMarketMaker } from "./passive-market-maker";

export const builtInStrategies: readonly StrategyModule[] = Object.freeze([smaCross, orbBracket, vwapReversion, bookImbalance, passiveMarketMaker]);

const BY_ID = new Map(builtInStrategies.map((strategy) => [strategy.id, strategy]));

export function findStrategy(id: string): StrategyModule | undefined {
  return BY_ID.get(id);
}

/** The strategy with this id; throws a bad_request AppError if none. */
export function getStrategy(id: string): StrategyModule {
  const strategy = BY_ID.get(id);
  if (!strategy) {
    throw new AppError("bad_request", `Unknown strategy "${id}". Known strategies: ${builtInStrategies.map((s) => s.id).join(", ")}.`);
  }
  return strategy;
}
