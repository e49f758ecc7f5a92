// `npm test`: lint, type-check, unit + integration tests (vitest, real PostgreSQL) and browser
// tests (Playwright in Chromium), then one summary line `N passed, N failed[, N skipped]`.
// Lint and type-check count as one check each. Exit code is non-zero when anything failed.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";

const only = process.argv.slice(2);
const want = (stage) => only.length === 0 || only.includes(stage);
const totals = { passed: 0, failed: 0, skipped: 0 };
mkdirSync("artifacts", { recursive: true });

function run(cmd, args, extraEnv = {}) {
  console.log(`\n$ ${cmd} ${args.join(" ")}`);
  const result = spawnSync(cmd, args, { stdio: "inherit", env: { ...process.env, ...extraEnv } });
  return result.status ?? 1;
}

function check(name, cmd, args) {
  if (!want(name)) return;
  const status = run(cmd, args);
  if (status === 0) totals.passed++;
  else {
    totals.failed++;
    console.log(`\n${name} FAILED`);
  }
}

check("lint", "npx", ["eslint", "--max-warnings=0", "."]);
check("typecheck", "npx", ["tsc", "--noEmit"]);

if (want("unit")) {
  const report = "artifacts/vitest.json";
  rmSync(report, { force: true });
  const status = run("npx", ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`]);
  if (existsSync(report)) {
    const r = JSON.parse(readFileSync(report, "utf8"));
    totals.passed += r.numPassedTests;
    totals.failed += r.numFailedTests;
    totals.skipped += r.numPendingTests + (r.numTodoTests ?? 0);
    // A suite that failed to load has no failed test but must not pass silently.
    const brokenSuites = (r.testResults ?? []).filter((s) => s.status === "failed" && s.assertionResults.every((a) => a.status !== "failed")).length;
    totals.failed += brokenSuites;
    if (status !== 0 && r.numFailedTests === 0 && brokenSuites === 0) totals.failed++;
  } else {
    totals.failed++;
  }
}

if (want("e2e")) {
  const report = "artifacts/playwright.json";
  rmSync(report, { force: true });
  const status = run("npx", ["playwright", "test"], { PLAYWRIGHT_JSON_OUTPUT_NAME: report });
  if (existsSync(report)) {
    const s = JSON.parse(readFileSync(report, "utf8")).stats ?? {};
    totals.passed += (s.expected ?? 0) + (s.flaky ?? 0);
    totals.failed += s.unexpected ?? 0;
    totals.skipped += s.skipped ?? 0;
    if (status !== 0 && !s.unexpected) totals.failed++;
  } else {
    totals.failed++;
  }
}

const skipped = totals.skipped ? `, ${totals.skipped} skipped` : "";
console.log(`\n${totals.passed} passed, ${totals.failed} failed${skipped}`);
process.exit(totals.failed ? 1 : 0);
