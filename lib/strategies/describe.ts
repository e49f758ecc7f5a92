/**
 * Plain-data descriptions of the built-in strategies for clients (forms, listings): metadata, the
 * JSON Schema of the parameters (input side: defaults make fields optional; bounds and .describe()
 * texts included) and the default parameter values. Cross-field rules (e.g. fast < slow) are not
 * expressible in JSON Schema; the server validates with the zod schema anyway.
 */
import { z } from "zod";
import { builtInStrategies } from "./index";

export interface StrategyDescription {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly paramsJsonSchema: unknown;
  readonly defaults: unknown;
  /** "mbo": the strategy needs an MBO dataset and a book fill model (l1-quotes, l2-queue, l3-fifo). */
  readonly requires?: "mbo";
}

export function describeStrategies(): StrategyDescription[] {
  return builtInStrategies.map((strategy) => ({
    id: strategy.id,
    name: strategy.name,
    description: strategy.description,
    paramsJsonSchema: z.toJSONSchema(strategy.paramsSchema, { io: "input", unrepresentable: "any" }),
    defaults: strategy.paramsSchema.parse({}),
    ...(strategy.requires ? { requires: strategy.requires } : {}),
  }));
}
