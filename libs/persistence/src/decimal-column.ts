/** The two methods used, which both Prisma's and decimal.js's Decimal have. */
interface DecimalValue {
  toFixed(digits: number): string;
  decimalPlaces(): number;
}

/**
 * A decimal column as a string: Prisma's Decimal drops trailing zeros
 * ("7400"), money is shown with at least the currency's minor digits
 * ("7400.00") and never loses a digit it has ("0.001").
 */
export function decimalColumnToString(value: DecimalValue, minimumDigits: number): string {
  return value.toFixed(Math.max(minimumDigits, value.decimalPlaces()));
}
