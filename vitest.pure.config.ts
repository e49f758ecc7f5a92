// Pure unit tests only (no database): `npx vitest run --config vitest.pure.config.ts lib/market`.
// Handy while iterating on domain code; `npm test` runs everything with vitest.config.ts.
import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["lib/market/**/*.test.ts", "lib/engine/**/*.test.ts", "lib/strategies/**/*.test.ts", "lib/statistics/**/*.test.ts", "lib/book/**/*.test.ts", "lib/data/dbn/**/*.test.ts", "lib/ui/**/*.test.ts"],
    testTimeout: 60_000,
    pool: "forks",
    maxWorkers: 1,
  },
});
