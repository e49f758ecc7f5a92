/**
 * Which strategy a worker runs for an id, and the code it runs: the built-in registry, plus the
 * misbehaving test strategies when the test hook is on (TICKBENCH_TEST_STRATEGIES=1, never in the
 * product: the API validates against the built-in registry only).
 *
 * Provenance: a run records the SHA-256 of its strategy's source file. Built-in strategy `id`
 * lives in `lib/strategies/<id>.ts` (the registry's convention); a strategy whose file cannot be
 * found gets no hash (null) rather than a wrong one.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { StrategyModule } from "../../engine/strategy";
import { findStrategy } from "../../strategies";
import { findTestStrategy } from "../../strategies/test-strategies";

export interface ResolvedStrategy {
  module: StrategyModule;
  /** Absolute path of the module's source file; null when unknown. */
  sourceFile: string | null;
}

const strategiesDir = new URL("../../strategies/", import.meta.url);

export function resolveStrategy(id: string, options: { testStrategies: boolean }): ResolvedStrategy | undefined {
  const builtIn = findStrategy(id);
  if (builtIn) return { module: builtIn, sourceFile: sourceIfExists(new URL(`${id}.ts`, strategiesDir)) };
  const test = options.testStrategies ? findTestStrategy(id) : undefined;
  if (test) return { module: test, sourceFile: sourceIfExists(new URL("test-strategies.ts", strategiesDir)) };
  return undefined;
}

function sourceIfExists(url: URL): string | null {
  const file = fileURLToPath(url);
  return existsSync(file) ? file : null;
}

/** Hex SHA-256 of a strategy's source file (null when the file is unknown or unreadable). */
export function strategyCodeHash(sourceFile: string | null): string | null {
  if (sourceFile === null) return null;
  try {
    return createHash("sha256").update(readFileSync(sourceFile)).digest("hex");
  } catch {
    return null;
  }
}
