/**
 * Exact money in scaled integers: a non-negative decimal held as an integer
 * count of 10^-scale units in a JS number. A number is exact for every
 * integer up to Number.MAX_SAFE_INTEGER (2^53 - 1), so these helpers are only
 * used where a bound check has shown that no value of the computation can
 * leave that range (scaled-payouts.ts). Never a fraction, never a float.
 */

export const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** 10^0 … 10^15: every one exact, and 10^15 < 2^53. */
const POWERS: readonly number[] = Array.from({ length: 16 }, (_, exponent) => 10 ** exponent);
export const MAX_SCALE = POWERS.length - 1;

export function powerOfTen(exponent: number): number {
  return POWERS[exponent];
}

/** Digits after the point of a plain decimal string: "12.50" → 2, "7" → 0. */
export function fractionLength(text: string): number {
  const dot = text.indexOf('.');
  return dot === -1 ? 0 : text.length - dot - 1;
}

/**
 * A plain non-negative decimal string ("1234.5") as an integer at `scale`
 * (scale 2: 123450), or -1 when it has more decimals than `scale` or does
 * not fit the safe range. The string must already be a checked decimal.
 */
export function toScaled(text: string, scale: number): number {
  let value = 0;
  let decimals = -1;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 46 /* . */) {
      decimals = 0;
      continue;
    }
    // Once past the safe range the value only grows, so the check below still catches it.
    value = value * 10 + (code - 48);
    if (decimals >= 0) decimals++;
  }
  if (decimals < 0) decimals = 0;
  if (decimals > scale || scale > MAX_SCALE || value > MAX_SAFE) return -1;
  const scaled = value * POWERS[scale - decimals];
  return scaled <= MAX_SAFE ? scaled : -1;
}

/** Full precision, no trailing zeros, as decimal.js's toFixed() writes it: 1906125 at scale 4 → "190.6125". */
export function plainText(value: number, scale: number): string {
  let text = String(value);
  if (scale === 0 || value === 0) return text;
  if (text.length <= scale) text = '0'.repeat(scale - text.length + 1) + text;
  const point = text.length - scale;
  let end = text.length;
  while (end > point && text.charCodeAt(end - 1) === 48 /* 0 */) end--;
  return end === point ? text.slice(0, point) : `${text.slice(0, point)}.${text.slice(point, end)}`;
}

/** A value that is a whole number of minor units, with exactly `digits` decimals: 19061000 at scale 5, 2 digits → "190.61". */
export function fixedText(value: number, scale: number, digits: number): string {
  let text = String(value / POWERS[scale - digits]);
  if (digits === 0) return text;
  if (text.length <= digits) text = '0'.repeat(digits - text.length + 1) + text;
  return `${text.slice(0, text.length - digits)}.${text.slice(text.length - digits)}`;
}

/** To a multiple of `unit` (the minor unit at the value's scale), ties up (away from zero) or to even. */
export function roundToUnit(value: number, unit: number, halfEven: boolean): number {
  const remainder = value % unit;
  const down = value - remainder;
  const twice = remainder * 2;
  if (twice > unit || (twice === unit && (!halfEven || (down / unit) % 2 === 1))) return down + unit;
  return down;
}

/** Towards zero to a multiple of `unit` (value ≥ 0). */
export function cutDownToUnit(value: number, unit: number): number {
  return value - (value % unit);
}
