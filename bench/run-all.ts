/**
 * `npm run bench`: every benchmark, one after the other (never in parallel: they would share the
 * machine's two cores). Each prints a table and a final JSON line; this collects the JSON lines.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";

const dir = import.meta.dirname;
const only = process.argv.slice(2);
const benches = readdirSync(dir)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
const summary: unknown[] = [];
let failed = 0;
for (const file of benches) {
  console.log(`\n=== ${file} ===`);
  const result = spawnSync(process.execPath, ["--import", "tsx", path.join(dir, file)], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  process.stdout.write(result.stdout);
  if (result.status !== 0) failed++;
  const last = result.stdout.trim().split("\n").filter((l) => l.startsWith("{")).pop();
  if (last) summary.push(JSON.parse(last));
}
console.log("\n=== summary ===");
console.log(JSON.stringify(summary, null, 2));
process.exit(failed ? 1 : 0);
