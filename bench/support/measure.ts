/** Timing for benchmarks: a cold run, untimed warm-up runs, then timed runs (median and best). */
export function time<T>(run: () => T): { ms: number; value: T } {
  const start = performance.now();
  const value = run();
  return { ms: performance.now() - start, value };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** First (cold) run, warmup - 1 more untimed runs, then `runs` timed runs: steady-state figures. */
export function measure<T>(run: () => T, warmup: number, runs: number): { coldMs: number; medianMs: number; bestMs: number; value: T } {
  const cold = time(run);
  let value = cold.value;
  for (let w = 1; w < warmup; w++) value = run();
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const timed = time(run);
    times.push(timed.ms);
    value = timed.value;
  }
  return { coldMs: cold.ms, medianMs: median(times), bestMs: Math.min(...times), value };
}
