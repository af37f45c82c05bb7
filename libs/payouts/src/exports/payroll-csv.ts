/**
 * RFC 4180 CSV: CRLF line ends, a header row, and a field quoted when it
 * holds a comma, a double quote, CR or LF (quotes inside doubled). Every
 * cell a spreadsheet could run as a formula (starting with =, +, -, @, a
 * tab or CR; OWASP's rule) is neutralised with a leading apostrophe, unless
 * it is a plain decimal number: "-12.50" stays a number payroll can sum.
 */
export function toCsv(header: readonly string[], rows: readonly (readonly (string | null)[])[]): string {
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

export function csvField(value: string | null): string {
  const text = neutralised(value ?? '');
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

function neutralised(text: string): string {
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}
