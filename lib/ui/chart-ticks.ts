/** Round axis ticks for hand-drawn charts: prices on a 1 / 2 / 2.5 / 5 x 10^k grid, times on clock steps. */

const MANTISSAS = [1, 2, 2.5, 5];

/** Smallest 1, 2, 2.5 or 5 x 10^k that is >= raw (raw > 0). */
export function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  let power = 10 ** Math.floor(Math.log10(raw));
  for (;;) {
    for (const m of MANTISSAS) if (m * power >= raw * (1 - 1e-12)) return m * power;
    power *= 10;
  }
}

/** Multiples of a nice step inside [lo, hi], about `count` of them. */
export function priceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const step = niceStep((hi - lo) / count);
  const out: number[] = [];
  for (let i = Math.ceil(lo / step - 1e-9); i * step <= hi + 1e-9; i++) out.push(Math.round(i * step * 1e9) / 1e9);
  return out;
}

const S = 1000;
const TIME_STEPS_MS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400].map((s) => s * S);

/** Instants on a clock step (multiples of it since the epoch) inside [fromMs, toMs], at most `max`. */
export function timeTicks(fromMs: number, toMs: number, max = 6): number[] {
  if (!(toMs > fromMs)) return [fromMs];
  const step = TIME_STEPS_MS.find((s) => (toMs - fromMs) / s <= max) ?? TIME_STEPS_MS[TIME_STEPS_MS.length - 1];
  const out: number[] = [];
  for (let t = Math.ceil(fromMs / step) * step; t <= toMs; t += step) out.push(t);
  return out;
}
