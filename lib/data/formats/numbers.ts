/**
 * Exact text-to-integer conversions for vendor files: decimal prices to 1e-9 units without going
 * through binary floating point, integer fields checked strictly. Pure; no allocation but the
 * returned numbers. A value that cannot be represented exactly is NaN, never rounded.
 */

const TEN_POW = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000];

/**
 * "3720.25" / "-0.5" / "3720" / "3720.250000000" -> price in 1e-9 units (3720250000000), exact.
 * NaN when it is not a plain decimal, has non-zero digits beyond the 9th decimal, or does not fit
 * a safe integer.
 */
export function decimalToNano(text: string): number {
  let i = 0;
  const n = text.length;
  let negative = false;
  if (n === 0) return Number.NaN;
  if (text.charCodeAt(0) === 45 /* - */ || text.charCodeAt(0) === 43 /* + */) {
    negative = text.charCodeAt(0) === 45;
    i = 1;
  }
  let whole = 0;
  let digits = 0;
  for (; i < n; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    whole = whole * 10 + c;
    digits++;
  }
  let frac = 0;
  let fracDigits = 0;
  if (i < n && text.charCodeAt(i) === 46 /* . */) {
    for (i++; i < n; i++) {
      const c = text.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return Number.NaN;
      if (fracDigits < 9) {
        frac = frac * 10 + c;
        fracDigits++;
      } else if (c !== 0) return Number.NaN;
      digits++;
    }
  }
  if (i !== n || digits === 0) return Number.NaN;
  const value = whole * 1_000_000_000 + frac * TEN_POW[9 - fracDigits];
  if (!Number.isSafeInteger(value)) return Number.NaN;
  return negative ? -value : value;
}

/** A non-negative integer written in plain digits ("42"), or NaN (also when not a safe integer). */
export function parseUint(text: string): number {
  const n = text.length;
  if (n === 0 || n > 16) return Number.NaN;
  let value = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return Number.NaN;
    value = value * 10 + c;
  }
  return Number.isSafeInteger(value) ? value : Number.NaN;
}

/** An integer written in plain digits (optional sign) as a bigint, or null. */
export function parseBigInt(text: string): bigint | null {
  return /^[+-]?\d{1,20}$/.test(text) ? BigInt(text) : null;
}

/**
 * Price in 1e-9 units from a decimal `raw` times a decimal `scale` (e.g. raw "2123425" with scale
 * "0.01" -> 21234.25 -> 21234250000000), exactly (bigint arithmetic); NaN when the product has
 * more than 9 decimals or is out of the safe range.
 */
export function scaledDecimalToNano(raw: string, scale: string): number {
  const a = decimalParts(raw);
  const b = decimalParts(scale);
  if (!a || !b) return Number.NaN;
  let mantissa = a.mantissa * b.mantissa;
  let exponent = a.exponent + b.exponent; // value = mantissa * 10^exponent
  while (exponent < -9) {
    if (mantissa % 10n !== 0n) return Number.NaN;
    mantissa /= 10n;
    exponent++;
  }
  const nano = mantissa * 10n ** BigInt(exponent + 9);
  const value = Number(nano);
  return Number.isSafeInteger(value) ? value : Number.NaN;
}

function decimalParts(text: string): { mantissa: bigint; exponent: number } | null {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (!m || (m[2] === "" && (m[3] ?? "") === "")) return null;
  const frac = m[3] ?? "";
  const mantissa = BigInt(`${m[1]}${m[2] || "0"}${frac}`);
  return { mantissa, exponent: -frac.length };
}
