import { Decimal as GlobalDecimal } from 'decimal.js';

/**
 * The engine's own decimal.js constructor: 40 significant digits, never the
 * shared global configuration. Every amount and rate is one of these; no JS
 * number ever holds money.
 */
export const Decimal = GlobalDecimal.clone({ precision: 40, rounding: GlobalDecimal.ROUND_HALF_UP });
export type Decimal = GlobalDecimal;

export const ROUNDING_MODES = ['half_up', 'half_even'] as const;
export type RoundingMode = (typeof ROUNDING_MODES)[number];

/** Plain decimal notation only: no exponent, sign optional, no leading '.' or '+'. */
const DECIMAL_STRING = /^-?\d+(\.\d+)?$/;
/** Longest decimal string accepted, so that 40 digits of precision stay exact. */
export const MAX_DECIMAL_STRING_LENGTH = 32;

export function isDecimalString(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_DECIMAL_STRING_LENGTH && DECIMAL_STRING.test(value);
}

export const ZERO = new Decimal(0);

const minorUnitCache = new Map<string, number>();

/**
 * Digits after the decimal point in the currency's minor unit, as the
 * platform's Intl data knows them: USD → 2, JPY → 0, BHD → 3.
 */
export function minorUnitDigits(currency: string): number {
  const cached = minorUnitCache.get(currency);
  if (cached !== undefined) return cached;
  const unknown = new RangeError(`Unknown currency "${currency}": expected an ISO 4217 code such as USD`);
  if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency) || !knownCurrencies().has(currency)) throw unknown;
  let digits: number;
  try {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    throw unknown;
  }
  minorUnitCache.set(currency, digits);
  return digits;
}

let currencies: Set<string> | null = null;

/** The ISO 4217 codes this platform's Intl data knows (Intl would format any 3 letters with 2 digits). */
function knownCurrencies(): Set<string> {
  return (currencies ??= new Set(Intl.supportedValuesOf('currency')));
}

function decimalRounding(mode: RoundingMode): GlobalDecimal.Rounding {
  switch (mode) {
    case 'half_up':
      // decimal.js HALF_UP rounds ties away from zero, the finance meaning of "half up".
      return Decimal.ROUND_HALF_UP;
    case 'half_even':
      return Decimal.ROUND_HALF_EVEN;
    default:
      throw new RangeError(`Unknown rounding mode "${String(mode)}": expected half_up or half_even`);
  }
}

/** Rounding to one currency's minor unit in one mode, resolved once for a whole run. */
export interface MoneyRounding {
  currency: string;
  mode: RoundingMode;
  digits: number;
  /** To the minor unit, ties by mode. */
  round(value: Decimal): Decimal;
  /** Towards zero to the minor unit: where going over a limit is not allowed. */
  cutDown(value: Decimal): Decimal;
  /** A rounded amount as the API shows it: fixed minor-unit decimals, never "-0.00". */
  format(value: Decimal): string;
}

export function moneyRounding(currency: string, mode: RoundingMode): MoneyRounding {
  const digits = minorUnitDigits(currency);
  const rounding = decimalRounding(mode);
  const zeroText = ZERO.toFixed(digits);
  return {
    currency,
    mode,
    digits,
    round: (value) => ownDecimal(value).toDecimalPlaces(digits, rounding),
    cutDown: (value) => ownDecimal(value).toDecimalPlaces(digits, Decimal.ROUND_DOWN),
    format: (value) => (value.isZero() ? zeroText : value.toFixed(digits)),
  };
}

/**
 * The one place money is rounded: to the currency's minor unit, ties by
 * `mode`. Returns a Decimal with at most minorUnitDigits(currency) decimals.
 */
export function roundMoney(value: Decimal | string, currency: string, mode: RoundingMode): Decimal {
  return moneyRounding(currency, mode).round(ownDecimal(value));
}

/** A rounded amount as the API shows it: fixed minor-unit decimals, e.g. "190.61", "0.00", "1500". */
export function formatMoney(value: Decimal, currency: string): string {
  // Never "-0.00": a zero line is shown as zero.
  return (value.isZero() ? ZERO : value).toFixed(minorUnitDigits(currency));
}

/** Full precision, plain notation, no trailing zeros: "190.6125", "0.1". */
export function plainDecimal(value: Decimal): string {
  return value.toFixed();
}

/** A decimal of the engine's own constructor (a value from another decimal.js configuration is copied). */
function ownDecimal(value: Decimal | string): Decimal {
  return typeof value !== 'string' && value.constructor === Decimal ? value : new Decimal(value);
}
