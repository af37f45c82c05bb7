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

/**
 * decimalColumnToString for a decimal column read as PostgreSQL's text
 * ("7400.000000" from numeric(24,6)): trailing zeros past `minimumDigits`
 * dropped ("7400.00"), every digit that is not a trailing zero kept ("0.001").
 */
export function decimalTextToString(text: string, minimumDigits: number): string {
  const point = text.indexOf('.');
  const whole = point === -1 ? text : text.slice(0, point);
  let fraction = point === -1 ? '' : text.slice(point + 1);
  let end = fraction.length;
  while (end > minimumDigits && fraction.charCodeAt(end - 1) === 48 /* 0 */) end--;
  fraction = fraction.slice(0, end).padEnd(minimumDigits, '0');
  return fraction === '' ? whole : `${whole}.${fraction}`;
}
