/** The code version recorded with every run (git commit), read once at process start. */
import { execFileSync } from "node:child_process";

let cached: string | undefined;

export function codeVersion(): string {
  if (cached) return cached;
  if (process.env.TICKBENCH_GIT_SHA) return (cached = process.env.TICKBENCH_GIT_SHA);
  try {
    const sha = execFileSync("git", ["rev-parse", "--short=12", "HEAD"], { stdio: ["ignore", "pipe", "ignore"] }).toString().trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { stdio: ["ignore", "pipe", "ignore"] }).toString().trim();
    cached = dirty ? `${sha}-dirty` : sha;
  } catch {
    cached = "unknown";
  }
  return cached;
}
